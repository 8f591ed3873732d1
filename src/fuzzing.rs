//! Fuzz targets: one function per parser of outside input, each taking arbitrary bytes and
//! required never to panic, hang or allocate without bound. Two drivers call these same
//! functions: `fuzz/` (cargo-fuzz, the long local run) and `tests/fuzz_parsers.rs` (a fixed
//! budget of random and mutated inputs inside `cargo test`).
//!
//! Adding a parser: add a function here, a `fuzz/fuzz_targets/<name>.rs` that calls it, and a
//! line in `tests/fuzz_parsers.rs`. Sign-in logs: the importer's parser gets its target here once
//! its module lands (`pub fn signin_log(data: &[u8])`).

use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};

use crate::runbook::{Origin, RunbookSet, SourceFile};

/// The built-in set, parsed once (what facts and packages are checked against).
fn builtin() -> Option<&'static RunbookSet> {
    static SET: OnceLock<Option<RunbookSet>> = OnceLock::new();
    SET.get_or_init(|| RunbookSet::builtin().ok()).as_ref()
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A facts file (`diagnose --facts`, the wizard's `--facts`).
pub fn facts(data: &[u8]) {
    let (Some(t), Some(set)) = (text(data), builtin()) else { return };
    let _ = crate::facts_file::parse("fuzz.json", t, &set.vocab);
}

/// A runbook file, as `read_runbook_file` parses it after reading; then the linter on it, in the
/// built-in set, when it parses.
pub fn runbook(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if crate::input::check_unique_keys(t.as_bytes()).is_err() {
        return;
    }
    let file = Arc::new(SourceFile::new(Origin::File("fuzz.json".into()), t.to_string()));
    let Ok(rb) = crate::runbook::load::parse_json::<crate::runbook::Runbook>(&file) else { return };
    let Some(base) = builtin() else { return };
    let mut rbs = base.runbooks.clone();
    rbs.push(crate::runbook::LoadedRunbook::new(rb, file));
    let set = RunbookSet::new(rbs, base.matrix.clone(), base.matrix_file.clone());
    let only = std::collections::HashSet::from(["fuzz.json".to_string()]);
    let _ = crate::runbook::lint::lint(&set, Some(&only), crate::runbook::lint::LintScope { full_set: false });
}

/// A session file (the journal, `export FILE`, `--resume FILE`); then every export of it.
pub fn session(data: &[u8]) {
    let Ok(s) = crate::session::journal::parse_session(data) else { return };
    for format in crate::export::Format::ALL {
        for redact in [false, true] {
            let out = crate::export::render(&s, format, crate::export::Options { redact });
            assert!(crate::text::is_clean(&out), "an export passed a hostile character on");
        }
    }
}

/// An escalation package (`open FILE`): parsed, then continued as a new session.
pub fn package(data: &[u8]) {
    let (Ok(original), Some(set)) = (crate::session::journal::parse_session(data), builtin()) else { return };
    let now = Utc.with_ymd_and_hms(2026, 1, 20, 14, 0, 0).single().unwrap_or_default();
    let _ = crate::session::package::continue_session(
        &original,
        set,
        now,
        0,
        "20260120T140000Z-f022".into(),
        crate::session::CallInfo::default(),
    );
}

/// `config.toml`.
pub fn config(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let _ = crate::config::Config::parse("config.toml", t);
}

/// The duplicate-key check every JSON input goes through.
pub fn json_keys(data: &[u8]) {
    let _ = crate::input::check_unique_keys(data);
}

/// A fuzz target: any bytes in, no panic out.
pub type Target = fn(&[u8]);

/// Every target by name (for drivers that loop over them).
pub const TARGETS: &[(&str, Target)] = &[
    ("facts", facts),
    ("runbook", runbook),
    ("session", session),
    ("package", package),
    ("config", config),
    ("json_keys", json_keys),
];
