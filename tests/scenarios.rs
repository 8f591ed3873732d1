//! Golden scenario tests (issue 3, "Tests"; diagnosis contract section 4).
//!
//! Every `tests/scenarios/*.json` is a whole world with one fault (or none). Each one is run
//! through `passkey-triage diagnose --facts FILE --assume-unknown --format json` and must end in
//! its expected class, with a report of exactly the contract's shape.
//!
//! The contract vocabulary is hard-coded here from `docs/diagnosis-contract.md` on purpose, independent
//! of the crate's own vocabulary, so that drift on either side fails a test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use serde_json::{Map, Value};

// ------------------------------------------------------------------------------------------------
// The contract, as written in the contract document (section 1 and 2).
// ------------------------------------------------------------------------------------------------

/// What a contract fact accepts.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// One of these values, or `unknown`.
    Enum(&'static [&'static str]),
    /// Dotted numbers such as `10.0.22631`, `17.5`, `14`.
    Version,
    /// Free text.
    Text,
}

use Kind::{Enum, Text, Version};

const CONTRACT_FACTS: &[(&str, Kind)] = &[
    // Context
    ("phase", Enum(&["sign-in", "registration"])),
    ("flow", Enum(&["same-device", "cross-device"])),
    ("client.kind", Enum(&["browser", "native-app", "device-sign-in"])),
    ("client.os", Enum(&["windows", "macos", "linux", "chromeos", "ios", "android"])),
    ("client.os_version", Version),
    ("client.browser", Enum(&["edge", "chrome", "firefox", "safari", "other"])),
    ("client.browser_version", Version),
    ("client.app", Text),
    ("client.broker", Enum(&["installed", "missing"])),
    ("credential.type", Enum(&["security-key", "authenticator", "synced", "windows-hello"])),
    ("credential.transport", Enum(&["usb", "nfc", "ble"])),
    ("credential.provider", Enum(&["icloud-keychain", "google-password-manager", "third-party"])),
    ("phone.os", Enum(&["ios", "android"])),
    ("phone.os_version", Version),
    // Cross-device hand-off
    ("phone.bluetooth", Enum(&["on", "off"])),
    ("desktop.bluetooth", Enum(&["available", "off", "no-adapter", "blocked-by-policy"])),
    ("phone.internet", Enum(&["yes", "no"])),
    ("desktop.internet", Enum(&["yes", "no"])),
    ("qr.scan", Enum(&["ok", "no-qr-shown", "wrong-camera", "not-recognized"])),
    ("network.hybrid_endpoints", Enum(&["reachable", "blocked"])),
    // Credential state
    ("device.passkey_offered", Enum(&["yes", "no"])),
    ("entra.passkey_registered", Enum(&["yes", "no"])),
    ("authenticator.signed_in", Enum(&["yes", "no"])),
    ("authenticator.provider_enabled", Enum(&["yes", "no"])),
    ("picker.choice", Enum(&["work", "personal"])),
    // Tenant policy
    ("policy.passkey_method", Enum(&["enabled-for-user", "disabled", "not-targeted", "excluded"])),
    ("policy.passkey_type_allowed", Enum(&["yes", "no"])),
    ("policy.aaguid_allowed", Enum(&["yes", "no"])),
    ("policy.attestation_enforced", Enum(&["yes", "no"])),
    ("ca.auth_strength", Enum(&["satisfied", "not-satisfied", "none"])),
    // Evidence and metadata
    ("error.code", Text),
    ("error.message", Text),
    ("user.upn", Text),
    ("signin.correlation_id", Text),
    ("signin.time", Text),
];

const CONTRACT_CLASSES: &[&str] = &[
    "cross-device.phone-bluetooth-off",
    "cross-device.desktop-bluetooth-unavailable",
    "cross-device.qr-handoff",
    "cross-device.connectivity",
    "orphaned-passkey",
    "stale-registration",
    "unsupported-client.browser",
    "unsupported-client.os-version",
    "unsupported-client.native-app",
    "unsupported-client.transport",
    "policy.method-not-enabled",
    "policy.passkey-type-not-allowed",
    "policy.key-restriction",
    "policy.attestation",
    "policy.conditional-access",
    "authenticator.signed-out",
    "authenticator.provider-disabled",
    "picker.wrong-passkey",
    "unclassified",
    // Added in contract v2.
    "authenticator.wrong-profile",
    "sign-in.other-method-first",
    "device-sign-in.not-ready",
    "client.known-issue-many-passkeys",
    "policy.self-service-off",
    "policy.mfa-freshness",
    "policy.registration-blocked-risk",
    "account.not-eligible",
    "account.upn-changed",
    "windows-hello.whfb-conflict",
    "device.disabled",
];

/// The keys of a classified `diagnose` report (contract section 3).
const CLASSIFIED_KEYS: &[&str] =
    &["status", "class", "outcome", "title", "escalate", "remediation", "path", "differential"];
/// The keys of a needs-input `diagnose` report (contract section 3).
const NEEDS_INPUT_KEYS: &[&str] = &["status", "node", "fact", "prompt", "options"];
/// The keys of one path item.
const PATH_ITEM_KEYS: &[&str] = &["node", "fact", "answer", "source"];
const PATH_SOURCES: &[&str] = &["facts", "assumed-unknown", "derived", "imported", "deferred", "skipped"];
/// The keys of one `also` item (contract §9.6).
const ALSO_KEYS: &[&str] = &["class", "outcome"];
/// The keys of one differential item (contract §7).
const DIFFERENTIAL_KEYS: &[&str] = &["fact", "value", "class", "outcome"];

/// Facts every scenario world states (context and tenant policy always matter).
const ALWAYS_STATED: &[&str] = &[
    "phase",
    "flow",
    "client.kind",
    "client.os",
    "client.os_version",
    "credential.type",
    "policy.passkey_method",
    "policy.passkey_type_allowed",
    "policy.aaguid_allowed",
    "policy.attestation_enforced",
    "ca.auth_strength",
];

/// The cross-device hand-off facts a cross-device world states.
const CROSS_DEVICE_FACTS: &[&str] = &[
    "phone.bluetooth",
    "desktop.bluetooth",
    "phone.internet",
    "desktop.internet",
    "qr.scan",
    "network.hybrid_endpoints",
];

/// Healthy values: a world that ends `unclassified` may not state anything else for these.
const HEALTHY: &[(&str, &[&str])] = &[
    ("phone.bluetooth", &["on"]),
    ("desktop.bluetooth", &["available"]),
    ("phone.internet", &["yes"]),
    ("desktop.internet", &["yes"]),
    ("qr.scan", &["ok"]),
    ("network.hybrid_endpoints", &["reachable"]),
    ("authenticator.signed_in", &["yes"]),
    ("authenticator.provider_enabled", &["yes"]),
    ("picker.choice", &["work"]),
    ("policy.passkey_method", &["enabled-for-user"]),
    ("policy.passkey_type_allowed", &["yes"]),
    ("policy.aaguid_allowed", &["yes"]),
    ("policy.attestation_enforced", &["no"]),
    ("ca.auth_strength", &["satisfied", "none"]),
];

/// Facts only an admin can check (contract §1.7): a live call never states them.
const ADMIN_FACTS: &[&str] = &[
    "policy.passkey_method",
    "policy.passkey_type_allowed",
    "policy.aaguid_allowed",
    "policy.attestation_enforced",
    "ca.auth_strength",
    "network.hybrid_endpoints",
];

const PUBLIC_FILES: &[&str] =
    &["public-01.json", "public-02.json", "public-03.json", "public-04.json", "public-05.json"];
const MIN_SCENARIOS: usize = 45;
const MIN_PER_CLASS: usize = 2;
const MIN_HEALTHY: usize = 4;

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scenarios_dir() -> PathBuf {
    manifest_dir().join("tests").join("scenarios")
}

fn contract_kind(key: &str) -> Option<Kind> {
    CONTRACT_FACTS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
}

/// Dotted numbers: `14`, `17.5`, `10.0.22631`.
fn is_version(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// Why `value` is not acceptable for contract fact `key`, if it isn't.
fn check_fact(key: &str, value: &str) -> Result<(), String> {
    match contract_kind(key) {
        None => Err(format!("`{key}` is not a contract fact")),
        Some(Enum(values)) => {
            if value == "unknown" || values.contains(&value) {
                Ok(())
            } else {
                Err(format!("`{key}` = `{value}` is not one of {values:?} or `unknown`"))
            }
        }
        Some(Version) => {
            if value == "unknown" || is_version(value) {
                Ok(())
            } else {
                Err(format!("`{key}` = `{value}` is not a dotted version number"))
            }
        }
        Some(Text) => {
            if value.trim().is_empty() {
                Err(format!("`{key}` is empty"))
            } else {
                Ok(())
            }
        }
    }
}

/// One scenario file.
struct Scenario {
    file: String,
    path: PathBuf,
    name: String,
    facts: BTreeMap<String, String>,
    expect: String,
    /// Contract §4: `"role": "tier1"` walks as tier 1 (a live call: only what the caller knows).
    role: Option<String>,
    /// A tier-1 world whose deciding fact only an admin can check: the escalation's differential
    /// must name this class.
    differential_class: Option<String>,
}

impl Scenario {
    /// A live-call world (`call-<n>.json`): only what a caller knows, walked as tier 1.
    fn is_call(&self) -> bool {
        self.role.as_deref() == Some("tier1")
    }

    /// A harder world (`hard-<n>.json`): two faults, or evidence that points the wrong way.
    fn is_hard(&self) -> bool {
        self.file.starts_with("hard-")
    }
}

/// Loads every scenario; structural problems go to `problems` (one line each).
fn load_scenarios(problems: &mut Vec<String>) -> Vec<Scenario> {
    let dir = scenarios_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        let doc: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{file}: invalid JSON: {e}"));
                continue;
            }
        };
        let Some(obj) = doc.as_object() else {
            problems.push(format!("{file}: not a JSON object"));
            continue;
        };
        let top: BTreeSet<&str> = obj.keys().map(String::as_str).filter(|k| *k != "role").collect();
        if top != BTreeSet::from(["name", "facts", "expect"]) {
            problems
                .push(format!("{file}: top-level keys must be exactly name, facts, expect (and role); got {top:?}"));
        }
        let role = obj.get("role").map(|r| r.as_str().unwrap_or("(not a string)").to_string());
        if let Some(r) = &role
            && r != "tier1"
            && r != "tier2"
        {
            problems.push(format!("{file}: `role` must be tier1 or tier2, not {r}"));
        }
        let name = obj.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        if name.trim().is_empty() {
            problems.push(format!("{file}: `name` must be a non-empty string"));
        }
        let mut differential_class = None;
        let expect = match obj.get("expect").and_then(Value::as_object) {
            Some(e) => {
                let keys: BTreeSet<&str> =
                    e.keys().map(String::as_str).filter(|k| *k != "differential_class").collect();
                if keys != BTreeSet::from(["class"]) {
                    problems.push(format!("{file}: `expect` must hold `class` (and `differential_class`)"));
                }
                differential_class = e.get("differential_class").and_then(Value::as_str).map(str::to_string);
                e.get("class").and_then(Value::as_str).unwrap_or_default().to_string()
            }
            None => {
                problems.push(format!("{file}: missing `expect` object"));
                String::new()
            }
        };
        let mut facts = BTreeMap::new();
        match obj.get("facts").and_then(Value::as_object) {
            Some(f) => {
                for (k, v) in f {
                    match v.as_str() {
                        Some(s) => {
                            facts.insert(k.clone(), s.to_string());
                        }
                        None => problems.push(format!("{file}: fact `{k}` must be a string, not {v}")),
                    }
                }
            }
            None => problems.push(format!("{file}: missing `facts` object")),
        }
        out.push(Scenario { file, path, name, facts, expect, role, differential_class });
    }
    out
}

/// Facts the built-in runbooks declare beyond the contract (`facts[].key` of `runbooks/*.json`).
fn declared_extra_facts() -> BTreeSet<String> {
    let dir = manifest_dir().join("runbooks");
    let mut out = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(doc) = serde_json::from_str::<Value>(&text) else { continue };
        for decl in doc.get("facts").and_then(Value::as_array).into_iter().flatten() {
            if let Some(key) = decl.get("key").and_then(Value::as_str) {
                out.insert(key.to_string());
            }
        }
    }
    out
}

/// Runs `passkey-triage diagnose` on `facts_file` with fresh config and data folders.
fn diagnose(facts_file: &Path, assume_unknown: bool) -> Output {
    diagnose_as(facts_file, assume_unknown, "tier2")
}

/// `diagnose` as a role (contract §5).
fn diagnose_as(facts_file: &Path, assume_unknown: bool, role: &str) -> Output {
    let home = tempfile::tempdir().expect("create a temporary folder for config and data");
    let config = home.path().join("config");
    let data = home.path().join("data");
    std::fs::create_dir_all(&config).expect("create the temporary config folder");
    std::fs::create_dir_all(&data).expect("create the temporary data folder");
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_passkey-triage"));
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", &config)
        .env("PASSKEY_TRIAGE_DATA_DIR", &data)
        .arg("diagnose")
        .arg("--facts")
        .arg(facts_file)
        .args(["--format", "json", "--role", role])
        .timeout(Duration::from_secs(60));
    if assume_unknown {
        cmd.arg("--assume-unknown");
    }
    cmd.output().expect("run passkey-triage diagnose")
}

fn code(out: &Output) -> String {
    out.status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".to_string())
}

fn stderr_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string()
}

/// The one JSON object on stdout.
fn report_object(out: &Output) -> Result<Map<String, Value>, String> {
    let text = String::from_utf8_lossy(&out.stdout);
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|e| format!("stdout is not one JSON object ({e}): {text:.200}"))?;
    match value {
        Value::Object(m) => Ok(m),
        other => Err(format!("stdout is not a JSON object: {other:.200}")),
    }
}

fn exact_keys(obj: &Map<String, Value>, keys: &[&str]) -> Result<(), String> {
    let got: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = keys.iter().copied().collect();
    if got == want { Ok(()) } else { Err(format!("keys {got:?}, contract wants exactly {want:?}")) }
}

fn non_empty_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match obj.get(key).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(format!("`{key}` must be a non-empty string")),
    }
}

/// Checks a classified report against the scenario; returns the problems, one line each.
fn check_classified(s: &Scenario, report: &Map<String, Value>, extras: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    // `also` (contract §9.6) is present only when the known facts establish a second fault.
    let mut required = report.clone();
    if let Some(also) = required.remove("also") {
        match also.as_array() {
            Some(items) if !items.is_empty() => {
                for item in items {
                    match item.as_object() {
                        Some(o) if exact_keys(o, ALSO_KEYS).is_ok() => {}
                        _ => problems.push(format!("`also` items have exactly {ALSO_KEYS:?}: {item}")),
                    }
                }
            }
            _ => problems.push("`also`, when present, is a non-empty array".to_string()),
        }
    }
    if let Err(e) = exact_keys(&required, CLASSIFIED_KEYS) {
        problems.push(e);
    }
    if let Err(e) = non_empty_str(report, "title") {
        problems.push(e);
    }
    match non_empty_str(report, "outcome") {
        Ok(o) => match o.split_once('#') {
            Some((rb, node)) if !rb.is_empty() && !node.is_empty() => {}
            _ => problems.push(format!("`outcome` `{o}` is not `<runbook>#<node>`")),
        },
        Err(e) => problems.push(e),
    }
    let class = report.get("class").and_then(Value::as_str).unwrap_or_default();
    match report.get("escalate").and_then(Value::as_bool) {
        None => problems.push("`escalate` must be a boolean".into()),
        // Unclassified means "escalate to tier 2"; tier 1 can't change tenant policy (issue 3).
        Some(false) if class == "unclassified" || class.starts_with("policy.") => {
            problems.push(format!("`escalate` must be true for class `{class}`"))
        }
        Some(_) => {}
    }
    match report.get("remediation").and_then(Value::as_array) {
        Some(steps) if !steps.is_empty() => {
            if !steps.iter().all(|r| r.as_str().is_some_and(|t| !t.trim().is_empty())) {
                problems.push("`remediation` must hold non-empty strings".into());
            }
        }
        _ => problems.push("`remediation` must be a non-empty array of strings".into()),
    }
    match report.get("differential").and_then(Value::as_array) {
        Some(items) => {
            for (i, item) in items.iter().enumerate() {
                match item.as_object() {
                    Some(item) => {
                        if let Err(e) = exact_keys(item, DIFFERENTIAL_KEYS) {
                            problems.push(format!("differential[{i}]: {e}"));
                        }
                        if item.get("class").and_then(Value::as_str) == Some(class) {
                            problems.push(format!("differential[{i}] names the class reached, `{class}`"));
                        }
                    }
                    None => problems.push(format!("differential[{i}] is not an object")),
                }
            }
        }
        None => problems.push("`differential` must be an array".into()),
    }
    let Some(path) = report.get("path").and_then(Value::as_array) else {
        problems.push("`path` must be an array".into());
        return problems;
    };
    for (i, item) in path.iter().enumerate() {
        let Some(item) = item.as_object() else {
            problems.push(format!("path[{i}] is not an object"));
            continue;
        };
        if let Err(e) = exact_keys(item, PATH_ITEM_KEYS) {
            problems.push(format!("path[{i}]: {e}"));
        }
        let field = |k: &str| item.get(k).and_then(Value::as_str);
        let (Some(node), Some(fact), Some(answer), Some(source)) =
            (field("node"), field("fact"), field("answer"), field("source"))
        else {
            problems.push(format!("path[{i}]: node, fact, answer and source must be strings"));
            continue;
        };
        if node.is_empty() {
            problems.push(format!("path[{i}]: empty `node`"));
        }
        if contract_kind(fact).is_none() && !extras.contains(fact) {
            problems.push(format!(
                "path[{i}] ({node}): fact `{fact}` is neither a contract fact nor declared by a runbook"
            ));
        }
        if !PATH_SOURCES.contains(&source) {
            problems.push(format!("path[{i}] ({node}): source `{source}` is not one of {PATH_SOURCES:?}"));
        }
        match s.facts.get(fact) {
            // A fact the file gives is never asked again nor derived over: it's answered from the file.
            Some(given) => {
                if source != "facts" || answer != given {
                    problems.push(format!(
                        "path[{i}] ({node}): `{fact}` is given as `{given}` in the file but answered `{answer}` from `{source}`"
                    ));
                }
            }
            None => {
                if source == "facts" {
                    problems.push(format!("path[{i}] ({node}): `{fact}` claims source `facts` but the file lacks it"));
                }
                if matches!(source, "assumed-unknown" | "deferred" | "skipped") && answer != "unknown" {
                    problems.push(format!("path[{i}] ({node}): `{fact}` assumed unknown but answered `{answer}`"));
                }
            }
        }
    }
    problems
}

/// Checks a needs-input report; `known` are the facts the input file gave.
fn check_needs_input(
    report: &Map<String, Value>,
    known: &BTreeMap<String, String>,
    extras: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = exact_keys(report, NEEDS_INPUT_KEYS) {
        problems.push(e);
    }
    if report.get("status").and_then(Value::as_str) != Some("needs-input") {
        problems.push(format!("status {:?}, expected \"needs-input\"", report.get("status")));
    }
    if let Err(e) = non_empty_str(report, "node") {
        problems.push(e);
    }
    if let Err(e) = non_empty_str(report, "prompt") {
        problems.push(e);
    }
    match non_empty_str(report, "fact") {
        Ok(fact) => {
            if contract_kind(fact).is_none() && !extras.contains(fact) {
                problems.push(format!("asks for `{fact}`, neither a contract fact nor declared by a runbook"));
            }
            if let Some(v) = known.get(fact) {
                problems.push(format!("asks for `{fact}` although the file gives `{v}` (never ask twice)"));
            }
        }
        Err(e) => problems.push(e),
    }
    match report.get("options").and_then(Value::as_array) {
        Some(opts) => {
            if !opts.iter().all(Value::is_string) {
                problems.push("`options` must hold strings".into());
            }
            if !opts.iter().any(|o| o.as_str() == Some("unknown")) {
                problems.push(format!("`options` {opts:?} lacks `unknown`"));
            }
        }
        None => problems.push("`options` must be an array".into()),
    }
    problems
}

fn fail_all(title: &str, problems: &[String]) {
    if !problems.is_empty() {
        panic!("{title}: {} problem(s)\n{}", problems.len(), problems.join("\n"));
    }
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

/// Scenario files speak only the contract, and each is a whole world.
#[test]
fn scenarios_use_only_the_contract_vocabulary() {
    let mut problems = Vec::new();
    let scenarios = load_scenarios(&mut problems);
    let extras = declared_extra_facts();
    for s in &scenarios {
        let f = &s.file;
        if !CONTRACT_CLASSES.contains(&s.expect.as_str()) {
            problems.push(format!("{f}: expect.class `{}` is not a contract class", s.expect));
        }
        for (k, v) in &s.facts {
            // Calls and harder worlds may state what the caller says about the library's own facts.
            if (s.is_call() || s.is_hard()) && extras.contains(k) {
                continue;
            }
            if let Err(e) = check_fact(k, v) {
                problems.push(format!("{f}: {e}"));
            }
        }
        // File name: <class>-<n>.json, healthy-<n>.json (unclassified), public-NN.json,
        // call-NN.json (a live call, tier 1) or hard-NN.json (two faults, misleading evidence).
        let stem = f.trim_end_matches(".json");
        let prefix = stem.rsplit_once('-').filter(|(_, n)| n.parse::<u32>().is_ok()).map(|(p, _)| p);
        let expected_prefix = if s.expect == "unclassified" { "healthy" } else { s.expect.as_str() };
        if s.is_call() != (prefix == Some("call")) {
            problems.push(format!("{f}: live-call worlds are `call-<n>.json` with \"role\": \"tier1\""));
        }
        if s.is_call() {
            for k in s.facts.keys() {
                if ADMIN_FACTS.contains(&k.as_str()) {
                    problems.push(format!("{f}: a live call can't state `{k}` (only an admin can check it)"));
                }
            }
            continue;
        }
        if !matches!(prefix, Some("public" | "hard")) && prefix != Some(expected_prefix) {
            problems.push(format!("{f}: name should be `{expected_prefix}-<n>.json` for class `{}`", s.expect));
        }
        // Whole world: what always matters, and what this world's shape makes matter.
        let has = |k: &str| s.facts.contains_key(k);
        let is = |k: &str, v: &str| s.facts.get(k).map(String::as_str) == Some(v);
        let mut required: Vec<&str> = ALWAYS_STATED.to_vec();
        if is("flow", "cross-device") {
            required.extend(CROSS_DEVICE_FACTS);
            required.extend(["phone.os", "phone.os_version"]);
        }
        if is("client.kind", "browser") {
            required.extend(["client.browser", "client.browser_version"]);
        }
        if is("client.kind", "native-app") {
            required.push("client.app");
        }
        match s.facts.get("credential.type").map(String::as_str) {
            Some("security-key") => required.push("credential.transport"),
            Some("synced") => required.push("credential.provider"),
            Some("authenticator") => required.extend([
                "phone.os",
                "phone.os_version",
                "authenticator.signed_in",
                "authenticator.provider_enabled",
            ]),
            _ => {}
        }
        if is("phase", "sign-in") {
            required.extend(["device.passkey_offered", "entra.passkey_registered", "picker.choice"]);
        }
        for k in required {
            if !has(k) {
                problems.push(format!("{f}: whole world must state `{k}`"));
            }
        }
        if s.expect == "unclassified" && !s.is_hard() {
            for (k, healthy) in HEALTHY {
                if let Some(v) = s.facts.get(*k)
                    && !healthy.contains(&v.as_str())
                {
                    problems.push(format!("{f}: healthy world has `{k}` = `{v}` (healthy: {healthy:?})"));
                }
            }
            if is("phase", "sign-in") && !(is("device.passkey_offered", "yes") && is("entra.passkey_registered", "yes"))
            {
                problems.push(format!("{f}: healthy sign-in world must have the passkey offered and registered"));
            }
        }
    }
    fail_all("scenario vocabulary", &problems);
}

/// Enough scenarios; every class from at least two different worlds; healthy worlds.
#[test]
fn scenarios_cover_every_class_from_two_worlds() {
    let mut problems = Vec::new();
    let scenarios = load_scenarios(&mut problems);
    if scenarios.len() < MIN_SCENARIOS {
        problems.push(format!("{} scenario files, at least {MIN_SCENARIOS} wanted", scenarios.len()));
    }
    let world = |s: &Scenario| {
        [
            "phase",
            "flow",
            "client.kind",
            "client.os",
            "client.browser",
            "client.app",
            "credential.type",
            "credential.transport",
            "credential.provider",
            "phone.os",
        ]
        .iter()
        .map(|k| s.facts.get(*k).cloned().unwrap_or_default())
        .collect::<Vec<_>>()
    };
    // Every v1 class from two whole worlds; the classes v2 named are covered where they occur.
    for class in &CONTRACT_CLASSES[..19] {
        let of_class: Vec<&Scenario> = scenarios.iter().filter(|s| s.expect == *class).collect();
        let worlds: BTreeSet<Vec<String>> = of_class.iter().map(|s| world(s)).collect();
        if of_class.len() < MIN_PER_CLASS {
            problems
                .push(format!("class `{class}`: {} scenario file(s), at least {MIN_PER_CLASS} wanted", of_class.len()));
        }
        if worlds.len() < MIN_PER_CLASS {
            problems.push(format!(
                "class `{class}`: {} distinct world(s) (OS, browser/app, passkey type, flow, phase), at least {MIN_PER_CLASS} wanted",
                worlds.len()
            ));
        }
    }
    let healthy = scenarios.iter().filter(|s| s.expect == "unclassified").count();
    if healthy < MIN_HEALTHY {
        problems.push(format!("{healthy} healthy (unclassified) worlds, at least {MIN_HEALTHY} wanted"));
    }
    let mut names = BTreeMap::new();
    for s in &scenarios {
        if let Some(other) = names.insert(s.name.clone(), s.file.clone()) {
            problems.push(format!("{}: same name as {other}", s.file));
        }
    }
    fail_all("scenario coverage", &problems);
}

/// The five public examples are included unchanged (compared when `../shared` is present).
#[test]
fn public_examples_are_included_unchanged() {
    let mut problems = Vec::new();
    for f in PUBLIC_FILES {
        if !scenarios_dir().join(f).is_file() {
            problems.push(format!("{f}: missing from tests/scenarios"));
        }
    }
    let shared = manifest_dir().join("..").join("shared").join("examples").join("scenarios");
    if shared.is_dir() {
        for (i, f) in PUBLIC_FILES.iter().enumerate() {
            let original = shared.join(format!("{:02}.json", i + 1));
            let Ok(want) = std::fs::read(&original) else {
                problems.push(format!("{}: cannot read", original.display()));
                continue;
            };
            match std::fs::read(scenarios_dir().join(f)) {
                Ok(got) if got == want => {}
                Ok(_) => problems.push(format!("{f}: differs from {}", original.display())),
                Err(e) => problems.push(format!("{f}: cannot read: {e}")),
            }
        }
    }
    fail_all("public examples", &problems);
}

/// Every scenario, through `diagnose --assume-unknown`, ends in its class with a contract report.
/// Then, without `--assume-unknown` and without the first fact the walk asked, it needs input.
#[test]
fn every_scenario_classifies_as_expected() {
    let mut load_problems = Vec::new();
    let scenarios = load_scenarios(&mut load_problems);
    fail_all("loading scenarios", &load_problems);
    let extras = declared_extra_facts();
    let scratch = tempfile::tempdir().expect("create a temporary folder for reduced facts files");
    let mut failures = Vec::new();
    let mut passed = 0;
    for s in &scenarios {
        let f = &s.file;
        let out = diagnose_as(&s.path, true, s.role.as_deref().unwrap_or("tier2"));
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{f}: expected {}, got exit {} ({})",
                s.expect,
                code(&out),
                report_object(&out)
                    .ok()
                    .and_then(|r| r.get("fact").and_then(Value::as_str).map(|k| format!("needs `{k}`")))
                    .unwrap_or_else(|| stderr_line(&out))
            ));
            continue;
        }
        let report = match report_object(&out) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{f}: expected {}, got {e}", s.expect));
                continue;
            }
        };
        let status = report.get("status").and_then(Value::as_str).unwrap_or("(none)");
        let class = report.get("class").and_then(Value::as_str).unwrap_or("(none)");
        if status != "classified" || class != s.expect {
            let outcome = report.get("outcome").and_then(Value::as_str).unwrap_or("(none)");
            failures.push(format!("{f}: expected {}, got {class} (status {status}, outcome {outcome})", s.expect));
            continue;
        }
        let shape = check_classified(s, &report, &extras);
        if !shape.is_empty() {
            failures.extend(shape.into_iter().map(|p| format!("{f}: class {class} ok, but {p}")));
            continue;
        }
        if let Some(want) = &s.differential_class {
            let named = report
                .get("differential")
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|a| a.get("class").and_then(Value::as_str) == Some(want.as_str())));
            if !named {
                failures.push(format!("{f}: class {class} ok, but the differential doesn't name `{want}`"));
                continue;
            }
        }
        // Drop the first fact the walk took from the file; without --assume-unknown it must ask.
        let first_from_file = report
            .get("path")
            .and_then(Value::as_array)
            .and_then(|p| p.first())
            .filter(|item| item.get("source").and_then(Value::as_str) == Some("facts"))
            .and_then(|item| item.get("fact").and_then(Value::as_str));
        // (Not for two-fault worlds: without one fault's fact, the other fault is the answer.)
        if let Some(dropped) = first_from_file.filter(|_| !s.is_hard()) {
            let mut reduced = s.facts.clone();
            reduced.remove(dropped);
            let reduced_path = scratch.path().join(f);
            let body = serde_json::json!({ "facts": reduced });
            std::fs::write(&reduced_path, body.to_string()).expect("write the reduced facts file");
            let out = diagnose_as(&reduced_path, false, s.role.as_deref().unwrap_or("tier2"));
            // Contract §6: when no answer could change the outcome, the question is skipped (or the
            // other answers already say it: derived) and the walk still ends in the same class.
            let skipped_to_same_class = out.status.code() == Some(0)
                && report_object(&out).is_ok_and(|r| {
                    r.get("class").and_then(Value::as_str) == Some(s.expect.as_str())
                        && r.get("path").and_then(Value::as_array).is_some_and(|p| {
                            p.iter().any(|i| {
                                i.get("fact").and_then(Value::as_str) == Some(dropped)
                                    && matches!(i.get("source").and_then(Value::as_str), Some("skipped" | "derived"))
                            })
                        })
                });
            if skipped_to_same_class {
                passed += 1;
                continue;
            }
            if out.status.code() != Some(3) {
                failures
                    .push(format!("{f} without `{dropped}`: expected exit 3 (needs-input), got exit {}", code(&out)));
                continue;
            }
            let problems = match report_object(&out) {
                Ok(r) => check_needs_input(&r, &reduced, &extras),
                Err(e) => vec![e],
            };
            if !problems.is_empty() {
                failures.extend(problems.into_iter().map(|p| format!("{f} without `{dropped}`: {p}")));
                continue;
            }
        }
        passed += 1;
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} scenario(s) failed ({passed} passed):\n{}",
            scenarios.len() - passed,
            scenarios.len(),
            failures.join("\n")
        );
    }
}

/// No facts at all and no `--assume-unknown`: exit 3 with the contract's needs-input report.
#[test]
fn empty_facts_need_input() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let file = dir.path().join("empty.json");
    std::fs::write(&file, r#"{"facts":{}}"#).expect("write the empty facts file");
    let out = diagnose(&file, false);
    assert_eq!(out.status.code(), Some(3), "empty facts must exit 3 (needs input); stderr: {}", stderr_line(&out));
    let report = report_object(&out).unwrap_or_else(|e| panic!("needs-input report: {e}"));
    let problems = check_needs_input(&report, &BTreeMap::new(), &declared_extra_facts());
    fail_all("needs-input report for empty facts", &problems);
}

/// The checker itself: versions and values.
#[test]
fn vocabulary_checker_rejects_drift() {
    assert!(is_version("10.0.22631") && is_version("14") && is_version("17.10"));
    assert!(!is_version("17.") && !is_version("v17") && !is_version("") && !is_version("17.5 beta"));
    assert!(check_fact("client.os", "windows").is_ok());
    assert!(check_fact("client.os", "unknown").is_ok());
    assert!(check_fact("client.os", "win").is_err());
    assert!(check_fact("phone.os_version", "16.7").is_ok());
    assert!(check_fact("phone.os_version", "sixteen").is_err());
    assert!(check_fact("client.browser_version", "124.0.2478.80").is_ok());
    assert!(check_fact("device.offered", "yes").is_err());
    assert_eq!(CONTRACT_FACTS.len(), 35, "the contract lists 35 facts");
    assert_eq!(CONTRACT_CLASSES.len(), 30, "the contract lists 19 classes and v2 names 11 more");
}
