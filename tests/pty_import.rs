//! `i` in the real wizard, in a pseudo-terminal (vt100 parses the output): a bracketed paste of
//! one entry imports at once; a paste or a file with several matching entries opens the picker.
//! The screen is polled until a deadline (10 s, 30 s when `CI` is set); no timing assertions.
#![cfg(unix)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 35;
const COLS: u16 = 120;
const ENTER: &str = "\r";
const CTRL_C: &str = "\x03";

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(if std::env::var_os("CI").is_some() { 30 } else { 10 })
}

struct Wizard {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    _home: tempfile::TempDir,
}

impl Wizard {
    /// The wizard on the built-in library, with a ticket (so no start screen).
    fn spawn() -> Self {
        let home = tempfile::tempdir().expect("temp dir");
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_passkey-triage"));
        cmd.args(["--ticket", "INC-IMPORT"]);
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", home.path().join("config"));
        cmd.env("PASSKEY_TRIAGE_DATA_DIR", home.path().join("data"));
        let child = pair.slave.spawn_command(cmd).expect("spawn the wizard");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser =
            Arc::new(Mutex::new(vt100::Parser::new(ROWS.try_into().expect("rows"), COLS.try_into().expect("cols"), 0)));
        let parser2 = Arc::clone(&parser);
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser2.lock().expect("lock").process(&buf[..n]);
            }
        });
        Self { child, writer, parser, _home: home }
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("lock").screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let end = deadline();
        while Instant::now() < end {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("timed out waiting for {text:?}; the screen shows:\n{}", self.screen());
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// A bracketed paste, as a terminal sends one.
    fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    fn quit(&mut self) {
        self.send(CTRL_C);
        let end = deadline();
        while Instant::now() < end {
            if self.child.try_wait().expect("try_wait").is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("the wizard did not exit; the screen shows:\n{}", self.screen());
    }
}

impl Drop for Wizard {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/signin_logs/public").join(name))
        .expect("public sample")
}

#[test]
fn a_pasted_entry_is_imported_at_once() {
    let mut w = Wizard::spawn();
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
    w.quit();
}

#[test]
fn several_matching_entries_open_the_picker() {
    let mut w = Wizard::spawn();
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
    w.wait_for("↓ error.code = AADSTS50074");
    w.wait_for("from status.errorCode");
    w.quit();
}

#[test]
fn a_typed_path_is_read_and_its_entries_picked() {
    let mut w = Wizard::spawn();
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
    w.quit();
}
