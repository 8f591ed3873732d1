//! `passkey-triage export` as a user runs it: stdout, --out, --out-dir (never overwriting),
//! --redact, and defaults from config.toml.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::*;
use predicates::prelude::*;

fn cmd(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config")).env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"));
    c
}

/// A data folder holding the escalated fixture session.
fn home() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let set = fixture_set();
    let journal = passkey_triage::session::journal::Journal::at(tmp.path().join("data/sessions"));
    journal.save(&escalated_session(&set)).expect("save");
    tmp
}

fn stdout_of(c: &mut Command) -> String {
    String::from_utf8(c.assert().success().get_output().stdout.clone()).expect("utf8")
}

#[test]
fn export_to_stdout_in_each_format_matches_the_library() {
    let tmp = home();
    let set = fixture_set();
    let s = escalated_session(&set);
    for (flag, f) in [
        ("markdown", passkey_triage::export::Format::Markdown),
        ("text", passkey_triage::export::Format::Text),
        ("json", passkey_triage::export::Format::Json),
    ] {
        let out = stdout_of(cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a", "--format", flag]));
        assert_eq!(out, passkey_triage::export::render(&s, f, Default::default()), "{flag}");
    }
    // Markdown is the default; an id prefix works.
    let out = stdout_of(cmd(tmp.path()).args(["export", "20260120T14"]));
    assert!(out.starts_with("# Passkey triage: INC0012345\n"));
}

#[test]
fn out_dir_and_out_never_overwrite() {
    let tmp = home();
    let dir = tmp.path().join("exports");
    let mut written = Vec::new();
    for _ in 0..3 {
        let out = stdout_of(
            cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a", "--format", "text", "--out-dir"]).arg(&dir),
        );
        written.push(PathBuf::from(out.trim_end()));
    }
    let names: Vec<String> =
        written.iter().map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["INC0012345.txt", "INC0012345-2.txt", "INC0012345-3.txt"]);
    assert!(written.iter().all(|p| p.is_absolute() && p.parent() == Some(dir.canonicalize().expect("dir").as_path())));

    let chosen = tmp.path().join("ticket-notes.md");
    std::fs::write(&chosen, "agent's own notes").expect("write");
    let out = stdout_of(cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a", "--out"]).arg(&chosen));
    assert!(out.trim_end().ends_with("ticket-notes-2.md"), "{out}");
    assert_eq!(std::fs::read_to_string(&chosen).expect("read"), "agent's own notes");
    let md = std::fs::read_to_string(tmp.path().join("ticket-notes-2.md")).expect("read");
    assert!(md.starts_with("# Passkey triage: INC0012345"));
}

#[test]
fn redact_flag_and_config_defaults() {
    let tmp = home();
    let out = stdout_of(cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a", "--format", "json", "--redact"]));
    assert!(!out.contains("jane.doe") && !out.contains("10.20.30.40") && !out.contains("DESKTOP-7QK2M1P"));
    assert!(out.contains("\"redacted\": true") && out.contains("[user]@contoso.com"));

    std::fs::create_dir_all(tmp.path().join("config")).expect("mkdir");
    std::fs::write(tmp.path().join("config/config.toml"), "export_format = \"text\"\nredact = true\n").expect("cfg");
    let out = stdout_of(cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a"]));
    assert!(out.starts_with("Passkey triage: INC0012345\n====") && out.contains("[user]@contoso.com"), "{out}");
    let out =
        stdout_of(cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a", "--no-redact", "--format", "markdown"]));
    assert!(out.starts_with("# Passkey") && out.contains("jane.doe@contoso.com"));

    std::fs::write(tmp.path().join("config/config.toml"), "export_formt = \"text\"\n").expect("cfg");
    cmd(tmp.path())
        .args(["export", "20260120T140200Z-3f2a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("config.toml:1:1").and(predicate::str::contains("export_formt")));
}

#[test]
fn unknown_or_broken_sessions_are_exit_2() {
    let tmp = home();
    cmd(tmp.path())
        .args(["export", "20990101T000000Z-0000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no session `20990101T000000Z-0000`"));
    let junk = tmp.path().join("junk.json");
    std::fs::write(&junk, "\u{1b}[2J{").expect("write");
    let a = cmd(tmp.path()).arg("export").arg(&junk).assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).expect("utf8");
    assert!(err.contains("junk.json") && passkey_triage::text::is_clean(&err), "{err:?}");
    cmd(tmp.path()).args(["export", "20260120T140200Z-3f2a", "--out", "x.md", "--out-dir", "d"]).assert().code(2);
}

#[test]
fn out_naming_a_folder_is_refused() {
    let tmp = home();
    let dir = tmp.path().join("a-folder");
    std::fs::create_dir_all(&dir).expect("mkdir");
    cmd(tmp.path())
        .args(["export", "20260120T140200Z-3f2a", "--format", "text", "--out"])
        .arg(&dir)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("is a folder; use --out-dir"));
    assert_eq!(std::fs::read_dir(tmp.path()).expect("read").count(), 2, "nothing new beside data/ and a-folder/");
}

/// Red team, 6 December 2026: `--out /dev/null` wrote `/dev/null-2`, and a FIFO got a `fifo-2`
/// beside it. Anything but a regular file at --out is refused, as `diagnose --session-out` does.
#[cfg(unix)]
#[test]
fn out_naming_a_fifo_or_a_link_is_refused() {
    let tmp = home();
    let fifo = tmp.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let link = tmp.path().join("link.txt");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere.txt"), &link).expect("symlink");
    for (target, what) in [(&fifo, "not a regular file"), (&link, "a symbolic link")] {
        cmd(tmp.path())
            .args(["export", "20260120T140200Z-3f2a", "--format", "text", "--out"])
            .arg(target)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("{what}; --out writes a new file")));
    }
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into())
        .collect();
    assert_eq!(names.len(), 3, "nothing new beside data/, the fifo and the link: {names:?}");
}

/// Beside a class found on the call, the ranked classes are what a check coming back otherwise
/// would mean, not "most likely" (that reads as likelier than the class itself, and a caller
/// told to delete a stale passkey would doubt the fix): an escalation keeps "Most likely".
#[test]
fn a_classified_call_does_not_call_other_classes_most_likely() {
    let tmp = home();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/public-02.json");
    let session = tmp.path().join("p2.json");
    cmd(tmp.path())
        .args(["diagnose", "--role", "tier1", "--assume-unknown", "--ticket", "INC5", "--facts"])
        .arg(&scenario)
        .arg("--session-out")
        .arg(&session)
        .assert()
        .success();
    for format in ["text", "markdown"] {
        let out = stdout_of(cmd(tmp.path()).arg("export").arg(&session).args(["--format", format]));
        assert!(out.contains("If a check comes back otherwise, likeliest: "), "{out}");
        assert!(!out.contains("Most likely"), "{out}");
    }
}

/// The error code's official text is prose like the rest of the notes: wrapped at 100 columns
/// in Markdown (a 212-column line came out before).
#[test]
fn the_error_code_section_is_wrapped_in_markdown() {
    let tmp = home();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/policy.conditional-access-1.json");
    let session = tmp.path().join("ca.json");
    cmd(tmp.path())
        .args(["diagnose", "--role", "tier1", "--assume-unknown", "--ticket", "INC6", "--facts"])
        .arg(&scenario)
        .arg("--session-out")
        .arg(&session)
        .assert()
        .success();
    let out = stdout_of(cmd(tmp.path()).arg("export").arg(&session).args(["--format", "markdown"]));
    let section = out.split("## Error code").nth(1).expect("an error code section");
    let section = section.split("\n## ").next().unwrap_or(section);
    assert!(section.contains("BlockedByConditionalAccess"), "{section}");
    for line in section.lines() {
        assert!(line.chars().count() <= 100, "{} columns: {line}", line.chars().count());
    }
}
