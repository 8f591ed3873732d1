//! One frame: the header, the screen in front (with the side panel beside the diagnosis and the
//! notes), the status line, the footer, and any overlay on top. Pure: `render(&App, &mut Frame)`.
//! The regions are laid out by [`view::layout`](crate::ui::view::layout).

pub mod footer;
pub mod header;
pub mod side;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Clear;

use crate::ui::app::{App, Mode, Overlay};
use crate::ui::keymap::{self, Action};
use crate::ui::screen::{notes, walk};
use crate::ui::scroll::len_u16;
use crate::ui::text::wrap;
use crate::ui::view::draw_lines;
use crate::ui::view::layout::{MIN_HEIGHT, MIN_WIDTH, regions, too_small};
use crate::ui::view::theme::Theme;

/// Draws the whole frame.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.opts.no_color);
    if too_small(area) {
        render_too_small(app, frame, area, &theme);
        return;
    }
    let r = regions(area);
    header::render(app, frame, r.header, &theme);
    match &app.mode {
        Mode::Start(s) => s.render(app, frame, r.body, &theme),
        Mode::Walk => walk::render(app, frame, r.main, &theme),
        Mode::Notes => notes::render(app, frame, r.main, &theme),
        Mode::Search(s) => s.render(app, frame, r.body, &theme),
        Mode::Matrix(s) => s.render(app, frame, r.body, &theme),
        Mode::Facts(s) => s.render(app, frame, r.body, &theme),
        Mode::Import(s) => s.render(app, frame, r.body, &theme),
        Mode::Aside(s) => s.render(app, frame, r.main, &theme),
        Mode::Preview(s) => s.render(app, frame, r.main, &theme),
    }
    if matches!(app.mode, Mode::Walk | Mode::Notes | Mode::Aside(_) | Mode::Preview(_))
        && let Some(s) = r.side
    {
        side::render(app, frame, s, &theme);
    }
    footer::render_status(app, frame, r.status, &theme);
    footer::render_hints(app, frame, r.footer, &theme);
    match &app.overlay {
        Some(Overlay::Help(h)) => h.render(app, frame, r.body, &theme),
        Some(Overlay::Confirm(c)) => c.render(app, frame, r.body, &theme),
        Some(Overlay::Export(e)) => e.render(app, frame, r.body, &theme),
        Some(Overlay::Post(p)) => p.render(app, frame, r.body, &theme),
        Some(Overlay::Why(w)) => w.render(app, frame, r.body, &theme),
        None => {}
    }
}

fn render_too_small(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(Clear, area);
    let quit =
        keymap::key_for(&app.key_context(), Action::ForceQuit).map(|k| format!(" {k} quits.")).unwrap_or_default();
    let msg = format!(
        "Make the window larger: the wizard needs at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}).{quit}",
        area.width, area.height
    );
    let lines: Vec<Line> =
        wrap(&msg, area.width as usize).into_iter().map(|l| Line::styled(l, theme.bold()).centered()).collect();
    let h = len_u16(lines.len()).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    draw_lines(frame, Rect::new(area.x, y, area.width, h), &lines, 0);
}
