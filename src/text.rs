//! Neutralises text from outside (runbooks, facts, notes, logs) before it reaches a screen, an
//! export, a ticket or stderr. One predicate, [`is_hostile`], decides for every output: terminal
//! controls (C0, DEL, C1, so ESC/CSI/OSC sequences lose their introducer), bidi overrides that
//! reorder text, and invisible characters that hide or smuggle it (zero-width, tag characters,
//! line/paragraph separators). Also the plain words shared by the screens and the CLI ([`age`]).

/// Characters that could reorder text on screen (bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that draw nothing and can hide or smuggle text: zero-width space/non-joiner, word
/// joiner and invisible operators, byte-order mark, Mongolian vowel separator, interlinear
/// annotation marks, Hangul fillers, and the tag block (U+E0000–U+E007F, "ASCII smuggling").
/// The zero-width joiner (U+200D) is kept: emoji sequences need it and it hides nothing alone.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{200C}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{180E}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Line and paragraph separators: line breaks a terminal doesn't show as such.
fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// True for every character no output of this program passes on as it is (newline and tab are
/// hostile too; the sanitisers below turn them into layout).
pub fn is_hostile(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c) || is_separator(c)
}

/// Keeps newlines (line separators become newlines, tabs spaces); every other hostile character
/// becomes `�` so that tampering stays visible instead of silently vanishing.
pub fn sanitize_text(s: &str) -> String {
    if !s.chars().any(|c| c != '\n' && is_hostile(c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\r' => {}
            c if is_separator(c) => out.push('\n'),
            c if is_hostile(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize_text`] but for one line: newlines and separators become spaces.
pub fn sanitize_line(s: &str) -> String {
    if !s.chars().any(is_hostile) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\r' => {}
            c if is_separator(c) => out.push(' '),
            c if is_hostile(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// [`sanitize_line`], at most `max` characters (the last one `…` when cut): a table cell.
pub fn clip_line(s: &str, max: usize) -> String {
    let s = sanitize_line(s);
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// [`sanitize_line`], at most `max` characters, cut in the middle (`…`) so that both ends stay:
/// an error message whose place (`at line 3 column 9`) comes after a quoted value.
pub fn clip_middle(s: &str, max: usize) -> String {
    let s = sanitize_line(s);
    let n = s.chars().count();
    if n <= max || max < 3 {
        return clip_line(&s, max);
    }
    let tail = (max - 1) / 3;
    let head = max - 1 - tail;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// True when the text holds nothing hostile but newlines.
pub fn is_clean(s: &str) -> bool {
    s.chars().all(|c| c == '\n' || !is_hostile(c))
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
    fn invisible_characters_are_neutralised() {
        for c in ['\u{200B}', '\u{2060}', '\u{FEFF}', '\u{E0041}', '\u{2028}', '\u{85}', '\u{1b}', '\u{9d}'] {
            let s = format!("a{c}b");
            assert!(!is_clean(&s), "{:x}", c as u32);
            assert!(is_clean(&sanitize_line(&s)) && !sanitize_line(&s).contains('\n'), "{:x}", c as u32);
            assert!(is_clean(&sanitize_text(&s)), "{:x}", c as u32);
        }
        assert_eq!(sanitize_text("a\u{2028}b"), "a\nb");
        // Emoji sequences and ordinary text are untouched.
        assert_eq!(sanitize_line("👩\u{200D}💻 café"), "👩\u{200D}💻 café");
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
