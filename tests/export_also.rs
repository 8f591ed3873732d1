//! Golden exports of a second fault (contract §9.6, issue 19): a call with two documented faults
//! names the second after the remediation, "Once this is fixed, … will still block", with its
//! class and source, in every format. The built-in library decides the faults, so only the
//! section about them is pinned (the rest of each export is `export_golden`'s business).

mod common;

use common::{OFFSET_MINUTES, at};
use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
use passkey_triage::export::{self, Format, Options};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::{CallInfo, Session};

/// The Authenticator is signed out and the user is in a group excluded from the passkey policy
/// (tests/scenarios/hard-16.json): the exclusion is the class, the Authenticator still blocks.
fn two_faults(set: &RunbookSet) -> Session {
    let text = std::fs::read_to_string("tests/scenarios/hard-16.json").expect("scenario");
    let world: serde_json::Value = serde_json::from_str(&text).expect("scenario JSON");
    let facts = world["facts"].as_object().expect("facts");
    let prefill =
        facts.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string(), Provenance::FactsFile));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: false };
    let walk = Walk::start(set, prefill, options, at(10, 0, 0)).expect("walk");
    let mut s =
        Session::new("20260120T100000Z-0a15".into(), CallInfo::default(), set, walk, at(10, 0, 0), OFFSET_MINUTES);
    s.refresh(set, at(10, 5, 0));
    s
}

/// The section that begins with `start`: up to the first blank line followed by a line that
/// starts another section (not indented, not a list item, not the section's own sentence).
fn section(export: &str, start: &str) -> String {
    let from = export.find(start).unwrap_or_else(|| panic!("no `{start}` in:\n{export}"));
    let rest = &export[from..];
    let mut end = rest.len();
    let mut at = start.len();
    while let Some(i) = rest[at..].find("\n\n") {
        let next = &rest[at + i + 2..];
        if !(next.starts_with(' ') || next.starts_with('-') || next.starts_with("Once")) {
            end = at + i;
            break;
        }
        at += i + 2;
    }
    rest[..end].trim_end().to_string()
}

#[test]
fn the_second_fault_is_named_after_the_remediation_in_every_format() {
    let set = RunbookSet::builtin().expect("built-in set");
    let s = two_faults(&set);
    let outcome = s.outcome.as_ref().expect("classified");
    assert_eq!(outcome.class, "policy.method-not-enabled");
    assert_eq!(
        s.also.iter().map(|a| a.class.as_str()).collect::<Vec<_>>(),
        ["authenticator.signed-out"],
        "the known second fault"
    );

    let text = export::render(&s, Format::Text, Options { redact: false });
    let markdown = export::render(&s, Format::Markdown, Options { redact: false });
    let json: serde_json::Value =
        serde_json::from_str(&export::render(&s, Format::Json, Options { redact: false })).expect("JSON export");

    // After the remediation, in the text and Markdown exports.
    assert!(text.find("REMEDIATION") < text.find("STILL BLOCKING"), "{text}");
    assert!(markdown.find("## Remediation") < markdown.find("## Still blocking"), "{markdown}");
    insta::assert_snapshot!("also_text", section(&text, "STILL BLOCKING"));
    insta::assert_snapshot!("also_markdown", section(&markdown, "## Still blocking"));
    insta::assert_snapshot!("also_json", serde_json::to_string_pretty(&json["also"]).unwrap_or_default());
}

#[test]
fn one_fault_names_no_second() {
    let set = RunbookSet::builtin().expect("built-in set");
    let mut s = two_faults(&set);
    // The same world with the Authenticator signed in: only the exclusion.
    let facts: Vec<(String, String, Provenance)> = s
        .walk
        .facts
        .iter()
        .filter(|(_, f)| f.provenance == Provenance::FactsFile)
        .map(|(k, f)| {
            let v = match k.as_str() {
                "authenticator.signed_in" => "yes".to_string(),
                "device.passkey_offered" => "yes".to_string(),
                _ => f.value.clone(),
            };
            (k.clone(), v, Provenance::FactsFile)
        })
        .collect();
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: false };
    s.walk = Walk::start(&set, facts, options, at(10, 0, 0)).expect("walk");
    s.refresh(&set, at(10, 5, 0));
    assert!(s.also.is_empty(), "{:?}", s.also);
    for f in [Format::Text, Format::Markdown, Format::Json] {
        let out = export::render(&s, f, Options { redact: false });
        assert!(!out.contains("will still block") && !out.contains("\"also\""), "{out}");
    }
}

#[test]
fn diagnose_json_lists_the_second_fault_as_the_contract_says() {
    let set = RunbookSet::builtin().expect("built-in set");
    let text = std::fs::read_to_string("tests/scenarios/hard-16.json").expect("scenario");
    let world: serde_json::Value = serde_json::from_str(&text).expect("scenario JSON");
    let mut facts: Vec<(String, String)> = world["facts"]
        .as_object()
        .expect("facts")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let (_, report) =
        passkey_triage::diagnose::diagnose(&set, &facts, true, Role::Tier2, at(10, 0, 0)).expect("diagnose");
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["class"], "policy.method-not-enabled");
    assert_eq!(
        json["also"],
        serde_json::json!([{"class": "authenticator.signed-out", "outcome": "authenticator#o-signed-out"}])
    );
    // Phone Bluetooth off is no fault of a same-device sign-in: not a second fault.
    facts.push(("phone.bluetooth".into(), "off".into()));
    let (_, report) =
        passkey_triage::diagnose::diagnose(&set, &facts, true, Role::Tier2, at(10, 0, 0)).expect("diagnose");
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["also"].as_array().map(Vec::len), Some(1), "{}", json["also"]);
    // One fault: no `also` at all.
    for (k, v) in facts.iter_mut() {
        if k == "policy.passkey_method" {
            *v = "enabled-for-user".into();
        }
    }
    let (_, report) =
        passkey_triage::diagnose::diagnose(&set, &facts, true, Role::Tier2, at(10, 0, 0)).expect("diagnose");
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["class"], "authenticator.signed-out");
    assert!(json.get("also").is_none(), "{json}");
}
