//! Baseline for the wizard's exec-to-first-frame measurement (`benches/first_frame.py`): the
//! smallest ratatui program that draws one paragraph, then waits for a key.

use ratatui::crossterm::event::{self, Event};
use ratatui::widgets::Paragraph;

fn main() -> std::io::Result<()> {
    let mut terminal = ratatui::init();
    let drawn = terminal.draw(|f| f.render_widget(Paragraph::new("bare ratatui: one paragraph"), f.area()));
    let waited = drawn.and_then(|_| {
        loop {
            if let Event::Key(_) = event::read()? {
                break Ok(());
            }
        }
    });
    ratatui::restore();
    waited.map(|_| ())
}
