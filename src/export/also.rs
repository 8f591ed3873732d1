//! "Once this is fixed, … will still block": the known second faults of a session (contract
//! §9.6), worded once for every export. Each line names the class, the outcome and its source.

use crate::session::Session;
use crate::text::sanitize_line;

/// The heading line before the faults (none when there are none).
pub const HEADING: &str = "Once this is fixed, these documented faults will still block:";

/// One line per second fault, in precedence order: class, title, outcome node, and the source
/// its remediation cites (id, title and URL). Clean of control characters.
pub fn lines(s: &Session) -> Vec<String> {
    s.also
        .iter()
        .map(|a| {
            let source = a
                .source
                .as_ref()
                .map(|src| format!(" Source: {} {} ({})", src.id, src.title, src.url))
                .unwrap_or_default();
            sanitize_line(&format!("{}: {} [{}].{source}", a.class, a.title.trim_end_matches('.'), a.outcome))
        })
        .collect()
}

/// The same as one sentence, for places with room for a single line (a ticket field, a status line).
pub fn sentence(s: &Session) -> Option<String> {
    if s.also.is_empty() {
        return None;
    }
    let classes: Vec<&str> = s.also.iter().map(|a| a.class.as_str()).collect();
    Some(sanitize_line(&format!("Once this is fixed, {} will still block.", classes.join(", then "))))
}
