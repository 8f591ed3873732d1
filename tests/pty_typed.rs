//! Issue 21 at 80×24 in a real pseudo-terminal, on the built-in library: a typed app name takes
//! the listed app, a Windows release name classifies as its build, a stray digit on a version
//! line is refused in place, and ←/q on an empty typed line go back and quit.
#![cfg(unix)]

mod pty_support;

use pty_support::{DOWN, ENTER, LEFT, Pty, command};

const ROWS: u16 = 24;
const COLS: u16 = 80;

/// The wizard on the built-in library with `facts` pre-answered, in its own config and data folders.
struct Call {
    pty: Pty,
    _dirs: (tempfile::TempDir, tempfile::TempDir, tempfile::TempDir),
}

impl Call {
    fn start(facts: &str) -> Self {
        let (config, data, tmp) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let file = tmp.path().join("facts.json");
        std::fs::write(&file, facts).unwrap();
        let mut cmd = command();
        cmd.args(["--ticket", "INC-21", "--agent", "Sam Agent", "--facts"]);
        cmd.arg(&file);
        cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", config.path());
        cmd.env("PASSKEY_TRIAGE_DATA_DIR", data.path());
        Self { pty: Pty::spawn(cmd, ROWS, COLS), _dirs: (config, data, tmp) }
    }
}

const NATIVE_WINDOWS: &str = r#"{"facts": {"phase": "sign-in", "client.kind": "native-app", "client.os": "windows",
  "credential.type": "security-key", "flow": "same-device", "client.os_version": "10.0.22631",
  "credential.transport": "usb"}}"#;

#[test]
fn sharepoint_typed_takes_the_listed_powershell_module() {
    let mut c = Call::start(NATIVE_WINDOWS);
    c.pty.wait_for("Which app were they using when it failed?");
    // The header keeps the agent's name at 80 columns.
    c.pty.wait_for("Agent Sam Agent");
    c.pty.send("sharepoint");
    c.pty.wait_for("Matches (Enter takes 1");
    c.pty.wait_for("1 SharePoint Online PowerShell");
    c.pty.send(ENTER);
    c.pty.wait_for("\"sharepoint\" → SharePoint Online PowerShell.");
    c.pty.send("f");
    c.pty.wait_for("client.app = sharepoint-online-powershell");
    c.pty.kill();
}

#[test]
fn a_long_list_filters_and_a_digit_picks_after_down() {
    let mut c = Call::start(NATIVE_WINDOWS);
    c.pty.wait_for("Which app were they using when it failed?");
    c.pty.send("powershell");
    c.pty.wait_for("3 Microsoft Graph PowerShell");
    let screen = c.pty.screen();
    assert!(!screen.contains("1 Outlook"), "{screen}");
    c.pty.send(DOWN);
    c.pty.send("3");
    // The next question (the AADSTS code) is typed: ↓ leaves its line, then f opens the facts.
    c.pty.wait_for("Does the error screen show a code");
    c.pty.send(DOWN);
    c.pty.send("f");
    c.pty.wait_for("client.app = graph-powershell");
    c.pty.kill();
}

#[test]
fn windows_1809_classifies_as_build_17763() {
    let mut c = Call::start(
        r#"{"facts": {"phase": "sign-in", "client.kind": "native-app", "client.os": "windows",
          "credential.type": "security-key", "flow": "same-device", "client.app": "outlook",
          "client.broker": "installed", "credential.transport": "usb"}}"#,
    );
    c.pty.wait_for("Which version of the operating system");
    c.pty.send("1809");
    c.pty.send(ENTER);
    c.pty.wait_for("unsupported-client.os-version");
    c.pty.wait_for("client.os_version Windows 10 1809");
    c.pty.wait_for("(build 17763) is below Windows 10 1903 (build");
    // The step says it as the caller reads winver.
    c.pty.wait_for("in use is Windows 10");
    c.pty.wait_for("Windows 10 1903 (build 18362) or later.");
    c.pty.kill();
}

#[test]
fn left_and_q_on_an_empty_typed_line() {
    // A Mac: there the key's transport matters (on Windows every transport works: not asked).
    let mut c = Call::start(
        r#"{"facts": {"phase": "sign-in", "client.kind": "native-app", "client.os": "macos",
          "credential.type": "security-key", "flow": "same-device", "client.app": "outlook",
          "client.broker": "installed"}}"#,
    );
    c.pty.wait_for("How does the security key connect");
    c.pty.send("1");
    c.pty.wait_for("Which version of the operating system");
    c.pty.wait_for("← back");
    c.pty.wait_for("q quit");
    // With text, ← moves the cursor: still the same question.
    c.pty.send("18");
    c.pty.send(LEFT);
    c.pty.send("x");
    c.pty.wait_for("> 1x8");
    c.pty.send("\x1b[F\x7f\x7f\x7f");
    c.pty.wait_for("Enter can't tell");
    c.pty.send(LEFT);
    c.pty.wait_for("Back one question");
    c.pty.wait_for("How does the security key connect");
    c.pty.send("1");
    c.pty.wait_for("Which version of the operating system");
    c.pty.send("q");
    assert_eq!(c.pty.wait_exit(), 0);
    c.pty.assert_restored();
}

/// Tier 2 continuing a package reaches an escalating outcome (issue 21): the banner says what
/// tier 2 does next, never "ESCALATE TO TIER 2", and `t` ("to tier 2") is not offered.
#[test]
fn tier2_outcome_says_what_tier2_does_next() {
    let (config, data, tmp) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PASSKEY_TRIAGE_CONFIG_DIR", config.path())
            .env("PASSKEY_TRIAGE_DATA_DIR", data.path())
            .output()
            .expect("run passkey-triage");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let tier1 = tmp.path().join("tier1.json");
    let package = tmp.path().join("package.json");
    let (tier1, package) = (tier1.to_str().unwrap(), package.to_str().unwrap());
    run(&[
        "diagnose",
        "--facts",
        "tests/scenarios/call-23.json",
        "--role",
        "tier1",
        "--assume-unknown",
        "--session-out",
        tier1,
    ]);
    run(&["export", tier1, "--format", "json", "--out", package]);
    let mut cmd = command();
    cmd.args(["open", package, "--agent", "Tia"]);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", config.path());
    cmd.env("PASSKEY_TRIAGE_DATA_DIR", data.path());
    let mut t2 = Pty::spawn(cmd, ROWS, COLS);
    t2.wait_for(" Question ");
    // Every open check stays unknown (Enter takes the highlighted earlier answer).
    for _ in 0..20 {
        if t2.screen().contains("┌ Outcome") {
            break;
        }
        let before = t2.screen();
        t2.send(ENTER);
        let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while t2.screen() == before && std::time::Instant::now() < end {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    let screen = t2.wait_for("TIER 2 NEXT");
    assert!(screen.contains("Class unclassified"), "{screen}");
    assert!(!screen.contains("ESCALATE TO TIER 2 !!"), "{screen}");
    assert!(!screen.contains("t to tier 2"), "{screen}");
    // The reason and the whole collect list come before the steps.
    assert!(screen.contains("Reason:") && screen.contains("Tier 1 was to collect"), "{screen}");
    assert!(!screen.contains("(more below)"), "{screen}");
    t2.kill();
}
