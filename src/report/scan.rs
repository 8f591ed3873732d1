//! Reads the sessions folder (recursively: a team may gather everyone's folders under one) and
//! the tier-2 queue, one file at a time into one reused buffer, and feeds the aggregator. Memory
//! stays bounded by the aggregates plus the ids of the queue's packages (to count a session in
//! both places once), whatever the number of sessions.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Aggregator, QueueCounts, Range, Report};
use crate::queue::{ClaimIndex, Queue};
use crate::session::digest::{Digest, read_session_bytes};
use crate::session::journal::CorruptFile;

/// The report over `sessions_dir` and `queue`, for sessions started within `range`. Files that
/// can't be read as sessions are passed to `skipped` and counted; they are never touched.
pub fn report(sessions_dir: &Path, queue: &Queue, range: Range, skipped: &mut dyn FnMut(CorruptFile)) -> Report {
    let mut agg = Aggregator::new(range);
    let mut buf = Vec::with_capacity(64 * 1024);
    // The queue first: its copies decide (a package counts as escalated), and the same session
    // met again in the sessions folder is not counted twice.
    let mut seen: HashSet<String> = HashSet::new();
    for file in queue.session_files() {
        let is_package = file.file_stem().and_then(|s| s.to_str()).is_some_and(crate::session::is_valid_id);
        // A package is `<id>.json`: one saying it is another session is not counted as that one.
        let read = read(&file, &mut buf).and_then(|d| match crate::queue::misnamed(&file, &d.id) {
            Some(reason) if is_package => Err(CorruptFile { path: file.clone(), reason }),
            _ => Ok(d),
        });
        match read {
            Ok(d) => {
                if seen.insert(d.id.to_string()) {
                    agg.add(&d, is_package);
                }
            }
            Err(c) => {
                agg.skip();
                skipped(c);
            }
        }
    }
    agg.set_queue(queue_counts(queue));
    walk(sessions_dir, &mut |found| match found {
        Found::File(file) => match read(&file, &mut buf) {
            Ok(d) => {
                if seen.is_empty() || !seen.contains(d.id.as_str()) {
                    agg.add(&d, false);
                }
            }
            Err(c) => {
                agg.skip();
                skipped(c);
            }
        },
        Found::Unreadable(c) => skipped(c),
    });
    agg.finish()
}

fn read<'b>(file: &Path, buf: &'b mut Vec<u8>) -> Result<Digest<'b>, CorruptFile> {
    let corrupt = |reason: String| CorruptFile { path: file.to_path_buf(), reason };
    read_session_bytes(file, buf).map_err(corrupt)?;
    Digest::parse(buf).map_err(corrupt)
}

/// What [`walk`] meets.
pub enum Found {
    /// A `*.json` regular file.
    File(PathBuf),
    /// A folder that could not be read.
    Unreadable(CorruptFile),
}

/// Every `*.json` entry that isn't a folder or a link under `dir` (not hidden; symbolic links are not followed, so a
/// link loop can't hang the report), and every folder that can't be read. A missing `dir` is
/// simply empty.
pub fn walk(dir: &Path, each: &mut dyn FnMut(Found)) {
    let mut stack = vec![dir.to_path_buf()];
    let mut first = true;
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if first && e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                each(Found::Unreadable(CorruptFile { path: d, reason: format!("cannot read folder: {e}") }));
                continue;
            }
        };
        first = false;
        let mut files = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let bytes = name.as_encoded_bytes();
            if bytes.starts_with(b".") {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_symlink() => {}
                // A FIFO, socket or device named `*.json` is read (refused unread) and counted
                // as unreadable, as `sessions` reports it.
                Ok(_) if bytes.ends_with(b".json") => files.push(entry.path()),
                _ => {}
            }
        }
        // In name order (the start time) within a folder, for a stable order of stderr lines.
        files.sort_unstable();
        for f in files {
            each(Found::File(f));
        }
    }
}

/// Packages by state, from the names of the queue's files (nothing parsed; `claims/` read once).
pub fn queue_counts(queue: &Queue) -> QueueCounts {
    let mut c = QueueCounts::default();
    let ids = |dir: &Path| -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".json").map(str::to_string))
            .filter(|id| crate::session::is_valid_id(id))
            .collect()
    };
    let done: HashSet<String> = ids(&queue.done_dir()).into_iter().collect();
    c.done = done.len() as u64;
    let claims = ClaimIndex::read(&queue.claims_dir());
    for id in ids(queue.dir()) {
        if done.contains(&id) {
            continue;
        }
        if claims.is_claimed(&id) {
            c.claimed += 1;
        } else {
            c.waiting += 1;
        }
    }
    c
}
