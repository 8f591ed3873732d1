//! A one-line text input (typed answers, search, start-screen fields). Control characters never
//! get in: typed ones are refused, pasted text goes through `text::sanitize_line`.

use ratatui::crossterm::event::KeyEvent;

use super::keymap::{self, Action};

/// The text and a cursor (in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

impl LineInput {
    pub fn with_text(s: &str) -> Self {
        let text = crate::text::sanitize_line(s);
        let cursor = text.chars().count();
        Self { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text.char_indices().nth(char_idx).map(|(b, _)| b).unwrap_or(self.text.len())
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let b = self.byte_at(self.cursor);
        self.text.insert(b, c);
        self.cursor += 1;
    }

    /// Inserts pasted text as one line.
    pub fn insert_str(&mut self, s: &str) {
        for c in crate::text::sanitize_line(s).chars() {
            self.insert(c);
        }
    }

    /// Deletes the character before the cursor; false when there was none.
    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let b = self.byte_at(self.cursor);
        self.text.remove(b);
        true
    }

    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.text.chars().count() {
            return false;
        }
        let b = self.byte_at(self.cursor);
        self.text.remove(b);
        true
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Applies a text-editing key (typing, deleting, moving the cursor); other actions do
    /// nothing.
    pub fn edit(&mut self, action: Action, key: &KeyEvent) {
        match action {
            Action::Insert => {
                if let Some(c) = keymap::typed_char(key) {
                    self.insert(c);
                }
            }
            Action::DeleteBack => {
                self.backspace();
            }
            Action::DeleteForward => {
                self.delete();
            }
            Action::CursorLeft => self.left(),
            Action::CursorRight => self.right(),
            Action::CursorHome => self.home(),
            Action::CursorEnd => self.end(),
            _ => {}
        }
    }

    /// What to draw in `width` cells and the cursor's cell offset within it. The view scrolls
    /// so the cursor is always visible.
    pub fn visible(&self, width: usize) -> (String, usize) {
        let width = width.max(1);
        let before: String = self.text.chars().take(self.cursor).collect();
        let after: String = self.text.chars().skip(self.cursor).collect();
        // Keep one cell for the cursor itself.
        let (shown_before, _) = super::text::tail(&before, width.saturating_sub(1));
        let cursor_col = super::text::width(&shown_before);
        let rest = super::text::truncate(&after, width.saturating_sub(cursor_col));
        (format!("{shown_before}{rest}"), cursor_col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_at_the_cursor() {
        let mut i = LineInput::default();
        for c in "17.5".chars() {
            i.insert(c);
        }
        i.left();
        i.insert('x');
        assert_eq!(i.text(), "17.x5");
        assert!(i.backspace());
        i.home();
        assert!(!i.backspace());
        assert!(i.delete());
        assert_eq!(i.text(), "7.5");
        i.end();
        i.insert('\u{1b}');
        assert_eq!(i.text(), "7.5");
        i.insert_str("\u{1b}[2Jé\n");
        assert_eq!(i.text(), "7.5\u{FFFD}[2Jé ");
        i.clear();
        assert!(i.is_empty());
    }

    #[test]
    fn visible_keeps_the_cursor_on_screen() {
        let i = LineInput::with_text("abcdefghij");
        assert_eq!(i.visible(5), ("ghij".to_string(), 4));
        let mut i = LineInput::with_text("abc");
        i.home();
        assert_eq!(i.visible(5), ("abc".to_string(), 0));
    }
}
