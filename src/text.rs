//! Neutralises text from outside (runbooks, facts, notes, logs) before it reaches a screen or an
//! export: no terminal escapes, no bidi tricks. Also the plain words shared by the screens and
//! the CLI ([`age`]).

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

/// How long ago, in the fewest words: `just now`, `12 min`, `3 h`, `5 d`.
pub fn age(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => "just now".into(),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h", s / 3600),
        _ => format!("{} d", s / 86400),
    }
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

    #[test]
    fn ages_in_the_fewest_words() {
        let d = chrono::Duration::seconds;
        assert_eq!(age(d(-5)), "just now");
        assert_eq!(age(d(59)), "just now");
        assert_eq!(age(d(60 * 12)), "12 min");
        assert_eq!(age(d(3600 * 3 + 59)), "3 h");
        assert_eq!(age(d(86400 * 5)), "5 d");
    }
}
