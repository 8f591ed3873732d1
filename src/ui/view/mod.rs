//! Pure rendering: `render(&App, &mut Frame)` draws one frame; one module per region. The same
//! geometry functions serve the mouse (`hit_test`) and scrolling, so what is clicked is what
//! is drawn.

pub mod footer;
pub mod header;
pub mod help;
pub mod matrix;
pub mod overlay;
pub mod panels;
pub mod search;
pub mod side;
pub mod theme;
pub mod walk;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

use super::app::{App, Mode, Overlay, Target};
use super::text::{width, wrap};
use theme::Theme;

/// Below this the wizard asks for a larger window.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The regions of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    /// Main panel and side panel together (search and matrix use all of it).
    pub body: Rect,
    pub main: Rect,
    pub side: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

/// Splits the frame. The side panel shows from 80 columns up. (Plain arithmetic: these
/// splits are fixed, and the constraint solver is the slowest part of a first frame.)
pub fn regions(area: Rect) -> Regions {
    let row = |y: u16, h: u16| Rect::new(area.x, y, area.width, h);
    let h = area.height;
    let header = row(area.y, h.min(1));
    let body_h = h.saturating_sub(3);
    let body = row(area.y + header.height, body_h);
    let status = row(body.bottom(), h.saturating_sub(header.height + body_h).min(1));
    let footer = row(status.bottom(), h.saturating_sub(header.height + body_h + status.height).min(1));
    let side_w = match body.width {
        w if w >= 120 => 40,
        w if w >= 100 => 34,
        w if w >= 80 => 28,
        _ => 0,
    };
    let (main, side) = if side_w > 0 {
        let main = Rect::new(body.x, body.y, body.width - side_w, body.height);
        (main, Some(Rect::new(main.right(), body.y, side_w, body.height)))
    } else {
        (body, None)
    };
    Regions { header, body, main, side, status, footer }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Draws the whole frame.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.opts.no_color);
    if too_small(area) {
        render_too_small(frame, area, &theme);
        return;
    }
    let r = regions(area);
    header::render(app, frame, r.header, &theme);
    match app.mode {
        Mode::Start => panels::render_start(app, frame, r.body, &theme),
        Mode::Walk => {
            walk::render(app, frame, r.main, &theme);
            if let Some(s) = r.side {
                side::render(app, frame, s, &theme);
            }
        }
        Mode::Notes => {
            panels::render_notes(app, frame, r.main, &theme);
            if let Some(s) = r.side {
                side::render(app, frame, s, &theme);
            }
        }
        Mode::Search => search::render(app, frame, r.body, &theme),
        Mode::Matrix => matrix::render(app, frame, r.body, &theme),
    }
    footer::render_status(app, frame, r.status, &theme);
    footer::render_hints(app, frame, r.footer, &theme);
    match app.overlay {
        Some(Overlay::Help) => help::render(app, frame, r.body, &theme),
        Some(Overlay::Confirm(c)) => overlay::render_confirm(app, c, frame, r.body, &theme),
        Some(Overlay::Export) => overlay::render_export(app, frame, r.body, &theme),
        None => {}
    }
}

fn render_too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(Clear, area);
    let msg = format!(
        "Make the window larger: the wizard needs at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}). Ctrl-C quits.",
        area.width, area.height
    );
    let lines: Vec<Line> =
        wrap(&msg, area.width as usize).into_iter().map(|l| Line::styled(l, theme.bold()).centered()).collect();
    let h = len_u16(lines.len()).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    draw_lines(frame, Rect::new(area.x, y, area.width, h), &lines, 0);
}

/// Where a click lands.
pub fn hit_test(app: &App, area: Rect, col: u16, row: u16) -> Option<Target> {
    if too_small(area) {
        return None;
    }
    let r = regions(area);
    let pos = ratatui::layout::Position::new(col, row);
    match app.mode {
        Mode::Walk => {
            let g = walk::geometry(app, r.main);
            if !g.scroll_area.contains(pos) {
                return None;
            }
            let line = (row - g.scroll_area.y) as usize + g.scroll as usize;
            g.content.targets.iter().find(|(l, _)| *l == line).map(|(_, t)| *t)
        }
        Mode::Search => search::hit_test(app, r.body, pos),
        _ => None,
    }
}

/// Lines the main panel's scrolling part shows at the app's terminal size.
pub fn main_viewport_height(app: &App) -> u16 {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    match app.mode {
        Mode::Walk => walk::geometry(app, regions(area).main).scroll_area.height,
        _ => regions(area).body.height.saturating_sub(4),
    }
}

/// The largest useful scroll offset of the main panel.
pub fn max_scroll(app: &App) -> u16 {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let g = walk::geometry(app, regions(area).main);
    len_u16(g.content.lines.len()).saturating_sub(g.scroll_area.height)
}

/// (highlighted item's first line, viewport height, largest scroll) of the main panel, from
/// one layout pass.
pub fn scroll_info(app: &App) -> (Option<usize>, u16, u16) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let g = walk::geometry(app, regions(area).main);
    let h = g.scroll_area.height;
    (g.content.cursor_line, h, len_u16(g.content.lines.len()).saturating_sub(h))
}

/// A count of lines (or a line number) as a terminal coordinate: saturates instead of wrapping,
/// so a text of more than 65 535 lines (a hostile runbook's help) can't shrink the scroll range.
pub fn len_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

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
