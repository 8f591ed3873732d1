//! `readiness --view` end to end in a pseudo-terminal at 80×24 (output parsed by `vt100`): the
//! dashboard over the sample estate, Tab to the blockers, q restores the terminal. No timing
//! assertions: each wait has a deadline.
#![cfg(unix)]

mod pty_support;

use pty_support::Pty;

#[test]
fn the_dashboard_in_a_terminal_then_q() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fixture = |f: &str| format!("{}/tests/readiness/{f}", env!("CARGO_MANIFEST_DIR"));
    let mut cmd = pty_support::command();
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", tmp.path().join("config"));
    cmd.env("PASSKEY_TRIAGE_DATA_DIR", tmp.path());
    cmd.args(["readiness", "--view", "--devices", &fixture("graph-page1.json"), "--devices"]);
    cmd.args([&fixture("graph-page2.json"), "--devices", &fixture("intune-export.csv")]);
    cmd.args(["--signin-log", &fixture("signins-graph.json")]);
    let mut d = Pty::spawn(cmd, 24, 80);
    d.wait_for("15 devices, 8 users");
    d.wait_for("▶ Results");
    d.wait_for("OS version missing on 2 devices");
    d.send("\t");
    d.wait_for("▶ Blockers");
    d.send("q");
    assert_eq!(d.wait_exit(), 0);
    d.assert_restored();
}
