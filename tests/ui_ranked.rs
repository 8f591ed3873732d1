//! The differential is ranked most likely first (contract §9.5): the outcome screen of a tier-1
//! escalation names the three likeliest classes and counts the rest.

mod ui_support;

use chrono::TimeZone;
use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
use passkey_triage::runbook::{Node, NodeRef, RunbookSet};
use passkey_triage::session::Session;
use passkey_triage::ui::app::{App, Msg};
use ui_support::*;

fn prior(set: &RunbookSet, outcome: &str) -> f64 {
    match NodeRef::parse(outcome).and_then(|r| set.node(&r)) {
        Some(Node::Outcome(o)) => o.prior.unwrap_or(1.0),
        _ => 1.0,
    }
}

/// The wizard at the outcome of a healthy same-device security-key sign-in as tier 1 (every
/// caller check passes, the admin checks are open), with `more` facts given too.
fn tier1_escalation(more: &[(&str, &str)], id: &str) -> App {
    let set = RunbookSet::builtin().expect("built-in library");
    let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).single().expect("time");
    let facts = [
        ("phase", "sign-in"),
        ("flow", "same-device"),
        ("client.kind", "browser"),
        ("client.os", "windows"),
        ("client.os_version", "10.0.26100"),
        ("client.browser", "edge"),
        ("credential.type", "security-key"),
        ("credential.transport", "usb"),
        ("device.passkey_offered", "yes"),
        ("entra.passkey_registered", "yes"),
        ("picker.choice", "work"),
        ("signin.key_prompt", "touch-key"),
    ];
    let prefill = facts.iter().chain(more).map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier1, ask_all: false };
    let walk = Walk::start(&set, prefill, options, t0).expect("walk starts");
    let session = Session::new(id.into(), call(), &set, walk, t0, 60);
    let mut app = App::new(set, session, opts(), t0);
    app.update(Msg::Tick, t1());
    app
}

#[test]
fn a_tier1_escalation_names_its_likeliest_classes_first() {
    // A healthy same-device sign-in as tier 1: every caller check passes, the admin checks are open.
    let mut app = tier1_escalation(&[], "20261125T140000Z-0011");
    let set = RunbookSet::builtin().expect("built-in library");
    let alternatives = app.session.differential.clone();
    assert!(alternatives.len() > 3, "{alternatives:?}");
    let priors: Vec<f64> = alternatives.iter().map(|a| prior(&set, &a.outcome)).collect();
    assert!(priors.windows(2).all(|w| w[0] >= w[1]), "ranked most likely first: {priors:?}");
    let mut classes: Vec<&str> = Vec::new();
    for a in &alternatives {
        if !classes.contains(&a.class.as_str()) {
            classes.push(&a.class);
        }
    }
    let screen = screen_text(&mut app, 120, 200);
    // The line as read: from "Most likely:" on, wrapped lines joined, the panel's borders dropped.
    let start = screen.lines().position(|l| l.contains("Most likely:")).unwrap_or_else(|| panic!("{screen}"));
    let panel = |l: &str| l.split('│').nth(1).unwrap_or("").trim().to_string();
    let line = screen.lines().skip(start).take(3).map(panel).collect::<Vec<_>>().join(" ");
    assert!(line.contains(&classes[..3].join(", ")), "{line}");
    if classes.len() > 3 {
        assert!(line.contains(&format!("(+{} less likely)", classes.len() - 3)), "{line}");
    }
}

#[test]
fn an_open_check_says_what_its_answer_would_mean_as_the_note_does() {
    // The caller couldn't read a code: each AADSTS code it could have been is an open check.
    let mut app = tier1_escalation(&[("error.code", "unknown")], "20261125T140000Z-0012");
    let set = RunbookSet::builtin().expect("built-in library");
    let compliant = app
        .session
        .differential
        .iter()
        .find(|a| a.fact == "error.code" && a.value == "53000")
        .unwrap_or_else(|| panic!("53000 is an open check: {:?}", app.session.differential))
        .clone();
    let Some(Node::Outcome(o)) = NodeRef::parse(&compliant.outcome).and_then(|r| set.node(&r)) else {
        panic!("{} is an outcome", compliant.outcome)
    };
    let screen = screen_text(&mut app, 200, 300);
    let line = screen.lines().find(|l| l.contains("error.code = 53000")).unwrap_or_else(|| panic!("{screen}"));
    // The outcome it leads to (a compliant device), not only its class's general meaning.
    assert!(line.contains(&o.title[..o.title.len().min(60)]), "{line}\nwant: {}", o.title);
}
