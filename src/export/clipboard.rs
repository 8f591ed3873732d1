//! Copying an export to the agent's clipboard with OSC 52 (crossterm's `osc52` feature): the
//! terminal does the copying, so it works over SSH and in Windows Terminal. Terminals that don't
//! support OSC 52 ignore the sequence, so callers must always also say where the file is.

use std::io::Write;

use crossterm::Command;
use crossterm::clipboard::CopyToClipboard;

/// Largest text sent (many terminals drop longer OSC 52 payloads); longer text is not sent.
pub const MAX_CLIPBOARD_BYTES: usize = 100_000;

/// The OSC 52 escape sequence that puts `text` on the clipboard (base64 inside; the text is
/// never written raw to the terminal). None when the text is too long for terminals to accept.
pub fn osc52_sequence(text: &str) -> Option<String> {
    if text.len() > MAX_CLIPBOARD_BYTES {
        return None;
    }
    let mut seq = String::new();
    CopyToClipboard::to_clipboard_from(text.as_bytes()).write_ansi(&mut seq).ok()?;
    Some(seq)
}

/// Writes the OSC 52 sequence for `text` to `out` (the terminal) and flushes. Returns false when
/// the text was too long to send.
pub fn copy_to_clipboard(out: &mut impl Write, text: &str) -> std::io::Result<bool> {
    match osc52_sequence(text) {
        Some(seq) => {
            out.write_all(seq.as_bytes())?;
            out.flush()?;
            Ok(true)
        }
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_is_osc52_base64() {
        let seq = osc52_sequence("hi\u{1b}").unwrap_or_default();
        assert!(seq.starts_with("\u{1b}]52;"), "{seq:?}");
        assert!(seq.contains("aGkb"), "{seq:?}");
        assert!(!seq[1..].contains('\u{1b}') || seq.ends_with("\u{1b}\\"));
        assert!(osc52_sequence(&"x".repeat(MAX_CLIPBOARD_BYTES + 1)).is_none());
    }
}
