//! `lint --scenarios`: a desk runs its golden scenarios (contract §4) against its runbooks, as
//! `diagnose --assume-unknown` would walk them, and a scenario that misses its class is a finding.

use assert_cmd::Command;

fn lint(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("passkey-triage")
        .expect("binary")
        .env("HOME", "/nonexistent")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .arg("lint")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_built_in_scenarios_pass_and_a_wrong_expectation_is_named() {
    let (code, out, err) = lint(&["--scenarios", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios")]);
    assert_eq!(code, Some(0), "{out}{err}");
    let dir = tempfile::tempdir().expect("tempdir");
    let wrong = dir.path().join("wrong.json");
    std::fs::write(
        &wrong,
        r#"{"name": "Firefox on Android with an Authenticator passkey",
            "facts": {"credential.type": "authenticator", "client.browser": "firefox", "client.os": "android"},
            "expect": {"class": "cross-device.phone-bluetooth-off"}}"#,
    )
    .expect("write");
    std::fs::write(dir.path().join("no-expect.json"), r#"{"facts": {"phase": "sign-in"}}"#).expect("write");
    let (code, out, _) = lint(&["--scenarios", &dir.path().display().to_string()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("wrong.json: error[scenario]: expected `cross-device.phone-bluetooth-off`, reached `unsupported-client.browser`"),
        "{out}"
    );
    assert!(out.contains("no-expect.json: error[scenario]: no `expect.class`"), "{out}");
}

#[test]
fn a_scenario_folder_that_cannot_be_read_is_an_io_error() {
    let (code, _, err) = lint(&["--scenarios", "/nonexistent/scenarios"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
