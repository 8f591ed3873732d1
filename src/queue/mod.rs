//! The tier-2 queue: a folder, possibly an SMB share used by the whole team.
//!
//! ```text
//! <queue>/<id>.json              an escalation package waiting for tier 2 (the JSON export)
//! <queue>/claims/<id>.<n>        claim n on it (see `claim`): the highest n holds it
//! <queue>/done/<id>.json         the package, once a tier-2 session reached an outcome
//! <queue>/done/<id>.tier2.json   that tier-2 session, beside it (`.tier2-2.json`, … if several)
//! <queue>/done/<id>.claims       its claims, moved out of `claims/` once it is done
//! ```
//!
//! Every write creates a new name and never replaces a file (temp file + rename-without-replace,
//! or an exclusive create); nothing relies on locks. Files whose names start with `.` are
//! temporary and ignored. Format and commands: `docs/queue.md`.

pub mod backend;
pub mod claim;
pub mod config;
pub mod fs;
pub mod ticketing;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::paths::Paths;
use crate::session::digest::{Digest, read_session_bytes};
use crate::session::is_valid_id;
use crate::session::journal::CorruptFile;

pub use claim::{Claim, ClaimError, ClaimIndex, Claimed, Holder};

/// Environment variable naming the queue folder (beats `queue_dir` in config.toml).
pub const ENV_QUEUE_DIR: &str = "PASSKEY_TRIAGE_QUEUE_DIR";

/// The queue folder: `PASSKEY_TRIAGE_QUEUE_DIR`, else `queue_dir` from config.toml (already
/// made absolute against the config folder), else `<data>/queue`.
pub fn resolve_dir(
    paths: &Paths,
    configured: Option<&Path>,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> PathBuf {
    env(ENV_QUEUE_DIR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| configured.map(Path::to_path_buf))
        .unwrap_or_else(|| paths.data_dir.join("queue"))
}

/// Small files (claims) are read whole, up to this size.
const MAX_CLAIM_BYTES: u64 = 64 * 1024;

/// Reads a small file (a claim), refusing anything large or not a regular file.
/// Opened without blocking, as every input is: a FIFO on a shared folder can't hang `queue`.
/// A link at a claim's name is not followed.
pub(crate) fn read_small(path: &Path) -> std::io::Result<Vec<u8>> {
    fs::read_regular_nofollow(path, MAX_CLAIM_BYTES)
}

/// Packages are read whole up to a session file's size, never through a link.
fn read_package(path: &Path) -> std::io::Result<Vec<u8>> {
    fs::read_regular_nofollow(path, crate::session::journal::MAX_SESSION_BYTES)
}

/// A package's id is its file name (`<id>.json`): a package whose id inside differs was renamed
/// or forged to act on another package (claim, finish or list it twice), and is refused wherever
/// it is read. Why, when it differs.
pub fn misnamed(file: &Path, id: &str) -> Option<String> {
    let stem = file.file_stem().and_then(|s| s.to_str());
    (stem != Some(id)).then(|| {
        format!(
            "the package's id `{}` is not its file name (a renamed or forged package); not used",
            crate::text::clip_middle(id, 80)
        )
    })
}

/// Why a queue operation failed. Messages are one line and name the file.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("{}: {what}: {source}", path.display())]
    Io { path: PathBuf, what: &'static str, source: std::io::Error },
    #[error(
        "{}: a different package of session {id} is already in the queue; it is not replaced (tier 2 works from it)",
        path.display()
    )]
    Different { id: String, path: PathBuf },
    #[error("{}: a symbolic link is at this package's name in the queue; links are not followed (remove it)", path.display())]
    Link { path: PathBuf },
    #[error("session {id} was escalated before and tier 2 has finished it ({})", path.display())]
    AlreadyDone { id: String, path: PathBuf },
    #[error("{id} is claimed by {agent} since {since}; add --take-over to take it over")]
    Held { id: String, agent: String, since: String },
    #[error("`{query}` matches several queued packages: {}", ids.join(", "))]
    Ambiguous { query: String, ids: Vec<String> },
    #[error("`{0}` is not a valid session id (letters, digits, `-`, `_`; at most 64)")]
    BadId(String),
    #[error("{}: {what}; refused: nothing is read or written through it", path.display())]
    NotFollowed { path: PathBuf, what: &'static str },
    #[error("queue folder {} is not a folder ({what}); set {ENV_QUEUE_DIR} or queue_dir in config.toml to a folder", path.display())]
    NotAFolder { path: PathBuf, what: &'static str },
    #[error("{0} is not in the tier-2 queue")]
    NotQueued(String),
    /// Any other refusal, one line (the help desk's name the system and ticket).
    #[error("{0}")]
    Refused(String),
}

/// Where a package stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Waiting,
    Claimed,
    Done,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Claimed => "claimed",
            State::Done => "done",
        }
    }
}

/// One package in the queue, as `queue` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub ticket: Option<String>,
    pub user: Option<String>,
    /// The tier-1 agent.
    pub agent: Option<String>,
    pub class: Option<String>,
    /// The session's status in the package (`escalated`, …).
    pub status: String,
    pub state: State,
    pub open_checks: Vec<String>,
    /// When the tier-1 call started (the queue's order: oldest first).
    pub started: DateTime<Utc>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    /// Where the package is: its file (absolute), or on the help desk its ticket and attachment.
    pub file: String,
    /// For a done package: the tier-2 session beside it (the first, if several).
    pub tier2_session: Option<String>,
    /// For a done package: the class tier 2 reached (its session's outcome).
    pub tier2_class: Option<String>,
}

/// Result of [`Queue::put`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    /// Written to this new file.
    Queued(PathBuf),
    /// The same package was in the queue already.
    AlreadyQueued(PathBuf),
}

/// A package found by id, prefix or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub file: PathBuf,
    pub state: State,
    /// When the query had another reading (a ticket that is also an id prefix), which one was
    /// not taken, one line.
    pub other_reading: Option<String>,
}

/// What [`Queue::complete`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub package: PathBuf,
    /// The tier-2 session written beside it, if one was given.
    pub session: Option<PathBuf>,
}

/// The queue folder and the operations on it.
#[derive(Debug, Clone)]
pub struct Queue {
    dir: PathBuf,
}

impl Queue {
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn done_dir(&self) -> PathBuf {
        self.dir.join("done")
    }

    pub fn claims_dir(&self) -> PathBuf {
        self.dir.join("claims")
    }

    /// The queue folder must be a folder, or not exist yet (nothing queued; `escalate` creates
    /// it). A file at its name, or on its way, is refused instead of reading as an empty queue.
    pub fn check_folder(&self) -> Result<(), QueueError> {
        match std::fs::metadata(&self.dir) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(m) => {
                let what = if m.is_file() { "a regular file" } else { fs::kind_of(m.file_type()) };
                Err(QueueError::NotAFolder { path: self.dir.clone(), what })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
                Err(QueueError::NotAFolder { path: self.dir.clone(), what: "a file is in its path" })
            }
            Err(source) => Err(QueueError::Io { path: self.dir.clone(), what: "cannot read the queue folder", source }),
        }
    }

    /// Is package `id` in the queue at all (waiting, claimed or done)? Claims are not read.
    pub fn contains(&self, id: &str) -> bool {
        is_valid_id(id) && (is_regular(&self.done_path(id)) || is_regular(&self.waiting_path(id)))
    }

    fn waiting_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn done_path(&self, id: &str) -> PathBuf {
        self.done_dir().join(format!("{id}.json"))
    }

    /// Puts session `id`'s package (`bytes`, the JSON export) in the queue as `<id>.json`.
    /// The same bytes queued again are [`Put::AlreadyQueued`]; a different package for the same
    /// session, or one tier 2 already finished, is refused: nothing is replaced.
    pub fn put(&self, id: &str, bytes: &[u8]) -> Result<Put, QueueError> {
        if !is_valid_id(id) {
            return Err(QueueError::BadId(id.to_string()));
        }
        self.check_folder()?;
        let done = self.done_path(id);
        if done.symlink_metadata().is_ok() {
            return Err(QueueError::AlreadyDone { id: id.to_string(), path: done });
        }
        let target = self.waiting_path(id);
        match fs::write_new(&self.dir, &target, bytes) {
            Ok(()) => Ok(Put::Queued(target)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if target.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                    Err(QueueError::Link { path: target })
                } else if read_package(&target).is_ok_and(|b| b == bytes) {
                    Ok(Put::AlreadyQueued(target))
                } else {
                    Err(QueueError::Different { id: id.to_string(), path: target })
                }
            }
            Err(source) => Err(QueueError::Io { path: target, what: "cannot write", source }),
        }
    }

    /// The state of package `id`, if it is in the queue at all.
    pub fn state(&self, id: &str) -> Option<State> {
        if !is_valid_id(id) {
            return None;
        }
        if is_regular(&self.done_path(id)) {
            Some(State::Done)
        } else if is_regular(&self.waiting_path(id)) {
            Some(if self.holder(id).is_some() { State::Claimed } else { State::Waiting })
        } else {
            None
        }
    }

    /// Who holds package `id`.
    pub fn holder(&self, id: &str) -> Option<Holder> {
        claim::holder(&self.claims_dir(), id)
    }

    /// Finds a package for `open`: a file in the queue folder (or its `done/`), an id, or a unique
    /// prefix of the id of a package still waiting. `Ok(None)`: not a queued package.
    pub fn find(&self, query: &str) -> Result<Option<Found>, QueueError> {
        let as_path = Path::new(query);
        if let Ok(meta) = as_path.symlink_metadata() {
            if meta.file_type().is_symlink() && self.file_in_queue(as_path).is_some() {
                return Err(QueueError::NotFollowed {
                    path: as_path.to_path_buf(),
                    what: fs::kind_of(meta.file_type()),
                });
            }
            if as_path.is_file() {
                return Ok(self.file_in_queue(as_path).filter(|_| meta.file_type().is_file()));
            }
        }
        if !is_valid_id(query) {
            return Ok(None);
        }
        self.check_folder()?;
        for path in [self.waiting_path(query), self.done_path(query)] {
            if let Ok(meta) = path.symlink_metadata()
                && !meta.file_type().is_file()
            {
                return Err(QueueError::NotFollowed { path, what: fs::kind_of(meta.file_type()) });
            }
        }
        if let Some(state) = self.state(query) {
            let file = if state == State::Done { self.done_path(query) } else { self.waiting_path(query) };
            return Ok(Some(Found { id: query.to_string(), file, state, other_reading: None }));
        }
        let ids: Vec<String> = self.waiting_ids().into_iter().filter(|id| id.starts_with(query)).collect();
        // An exact ticket wins over an id prefix (numeric tickets, Zendesk's, read like ids); the
        // other reading is named.
        let (waiting, _) = self.list(false)?;
        if let Some(newest) = waiting.iter().rfind(|e| e.ticket.as_deref().map(str::trim) == Some(query)) {
            let others: Vec<&str> = ids.iter().map(String::as_str).filter(|id| *id != newest.id).collect();
            let other_reading = (!others.is_empty()).then(|| {
                format!("`{query}` read as a ticket; it is also the start of package id(s) {}", others.join(", "))
            });
            return Ok(Some(Found {
                id: newest.id.clone(),
                file: self.waiting_path(&newest.id),
                state: newest.state,
                other_reading,
            }));
        }
        match ids.as_slice() {
            [] => Ok(None),
            [one] => Ok(self.state(one).map(|state| Found {
                id: one.clone(),
                file: self.waiting_path(one),
                state,
                other_reading: None,
            })),
            _ => Err(QueueError::Ambiguous { query: query.to_string(), ids }),
        }
    }

    /// A file given by path is a queued package when it is `<queue>/<id>.json`.
    fn file_in_queue(&self, file: &Path) -> Option<Found> {
        let id = file.file_stem()?.to_str()?;
        if !is_valid_id(id) || file.extension().is_none_or(|e| e != "json") {
            return None;
        }
        let parent = std::fs::canonicalize(file.parent()?).ok()?;
        let queue = std::fs::canonicalize(&self.dir).ok()?;
        if parent == queue {
            let state = self.state(id).unwrap_or(State::Waiting);
            Some(Found { id: id.to_string(), file: file.to_path_buf(), state, other_reading: None })
        } else {
            None
        }
    }

    /// Ids of the packages at the top of the queue folder (waiting or claimed, or done but not
    /// yet removed from there), in name order.
    fn waiting_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = package_files(&self.dir)
            .0
            .into_iter()
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
            .filter(|id| is_valid_id(id))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Claims package `id` for `agent` (see [`claim::claim`]).
    pub fn claim(&self, id: &str, agent: &str, take_over: bool, now: DateTime<Utc>) -> Result<Claimed, QueueError> {
        claim::claim(&self.claims_dir(), id, agent, take_over, now).map_err(|e| match e {
            ClaimError::Held(h) => QueueError::Held {
                id: id.to_string(),
                agent: h.agent().to_string(),
                since: h
                    .since()
                    .map_or_else(|| "an unknown time".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            },
            ClaimError::Io(path, source) => QueueError::Io { path, what: "cannot claim", source },
            ClaimError::NotFollowed(path, what) => QueueError::NotFollowed { path, what },
        })
    }

    /// Tier 2 reached an outcome on package `id`: the tier-2 session (`session_json`) is written
    /// to `done/<id>.tier2.json` (`.tier2-2.json`, … when another tier-2 session is there
    /// already), the package is copied to `done/<id>.json` and then removed from the top of
    /// the queue. Every step creates new names, so a crash half-way leaves the package where it
    /// was or in both places (then it counts as done); running it again completes it.
    pub fn complete(&self, id: &str, session_json: Option<&[u8]>) -> Result<Completed, QueueError> {
        if !is_valid_id(id) {
            return Err(QueueError::BadId(id.to_string()));
        }
        self.check_folder()?;
        let done = self.done_dir();
        let io = |path: &Path, what: &'static str| {
            let path = path.to_path_buf();
            move |source| QueueError::Io { path, what, source }
        };
        let waiting = self.waiting_path(id);
        let package = self.done_path(id);
        if let Ok(meta) = waiting.symlink_metadata()
            && !meta.file_type().is_file()
        {
            return Err(QueueError::NotFollowed { path: waiting, what: fs::kind_of(meta.file_type()) });
        }
        self.real_dir(&done)?;
        let session = session_json.map(|json| self.write_tier2_session(id, json)).transpose()?;
        match read_package(&waiting) {
            Ok(bytes) => {
                fs::write_new_or_same(&done, &package, &bytes).map_err(io(&package, "cannot write"))?;
                match std::fs::remove_file(&waiting) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(QueueError::Io { path: waiting, what: "cannot remove", source: e }),
                }
            }
            // Another tier-2 session finished it first: its package is in done/ already.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && is_regular(&package) => {}
            Err(e) => return Err(QueueError::Io { path: waiting, what: "cannot read", source: e }),
        }
        // No longer at the top of the queue, so nobody claims it again: its claims move beside
        // it in done/ (best effort; left in claims/ when anything is unexpected).
        claim::retire(&self.claims_dir(), &done, id);
        Ok(Completed { package, session })
    }

    /// Takes back claim `seq` on package `id`, which this run created: the open it was for
    /// failed before a tier-2 session was saved, so the package is free again (or back with
    /// whoever held it before a take-over). Only that one file in `claims/` is removed.
    pub fn withdraw(&self, id: &str, seq: u64) -> Result<(), QueueError> {
        if !is_valid_id(id) {
            return Err(QueueError::BadId(id.to_string()));
        }
        let claims = self.claims_dir();
        fs::remove_in_dir(&claims, &[format!("{id}.{seq}")]).map_err(|source| QueueError::Io {
            path: claims.join(format!("{id}.{seq}")),
            what: "cannot withdraw the claim",
            source,
        })
    }

    /// `claims/` or `done/`: a real folder (created when missing), never a link.
    fn real_dir(&self, dir: &Path) -> Result<(), QueueError> {
        fs::real_dir(dir).map_err(|source| match std::fs::symlink_metadata(dir) {
            Ok(m) if !m.file_type().is_dir() => {
                QueueError::NotFollowed { path: dir.to_path_buf(), what: fs::kind_of(m.file_type()) }
            }
            _ => QueueError::Io { path: dir.to_path_buf(), what: "cannot create the folder", source },
        })
    }

    fn write_tier2_session(&self, id: &str, json: &[u8]) -> Result<PathBuf, QueueError> {
        let done = self.done_dir();
        for n in 1..=999u32 {
            let name = if n == 1 { format!("{id}.tier2.json") } else { format!("{id}.tier2-{n}.json") };
            let target = done.join(name);
            match fs::write_new_or_same(&done, &target, json) {
                Ok(()) => return Ok(target),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(QueueError::Io { path: target, what: "cannot write", source }),
            }
        }
        Err(QueueError::Io {
            path: done,
            what: "cannot write",
            source: std::io::Error::other("999 tier-2 sessions for one package"),
        })
    }

    /// The packages, oldest call first: those waiting or claimed, and with `all` the done ones
    /// too. Files that can't be read as packages are returned apart (never touched).
    pub fn list(&self, all: bool) -> Result<(Vec<Entry>, Vec<CorruptFile>), QueueError> {
        self.check_folder()?;
        let mut entries = Vec::new();
        let mut corrupt = Vec::new();
        let mut buf = Vec::new();
        // Read once for the whole listing: one folder read, not one per package.
        let claims = ClaimIndex::read(&self.claims_dir());
        let mut read = |file: PathBuf, state: State, entries: &mut Vec<Entry>| {
            let parsed = read_session_bytes(&file, &mut buf).and_then(|()| {
                let d = Digest::parse(&buf)?;
                if let Some(reason) = misnamed(&file, &d.id) {
                    return Err(reason);
                }
                Ok(self.entry(&d, file.clone(), state, &claims))
            });
            match parsed {
                Ok(e) => entries.push(e),
                Err(reason) => corrupt.push(CorruptFile { path: file, reason }),
            }
        };
        let mut odd = package_files(&self.dir).1;
        for id in self.waiting_ids() {
            if is_regular(&self.done_path(&id)) {
                // Moved to done/ and not yet removed here (a completion cut short).
                continue;
            }
            let state = if claims.is_claimed(&id) { State::Claimed } else { State::Waiting };
            read(self.waiting_path(&id), state, &mut entries);
        }
        if all {
            let (files, done_odd) = package_files(&self.done_dir());
            odd.extend(done_odd);
            for file in files {
                // `<id>.tier2*.json` are tier-2 sessions, not packages.
                let is_package = file.file_stem().and_then(|s| s.to_str()).is_some_and(is_valid_id);
                if is_package {
                    read(file, State::Done, &mut entries);
                }
            }
        }
        entries.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.id.cmp(&b.id)));
        corrupt.extend(odd);
        Ok((entries, corrupt))
    }

    fn entry(&self, d: &Digest<'_>, file: PathBuf, state: State, claims: &ClaimIndex) -> Entry {
        // A finished package's claims may have moved beside it (see `claim::retire`).
        let holder = claims
            .holder(&d.id)
            .or_else(|| (state == State::Done).then(|| claim::retired_holder(&self.done_dir(), &d.id)).flatten());
        let tier2_session = (state == State::Done)
            .then(|| self.done_dir().join(format!("{}.tier2.json", d.id.as_str())))
            .filter(|p| is_regular(p));
        // The class tier 2 reached, read from its session (the package keeps tier 1's).
        let tier2_class = tier2_session.as_deref().and_then(|p| {
            let bytes = read_package(p).ok()?;
            Digest::parse(&bytes).ok()?.class().map(str::to_string)
        });
        Entry {
            id: d.id.to_string(),
            ticket: d.ticket.as_ref().map(|t| t.to_string()),
            user: d.user.as_ref().map(|t| t.to_string()),
            agent: d.agent.as_ref().map(|t| t.to_string()),
            class: d.class().map(str::to_string),
            status: d.status.to_string(),
            state,
            open_checks: d.open_checks(),
            started: d.started_at,
            claimed_by: holder.as_ref().map(|h| h.agent().to_string()),
            claimed_at: holder.as_ref().and_then(Holder::since),
            file: absolute(&file),
            tier2_session: tier2_session.as_deref().map(absolute),
            tier2_class,
        }
    }

    /// Every session file the queue holds, for the report: the packages at the top and in
    /// `done/`, and the tier-2 sessions beside them.
    pub fn session_files(&self) -> Vec<PathBuf> {
        let mut files = package_files(&self.dir).0;
        files.extend(package_files(&self.done_dir()).0);
        files
    }
}

/// A path as shown: absolute.
pub fn absolute(p: &Path) -> String {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string()
}

/// A regular file at this name (a link to one is not).
fn is_regular(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|m| m.file_type().is_file())
}

/// The `*.json` regular files (not hidden) directly in `dir`, unordered; and apart, the
/// `*.json` names that are not regular files (links, FIFOs, folders), which are never opened.
fn package_files(dir: &Path) -> (Vec<PathBuf>, Vec<CorruptFile>) {
    let mut files = Vec::new();
    let mut odd = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return (files, odd) };
    for e in entries.filter_map(Result::ok) {
        let n = e.file_name();
        let b = n.as_encoded_bytes();
        if !b.ends_with(b".json") || b.starts_with(b".") {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_file() => files.push(e.path()),
            Ok(t) => odd.push(CorruptFile { path: e.path(), reason: fs::kind_of(t).to_string() }),
            Err(err) => odd.push(CorruptFile { path: e.path(), reason: format!("cannot read: {err}") }),
        }
    }
    (files, odd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_comes_from_env_then_config_then_data() {
        let paths = Paths { config_dir: "/c".into(), data_dir: "/d".into() };
        let none = |_: &str| None;
        assert_eq!(resolve_dir(&paths, None, none), PathBuf::from("/d/queue"));
        assert_eq!(resolve_dir(&paths, Some(Path::new("/share/q")), none), PathBuf::from("/share/q"));
        let env = |k: &str| (k == ENV_QUEUE_DIR).then(|| std::ffi::OsString::from("/env/q"));
        assert_eq!(resolve_dir(&paths, Some(Path::new("/share/q")), env), PathBuf::from("/env/q"));
    }

    #[test]
    fn put_never_replaces() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let q = Queue::at(tmp.path().join("q"));
        let id = "20260120T090000Z-0001";
        assert!(matches!(q.put(id, b"{}"), Ok(Put::Queued(_))));
        assert!(matches!(q.put(id, b"{}"), Ok(Put::AlreadyQueued(_))));
        assert!(matches!(q.put(id, b"{ }"), Err(QueueError::Different { .. })));
        assert!(matches!(q.put("../x", b"{}"), Err(QueueError::BadId(_))));
        assert_eq!(q.state(id), Some(State::Waiting));
        let done = q.complete(id, Some(b"{\"t2\": 1}"));
        assert!(done.is_ok(), "{done:?}");
        assert_eq!(q.state(id), Some(State::Done));
        assert!(matches!(q.put(id, b"{}"), Err(QueueError::AlreadyDone { .. })));
        // A link planted at a package's name is named for what it is, and not followed.
        #[cfg(unix)]
        {
            let other = "20260120T090000Z-0002";
            std::os::unix::fs::symlink("/nowhere", q.waiting_path(other)).expect("link");
            assert!(matches!(q.put(other, b"{}"), Err(QueueError::Link { .. })));
            assert!(q.waiting_path(other).symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()));
        }
        // A second tier-2 session finishing the same package goes beside the first.
        let again = q.complete(id, Some(b"{\"t2\": 2}")).map(|c| c.session);
        assert_eq!(again.ok(), Some(Some(q.done_dir().join(format!("{id}.tier2-2.json")))));
    }
}
