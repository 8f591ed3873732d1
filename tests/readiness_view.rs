//! `readiness --view`: the dashboard drawn into a TestBackend at 80×24 over the sample estate
//! (tests/readiness/), its keys, and the focus shown in text.

use passkey_triage::readiness::usage::Usage;
use passkey_triage::readiness::{Estate, Evaluator, PasskeyType, Summary, inventory};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::ui::screen::readiness::{Effect, Panel, ReadinessView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn summary() -> Summary {
    let mut devices = Vec::new();
    for f in ["graph-page1.json", "graph-page2.json", "intune-export.csv"] {
        let path = format!("{}/tests/readiness/{f}", env!("CARGO_MANIFEST_DIR"));
        inventory::read_file(&path, &mut std::io::empty(), &mut |d| devices.push(d)).expect("inventory");
    }
    let mut usage = Usage::new(&devices);
    for f in ["signins-graph.json", "signins-az.json"] {
        let path = format!("{}/tests/readiness/{f}", env!("CARGO_MANIFEST_DIR"));
        usage.read_file(&path, &mut std::io::empty()).expect("sign-ins");
    }
    let set = RunbookSet::builtin().expect("built-ins");
    let estate = Estate::new(devices, usage);
    Summary::build(&estate, &Evaluator::new(&set.matrix), &PasskeyType::ALL)
}

fn draw(view: &mut ReadinessView, w: u16, h: u16) -> Terminal<TestBackend> {
    view.resize(w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view.render(f)).expect("draw");
    t
}

fn key(view: &mut ReadinessView, code: KeyCode) -> Option<Effect> {
    view.update(&KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn dashboard_at_80x24() {
    let mut view = ReadinessView::new(summary(), false);
    let t = draw(&mut view, 80, 24);
    let text = t.backend().to_string();
    assert!(text.contains("15 devices, 8 users") && text.contains("Blockers") && text.contains("Unknowns"), "{text}");
    insta::assert_snapshot!("readiness_view_80x24", t.backend());
}

#[test]
fn keys_scroll_switch_panels_and_quit() {
    let mut view = ReadinessView::new(summary(), true);
    let first = draw(&mut view, 80, 24).backend().to_string();
    assert_eq!(view.focus, Panel::Results);
    assert!(first.contains("▶ Results"));
    key(&mut view, KeyCode::Down);
    assert_eq!(view.scroll[0], 1);
    assert_ne!(draw(&mut view, 80, 24).backend().to_string(), first);
    key(&mut view, KeyCode::End);
    let bottom = view.scroll[0];
    key(&mut view, KeyCode::Down);
    assert_eq!(view.scroll[0], bottom, "never scrolls past the last row");
    key(&mut view, KeyCode::Home);
    assert_eq!(view.scroll[0], 0);
    key(&mut view, KeyCode::Tab);
    assert_eq!(view.focus, Panel::Blockers);
    let screen = draw(&mut view, 80, 24).backend().to_string();
    assert!(screen.contains("▶ Blockers") && !screen.contains("▶ Results"), "{screen}");
    key(&mut view, KeyCode::PageDown);
    assert!(view.scroll[1] > 0);
    key(&mut view, KeyCode::Tab);
    assert_eq!(view.focus, Panel::Unknowns);
    key(&mut view, KeyCode::Tab);
    assert_eq!(view.focus, Panel::Results);
    // Too small: a message, no panic.
    let tiny = draw(&mut view, 30, 10).backend().to_string();
    assert!(tiny.contains("larger"));
    assert_eq!(key(&mut view, KeyCode::Char('q')), Some(Effect::Quit));
}
