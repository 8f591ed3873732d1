//! Width-aware text helpers for the views: word wrapping, truncation. Pure; no styling.
//!
//! Everything here measures in terminal cells (`unicode-width`), so wide characters (CJK) and
//! combining marks lay out the way the terminal draws them.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cells a string takes on screen.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Wraps text to `width` cells. Newlines start new lines (an empty line stays empty); words
/// longer than the width are broken. Always returns at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let ww = self::width(word);
            if line_w > 0 && line_w + 1 + ww <= width {
                line.push(' ');
                line.push_str(word);
                line_w += 1 + ww;
                continue;
            }
            if line_w > 0 {
                out.push(std::mem::take(&mut line));
                line_w = 0;
            }
            if ww <= width {
                line.push_str(word);
                line_w = ww;
                continue;
            }
            // A word wider than the line (a URL, a long class id): break after `/ - . _ ? & =`
            // where possible, else at character boundaries.
            for piece in pieces(word) {
                let pw = self::width(piece);
                if line_w + pw <= width {
                    line.push_str(piece);
                    line_w += pw;
                    continue;
                }
                if line_w > 0 && pw <= width {
                    out.push(std::mem::take(&mut line));
                    line.push_str(piece);
                    line_w = pw;
                    continue;
                }
                for c in piece.chars() {
                    let cw = char_width(c);
                    if line_w + cw > width && line_w > 0 {
                        out.push(std::mem::take(&mut line));
                        line_w = 0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// Splits a word after separator characters: `a/b-c` → `a/`, `b-`, `c`.
fn pieces(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if matches!(c, '/' | '-' | '.' | '_' | '?' | '&' | '=') {
            let end = i + c.len_utf8();
            out.push(&word[start..end]);
            start = end;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// Cuts a string to at most `max` cells, ending with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// The last `max` cells of a string (for a one-line input that scrolls), and how many cells
/// were dropped on the left.
pub fn tail(s: &str, max: usize) -> (String, usize) {
    let total = width(s);
    if total <= max {
        return (s.to_string(), 0);
    }
    let mut drop = total - max;
    let mut out = String::new();
    let mut dropped = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if drop > 0 {
            drop = drop.saturating_sub(cw);
            dropped += cw;
            continue;
        }
        out.push(c);
    }
    (out, dropped)
}

/// At most `max` cells, keeping the start and the end (file paths: the name stays visible):
/// `/home/ana/.local/…/exports/INC1.md`.
pub fn shorten_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max < 3 {
        return truncate(s, max);
    }
    let right = (max - 1) * 2 / 3;
    let left = max - 1 - right;
    let (end, _) = tail(s, right);
    let mut start = truncate(s, left + 1);
    start.pop();
    format!("{start}…{end}")
}

/// Pads with spaces to exactly `w` cells (truncating when longer).
pub fn pad(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let tw = width(&t);
    format!("{t}{}", " ".repeat(w.saturating_sub(tw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_breaks_long_ones() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 10), vec!["a", "", "b"]);
        assert_eq!(wrap("", 10), vec![""]);
        // Wide characters take two cells each.
        assert_eq!(wrap("サインイン", 4), vec!["サイ", "ンイ", "ン"]);
        assert_eq!(wrap("x", 0), vec!["x"]);
        // Long words break after separators.
        assert_eq!(wrap("see https://example.com/a/bb-ccc", 16), vec!["see", "https://example.", "com/a/bb-ccc"]);
        assert_eq!(wrap("cross-device.phone-bluetooth-off", 20), vec!["cross-device.phone-", "bluetooth-off"]);
    }

    #[test]
    fn truncates_by_cells() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello", 4), "hel…");
        assert_eq!(truncate("サインイン", 5), "サイ…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(tail("abcdef", 3), ("def".to_string(), 3));
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(shorten_middle("/a/b/c/d/e/file.md", 12), "/a/b…file.md");
        assert_eq!(shorten_middle("short", 12), "short");
        assert_eq!(width(&shorten_middle("/very/long/path/to/exports/INC0012345.md", 20)), 20);
    }
}
