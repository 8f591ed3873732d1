//! `report --view`: the dashboard drawn into a TestBackend (snapshots at two sizes), its keys,
//! and NO_COLOR.

use passkey_triage::report::synthetic;
use passkey_triage::report::{Aggregator, QueueCounts, Range, Report};
use passkey_triage::session::digest::Digest;
use passkey_triage::ui::screen::report::{Effect, Panel, ReportView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

/// The report over generated sessions `0..n` (ten minutes apart), spread over more weeks by
/// `week_step`: session i is moved `i * week_step` days later.
fn report(n: u64, week_step: i64) -> Report {
    let mut agg = Aggregator::new(Range::default());
    for i in 0..n {
        let mut s = synthetic::session(i);
        let shift = chrono::Duration::days(week_step * i64::try_from(i).unwrap_or(0));
        s.started_at += shift;
        s.ended_at = s.ended_at.map(|e| e + shift);
        let json = passkey_triage::export::json::render(&s);
        let d = Digest::parse(json.as_bytes()).expect("a session");
        agg.add(&d, i % 7 == 0);
    }
    agg.set_queue(QueueCounts { waiting: 2, claimed: 1, done: 4 });
    agg.finish()
}

fn draw(view: &mut ReportView, w: u16, h: u16) -> Terminal<TestBackend> {
    view.resize(w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view.render(f)).expect("draw");
    t
}

fn key(view: &mut ReportView, code: KeyCode) -> Option<Effect> {
    view.update(&KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn dashboard_snapshots() {
    for (w, h) in [(100, 30), (80, 24)] {
        let mut view = ReportView::new(report(120, 2), false);
        let t = draw(&mut view, w, h);
        let text = t.backend().to_string();
        assert!(
            text.contains("Classes (8)") && text.contains("Class × client.os") && text.contains("Sessions per week")
        );
        insta::assert_snapshot!(format!("report_view_{w}x{h}"), t.backend());
    }
}

#[test]
fn keys_scroll_switch_panels_move_the_week_and_quit() {
    let mut view = ReportView::new(report(120, 2), true);
    // Small enough that the eight classes don't fit.
    let t = draw(&mut view, 60, 16);
    let first = t.backend().to_string();
    assert_eq!(view.focus, Panel::Classes);
    assert_eq!(key(&mut view, KeyCode::Down), None);
    assert_eq!(view.class_scroll, 1);
    let t = draw(&mut view, 60, 16);
    assert_ne!(t.backend().to_string(), first);
    key(&mut view, KeyCode::End);
    let bottom = view.class_scroll;
    key(&mut view, KeyCode::Down);
    assert_eq!(view.class_scroll, bottom, "never scrolls past the last class");
    key(&mut view, KeyCode::Home);
    assert_eq!(view.class_scroll, 0);
    key(&mut view, KeyCode::Tab);
    assert_eq!(view.focus, Panel::Table);
    // The focus shows in text, not only in style.
    let screen = draw(&mut view, 60, 16).backend().to_string();
    assert!(screen.contains("▶ Class × client.os") && !screen.contains("▶ Classes"), "{screen}");
    key(&mut view, KeyCode::Char('j'));
    assert_eq!((view.class_scroll, view.table_scroll), (0, 1));
    // The week cursor starts at the last week and stops at the ends.
    let last = view.report.weekly.len() - 1;
    assert_eq!(view.week, last);
    key(&mut view, KeyCode::Right);
    assert_eq!(view.week, last);
    key(&mut view, KeyCode::Left);
    assert_eq!(view.week, last - 1);
    let t = draw(&mut view, 60, 16);
    let week = &view.report.weekly[last - 1].week;
    assert!(t.backend().to_string().contains(week.as_str()), "the cursor's week is described");
    assert_eq!(key(&mut view, KeyCode::Char('x')), None);
    assert_eq!(key(&mut view, KeyCode::Char('q')), Some(Effect::Quit));
    assert_eq!(key(&mut view, KeyCode::Esc), Some(Effect::Quit));
    assert_eq!(view.update(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Effect::Quit));
}

#[test]
fn no_color_means_no_colour() {
    let colours = |no_color: bool| {
        let mut view = ReportView::new(report(120, 2), no_color);
        let t = draw(&mut view, 100, 30);
        t.backend().buffer().content().iter().filter(|c| c.fg != Color::Reset || c.bg != Color::Reset).count()
    };
    assert_eq!(colours(true), 0);
    assert!(colours(false) > 0);
}

#[test]
fn empty_and_tiny() {
    let mut view = ReportView::new(Aggregator::new(Range::default()).finish(), true);
    let text = draw(&mut view, 80, 24).backend().to_string();
    assert!(text.contains("no session reached an outcome") && text.contains("no sessions"), "{text}");
    let text = draw(&mut view, 30, 10).backend().to_string();
    assert!(text.contains("Make the window larger"), "{text}");
    // Keys on an empty report do nothing wrong.
    for code in [KeyCode::Down, KeyCode::End, KeyCode::Tab, KeyCode::PageDown, KeyCode::Left, KeyCode::Right] {
        assert_eq!(key(&mut view, code), None);
    }
}
