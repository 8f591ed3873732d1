//! The status line (the latest message) and the footer (key hints from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::ui::app::{App, Mode, StatusKind};
use crate::ui::keymap;
use crate::ui::text::{truncate, width};
use crate::ui::view::draw_lines;
use crate::ui::view::theme::Theme;

pub fn render_status(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let line = match &app.status {
        Some(s) => {
            let (sym, style) = match s.kind {
                StatusKind::Info => ("» ", theme.plain()),
                StatusKind::Warn => ("! ", theme.warn()),
                StatusKind::Error => ("✖ ", theme.error()),
            };
            Line::from(vec![Span::styled(sym, style), Span::styled(truncate(&s.text, w.saturating_sub(2)), style)])
        }
        // A failing journal stays in sight until saving works again.
        None if app.save_failed => {
            let why = app.save_error.as_deref().unwrap_or("saving failed");
            Line::from(vec![
                Span::styled("! ", theme.warn()),
                Span::styled(truncate(&format!("Not saved: {why}"), w.saturating_sub(2)), theme.warn()),
            ])
        }
        None if app.mode == Mode::Walk => {
            let node = app.session.walk.position.node();
            let title =
                app.set.get(&node.runbook).map(|r| crate::text::sanitize_line(&r.runbook.title)).unwrap_or_default();
            Line::styled(
                truncate(&format!("  {title} · {}", crate::text::sanitize_line(&node.to_string())), w),
                theme.dim(),
            )
        }
        None => Line::raw(""),
    };
    draw_lines(frame, area, &[line], 0);
}

/// The hints that fit in `w` cells; help and quit are always kept.
pub fn fit_hints(hints: &[(&'static str, &'static str)], w: usize) -> Vec<(&'static str, &'static str)> {
    let cost = |h: &(&str, &str)| width(h.0) + 1 + width(h.1) + 2;
    let keep = |h: &(&str, &str)| h.1 == "help" || h.1 == "quit";
    let mut budget = w.saturating_sub(1) as isize;
    budget -= hints.iter().filter(|h| keep(h)).map(|h| cost(h) as isize).sum::<isize>();
    let mut out = Vec::new();
    for h in hints {
        if keep(h) {
            out.push(*h);
        } else if cost(h) as isize <= budget {
            budget -= cost(h) as isize;
            out.push(*h);
        } else {
            budget = -1;
        }
    }
    out
}

pub fn render_hints(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let hints = keymap::hints(&app.key_context());
    let mut spans = vec![Span::raw(" ")];
    for (keys, label) in fit_hints(&hints, area.width as usize) {
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    draw_lines(frame, area, &[Line::from(spans)], 0);
}
