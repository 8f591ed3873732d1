//! The start screen and the notes editor.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{block, centered, para};
use crate::text::sanitize_line;
use crate::ui::app::{App, START_FIELDS};
use crate::ui::text::pad;

pub fn render_start(app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
    let box_w = body.width.saturating_sub(4).min(76);
    let iw = box_w.saturating_sub(2) as usize;
    let w = iw;
    let mut lines =
        para("Who is this call for? All fields are optional; Enter starts the diagnosis.", w, theme.plain());
    lines.push(Line::raw(""));
    let label_w = 12;
    let field_w = w.saturating_sub(label_w + 3).max(1);
    let mut cursor = None;
    for (i, name) in START_FIELDS.iter().enumerate() {
        let on = i == app.start_focus;
        let (shown, col) = app.start_fields[i].visible(field_w);
        if on {
            cursor = Some((lines.len() as u16, (label_w + 2 + col) as u16));
        }
        lines.push(Line::from(vec![
            Span::styled(if on { "▶ " } else { "  " }, theme.bold()),
            Span::styled(pad(name, label_w), if on { theme.bold() } else { theme.plain() }),
            Span::styled(pad(&shown, field_w), if on { theme.input().patch(theme.bold()) } else { theme.input() }),
        ]));
    }
    lines.push(Line::raw(""));
    let rbs: Vec<String> = app
        .set
        .runbooks
        .iter()
        .map(|r| format!("{} (as of {})", sanitize_line(r.id()), sanitize_line(&r.runbook.as_of)))
        .collect();
    lines.extend(para(
        &format!("Runbooks: {} · matrix as of {}", rbs.join(", "), sanitize_line(&app.set.matrix.as_of)),
        w,
        theme.dim(),
    ));
    let area = centered(body, box_w, lines.len() as u16 + 2);
    let b = block(Line::styled(" New call ", theme.bold()), theme, true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, col)) = cursor
        && row < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + col, inner.y + row));
    }
}

pub fn render_notes(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let b = block(Line::styled(" Notes for the ticket ", theme.bold()), theme, true)
        .title_bottom(Line::styled(" Esc: back to the diagnosis (notes are kept) ", theme.bold()).right_aligned());
    let inner = b.inner(area);
    frame.render_widget(b, area);
    frame.render_widget(&app.notes, inner);
}
