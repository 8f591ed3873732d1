//! Fuzz targets: one function per parser of outside input, each taking arbitrary bytes and
//! required never to panic, hang or allocate without bound. Two drivers call these same
//! functions: `fuzz/` (cargo-fuzz, the long local run) and `tests/fuzz_parsers.rs` (a fixed
//! budget of random and mutated inputs inside `cargo test`).
//!
//! Adding a parser: add a function here, a `fuzz/fuzz_targets/<name>.rs` that calls it, and a
//! line in `tests/fuzz_parsers.rs`.

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

/// A sign-in log in any format (`import FILE`, `--signin-log`, a paste into the wizard):
/// detection, every format's reader, the limits, selection and the rules. The facts file it
/// prints must carry no hostile character.
pub fn signin_log(data: &[u8]) {
    let query = crate::import::Query::default();
    if let Ok(imported) = crate::import::import("fuzz", data, &query, 3) {
        assert!(crate::text::is_clean(&imported.to_facts_json()), "an imported fact passed a hostile character on");
    }
}

/// The importer's field handling: the bytes as the value of every field it reads, in every
/// format — as a JSON string and as raw JSON (Graph, diagnostic settings, `az monitor`, Log
/// Analytics text columns) and as a CSV cell — each document then imported as [`signin_log`].
pub fn signin_fields(data: &[u8]) {
    let Some(raw) = text(data) else { return };
    // A field's worth: the limits for long fields have their own tests.
    let end = (0..=raw.len().min(1024)).rev().find(|&i| raw.is_char_boundary(i)).unwrap_or(0);
    let raw = &raw[..end];
    let quoted = serde_json::to_string(raw).unwrap_or_default();
    for v in [quoted.as_str(), raw] {
        let graph = [
            ("createdDateTime", v.to_string()),
            ("userPrincipalName", v.to_string()),
            ("appId", v.to_string()),
            ("clientAppUsed", v.to_string()),
            ("isInteractive", v.to_string()),
            ("signInEventTypes", format!("[{v}]")),
            ("userAgent", v.to_string()),
            ("status", format!("{{\"errorCode\": {v}}}")),
            ("deviceDetail", format!("{{\"operatingSystem\": {v}, \"browser\": {v}}}")),
            (
                "authenticationDetails",
                format!("[{{\"authenticationMethod\": {v}, \"authenticationMethodDetail\": {v}}}]"),
            ),
            (
                "appliedConditionalAccessPolicies",
                format!(
                    "[{{\"result\": {v}, \"enforcedGrantControls\": [{v}], \"authenticationStrength\": {{\"authenticationStrengthResult\": {v}}}}}]"
                ),
            ),
        ];
        for (field, value) in &graph {
            signin_log(format!("[{{\"correlationId\": \"c\", \"{field}\": {value}}}]").as_bytes());
            let record = format!(
                "{{\"time\": \"t\", \"category\": \"SignInLogs\", \"properties\": {{\"correlationId\": \"c\", \"{field}\": {value}}}}}"
            );
            signin_log(record.as_bytes());
        }
        for column in ["CreatedDateTime", "UserPrincipalName", "ResultType", "IsInteractive", "Category", "UserAgent"] {
            signin_log(format!("[{{\"CorrelationId\": \"c\", \"{column}\": {v}}}]").as_bytes());
            let table = format!(
                "{{\"tables\": [{{\"columns\": [{{\"name\": \"CorrelationId\"}}, {{\"name\": \"{column}\"}}], \"rows\": [[\"c\", {v}]]}}]}}"
            );
            signin_log(table.as_bytes());
        }
        // Dynamic columns as JSON text inside a string.
        for (column, inner) in
            [("Status", &graph[7].1), ("DeviceDetail", &graph[8].1), ("AuthenticationDetails", &graph[9].1)]
        {
            let text = serde_json::to_string(inner).unwrap_or_default();
            signin_log(format!("[{{\"CorrelationId\": \"c\", \"{column}\": {text}}}]").as_bytes());
        }
    }
    // A CSV cell in each column the importer reads.
    let cell = format!("\"{}\"", raw.replace('"', "\"\""));
    let header = "Date (UTC),Username,Correlation ID,Sign-in error code,Client app,Application ID,Browser,Operating System,User agent,Status,Multifactor authentication auth method,Multifactor authentication auth detail,Conditional Access";
    let columns = header.split(',').count();
    for i in 0..columns {
        let row: Vec<&str> = (0..columns).map(|j| if i == j { cell.as_str() } else { "x" }).collect();
        signin_log(format!("{header}\n{}\n", row.join(",")).as_bytes());
    }
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
    ("signin_log", signin_log),
    ("signin_fields", signin_fields),
];
