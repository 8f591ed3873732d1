//! Neutralises text from outside (runbooks, facts, notes, logs) before it reaches a screen or an
//! export: no terminal escapes, no bidi tricks.

/// Characters that could reorder or hide text on screen (bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Keeps newlines (and turns tabs into spaces); every other control character becomes `�`
/// so that tampering stays visible instead of silently vanishing.
pub fn sanitize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\r' => {}
            c if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize_text`] but for one line: newlines become spaces.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\r' => {}
            c if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// True when the text holds nothing a terminal would interpret.
pub fn is_clean(s: &str) -> bool {
    s.chars().all(|c| (c == '\n' || !c.is_control()) && !is_bidi_control(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_neutralised() {
        let evil = "ok\u{1b}[2J\u{7}\u{9b}31m\r\nnext\u{202E}";
        let clean = sanitize_text(evil);
        assert!(is_clean(&clean));
        assert!(clean.contains("ok"));
        assert!(clean.contains("\nnext"));
        assert!(!sanitize_line(evil).contains('\n'));
    }
}
