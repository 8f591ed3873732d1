//! What a click hits is what is drawn there: across terminal sizes, scroll offsets and every
//! kind of diagnosis screen, each clickable line of the walk panel's geometry is drawn on the
//! row where `hit_test` finds it, and no other row of the panel hits anything.

mod ui_support;

use passkey_triage::ui::app::{App, Msg};
use passkey_triage::ui::frame;
use passkey_triage::ui::screen::walk;
use passkey_triage::ui::scroll::Scroll;
use passkey_triage::ui::view::layout::regions;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ui_support::*;

/// The diagnosis screens that have clickable lines (some after the "why" overlay was opened and
/// closed: it leaves the panel as it was).
fn state(n: u8) -> App {
    let mut a = app();
    match n % 7 {
        0 => {}
        1 => {
            ch(&mut a, '1');
            ch(&mut a, 'w');
            key(&mut a, KeyCode::Esc);
        }
        2 => {
            // A typed question with its listed answers focused.
            ch(&mut a, '1');
            ch(&mut a, '2');
            key(&mut a, KeyCode::Down);
        }
        3 => {
            ch(&mut a, '1');
            ch(&mut a, '2');
            typed(&mut a, "17.5");
            key(&mut a, KeyCode::Enter);
            ch(&mut a, 'w');
            key(&mut a, KeyCode::Esc);
        }
        4 => {
            to_escalation(&mut a);
            ch(&mut a, 'w');
            key(&mut a, KeyCode::Esc);
        }
        5 => to_resolved(&mut a),
        _ => {
            to_escalation(&mut a);
            key(&mut a, KeyCode::Down);
            key(&mut a, KeyCode::Down);
        }
    }
    a
}

/// The text drawn on row `y` of `area` (a wide character's second cell skipped).
fn row_text(t: &Terminal<TestBackend>, area: Rect, y: u16) -> String {
    let buf = t.backend().buffer();
    let mut text = String::new();
    let mut x = area.x;
    while x < area.right() {
        let symbol = buf[(x, y)].symbol();
        text.push_str(symbol);
        x += passkey_triage::ui::text::width(symbol).max(1) as u16;
    }
    text.trim_end().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_target_is_hit_where_it_is_drawn(n in 0u8..7, w in 60u16..170, h in 16u16..56, offset in 0u16..120) {
        let mut a = state(n);
        a.update(Msg::Resize(w, h), t1());
        a.walk_screen.scroll = Scroll::at(offset);
        let area = Rect::new(0, 0, w, h);
        let main = regions(area).main;
        let g = walk::geometry(&a, main);
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        t.draw(|f| frame::render(&a, f)).expect("draw");

        let shown = g.scroll as usize..g.scroll as usize + g.scroll_area.height as usize;
        for row in g.scroll_area.y..g.scroll_area.bottom() {
            let line = g.scroll as usize + (row - g.scroll_area.y) as usize;
            let target = g.content.targets.iter().find(|(l, _)| *l == line).map(|(_, t)| *t);
            for col in [g.scroll_area.x, g.scroll_area.x + g.scroll_area.width / 2, g.scroll_area.right() - 1] {
                prop_assert_eq!(walk::hit_test(&a, main, Position::new(col, row)), target, "row {} col {}", row, col);
            }
            if let Some(drawn) = g.content.lines.get(line) {
                prop_assert!(shown.contains(&line));
                let want: String = drawn.spans.iter().map(|s| s.content.as_ref()).collect();
                prop_assert_eq!(row_text(&t, g.scroll_area, row), want.trim_end().to_string(), "line {} on row {}", line, row);
            }
        }
        // Outside the scrolling part (border, pinned banner) nothing is hit.
        for row in [main.y, g.pinned_area.y, main.bottom() - 1] {
            if !g.scroll_area.contains(Position::new(g.scroll_area.x, row)) {
                prop_assert_eq!(walk::hit_test(&a, main, Position::new(g.scroll_area.x, row)), None);
            }
        }
    }
}

/// Some target is on screen in most generated cases; this pins one that surely is, so the
/// property above can't pass by never seeing a target.
#[test]
fn the_first_answer_is_clickable_at_80x24() {
    let mut a = state(0);
    a.update(Msg::Resize(80, 24), t1());
    let main = regions(Rect::new(0, 0, 80, 24)).main;
    let g = walk::geometry(&a, main);
    let (line, target) = g.content.targets[0];
    let row = g.scroll_area.y + line as u16;
    assert_eq!(walk::hit_test(&a, main, Position::new(g.scroll_area.x + 2, row)), Some(target));
}
