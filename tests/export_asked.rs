//! Every question put on the call is in the notes: an answer the final path doesn't read (asked
//! ahead of the tree and made moot by a later one, or kept from a phase the agent changed) is
//! listed apart under "Also asked" (a usability run, 6 December 2026: the question path left
//! such a question out, and tier 2 saw one question too few).

mod common;

use common::{OFFSET_MINUTES, at};
use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
use passkey_triage::export::{self, Format, Options};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::{CallInfo, Session};

/// A QR-code sign-in with the phone's Bluetooth off, where the caller was also asked which
/// passkey they picked (`extra`: asked, never read on the way to the Bluetooth outcome).
fn call(set: &RunbookSet, extra: &[(&str, &str)]) -> Session {
    let given = [
        ("credential.type", "authenticator"),
        ("client.browser", "edge"),
        ("client.os", "windows"),
        ("phone.bluetooth", "off"),
    ];
    let prefill = given.iter().chain(extra).map(|(k, v)| (k.to_string(), v.to_string(), Provenance::Asked));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier1, ask_all: false };
    let walk = Walk::start(set, prefill, options, at(10, 0, 0)).expect("walk");
    let mut s =
        Session::new("20260120T100000Z-0a16".into(), CallInfo::default(), set, walk, at(10, 0, 0), OFFSET_MINUTES);
    s.refresh(set, at(10, 5, 0));
    s
}

#[test]
fn an_answer_off_the_final_path_is_listed_apart() {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let s = call(&set, &[("picker.choice", "personal")]);
    assert!(!s.walk.path.iter().any(|p| p.fact.as_deref() == Some("picker.choice")), "off the path");
    let text = export::render_with(&s, Format::Text, Options::default(), Some(&set));
    let section = text.split("ALSO ASKED ON THE CALL").nth(1).unwrap_or_default();
    assert!(section.lines().nth(1).is_some_and(|l| l.contains("picker.choice = ")), "{text}");
    let md = export::render_with(&s, Format::Markdown, Options::default(), Some(&set));
    assert!(md.contains("## Also asked on the call") && md.contains("`picker.choice`"), "{md}");
    // Every answer on the path: no such section.
    let s = call(&set, &[]);
    let text = export::render_with(&s, Format::Text, Options::default(), Some(&set));
    assert!(!text.contains("ALSO ASKED"), "{text}");
}
