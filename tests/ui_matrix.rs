//! The `m` screen at an outcome the compatibility matrix decided: it opens on the deciding row
//! (marked ◆), not merely on the first row for this client.

mod ui_support;

use passkey_triage::engine::{Provenance, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::Session;
use passkey_triage::ui::app::{App, Mode, Msg};
use passkey_triage::ui::screen::matrix::{deciding_row, first_match};
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

/// A call on the library that ends at "iOS too old for Authenticator passkeys" (a public
/// scenario), its facts from a facts file.
fn os_too_old() -> App {
    let set = RunbookSet::builtin().expect("library");
    let path = root().join("tests/scenarios/unsupported-client.os-version-1.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("scenario")).expect("json");
    let facts = v["facts"]
        .as_object()
        .expect("facts")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_string(), Provenance::FactsFile));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, ..WalkOptions::default() };
    let walk = Walk::start(&set, facts.collect::<Vec<_>>(), options, t0()).expect("walk");
    let session = Session::new("20261125T140000Z-0009".into(), call(), &set, walk, t0(), 60);
    let mut app = App::new(set, session, opts(), t0());
    app.update(Msg::Tick, t1());
    app
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn matrix_scroll(app: &App) -> usize {
    match &app.mode {
        Mode::Matrix(m) => m.scroll.offset() as usize,
        other => panic!("not on the matrix: {other:?}"),
    }
}

#[test]
fn matrix_opens_on_the_row_that_decided_the_outcome() {
    let mut app = os_too_old();
    let outcome = app.session.outcome.clone().expect("at an outcome");
    assert_eq!(outcome.class, "unsupported-client.os-version");
    let id = outcome.matrix_row.expect("the matrix decided it");
    let row = deciding_row(&app).expect("the row is in the matrix");
    assert_eq!(app.set.matrix.rows[row].id, id);
    // Otherwise the test could not tell the deciding row from the first row for this client.
    assert_ne!(row, first_match(&app), "{id} is not the first row for this client");

    ch(&mut app, 'm');
    assert_eq!(matrix_scroll(&app), row, "opens on {id}");
    let screen = screen_text(&mut app, 120, 40);
    assert!(screen.contains(&format!("◆ {id}: the row that decided the outcome.")), "{screen}");
    // The deciding row is the table's first row shown, marked ◆.
    let first_row = screen.lines().skip_while(|l| !l.contains("Area")).nth(1).expect("a row");
    assert!(first_row.contains('◆'), "{screen}");
}

#[test]
fn without_a_deciding_row_it_opens_on_the_first_row_for_this_client() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, '2');
    // The phone's version is typed: ↓ takes the focus off the line (Esc on an empty line goes back).
    key(&mut app, KeyCode::Down);
    assert!(deciding_row(&app).is_none());
    ch(&mut app, 'm');
    assert_eq!(matrix_scroll(&app), first_match(&app));
    assert_eq!(matrix_scroll(&app), 2, "the fixture's cross-device row");
    assert!(!screen_text(&mut app, 120, 40).contains('◆'));
}
