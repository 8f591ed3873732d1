//! 100,000 saved sessions (issue 10): `sessions` (the listing), `export PREFIX` / `--resume
//! PREFIX` (finding one session) and the start screen (the newest unfinished calls). Prints the
//! peak heap of one listing, measured by a counting allocator.
//! Run: `cargo bench --bench sessions_scale` (the first run writes the 100,000 files, ~1 GB).

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{Duration, TimeZone, Utc};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::journal::Journal;
use passkey_triage::session::{CallInfo, Session};

// The tests' counting allocator, shared rather than copied.
#[path = "../tests/peak_alloc/mod.rs"]
mod peak_alloc;
use peak_alloc::{Peak, peak_of};

#[global_allocator]
static GLOBAL: Peak = Peak;

const SESSIONS: usize = 100_000;

fn main() {
    let dir = folder();
    let journal = Journal::at(dir);
    let ((list, _), peak) = peak_of(|| journal.list());
    eprintln!("sessions: {} listed, peak heap {:.1} MB", list.len(), peak as f64 / 1e6);
    drop(list);
    divan::main();
}

/// A folder of 100,000 finished sessions (one unfinished in 100), made once and kept in
/// `target/` between runs.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-sessions-100k");
        let done = dir.join("sessions.done");
        if done.exists() {
            return dir;
        }
        let set = RunbookSet::builtin().expect("built-ins");
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).single().expect("time");
        let walk = passkey_triage::engine::Walk::start(&set, Vec::new(), Default::default(), t0).expect("walk");
        let call =
            CallInfo { ticket: Some("INC0".into()), agent: Some("Ana".into()), user: Some("j@contoso.com".into()) };
        let mut s = Session::new("x".into(), call, &set, walk, t0, 60);
        s.notes = "User on DESKTOP-7QK2M1P; tried twice; error AADSTS135011.\n".repeat(10);
        std::fs::create_dir_all(&dir).expect("dir");
        for i in 0..SESSIONS {
            let t = t0 + Duration::minutes(i as i64 * 5);
            let mut s = s.clone();
            s.id = passkey_triage::session::new_id(t, i as u32);
            s.started_at = t;
            s.ticket = Some(format!("INC{i:07}"));
            if i % 100 != 0 {
                s.status = passkey_triage::session::Status::Classified;
                s.ended_at = Some(t + Duration::minutes(4));
            }
            let json = serde_json::to_vec_pretty(&s).expect("json");
            std::fs::write(dir.join(format!("{}.json", s.id)), json).expect("write");
        }
        std::fs::write(&done, "").expect("done");
        dir
    })
}

/// `passkey-triage sessions`: every session's summary, newest first.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn list_100k() -> usize {
    Journal::at(folder()).list().0.len()
}

/// `export PREFIX` / `--resume PREFIX`: one session found by a unique id prefix.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn find_by_prefix_100k() -> String {
    Journal::at(folder()).load("20260305T1005").map(|s| s.id).unwrap_or_default()
}

/// The start screen: the newest unfinished calls among the newest 40 files.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn start_screen_100k() -> usize {
    Journal::at(folder()).recent_unfinished(5, 40).0.len()
}
