//! Issue 10, failures 4 and 9: every input is a regular file (or `-`) of bounded size with no
//! key twice; anything else is one line on stderr naming the file, exit 2, and never a hang.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use common::*;

fn cmd(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        // A guard, not a measurement: before the fix these runs never returned.
        .timeout(Duration::from_secs(60));
    c
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// Runs and expects exit 2 with one stderr line that contains `needle`.
fn fails_naming(c: &mut Command, needle: &str) -> String {
    let out = c.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{needle} not in {err}");
    err
}

#[test]
fn facts_that_are_not_regular_files_are_refused_at_once() {
    let home = tempfile::tempdir().expect("tempdir");
    let fifo = home.path().join("fifo.json");
    mkfifo(&fifo);
    let f = fifo.to_str().expect("utf-8");
    fails_naming(cmd(home.path()).args(["diagnose", "--facts", f]), "fifo.json: cannot read: a FIFO");
    // The wizard reads its facts before it needs a terminal.
    fails_naming(cmd(home.path()).args(["--facts", f]), "fifo.json: cannot read: a FIFO");
    fails_naming(cmd(home.path()).args(["diagnose", "--facts", "/dev/zero"]), "/dev/zero: cannot read: a device");
    fails_naming(cmd(home.path()).args(["diagnose", "--facts"]).arg(home.path()), "a folder");
}

#[test]
fn config_that_is_a_fifo_or_dev_zero_is_an_error_not_a_hang() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).expect("dir");
    std::os::unix::fs::symlink("/dev/zero", config.join("config.toml")).expect("link");
    fails_naming(cmd(home.path()).args(["export", "nothing"]), "config.toml: cannot read: a device");
    std::fs::remove_file(config.join("config.toml")).expect("rm");
    mkfifo(&config.join("config.toml"));
    fails_naming(cmd(home.path()).args(["export", "nothing"]), "config.toml: cannot read: a FIFO");
    std::fs::remove_file(config.join("config.toml")).expect("rm");
    std::os::unix::fs::symlink(config.join("gone.toml"), config.join("config.toml")).expect("link");
    fails_naming(cmd(home.path()).args(["export", "nothing"]), "config.toml: cannot read: no such file");
}

#[test]
fn duplicate_keys_are_refused_in_facts_runbooks_sessions_packages_and_config() {
    let home = tempfile::tempdir().expect("tempdir");
    let facts = home.path().join("facts.json");
    std::fs::write(&facts, r#"{"facts":{"phase":"bogus","phase":"sign-in"}}"#).expect("write");
    fails_naming(cmd(home.path()).args(["diagnose", "--facts"]).arg(&facts), "`phase` is given twice");

    // A runbook whose `id` is given twice: lint finds it, commands refuse the set.
    let rbdir = home.path().join("rb");
    std::fs::create_dir_all(&rbdir).expect("dir");
    let text = std::fs::read_to_string(fixture_dir().join("auth.json")).expect("fixture");
    let dup = text.replacen("\"id\": \"auth\",", "\"id\": \"auth\", \"id\": \"auth2\",", 1);
    assert_ne!(dup, text);
    std::fs::write(rbdir.join("auth.json"), dup).expect("write");
    let out = cmd(home.path()).arg("lint").arg(rbdir.join("auth.json")).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("duplicate-key") && stdout.contains("`id` is given twice"), "{stdout}");
    fails_naming(cmd(home.path()).arg("--runbooks").arg(&rbdir).args(["matrix"]), "`id` is given twice");

    // A session file and a package with a key twice.
    let set = fixture_set();
    let s = escalated_session(&set);
    let json = serde_json::to_string(&s).expect("json").replacen("{", "{\"notes\":\"a\",", 1);
    let sessions = home.path().join("data/sessions");
    std::fs::create_dir_all(&sessions).expect("dir");
    std::fs::write(sessions.join(format!("{}.json", s.id)), &json).expect("write");
    fails_naming(cmd(home.path()).args(["export", &s.id]), "duplicate key `notes`");
    let out = cmd(home.path()).args(["sessions"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("duplicate key `notes`"));
    let pkg = home.path().join("pkg.json");
    std::fs::write(&pkg, &json).expect("write");
    fails_naming(cmd(home.path()).arg("--runbooks").arg(fixture_dir()).arg("open").arg(&pkg), "duplicate key `notes`");

    std::fs::create_dir_all(home.path().join("config")).expect("dir");
    std::fs::write(home.path().join("config/config.toml"), "redact = true\nredact = false\n").expect("write");
    fails_naming(cmd(home.path()).args(["export", &s.id]), "config.toml:2:");
}

#[test]
fn runbook_entries_that_cannot_be_read_are_errors_naming_the_file() {
    for kind in ["fifo", "folder", "broken-link"] {
        let home = tempfile::tempdir().expect("tempdir");
        let rbdir = home.path().join("rb");
        std::fs::create_dir_all(&rbdir).expect("dir");
        let bad: PathBuf = rbdir.join("triage.json");
        match kind {
            "fifo" => mkfifo(&bad),
            "folder" => std::fs::create_dir(&bad).expect("dir"),
            _ => std::os::unix::fs::symlink(rbdir.join("gone.json"), &bad).expect("link"),
        }
        fails_naming(
            cmd(home.path()).arg("--runbooks").arg(&rbdir).args(["matrix"]),
            "triage.json: error[io]: cannot read",
        );
        fails_naming(
            cmd(home.path()).arg("--runbooks").arg(&rbdir).args(["lint"]),
            "triage.json: error[io]: cannot read",
        );
        // A runbooks folder in the config folder is read the same way.
        let cfg = home.path().join("config");
        std::fs::create_dir_all(&cfg).expect("dir");
        std::fs::rename(&rbdir, cfg.join("runbooks")).expect("move");
        fails_naming(cmd(home.path()).args(["diagnose", "--facts", "-"]).write_stdin("{\"facts\":{}}"), "triage.json");
    }
}

#[test]
fn export_of_an_unreadable_session_file_names_the_file() {
    let home = tempfile::tempdir().expect("tempdir");
    let sessions = home.path().join("data/sessions");
    std::fs::create_dir_all(&sessions).expect("dir");
    let id = "20260120T140200Z-3f2a";
    mkfifo(&sessions.join(format!("{id}.json")));
    fails_naming(cmd(home.path()).args(["export", id]), &format!("{id}.json: cannot read: a FIFO"));
    std::fs::remove_file(sessions.join(format!("{id}.json"))).expect("rm");
    std::fs::create_dir(sessions.join(format!("{id}.json"))).expect("dir");
    fails_naming(cmd(home.path()).args(["export", id]), &format!("{id}.json: cannot read: a folder"));
}
