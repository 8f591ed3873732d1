//! Running the real binary from the crate root with empty config and data folders, shared by the
//! CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, from the crate root, with config and data folders under `tmp`.
pub fn cli(tmp: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("the passkey-triage binary is built");
    c.current_dir(root())
        .env("PASSKEY_TRIAGE_CONFIG_DIR", tmp.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", tmp.join("data"));
    c
}

/// What a run printed and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a prepared command to completion.
pub fn finish(mut c: Command) -> Run {
    let out = c.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
