//! The `w` overlay: how the walk got here (every answer, rule and derived fact on the path),
//! over the question, step or outcome, so it shows at once whatever the panel's length.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Clear;

use super::Reply;
use crate::engine::Current;
use crate::ui::app::App;
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, centered, draw_boxed};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhyScreen {
    pub scroll: Scroll,
}

/// The pop-up and its lines: as tall as the path needs, at most the body less a margin.
fn popup(app: &App, body: Rect, theme: &Theme) -> (Rect, Vec<Line<'static>>) {
    let w = body.width.saturating_sub(4).min(96);
    let lines = crate::ui::screen::walk::content::why_lines(app, w.saturating_sub(2) as usize, theme);
    let h = len_u16(lines.len()).saturating_add(2).min(body.height.saturating_sub(2));
    (centered(body, w, h), lines)
}

/// "Why am I asked this?" at a question or step, "How we got here" at an outcome.
fn title(app: &App) -> &'static str {
    match app.session.walk.current(&app.set) {
        Some(Current::Outcome(..)) => " How we got here ",
        _ => " Why am I asked this? ",
    }
}

impl WhyScreen {
    pub fn key(&mut self, action: Action, app: &mut App) -> Reply {
        let (p, lines) = popup(app, regions_of(app.size).body, &Theme::new(app.opts.no_color));
        let inner_h = p.height.saturating_sub(2);
        let max = Scroll::max_for(lines.len(), inner_h);
        match action {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, max),
            Action::PageUp => self.scroll.up(Scroll::page(inner_h)),
            Action::PageDown => self.scroll.down(Scroll::page(inner_h), max),
            Action::Close => return Reply::close(),
            _ => {}
        }
        self.scroll.clamp(max);
        Reply::stay()
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let (p, content) = popup(app, body, theme);
        frame.render_widget(Clear, p);
        let ctx = KeyContext::new(Screen::Why);
        let key = |a: Action| keymap::key_for(&ctx, a).unwrap_or_default();
        let mut b = block(Line::styled(title(app), theme.bold()), theme, true)
            .title_bottom(Line::styled(format!(" {} closes ", key(Action::Close)), theme.bold()).right_aligned());
        if len_u16(content.len()) > p.height.saturating_sub(2) {
            let keys = format!(" {} {} {} scroll ", key(Action::Up), key(Action::PageUp), key(Action::PageDown));
            b = b.title_bottom(Line::styled(keys, theme.bold()));
        }
        draw_boxed(frame, p, b, &content, self.scroll.offset());
    }
}
