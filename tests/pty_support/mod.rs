//! Shared by the end-to-end tests: the real binary in a pseudo-terminal, its output parsed by
//! `vt100` on a reader thread. Screens are polled until a deadline (10 s, 30 s when `CI` is
//! set); nothing is timed, and a test that doesn't see what it waits for fails with the screen.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

pub const ENTER: &str = "\r";
pub const BACKSPACE: &str = "\x7f";
pub const DOWN: &str = "\x1b[B";
pub const LEFT: &str = "\x1b[D";
pub const CTRL_C: &str = "\x03";

pub fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(if std::env::var_os("CI").is_some() { 30 } else { 10 })
}

/// `passkey-triage` with a color-capable `TERM` and colors on (tests look at text, not style).
pub fn command() -> CommandBuilder {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_passkey-triage"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A program running in a pty of a fixed size.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    raw: Arc<Mutex<Vec<u8>>>,
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Pty {
    pub fn spawn(cmd: CommandBuilder, rows: u16, cols: u16) -> Self {
        let pair =
            native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn passkey-triage");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let raw = Arc::new(Mutex::new(Vec::new()));
        let parser =
            Arc::new(Mutex::new(vt100::Parser::new(rows.try_into().expect("rows"), cols.try_into().expect("cols"), 0)));
        let (raw2, parser2) = (Arc::clone(&raw), Arc::clone(&parser));
        std::thread::spawn(move || {
            // Keep the master alive as long as we read from it.
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        raw2.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&buf[..n]);
                        parser2.lock().unwrap_or_else(|e| e.into_inner()).process(&buf[..n]);
                    }
                }
            }
        });
        Self { child, writer, raw, parser }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap_or_else(|e| e.into_inner()).screen().contents()
    }

    /// Every byte the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until the screen shows `text`; that screen.
    pub fn wait_for(&self, text: &str) -> String {
        let end = deadline();
        while Instant::now() < end {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("timed out waiting for {text:?}; the screen shows:\n{}", self.screen());
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// A bracketed paste, as a terminal sends one.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    /// Waits for the program to end; its exit code.
    pub fn wait_exit(&mut self) -> u32 {
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

    pub fn kill(&mut self) {
        let _ = self.child.kill();
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// The terminal is back to normal: the alternate screen was left, the cursor shown.
    pub fn assert_restored(&self) {
        let end = deadline();
        // The reader thread may lag behind the exit by a few bytes.
        while Instant::now() < end && !contains(&self.raw(), b"\x1b[?1049l") {
            std::thread::sleep(Duration::from_millis(30));
        }
        let raw = self.raw();
        assert!(contains(&raw, b"\x1b[?1049h"), "never entered the alternate screen");
        assert!(contains(&raw, b"\x1b[?1049l"), "did not leave the alternate screen");
        assert!(contains(&raw, b"\x1b[?25h"), "did not show the cursor again");
        assert!(!self.parser.lock().unwrap_or_else(|e| e.into_inner()).screen().alternate_screen());
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
