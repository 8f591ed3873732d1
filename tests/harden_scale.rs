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

/// The counting allocator sees every thread: the two tests take turns, or one's allocations
/// would count towards the other's peak.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn listing_holds_a_summary_per_session_and_a_prefix_reads_one_file() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
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

/// `pattern` repeated for `len` bytes, generated as it is read (nothing held).
struct Repeated {
    pattern: &'static [u8],
    at: usize,
    left: u64,
}

impl std::io::Read for Repeated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        for b in &mut buf[..n] {
            *b = self.pattern[self.at];
            self.at = (self.at + 1) % self.pattern.len();
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Issue 18: an import holds little memory whatever the input: a huge string (in a field the
/// importer keeps or one it skips), a huge number, NUL bytes without a line break, a huge CSV
/// row, an entry or a table's rows of many small values — each refused at its place before a parser buffers it.
#[test]
fn an_import_refuses_overlong_fields_rows_and_entries_in_bounded_memory() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    use std::io::{Cursor, Read};

    use passkey_triage::import::{Query, import};

    const HUGE: u64 = 48 * 1024 * 1024;
    let cases: [(&str, &'static [u8], &str, &str, &str); 8] = [
        ("[{\"correlationId\": \"c\", \"userAgent\": \"", b"x", "\"}]", "big:1:", "a string longer than"),
        ("{\"correlationId\": \"c\", \"ignored\": \"", b"x", "\"}", "big:1:", "a string longer than"),
        ("[{\"correlationId\": \"c\", \"status\": {\"errorCode\": 1", b"0", "}}]", "big:1:", "a value longer than"),
        ("", b"\0", "", "big:1:", "a row longer than"),
        (
            "Date (UTC),Username,Correlation ID,Sign-in error code,Client app,Application ID,Browser,Operating System\n\"",
            b"a",
            "\"\n",
            "big:2:",
            "a row longer than",
        ),
        (
            "[{\"correlationId\": \"c\", \"signInEventTypes\": [\"\"",
            b",\"\"",
            "]}]",
            "big:1:",
            "one entry spans more than",
        ),
        ("{\"correlationId\": \"c\", \"other\": [0", b",0", "]}", "big:1:", "one entry spans more than"),
        ("{\"tables\": [{\"rows\": [[0", b",0", "]]}]}", "big:1:", "one entry spans more than"),
    ];
    for (prefix, pattern, suffix, place, what) in cases {
        let input = Cursor::new(prefix.as_bytes().to_vec())
            .chain(Repeated { pattern, at: 0, left: HUGE })
            .chain(Cursor::new(suffix.as_bytes().to_vec()));
        let (r, peak) = peak_of(|| import("big", input, &Query::default(), 3));
        let err = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with(place) && err.contains(what), "{prefix:?}: {err}");
        eprintln!("{prefix:?}: peak {peak} bytes");
        assert!(peak < 40 * 1024 * 1024, "{prefix:?}: peak {peak} bytes");
    }
}
