//! End to end in a pseudo-terminal (output parsed by `vt100`): `report --view` with the wizard's
//! terminal hygiene (alternate screen, restored on q, signals and panics), and the wizard's key
//! that puts an escalation in the tier-2 queue. No timing assertions: each wait has a deadline
//! (10 s, 30 s when `CI` is set).
#![cfg(unix)]

mod pty_support;

use std::path::Path;

use pty_support::Pty;

const ROWS: u16 = 30;
const COLS: u16 = 100;

/// `passkey-triage ARGS` with config, data and queue folders under `data`.
fn spawn(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Pty {
    let mut cmd = pty_support::command();
    cmd.args(args);
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", data.join("config"));
    cmd.env("PASSKEY_TRIAGE_DATA_DIR", data);
    cmd.env("PASSKEY_TRIAGE_QUEUE_DIR", data.join("queue"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    Pty::spawn(cmd, ROWS, COLS)
}

fn data() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    passkey_triage::report::synthetic::write_sessions(&tmp.path().join("sessions"), 2100, 500).expect("sessions");
    tmp
}

#[test]
fn keys_then_q_restores_the_terminal() {
    let tmp = data();
    let mut d = spawn(tmp.path(), &["report", "--view"], &[]);
    d.wait_for("2100 session(s), all dates");
    d.wait_for("2026-W04 (from 2026-01-19)");
    d.wait_for("Classes (8)");
    d.wait_for("Sessions per week");
    d.send("\x1b[D");
    d.wait_for("2026-W03 (from 2026-01-12)");
    d.send("\t");
    d.send("q");
    assert_eq!(d.wait_exit(), 0);
    d.assert_restored();
}

#[test]
fn signals_and_panics_restore_the_terminal() {
    let tmp = data();
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let mut d = spawn(tmp.path(), &["report", "--view"], &[]);
        d.wait_for("Classes (8)");
        let pid = d.pid().expect("pid").to_string();
        let status = std::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
        assert!(status.success());
        assert_eq!(d.wait_exit(), code, "SIG{signal}");
        d.assert_restored();
    }
    let mut d =
        spawn(tmp.path(), &["report", "--view"], &[("PASSKEY_TRIAGE_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")]);
    assert_eq!(d.wait_exit(), 101);
    d.assert_restored();
    d.wait_for("test panic requested");
}

#[test]
fn the_wizard_puts_an_escalation_in_the_queue_with_one_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let runbooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wizard");
    let runbooks = runbooks.to_str().expect("utf-8 path");
    let mut w = spawn(tmp.path(), &["--runbooks", runbooks, "--ticket", "INC-Q1", "--agent", "Ana"], &[]);
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("1");
    w.wait_for("Which error code does the sign-in page show?");
    w.send("\x1b[B");
    w.send("\r");
    w.wait_for("ESCALATE TO TIER 2");
    w.wait_for("to tier 2");
    w.send("t");
    w.wait_for("Queued for tier 2:");
    w.send("q");
    assert_eq!(w.wait_exit(), 0);
    w.assert_restored();
    let queued: Vec<_> = std::fs::read_dir(tmp.path().join("queue"))
        .expect("the queue folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&queued[0]).expect("package")).expect("json");
    assert_eq!(package["ticket"], "INC-Q1");
    assert_eq!(package["status"], "escalated");
    w.wait_for("Queued for tier 2:");
}
