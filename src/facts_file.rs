//! Facts files: `{"facts": {"key": "value", ...}, "sources": {"key": "where from", ...}}` (scenario
//! files, with `name` and `expect`, are facts files too; `sources` is optional, contract §8).
//! Every problem names the file, line:column and fact key. Also: the facts known before a walk
//! starts ([`Known`]), from a facts file, a sign-in log import, or both.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::engine::{EngineError, Provenance, Walk, WalkOptions};
use crate::runbook::position::escape_segment;
use crate::runbook::{Origin, RunbookSet, SourceFile};
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
    let text = crate::input::utf8(bytes).map_err(|kind| crate::input::InputError { file: name.clone(), kind })?;
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
    let mut given: Vec<(&String, &str)> = Vec::with_capacity(facts.len());
    for (key, v) in facts {
        let Some(s) = v.as_str() else {
            let pointer = format!("/facts/{}", escape_segment(key));
            return Err(err(&pointer, format!("`{key}`: value must be a string, not {v}")));
        };
        given.push((key, s));
    }
    // Spelled as a person would (`Windows`, `1809`, `Sonoma`): a version is read against the OS
    // the same file gives, wherever it stands in the file.
    let no_facts = |_: &str| None;
    let os_of = |os_key: &str| {
        let (_, v) = given.iter().find(|(k, _)| k.as_str() == os_key)?;
        vocab.normalize(os_key, v, &no_facts).ok()
    };
    let mut out = Vec::with_capacity(given.len());
    for (key, s) in &given {
        let pointer = format!("/facts/{}", escape_segment(key));
        let value = vocab.normalize_given(key, s, &os_of).map_err(|e| err(&pointer, e.to_string()))?;
        out.push(((*key).clone(), value));
    }
    Ok(out)
}

/// A facts file: the facts in file order, and `sources` (contract §8) for those that came from a
/// sign-in log, by fact key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactsFile {
    pub facts: Vec<(String, String)>,
    pub sources: BTreeMap<String, String>,
    /// A scenario's `"role"` (contract §4): the walk runs as that role unless `--role` says.
    pub role: Option<crate::engine::Role>,
}

/// [`parse`], and the optional `sources` object: each member names one of the facts and says,
/// as one line of text, where it came from (`graph-v1.0: deviceDetail.browser`).
pub fn parse_file(name: &str, text: &str, vocab: &Vocabulary) -> Result<FactsFile, FactsFileError> {
    let facts = parse(name, text, vocab)?;
    // `parse` has checked that the text is a JSON object.
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let mut sources = BTreeMap::new();
    if let Some(s) = value.get("sources") {
        let file = SourceFile::new(Origin::File(name.into()), text.to_string());
        let err = |pointer: &str, message: String| {
            let place = file.pos(pointer).map(|p| format!(":{}:{}", p.line, p.col)).unwrap_or_default();
            FactsFileError { file: name.to_string(), place, message: crate::text::sanitize_line(&message) }
        };
        let obj = s
            .as_object()
            .ok_or_else(|| err("/sources", "`sources` must be an object of \"fact\": \"where from\"".into()))?;
        for (key, v) in obj {
            let pointer = format!("/sources/{}", escape_segment(key));
            let Some(text) = v.as_str() else {
                return Err(err(&pointer, format!("`sources`: `{key}` must be a string, not {v}")));
            };
            if !facts.iter().any(|(k, _)| k == key) {
                return Err(err(&pointer, format!("`sources` names `{key}`, which is not among the facts")));
            }
            sources.insert(key.clone(), crate::text::sanitize_line(text.trim()));
        }
    }
    let role = match value.get("role") {
        None => None,
        Some(r) => Some(match r.as_str() {
            Some("tier1") => crate::engine::Role::Tier1,
            Some("tier2") => crate::engine::Role::Tier2,
            _ => {
                let file = SourceFile::new(Origin::File(name.into()), text.to_string());
                let place = file.pos("/role").map(|p| format!(":{}:{}", p.line, p.col)).unwrap_or_default();
                let shown = crate::text::clip_middle(&crate::text::sanitize_line(&r.to_string()), 40);
                return Err(FactsFileError {
                    file: name.to_string(),
                    place,
                    message: format!("`role` must be \"tier1\" or \"tier2\", not {shown}"),
                });
            }
        }),
    };
    Ok(FactsFile { facts, sources, role })
}

/// A fact known before the walk starts, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFact {
    pub key: String,
    pub value: String,
    pub provenance: Provenance,
    /// For an imported fact, its source field (`graph-v1.0: status.errorCode`).
    pub via: Option<String>,
}

/// Facts known before the walk: from a facts file, a sign-in log import, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known(pub Vec<KnownFact>);

impl Known {
    /// A facts file's facts: those its `sources` names are imported, the rest from the file.
    pub fn from_file(f: FactsFile) -> Self {
        Known(
            f.facts
                .into_iter()
                .map(|(key, value)| {
                    let via = f.sources.get(&key).cloned();
                    let provenance = if via.is_some() { Provenance::Imported } else { Provenance::FactsFile };
                    KnownFact { key, value, provenance, via }
                })
                .collect(),
        )
    }

    /// An import's facts, each with its source.
    pub fn from_import(imported: &crate::import::Imported) -> Self {
        Known(
            imported
                .facts
                .iter()
                .map(|f| KnownFact {
                    key: f.key.to_string(),
                    value: f.value.clone(),
                    provenance: Provenance::Imported,
                    via: Some(f.source.clone()),
                })
                .collect(),
        )
    }

    /// These facts with `over`'s on top: a fact in both takes `over`'s value and origin (a facts
    /// file given with `--signin-log` wins over the log).
    pub fn overlay(mut self, over: Known) -> Known {
        for f in over.0 {
            match self.0.iter_mut().find(|k| k.key == f.key) {
                Some(k) => *k = f,
                None => self.0.push(f),
            }
        }
        self
    }

    /// Starts a walk with these facts known; imported ones keep their source in `via`.
    pub fn start(self, set: &RunbookSet, options: WalkOptions, now: DateTime<Utc>) -> Result<Walk, EngineError> {
        let vias: Vec<(String, String)> =
            self.0.iter().filter_map(|f| f.via.clone().map(|v| (f.key.clone(), v))).collect();
        let mut walk = Walk::start(set, self.0.into_iter().map(|f| (f.key, f.value, f.provenance)), options, now)?;
        for (key, via) in vias {
            if let Some(entry) = walk.facts.get_mut(&key) {
                entry.via = Some(via);
            }
        }
        Ok(walk)
    }
}
