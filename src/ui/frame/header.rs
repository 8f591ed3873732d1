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
        Status::Escalated if crate::export::tier2(&app.session) => "▲ tier 2",
        Status::Escalated => "!! escalate",
        Status::Resolved => "✔ resolved",
    };
    // The timer starts with the call, not on the start screen.
    let right = if app.on_start_screen() {
        " ○ call not started ".to_string()
    } else {
        format!(" │ {state} │ call {} ", timer(app.elapsed_secs()))
    };
    let field = |v: &Option<String>, none: &str| v.as_deref().map(sanitize_line).unwrap_or_else(|| none.to_string());
    let app_name = if area.width >= 100 { "passkey-triage │ " } else { "" };
    let w = area.width as usize;
    let right_w = width(&right);
    let left = who(
        app_name,
        &field(&s.ticket, "—"),
        &field(&s.user, "—"),
        s.agent.as_deref().map(sanitize_line).as_deref(),
        w.saturating_sub(right_w),
    );
    let gap = w.saturating_sub(width(&left) + right_w);
    let line = Line::from(vec![
        Span::styled(left, theme.header().patch(theme.bold())),
        Span::styled(" ".repeat(gap), theme.header()),
        Span::styled(right, theme.header().patch(theme.bold())),
    ]);
    draw_lines(frame, area, &[line], 0);
}

/// " Ticket … │ User … │ Agent …" in `room` cells. Short of room, the user's name gives way
/// first, then the agent's (the agent knows it); the ticket, which the notes go to, goes last.
fn who(app_name: &str, ticket: &str, user: &str, agent: Option<&str>, room: usize) -> String {
    let agent = agent.map(|a| format!(" │ Agent {a}")).unwrap_or_default();
    let full = format!(" {app_name}Ticket {ticket} │ User {user}{agent}");
    if width(&full) <= room {
        return full;
    }
    let head = format!(" {app_name}Ticket {ticket}");
    // A few cells of the user's name are worth more than the agent's.
    const USER_MIN: usize = 6;
    let with_agent = width(&head) + width(" │ User ") + width(&agent) + USER_MIN;
    let agent = if with_agent <= room { agent } else { String::new() };
    let user_room = room.saturating_sub(width(&head) + width(" │ User ") + width(&agent));
    if user_room < 2 {
        return truncate(&head, room);
    }
    let line = format!("{head} │ User {}{agent}", truncate(user, user_room));
    truncate(&line, room)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_outlasts_the_agent_and_the_user() {
        let line = who("", "INC0012345", "zoë.ñúñez-åström@contoso.com", Some("Sam Agent"), 50);
        assert!(line.ends_with("│ Agent Sam Agent"), "{line}");
        assert!(line.contains("Ticket INC0012345 │ User zoë"), "{line}");
        assert!(width(&line) <= 50, "{line}");
        // 60 columns of header less the state and the timer: the agent's name goes, the ticket stays.
        let line = who("", "INC1002", "zoë.ñúñez-åström@contoso.com", Some("Sam Agent"), 30);
        assert!(line.starts_with(" Ticket INC1002 │ User "), "{line}");
        assert!(!line.contains("Agent") && width(&line) <= 30, "{line}");
        let line = who("", "INC0012345-VERY-LONG-TICKET-ID", "zoë@contoso.com", Some("Sam Agent"), 20);
        assert!(line.starts_with(" Ticket INC00123"), "{line}");
        assert!(width(&line) <= 20, "{line}");
        let line = who("", "INC1", "u@x", Some("Sam"), 80);
        assert_eq!(line, " Ticket INC1 │ User u@x │ Agent Sam");
    }
}
