//! The header: who is on the call, the session state, and the call timer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::session::Status;
use crate::text::sanitize_line;
use crate::ui::app::App;
use crate::ui::text::{truncate, width};
use crate::ui::view::draw_lines;
use crate::ui::view::theme::Theme;

/// `mm:ss`, or `h:mm:ss` past an hour.
pub fn timer(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let s = &app.session;
    let state = match s.status {
        Status::Open => "● in progress",
        Status::Classified => "● classified",
        Status::Escalated => "!! escalate",
        Status::Resolved => "✔ resolved",
    };
    // The timer starts with the call, not on the start screen.
    let right = if app.on_start_screen() {
        " ○ call not started ".to_string()
    } else {
        format!(" {state} │ call {} ", timer(app.elapsed_secs()))
    };
    let field = |v: &Option<String>, none: &str| v.as_deref().map(sanitize_line).unwrap_or_else(|| none.to_string());
    let app_name = if area.width >= 100 { "passkey-triage │ " } else { "" };
    let mut left = format!(" {app_name}Ticket {} │ User {}", field(&s.ticket, "—"), field(&s.user, "—"));
    if let Some(a) = &s.agent {
        left.push_str(&format!(" │ Agent {}", sanitize_line(a)));
    }
    let w = area.width as usize;
    let right_w = width(&right);
    let left = truncate(&left, w.saturating_sub(right_w));
    let gap = w.saturating_sub(width(&left) + right_w);
    let line = Line::from(vec![
        Span::styled(left, theme.header().patch(theme.bold())),
        Span::styled(" ".repeat(gap), theme.header()),
        Span::styled(right, theme.header().patch(theme.bold())),
    ]);
    draw_lines(frame, area, &[line], 0);
}
