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
            if std::fs::read(target).is_ok_and(|b| b == bytes) {
                Ok(())
            } else {
                Err(e)
            }
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
