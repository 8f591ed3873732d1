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
fn resume_says_it_is_not_available_yet() {
    let (mut cmd, _t) = wizard();
    cmd.arg("--runbooks").arg(fixtures().join("wizard")).arg("--resume");
    cmd.assert().code(2).stderr(predicate::str::contains("--resume is not available yet"));
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
