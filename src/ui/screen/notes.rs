//! The notes editor (`n`): free text for the ticket, kept with the session. The text itself
//! lives on the app ([`App::notes`]), since it outlives the screen; this screen has no state.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::text::sanitize_text;
use crate::ui::app::{App, Effect, Mode};
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::view::block;
use crate::ui::view::theme::Theme;

pub fn key(app: &mut App, action: Action, key: KeyEvent) -> Vec<Effect> {
    match action {
        Action::Close => {
            app.mode = Mode::Walk;
            app.sync_notes();
            vec![Effect::Persist]
        }
        Action::Edit => {
            app.notes.input(key);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub fn paste(app: &mut App, text: &str) {
    app.notes.insert_str(sanitize_text(text));
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut b = block(Line::styled(" Notes for the ticket ", theme.bold()), theme, true);
    if let Some(k) = keymap::key_for(&KeyContext::new(Screen::Notes), Action::Close) {
        let hint = format!(" {k}: back to the diagnosis (notes are kept) ");
        b = b.title_bottom(Line::styled(hint, theme.bold()).right_aligned());
    }
    let inner = b.inner(area);
    frame.render_widget(b, area);
    frame.render_widget(&app.notes, inner);
}
