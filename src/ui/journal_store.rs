//! The wizard's real [`SessionStore`]: the session journal (`<data>/sessions/<id>.json`, written
//! from a background thread so a keystroke never waits for fsync) and the exporters, with the
//! defaults from `config.toml` (agent, export format, export folder, redaction).

use std::path::PathBuf;

use super::store::{Exported, PostJob, SessionStore};
use crate::config::Config;
use crate::export::{self, Format};
use crate::paths::Paths;
use crate::runbook::RunbookSet;
use crate::session::journal::{CorruptFile, Journal, JournalError, JournalWriter, STALE_TEMP_AGE, remove_stale_temps};
use crate::session::lock::{Holder, LockError, SessionLock};
use crate::session::{Session, id_nonce, local_offset_minutes, new_id};
use crate::text::sanitize_line;

pub struct JournalStore {
    /// For reading (resume, the start screen's list); the writer has its own.
    journal: Journal,
    writer: JournalWriter,
    config: Config,
    paths: Paths,
    skipped: Vec<String>,
    /// Files exported during this run, listed after the wizard closes.
    exports: Vec<PathBuf>,
    /// Where this run put escalation packages (tier-2 queue), said again after the wizard closes.
    queued: Vec<String>,
    /// The final flush failed.
    lost: bool,
    /// The session this wizard writes (one writer per session).
    lock: Option<SessionLock>,
    /// The agent, named in the lock for a second wizard to see.
    agent: Option<String>,
    /// Things the agent should know about what was loaded, one line each.
    notices: Vec<String>,
    /// Why the latest save was refused (another wizard holds the session).
    refused: Option<String>,
}

/// How many of the newest session files the start screen looks through for unfinished calls
/// (an agent's last few days; `passkey-triage sessions` lists them all).
pub const RECENT_FILES: usize = 40;

impl JournalStore {
    /// Reads the config (an unusable config file is an error).
    pub fn open(paths: &Paths) -> Result<Self, String> {
        let config = Config::load(paths).map_err(|e| e.to_string())?;
        Ok(Self::with_config(paths, config))
    }

    pub fn with_config(paths: &Paths, config: Config) -> Self {
        Self {
            journal: Journal::open(paths),
            writer: JournalWriter::new(Journal::open(paths)),
            paths: paths.clone(),
            skipped: Vec::new(),
            exports: Vec::new(),
            queued: Vec::new(),
            lost: false,
            lock: None,
            agent: config.agent.clone(),
            notices: Vec::new(),
            refused: None,
            config,
        }
    }

    /// Names the agent in the session lock (`--agent`).
    pub fn set_agent(&mut self, agent: Option<String>) {
        if agent.is_some() {
            self.agent = agent;
        }
    }

    /// Makes sure this wizard is the one writer of session `id`: takes its lock (over a stale
    /// one) unless held already; an error names who holds it.
    /// A link or other non-file at the lock's name is a refusal too (never followed).
    /// A lock that can't be taken for an I/O reason (an unwritable folder) is not a refusal:
    /// the save goes ahead and its own failure is reported, so nothing is dropped silently.
    fn claim_lock(&mut self, id: &str) -> Result<(), String> {
        if self.lock.as_ref().is_some_and(|l| l.id() == id) {
            return Ok(());
        }
        let me = Holder::me(self.agent.as_deref(), chrono::Utc::now());
        match SessionLock::acquire(self.journal.dir(), id, &me) {
            Ok(lock) => self.lock = Some(lock),
            Err(e @ (LockError::Held { .. } | LockError::NotAFile { .. })) => {
                let e = e.to_string();
                self.refused = Some(e.clone());
                return Err(e);
            }
            Err(LockError::Io { .. }) => {}
        }
        Ok(())
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The newest unfinished session of all, noting unreadable files met on the way.
    fn unfinished_newest(&mut self) -> Option<Session> {
        let (open, corrupt) = self.journal.recent_unfinished(1, usize::MAX);
        self.note(&corrupt);
        open.into_iter().next()
    }

    fn note(&mut self, corrupt: &[CorruptFile]) {
        for c in corrupt {
            let line = c.to_string();
            if !self.skipped.contains(&line) {
                self.skipped.push(line);
            }
        }
    }
}

impl SessionStore for JournalStore {
    fn persists(&self) -> bool {
        true
    }

    fn save(&mut self, session: &Session) -> Result<(), String> {
        self.claim_lock(&session.id)?;
        self.writer.submit(session);
        match self.writer.last_error() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn save_error(&self) -> Option<String> {
        self.writer.last_error()
    }

    fn export_format(&self) -> Option<Format> {
        Some(self.config.export_format(None))
    }

    fn export_redacts(&self) -> bool {
        self.config.redact
    }

    fn export(&mut self, session: &Session, format: Format, set: &RunbookSet) -> Result<Exported, String> {
        let dir = self.config.export_dir(&self.paths);
        // Temporary files a crash left in the export folder (only old ones), once per run.
        if self.exports.is_empty() {
            remove_stale_temps(&dir, STALE_TEMP_AGE, false);
        }
        let options = export::Options { redact: self.config.redact };
        let (path, text) = export::export_to_folder(session, format, options, Some(set), &dir)
            .map_err(|e| sanitize_line(&e.to_string()))?;
        let path = std::path::absolute(&path).unwrap_or(path);
        self.exports.push(path.clone());
        Ok(Exported { path, text })
    }

    fn queue_available(&self) -> bool {
        true
    }

    fn already_queued(&self, id: &str) -> bool {
        match self.config.queue.backend {
            crate::queue::config::BackendKind::Folder => {
                let env = |k: &str| std::env::var_os(k);
                let dir = crate::queue::resolve_dir(&self.paths, self.config.queue_dir.as_deref(), env);
                crate::queue::Queue::at(dir).contains(id)
            }
            crate::queue::config::BackendKind::Ticketing => false,
        }
    }

    fn escalate(&mut self, session: &Session) -> Result<String, String> {
        // The folder or the help desk, as config.toml says (see `queue::backend`).
        let env = |k: &str| std::env::var(k).ok();
        let queue = crate::queue::backend::for_config(&self.paths, &self.config, &env)?;
        let line = match queue.escalate(session).map_err(|e| e.to_string())? {
            crate::queue::backend::Escalated::Queued { place, .. } => {
                format!("Queued for tier 2: {}", sanitize_line(&place))
            }
            crate::queue::backend::Escalated::AlreadyQueued { place } => {
                format!("Already in the tier-2 queue: {}", sanitize_line(&place))
            }
        };
        if !self.queued.contains(&line) {
            self.queued.push(line.clone());
        }
        Ok(line)
    }

    /// A file that is not the journal's own file for its id (a copy, a package) or a redacted
    /// package continues as a NEW session (`continued_from`), so the original is never written
    /// over; a session of the journal is claimed at once, so a second wizard is refused here.
    fn claim(&mut self, id: &str) -> Result<(), String> {
        let r = self.claim_lock(id);
        // A refusal here keeps the wizard on the start screen; it is not a save that failed.
        self.refused = None;
        r
    }

    fn load(&mut self, id: Option<&str>) -> Result<Session, String> {
        let session = match id.filter(|s| !s.is_empty()) {
            Some(id) => {
                let (file, session) = self.journal.locate(id).map_err(|e| e.to_string())?;
                if session.redacted || !self.journal.is_own_file(&session.id, &file) {
                    let now = chrono::Utc::now();
                    let new = session.continued_as(new_id(now, id_nonce()), now, local_offset_minutes(now));
                    let what = if session.redacted { "a redacted export" } else { "not that session's journal file" };
                    self.notices.push(sanitize_line(&format!(
                        "{} is {what}: continuing as new session {} (continues {}); the file is left as it is",
                        file.display(),
                        new.id,
                        session.id
                    )));
                    return Ok(new);
                }
                session
            }
            None => self.unfinished_newest().ok_or_else(|| {
                let e = JournalError::NoOpenSession { dir: self.journal.dir().to_path_buf() };
                format!("{e} (passkey-triage sessions lists every session)")
            })?,
        };
        self.claim_lock(&session.id)?;
        Ok(session)
    }

    fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    fn unfinished(&mut self, max: usize) -> Vec<Session> {
        let (open, corrupt) = self.journal.recent_unfinished(max, RECENT_FILES);
        self.note(&corrupt);
        open
    }

    fn take_skipped(&mut self) -> Vec<String> {
        std::mem::take(&mut self.skipped)
    }

    fn default_agent(&self) -> Option<String> {
        self.config.agent.clone()
    }

    fn farewell(&mut self, session: &Session) -> Vec<String> {
        let id = sanitize_line(&session.id);
        let mut lines = Vec::new();
        match self.writer.flush() {
            Ok(Some(path)) => {
                let path = sanitize_line(&path.display().to_string());
                if session.is_open() {
                    lines.push(format!("Session {id} saved to {path}; resume it with: passkey-triage --resume {id}"));
                } else {
                    lines.push(format!(
                        "Session {id} saved to {path}; ticket notes: passkey-triage export {id} --format text"
                    ));
                }
            }
            Ok(None) if self.refused.is_some() => {
                self.lost = true;
                let why = self.refused.as_deref().unwrap_or_default();
                lines.push(format!("Could not save session {id}: {}", sanitize_line(why)));
            }
            Ok(None) => lines.push("Nothing was saved: the call was not started.".to_string()),
            Err(e) => {
                self.lost = true;
                lines.push(format!("Could not save session {id}: {}", sanitize_line(&e)));
            }
        }
        for p in &self.exports {
            lines.push(format!("Exported: {}", sanitize_line(&p.display().to_string())));
        }
        lines.extend(self.queued.iter().cloned());
        lines
    }

    fn lost(&self) -> bool {
        self.lost
    }

    fn ticketing(&self) -> Option<crate::ticketing::System> {
        self.config.ticketing.system
    }

    fn post_job(&self, session: &Session, set: &RunbookSet, system: crate::ticketing::System, ticket: &str) -> PostJob {
        use crate::ticketing::delivery::{Delivery, Request};
        let config = self.config.ticketing.clone();
        let redact = self.config.redact;
        let config_file = sanitize_line(&self.paths.config_file().display().to_string());
        let session = session.clone();
        // Posts are rare (one per call), so a copy of the runbooks for the thread costs nothing felt.
        let set = set.clone();
        let ticket = ticket.to_string();
        Box::new(move |cancel| {
            let env = |k: &str| std::env::var(k).ok();
            let request = Request {
                config: &config,
                system,
                ticket: &ticket,
                format: None,
                redact,
                config_file: &config_file,
                runbooks: Some(&set),
                cancel: Some(cancel),
            };
            let sent = Delivery::prepare(request, &session, &env).and_then(|d| d.send(chrono::Utc::now()));
            sent.map_err(|e| e.cause)
        })
    }
}
