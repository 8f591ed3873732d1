//! Issue 10, failure 10: a reader that stops early (`passkey-triage lint | head`) is a normal
//! end: exit 0 and nothing on stderr, as ripgrep does.

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the binary with standard output on a pipe whose reading end is already closed.
fn with_closed_stdout(home: &Path, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
        .env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn closed_pipe_is_a_normal_end() {
    let home = tempfile::tempdir().expect("tempdir");
    for args in [
        &["lint"][..],
        &["schema"],
        &["matrix", "--os", "windows"],
        &["graph", "triage"],
        &["sessions"],
        &["sessions", "--format", "json"],
    ] {
        let (code, stderr) = with_closed_stdout(home.path(), args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}
