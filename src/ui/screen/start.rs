//! The start screen: who the call is for (ticket, user, agent), or an unfinished call to
//! resume. Nothing is journaled until the call starts.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::Reply;
use crate::exit;
use crate::runbook::model::Node;
use crate::session::Session;
use crate::text::{age, sanitize_line};
use crate::ui::app::{App, Effect};
use crate::ui::input::LineInput;
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::text::pad;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, centered, draw_lines, len_u16, para};

/// Start-screen fields.
pub const START_FIELDS: [&str; 3] = ["Ticket", "User (UPN)", "Agent"];

#[derive(Debug, Clone, PartialEq)]
pub struct StartScreen {
    pub fields: [LineInput; 3],
    /// A field (`0..START_FIELDS.len()`), then the unfinished calls (`START_FIELDS.len() + i`).
    pub focus: usize,
    /// Unfinished sessions offered for resuming, newest first.
    pub resumable: Vec<Session>,
}

impl StartScreen {
    /// The fields filled from the session (flags, config).
    pub fn new(session: &Session) -> Self {
        Self {
            fields: [
                LineInput::with_text(session.ticket.as_deref().unwrap_or("")),
                LineInput::with_text(session.user.as_deref().unwrap_or("")),
                LineInput::with_text(session.agent.as_deref().unwrap_or("")),
            ],
            focus: 0,
            resumable: Vec::new(),
        }
    }

    /// Is an unfinished call highlighted (rather than a field)?
    pub fn on_resumable(&self) -> bool {
        self.focus >= START_FIELDS.len()
    }

    /// The highlighted field, if a field is highlighted.
    pub fn field(&self) -> Option<&LineInput> {
        self.fields.get(self.focus)
    }

    pub fn key(&mut self, action: Action, key: &KeyEvent, app: &mut App) -> Reply {
        match action {
            // On a field: start the call with what was typed.
            Action::Submit => {
                let field = |i: usize| {
                    let t = self.fields[i].text().trim().to_string();
                    (!t.is_empty()).then_some(t)
                };
                app.session.ticket = field(0);
                app.session.user = field(1);
                app.session.agent = field(2);
                app.start_call();
                Reply::close_with(vec![Effect::Persist])
            }
            // On an unfinished call: continue it instead (the new session, never saved, goes).
            Action::Select => match self.focus.checked_sub(START_FIELDS.len()) {
                // Only once its lock is ours ([`StartScreen::claimed`]): one wizard writes a session.
                Some(i) if i < self.resumable.len() => {
                    Reply::stay_with(vec![Effect::Claim(self.resumable[i].id.clone())])
                }
                _ => Reply::stay(),
            },
            Action::NextField | Action::PrevField => {
                let n = START_FIELDS.len() + self.resumable.len();
                let step = if action == Action::NextField { 1 } else { n - 1 };
                self.focus = (self.focus + step) % n;
                Reply::stay()
            }
            Action::Quit => Reply::stay_with(vec![Effect::Quit(exit::OK)]),
            other => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    field.edit(other, key);
                }
                Reply::stay()
            }
        }
    }

    /// The lock of a call picked to resume: taken, the call opens; held by another wizard, the
    /// start screen stays and says who has it.
    pub fn claimed(&mut self, id: &str, result: Result<(), String>, app: &mut App) -> Reply {
        let Some(i) = self.resumable.iter().position(|s| s.id == id) else { return Reply::stay() };
        match result {
            Ok(()) => {
                app.open_session(self.resumable.swap_remove(i));
                Reply::close()
            }
            Err(e) => {
                app.warn(format!("Not resumed: {}", sanitize_line(&e)));
                Reply::stay()
            }
        }
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.insert_str(text);
        }
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let box_w = body.width.saturating_sub(4).min(76);
        let iw = box_w.saturating_sub(2) as usize;
        let w = iw;
        let fields_ctx = KeyContext { items: self.resumable.len(), ..KeyContext::new(Screen::Start) };
        let rows_ctx = KeyContext { items: self.resumable.len(), ..KeyContext::new(Screen::Resume) };
        let start = keymap::key_for(&fields_ctx, Action::Submit).map(|k| format!("; {k} starts the diagnosis"));
        let mut lines = para(
            &format!("Who is this call for? All fields are optional{}.", start.unwrap_or_default()),
            w,
            theme.plain(),
        );
        lines.push(Line::raw(""));
        let label_w = 12;
        let field_w = w.saturating_sub(label_w + 3).max(1);
        let mut cursor = None;
        for (i, name) in START_FIELDS.iter().enumerate() {
            let on = i == self.focus;
            let (shown, col) = self.fields[i].visible(field_w);
            if on {
                cursor = Some((len_u16(lines.len()), len_u16(label_w + 2 + col)));
            }
            lines.push(Line::from(vec![
                Span::styled(if on { "▶ " } else { "  " }, theme.bold()),
                Span::styled(pad(name, label_w), if on { theme.bold() } else { theme.plain() }),
                Span::styled(pad(&shown, field_w), if on { theme.input().patch(theme.bold()) } else { theme.input() }),
            ]));
        }
        if !self.resumable.is_empty() {
            lines.push(Line::raw(""));
            let how =
                match (keymap::key_for(&fields_ctx, Action::NextField), keymap::key_for(&rows_ctx, Action::Select)) {
                    (Some(pick), Some(resume)) => format!(" ({pick} to pick one, {resume} resumes it)"),
                    _ => String::new(),
                };
            lines.extend(para(&format!("Or resume an unfinished call{how}:"), w, theme.plain()));
            for (i, s) in self.resumable.iter().enumerate() {
                let on = self.focus == START_FIELDS.len() + i;
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
        let area = centered(body, box_w, len_u16(lines.len()).saturating_add(2));
        let title = if self.resumable.is_empty() { " New call " } else { " New call, or resume one " };
        let b = block(Line::styled(title, theme.bold()), theme, true);
        let inner = b.inner(area);
        frame.render_widget(b, area);
        draw_lines(frame, inner, &lines, 0);
        if let Some((row, col)) = cursor
            && row < inner.height
        {
            frame.set_cursor_position(Position::new(inner.x + col, inner.y + row));
        }
    }
}

/// `INC1 · a@contoso.example · 12 min ago · Is the passkey on the device…`
pub fn resumable_row(app: &App, s: &Session) -> String {
    let mut ticket = s.ticket.as_deref().map(sanitize_line).unwrap_or_else(|| "no ticket".into());
    if s.continued_from.is_some() {
        ticket.push_str(" (tier 2)");
    }
    let user = s.user.as_deref().map(sanitize_line).unwrap_or_else(|| "no user".into());
    let ago = match age(app.now - s.started_at).as_str() {
        "just now" => "just now".to_string(),
        a => format!("{a} ago"),
    };
    let here = match app.set.node(s.walk.position.node()) {
        Some(Node::Question(q)) => sanitize_line(&q.prompt),
        Some(Node::Step(st)) => format!("step: {}", sanitize_line(&st.title)),
        Some(Node::Outcome(o)) => sanitize_line(&o.title),
        _ => sanitize_line(&s.walk.position.node().to_string()),
    };
    format!("{ticket} · {user} · {ago} · {here}")
}
