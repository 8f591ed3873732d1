//! End to end in a pseudo-terminal (output parsed by `vt100`): `report --view` with the wizard's
//! terminal hygiene (alternate screen, restored on q, signals and panics), and the wizard's key
//! that puts an escalation in the tier-2 queue. No timing assertions: each wait has a deadline
//! (10 s, 30 s when `CI` is set).
#![cfg(unix)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(if std::env::var_os("CI").is_some() { 30 } else { 10 })
}

struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    raw: Arc<Mutex<Vec<u8>>>,
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Pty {
    /// `passkey-triage ARGS` with config, data and queue folders under `data`.
    fn spawn(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_passkey-triage"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", data.join("config"));
        cmd.env("PASSKEY_TRIAGE_DATA_DIR", data);
        cmd.env("PASSKEY_TRIAGE_QUEUE_DIR", data.join("queue"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let raw = Arc::new(Mutex::new(Vec::new()));
        let parser =
            Arc::new(Mutex::new(vt100::Parser::new(ROWS.try_into().expect("rows"), COLS.try_into().expect("cols"), 0)));
        let (raw2, parser2) = (Arc::clone(&raw), Arc::clone(&parser));
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        raw2.lock().expect("lock").extend_from_slice(&buf[..n]);
                        parser2.lock().expect("lock").process(&buf[..n]);
                    }
                }
            }
        });
        Self { child, writer, raw, parser }
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
        self.writer.write_all(keys.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    fn wait_exit(&mut self) -> u32 {
        let end = deadline();
        while Instant::now() < end {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        let _ = self.child.kill();
        panic!("it did not exit; the screen shows:\n{}", self.screen());
    }

    fn assert_restored(&self) {
        let has = |needle: &[u8]| self.raw.lock().expect("lock").windows(needle.len()).any(|w| w == needle);
        let end = deadline();
        while Instant::now() < end && !has(b"\x1b[?1049l") {
            std::thread::sleep(Duration::from_millis(30));
        }
        assert!(has(b"\x1b[?1049h"), "never entered the alternate screen");
        assert!(has(b"\x1b[?1049l"), "did not leave the alternate screen");
        assert!(has(b"\x1b[?25h"), "did not show the cursor again");
        assert!(!self.parser.lock().expect("lock").screen().alternate_screen());
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn data() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    passkey_triage::report::synthetic::write_sessions(&tmp.path().join("sessions"), 2100, 500).expect("sessions");
    tmp
}

#[test]
fn keys_then_q_restores_the_terminal() {
    let tmp = data();
    let mut d = Pty::spawn(tmp.path(), &["report", "--view"], &[]);
    d.wait_for("2100 session(s), all dates");
    d.wait_for("2026-W04 (from 2026-01-19)");
    d.wait_for("Classes (8)");
    d.wait_for("Sessions per week");
    d.send("\x1b[D");
    d.wait_for("2026-W03 (from 2026-01-12)");
    d.send("\t");
    d.send("q");
    assert_eq!(d.wait_exit(), 0);
    d.assert_restored();
}

#[test]
fn signals_and_panics_restore_the_terminal() {
    let tmp = data();
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let mut d = Pty::spawn(tmp.path(), &["report", "--view"], &[]);
        d.wait_for("Classes (8)");
        let pid = d.child.process_id().expect("pid").to_string();
        let status = std::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
        assert!(status.success());
        assert_eq!(d.wait_exit(), code, "SIG{signal}");
        d.assert_restored();
    }
    let mut d =
        Pty::spawn(tmp.path(), &["report", "--view"], &[("PASSKEY_TRIAGE_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")]);
    assert_eq!(d.wait_exit(), 101);
    d.assert_restored();
    d.wait_for("test panic requested");
}

#[test]
fn the_wizard_puts_an_escalation_in_the_queue_with_one_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let runbooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wizard");
    let runbooks = runbooks.to_str().expect("utf-8 path");
    let mut w = Pty::spawn(tmp.path(), &["--runbooks", runbooks, "--ticket", "INC-Q1", "--agent", "Ana"], &[]);
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("1");
    w.wait_for("Which error code does the sign-in page show?");
    w.send("\x1b[B");
    w.send("\r");
    w.wait_for("ESCALATE TO TIER 2");
    w.wait_for("to tier 2");
    w.send("t");
    w.wait_for("Queued for tier 2:");
    w.send("q");
    assert_eq!(w.wait_exit(), 0);
    w.assert_restored();
    let queued: Vec<_> = std::fs::read_dir(tmp.path().join("queue"))
        .expect("the queue folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&queued[0]).expect("package")).expect("json");
    assert_eq!(package["ticket"], "INC-Q1");
    assert_eq!(package["status"], "escalated");
    w.wait_for("Queued for tier 2:");
}
