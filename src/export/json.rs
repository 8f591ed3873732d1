//! The escalation package: the whole session as pretty JSON (format documented in
//! `docs/session-format.md`). Characters a terminal could act on (C0/C1 controls, DEL, bidi
//! controls) are written as `\uXXXX` escapes, so the file is clean text and still holds exactly
//! the original data.

use crate::session::Session;

/// Renders the session as JSON, ending with a newline.
pub fn render(s: &Session) -> String {
    // Serialising these plain types cannot fail; fall back to an empty object rather than panic.
    let raw = serde_json::to_string_pretty(&with_error_code_meaning(s)).unwrap_or_else(|_| "{}".to_string());
    let mut out = escape_unsafe(&raw);
    out.push('\n');
    out
}

/// The session, plus `error_code_meaning` (the AADSTS table's entry for its `error.code`) when
/// the table knows the code; readers of the session format ignore the extra member.
fn with_error_code_meaning(s: &Session) -> impl serde::Serialize + '_ {
    #[derive(serde::Serialize)]
    struct Package<'a> {
        #[serde(flatten)]
        session: &'a Session,
        #[serde(skip_serializing_if = "Option::is_none")]
        error_code_meaning: Option<super::error_code::Meaning>,
    }
    Package { session: s, error_code_meaning: super::error_code::of(s).map(Into::into) }
}

/// Replaces every control or bidi character with its JSON `\uXXXX` escape. Only valid on JSON
/// text: such characters can only occur inside strings there (serde_json already escapes C0).
pub fn escape_unsafe(json: &str) -> String {
    if !json.chars().any(is_unsafe) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && c != '\n' {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What [`crate::text::is_hostile`] neutralises elsewhere (newlines are JSON layout here).
fn is_unsafe(c: char) -> bool {
    c != '\n' && crate::text::is_hostile(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_keep_the_data() {
        let v = serde_json::json!({"n": "a\u{9b}b\u{202e}c\u{1b}"});
        let text = escape_unsafe(&serde_json::to_string_pretty(&v).unwrap_or_default());
        assert!(crate::text::is_clean(&text));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, v);
    }
}
