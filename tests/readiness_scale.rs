//! `readiness` memory follows the inventory, never the sign-in log: the same 2,000 devices with
//! eight times the sign-in entries peak at about the same heap (measured by the tests' counting
//! allocator; no timing). The full-scale figure (100,000 devices, 1,000,000 entries) is in the
//! README, measured with the release binary.

mod peak_alloc;

use passkey_triage::readiness::usage::Usage;
use passkey_triage::readiness::{Estate, Evaluator, PasskeyType, Summary, inventory, synthetic};
use passkey_triage::runbook::RunbookSet;
use peak_alloc::{Peak, peak_of};

#[global_allocator]
static GLOBAL: Peak = Peak;

/// Peak heap of reading `devices` devices and `signins` entries and summarising them.
fn peak(set: &RunbookSet, devices: u64, signins: u64) -> (Summary, usize) {
    let tmp = tempfile::tempdir().expect("tmp");
    let pages = synthetic::write_devices(tmp.path(), devices, 500).expect("devices");
    let log = tmp.path().join("signins.json");
    synthetic::write_signins(&log, devices, signins).expect("sign-ins");
    peak_of(|| {
        let mut all = Vec::new();
        for p in &pages {
            inventory::read_file(&p.to_string_lossy(), &mut std::io::empty(), &mut |d| all.push(d)).expect("read");
        }
        let mut usage = Usage::new(&all);
        usage.read_file(&log.to_string_lossy(), &mut std::io::empty()).expect("log");
        let estate = Estate::new(all, usage);
        Summary::build(&estate, &Evaluator::new(&set.matrix), &PasskeyType::ALL)
    })
}

#[test]
fn memory_follows_the_inventory_not_the_log() {
    let set = RunbookSet::builtin().expect("built-ins");
    let (small, small_peak) = peak(&set, 2_000, 10_000);
    let (big, big_peak) = peak(&set, 2_000, 80_000);
    assert_eq!((small.devices, big.devices), (2_000, 2_000));
    assert_eq!(big.usage.entries, 80_000);
    assert!(big.usage.by_device > 0 && big.usage.by_user > 0 && big.usage.unmatched > 0);
    // Eight times the log, at most a quarter more heap (the log is ~25 MB; nothing of it stays).
    assert!(
        big_peak < small_peak + small_peak / 4,
        "peak {small_peak} bytes for 10,000 entries, {big_peak} for 80,000"
    );
    assert!(big_peak < 32 * 1024 * 1024, "peak {big_peak} bytes");
}
