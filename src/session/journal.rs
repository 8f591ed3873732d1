//! The session journal: one JSON file per session, `<data>/sessions/<id>.json`.
//!
//! Every save writes a temporary file in the same folder, fsyncs it, renames it over the
//! session file and fsyncs the folder, so a crash (even SIGKILL) leaves either the previous or
//! the new version, never a torn one. Reading never trusts the files: a corrupt, truncated or
//! foreign file is reported with its path, skipped, and never overwritten or deleted.

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{SESSION_FORMAT, Session, Status, is_valid_id};
use crate::paths::Paths;
use crate::text::sanitize_line;

/// Session files larger than this are not read (no real session comes close).
pub const MAX_SESSION_BYTES: u64 = 32 * 1024 * 1024;

/// The sessions folder and the operations on it.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    /// Ids this journal has checked it may write (the file is absent or already this session).
    writable: Mutex<HashSet<String>>,
}

/// Why a journal operation failed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Corrupt(CorruptFile),
    #[error("`{0}` is not a valid session id (letters, digits, `-`, `_`; at most 64)")]
    BadId(String),
    #[error("no session `{query}` in {}", dir.display())]
    NotFound { query: String, dir: PathBuf },
    #[error("no unfinished session in {}", dir.display())]
    NoOpenSession { dir: PathBuf },
    #[error("`{query}` matches several sessions: {}", ids.join(", "))]
    Ambiguous { query: String, ids: Vec<String> },
    #[error(
        "no session `{query}` in {}, and no ticket `{query}` with a session (give a session id, an id prefix, a session file or a ticket id)",
        dir.display()
    )]
    NoSessionOrTicket { query: String, dir: PathBuf },
    #[error(
        "`{query}` is ambiguous: it starts the session ids {} and no ticket is `{query}`; give more of the id",
        ids.join(", ")
    )]
    AmbiguousNoTicket { query: String, ids: Vec<String> },
    #[error("{}: holds something other than session `{id}`; not overwriting it", path.display())]
    WouldOverwrite { path: PathBuf, id: String },
}

/// A session file that could not be read as a session. Reported, skipped, left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorruptFile {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for CorruptFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", sanitize_line(&self.path.display().to_string()), sanitize_line(&self.reason))
    }
}

/// One line of `passkey-triage sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub ticket: Option<String>,
    pub user: Option<String>,
    pub agent: Option<String>,
    pub status: Status,
    pub class: Option<String>,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    pub continued_from: Option<String>,
    /// The session file.
    pub file: PathBuf,
}

impl SessionSummary {
    pub fn of(s: &Session, file: PathBuf) -> Self {
        Self {
            id: s.id.clone(),
            ticket: s.ticket.clone(),
            user: s.user.clone(),
            agent: s.agent.clone(),
            status: s.status,
            class: s.class_name().map(str::to_string),
            started: s.started_at,
            ended: s.ended_at,
            continued_from: s.continued_from.clone(),
            file,
        }
    }
}

impl Journal {
    /// The journal in the data folder's `sessions/` (created on the first save).
    pub fn open(paths: &Paths) -> Self {
        Self::at(paths.sessions_dir())
    }

    /// A journal in any folder.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), writable: Mutex::new(HashSet::new()) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a session with this id lives (None for ids that are not safe file names).
    pub fn path_of(&self, id: &str) -> Option<PathBuf> {
        is_valid_id(id).then(|| self.dir.join(format!("{id}.json")))
    }

    /// Writes the session atomically to `<dir>/<id>.json`; returns that path. Call it when the
    /// session starts and after every step.
    pub fn save(&self, session: &Session) -> Result<PathBuf, JournalError> {
        let target = self.path_of(&session.id).ok_or_else(|| JournalError::BadId(session.id.clone()))?;
        self.check_writable(&session.id, &target)?;
        let json = serde_json::to_vec_pretty(session)
            .map_err(|e| JournalError::Write { path: target.clone(), source: std::io::Error::other(e) })?;
        write_atomic(&self.dir, &target, &json, true)
            .map_err(|source| JournalError::Write { path: target.clone(), source })?;
        Ok(target)
    }

    /// The first save of an id in this journal makes sure it replaces nothing but that session.
    fn check_writable(&self, id: &str, target: &Path) -> Result<(), JournalError> {
        let mut ok = self.writable.lock().unwrap_or_else(|p| p.into_inner());
        if ok.contains(id) {
            return Ok(());
        }
        if target.symlink_metadata().is_ok() {
            match read_session(target) {
                Ok(existing) if existing.id == id => {}
                _ => return Err(JournalError::WouldOverwrite { path: target.to_path_buf(), id: id.to_string() }),
            }
        }
        ok.insert(id.to_string());
        Ok(())
    }

    /// Every readable session as a summary, newest first, and every file that is not one.
    ///
    /// Bounded memory: a summary per session (the walk, notes and the rest are skipped
    /// unbuilt), one file's bytes at a time. Fast: summaries are kept in [`INDEX_FILE`], a cache
    /// checked against each file's size and modification time, so only new or changed files
    /// are read; a missing or damaged index only costs time.
    pub fn list(&self) -> (Vec<SessionSummary>, Vec<CorruptFile>) {
        let (names, corrupt) = self.names();
        let mut corrupt = corrupt;
        let mut cached = self.read_index();
        let mut out = Vec::with_capacity(names.len());
        let mut index = Vec::with_capacity(names.len());
        let mut changed = false;
        for name in names {
            let path = self.dir.join(&name);
            let stamp = std::fs::metadata(&path).ok().filter(std::fs::Metadata::is_file).map(|m| stamp_of(&m));
            let key = name.to_str().map(str::to_string);
            let hit = key.as_ref().and_then(|k| cached.remove(k)).filter(|e| Some((e.size, e.mtime_ns)) == stamp);
            let summary = match hit {
                Some(e) => e.summary,
                None => match read_summary(&path) {
                    Ok(s) => {
                        changed = true;
                        IndexedSummary::of(&s)
                    }
                    Err(c) => {
                        corrupt.push(c);
                        continue;
                    }
                },
            };
            out.push(summary.with_file(path));
            if let (Some(name), Some((size, mtime_ns))) = (key, stamp) {
                index.push(IndexEntry { name, size, mtime_ns, summary });
            }
        }
        if changed || !cached.is_empty() {
            self.write_index(&index);
        }
        out.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| b.id.cmp(&a.id)));
        (out, corrupt)
    }

    /// The index's entries by file name; empty when it is missing or unreadable. A bad line is
    /// skipped (its file is read again).
    fn read_index(&self) -> std::collections::HashMap<String, IndexEntry> {
        let Ok(bytes) = crate::input::read_input(&self.dir.join(INDEX_FILE), MAX_INDEX_BYTES) else {
            return Default::default();
        };
        bytes
            .split(|b| *b == b'\n')
            .filter_map(|line| serde_json::from_slice::<IndexEntry>(line).ok())
            .map(|e| (e.name.clone(), e))
            .collect()
    }

    /// Rewrites the index (atomically); best effort: a read-only folder just means no cache.
    fn write_index(&self, entries: &[IndexEntry]) {
        if !self.dir.is_dir() {
            return;
        }
        let mut text = Vec::with_capacity(entries.len() * 320);
        for e in entries {
            if serde_json::to_writer(&mut text, e).is_ok() {
                text.push(b'\n');
            }
        }
        let _ = write_atomic(&self.dir, &self.dir.join(INDEX_FILE), &text, true);
    }

    /// Reads every session file, newest first.
    pub fn scan(&self) -> (Vec<(PathBuf, Session)>, Vec<CorruptFile>) {
        let (files, mut corrupt) = self.files();
        let mut sessions = Vec::new();
        for path in files {
            match read_session(&path) {
                Ok(s) => sessions.push((path, s)),
                Err(c) => corrupt.push(c),
            }
        }
        newest_first(&mut sessions);
        (sessions, corrupt)
    }

    /// The newest unfinished sessions (at most `max`, newest first) among the newest `lookback`
    /// session files, and the unreadable files among those. A file name starts with the time
    /// the call started, so the newest files are the last by name. Bounded, so that months of
    /// saved calls don't slow the wizard's start; each file is only skimmed for its status
    /// unless it is unfinished.
    pub fn recent_unfinished(&self, max: usize, lookback: usize) -> (Vec<Session>, Vec<CorruptFile>) {
        let (mut names, mut corrupt) = self.names();
        // Only the newest `lookback` names need sorting.
        if lookback == 0 {
            names.clear();
        } else if let Some(older) = names.len().checked_sub(lookback).filter(|&n| n > 0) {
            names.select_nth_unstable(older);
            names.drain(..older);
        }
        names.sort_unstable();
        let mut open = Vec::new();
        for path in names.into_iter().rev().map(|n| self.dir.join(n)) {
            if open.len() == max {
                break;
            }
            match read_if_open(&path) {
                Ok(Some(s)) => open.push((path, s)),
                Ok(None) => {}
                Err(c) => corrupt.push(c),
            }
        }
        newest_first(&mut open);
        (open.into_iter().map(|(_, s)| s).collect(), corrupt)
    }

    /// The session files (`*.json`, not hidden), in name order; or why the folder can't be read.
    fn files(&self) -> (Vec<PathBuf>, Vec<CorruptFile>) {
        let (mut names, corrupt) = self.names();
        // By name as bytes: comparing whole paths parses them on every comparison, which took
        // milliseconds for a few thousand sessions.
        names.sort_unstable();
        (names.into_iter().map(|n| self.dir.join(n)).collect(), corrupt)
    }

    /// The session files' names, unordered; or why the folder can't be read.
    fn names(&self) -> (Vec<std::ffi::OsString>, Vec<CorruptFile>) {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), Vec::new()),
            Err(e) => {
                let c = CorruptFile { path: self.dir.clone(), reason: format!("cannot read folder: {e}") };
                return (Vec::new(), vec![c]);
            }
        };
        let names = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .filter(|n| {
                let b = n.as_encoded_bytes();
                b.ends_with(b".json") && !b.starts_with(b".")
            })
            .collect();
        (names, Vec::new())
    }

    /// Loads a session by id, unique id prefix, or file path.
    pub fn load(&self, id_or_path: &str) -> Result<Session, JournalError> {
        self.locate(id_or_path).map(|(_, s)| s)
    }

    /// [`Journal::load`], with the file the session was read from. A prefix is matched against
    /// file names (the journal names each file by its session's id), so only the match is read,
    /// however many sessions there are.
    pub fn locate(&self, id_or_path: &str) -> Result<(PathBuf, Session), JournalError> {
        let read = |p: PathBuf| read_session(&p).map(|s| (p, s)).map_err(JournalError::Corrupt);
        // A file by that id that can't be read is named, not reported as "no session".
        if let Some(p) = self.path_of(id_or_path)
            && p.symlink_metadata().is_ok()
        {
            return read(p);
        }
        let as_path = Path::new(id_or_path);
        if as_path.symlink_metadata().is_ok() {
            return read(as_path.to_path_buf());
        }
        let not_found = || JournalError::NotFound { query: id_or_path.to_string(), dir: self.dir.clone() };
        if !is_valid_id(id_or_path) {
            return Err(not_found());
        }
        let (names, _) = self.names();
        let mut hits: Vec<String> = names
            .iter()
            .filter_map(|n| n.to_str()?.strip_suffix(".json"))
            .filter(|stem| stem.starts_with(id_or_path))
            .map(str::to_string)
            .collect();
        hits.sort_unstable();
        match hits.as_slice() {
            [] => Err(not_found()),
            [one] => read(self.dir.join(format!("{one}.json"))),
            _ => Err(JournalError::Ambiguous { query: id_or_path.to_string(), ids: hits }),
        }
    }

    /// Is `file` this journal's own file for session `id` (not a copy, a package or a file
    /// elsewhere)?
    pub fn is_own_file(&self, id: &str, file: &Path) -> bool {
        let Some(own) = self.path_of(id) else { return false };
        match (std::fs::canonicalize(own), std::fs::canonicalize(file)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }

    /// The newest session whose ticket is `query` (ASCII case ignored), for commands that take
    /// a session or its ticket; see [`Journal::find`].
    pub fn load_or_ticket(&self, query: &str) -> Result<Session, JournalError> {
        self.find(query).map(|f| f.session)
    }

    /// The session `query` names, for commands that take a session or its ticket: a session
    /// id or file first (exact), then a ticket given exactly (the newest of its sessions), and
    /// only then a unique id prefix. An exact ticket wins over a prefix (`2026` is a Zendesk
    /// ticket and also the start of this year's ids); [`Found::note`] names the other reading.
    pub fn find(&self, query: &str) -> Result<Found, JournalError> {
        let exact = match self.path_of(query) {
            Some(p) if p.symlink_metadata().is_ok() => Some(p),
            _ => Some(PathBuf::from(query)).filter(|p| !query.is_empty() && p.symlink_metadata().is_ok()),
        };
        if let Some(file) = exact {
            let session = read_session(&file).map_err(JournalError::Corrupt)?;
            return Ok(Found { file, session, reading: Reading::Session });
        }
        let wanted = query.trim();
        let prefix_of: Vec<String> = if is_valid_id(query) {
            let (names, _) = self.names();
            let mut ids: Vec<String> = names
                .iter()
                .filter_map(|n| n.to_str()?.strip_suffix(".json"))
                .filter(|stem| stem.starts_with(query))
                .map(str::to_string)
                .collect();
            ids.sort_unstable();
            ids
        } else {
            Vec::new()
        };
        let (summaries, _) = if wanted.is_empty() { (Vec::new(), Vec::new()) } else { self.list() };
        // Newest first, as `list` sorts them.
        let mut of_ticket =
            summaries.iter().filter(|s| s.ticket.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case(wanted)));
        if let Some(newest) = of_ticket.next() {
            let session = read_session(&newest.file).map_err(JournalError::Corrupt)?;
            let reading = Reading::Ticket { ticket: wanted.to_string(), sessions: 1 + of_ticket.count(), prefix_of };
            return Ok(Found { file: newest.file.clone(), session, reading });
        }
        match prefix_of.as_slice() {
            [] => Err(JournalError::NoSessionOrTicket { query: query.to_string(), dir: self.dir.clone() }),
            [one] => {
                let file = self.dir.join(format!("{one}.json"));
                let session = read_session(&file).map_err(JournalError::Corrupt)?;
                Ok(Found { file, session, reading: Reading::Session })
            }
            _ => Err(JournalError::AmbiguousNoTicket { query: query.to_string(), ids: prefix_of }),
        }
    }

    /// The newest session still open (for `--resume` without an id): files newest first by
    /// name, each skimmed for its status, until one is open.
    pub fn latest_open(&self) -> Option<Session> {
        self.recent_unfinished(1, usize::MAX).0.into_iter().next()
    }

    /// `--resume [ID]`: the given session (by id, prefix or path), or the newest open one.
    pub fn resume(&self, id: Option<&str>) -> Result<Session, JournalError> {
        match id.filter(|s| !s.is_empty()) {
            Some(id) => self.load(id),
            None => self.latest_open().ok_or_else(|| JournalError::NoOpenSession { dir: self.dir.clone() }),
        }
    }
}

/// A session found by [`Journal::find`], and how the query was read.
#[derive(Debug)]
pub struct Found {
    pub file: PathBuf,
    pub session: Session,
    pub reading: Reading,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A session id, unique id prefix or session file.
    Session,
    /// A ticket: the newest of its `sessions`; `prefix_of` the session ids the query also starts.
    Ticket { ticket: String, sessions: usize, prefix_of: Vec<String> },
}

impl Found {
    /// What the agent should know about the reading, for `verb` ("exporting"), one line: a
    /// ticket with several sessions, a query that was also an id prefix.
    pub fn note(&self, verb: &str) -> Option<String> {
        let Reading::Ticket { ticket, sessions, prefix_of } = &self.reading else { return None };
        let ticket = crate::text::sanitize_line(ticket);
        let mut parts = Vec::new();
        if *sessions > 1 {
            parts.push(format!(
                "ticket {ticket} has {sessions} sessions; {verb} the newest, {} (started {})",
                self.session.id,
                self.session.started_at.format("%Y-%m-%d %H:%M:%S UTC")
            ));
        } else if !prefix_of.is_empty() {
            parts.push(format!("{verb} session {} of ticket {ticket}", self.session.id));
        }
        if !prefix_of.is_empty() {
            parts.push(format!(
                "`{ticket}` also starts the session ids {}; give more of the id for one of those",
                prefix_of.join(", ")
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Journals from a background thread, so the wizard never waits for the disk's fsync:
/// [`JournalWriter::submit`] hands over the newest state and returns at once (a state not yet
/// written is replaced by the newer one, which contains it); [`JournalWriter::flush`] waits until
/// everything submitted is on disk. Dropping the writer flushes. Each write is a
/// [`Journal::save`] (temp file, fsync, rename).
///
/// The thread starts with the first submit, not before: the wizard draws its first frame before
/// it saves anything, and starting a thread is a good part of that frame's budget.
pub struct JournalWriter {
    shared: Arc<WriterShared>,
    /// The journal, until the first submit hands it to the thread.
    idle: Option<Journal>,
    handle: Option<std::thread::JoinHandle<()>>,
}

struct WriterShared {
    state: Mutex<WriterState>,
    cv: Condvar,
}

#[derive(Default)]
struct WriterState {
    pending: Option<Session>,
    submitted: u64,
    written: u64,
    stop: bool,
    last: Option<Result<PathBuf, String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl JournalWriter {
    /// A writer for `journal`; its thread starts with the first [`JournalWriter::submit`].
    pub fn new(journal: Journal) -> Self {
        Self {
            shared: Arc::new(WriterShared { state: Mutex::new(WriterState::default()), cv: Condvar::new() }),
            idle: Some(journal),
            handle: None,
        }
    }

    /// Starts the thread unless it runs already; a failure to start is the last write's error.
    fn start(&mut self) {
        let Some(journal) = self.idle.take() else { return };
        let sh = Arc::clone(&self.shared);
        match std::thread::Builder::new().name("journal".into()).spawn(move || {
            // Temporary files a crash left in the sessions folder (only old ones: another wizard
            // may be saving right now). Here, off the wizard's first frame.
            remove_stale_temps(journal.dir(), STALE_TEMP_AGE, true);
            loop {
                let (session, seq) = {
                    let mut st = lock(&sh.state);
                    while st.pending.is_none() && !st.stop {
                        st = sh.cv.wait(st).unwrap_or_else(|p| p.into_inner());
                    }
                    match st.pending.take() {
                        Some(s) => (s, st.submitted),
                        None => return,
                    }
                };
                let result = journal.save(&session).map_err(|e| e.to_string());
                let mut st = lock(&sh.state);
                st.written = seq;
                st.last = Some(result);
                sh.cv.notify_all();
            }
        }) {
            Ok(handle) => self.handle = Some(handle),
            Err(e) => lock(&self.shared.state).last = Some(Err(format!("cannot start the session journal: {e}"))),
        }
    }

    /// Queues the session's current state for writing; returns immediately.
    pub fn submit(&mut self, session: &Session) {
        self.start();
        let mut st = lock(&self.shared.state);
        st.pending = Some(session.clone());
        st.submitted += 1;
        self.shared.cv.notify_all();
    }

    /// Waits until every submitted state is written; the last write's path, or its error
    /// (one line). `Ok(None)` when nothing was ever submitted.
    pub fn flush(&self) -> Result<Option<PathBuf>, String> {
        let mut st = lock(&self.shared.state);
        while st.written < st.submitted {
            if self.handle.as_ref().is_none_or(|h| h.is_finished()) {
                return Err(match &st.last {
                    Some(Err(e)) => e.clone(),
                    _ => "the journal writer stopped".into(),
                });
            }
            st = self
                .shared
                .cv
                .wait_timeout(st, std::time::Duration::from_millis(100))
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
        match &st.last {
            None => Ok(None),
            Some(Ok(p)) => Ok(Some(p.clone())),
            Some(Err(e)) => Err(e.clone()),
        }
    }

    /// The error of the most recent write, if it failed (for a status line).
    pub fn last_error(&self) -> Option<String> {
        match &lock(&self.shared.state).last {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        }
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        let _ = self.flush();
        lock(&self.shared.state).stop = true;
        self.shared.cv.notify_all();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn newest_first(sessions: &mut [(PathBuf, Session)]) {
    sessions.sort_by(|(_, a), (_, b)| b.started_at.cmp(&a.started_at).then_with(|| b.id.cmp(&a.id)));
}

/// The session in a file if it is still open. Its status is skimmed first, so a finished
/// session is never built; a file that isn't a session is reported as [`read_session`] would.
fn read_if_open(path: &Path) -> Result<Option<Session>, CorruptFile> {
    #[derive(Deserialize)]
    struct StatusOnly {
        status: Status,
    }
    let bytes = read_bounded(path)?;
    if serde_json::from_slice::<StatusOnly>(&bytes).is_ok_and(|s| s.status != Status::Open) {
        return Ok(None);
    }
    let session = parse_session(&bytes).map_err(|reason| CorruptFile { path: path.to_path_buf(), reason })?;
    Ok(session.is_open().then_some(session))
}

/// The summaries cache in the sessions folder (hidden; not a session file).
pub const INDEX_FILE: &str = ".sessions-index.ndjson";

/// The index is refused past this size (100,000 sessions take about 30 MB).
const MAX_INDEX_BYTES: u64 = 512 * 1024 * 1024;

/// A file's size and modification time: an index entry is used only while both match.
fn stamp_of(m: &std::fs::Metadata) -> (u64, i128) {
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(-1, |d| d.as_nanos() as i128);
    (m.len(), mtime)
}

/// One line of the index.
#[derive(Serialize, Deserialize)]
struct IndexEntry {
    name: String,
    size: u64,
    mtime_ns: i128,
    summary: IndexedSummary,
}

/// A [`SessionSummary`] without its path (the index sits beside the files).
#[derive(Serialize, Deserialize)]
struct IndexedSummary {
    id: String,
    ticket: Option<String>,
    user: Option<String>,
    agent: Option<String>,
    status: Status,
    class: Option<String>,
    started: DateTime<Utc>,
    ended: Option<DateTime<Utc>>,
    continued_from: Option<String>,
}

impl IndexedSummary {
    fn of(s: &SessionSummary) -> Self {
        Self {
            id: s.id.clone(),
            ticket: s.ticket.clone(),
            user: s.user.clone(),
            agent: s.agent.clone(),
            status: s.status,
            class: s.class.clone(),
            started: s.started,
            ended: s.ended,
            continued_from: s.continued_from.clone(),
        }
    }

    fn with_file(&self, file: PathBuf) -> SessionSummary {
        SessionSummary {
            id: self.id.clone(),
            ticket: self.ticket.clone(),
            user: self.user.clone(),
            agent: self.agent.clone(),
            status: self.status,
            class: self.class.clone(),
            started: self.started,
            ended: self.ended,
            continued_from: self.continued_from.clone(),
            file,
        }
    }
}

/// The fields of a session file a listing shows; everything else is skipped unbuilt.
#[derive(Deserialize)]
struct SummaryFields {
    format: u32,
    id: String,
    #[serde(default)]
    ticket: Option<String>,
    #[serde(default)]
    agent: Option<String>,
    #[serde(default)]
    user: Option<String>,
    started_at: DateTime<Utc>,
    #[serde(default)]
    ended_at: Option<DateTime<Utc>>,
    status: Status,
    #[serde(default)]
    continued_from: Option<String>,
    #[serde(default)]
    outcome: Option<OutcomeClass>,
}

#[derive(Deserialize)]
struct OutcomeClass {
    class: String,
}

/// A session file's summary. The same checks as [`read_session`] for the file (regular, size,
/// duplicate keys, format), not for the walk.
fn read_summary(path: &Path) -> Result<SessionSummary, CorruptFile> {
    let corrupt = |reason: String| CorruptFile { path: path.to_path_buf(), reason };
    let buf = read_bounded(path)?;
    let buf = buf.as_slice();
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err(corrupt("empty file (truncated?)".into()));
    }
    if let Err(d) = crate::input::check_unique_keys(buf) {
        return Err(corrupt(format!("not a session file: {d}")));
    }
    let f: SummaryFields = match serde_json::from_slice(buf) {
        Ok(f) => f,
        // The full parser explains best what is wrong.
        Err(_) => return Err(corrupt(parse_session(buf).err().unwrap_or_else(|| "not a session file".into()))),
    };
    if f.format == 0 || f.format > SESSION_FORMAT {
        return Err(corrupt(format!(
            "session format {} is not one this version reads (format {SESSION_FORMAT}); update passkey-triage",
            f.format
        )));
    }
    Ok(SessionSummary {
        id: f.id,
        ticket: f.ticket,
        user: f.user,
        agent: f.agent,
        status: f.status,
        class: f.outcome.map(|o| o.class),
        started: f.started_at,
        ended: f.ended_at,
        continued_from: f.continued_from,
        file: path.to_path_buf(),
    })
}

/// Just enough of a session file to explain why it did not parse.
#[derive(Deserialize)]
struct Probe {
    format: Option<serde_json::Value>,
}

/// Reads and checks one session file. Never panics, whatever the bytes.
pub fn read_session(path: &Path) -> Result<Session, CorruptFile> {
    let bytes = read_bounded(path)?;
    parse_session(&bytes).map_err(|reason| CorruptFile { path: path.to_path_buf(), reason })
}

/// A session file's bytes: a regular file of a session file's size at most (see
/// [`crate::input::read_input`]).
fn read_bounded(path: &Path) -> Result<Vec<u8>, CorruptFile> {
    crate::input::read_input(path, MAX_SESSION_BYTES)
        .map_err(|e| CorruptFile { path: path.to_path_buf(), reason: e.kind.to_string() })
}

/// Parses session JSON; the error is one line saying what is wrong.
pub fn parse_session(bytes: &[u8]) -> Result<Session, String> {
    // One short line, whatever a forged field holds (serde quotes the value it refuses).
    parse_session_unclipped(bytes).map_err(|e| crate::text::clip_middle(&e, 300))
}

fn parse_session_unclipped(bytes: &[u8]) -> Result<Session, String> {
    // An editor that saved the package may have put a byte-order mark first.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file (truncated?)".into());
    }
    if let Err(d) = crate::input::check_unique_keys(bytes) {
        return Err(format!("not a session file: {d}"));
    }
    let session: Session = match serde_json::from_slice(bytes) {
        Ok(s) => s,
        Err(e) => {
            // Only a larger format number means a newer version; any other bad `format` is
            // reported where it is, as any other error.
            if let Ok(Probe { format: Some(f) }) = serde_json::from_slice::<Probe>(bytes)
                && f.as_u64().is_some_and(|n| n > u64::from(SESSION_FORMAT))
            {
                return Err(format!(
                    "session format {f} is not one this version reads (format {SESSION_FORMAT}); update passkey-triage"
                ));
            }
            return Err(if e.is_eof() {
                format!("truncated session file: {e}")
            } else {
                format!("not a session file: {e}")
            });
        }
    };
    if session.format == 0 || session.format > SESSION_FORMAT {
        return Err(format!(
            "session format {} is not one this version reads (format {SESSION_FORMAT}); update passkey-triage",
            session.format
        ));
    }
    Ok(session)
}

/// Writes `bytes` to `target` through a temporary file in `dir` (fsynced, then renamed).
/// With `replace` false an existing `target` is never touched (`AlreadyExists`).
///
/// The folder is fsynced when the name is new (so the file survives a power cut); replacing an
/// existing file skips that second fsync: a power cut can then at worst bring back the previous
/// complete version, never a torn one, and a killed process loses nothing already written.
pub fn write_atomic(dir: &Path, target: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let existed = target.symlink_metadata().is_ok();
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if replace {
        tmp.persist(target).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(target).map_err(|e| e.error)?;
    }
    if !existed {
        sync_dir(dir);
    }
    Ok(())
}

/// Temporary files this program writes before renaming them into place start and end so; a
/// process killed in between leaves one, which [`remove_stale_temps`] removes later.
pub const TEMP_PREFIX: &str = ".passkey-triage-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// How old a temporary file must be before it counts as left by a crash (no save or export
/// takes anywhere near this long).
pub const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes this program's temporary files older than `min_age` from `dir` (not recursive):
/// names `.passkey-triage-*.tmp`, and in a sessions folder also the `.XXXXXX.tmp` names older
/// versions used. Anything else, and anything newer (a save in progress), is left alone.
/// Returns how many were removed; best effort.
pub fn remove_stale_temps(dir: &Path, min_age: std::time::Duration, legacy_names: bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let b = name.as_encoded_bytes();
        let ours = b.starts_with(TEMP_PREFIX.as_bytes()) && b.ends_with(TEMP_SUFFIX.as_bytes());
        let legacy = legacy_names
            && b.len() == 1 + 6 + TEMP_SUFFIX.len()
            && b.starts_with(b".")
            && b.ends_with(TEMP_SUFFIX.as_bytes())
            && b[1..7].iter().all(u8::is_ascii_alphanumeric);
        if !(ours || legacy) {
            continue;
        }
        let Ok(meta) = e.path().symlink_metadata() else { continue };
        let old = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).is_some_and(|age| age >= min_age);
        if meta.is_file() && old && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Makes a rename in `dir` durable (Unix); best effort.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
