//! What a red-team pass over outside input found (December 2026), each fixed and kept so:
//! `--session-out` never replaces a FIFO or a device; JSON shown to people escapes bidi and C1
//! characters (`lint --format json`); a session file with a byte-order mark loads and a bad
//! `format` is reported at its place; an error line stays one short line whatever a forged field
//! holds; a desk's runbook with a `next` that goes nowhere is refused before any walk.

use std::path::Path;

use assert_cmd::Command;

fn cli(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config")).env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"));
    c
}

/// A session file `diagnose --session-out` writes for public-01.
fn a_session(home: &Path) -> std::path::PathBuf {
    let file = home.join("session.json");
    cli(home)
        .args(["diagnose", "--facts", "tests/scenarios/public-01.json", "--assume-unknown", "--session-out"])
        .arg(&file)
        .assert()
        .success();
    file
}

#[cfg(unix)]
#[test]
fn session_out_refuses_a_fifo_and_leaves_it_one() {
    use std::os::unix::fs::FileTypeExt;
    let home = tempfile::tempdir().expect("tempdir");
    let fifo = home.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let out = cli(home.path())
        .args(["diagnose", "--facts", "tests/scenarios/public-01.json", "--assume-unknown", "--session-out"])
        .arg(&fifo)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a regular file") && err.lines().count() == 1, "{err}");
    assert!(std::fs::symlink_metadata(&fifo).expect("still there").file_type().is_fifo());
}

#[test]
fn lint_json_escapes_bidi_and_c1_characters() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut rb: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("runbooks/picker.json").expect("picker")).expect("json");
    rb["nodes"][0]["id"] = serde_json::json!("start\u{202e}evil\u{9b}");
    let file = home.path().join("picker.json");
    std::fs::write(&file, serde_json::to_vec(&rb).expect("bytes")).expect("write");
    let out = cli(home.path()).args(["lint", "--format", "json"]).arg(&file).output().expect("run");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("\\u202e"), "{text}");
    assert!(passkey_triage::text::is_clean(&text), "{text}");
}

#[test]
fn a_session_with_a_byte_order_mark_loads_and_a_bad_format_is_named_where_it_is() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = a_session(home.path());
    let json = std::fs::read(&file).expect("read");
    let bom = home.path().join("bom.json");
    std::fs::write(&bom, [b"\xEF\xBB\xBF".as_slice(), &json].concat()).expect("write");
    cli(home.path()).args(["export", "--format", "text"]).arg(&bom).assert().success();

    let mut v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    v["format"] = serde_json::json!("abc");
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&v).expect("bytes")).expect("write");
    let out = cli(home.path()).args(["export"]).arg(&bad).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("invalid type") && err.contains("line 1 column") && !err.contains("update"), "{err}");
}

#[test]
fn an_error_about_a_forged_field_is_one_short_line_that_keeps_its_place() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = a_session(home.path());
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    v["status"] = serde_json::json!("H".repeat(200_000));
    std::fs::write(&file, serde_json::to_vec(&v).expect("bytes")).expect("write");
    let out = cli(home.path()).args(["export"]).arg(&file).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.lines().count(), 1);
    assert!(err.chars().count() < 1200, "{} characters", err.chars().count());
    assert!(err.contains("unknown variant") && err.contains("at line 1 column"), "{err}");
}

#[test]
fn a_desk_runbook_with_a_next_that_goes_nowhere_is_refused_before_a_walk() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("rbd");
    std::fs::create_dir(&dir).expect("mkdir");
    let mut rb: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("runbooks/picker.json").expect("picker")).expect("json");
    let question =
        rb["nodes"].as_array_mut().expect("nodes").iter_mut().find(|n| n["kind"] == "question").expect("a question");
    question["options"][0]["next"] = serde_json::json!("s-nowhere");
    std::fs::write(dir.join("picker.json"), serde_json::to_vec_pretty(&rb).expect("bytes")).expect("write");
    // Even a walk that would never reach the picker is refused.
    let out = cli(home.path())
        .arg("--runbooks")
        .arg(&dir)
        .args(["diagnose", "--facts", "tests/scenarios/public-03.json", "--assume-unknown"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("picker.json:") && err.contains("error[dangling-next]") && err.contains("s-nowhere"), "{err}");
    // Drawing it still works: `graph` is how an author finds the broken edge.
    cli(home.path()).arg("--runbooks").arg(&dir).args(["graph", "picker"]).assert().success();
}
