//! Where the wizard's sessions go. The app never does I/O: it returns `Effect::Persist` /
//! `Effect::Export`, and `term::run` carries them out through a [`SessionStore`].
//!
//! [`NoStore`] is the stand-in until the session journal (`session::journal`) and the exporters
//! (`export`) are wired in: it keeps nothing, offers no export (so `e` is neither shown nor
//! bound), and says so; `q` then asks before quitting because the call would be lost.

use std::path::PathBuf;

use crate::cli::ExportFormat;
use crate::session::Session;

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// Where the file was written.
    pub path: PathBuf,
    /// The exported text, copied to the clipboard (OSC 52) when the terminal allows.
    pub text: String,
}

/// Persistence and export for the wizard. Errors are one line for the status bar.
pub trait SessionStore {
    /// Does `save` keep the session across a crash or restart? When false, `q` asks before
    /// quitting a session that has answers or notes, and `--resume` is refused.
    fn persists(&self) -> bool;

    /// Saves the whole session; called after every change (answer, back, tick, notes).
    fn save(&mut self, session: &Session) -> Result<(), String>;

    /// The format `e` exports in, or None to hide `e`.
    fn export_format(&self) -> Option<ExportFormat>;

    /// Writes an export of the session and returns where, and its text.
    fn export(&mut self, session: &Session, format: ExportFormat) -> Result<Exported, String>;

    /// Loads a session to resume: `id` or, when None, the newest open one.
    fn load(&mut self, id: Option<&str>) -> Result<Session, String>;

    /// One line for the normal terminal after the wizard closes (e.g. "saved as …").
    fn farewell(&self, session: &Session) -> Option<String>;
}

/// Keeps nothing (the journal is not wired in yet).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStore;

impl SessionStore for NoStore {
    fn persists(&self) -> bool {
        false
    }

    fn save(&mut self, _session: &Session) -> Result<(), String> {
        Ok(())
    }

    fn export_format(&self) -> Option<ExportFormat> {
        None
    }

    fn export(&mut self, _session: &Session, _format: ExportFormat) -> Result<Exported, String> {
        Err("export is not available in this build".to_string())
    }

    fn load(&mut self, _id: Option<&str>) -> Result<Session, String> {
        Err("--resume is not available yet: this build does not save sessions".to_string())
    }

    fn farewell(&self, _session: &Session) -> Option<String> {
        Some("This session was not saved (session saving is not available in this build).".to_string())
    }
}
