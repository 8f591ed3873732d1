//! Shared by the wizard's UI tests: the fixture runbook set, a fixed clock, key helpers and
//! rendering into a `TestBackend`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use passkey_triage::engine::{Provenance, Walk, WalkOptions};
use passkey_triage::matrix::Matrix;
use passkey_triage::runbook::load::{parse_json, read_runbook_file};
use passkey_triage::runbook::{Origin, RunbookSet, SourceFile};
use passkey_triage::session::{CallInfo, Session};
use passkey_triage::ui::app::{App, Effect, Msg, Options};
use passkey_triage::ui::frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture runbooks and matrix only (no built-ins), so snapshots don't follow the library.
pub fn set() -> RunbookSet {
    let rb = read_runbook_file(&fixtures().join("wizard/triage.json")).expect("fixture runbook");
    let mpath = fixtures().join("wizard-matrix/compat-matrix.json");
    let text = std::fs::read_to_string(&mpath).expect("fixture matrix");
    let file = Arc::new(SourceFile::new(Origin::File(mpath), text));
    let matrix: Matrix = parse_json(&file).expect("fixture matrix parses");
    RunbookSet::new(vec![rb], matrix, file)
}

/// The call started at 14:00:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).single().expect("valid time")
}

/// 3 min 12 s into the call: what every snapshot's timer shows.
pub fn t1() -> DateTime<Utc> {
    t0() + Duration::seconds(192)
}

pub fn call() -> CallInfo {
    CallInfo {
        ticket: Some("INC0012345".into()),
        user: Some("zoë.ñúñez-åström@contoso.com".into()),
        agent: Some("Sam Agent".into()),
    }
}

pub fn opts() -> Options {
    Options::default()
}

pub fn app_with(facts: &[(&str, &str)], options: Options) -> App {
    let set = set();
    let prefill = facts.iter().map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile));
    let walk = Walk::start(&set, prefill, WalkOptions::default(), t0()).expect("walk starts");
    let session = Session::new("20261125T140000Z-0001".into(), call(), &set, walk, t0(), 60);
    let mut app = App::new(set, session, options, t0());
    app.update(Msg::Tick, t1());
    app
}

pub fn app() -> App {
    app_with(&[], opts())
}

pub fn key_mod(app: &mut App, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, m)), t1())
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key_mod(app, code, KeyModifiers::NONE)
}

pub fn ch(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c))
}

pub fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

/// Renders at w×h and returns the backend (its Display is what insta stores).
pub fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let now = app.now;
    app.update(Msg::Resize(w, h), now);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| frame::render(app, f)).expect("draw");
    t
}

pub fn screen_text(app: &mut App, w: u16, h: u16) -> String {
    render(app, w, h).backend().to_string()
}

/// Walks the fixture to the escalating outcome: sign-in → same-device → no code shown.
pub fn to_escalation(app: &mut App) {
    ch(app, '1');
    ch(app, '1');
    key(app, KeyCode::Down);
    key(app, KeyCode::Enter);
}

/// Walks the fixture to the resolved outcome: sign-in → cross-device → 17.5 → Bluetooth worked.
pub fn to_resolved(app: &mut App) {
    ch(app, '1');
    ch(app, '2');
    typed(app, "17.5");
    key(app, KeyCode::Enter);
    ch(app, '1');
}

/// An unfinished call of an hour ago: sign-in → cross-device, waiting at the phone version,
/// with a note.
pub fn unfinished_session(id: &str, ticket: &str) -> Session {
    let mut a = app();
    a.session.id = id.into();
    a.session.ticket = Some(ticket.into());
    a.session.started_at = t0() - Duration::hours(1);
    ch(&mut a, '1');
    ch(&mut a, '2');
    a.session.notes = "called from a hotel".into();
    a.session
}

/// Tier 2 continuing the escalated fixture call (what `open FILE` puts on screen).
pub fn tier2_app() -> App {
    let mut tier1 = app();
    to_escalation(&mut tier1);
    ch(&mut tier1, '1');
    let set = set();
    let call = CallInfo { agent: Some("Tia Tier2".into()), ..CallInfo::default() };
    let (session, warnings) = passkey_triage::session::package::continue_session(
        &tier1.session,
        &set,
        t0(),
        60,
        "20261125T140000Z-0002".into(),
        call,
    )
    .expect("continue");
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut app = App::new(set, session, Options { persists: true, ..opts() }, t0());
    app.update(Msg::Tick, t1());
    app
}

/// The "call at 80×24" fixture: a question with 17 answers and a typed line, a step with a long
/// instruction, outcomes with long checklists (and the fixture matrix).
pub fn call_set() -> RunbookSet {
    let rb = read_runbook_file(&fixtures().join("wizard-call/calls.json")).expect("fixture runbook");
    let base = set();
    RunbookSet::new(vec![rb], base.matrix.clone(), base.matrix_file.clone())
}

/// A call on [`call_set`], the walk at its first question, with `facts` from a facts file.
pub fn call_app(facts: &[(&str, &str)]) -> App {
    let set = call_set();
    let prefill = facts.iter().map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile));
    let walk = Walk::start(&set, prefill, WalkOptions::default(), t0()).expect("walk starts");
    let session = Session::new("20261125T140000Z-0003".into(), call(), &set, walk, t0(), 60);
    let mut app = App::new(set, session, opts(), t0());
    app.update(Msg::Tick, t1());
    app
}
