//! The start screen and the notes editor.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{block, centered, para};
use crate::runbook::model::Node;
use crate::session::Session;
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
            cursor = Some((super::len_u16(lines.len()), super::len_u16(label_w + 2 + col)));
        }
        lines.push(Line::from(vec![
            Span::styled(if on { "▶ " } else { "  " }, theme.bold()),
            Span::styled(pad(name, label_w), if on { theme.bold() } else { theme.plain() }),
            Span::styled(pad(&shown, field_w), if on { theme.input().patch(theme.bold()) } else { theme.input() }),
        ]));
    }
    if !app.resumable.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(para("Or resume an unfinished call (↓ to pick one, Enter resumes it):", w, theme.plain()));
        for (i, s) in app.resumable.iter().enumerate() {
            let on = app.start_focus == START_FIELDS.len() + i;
            let text = resumable_row(app, s);
            lines.push(Line::from(vec![
                Span::styled(if on { "▶ " } else { "  " }, theme.bold()),
                Span::styled(pad(&text, w.saturating_sub(2)), if on { theme.selected() } else { theme.plain() }),
            ]));
        }
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
    let area = centered(body, box_w, super::len_u16(lines.len()).saturating_add(2));
    let title = if app.resumable.is_empty() { " New call " } else { " New call, or resume one " };
    let b = block(Line::styled(title, theme.bold()), theme, true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    super::draw_lines(frame, inner, &lines, 0);
    if let Some((row, col)) = cursor
        && row < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + col, inner.y + row));
    }
}

/// `INC1 · a@contoso.example · 12 min ago · Is the passkey on the device…`
pub fn resumable_row(app: &App, s: &Session) -> String {
    let mut ticket = s.ticket.as_deref().map(sanitize_line).unwrap_or_else(|| "no ticket".into());
    if s.continued_from.is_some() {
        ticket.push_str(" (tier 2)");
    }
    let user = s.user.as_deref().map(sanitize_line).unwrap_or_else(|| "no user".into());
    let age = match crate::commands::sessions::age(app.now - s.started_at).as_str() {
        "just now" => "just now".to_string(),
        a => format!("{a} ago"),
    };
    let here = match app.set.node(s.walk.position.node()) {
        Some(Node::Question(q)) => sanitize_line(&q.prompt),
        Some(Node::Step(st)) => format!("step: {}", sanitize_line(&st.title)),
        Some(Node::Outcome(o)) => sanitize_line(&o.title),
        _ => sanitize_line(&s.walk.position.node().to_string()),
    };
    format!("{ticket} · {user} · {age} · {here}")
}

pub fn render_notes(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let b = block(Line::styled(" Notes for the ticket ", theme.bold()), theme, true)
        .title_bottom(Line::styled(" Esc: back to the diagnosis (notes are kept) ", theme.bold()).right_aligned());
    let inner = b.inner(area);
    frame.render_widget(b, area);
    frame.render_widget(&app.notes, inner);
}
