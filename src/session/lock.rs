//! One writer per session: `<id>.lock` beside the journal file says who is writing it.
//!
//! The file is created if missing and held with an exclusive OS lock (`File::try_lock`) for as
//! long as the wizard runs; it holds the holder's name, process id, host and start time, so a
//! second wizard can say who has the session. The OS drops the lock when its process ends, even
//! by SIGKILL or a power cut, so a lock file whose lock is free is stale: its holder is gone, and
//! the next wizard takes it over. Releasing removes the file.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::text::sanitize_line;

/// Who holds a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The agent's name, else the login name.
    pub holder: String,
    pub pid: u32,
    pub host: String,
    pub since: DateTime<Utc>,
}

impl Holder {
    /// This process, for `holder` (the agent; the login name when None).
    pub fn me(holder: Option<&str>, now: DateTime<Utc>) -> Self {
        let login = || std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
        let holder = holder.map(str::to_string).filter(|h| !h.trim().is_empty()).unwrap_or_else(login);
        Self { holder, pid: std::process::id(), host: host_name(), since: now }
    }
}

/// A held session lock; dropping it releases the lock and removes the file.
#[derive(Debug)]
pub struct SessionLock {
    file: File,
    path: PathBuf,
    id: String,
}

/// Why a session could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process writes this session.
    #[error("{}", held_message(.id, .holder.as_ref()))]
    Held { id: String, holder: Option<Holder> },
    /// Something other than a lock file sits at the lock's name (a link planted there): refused,
    /// never followed, so the session is not written until someone looks.
    #[error("{}: cannot lock: {why}", sanitize_line(&.path.display().to_string()))]
    NotAFile { path: PathBuf, why: &'static str },
    #[error("{}: cannot lock: {source}", sanitize_line(&.path.display().to_string()))]
    Io { path: PathBuf, source: std::io::Error },
}

fn held_message(id: &str, h: Option<&Holder>) -> String {
    let id = sanitize_line(id);
    match h {
        Some(h) => format!(
            "session {id} is open in another wizard: {} (pid {} on {}) since {}; quit that one first, or read it with `passkey-triage export {id}`",
            sanitize_line(&h.holder),
            h.pid,
            sanitize_line(&h.host),
            h.since.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!(
            "session {id} is open in another wizard; quit that one first, or read it with `passkey-triage export {id}`"
        ),
    }
}

impl SessionLock {
    /// Locks session `id` in `dir` (created if missing) for `me`, taking over a stale lock.
    pub fn acquire(dir: &Path, id: &str, me: &Holder) -> Result<Self, LockError> {
        let path = dir.join(format!("{id}.lock"));
        let io = |source| LockError::Io { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        // A few tries: a holder that ends between our open and our lock removes the file we
        // opened, and the lock we then get would be on a file nobody else can see.
        for _ in 0..4 {
            let mut file = open_no_follow(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = Read::by_ref(&mut file).take(4096).read_to_string(&mut text);
                    let holder = serde_json::from_str(&text).ok();
                    return Err(LockError::Held { id: id.to_string(), holder });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let body = serde_json::to_vec(me).unwrap_or_default();
            file.set_len(0)
                .and_then(|_| file.seek(SeekFrom::Start(0)))
                .and_then(|_| file.write_all(&body))
                .map_err(io)?;
            let _ = file.sync_all();
            return Ok(Self { file, path, id: id.to_string() });
        }
        Err(io(std::io::Error::other("the lock file keeps changing")))
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // Remove first, then unlock (on close): a wizard that opens the old file in between
        // finds it locked, or finds it gone and makes a new one.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Opens (creating) the lock file without following a link planted at its name: a link's target
/// would otherwise be truncated to a lock record. A link, or anything but a regular file, is
/// refused and said to be one.
fn open_no_follow(path: &Path) -> Result<File, LockError> {
    const LINK: &str = "is a symbolic link, not followed; remove it";
    let refuse = |why| LockError::NotAFile { path: path.to_path_buf(), why };
    let io = |source| LockError::Io { path: path.to_path_buf(), source };
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO planted at the name must not hang the open.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(LINK));
    }
    let file = options.open(path).map_err(|e| {
        let is_link = path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
        if is_link { refuse(LINK) } else { io(e) }
    })?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(refuse("is not a regular file; remove it"));
    }
    Ok(file)
}

/// Is the open file still the one at `path` (not removed or replaced since we opened it)?
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Windows cannot remove a file another process has open, so the file is always the same one.
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// This machine's name, for the lock message.
#[cfg(unix)]
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or
    // truncates, and we stop at the first NUL or the end.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return String::new();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let me = Holder::me(Some("Ana"), Utc::now());
        let a = SessionLock::acquire(dir.path(), "s1", &me);
        assert!(a.is_ok());
        let e = SessionLock::acquire(dir.path(), "s1", &me).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("session s1 is open in another wizard: Ana (pid "), "{e}");
        drop(a);
        assert!(!dir.path().join("s1.lock").exists());
        assert!(SessionLock::acquire(dir.path(), "s1", &me).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_lock_name_is_refused_and_its_target_left_alone() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let target = dir.path().join("precious.txt");
        assert!(std::fs::write(&target, b"keep me").is_ok());
        assert!(std::os::unix::fs::symlink(&target, dir.path().join("s1.lock")).is_ok());
        let me = Holder::me(Some("Ana"), Utc::now());
        let e = SessionLock::acquire(dir.path(), "s1", &me).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("s1.lock: cannot lock: is a symbolic link, not followed"), "{e}");
        assert_eq!(std::fs::read(&target).ok().as_deref(), Some(&b"keep me"[..]));
        // Still a link (not removed by a drop that never took the lock).
        assert!(dir.path().join("s1.lock").symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()));
    }

    #[test]
    fn a_stale_lock_file_is_taken_over() {
        let Ok(dir) = tempfile::tempdir() else { return };
        // Left by a wizard that was killed: the file is there, nobody holds its lock.
        let dead = Holder { holder: "Bo".into(), pid: u32::MAX, host: "h".into(), since: Utc::now() };
        std::fs::write(dir.path().join("s1.lock"), serde_json::to_vec(&dead).unwrap_or_default()).ok();
        let me = Holder::me(Some("Ana"), Utc::now());
        assert!(SessionLock::acquire(dir.path(), "s1", &me).is_ok());
    }
}
