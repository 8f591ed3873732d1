//! A yes/no question before something that can't be undone: restarting the diagnosis, or
//! quitting a call that isn't saved.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::Reply;
use crate::exit;
use crate::ui::app::App;
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, centered, draw_boxed, para};

/// What a confirmation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Restart,
    Quit,
}

impl Confirm {
    pub fn key(self, action: Action, app: &mut App) -> Reply {
        match (action, self) {
            (Action::Confirm, Confirm::Quit) => Reply::close_with(app.save_and_quit(exit::OK)),
            (Action::Confirm, Confirm::Restart) => {
                let r = app.session.walk.restart(&app.set, app.now);
                let fx = app.walk_changed();
                match r {
                    Ok(()) => app.info("Restarted: answers from this call dropped; notes kept."),
                    Err(e) => app.error(format!("Runbook error: {e}")),
                }
                Reply::close_with(fx)
            }
            (Action::Cancel, _) => Reply::close(),
            _ => Reply::stay(),
        }
    }

    pub fn render(self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let (title, text) = match self {
            Confirm::Restart if app.session.continued_from.is_some() => (
                " Restart? ",
                "Start the diagnosis over? Every answer is dropped, tier 1's included (the package and the tier-1 session keep them); facts from a facts file and your notes are kept.",
            ),
            Confirm::Restart => (
                " Restart? ",
                "Start the diagnosis over? The answers given on this call are dropped; facts from the facts file and your notes are kept.",
            ),
            Confirm::Quit if !app.would_lose() && app.escalation_not_queued() => (
                " Quit? ",
                "This call escalates to tier 2, but this wizard hasn't put it in the tier-2 queue: tier 2 won't see it there. Keep going and press t to queue it (a package already queued isn't queued twice), or quit anyway (the session is saved; `passkey-triage escalate` queues it later).",
            ),
            Confirm::Quit if !app.would_lose() => (
                " Quit? ",
                "The exported notes are out of date: answers, ticks or notes changed after the export. Keep going and press e to export again, or quit anyway (the session is saved).",
            ),
            Confirm::Quit => (
                " Quit? ",
                if app.save_failed {
                    "The last save failed: on quitting, the answers go to a file in the temporary folder instead (named on exit)."
                } else {
                    "This call is not saved: quitting loses its answers, ticks and notes."
                },
            ),
        };
        let w = body.width.saturating_sub(4).min(64);
        let mut lines = para(text, w.saturating_sub(4) as usize, theme.plain());
        lines.push(Line::raw(""));
        let ctx = KeyContext::new(Screen::Confirm);
        let keys = |a: Action| keymap::keys_for(&ctx, a).unwrap_or_default();
        let yes = if self == Confirm::Quit { " quit   " } else { " restart   " };
        lines.push(Line::from(vec![
            Span::styled(keys(Action::Confirm), theme.key()),
            Span::raw(yes),
            Span::styled(keys(Action::Cancel), theme.key()),
            Span::raw(" keep going"),
        ]));
        let h = crate::ui::scroll::len_u16(lines.len()).saturating_add(2);
        let area = centered(body, w, h);
        frame.render_widget(Clear, area);
        let b = block(Line::styled(title, theme.bold()), theme, true).padding(ratatui::widgets::Padding::horizontal(1));
        draw_boxed(frame, area, b, &lines, 0);
    }
}
