//! File operations that are safe on a folder shared by a whole team, SMB shares included: new
//! names only (a file is never replaced), complete files only where the file system allows it,
//! no locks.

use std::io::Write;
use std::path::Path;

use crate::session::journal::write_atomic;

/// Writes `bytes` to `target`, which must not exist yet (`AlreadyExists` otherwise; nothing is
/// touched then).
///
/// The bytes go to a temporary file in `dir` first, which is fsynced and given the name with
/// rename-without-replace (Linux, macOS, Windows) or a hard link, so readers see a complete
/// file or none. A share that offers neither (some SMB mounts) gets the name created exclusively
/// and written in place: readers may then see a short file for a moment, which they report and
/// skip.
pub fn write_new(dir: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let atomic = match write_atomic(dir, target, bytes, false) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(e) => e,
    };
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(target) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => return Err(atomic),
    };
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    if let Err(e) = written {
        // The name is ours (created exclusively above): don't leave a torn file behind.
        drop(file);
        let _ = std::fs::remove_file(target);
        return Err(e);
    }
    Ok(())
}

/// Like [`write_new`], but a `target` already holding exactly these bytes is fine too.
pub fn write_new_or_same(dir: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match write_new(dir, target, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if read_regular_nofollow(target, bytes.len() as u64).is_ok_and(|b| b == bytes) { Ok(()) } else { Err(e) }
        }
        other => other,
    }
}

/// Creates `target` exclusively (`create_new`: fails with `AlreadyExists` if anyone created it
/// first, even on an SMB share) and writes `bytes` to it.
pub fn create_exclusive(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(target)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// What a non-regular entry is, for messages (`lstat`: a link is a link, wherever it points).
pub fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_symlink() {
        return "a symbolic link (the queue follows no links)";
    }
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Why a queue file or folder is refused.
fn refused(path: &Path, what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{} is {what}", path.display()))
}

/// Reads a regular file of at most `limit` bytes without following a link at its name:
/// `lstat` first, then opened with `O_NOFOLLOW` (and without blocking, so a FIFO swapped in
/// between can't hang us), then checked again on the open file.
pub fn read_regular_nofollow(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Err(refused(path, kind_of(meta.file_type())));
    }
    let file = open_nofollow(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refused(path, kind_of(meta.file_type())));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("larger than {limit} bytes")));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nofollow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)
}

/// Windows: the `lstat` check above is what stands (reparse points are not regular files).
#[cfg(not(unix))]
fn open_nofollow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A folder of the queue (`claims/`, `done/`) that the tool writes into: created when missing,
/// refused when it is a link or anything but a folder, so nothing is written outside the queue.
pub fn real_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_dir() => Ok(()),
        Ok(m) => Err(refused(dir, kind_of(m.file_type()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match std::fs::create_dir(dir) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => real_dir_exists(dir),
                other => other,
            }
        }
        Err(e) => Err(e),
    }
}

/// Deletes the entries `names` (plain names, no `/`) of folder `dir`, and nothing else: the
/// folder is opened without following a link and each name is removed relative to that open
/// folder (`unlinkat`), so swapping `dir` for a link in between can't delete anything outside
/// it. A name that is a link loses the link, never its target. Names already gone are fine.
#[cfg(unix)]
pub fn remove_in_dir(dir: &Path, names: &[String]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let folder = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(dir)?;
    for name in names {
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(refused(Path::new(name), "not a plain file name"));
        }
        let c_name = std::ffi::CString::new(name.as_bytes())?;
        // SAFETY: `folder` is an open directory for the whole call and `c_name` a NUL-terminated
        // string that outlives it; flags 0 removes a non-directory entry only.
        let rc = unsafe { libc::unlinkat(folder.as_raw_fd(), c_name.as_ptr(), 0) };
        if rc != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Windows: the folder is checked with `lstat` first (a junction or link is not a folder here).
#[cfg(not(unix))]
pub fn remove_in_dir(dir: &Path, names: &[String]) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.file_type().is_dir() {
        return Err(refused(dir, kind_of(meta.file_type())));
    }
    for name in names {
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(refused(Path::new(name), "not a plain file name"));
        }
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Someone created it at the same moment: it must still be a folder.
fn real_dir_exists(dir: &Path) -> std::io::Result<()> {
    let m = std::fs::symlink_metadata(dir)?;
    if m.file_type().is_dir() { Ok(()) } else { Err(refused(dir, kind_of(m.file_type()))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_replaces() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let target = tmp.path().join("a.json");
        assert!(write_new(tmp.path(), &target, b"one").is_ok());
        let e = write_new(tmp.path(), &target, b"two").err().map(|e| e.kind());
        assert_eq!(e, Some(std::io::ErrorKind::AlreadyExists));
        assert_eq!(std::fs::read(&target).ok().as_deref(), Some(&b"one"[..]));
        assert!(write_new_or_same(tmp.path(), &target, b"one").is_ok());
        assert!(write_new_or_same(tmp.path(), &target, b"two").is_err());
        let claim = tmp.path().join("c");
        assert!(create_exclusive(&claim, b"x").is_ok());
        assert!(create_exclusive(&claim, b"y").is_err());
        // No temporary files left behind.
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
