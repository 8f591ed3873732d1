//! Issue 10, failure 7: with many saved sessions, `sessions` holds a summary per session (not
//! the sessions) and `export PREFIX` / `--resume PREFIX` read only the match. Measured as peak
//! heap with a counting allocator (no timing); the 100,000-session figures are in the README
//! (`cargo bench --bench sessions_scale`).

mod common;
mod peak_alloc;

use chrono::Duration;
use common::*;
use passkey_triage::session::journal::Journal;
use peak_alloc::{Peak, peak_of};

#[global_allocator]
static GLOBAL: Peak = Peak;

#[test]
fn listing_holds_a_summary_per_session_and_a_prefix_reads_one_file() {
    const N: usize = 2_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let set = fixture_set();
    let mut s = escalated_session(&set);
    s.notes = s.notes.repeat(40);
    let journal = Journal::at(dir.path());
    let mut ids = Vec::new();
    for i in 0..N {
        let mut s = s.clone();
        s.started_at += Duration::minutes(i as i64);
        s.id = passkey_triage::session::new_id(s.started_at, i as u32);
        // Written directly: the journal's fsync per file would make this test slow.
        let json = serde_json::to_vec_pretty(&s).expect("json");
        std::fs::write(journal.path_of(&s.id).expect("path"), json).expect("write");
        ids.push(s.id);
    }
    let file_size = std::fs::metadata(journal.path_of(&ids[0]).expect("path")).expect("meta").len() as usize;

    let ((list, corrupt), peak) = peak_of(|| journal.list());
    assert_eq!((list.len(), corrupt.len()), (N, 0));
    // A summary and its index line are about a kilobyte; holding the sessions took twice a
    // file's size each.
    assert!(peak < N * 2048 + 4 * file_size, "list: peak {peak} bytes for {N} sessions of {file_size} bytes");
    drop(list);

    let prefix = &ids[1234][..ids[1234].len() - 2];
    let (found, peak) = peak_of(|| journal.load(prefix).map(|s| s.id));
    assert_eq!(found.ok().as_deref(), Some(ids[1234].as_str()));
    assert!(peak < N * 256 + 20 * file_size, "prefix: peak {peak} bytes");
}
