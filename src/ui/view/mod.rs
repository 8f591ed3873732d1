//! The drawing kit every screen and region uses: regions of the frame ([`layout`]), colours and
//! marks ([`theme`]), and lines drawn pre-wrapped, so what scrolls and what a click hits is
//! exactly what was drawn. Knows nothing of the app.

pub mod layout;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

pub use crate::ui::scroll::len_u16;
use crate::ui::text::{width, wrap};
use theme::Theme;

/// Draws lines already wrapped to `area`'s width, from line `scroll` on. It gives what a
/// `Paragraph` without wrapping gives, in one pass over the text instead of three (the first
/// frame is on the clock). Lines keep their alignment; one too wide is cut at the edge.
pub fn draw_lines(frame: &mut Frame, area: Rect, lines: &[Line], scroll: u16) {
    let buf = frame.buffer_mut();
    let area = area.intersection(buf.area);
    for (y, line) in (area.y..area.bottom()).zip(lines.iter().skip(scroll.into())) {
        let offset = match line.alignment {
            Some(Alignment::Center) => (area.width / 2).saturating_sub(len_u16(line.width()) / 2),
            Some(Alignment::Right) => area.width.saturating_sub(len_u16(line.width())),
            _ => 0,
        };
        buf.set_line(area.x + offset, y, line, area.width - offset);
    }
}

/// A block, and the lines inside it.
pub fn draw_boxed(frame: &mut Frame, area: Rect, b: Block, lines: &[Line], scroll: u16) {
    let area = area.intersection(frame.area());
    let inner = b.inner(area);
    frame.render_widget(b, area);
    draw_lines(frame, inner, lines, scroll);
}

/// A bordered block with a title.
pub fn block<'a>(title: impl Into<Line<'a>>, theme: &Theme, focused: bool) -> Block<'a> {
    Block::bordered().title(title).border_style(if focused { theme.focused_border() } else { theme.border() })
}

/// Wraps `text` after a prefix, continuing lines under the text (a hanging indent).
pub fn hanging(prefix: Vec<Span<'static>>, text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let pw: usize = prefix.iter().map(|s| s.width()).sum();
    let avail = width.saturating_sub(pw).max(1);
    let mut out = Vec::new();
    for (i, l) in wrap(text, avail).into_iter().enumerate() {
        let mut spans = if i == 0 { prefix.clone() } else { vec![Span::raw(" ".repeat(pw))] };
        spans.push(Span::styled(l, style));
        out.push(Line::from(spans));
    }
    out
}

/// Wrapped lines in one style.
pub fn para(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, width).into_iter().map(|l| Line::styled(l, style)).collect()
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// A line padded to `w` cells in one style (banners).
pub fn filled(text: &str, w: usize, style: Style) -> Line<'static> {
    let pad = w.saturating_sub(width(text));
    Line::styled(format!("{text}{}", " ".repeat(pad)), style)
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::widgets::Paragraph;

    use super::*;

    fn draw(w: u16, h: u16, f: impl FnOnce(&mut Frame)) -> ratatui::buffer::Buffer {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(f).expect("draw");
        t.backend().buffer().clone()
    }

    /// `draw_lines` and `draw_boxed` give what `Paragraph` gives for pre-wrapped lines:
    /// alignment, scrolling, clipping, and areas larger than the screen.
    #[test]
    fn lines_draw_as_a_paragraph_would() {
        let lines = vec![
            Line::raw("first"),
            Line::raw("second, centred").centered(),
            Line::styled("third", Style::new().bold()).right_aligned(),
            Line::raw("fourth is a longer line than the box"),
        ];
        for (w, h) in [(20, 6), (12, 4), (3, 2), (1, 1)] {
            for area in [Rect::new(0, 0, w, h), Rect::new(1, 1, w + 4, h + 3)] {
                for scroll in [0, 1, 3] {
                    let ours = draw(w, h, |f| draw_lines(f, area, &lines, scroll));
                    let theirs = draw(w, h, |f| {
                        f.render_widget(Paragraph::new(lines.clone()).scroll((scroll, 0)), area.intersection(f.area()))
                    });
                    assert_eq!(ours, theirs, "lines {w}x{h} {area:?} scroll {scroll}");
                    let ours = draw(w, h, |f| draw_boxed(f, area, Block::bordered(), &lines, scroll));
                    let theirs = draw(w, h, |f| {
                        f.render_widget(
                            Paragraph::new(lines.clone()).block(Block::bordered()).scroll((scroll, 0)),
                            area,
                        )
                    });
                    assert_eq!(ours, theirs, "boxed {w}x{h} {area:?} scroll {scroll}");
                }
            }
        }
    }
}
