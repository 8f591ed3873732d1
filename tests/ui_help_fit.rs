//! A question's help shows the platform at hand: on the built-in phone-Bluetooth question, only the
//! known phone's line, and every platform's line while the phone isn't known.

mod ui_support;

use passkey_triage::engine::{Provenance, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::Session;
use passkey_triage::ui::app::{App, Msg};
use ui_support::*;

const IPHONE: &str = "iPhone: Settings > Bluetooth shows On";
const ANDROID: &str = "Android: swipe down from the top";
const BOTH_DEVICES: &str = "Cross-device sign-in needs Bluetooth on both the phone and the computer.";

/// The built-in runbooks, walked (from a facts file) to cross-device#q-phone-bt, plus `extra`.
fn at_phone_bluetooth(extra: &[(&str, &str)]) -> App {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let facts = [
        ("phase", "sign-in"),
        ("flow", "cross-device"),
        ("credential.type", "authenticator"),
        ("qr.scan", "ok"),
        ("handoff.connected", "no"),
    ];
    let prefill = facts
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile))
        .collect::<Vec<_>>();
    let walk = Walk::start(&set, prefill, WalkOptions::default(), t0()).expect("walk starts");
    let session = Session::new("20261125T140000Z-0009".into(), call(), &set, walk, t0(), 60);
    let mut app = App::new(set, session, opts(), t0());
    app.update(Msg::Tick, t1());
    assert_eq!(app.session.walk.position.node().to_string(), "cross-device#q-phone-bt");
    app
}

fn help_on_screen(extra: &[(&str, &str)]) -> String {
    let mut app = at_phone_bluetooth(extra);
    let screen = screen_text(&mut app, 140, 60);
    assert!(screen.contains("How the user finds out"), "{screen}");
    assert!(screen.contains(BOTH_DEVICES), "the line for every phone shows: {screen}");
    screen
}

#[test]
fn a_known_iphone_hides_the_android_line() {
    let screen = help_on_screen(&[("phone.os", "ios")]);
    assert!(screen.contains(IPHONE), "{screen}");
    assert!(!screen.contains(ANDROID), "{screen}");
}

#[test]
fn a_known_android_phone_hides_the_iphone_line() {
    let screen = help_on_screen(&[("phone.os", "android")]);
    assert!(screen.contains(ANDROID), "{screen}");
    assert!(!screen.contains(IPHONE), "{screen}");
}

#[test]
fn a_phone_not_known_shows_both_lines() {
    for extra in [&[][..], &[("phone.os", "unknown")][..]] {
        let screen = help_on_screen(extra);
        assert!(screen.contains(IPHONE), "{extra:?}: {screen}");
        assert!(screen.contains(ANDROID), "{extra:?}: {screen}");
    }
}
