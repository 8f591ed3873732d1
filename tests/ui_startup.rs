//! Start-up errors are reported in the normal terminal (never after raw mode) with exit code 2.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn wizard() -> (Command, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("passkey-triage").expect("binary");
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", tmp.path().join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", tmp.path().join("data"));
    (cmd, tmp)
}

#[test]
fn a_broken_runbook_is_reported_before_raw_mode() {
    let (mut cmd, _tmp) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard-bad"));
    cmd.assert()
        .code(2)
        .stdout(predicate::str::contains("\u{1b}[?1049h").not())
        .stderr(predicate::str::contains("wizard-bad/triage.json:7:").and(predicate::str::contains("invalid JSON")));
}

#[test]
fn a_bad_facts_file_is_reported_with_its_place() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let facts = tmp.path().join("facts.json");
    std::fs::write(&facts, "{\"facts\": {\"flow\": \"sideways\"}}").expect("write");
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).arg("--facts").arg(&facts);
    cmd.assert().code(2).stderr(predicate::str::contains("facts.json:1:").and(predicate::str::contains("sideways")));
}

#[test]
fn a_missing_facts_file_is_reported() {
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).arg("--facts").arg("/nonexistent/facts.json");
    cmd.assert().code(2).stderr(predicate::str::contains("cannot read"));
}

#[test]
fn resume_with_nothing_to_resume_says_so() {
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).arg("--resume");
    cmd.assert()
        .code(2)
        .stdout(predicate::str::contains("\u{1b}[?1049h").not())
        .stderr(predicate::str::contains("no unfinished session in").and(predicate::str::contains("sessions")));
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).args(["--resume", "20260101T000000Z-beef"]);
    cmd.assert().code(2).stderr(predicate::str::contains("no session `20260101T000000Z-beef`"));
}

#[test]
fn resume_of_a_corrupt_session_file_names_it_and_leaves_it() {
    let (mut cmd, tmp) = wizard();
    let dir = tmp.path().join("data/sessions");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let bad = dir.join("20260101T000000Z-dead.json");
    std::fs::write(&bad, b"{\"format\": 1, \"id\": \"2026").expect("write");
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).args(["--resume", "20260101T000000Z-dead"]);
    cmd.assert().code(2).stderr(
        predicate::str::contains("20260101T000000Z-dead.json: truncated session file")
            .and(predicate::function(|s: &str| s.lines().count() == 1)),
    );
    assert_eq!(std::fs::read(&bad).expect("still there"), b"{\"format\": 1, \"id\": \"2026");
}

#[test]
fn resume_conflicts_with_a_facts_file() {
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).args(["--resume", "x", "--facts", "f.json"]);
    cmd.assert().code(2).stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn without_a_terminal_it_points_to_diagnose() {
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard"));
    cmd.assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("the wizard needs a terminal").and(predicate::str::contains("diagnose")));
}
