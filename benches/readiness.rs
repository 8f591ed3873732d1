//! `readiness` at scale (issue 22): 100,000 devices (100 Graph pages) and 1,000,000 sign-in
//! entries, generated once into `target/bench-readiness/` (about 420 MB). Prints the peak heap
//! of one whole run (read, join, evaluate, summarise), measured by the tests' counting
//! allocator; benches reading the inventory, reading the log, and evaluating.
//! Run: `cargo bench --bench readiness -- --sample-count 3`.

use std::path::PathBuf;
use std::sync::OnceLock;

use passkey_triage::readiness::usage::Usage;
use passkey_triage::readiness::{Device, Estate, Evaluator, PasskeyType, Summary, inventory, synthetic};
use passkey_triage::runbook::RunbookSet;

// The tests' counting allocator, shared rather than copied.
#[path = "../tests/peak_alloc/mod.rs"]
mod peak_alloc;
use peak_alloc::{Peak, peak_of};

#[global_allocator]
static GLOBAL: Peak = Peak;

const DEVICES: u64 = 100_000;
const SIGNINS: u64 = 1_000_000;

fn main() {
    let (summary, peak) = peak_of(run_all);
    eprintln!(
        "readiness: {} devices, {} users, {} sign-ins; peak heap {:.1} MB",
        summary.devices,
        summary.users,
        summary.usage.entries,
        peak as f64 / 1e6
    );
    divan::main();
}

struct Files {
    pages: Vec<PathBuf>,
    log: PathBuf,
}

/// The generated estate, made once and kept in `target/` between runs.
fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-readiness");
        let done = dir.join("estate.done");
        let log = dir.join("signins.json");
        if !done.exists() {
            synthetic::write_devices(&dir, DEVICES, 1000).expect("devices");
            synthetic::write_signins(&log, DEVICES, SIGNINS).expect("sign-ins");
            std::fs::write(&done, "").expect("done");
        }
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("devices-")))
            .collect();
        pages.sort();
        Files { pages, log }
    })
}

fn set() -> &'static RunbookSet {
    static SET: OnceLock<RunbookSet> = OnceLock::new();
    SET.get_or_init(|| RunbookSet::builtin().expect("built-ins"))
}

fn devices() -> Vec<Device> {
    let mut all = Vec::new();
    for p in &files().pages {
        inventory::read_file(&p.to_string_lossy(), &mut std::io::empty(), &mut |d| all.push(d)).expect("read");
    }
    all
}

fn usage(all: &[Device]) -> Usage {
    let mut usage = Usage::new(all);
    usage.read_file(&files().log.to_string_lossy(), &mut std::io::empty()).expect("log");
    usage
}

fn run_all() -> Summary {
    let all = devices();
    let usage = usage(&all);
    let estate = Estate::new(all, usage);
    Summary::build(&estate, &Evaluator::new(&set().matrix), &PasskeyType::ALL)
}

/// Reading 100 Graph pages of 1,000 devices.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn read_inventory_100k() -> usize {
    devices().len()
}

/// Reading and joining 1,000,000 sign-in entries.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn read_signins_1m(b: divan::Bencher) {
    let all = devices();
    b.bench(|| usage(&all).stats.entries);
}

/// Evaluating 100,000 devices and their users for four types and two phases.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn evaluate_100k(b: divan::Bencher) {
    let all = devices();
    let u = usage(&all);
    let estate = Estate::new(all, u);
    b.bench(|| Summary::build(&estate, &Evaluator::new(&set().matrix), &PasskeyType::ALL).devices);
}
