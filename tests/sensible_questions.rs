//! Every question a live call puts is one the caller can answer (issue 17, item 6): it fits what
//! the call has already said. No "Where is the synced passkey saved?" once the passkey is in
//! Authenticator, no Bluetooth questions in a same-device sign-in, no chooser question while
//! registering.
//!
//! Worlds: every scenario, and each scenario again with one context fact the caller can't tell
//! (as on a real call, where "can't tell" is a common answer). Tier 1 and tier 2.

mod common;

use std::collections::BTreeMap;

use common::worlds::{MAX_QUESTIONS, scenario_worlds, tick};
use passkey_triage::engine::{Current, EngineError, Provenance, Role, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::vocab::UNKNOWN;

/// A question about `fact` needs the call to be in one of these contexts: (context fact, the
/// values it may have). The context fact may also be not known yet, or "can't tell".
const FITS: &[(&str, &str, &[&str])] = &[
    ("credential.provider", "credential.type", &["synced"]),
    ("credential.transport", "credential.type", &["security-key"]),
    ("credential.fips", "credential.type", &["security-key"]),
    ("client.app", "client.kind", &["native-app"]),
    ("client.broker", "client.kind", &["native-app"]),
    ("client.browser_version", "client.kind", &["browser"]),
    ("authenticator.signed_in", "credential.type", &["authenticator"]),
    ("authenticator.provider_enabled", "credential.type", &["authenticator"]),
    ("authenticator.provider_listed", "credential.type", &["authenticator"]),
    ("authenticator.android_profile", "credential.type", &["authenticator"]),
    ("phone.bluetooth", "flow", &["cross-device"]),
    ("desktop.bluetooth", "flow", &["cross-device"]),
    ("phone.internet", "flow", &["cross-device"]),
    ("desktop.internet", "flow", &["cross-device"]),
    ("picker.choice", "phase", &["sign-in"]),
    ("signin.key_prompt", "phase", &["sign-in"]),
];

/// Questions worded for one context: (question node, context fact, the values it is worded for).
const WORDED_FOR: &[(&str, &str, &[&str])] = &[
    // "When they get to the passkey step, is a passkey offered?" is a sign-in's question.
    ("credential-state#q-offered", "phase", &["sign-in"]),
];

/// Why asking `fact` at `node` now doesn't fit what the call knows, if it doesn't.
fn misfit(walk: &Walk, fact: &str, node: &str) -> Option<String> {
    let known = |k: &str| walk.facts.get(k).map(|f| f.value.as_str()).filter(|v| *v != UNKNOWN);
    for (asked_at, context, allowed) in WORDED_FOR {
        if *asked_at == node
            && let Some(v) = known(context)
            && !allowed.contains(&v)
        {
            return Some(format!("{node} asked with {context} = {v}"));
        }
    }
    for (asked, context, allowed) in FITS {
        if *asked == fact
            && let Some(v) = known(context)
            && !allowed.contains(&v)
        {
            return Some(format!("{fact} asked with {context} = {v}"));
        }
    }
    None
}

/// A live call (contract §5.1) that checks each question before it is answered.
fn misfits(set: &RunbookSet, world: &BTreeMap<String, String>, role: Role) -> Vec<String> {
    let mut walk = Walk::start(set, [], WalkOptions { role, ..WalkOptions::default() }, tick(0)).expect("start");
    let mut found = Vec::new();
    for i in 1..=MAX_QUESTIONS * 2 {
        let (fact, answer) = match walk.current(set) {
            Some(Current::Question(at, q)) => {
                if let Some(why) = misfit(&walk, &q.fact, &at.to_string()) {
                    found.push(why);
                }
                (Some(q.fact.clone()), world.get(&q.fact).cloned().unwrap_or_else(|| UNKNOWN.to_string()))
            }
            Some(Current::Step(..)) => (None, UNKNOWN.to_string()),
            _ => break,
        };
        match (walk.answer(set, &answer, tick(i)), fact) {
            (Ok(()), _) => {}
            (Err(EngineError::NotAnOption { .. }), Some(f)) => {
                walk.set_fact(set, &f, &answer, Provenance::Asked, tick(i)).expect("set");
            }
            (Err(e), _) => panic!("{e}"),
        }
    }
    found
}

#[test]
fn every_question_fits_what_the_call_already_said() {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let context = ["client.os_version", "credential.type", "client.kind", "flow", "phase", "client.browser"];
    let mut worlds = Vec::new();
    for w in scenario_worlds(&set) {
        for drop in context {
            if w.facts.contains_key(drop) {
                let mut fewer = w.facts.clone();
                fewer.remove(drop);
                worlds.push((format!("{} without {drop}", w.name), fewer));
            }
        }
        worlds.push((w.name.clone(), w.facts));
    }
    let mut bad = Vec::new();
    for (name, facts) in &worlds {
        for role in [Role::Tier1, Role::Tier2] {
            for why in misfits(&set, facts, role) {
                bad.push(format!("{name} ({role:?}): {why}"));
            }
        }
    }
    println!("{} worlds, each as tier 1 and tier 2", worlds.len());
    assert!(bad.is_empty(), "{} questions that don't fit the call:\n{}", bad.len(), bad.join("\n"));
}
