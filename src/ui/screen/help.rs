//! The `?` overlay: the keys of the screen underneath, generated from the keymap, plus what
//! the marks and banners mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::Reply;
use crate::ui::app::{App, Overlay};
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::marks::LEGEND;
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::text::{pad, width};
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, centered, draw_boxed, hanging, para};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelpScreen {
    pub scroll: Scroll,
    /// The overlay help was opened over (a confirmation, the export picker): help describes
    /// its keys, and it comes back when help closes.
    pub over: Option<Box<Overlay>>,
}

fn popup(body: Rect) -> Rect {
    centered(body, body.width.saturating_sub(4).min(96), body.height.saturating_sub(2))
}

impl HelpScreen {
    pub fn open(over: Option<Overlay>) -> Self {
        Self { scroll: Scroll::default(), over: over.map(Box::new) }
    }

    /// The keys help describes: those of the overlay it was opened over, else of the screen
    /// underneath.
    pub fn context(&self, app: &App) -> KeyContext {
        match self.over.as_deref() {
            Some(Overlay::Confirm(_)) => app.context_for(Screen::Confirm),
            Some(Overlay::Export(_)) => app.context_for(Screen::Export),
            _ => app.base_context(),
        }
    }

    pub fn key(&mut self, action: Action, app: &mut App) -> Reply {
        let p = popup(regions_of(app.size).body);
        let page = Scroll::page(p.height.saturating_sub(2));
        let total = self.lines(app, p.width.saturating_sub(2) as usize, &Theme::new(app.opts.no_color)).len();
        let max = len_u16(total.saturating_sub(1));
        match action {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, max),
            Action::PageUp => self.scroll.up(page),
            Action::PageDown => self.scroll.down(page, max),
            Action::Close | Action::Help => return Reply::close(),
            _ => {}
        }
        self.scroll.clamp(max);
        Reply::stay()
    }

    /// The help text for `w` cells.
    pub fn lines(&self, app: &App, w: usize, theme: &Theme) -> Vec<Line<'static>> {
        let ctx = self.context(app);
        let rows = keymap::help(&ctx);
        let kw = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0).min(w / 3) + 2;
        let mut out = vec![Line::styled(format!("Keys on this screen: {}", ctx.screen.title()), theme.bold())];
        for (keys, what) in rows {
            out.extend(hanging(
                vec![Span::styled(format!("  {}", pad(keys, kw)), theme.key())],
                what,
                w,
                theme.plain(),
            ));
        }
        out.push(Line::raw(""));
        out.push(Line::styled("Where facts come from (side panel)", theme.bold()));
        out.extend(para(LEGEND, w, theme.plain()));
        out.push(Line::raw(""));
        out.push(Line::styled("Outcome banners", theme.bold()));
        out.extend(para(
            "!! ESCALATE TO TIER 2: hand over with the reason and what to collect · ▲ TIER 2 NEXT: tier 2, continuing a package, settles the open checks and does the steps · ✔ RESOLVED ON THE CALL · ● CLASSIFIED: the agent fixes it.",
            w,
            theme.plain(),
        ));
        out.push(Line::raw(""));
        out.push(Line::styled("Mouse", theme.bold()));
        out.extend(para(
            "Click an answer, a result or a checklist step; the wheel scrolls. Hold Shift while dragging to select text.",
            w,
            theme.plain(),
        ));
        out.push(Line::raw(""));
        out.push(Line::styled("Saving", theme.bold()));
        let quit = keymap::key_for(&app.context_for(Screen::Question), Action::Quit).unwrap_or_default();
        let saving = if app.opts.persists {
            let id = crate::text::sanitize_line(&app.session.id);
            format!(
                "Every change is saved as you go (session {id}), so {quit} quits without asking unless saving failed. Continue later with passkey-triage --resume {id} (or pick it on the start screen)."
            )
        } else {
            format!("Sessions are not saved here: {quit} asks before quitting a call that has answers or notes.")
        };
        out.extend(para(&saving, w, theme.plain()));
        out
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let p = popup(body);
        frame.render_widget(Clear, p);
        let content = self.lines(app, p.width.saturating_sub(2) as usize, theme);
        let inner_h = p.height.saturating_sub(2);
        let ctx = KeyContext::new(Screen::Help);
        let key = |a: Action| keymap::key_for(&ctx, a).unwrap_or_default();
        let mut b = block(Line::styled(" Help ", theme.bold()), theme, true)
            .title_bottom(Line::styled(format!(" {} closes ", key(Action::Close)), theme.bold()).right_aligned());
        if len_u16(content.len()) > inner_h {
            let keys = format!(" {} {} {} scroll ", key(Action::Up), key(Action::PageUp), key(Action::PageDown));
            b = b.title_bottom(Line::styled(keys, theme.bold()));
        }
        draw_boxed(frame, p, b, &content, self.scroll.offset());
    }
}
