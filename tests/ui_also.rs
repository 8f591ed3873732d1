//! The outcome screen names a known second fault after the remediation (contract §9.6, issue 19).

mod ui_support;

use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::Session;
use passkey_triage::ui::{App, Msg};
use ui_support::{call, opts, screen_text, t0, t1};

#[test]
fn the_outcome_screen_says_what_will_still_block() {
    let set = RunbookSet::builtin().expect("built-in set");
    // tests/scenarios/hard-16.json: excluded from the passkey policy, and Authenticator signed out.
    let text = std::fs::read_to_string("tests/scenarios/hard-16.json").expect("scenario");
    let world: serde_json::Value = serde_json::from_str(&text).expect("scenario JSON");
    let prefill: Vec<(String, String, Provenance)> = world["facts"]
        .as_object()
        .expect("facts")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string(), Provenance::FactsFile))
        .collect();
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: false };
    let walk = Walk::start(&set, prefill, options, t0()).expect("walk");
    let session = Session::new("20261125T140000Z-0a15".into(), call(), &set, walk, t0(), 60);
    let mut app = App::new(set, session, opts(), t0());
    app.update(Msg::Tick, t1());
    let screen = screen_text(&mut app, 140, 80);
    assert!(screen.contains("policy.method-not-enabled"), "{screen}");
    let remediation = screen.find("Remediation").expect("remediation");
    let still = screen.find("will still block").unwrap_or_else(|| panic!("no second fault on:\n{screen}"));
    assert!(remediation < still, "after the remediation:\n{screen}");
    assert!(screen[still..].contains("authenticator.signed-out"), "{screen}");
}
