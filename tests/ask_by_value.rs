//! Asking by value (contract §9.2, §9.3) through the binary: the next question is the open fact
//! with the most expected narrowing of the reachable outcomes, weighted by the priors, among every
//! fact a way on reads, not only the next node's. The runbooks are the built-ins with
//! `tests/fixtures/by_value/runbooks/triage.json` as the entry: three checks in a row (phone
//! Bluetooth, Authenticator signed in, the chooser entry), each with its own outcome.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn cli(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        .arg("--runbooks")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/by_value/runbooks"));
    c
}

/// `diagnose` on `facts` (JSON members) with `priors` (JSON members, or none): the JSON answer.
fn diagnose(home: &Path, facts: &str, priors: Option<&str>) -> Value {
    let mut c = cli(home);
    c.args(["diagnose", "--facts", "-", "--role", "tier1", "--format", "json"]);
    if let Some(p) = priors {
        let file = home.join("priors.json");
        std::fs::write(&file, format!(r#"{{"priors": {{{p}}}}}"#)).expect("priors");
        c.arg("--priors").arg(file);
    }
    let out = c.write_stdin(format!(r#"{{"facts": {{{facts}}}}}"#)).output().expect("run");
    assert!(matches!(out.status.code(), Some(0 | 3)), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn the_tree_order_when_the_outcomes_are_equally_common() {
    let home = tempfile::tempdir().expect("tmp");
    let v = diagnose(home.path(), "", None);
    assert_eq!((v["status"].as_str(), v["fact"].as_str()), (Some("needs-input"), Some("phone.bluetooth")), "{v}");
}

#[test]
fn a_common_fault_further_down_is_asked_first() {
    // A wrong chooser entry thought twenty times as common as the rest: its question comes
    // first, though the tree reads it last; and asked where the tree has it (its own node).
    let home = tempfile::tempdir().expect("tmp");
    let heavy = r#""triage#o-wrong": 20"#;
    let v = diagnose(home.path(), "", Some(heavy));
    assert_eq!(v["fact"], "picker.choice", "{v}");
    assert_eq!(v["node"], "triage#q-picker", "{v}");
    // The same inputs give the same question (§9.3).
    assert_eq!(diagnose(home.path(), "", Some(heavy))["fact"], "picker.choice");
    // Answered "work", the wrong entry is ruled out: the tree's order again.
    let v = diagnose(home.path(), r#""picker.choice": "work""#, Some(heavy));
    assert_eq!(v["fact"], "phone.bluetooth", "{v}");
    // Answered "personal", the checks before it still decide: the outcome is the same node as
    // when every fact is given up front (§9.1).
    let asked = diagnose(home.path(), r#""picker.choice": "personal""#, Some(heavy));
    assert_eq!(asked["fact"], "phone.bluetooth", "{asked}");
    let all = r#""picker.choice": "personal", "phone.bluetooth": "on", "authenticator.signed_in": "yes""#;
    assert_eq!(diagnose(home.path(), all, Some(heavy))["outcome"], "triage#o-wrong");
}

#[test]
fn a_signed_out_authenticator_thought_common_is_asked_before_bluetooth() {
    let home = tempfile::tempdir().expect("tmp");
    let v = diagnose(home.path(), "", Some(r#""triage#o-signed-out": 20"#));
    assert_eq!(v["fact"], "authenticator.signed_in", "{v}");
}
