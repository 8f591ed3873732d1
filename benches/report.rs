//! Report benchmarks (divan): `report` over 100,000 generated sessions, against reading the
//! same files whole (what `cat` does with them). Run: `cargo bench --bench report`.
//!
//! The sessions are generated once per run into a temporary folder, 1,000 to a sub-folder
//! (`PASSKEY_TRIAGE_BENCH_SESSIONS` changes the number). Target: the report within 5× the
//! reading, in memory that does not grow with the number of sessions.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use passkey_triage::queue::Queue;
use passkey_triage::report::{Range, scan, synthetic};

fn main() {
    divan::main();
}

fn data() -> &'static Path {
    static DATA: OnceLock<tempfile::TempDir> = OnceLock::new();
    DATA.get_or_init(|| {
        let n = std::env::var("PASSKEY_TRIAGE_BENCH_SESSIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
        let tmp = tempfile::tempdir().expect("temp dir");
        synthetic::write_sessions(&tmp.path().join("sessions"), n, 1000).expect("generate sessions");
        tmp
    })
    .path()
}

/// Every session file read whole into one buffer: the `cat` baseline, without the pipe.
#[divan::bench(sample_count = 7, sample_size = 1)]
fn read_every_file() -> usize {
    let mut files: Vec<PathBuf> = Vec::new();
    scan::walk(&data().join("sessions"), &mut |f| {
        if let scan::Found::File(p) = f {
            files.push(p);
        }
    });
    let mut buf = Vec::new();
    let mut total = 0;
    for f in files {
        buf.clear();
        use std::io::Read;
        if let Ok(mut file) = std::fs::File::open(&f) {
            total += file.read_to_end(&mut buf).unwrap_or(0);
        }
    }
    total
}

/// `passkey-triage report`, in process: walk, read, parse, count.
#[divan::bench(sample_count = 7, sample_size = 1)]
fn report() -> u64 {
    let queue = Queue::at(data().join("queue"));
    scan::report(&data().join("sessions"), &queue, Range::default(), &mut |_| {}).sessions
}
