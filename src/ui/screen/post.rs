//! `p` on the outcome: post the ticket note to the call's ticket as an internal note, after a
//! confirmation that names the help desk and the ticket (and says when it was posted there
//! before). The post itself runs off the UI thread (`Effect::Post`); its result comes back as
//! `Msg::Posted` and shows on the status line.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::Reply;
use crate::text::sanitize_line;
use crate::ticketing::System;
use crate::ticketing::delivery::Delivered;
use crate::ui::app::{App, Effect, Overlay};
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::scroll::len_u16;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, centered, draw_boxed, para};

/// The confirmation, naming where the note goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostScreen {
    pub system: System,
    pub ticket: String,
    /// When this session's note was last posted to that ticket.
    pub already: Option<DateTime<Utc>>,
}

/// `p`: asks first, or says why the note can't be posted.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(system) = app.opts.ticketing else { return Vec::new() };
    if let Some((s, t)) = &app.posting {
        let line = format!("Still posting to {s} {}…", sanitize_line(t));
        app.warn(line);
        return Vec::new();
    }
    let Some(ticket) = app.session.ticket.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
    else {
        app.warn("This call has no ticket to post to: give --ticket, or fill in Ticket on the start screen.");
        return Vec::new();
    };
    if let Err(why) = system.check_ticket(&ticket) {
        app.warn(format!("Can't post to {system} {}: {why}.", sanitize_line(&ticket)));
        return Vec::new();
    }
    let already = app.session.posted_to(system.as_str(), &ticket).map(|p| p.at);
    app.overlay = Some(Overlay::Post(PostScreen { system, ticket, already }));
    Vec::new()
}

impl PostScreen {
    pub fn key(&self, action: Action, app: &mut App) -> Reply {
        match action {
            Action::Confirm => {
                let mut fx = Vec::new();
                // The note includes what was typed in the notes so far.
                if app.sync_notes() {
                    fx.push(Effect::Persist);
                }
                app.posting = Some((self.system, self.ticket.clone()));
                app.info(format!("Posting the note to {} {}…", self.system, sanitize_line(&self.ticket)));
                fx.push(Effect::Post { system: self.system, ticket: self.ticket.clone() });
                Reply::close_with(fx)
            }
            Action::Cancel => {
                app.info("Not posted.");
                Reply::close()
            }
            _ => Reply::stay(),
        }
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let w = body.width.saturating_sub(4).min(72);
        let inner = w.saturating_sub(4) as usize;
        let ticket = sanitize_line(&self.ticket);
        let mut lines = para(
            &format!(
                "Post the ticket note to {} ticket {ticket} as an internal note (agents only; the caller doesn't see it)?",
                self.system
            ),
            inner,
            theme.plain(),
        );
        if let Some(at) = self.already {
            lines.push(Line::raw(""));
            lines.extend(para(
                &format!("It was posted there at {}: this posts it again.", at.format("%Y-%m-%d %H:%M UTC")),
                inner,
                theme.bold(),
            ));
        }
        if app.opts.redact {
            lines.push(Line::raw(""));
            lines.extend(para("Redacted (config.toml: redact = true).", inner, theme.dim()));
        }
        lines.push(Line::raw(""));
        let ctx = KeyContext::new(Screen::Post);
        let keys = |a: Action| keymap::keys_for(&ctx, a).unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(keys(Action::Confirm), theme.key()),
            Span::raw(" post   "),
            Span::styled(keys(Action::Cancel), theme.key()),
            Span::raw(" don't post"),
        ]));
        let h = len_u16(lines.len()).saturating_add(2);
        let area = centered(body, w, h);
        frame.render_widget(Clear, area);
        let b = block(Line::styled(" Post to the ticket? ", theme.bold()), theme, true)
            .padding(ratatui::widgets::Padding::horizontal(1));
        draw_boxed(frame, area, b, &lines, 0);
    }
}

/// The status line after a post: where it went, or why not (everything is kept).
pub fn posted(app: &mut App, result: Result<Delivered, String>) -> Vec<Effect> {
    let target = app.posting.take();
    match result {
        Ok(Delivered { record, reach }) => {
            let line = format!(
                "Posted the note to {} {} {} at {}.",
                sanitize_line(&record.system),
                sanitize_line(&record.ticket),
                reach.phrase(),
                record.at.format("%H:%M:%S UTC")
            );
            app.session.posted.push(record);
            app.info(line);
            vec![Effect::Persist]
        }
        Err(cause) => {
            // The cause first: the status line is cut at the window's width.
            let again = keymap::key_for(&app.base_context(), Action::Post)
                .map(|k| format!("; {k} tries again"))
                .unwrap_or_default();
            let target = target.map(|(s, t)| format!(" to {s} {}", sanitize_line(&t))).unwrap_or_default();
            app.error(format!("Not posted{target}: {}. Everything is kept{again}.", sanitize_line(&cause)));
            Vec::new()
        }
    }
}
