//! The binary as a user runs it: `diagnose --session-out`, `sessions`, `open`.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;
use passkey_triage::session::{Session, Status};
use predicates::prelude::*;

/// The binary with isolated config and data folders and the fixture runbooks.
fn cmd(home: &Path) -> Command {
    fixture_cli(home)
}

fn facts(home: &Path, json: &str) -> std::path::PathBuf {
    let p = home.join("facts.json");
    std::fs::write(&p, json).expect("facts");
    p
}

#[test]
fn diagnose_session_out_writes_a_complete_session() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = facts(
        tmp.path(),
        r#"{"facts": {"phase": "sign-in", "device.name": "LAPTOP-99XY", "credential.type": "authenticator",
            "authenticator.signed_in": "yes", "user.upn": "jane@contoso.com"}}"#,
    );
    let out = tmp.path().join("out/session.json");
    let assert = cmd(tmp.path())
        .args(["diagnose", "--ticket", "INC-9", "--agent", "Ana", "--user", "jane@contoso.com", "--facts"])
        .arg(&f)
        .arg("--session-out")
        .arg(&out)
        .assert()
        .success();
    // stdout is still the contract's JSON report.
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("report");
    assert_eq!(report["status"], "classified");
    assert_eq!(report["class"], "unclassified");

    let s: Session = serde_json::from_slice(&std::fs::read(&out).expect("session file")).expect("session");
    assert_eq!(s.format, 1);
    assert_eq!(s.ticket.as_deref(), Some("INC-9"));
    assert_eq!(s.agent.as_deref(), Some("Ana"));
    assert_eq!(s.user.as_deref(), Some("jane@contoso.com"));
    assert_eq!(s.status, Status::Escalated);
    assert_eq!(s.class_name(), Some("unclassified"));
    assert!(s.ended_at.is_some());
    assert_eq!(s.walk.facts["phase"].provenance, passkey_triage::engine::Provenance::FactsFile);
    assert!(s.runbooks.runbooks.iter().any(|r| r.id == "auth"));
    assert!(passkey_triage::session::is_valid_id(&s.id));
    // Only the session file in that folder: no temporary files left.
    assert_eq!(std::fs::read_dir(tmp.path().join("out")).expect("dir").count(), 1);

    // The file can be exported directly by path.
    cmd(tmp.path())
        .arg("export")
        .arg(&out)
        .args(["--format", "text"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Ticket:   INC-9").and(predicate::str::contains("Agent:    Ana")));

    // Text and Markdown reports name the call; a second run replaces the session file atomically.
    cmd(tmp.path())
        .args(["diagnose", "--format", "text", "--ticket", "INC-9", "--facts"])
        .arg(&f)
        .arg("--session-out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Ticket: INC-9\n"));
    assert_eq!(std::fs::read_dir(tmp.path().join("out")).expect("dir").count(), 1);
}

#[test]
fn diagnose_session_out_needs_input_and_agent_from_config() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("config")).expect("mkdir");
    std::fs::write(tmp.path().join("config/config.toml"), "agent = \"Config Agent\"\n").expect("config");
    let f = facts(tmp.path(), r#"{"facts": {"phase": "sign-in"}}"#);
    let out = tmp.path().join("s.json");
    cmd(tmp.path()).args(["diagnose", "--facts"]).arg(&f).arg("--session-out").arg(&out).assert().code(3);
    let s: Session = serde_json::from_slice(&std::fs::read(&out).expect("file")).expect("session");
    assert_eq!(s.status, Status::Open);
    assert_eq!(s.agent.as_deref(), Some("Config Agent"));
    assert_eq!(s.walk.position.node().to_string(), "triage#q-device");

    // An unwritable destination is a clear error (exit 2), not a panic.
    cmd(tmp.path())
        .args(["diagnose", "--facts"])
        .arg(&f)
        .arg("--session-out")
        .arg(f.join("below-a-file.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write session"));
}

#[test]
fn sessions_lists_newest_first_and_reports_corrupt_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let set = fixture_set();
    let journal = passkey_triage::session::journal::Journal::at(tmp.path().join("data/sessions"));
    for s in [resolved_session(&set), escalated_session(&set), open_session(&set)] {
        journal.save(&s).expect("save");
    }
    let bad = tmp.path().join("data/sessions/20260121T000000Z-dead.json");
    std::fs::write(&bad, b"{\"format\": 1, \"id\": \"20260121T0").expect("write");

    let a = cmd(tmp.path()).arg("sessions").assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).expect("utf8");
    let err = String::from_utf8(a.get_output().stderr.clone()).expect("utf8");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID ") && lines[0].contains("TICKET") && lines[0].ends_with("AGE"), "{out}");
    assert!(lines[1].starts_with("20260120T160000Z-00ff") && lines[1].contains("open"), "{out}");
    assert!(lines[2].contains("INC0012345") && lines[2].contains("escalated") && lines[2].contains("unclassified"));
    assert!(lines[2].contains("jane.doe@contoso.com") && lines[2].contains("2026-01-20 14:02"));
    assert!(lines[3].contains("REQ-77") && lines[3].contains("resolved"), "{out}");
    assert_eq!(lines.len(), 4);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("20260121T000000Z-dead.json") && err.contains("truncated"), "{err}");

    let a = cmd(tmp.path()).args(["sessions", "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).expect("json");
    let ids: Vec<&str> = v["sessions"].as_array().expect("array").iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, ["20260120T160000Z-00ff", "20260120T140200Z-3f2a", "20260120T090000Z-0001"]);
    let s1 = &v["sessions"][1];
    assert_eq!(s1["ticket"], "INC0012345");
    assert_eq!(s1["user"], "jane.doe@contoso.com");
    assert_eq!(s1["status"], "escalated");
    assert_eq!(s1["class"], "unclassified");
    assert_eq!(s1["started"], "2026-01-20T14:02:00Z");
    assert!(s1["age_seconds"].as_i64().is_some());
    assert_eq!(v["skipped"][0]["file"].as_str().map(|f| f.ends_with("20260121T000000Z-dead.json")), Some(true));
    // The corrupt file is untouched.
    assert_eq!(std::fs::read(&bad).expect("bad"), b"{\"format\": 1, \"id\": \"20260121T0");
}

#[test]
fn sessions_with_no_folder_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    cmd(tmp.path()).arg("sessions").assert().success().stdout(predicate::str::starts_with("No sessions yet"));
    cmd(tmp.path())
        .args(["sessions", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"sessions\": []"));
}

#[test]
fn open_continues_a_package_as_a_new_linked_session() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let set = fixture_set();
    let tier1 = escalated_session(&set);
    let pkg = tmp.path().join("INC0012345.json");
    std::fs::write(
        &pkg,
        passkey_triage::export::render(&tier1, passkey_triage::export::Format::Json, Default::default()),
    )
    .expect("write");
    let a = cmd(tmp.path()).arg("open").arg(&pkg).args(["--agent", "Tia"]).assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).expect("utf8");
    assert!(out.contains("tier-1 session  20260120T140200Z-3f2a"), "{out}");
    assert!(out.contains("6 questions and steps; tier 2 can go back to any question"), "{out}");
    assert!(out.contains("journaled to"), "{out}");

    let journal = passkey_triage::session::journal::Journal::at(tmp.path().join("data/sessions"));
    let (list, corrupt) = journal.list();
    assert!(corrupt.is_empty());
    assert_eq!(list.len(), 1);
    let s = journal.load(&list[0].id).expect("load");
    assert_eq!(s.continued_from.as_deref(), Some("20260120T140200Z-3f2a"));
    assert_eq!(s.agent.as_deref(), Some("Tia"));
    assert_eq!(s.walk.path, tier1.walk.path);
    assert_eq!(s.notes, tier1.notes);
    assert!(s.walk.facts.values().all(|f| f.via.as_deref() == Some("tier-1 session 20260120T140200Z-3f2a")));
    assert!(out.contains(&format!("passkey-triage --resume {}", s.id)), "{out}");

    // --print does the same explicitly (here stdout is not a terminal anyway): a second,
    // separate continuation.
    let a = cmd(tmp.path()).arg("open").arg(&pkg).arg("--print").assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).expect("utf8");
    assert!(out.contains("Continue it with: passkey-triage --resume "), "{out}");
    assert_eq!(journal.list().0.len(), 2);

    // A file that is not a package: exit 2 with the path, nothing journaled.
    let junk = tmp.path().join("junk.json");
    std::fs::write(&junk, "not json").expect("write");
    cmd(tmp.path()).arg("open").arg(&junk).assert().code(2).stderr(predicate::str::contains("junk.json"));
    assert_eq!(journal.list().0.len(), 2);
}
