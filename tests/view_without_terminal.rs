//! `report --view` and `readiness --view` without a terminal say so in one line (exit 2), instead
//! of an OS error from deep in the terminal setup.

use assert_cmd::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let data = tempfile::tempdir().expect("tempdir");
    let out = Command::cargo_bin("passkey-triage")
        .expect("binary")
        .env("HOME", "/nonexistent")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .arg("--data-dir")
        .arg(data.path())
        .args(args)
        .write_stdin("")
        .output()
        .expect("run");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn view_needs_a_terminal() {
    let devices = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/readiness/graph-page1.json");
    for (args, what) in [
        (vec!["readiness", "--devices", devices, "--view"], "`readiness --view` needs a terminal"),
        (vec!["report", "--view"], "`report --view` needs a terminal"),
    ] {
        let (code, err) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(what) && err.lines().count() == 1, "{args:?}: {err}");
    }
}
