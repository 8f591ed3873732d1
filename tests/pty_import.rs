//! `i` in the real wizard, in a pseudo-terminal (vt100 parses the output): a bracketed paste of
//! one entry imports at once; a paste or a file with several matching entries opens the picker.
//! The screen is polled until a deadline (10 s, 30 s when `CI` is set); no timing assertions.
#![cfg(unix)]

mod pty_support;

use std::path::Path;

use pty_support::{CTRL_C, ENTER, Pty};

const ROWS: u16 = 35;
const COLS: u16 = 120;

/// The wizard on the built-in library, with a ticket (so no start screen), and its home.
fn spawn() -> (Pty, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = pty_support::command();
    cmd.args(["--ticket", "INC-IMPORT"]);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", home.path().join("config"));
    cmd.env("PASSKEY_TRIAGE_DATA_DIR", home.path().join("data"));
    (Pty::spawn(cmd, ROWS, COLS), home)
}

fn quit(w: &mut Pty) {
    w.send(CTRL_C);
    w.wait_exit();
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/signin_logs/public").join(name))
        .expect("public sample")
}

#[test]
fn a_pasted_entry_is_imported_at_once() {
    let (mut w, _home) = spawn();
    w.wait_for("i import log");
    w.send("i");
    w.wait_for("Import the user's sign-in from a log");
    w.paste(&sample("13.json"));
    w.wait_for("Imported 10 facts from log-analytics (marked ↓)");
    w.wait_for("↓ imported");
    w.wait_for("↓ credential.type = synced");
    w.wait_for("from DeviceDetail.operatingSystem");
    // The user on the call comes from the log; the code's official name is shown.
    w.wait_for("mateo.rossi@contoso.example");
    w.wait_for("BlockedByConditionalAccess");
    quit(&mut w);
}

#[test]
fn several_matching_entries_open_the_picker() {
    let (mut w, _home) = spawn();
    w.wait_for("i import log");
    w.send("i");
    w.wait_for("Import the user's sign-in from a log");
    w.paste(&sample("01.json"));
    w.wait_for("2 of 2 entries match, newest failed first");
    w.wait_for("AADSTS500121");
    w.wait_for("Enter import");
    // The second entry: the older 50074 interrupt.
    w.send("2");
    w.wait_for("Imported 9 facts from graph-v1.0");
    // Every fact, each with its source field: the side panel shows what fits whole.
    w.send("f");
    w.wait_for("↓ error.code = AADSTS50074");
    w.wait_for("from status.errorCode");
    quit(&mut w);
}

#[test]
fn a_typed_path_is_read_and_its_entries_picked() {
    let (mut w, _home) = spawn();
    w.wait_for("i import log");
    w.send("i");
    w.wait_for("Import the user's sign-in from a log");
    w.send("tests/signin_logs/public/11.csv");
    w.wait_for("> tests/signin_logs/public/11.csv");
    w.send(ENTER);
    w.wait_for("2 of 2 entries match");
    w.wait_for("Interrupted");
    w.send(ENTER);
    w.wait_for("Imported 8 facts from portal-csv");
    w.wait_for("↓ client.os = android");
    // A file that isn't a sign-in log: one line, the screen stays for another try.
    w.send("i");
    w.wait_for("Import the user's sign-in from a log");
    w.send("Cargo.toml");
    w.send(ENTER);
    w.wait_for("Import failed: Cargo.toml");
    w.wait_for("Esc cancel");
    quit(&mut w);
}
