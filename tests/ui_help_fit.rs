//! A question's help shows the platform at hand: on the built-in phone-Bluetooth question, only the
//! known phone's line, and every platform's line while the phone isn't known; on the provider
//! question, the iPhone line for the iOS version at hand.

mod ui_support;

use passkey_triage::engine::{Provenance, Walk, WalkOptions};
use passkey_triage::runbook::{NodeRef, RunbookSet};
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
        // What comes before the hand-off (contract §9.1): the client's support, then policy.
        ("client.kind", "browser"),
        ("client.os", "windows"),
        ("client.browser", "edge"),
        ("policy.passkey_method", "enabled-for-user"),
        ("account.situation", "unknown"),
        ("policy.passkey_type_allowed", "yes"),
        ("policy.aaguid_allowed", "yes"),
        ("policy.attestation_enforced", "no"),
        ("ca.auth_strength", "satisfied"),
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

/// The provider question's iPhone lines follow the iOS version too: 17 and 18 differ in where
/// the switch is; a version not known shows both.
#[test]
fn the_provider_help_follows_the_ios_version() {
    use passkey_triage::engine::outcome::help_texts;
    use passkey_triage::runbook::model::Node;
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let Some(Node::Question(q)) = set.node(&NodeRef::new("authenticator", "q-provider-enabled")) else {
        panic!("authenticator#q-provider-enabled is a question");
    };
    let shown = |facts: &[(&str, &str)]| -> Vec<String> {
        let lookup = |k: &str| facts.iter().find(|(f, _)| *f == k).map(|(_, v)| v.to_string());
        help_texts(&q.help, &lookup, &set.matrix)
            .iter()
            .map(|t| t.split(':').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(shown(&[]), ["iPhone, iOS 18", "iPhone, iOS 17", "Android"]);
    assert_eq!(shown(&[("phone.os", "ios")]), ["iPhone, iOS 18", "iPhone, iOS 17"]);
    assert_eq!(shown(&[("phone.os", "ios"), ("phone.os_version", "17.5")]), ["iPhone, iOS 17"]);
    assert_eq!(shown(&[("phone.os", "ios"), ("phone.os_version", "18.1")]), ["iPhone, iOS 18"]);
    assert_eq!(shown(&[("phone.os", "android"), ("phone.os_version", "14")]), ["Android"]);
}
