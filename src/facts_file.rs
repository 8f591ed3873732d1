//! Facts files: `{"facts": {"key": "value", ...}}` (scenario files, with `name` and `expect`,
//! are facts files too). Every problem names the file, line:column and fact key.

use std::sync::Arc;

use crate::runbook::position::escape_segment;
use crate::runbook::{Origin, SourceFile};
use crate::vocab::Vocabulary;

/// A bad facts file, as one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{place}: {message}")]
pub struct FactsFileError {
    pub file: String,
    /// `:line:col` or empty.
    pub place: String,
    pub message: String,
}

/// Reads a facts file (or `-`, standard input) as the rules for outside input say: a regular
/// file of at most `limit` bytes, never blocking on a FIFO or device. Returns the name to show
/// in messages (the path as given, or `<stdin>`) and the text.
pub fn read(
    spec: &std::path::Path,
    stdin: &mut dyn std::io::Read,
    limit: u64,
) -> Result<(String, String), crate::input::InputError> {
    let (name, bytes) = crate::input::read_input_spec(spec, stdin, limit)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| crate::input::InputError { file: name.clone(), kind: crate::input::InputErrorKind::NotUtf8 })?;
    Ok((name, text))
}

/// Parses and validates a facts file's text against the vocabulary; returns (key, value) pairs
/// in file order.
pub fn parse(name: &str, text: &str, vocab: &Vocabulary) -> Result<Vec<(String, String)>, FactsFileError> {
    let file = Arc::new(SourceFile::new(Origin::File(name.into()), text.to_string()));
    let text: &str = &file.text;
    let err = |pointer: &str, message: String| {
        let place = file.pos(pointer).map(|p| format!(":{}:{}", p.line, p.col)).unwrap_or_default();
        FactsFileError { file: name.to_string(), place, message: crate::text::sanitize_line(&message) }
    };
    // A key given twice would otherwise be decided silently by its last occurrence.
    crate::input::check_unique_keys(text.as_bytes()).map_err(|d| FactsFileError {
        file: name.to_string(),
        place: format!(":{}:{}", d.line, d.column.max(1)),
        message: format!("`{}` is given twice in one object", d.key),
    })?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| FactsFileError {
        file: name.to_string(),
        place: format!(":{}:{}", e.line(), e.column().max(1)),
        message: {
            let m = e.to_string();
            let m = m.rfind(" at line ").map(|i| m[..i].to_string()).unwrap_or(m);
            format!("invalid JSON: {m}")
        },
    })?;
    let obj = value.as_object().ok_or_else(|| err("", "expected a JSON object with a `facts` object".into()))?;
    let facts = obj
        .get("facts")
        .ok_or_else(|| err("", "missing `facts` object".into()))?
        .as_object()
        .ok_or_else(|| err("/facts", "`facts` must be an object of \"key\": \"value\"".into()))?;
    let mut out = Vec::with_capacity(facts.len());
    for (key, v) in facts {
        let pointer = format!("/facts/{}", escape_segment(key));
        let Some(s) = v.as_str() else {
            return Err(err(&pointer, format!("`{key}`: value must be a string, not {v}")));
        };
        vocab.check(key, s).map_err(|e| err(&pointer, e.to_string()))?;
        out.push((key.clone(), s.to_string()));
    }
    Ok(out)
}
