//! A runbook text longer than 65 535 lines must not wrap the wizard's u16 layout numbers.

mod ui_support;

use std::sync::Arc;

use chrono::Duration;
use passkey_triage::engine::{Walk, WalkOptions};
use passkey_triage::runbook::load::{LoadedRunbook, parse_json};
use passkey_triage::runbook::{Origin, RunbookSet, SourceFile};
use passkey_triage::session::Session;
use passkey_triage::ui::app::{App, Msg};
use passkey_triage::ui::screen::walk;
use passkey_triage::ui::scroll::Scroll;
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

fn app_with_long_help(lines: usize) -> App {
    let path = fixtures().join("wizard/triage.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture parses");
    v["nodes"][0]["help"] = serde_json::Value::String("x\n".repeat(lines) + "the end");
    let file = Arc::new(SourceFile::new(Origin::File(path), v.to_string()));
    let rb = LoadedRunbook::new(parse_json(&file).expect("runbook parses"), file);
    let base = set();
    let set = RunbookSet::new(vec![rb], base.matrix.clone(), base.matrix_file.clone());
    let walk = Walk::start(&set, Vec::new(), WalkOptions::default(), t0()).expect("walk starts");
    let session = Session::new("20261125T140000Z-0001".into(), call(), &set, walk, t0(), 60);
    let mut app = App::new(set, session, opts(), t0());
    app.update(Msg::Resize(100, 30), t1());
    app
}

#[test]
fn scroll_range_saturates_past_65535_lines() {
    let mut app = app_with_long_help(70_000);
    // 70 000+ lines: the scroll range must reach the u16 limit, not wrap to ~4 500.
    assert!(walk::max_scroll(&app) > 65_000, "max scroll {}", walk::max_scroll(&app));
    // Scrolling to the end and growing the window never overflows.
    app.walk_screen.scroll = Scroll::at(walk::max_scroll(&app));
    key(&mut app, KeyCode::PageDown);
    app.update(Msg::Resize(100, 60), t1() + Duration::seconds(1));
    app.update(Msg::Resize(100, 20), t1() + Duration::seconds(2));
    let _ = screen_text(&mut app, 100, 20);
}
