//! A desk's own on-screen messages: `messages.json` in a runbook folder adds to the built-in
//! catalog (docs/messages.md), is linted with the folder, and a bad one stops the tool with the
//! file and the entry named.

use assert_cmd::Command;

fn bin() -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("HOME", "/nonexistent").env("XDG_CONFIG_HOME", "/nonexistent").env_remove("PASSKEY_TRIAGE_DATA_DIR");
    c
}

fn desk(catalog: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("messages.json"), catalog).expect("write");
    dir
}

const GOOD: &str = r#"{"schema": 1, "messages": [{"id": "desk-qr-expired", "text": "This QR code has expired",
  "shown_as": "'This QR code has expired'", "facts": {"flow": "cross-device"},
  "source": {"title": "Our desk's notes", "url": ""}, "unverified": true}]}"#;

#[test]
fn a_desk_message_derives_its_facts() {
    let d = desk(GOOD);
    let out = bin()
        .arg("--runbooks")
        .arg(d.path())
        .args(["diagnose", "--facts", "-", "--assume-unknown", "--format", "json"])
        .write_stdin(r#"{"facts": {"credential.type": "authenticator", "error.message": "THIS QR CODE HAS EXPIRED!"}}"#)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#""fact":"flow","answer":"cross-device","source":"derived""#),
        "the desk message should derive flow: {text}"
    );
    // Without the folder the built-in catalog doesn't know it.
    let out = bin()
        .args(["diagnose", "--facts", "-", "--assume-unknown", "--format", "json"])
        .write_stdin(r#"{"facts": {"credential.type": "authenticator", "error.message": "THIS QR CODE HAS EXPIRED!"}}"#)
        .output()
        .expect("run");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(r#""fact":"flow","answer":"cross-device","source":"derived""#)
    );
}

#[test]
fn lint_checks_a_desk_catalog_and_names_the_entry() {
    let d = desk(GOOD);
    bin().arg("lint").arg(d.path()).assert().code(0);
    let bad = desk(
        r#"{"schema": 1, "messages": [{"id": "x", "text": "..", "shown_as": "x", "facts": {"flow": "sideways"},
          "source": {"title": "t", "url": ""}}]}"#,
    );
    let out = bin().arg("lint").arg(bad.path()).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("messages.json: error[message-catalog]: messages[0] (`x`)"), "{text}");
    assert!(text.contains("sideways") && text.contains("https://"), "{text}");
    // The wizard and diagnose refuse to run on it: exit 2, one line naming the file.
    let out = bin()
        .arg("--runbooks")
        .arg(bad.path())
        .args(["diagnose", "--facts", "-"])
        .write_stdin(r#"{"facts": {}}"#)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("messages.json"));
}

#[test]
fn a_catalog_with_a_duplicate_key_is_refused() {
    let d = desk(r#"{"schema": 1, "schema": 1, "messages": []}"#);
    let out = bin().arg("lint").arg(d.path()).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("given twice"));
}
