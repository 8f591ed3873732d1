//! Shared fixtures for the session and export tests: a small runbook set of our own
//! (`tests/fixtures/sessions/`, with its own matrix, so snapshots don't move when the built-in
//! library changes) and sessions walked with a fixed clock. [`worlds`]: the scenario files as
//! worlds, and live calls over the built-in library.
#![allow(dead_code)]

pub mod worlds;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use passkey_triage::engine::{Provenance, Walk, WalkOptions};
use passkey_triage::runbook::load::{parse_json, read_runbook_file};
use passkey_triage::runbook::{Origin, RunbookSet, SourceFile};
use passkey_triage::session::{CallInfo, Session};

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sessions")
}

/// The binary with its config and data folders under `home` and the fixture runbooks added.
pub fn fixture_cli(home: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        .arg("--runbooks")
        .arg(fixture_dir());
    c
}

/// The fixture runbooks and matrix only (no built-ins).
pub fn fixture_set() -> RunbookSet {
    let dir = fixture_dir();
    let rbs = ["triage.json", "auth.json"]
        .iter()
        .map(|f| read_runbook_file(&dir.join(f)).unwrap_or_else(|e| panic!("fixture {f}: {e}")))
        .collect();
    let mpath = dir.join("matrix/compat-matrix.json");
    let text = std::fs::read_to_string(&mpath).expect("fixture matrix");
    let file = Arc::new(SourceFile::new(Origin::File(mpath), text));
    let matrix = parse_json(&file).unwrap_or_else(|e| panic!("fixture matrix: {e}"));
    RunbookSet::new(rbs, matrix, file)
}

/// 2026-01-20 at h:m:s UTC.
pub fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 20, h, m, s).single().expect("valid time")
}

pub const OFFSET_MINUTES: i32 = 60;

/// One wizard step: answer, then refresh (status, end time, checklist), as the wizard does.
pub fn step(s: &mut Session, set: &RunbookSet, answer: &str, t: DateTime<Utc>) {
    s.walk.answer(set, answer, t).unwrap_or_else(|e| panic!("answer {answer}: {e}"));
    s.refresh(set, t);
}

/// A tier-1 call that ends escalated: a facts-file fact, asked questions (one typed), a step,
/// a route into a second runbook, notes with personal data, one remediation step ticked.
pub fn escalated_session(set: &RunbookSet) -> Session {
    let prefill = vec![("user.upn".to_string(), "jane.doe@contoso.com".to_string(), Provenance::FactsFile)];
    let walk = Walk::start(set, prefill, WalkOptions::default(), at(14, 2, 0)).expect("start");
    let call = CallInfo {
        ticket: Some("INC0012345".into()),
        agent: Some("Ana Agent".into()),
        user: Some("jane.doe@contoso.com".into()),
    };
    let mut s = Session::new("20260120T140200Z-3f2a".into(), call, set, walk, at(14, 2, 0), OFFSET_MINUTES);
    step(&mut s, set, "sign-in", at(14, 2, 31));
    step(&mut s, set, "DESKTOP-7QK2M1P", at(14, 3, 5));
    step(&mut s, set, "authenticator", at(14, 3, 40));
    step(&mut s, set, "yes", at(14, 4, 12));
    step(&mut s, set, "failed", at(14, 6, 0));
    step(&mut s, set, "unknown", at(14, 7, 15));
    s.toggle_step(0, at(14, 8, 2));
    s.notes = "User jane.doe@contoso.com calls from 10.20.30.40 (VPN 2001:db8::17) on DESKTOP-7QK2M1P.\n\
               Her phone is Jane's iPhone; jdoe also tried CONTOSO\\jdoe on the web.\n\n\
               Correlation id 5f1c2c9e-8d7a-4b7e-9a51-0c7f3e2d1a00, failed at 13:58 UTC."
        .into();
    s
}

/// A call fixed on the call (resolved), one remediation step ticked; agent at UTC-5.
pub fn resolved_session(set: &RunbookSet) -> Session {
    let walk = Walk::start(set, Vec::new(), WalkOptions::default(), at(9, 0, 0)).expect("start");
    let call = CallInfo {
        ticket: Some("REQ-77".into()),
        agent: Some("Bo".into()),
        user: Some("bo.user@fabrikam.example".into()),
    };
    let mut s = Session::new("20260120T090000Z-0001".into(), call, set, walk, at(9, 0, 0), -300);
    step(&mut s, set, "sign-in", at(9, 0, 20));
    step(&mut s, set, "unknown", at(9, 0, 40));
    step(&mut s, set, "authenticator", at(9, 1, 0));
    step(&mut s, set, "yes", at(9, 1, 30));
    step(&mut s, set, "worked", at(9, 4, 0));
    s.toggle_step(0, at(9, 4, 30));
    s
}

/// A call still open at the credential question; no ticket; agent at UTC+5:30.
pub fn open_session(set: &RunbookSet) -> Session {
    let walk = Walk::start(set, Vec::new(), WalkOptions::default(), at(16, 0, 0)).expect("start");
    let mut s = Session::new("20260120T160000Z-00ff".into(), CallInfo::default(), set, walk, at(16, 0, 0), 330);
    step(&mut s, set, "sign-in", at(16, 0, 30));
    step(&mut s, set, "unknown", at(16, 1, 0));
    s
}

/// Text that tries every terminal trick.
pub const HOSTILE: &str = "evil\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m\r\u{202e}drow\u{0}\u{7f}end";

/// call-23 as a caller tells it (a security key refused by a key restriction tier 1 can't see):
/// the answers of the escalated golden notes and of the open-checks tests.
pub const CALL_23_FACTS: [(&str, &str); 11] = [
    ("phase", "sign-in"),
    ("flow", "same-device"),
    ("client.kind", "browser"),
    ("client.os", "windows"),
    ("client.os_version", "10.0.22631"),
    ("client.browser", "edge"),
    ("credential.type", "security-key"),
    ("credential.transport", "usb"),
    ("device.passkey_offered", "yes"),
    ("entra.passkey_registered", "yes"),
    ("picker.choice", "work"),
];
