//! Where the wizard's sessions go. The app never does I/O: it returns `Effect::Persist` /
//! `Effect::Export`, and `term::run` carries them out through a [`SessionStore`].
//!
//! [`JournalStore`](super::journal_store::JournalStore) is the real one (the session journal and
//! the exporters). [`NoStore`] keeps nothing (for tests and as a fallback): it offers no export
//! (so `e` is neither shown nor bound), and `q` then asks before quitting because the call
//! would be lost.

use std::path::PathBuf;

use crate::export::Format;
use crate::runbook::RunbookSet;
use crate::session::Session;
use crate::ticketing::System;
use crate::ticketing::delivery::Delivered;

/// A post of the ticket note, ready to run off the UI thread (it may run the credential command
/// and waits for the network). Its error is the cause, one line without any secret.
/// A post to run off the UI thread; the token stops it at once (a signal came).
pub type PostJob = Box<dyn FnOnce(&crate::ticketing::Cancel) -> Result<Delivered, String> + Send>;

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

    /// Saves the whole session; called after every change (answer, back, tick, notes). May
    /// return before the data is on disk; an error is that of an earlier save that failed.
    fn save(&mut self, session: &Session) -> Result<(), String>;

    /// The error of the latest save that completed, if it failed (checked between frames, so
    /// a failure shows even when nothing else is saved).
    fn save_error(&self) -> Option<String> {
        None
    }

    /// The format `e` offers first, or None to hide `e`.
    fn export_format(&self) -> Option<Format>;

    /// Exports are redacted (config `redact = true`).
    fn export_redacts(&self) -> bool {
        false
    }

    /// Writes an export of the session and returns where, and its text.
    /// `set`: the runbooks in force, which say who can check each open item.
    fn export(&mut self, session: &Session, format: Format, set: &RunbookSet) -> Result<Exported, String>;

    /// Is there a tier-2 queue to escalate to?
    fn queue_available(&self) -> bool {
        false
    }

    /// Is session `id` already in the tier-2 queue (a call resumed after it was queued)? Only a
    /// folder queue can say without asking the help desk; otherwise false.
    fn already_queued(&self, _id: &str) -> bool {
        false
    }

    /// Puts the session's escalation package in the tier-2 queue; the line for the status bar
    /// (saying where), or why not (one line).
    fn escalate(&mut self, _session: &Session) -> Result<String, String> {
        Err("there is no tier-2 queue".into())
    }

    /// Makes this wizard the one writer of session `id` (before resuming it from the start
    /// screen); Err: who holds it, in one line.
    fn claim(&mut self, _id: &str) -> Result<(), String> {
        Ok(())
    }

    /// Loads a session to resume: `id` (an id, a unique prefix or a file) or, when None, the
    /// newest open one.
    fn load(&mut self, id: Option<&str>) -> Result<Session, String>;

    /// Unfinished sessions for the start screen, newest first, at most `max`.
    fn unfinished(&mut self, _max: usize) -> Vec<Session> {
        Vec::new()
    }

    /// Unreadable session files met by `load` / `unfinished` since the last call: one line
    /// each (path: reason). They are skipped and never touched.
    fn take_skipped(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Things the agent should know about what `load` did (e.g. a copy continued as a new
    /// session), one line each, since the last call.
    fn take_notices(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// The agent's name when `--agent` is not given (config `agent`).
    fn default_agent(&self) -> Option<String> {
        None
    }

    /// Called once after the wizard closed: makes sure everything is saved, and returns the
    /// lines for the normal terminal (e.g. where the session is and how to resume it).
    fn farewell(&mut self, session: &Session) -> Vec<String>;

    /// The help desk the note can be posted to (config `[ticketing] system`); None hides `p`.
    fn ticketing(&self) -> Option<System> {
        None
    }

    /// Prepares posting the session's note (as it is now) to `ticket` as an internal note. The
    /// job's error is the cause alone (the app names the system and the ticket).
    fn post_job(&self, _session: &Session, _set: &RunbookSet, _system: System, _ticket: &str) -> PostJob {
        Box::new(|_| Err("posting is not available without a session store".to_string()))
    }

    /// Did the final save fail (so the notes should be printed rather than lost)?
    fn lost(&self) -> bool {
        !self.persists()
    }
}

/// Keeps nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStore;

impl SessionStore for NoStore {
    fn persists(&self) -> bool {
        false
    }

    fn save(&mut self, _session: &Session) -> Result<(), String> {
        Ok(())
    }

    fn export_format(&self) -> Option<Format> {
        None
    }

    fn export(&mut self, _session: &Session, _format: Format, _set: &RunbookSet) -> Result<Exported, String> {
        Err("export is not available without a session store".to_string())
    }

    fn load(&mut self, _id: Option<&str>) -> Result<Session, String> {
        Err("--resume is not available: sessions are not saved".to_string())
    }

    fn farewell(&mut self, _session: &Session) -> Vec<String> {
        vec!["This session was not saved.".to_string()]
    }
}
