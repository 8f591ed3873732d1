//! Coverage, generated (issue 19): every documented cause in every context where it exists.
//!
//! Worlds are built from a table of contexts (phase × flow × client kind × client OS × passkey
//! type, with the phone's OS for QR-code sign-ins), keeping only the cells the documentation says
//! exist: the structural rules below and the compatibility matrix (a cell the matrix calls
//! unsupported or below a minimum is the `unsupported-client.*` classes' business, not a place
//! for the others). Into each world goes one cause (`tests/coverage/causes.json`), every other
//! fact healthy (`assets/healthy-facts.json`), and the walk runs with all facts given, as
//! `diagnose --assume-unknown` at tier 2. The expected class is the cause's; for two causes, the
//! one `tests/coverage/precedence.json` (the table in `docs/runbook-library.md`) lists first, with
//! the other named in `also` when the call's flow involves it. No class is written per world.
//!
//! `cargo test --test coverage -- --nocapture` prints the table of cells.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use serde::Deserialize;

use passkey_triage::engine::also::{also, healthy_values};
use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
use passkey_triage::matrix::{Area, Verdict};
use passkey_triage::runbook::RunbookSet;

#[derive(Deserialize)]
struct Causes {
    causes: Vec<Cause>,
}

#[derive(Deserialize, Clone)]
struct Cause {
    id: String,
    class: String,
    facts: BTreeMap<String, String>,
    #[serde(default)]
    when: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct Precedence {
    order: Vec<String>,
}

const PHASES: &[&str] = &["sign-in", "registration"];
const FLOWS: &[&str] = &["same-device", "cross-device"];
const KINDS: &[&str] = &["browser", "native-app", "device-sign-in"];
const OSES: &[&str] = &["windows", "macos", "linux", "chromeos", "ios", "android"];
const CREDS: &[&str] = &["security-key", "authenticator", "synced", "windows-hello"];
const DESKTOPS: &[&str] = &["windows", "macos", "linux", "chromeos"];

/// One context cell.
#[derive(Clone, Debug)]
struct Cell {
    phase: &'static str,
    flow: &'static str,
    kind: &'static str,
    os: &'static str,
    cred: &'static str,
    /// The phone's OS: the device itself on a phone, the phone scanning the QR code otherwise.
    phone_os: Option<&'static str>,
}

impl Cell {
    fn label(&self) -> String {
        let phone = match (self.flow, self.phone_os) {
            ("cross-device", Some(p)) => format!(" phone {p}"),
            _ => String::new(),
        };
        format!("{} {} {} {} {}{phone}", self.phase, self.flow, self.kind, self.os, self.cred)
    }

    fn value(&self, dimension: &str) -> Option<&'static str> {
        match dimension {
            "phase" => Some(self.phase),
            "flow" => Some(self.flow),
            "kind" => Some(self.kind),
            "os" => Some(self.os),
            "cred" => Some(self.cred),
            "phone_os" => self.phone_os,
            _ => None,
        }
    }

    /// Why the documentation says the cell doesn't exist (None: it does), before the matrix.
    fn structurally_absent(&self) -> Option<&'static str> {
        let desktop = DESKTOPS.contains(&self.os);
        match () {
            _ if self.kind == "device-sign-in"
                && (self.os != "windows" || self.phase != "sign-in" || self.cred != "security-key") =>
            {
                Some("the Windows sign-in screen takes security keys, for sign-in, on Windows (S5)")
            }
            _ if self.cred == "windows-hello" && self.os != "windows" => {
                Some("Windows Hello passkeys are on Windows (S7)")
            }
            _ if matches!(self.cred, "security-key" | "windows-hello") && self.flow == "cross-device" => {
                Some("security keys and Windows Hello sign in on the device itself")
            }
            _ if self.flow == "cross-device" && !desktop => Some("the QR code is shown on a computer (S2, S6)"),
            _ if self.cred == "authenticator" && self.flow == "same-device" && desktop => {
                Some("an Authenticator passkey is on the phone: on a computer it is used by QR code (S2)")
            }
            _ if self.phase == "registration"
                && self.kind != "browser"
                && !(self.kind == "native-app" && self.cred == "authenticator" && self.flow == "same-device") =>
            {
                Some("passkeys are registered in Security info (a browser), or in the Authenticator app itself (S15)")
            }
            _ => None,
        }
    }

    fn facts(&self) -> BTreeMap<String, String> {
        let mut f: BTreeMap<String, String> = BTreeMap::new();
        let mut put = |k: &str, v: &str| {
            f.insert(k.to_string(), v.to_string());
        };
        put("phase", self.phase);
        put("flow", self.flow);
        put("client.kind", self.kind);
        put("client.os", self.os);
        put("credential.type", self.cred);
        let (os_version, browser, browser_version) = match self.os {
            "windows" => (Some("10.0.26100"), "edge", "131.0.2903.70"),
            "macos" => (Some("15.1"), "safari", "18.1"),
            "linux" => (None, "chrome", "131.0.6778.85"),
            "chromeos" => (None, "chrome", "131.0.6778.85"),
            "ios" => (Some("18.1"), "safari", "18.1"),
            _ => (Some("15"), "chrome", "131.0.6778.85"),
        };
        if let Some(v) = os_version {
            put("client.os_version", v);
        }
        match self.kind {
            "browser" => {
                put("client.browser", browser);
                put("client.browser_version", browser_version);
            }
            // Registering in the app itself means the Authenticator app (S15).
            "native-app" if self.phase == "registration" => put("client.app", "authenticator"),
            "native-app" => put("client.app", "outlook"),
            _ => put("device.join_type", "entra-joined"),
        }
        if self.flow == "cross-device" {
            put("handoff.connected", "yes");
        }
        if let Some(p) = self.phone_os {
            put("phone.os", p);
            put("phone.os_version", if p == "ios" { "18.1" } else { "15" });
        }
        match self.cred {
            "security-key" => {
                put("credential.transport", if DESKTOPS.contains(&self.os) { "usb" } else { "nfc" });
                put("credential.fips", "no");
            }
            "synced" => {
                let apple = matches!(self.phone_os.unwrap_or(self.os), "ios" | "macos");
                put("credential.provider", if apple { "icloud-keychain" } else { "google-password-manager" });
            }
            _ => {}
        }
        put("user.upn", "avery.brooks@contoso.example");
        put("signin.time", "2026-12-05T10:00:00Z");
        f
    }
}

fn cells() -> Vec<Cell> {
    let mut out = Vec::new();
    for &phase in PHASES {
        for &flow in FLOWS {
            for &kind in KINDS {
                for &os in OSES {
                    for &cred in CREDS {
                        let phones: Vec<Option<&'static str>> = match (flow, os) {
                            ("cross-device", _) => vec![Some("ios"), Some("android")],
                            (_, "ios") => vec![Some("ios")],
                            (_, "android") => vec![Some("android")],
                            _ => vec![None],
                        };
                        for phone_os in phones {
                            out.push(Cell { phase, flow, kind, os, cred, phone_os });
                        }
                    }
                }
            }
        }
    }
    out
}

/// The matrix areas that call this context unsupported (empty: the matrix lets it be).
fn matrix_blocks(set: &RunbookSet, facts: &BTreeMap<String, String>) -> Vec<&'static str> {
    let lookup = |k: &str| facts.get(k).cloned();
    Area::ALL
        .iter()
        .filter(|a| **a != Area::Registration || facts.get("phase").map(String::as_str) == Some("registration"))
        .filter(|a| matches!(set.matrix.evaluate(**a, &lookup).verdict, Verdict::Unsupported | Verdict::BelowMinimum))
        .map(|a| a.as_str())
        .collect()
}

fn applies(cause: &Cause, cell: &Cell) -> bool {
    cause.when.iter().all(|(dim, values)| cell.value(dim).is_some_and(|v| values.iter().any(|w| w == v)))
}

struct Ran {
    class: String,
    outcome: String,
    also: Vec<String>,
}

fn run(set: &RunbookSet, facts: &BTreeMap<String, String>) -> Ran {
    let now = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).single().unwrap_or_default();
    let prefill = facts.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: false };
    match Walk::start(set, prefill, options, now) {
        Ok(w) => match w.outcome(set) {
            Some((r, o)) => Ran {
                class: o.class.clone(),
                outcome: r.to_string(),
                also: also(set, &w).into_iter().map(|a| a.class).collect(),
            },
            None => Ran { class: "(no outcome)".into(), outcome: w.position.node().to_string(), also: Vec::new() },
        },
        Err(e) => Ran { class: format!("(error: {e})"), outcome: String::new(), also: Vec::new() },
    }
}

fn world(cell: &Cell, causes: &[&Cause]) -> BTreeMap<String, String> {
    let mut f = cell.facts();
    for (k, v) in healthy_values() {
        if let Some(v) = v {
            f.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    for c in causes {
        for (k, v) in &c.facts {
            f.insert(k.clone(), v.clone());
        }
    }
    f
}

fn read<T: for<'de> Deserialize<'de>>(path: &str) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_cause_in_every_context_and_every_pair_by_precedence() {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let causes: Causes = read("tests/coverage/causes.json");
    let precedence: Precedence = read("tests/coverage/precedence.json");
    let rank = |c: &Cause| precedence.order.iter().position(|id| *id == c.id);
    for c in &causes.causes {
        assert!(rank(c).is_some(), "cause `{}` is not in the precedence table", c.id);
    }

    // The cells that exist, each with its healthy world's verdict.
    let mut table: Vec<(String, Vec<char>)> = Vec::new();
    let mut wrong: Vec<String> = Vec::new();
    let (mut covered, mut not_applicable, mut absent_cells, mut matrix_cells) = (0usize, 0usize, 0usize, 0usize);
    let mut live: Vec<Cell> = Vec::new();
    for cell in cells() {
        if cell.structurally_absent().is_some() {
            absent_cells += 1;
            continue;
        }
        let healthy = world(&cell, &[]);
        if !matrix_blocks(&set, &healthy).is_empty() {
            matrix_cells += 1;
            continue;
        }
        let mut marks = Vec::new();
        let base = run(&set, &healthy);
        if base.class == "unclassified" {
            marks.push('✓');
        } else {
            marks.push('✗');
            wrong.push(format!(
                "{} | healthy: expected unclassified, got {} ({})",
                cell.label(),
                base.class,
                base.outcome
            ));
        }
        for cause in &causes.causes {
            if !applies(cause, &cell) {
                marks.push('·');
                not_applicable += 1;
                continue;
            }
            let got = run(&set, &world(&cell, &[cause]));
            if got.class == cause.class && got.also.is_empty() {
                marks.push('✓');
                covered += 1;
            } else {
                marks.push('✗');
                wrong.push(format!(
                    "{} | {}: expected {} and no second fault, got {} ({}) also {:?}",
                    cell.label(),
                    cause.id,
                    cause.class,
                    got.class,
                    got.outcome,
                    got.also
                ));
            }
        }
        table.push((cell.label(), marks));
        live.push(cell);
    }

    // Every pair of causes, in the first and the last cell where both exist.
    let (mut pairs, mut pairs_ok, mut pairs_without_cell) = (0usize, 0usize, 0usize);
    for (i, a) in causes.causes.iter().enumerate() {
        for b in &causes.causes[i + 1..] {
            // Two values of one fact (a guest and 21Vianet) make no world; two causes that share a
            // deciding fact (another method first and a stale registration: nothing offered)
            // can't be told apart by the facts, and the pair is left out.
            if a.facts.keys().any(|k| b.facts.contains_key(k) && k != "handoff.connected") {
                continue;
            }
            let both: Vec<&Cell> = live.iter().filter(|c| applies(a, c) && applies(b, c)).collect();
            let picks: Vec<&Cell> = match (both.first(), both.last()) {
                (Some(f), Some(l)) if f.label() != l.label() => vec![*f, *l],
                (Some(f), _) => vec![*f],
                _ => {
                    pairs_without_cell += 1;
                    continue;
                }
            };
            let (first, second) = if rank(a) <= rank(b) { (a, b) } else { (b, a) };
            for cell in picks {
                pairs += 1;
                let got = run(&set, &world(cell, &[a, b]));
                let second_named = first.class == second.class
                    || got.also.contains(&second.class)
                    || (second.class.starts_with("cross-device.") && cell.flow != "cross-device");
                if got.class == first.class && second_named {
                    pairs_ok += 1;
                } else {
                    wrong.push(format!(
                        "{} | {} + {}: expected {} (also {}), got {} ({}) also {:?}",
                        cell.label(),
                        a.id,
                        b.id,
                        first.class,
                        second.class,
                        got.class,
                        got.outcome,
                        got.also
                    ));
                }
            }
        }
    }

    // The table of cells.
    let ids: Vec<&str> = causes.causes.iter().map(|c| c.id.as_str()).collect();
    println!("Coverage: one column per cause (✓ covered, · not applicable, ✗ wrong); first column: healthy world");
    for (n, id) in ids.iter().enumerate() {
        println!("  {:>2} {id}", n + 1);
    }
    for (label, marks) in &table {
        println!("{label:<58} {}", marks.iter().collect::<String>());
    }
    let wrong_cells = wrong.iter().filter(|w| !w.contains(" + ")).count();
    println!(
        "contexts: {} exist, {} not documented, {} unsupported by the matrix; cause × context: {} covered, {} not applicable, {} wrong; pairs: {} of {} as the precedence table says ({} pairs share no context)",
        live.len(),
        absent_cells,
        matrix_cells,
        covered,
        not_applicable,
        wrong_cells,
        pairs_ok,
        pairs,
        pairs_without_cell
    );
    for w in &wrong {
        println!("WRONG {w}");
    }
    assert!(
        wrong.is_empty(),
        "{} world(s) classified against the causes and the precedence table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_docs_table_lists_the_precedence_in_order() {
    let precedence: Precedence = read("tests/coverage/precedence.json");
    let docs = std::fs::read_to_string("docs/runbook-library.md").expect("docs");
    let mut at = 0usize;
    for id in &precedence.order {
        let needle = format!("| `{id}` |");
        let found = docs[at..].find(&needle).unwrap_or_else(|| {
            panic!("docs/runbook-library.md: `{id}` missing or out of order in the precedence table")
        });
        at += found + needle.len();
    }
}
