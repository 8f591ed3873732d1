//! One scroll position for everything that scrolls (the diagnosis panel, the matrix, help, the
//! search results), after gitui's `VerticalScroll`: an offset in lines (or rows), moved by keys
//! and kept within the content by the screen that knows how tall it is.

/// A count of lines (or a line number) as a terminal coordinate: saturates instead of wrapping,
/// so a text of more than 65 535 lines (a hostile runbook's help) can't shrink the scroll range.
pub fn len_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The first line shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    offset: u16,
}

impl Scroll {
    pub fn at(offset: u16) -> Self {
        Self { offset }
    }

    pub fn offset(self) -> u16 {
        self.offset
    }

    /// How far a page key moves in a viewport of `height` lines: all but one line, which stays
    /// in sight for context.
    pub fn page(height: u16) -> u16 {
        height.saturating_sub(1).max(1)
    }

    /// The largest useful offset for `total` lines in a viewport of `height`: the last line at
    /// the bottom.
    pub fn max_for(total: usize, height: u16) -> u16 {
        len_u16(total).saturating_sub(height)
    }

    pub fn up(&mut self, lines: u16) {
        self.offset = self.offset.saturating_sub(lines);
    }

    /// Down by `lines`, never past `max`.
    pub fn down(&mut self, lines: u16, max: u16) {
        self.offset = self.offset.saturating_add(lines).min(max);
    }

    pub fn clamp(&mut self, max: u16) {
        self.offset = self.offset.min(max);
    }

    /// The scrolling keys of a read-only screen (↑ ↓ PgUp PgDn), kept within `max`; other
    /// actions leave it where it is.
    pub fn on_key(&mut self, action: super::keymap::Action, page: u16, max: u16) {
        use super::keymap::Action;
        match action {
            Action::Up => self.up(1),
            Action::Down => self.down(1, max),
            Action::PageUp => self.up(page),
            Action::PageDown => self.down(page, max),
            _ => {}
        }
        self.clamp(max);
    }

    /// Scrolls the least that brings `line` into a viewport of `height` lines.
    pub fn keep_visible(&mut self, line: usize, height: u16) {
        let height = height.max(1);
        let line = len_u16(line);
        if line < self.offset {
            self.offset = line;
        } else if line >= self.offset.saturating_add(height) {
            self.offset = line + 1 - height;
        }
    }

    /// This offset as it would be after `keep_visible(line, height)` (for drawing from a state
    /// whose size changed since the last key).
    pub fn showing(self, line: usize, height: u16) -> u16 {
        let mut s = self;
        s.keep_visible(line, height);
        s.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_and_clamps() {
        let mut s = Scroll::default();
        s.up(3);
        assert_eq!(s.offset(), 0);
        s.down(5, 7);
        s.down(5, 7);
        assert_eq!(s.offset(), 7, "never past the end");
        s.clamp(4);
        assert_eq!(s.offset(), 4);
        assert_eq!(Scroll::page(10), 9);
        assert_eq!(Scroll::page(0), 1);
        assert_eq!(Scroll::max_for(30, 10), 20);
        assert_eq!(Scroll::max_for(5, 10), 0);
        assert_eq!(Scroll::max_for(100_000, 10), u16::MAX - 10);
    }

    #[test]
    fn keep_visible_scrolls_the_least() {
        let mut s = Scroll::at(10);
        s.keep_visible(12, 5);
        assert_eq!(s.offset(), 10, "already visible");
        s.keep_visible(20, 5);
        assert_eq!(s.offset(), 16, "the line at the bottom");
        s.keep_visible(3, 5);
        assert_eq!(s.offset(), 3, "the line at the top");
        assert_eq!(Scroll::at(0).showing(9, 0), 9, "a zero-height viewport counts as one line");
    }
}
