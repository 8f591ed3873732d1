//! The `?` overlay: the keys of the screen underneath, generated from the keymap, plus what
//! the marks and banners mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::theme::Theme;
use super::{block, centered, hanging, para, regions};
use crate::ui::app::App;
use crate::ui::keymap;
use crate::ui::text::{pad, width};

fn popup(body: Rect) -> Rect {
    centered(body, body.width.saturating_sub(4).min(96), body.height.saturating_sub(2))
}

/// The help text for `width` cells.
pub fn lines(app: &App, w: usize, theme: &Theme) -> Vec<Line<'static>> {
    let ctx = app.help_context();
    let rows = keymap::help(&ctx);
    let kw = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0).min(w / 3) + 2;
    let mut out = vec![Line::styled(format!("Keys on this screen: {}", ctx.screen.title()), theme.bold())];
    for (keys, what) in rows {
        out.extend(hanging(vec![Span::styled(format!("  {}", pad(keys, kw)), theme.key())], what, w, theme.plain()));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Where facts come from (side panel)", theme.bold()));
    out.extend(para(super::side::LEGEND, w, theme.plain()));
    out.push(Line::raw(""));
    out.push(Line::styled("Outcome banners", theme.bold()));
    out.extend(para(
        "!! ESCALATE TO TIER 2: hand over with the reason and what to collect · ✔ RESOLVED ON THE CALL · ● CLASSIFIED: the agent fixes it.",
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
    let saving = if app.opts.persists {
        let id = crate::text::sanitize_line(&app.session.id);
        format!(
            "Every change is saved as you go (session {id}), so q quits without asking unless saving failed. Continue later with passkey-triage --resume {id} (or pick it on the start screen)."
        )
    } else {
        "Sessions are not saved here: q asks before quitting a call that has answers or notes.".to_string()
    };
    out.extend(para(&saving, w, theme.plain()));
    out
}

/// Lines of help at the app's terminal size (for scrolling limits).
pub fn line_count(app: &App) -> usize {
    let body = regions(Rect::new(0, 0, app.size.0, app.size.1)).body;
    let p = popup(body);
    lines(app, p.width.saturating_sub(2) as usize, &Theme::new(app.opts.no_color)).len()
}

pub fn render(app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
    let p = popup(body);
    frame.render_widget(Clear, p);
    let content = lines(app, p.width.saturating_sub(2) as usize, theme);
    let inner_h = p.height.saturating_sub(2);
    let mut b = block(Line::styled(" Help ", theme.bold()), theme, true)
        .title_bottom(Line::styled(" Esc closes ", theme.bold()).right_aligned());
    if super::len_u16(content.len()) > inner_h {
        b = b.title_bottom(Line::styled(" ↑↓ PgUp PgDn scroll ", theme.bold()));
    }
    super::draw_boxed(frame, p, b, &content, app.help_scroll);
}
