//! End to end: the real binary in a pseudo-terminal, its output parsed by `vt100`, the screen
//! polled until a deadline (10 s, 30 s when `CI` is set). No timing assertions: a test waits
//! for what it expects and fails with the last screen when it doesn't come.
#![cfg(unix)]

mod pty_support;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pty_support::{Pty, command, contains, deadline};

const ROWS: u16 = 30;
const COLS: u16 = 100;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A user's config and data folders, kept across runs of the binary.
struct Home {
    config: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self { config: tempfile::tempdir().expect("temp dir"), data: tempfile::tempdir().expect("temp dir") }
    }

    /// Runs a command (not in a pty) with these folders; its stdout.
    fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
            .arg("--runbooks")
            .arg(fixtures().join("wizard"))
            .args(args)
            .env("PASSKEY_TRIAGE_CONFIG_DIR", self.config.path())
            .env("PASSKEY_TRIAGE_DATA_DIR", self.data.path())
            .output()
            .expect("run passkey-triage");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// `sessions --format json`, newest first.
    fn sessions(&self) -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(&self.run(&["sessions", "--format", "json"])).expect("json");
        v["sessions"].as_array().expect("sessions").clone()
    }
}

/// The wizard in a 100×30 pty, with its home (kept while it runs).
struct Wizard {
    pty: Pty,
    _home: Option<Home>,
}

impl Deref for Wizard {
    type Target = Pty;
    fn deref(&self) -> &Pty {
        &self.pty
    }
}

impl DerefMut for Wizard {
    fn deref_mut(&mut self) -> &mut Pty {
        &mut self.pty
    }
}

impl Wizard {
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> Self {
        let home = Home::new();
        let mut w = Self::spawn_in(&home, args, env);
        w._home = Some(home);
        w
    }

    fn spawn_in(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn_with(home, Some(fixtures().join("wizard")), args, env)
    }

    /// `runbooks`: a `--runbooks` folder, or None for the built-in library.
    fn spawn_with(home: &Home, runbooks: Option<PathBuf>, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = command();
        if let Some(dir) = runbooks {
            cmd.arg("--runbooks");
            cmd.arg(dir);
        }
        cmd.args(args);
        cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", home.config.path());
        cmd.env("PASSKEY_TRIAGE_DATA_DIR", home.data.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Self { pty: Pty::spawn(cmd, ROWS, COLS), _home: None }
    }
}

use pty_support::{BACKSPACE, CTRL_C, DOWN, ENTER, LEFT};

#[test]
fn full_walk_to_an_outcome() {
    let mut w = Wizard::spawn(&["--ticket", "INC-PTY-1", "--user", "zoë@contoso.com"], &[]);
    w.wait_for("Is the user signing in");
    w.wait_for("INC-PTY-1");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("2");
    w.wait_for("Which OS version is the phone on?");
    w.send("17.5");
    w.wait_for("> 17.5");
    w.send(ENTER);
    w.wait_for("Turn Bluetooth on at both ends");
    w.send("1");
    w.wait_for("RESOLVED ON THE CALL");
    w.wait_for("cross-device.phone-bluetooth-off");
    w.send(" ");
    w.wait_for("[x] 1.");
    // Every step is journaled: q quits without asking.
    w.send("q");
    assert_eq!(w.wait_exit(), 0);
    w.assert_restored();
    w.wait_for("cross-device.phone-bluetooth-off: Bluetooth was off on the phone [resolved]");
    w.wait_for("ticket notes: passkey-triage export");
}

#[test]
fn back_then_a_different_answer() {
    let mut w = Wizard::spawn(&["--ticket", "INC-PTY-2"], &[]);
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("2");
    w.wait_for("Which OS version is the phone on?");
    // Backspace held on the empty typed line (key repeat) stays on it: it only deletes, so what
    // is typed next doesn't answer an earlier question. ← goes back.
    w.send("16");
    w.wait_for("> 16");
    w.send(&BACKSPACE.repeat(6));
    w.send("9");
    w.wait_for("> 9");
    assert!(w.screen().contains("Which OS version is the phone on?"), "{}", w.screen());
    w.send(BACKSPACE);
    w.send(LEFT);
    w.wait_for("Back one question");
    w.wait_for("Is the passkey on the device");
    w.send("1");
    w.wait_for("Which error code does the sign-in page show?");
    w.send(DOWN);
    w.send(ENTER);
    w.wait_for("ESCALATE TO TIER 2");
    w.wait_for("flow = same-device");
    w.send(CTRL_C);
    assert_eq!(w.wait_exit(), 130);
    w.assert_restored();
}

#[test]
fn ctrl_c_restores_the_terminal() {
    let mut w = Wizard::spawn(&[], &[]);
    w.wait_for("New call");
    w.send(CTRL_C);
    assert_eq!(w.wait_exit(), 130);
    w.assert_restored();
    // No call was started: one line says so, and nothing else.
    w.wait_for("Nothing was saved: the call was not started.");
    assert!(!w.screen().contains("not classified yet"), "{}", w.screen());
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let mut w = Wizard::spawn(&["--ticket", "INC-PTY-SIG"], &[]);
        w.wait_for("Is the user signing in");
        let pid = w.pid().expect("pid").to_string();
        let status = std::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
        assert!(status.success());
        assert_eq!(w.wait_exit(), code, "SIG{signal}");
        w.assert_restored();
    }
}

#[test]
fn a_panic_restores_the_terminal() {
    let mut w =
        Wizard::spawn(&["--ticket", "INC-PTY-PANIC"], &[("PASSKEY_TRIAGE_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")]);
    assert_eq!(w.wait_exit(), 101);
    w.assert_restored();
    w.wait_for("test panic requested");
    // Nothing of the half-built frame is written after the terminal was restored.
    let raw = w.raw();
    let left = raw.windows(8).rposition(|x| x == b"\x1b[?1049l").expect("left the alternate screen");
    let after = &raw[left..];
    assert!(!contains(after, b"\x1b[?2026h"), "a synchronized update was started after restoring");
    assert!(!contains(after, b"\x1b[1;1H"), "frame bytes were written after restoring");
}

/// Waits until `path` exists and its contents satisfy `ok`.
fn wait_for_file(path: &Path, ok: impl Fn(&str) -> bool) -> String {
    let end = deadline();
    while Instant::now() < end {
        if let Ok(text) = std::fs::read_to_string(path)
            && ok(&text)
        {
            return text;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!("{} never got what was expected", path.display());
}

#[test]
fn sigkill_loses_nothing_saved_and_resume_reopens_the_same_question() {
    let home = Home::new();
    let mut w = Wizard::spawn_in(&home, &["--ticket", "INC-KILL", "--user", "kim@contoso.com"], &[]);
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    // Notes, then the export key: a format picker, a new file each time, the path on screen.
    w.send("n");
    w.wait_for("Notes for the ticket");
    w.send("hotel wifi");
    w.send("\x1b");
    w.wait_for("notes: 1 line");
    w.send("e");
    w.wait_for("Export this call as");
    w.send(ENTER);
    w.wait_for("INC-KILL.md; copied to the clipboard.");
    w.send("e");
    w.wait_for("Export this call as");
    w.send(ENTER);
    w.wait_for("INC-KILL-2.md; copied to the clipboard.");
    let exports = home.data.path().join("exports");
    let first = std::fs::read_to_string(exports.join("INC-KILL.md")).expect("first export");
    assert!(first.contains("hotel wifi") && first.contains("INC-KILL"), "{first}");
    assert_eq!(std::fs::read_to_string(exports.join("INC-KILL-2.md")).expect("second export"), first);
    // The clipboard got the text through OSC 52 (base64, never raw).
    assert!(contains(&w.raw(), b"\x1b]52;c;"), "no OSC 52 sequence was written");

    w.send("2");
    w.wait_for("Which OS version is the phone on?");
    // The journal holds the second answer once the background write lands; then kill -9.
    let id = home.sessions()[0]["id"].as_str().expect("id").to_string();
    let file = home.data.path().join(format!("sessions/{id}.json"));
    wait_for_file(&file, |t| t.contains("\"cross-device\""));
    let pid = w.pid().expect("pid").to_string();
    assert!(std::process::Command::new("kill").args(["-KILL", &pid]).status().expect("kill").success());
    w.wait_exit();

    let sessions = home.sessions();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["status"], "open");
    assert_eq!(sessions[0]["ticket"], "INC-KILL");

    let mut r = Wizard::spawn_in(&home, &["--resume"], &[]);
    r.wait_for("Which OS version is the phone on?");
    r.wait_for(&format!("Resumed session {id} (ticket INC-KILL)"));
    let screen = r.screen();
    for want in ["phase = sign-in", "flow = cross-device", "notes: 1 line", "Ticket INC-KILL", "kim@contoso.com"] {
        assert!(screen.contains(want), "{want:?} missing after --resume:\n{screen}");
    }
    // Saved as it goes: q (from the listed answers; on the typed line it is a letter) quits at
    // once and says how to come back.
    r.send(DOWN);
    r.send("q");
    assert_eq!(r.wait_exit(), 0);
    r.assert_restored();
    r.wait_for(&format!("resume it with: passkey-triage --resume {id}"));
}

#[test]
fn the_start_screen_offers_an_unfinished_call() {
    let home = Home::new();
    // The agent comes from config.toml when --agent is not given.
    std::fs::write(home.config.path().join("config.toml"), "agent = \"Cy Config\"\n").expect("config");
    let mut w = Wizard::spawn_in(&home, &["--ticket", "INC-LATER", "--user", "lee@contoso.com"], &[]);
    w.wait_for("Is the user signing in");
    w.wait_for("Agent Cy Co");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("q");
    assert_eq!(w.wait_exit(), 0);

    let mut s = Wizard::spawn_in(&home, &[], &[]);
    s.wait_for("Or resume an unfinished call");
    s.wait_for("INC-LATER · lee@contoso.com");
    s.wait_for("Agent       Cy Config");
    // Past the three fields to the call, then Enter.
    s.send(DOWN);
    s.send(DOWN);
    s.send(DOWN);
    s.wait_for("Enter resume");
    s.send(ENTER);
    s.wait_for("Is the passkey on the device");
    s.wait_for("Resumed session");
    s.wait_for("phase = sign-in");
    s.send(CTRL_C);
    assert_eq!(s.wait_exit(), 130);
    s.assert_restored();
    assert_eq!(home.sessions().len(), 1, "resuming started no new session");
    // Another ticket goes straight to its call; the same ticket offers its unfinished one.
    let mut other = Wizard::spawn_in(&home, &["--ticket", "INC-OTHER"], &[]);
    other.wait_for("Is the user signing in");
    other.send(CTRL_C);
    assert_eq!(other.wait_exit(), 130);
    let mut same = Wizard::spawn_in(&home, &["--ticket", "INC-LATER"], &[]);
    same.wait_for("Or resume an unfinished call");
    same.wait_for("INC-LATER · lee@contoso.com");
    assert!(!same.screen().contains("INC-OTHER"), "only that ticket's calls:\n{}", same.screen());
    same.send(CTRL_C);
    assert_eq!(same.wait_exit(), 130);

    // INC-OTHER's call was started (and saved); INC-LATER's was not started again.
    let tickets: Vec<String> = home.sessions().iter().map(|s| s["ticket"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(tickets, ["INC-OTHER", "INC-LATER"]);
}

#[test]
fn open_continues_an_escalation_package_as_tier2() {
    let home = Home::new();
    let mut w = Wizard::spawn_in(&home, &["--ticket", "INC-T1"], &[]);
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("1");
    w.wait_for("Which error code does the sign-in page show?");
    w.send(DOWN);
    w.send(ENTER);
    w.wait_for("ESCALATE TO TIER 2");
    // Not queued (the package goes by hand below): quitting asks first, and the exit line says
    // how to queue it.
    w.send("q");
    w.wait_for("hasn't put it");
    w.send("y");
    assert_eq!(w.wait_exit(), 0);
    w.wait_for("Not queued for tier 2 from this wizard; to queue it: passkey-triage escalate");
    let tier1 = home.sessions()[0]["id"].as_str().expect("id").to_string();
    let pkg = home.data.path().join("package.json");
    home.run(&["export", &tier1, "--format", "json", "--out", pkg.to_str().expect("utf-8 path")]);

    let mut t2 = Wizard::spawn_in(&home, &["open", pkg.to_str().expect("path"), "--agent", "Tia"], &[]);
    t2.wait_for(&format!("Tier 2 continues {tier1}"));
    // Tier 2 is where the call went: its outcome says what tier 2 does next.
    t2.wait_for("TIER 2 NEXT");
    t2.wait_for("T1 flow = same-device");
    t2.wait_for("Agent Tia");
    // Back over tier 1's answers, then a different one, on to a new outcome.
    t2.send("\x1b[D");
    t2.wait_for("Which error code does the sign-in page show?");
    t2.send("\x1b[D");
    t2.wait_for("Is the passkey on the device");
    t2.send("2");
    t2.wait_for("Which OS version is the phone on?");
    t2.send("17.5");
    t2.wait_for("> 17.5");
    t2.send(ENTER);
    t2.wait_for("Turn Bluetooth on at both ends");
    t2.send("1");
    t2.wait_for("RESOLVED ON THE CALL");
    t2.send("q");
    assert_eq!(t2.wait_exit(), 0);

    let sessions = home.sessions();
    assert_eq!(sessions.len(), 2);
    let new = &sessions[0];
    assert_eq!(new["continued_from"], tier1.as_str());
    assert_eq!(new["status"], "resolved");
    assert_eq!(new["agent"], "Tia");
    assert_eq!(new["ticket"], "INC-T1");
    assert_eq!(sessions[1]["status"], "escalated", "the tier-1 session is left as it was");
}

/// A fresh call on the built-in library draws its first question from the entry runbook while
/// the rest loads in the background; the next answers must then reach the other runbooks, and
/// the journal must record the whole set.
#[test]
fn builtin_library_loads_behind_the_first_frame() {
    let home = Home::new();
    let mut w = Wizard::spawn_with(&home, None, &["--ticket", "INC-BUILTIN"], &[]);
    // The entry runbook asks what splits the outcomes most (contract §9.2): the passkey type.
    w.wait_for("Which kind of passkey");
    w.send("2"); // Authenticator
    w.wait_for("Which web browser were they signing in with");
    w.send("2"); // Chrome: a web sign-in, so "where do they sign in" isn't asked
    w.wait_for("Which operating system");
    w.send("6"); // Android: on an Android device, same device or QR code is asked
    w.wait_for("Is the passkey on the same device");
    w.send("1"); // the same device
    w.wait_for("Which version of the operating system"); // the client-support runbook
    w.send("q");
    assert_eq!(w.wait_exit(), 0);
    w.assert_restored();
    let dir = home.data.path().join("sessions");
    let file = std::fs::read_dir(&dir).expect("sessions folder").next().expect("a session").expect("entry").path();
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("session file")).expect("json");
    let ids: Vec<&str> =
        session["runbooks"]["runbooks"].as_array().expect("runbooks").iter().filter_map(|r| r["id"].as_str()).collect();
    for want in ["triage", "client-support", "policy", "cross-device", "escalation"] {
        assert!(ids.contains(&want), "{want} missing from the session's runbook set: {ids:?}");
    }
    assert!(!session["runbooks"]["matrix_as_of"].as_str().unwrap_or("").is_empty(), "matrix missing: {session}");
}

/// The first frame comes from the entry runbook alone; the whole library's frame follows at
/// once. (The start screen has no call timer to redraw it later: without that redraw the
/// runbook list would wait for a key.)
#[test]
fn the_frame_from_the_whole_library_follows_at_once() {
    let home = Home::new();
    let mut w = Wizard::spawn_with(&home, None, &[], &[]);
    w.wait_for("policy (as of");
    assert!(w.screen().contains("call not started"), "{}", w.screen());
    w.send("\u{3}");
    w.wait_exit();
    w.assert_restored();
}

/// Typed answers on a live call: a code that can't be one is refused in place, Enter on an
/// empty line is "can't tell", digits type a version, ↓ then a digit picks a listed answer.
#[test]
fn typed_answers_on_a_live_call() {
    let mut w = Wizard::spawn(&["--ticket", "INC-PTY-TYPED"], &[]);
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("1");
    w.wait_for("Which error code does the sign-in page show?");
    w.wait_for("Enter can't tell");
    w.send("abc");
    w.send(ENTER);
    w.wait_for("\"abc\" is not an AADSTS code");
    w.send(&BACKSPACE.repeat(3));
    w.wait_for("Enter can't tell");
    w.send(ENTER);
    w.wait_for("ESCALATE TO TIER 2");
    w.wait_for("error.code = unknown");
    // Back over the code and the flow; the phone's version is typed, digit by digit.
    w.send(LEFT);
    w.wait_for("Which error code does the sign-in page show?");
    w.send(LEFT);
    w.wait_for("Is the passkey on the device");
    w.send("2");
    w.wait_for("Which OS version is the phone on?");
    w.send("seventeen");
    w.send(ENTER);
    w.wait_for("\"seventeen\" is not a version");
    w.send(&BACKSPACE.repeat(9));
    w.send("17.5");
    w.wait_for("> 17.5");
    w.send(ENTER);
    w.wait_for("Turn Bluetooth on at both ends");
    w.wait_for("phone.os_version = 17.5");
    // Back to the version: ↓ leaves the line, and a digit picks the listed answer.
    w.send(LEFT);
    w.wait_for("> 17.5");
    w.send(DOWN);
    w.wait_for("1-9 choose");
    w.send("1");
    w.wait_for("phone.os_version = unknown");
    w.wait_for("Turn Bluetooth on at both ends");
    w.send(CTRL_C);
    assert_eq!(w.wait_exit(), 130);
    w.assert_restored();
}

/// Issue 18: a session that can't be saved is never silent. With the data folder a regular file
/// (unwritable whoever runs the test, root included), the answers go to a file in the temporary
/// folder, named on exit, and the exit code is 4; with the temporary folder unusable too, they go
/// to standard error as a facts file.
#[test]
fn a_session_that_cannot_be_saved_goes_elsewhere_and_exits_4() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("data-is-a-file");
    std::fs::write(&data, b"not a folder").expect("write");
    let tmp = root.path().join("tmp");
    std::fs::create_dir(&tmp).expect("mkdir");
    let config = root.path().join("config");
    let answer_and_quit = |tmpdir: &Path| {
        let mut cmd = command();
        cmd.arg("--runbooks");
        cmd.arg(fixtures().join("wizard"));
        cmd.args(["--ticket", "INC-UNSAVED"]);
        cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", &config);
        cmd.env("PASSKEY_TRIAGE_DATA_DIR", &data);
        cmd.env("TMPDIR", tmpdir);
        let mut w = Pty::spawn(cmd, ROWS, COLS);
        w.wait_for("Could not save the session");
        w.wait_for("Is the user signing in");
        w.send("1");
        w.wait_for("Is the passkey on the device");
        w.send("q");
        w.wait_for("The last save failed");
        w.send("y");
        let code = w.wait_exit();
        w.assert_restored();
        (code, w)
    };

    let (code, w) = answer_and_quit(&tmp);
    assert_eq!(code, 4, "{}", w.screen());
    w.wait_for("Could not save session");
    w.wait_for("The answers are kept in");
    let kept: Vec<PathBuf> = std::fs::read_dir(&tmp).expect("tmp").filter_map(Result::ok).map(|e| e.path()).collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let name = kept[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    assert!(name.starts_with("passkey-triage-unsaved-") && name.ends_with(".json"), "{name}");
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&kept[0]).expect("read")).expect("json");
    assert_eq!(session["ticket"], "INC-UNSAVED");
    assert_eq!(session["walk"]["facts"]["phase"]["value"], "sign-in", "{session}");

    // The temporary folder unusable too: a facts file on standard error.
    let no_tmp = root.path().join("tmp-is-a-file");
    std::fs::write(&no_tmp, b"x").expect("write");
    let (code, w) = answer_and_quit(&no_tmp);
    assert_eq!(code, 4, "{}", w.screen());
    w.wait_for("they are on standard error above as a facts file");
    w.wait_for("\"phase\": \"sign-in\"");

    // A read-only data folder: the same, except for root, whom permissions don't stop.
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let ro = root.path().join("read-only");
        std::fs::create_dir(&ro).expect("mkdir");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).expect("chmod");
        let mut cmd = command();
        cmd.arg("--runbooks");
        cmd.arg(fixtures().join("wizard"));
        cmd.args(["--ticket", "INC-RO"]);
        cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", &config);
        cmd.env("PASSKEY_TRIAGE_DATA_DIR", &ro);
        cmd.env("TMPDIR", &tmp);
        let mut w = Pty::spawn(cmd, ROWS, COLS);
        w.wait_for("Is the user signing in");
        w.send("1");
        w.wait_for("Is the passkey on the device");
        w.send("q");
        w.wait_for("The last save failed");
        w.send("y");
        assert_eq!(w.wait_exit(), 4, "{}", w.screen());
        w.wait_for("The answers are kept in");
        let _ = std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o700));
    }
}
