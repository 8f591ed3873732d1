//! Confirmation pop-ups (restart, quit).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme::Theme;
use super::{block, centered, para};
use crate::ui::app::{App, Confirm};

pub fn render_confirm(app: &App, what: Confirm, frame: &mut Frame, body: Rect, theme: &Theme) {
    let (title, text) = match what {
        Confirm::Restart => (
            " Restart? ",
            "Start the diagnosis over? The answers given on this call are dropped; facts from the facts file and your notes are kept.",
        ),
        Confirm::Quit => (
            " Quit? ",
            if app.save_failed {
                "The last save failed: quitting now loses this call's answers and notes."
            } else {
                "This call is not saved: quitting loses its answers, ticks and notes."
            },
        ),
    };
    let w = body.width.saturating_sub(4).min(64);
    let mut lines = para(text, w.saturating_sub(4) as usize, theme.plain());
    lines.push(Line::raw(""));
    let yes = if what == Confirm::Quit { " quit   " } else { " restart   " };
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(yes),
        Span::styled("n", theme.key()),
        Span::raw(" / "),
        Span::styled("Esc", theme.key()),
        Span::raw(" keep going"),
    ]));
    let h = lines.len() as u16 + 2;
    let area = centered(body, w, h);
    frame.render_widget(Clear, area);
    let b = block(Line::styled(title, theme.bold()), theme, true).padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(b), area);
}
