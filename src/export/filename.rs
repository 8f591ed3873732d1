//! Export file names. A name derived from a ticket id is reduced to `[A-Za-z0-9_-]`, length-limited
//! and checked to be one plain path component, so no ticket id can name a file outside the chosen
//! folder (no separators, no `..`, no drive letters, no control characters, no reserved names).

use std::path::{Component, Path, PathBuf};

use crate::session::Session;

/// Longest file-name stem derived from a ticket (characters; all ASCII).
pub const MAX_STEM: usize = 64;

/// Windows device names that are not usable as file names, with any extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt0",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A safe file-name stem from any text (a ticket id), or None when nothing usable is left.
/// Letters, digits, `-` and `_` are kept; every run of anything else becomes one `_`.
pub fn sanitize_stem(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len().min(MAX_STEM));
    for c in raw.chars() {
        let keep = c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let c = if keep { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c| c == '_' || c == '-');
    let mut stem: String = trimmed.chars().take(MAX_STEM).collect();
    while stem.ends_with(['_', '-']) {
        stem.pop();
    }
    if stem.is_empty() {
        return None;
    }
    if RESERVED.contains(&stem.to_ascii_lowercase().as_str()) {
        stem.insert_str(0, "ticket-");
    }
    Some(stem)
}

/// The stem for a session's export: its ticket, else `session-<id>`.
pub fn export_stem(session: &Session) -> String {
    session
        .ticket
        .as_deref()
        .and_then(sanitize_stem)
        .or_else(|| sanitize_stem(&format!("session-{}", session.id)))
        .unwrap_or_else(|| "session".to_string())
}

/// `stem.ext` for the first try, `stem-2.ext`, `stem-3.ext`… after.
pub fn numbered(stem: &str, n: u32, ext: &str) -> String {
    let dot = if ext.is_empty() { "" } else { "." };
    if n <= 1 { format!("{stem}{dot}{ext}") } else { format!("{stem}-{n}{dot}{ext}") }
}

/// `dir/name` if `name` is a single ordinary file name (else None): the result is always directly
/// inside `dir`.
pub fn join_inside(dir: &Path, name: &str) -> Option<PathBuf> {
    if name.is_empty() || name.chars().any(|c| c.is_control() || c == '/' || c == '\\' || c == ':') {
        return None;
    }
    let mut comps = Path::new(name).components();
    match (comps.next(), comps.next()) {
        (Some(Component::Normal(n)), None) if n == std::ffi::OsStr::new(name) => Some(dir.join(name)),
        _ => None,
    }
}

/// Splits a user-chosen file name into (stem, extension) for numbering: `notes.md` → (`notes`,
/// `md`); `notes` → (`notes`, ``); `.hidden` → (`.hidden`, ``).
pub fn split_name(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i + 1..]),
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_become_plain_names() {
        assert_eq!(sanitize_stem("INC0012345").as_deref(), Some("INC0012345"));
        assert_eq!(sanitize_stem("../../etc/passwd").as_deref(), Some("etc_passwd"));
        assert_eq!(sanitize_stem("a/b\\c:d").as_deref(), Some("a_b_c_d"));
        assert_eq!(sanitize_stem("..").as_deref(), None);
        assert_eq!(sanitize_stem("\u{1b}[2J").as_deref(), Some("2J"));
        assert_eq!(sanitize_stem("CON").as_deref(), Some("ticket-CON"));
        assert_eq!(sanitize_stem(&"x".repeat(500)).map(|s| s.len()), Some(MAX_STEM));
        assert_eq!(numbered("INC1", 1, "md"), "INC1.md");
        assert_eq!(numbered("INC1", 3, "md"), "INC1-3.md");
        assert_eq!(split_name("notes.md"), ("notes", "md"));
        assert_eq!(split_name(".hidden"), (".hidden", ""));
    }

    #[test]
    fn join_inside_refuses_escapes() {
        let d = Path::new("/tmp/x");
        assert!(join_inside(d, "..").is_none());
        assert!(join_inside(d, "a/b").is_none());
        assert!(join_inside(d, "/etc").is_none());
        assert!(join_inside(d, "C:x").is_none());
        assert!(join_inside(d, ".").is_none());
        assert_eq!(join_inside(d, "a.md"), Some(PathBuf::from("/tmp/x/a.md")));
    }
}
