//! The official meaning of the session's error code (typed or imported), shown by every export:
//! the AADSTS table (`crate::aadsts`) says what the code is and what it points to.

use serde::Serialize;

use crate::aadsts::Code;
use crate::session::Session;

/// The session's `error.code` fact with its table entry, when the table knows it.
pub fn of(s: &Session) -> Option<Code> {
    let seen = s.walk.facts.get("error.code")?;
    crate::aadsts::lookup(&seen.value)
}

/// The JSON export's `error_code_meaning` member.
#[derive(Debug, Clone, Serialize)]
pub struct Meaning {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub doc_url: String,
    pub points_to: String,
    pub unverified: bool,
}

impl From<Code> for Meaning {
    fn from(c: Code) -> Self {
        Meaning {
            code: format!("AADSTS{}", c.code),
            name: c.name,
            text: c.text,
            doc_url: c.doc_url,
            points_to: c.points_to,
            unverified: c.unverified,
        }
    }
}

/// The Markdown section (empty when the code is unknown or absent).
pub fn markdown(s: &Session) -> String {
    use super::markdown::{inline, link, wrapped};
    let Some(c) = of(s) else { return String::new() };
    let mut o = String::from("\n## Error code\n\n");
    // Wrapped like the rest of the notes' prose (a ticket's note field is often narrow).
    o.push_str(&wrapped("- ", "  ", &format!("{} ({})", inline(&c.one_line()), link("reference", &c.doc_url))));
    o.push_str(&wrapped("- ", "  ", &format!("**Points to:** {}", inline(&c.points_to))));
    o
}

/// The plain-text lines (none when the code is unknown or absent).
pub fn text_lines(s: &Session) -> Vec<String> {
    let Some(c) = of(s) else { return Vec::new() };
    let clean = crate::text::sanitize_line;
    vec![c.one_line(), format!("Points to: {}", clean(&c.points_to)), clean(&c.doc_url)]
}
