//! Every question a live call asks is one whose answer can still change the outcome (contract
//! §6, §9.2; the brief: "every question must be one whose answer can still change the outcome").
//!
//! For each scenario's live call (as the command line runs it), at each question: look for a
//! witness, a completion of the facts not known yet under which two answers to the question end
//! at different outcome nodes. Completions are drawn at random (fixed seed) from the vocabulary,
//! text facts from the values the scenarios use. A question with no witness is reported.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::worlds::{command_line_call, scenario_worlds, tick};
use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::vocab::{Audience, FactType, UNKNOWN};

/// Versions on both sides of every minimum the matrix and the runbooks compare against.
const VERSIONS: &[&str] = &[
    "6",
    "9",
    "10",
    "12",
    "13",
    "13.9",
    "14",
    "14.3",
    "14.4",
    "15",
    "16",
    "16.9",
    "17",
    "17.1",
    "17.5",
    "18",
    "21",
    "20.9",
    "65",
    "66",
    "75",
    "76",
    "130",
    "10.0.18361",
    "10.0.18362",
    "10.0.19040",
    "10.0.19041",
    "10.0.19045",
    "10.0.22620",
    "10.0.22621",
    "10.0.22631",
    "10.0.26100",
    "6.8.36",
    "6.8.37",
    "6.2507.4748",
    "6.2507.4749",
];
/// AADSTS codes the library reads.
const CODES: &[&str] = &["50072", "50079", "50127", "53000", "53003", "53004", "53010", "135010", "135011", "220450"];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, v: &'a [String]) -> &'a String {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

/// The outcome node of the walk given `facts` up front, the rest `unknown`. With every fact not
/// given taken as `unknown`, skipping a question (§6) and assuming it give the same answer: the
/// tree as written (`ask_all`) is the same walk without the look-ahead, so the search is quick.
fn outcome(set: &RunbookSet, facts: &BTreeMap<String, String>, role: Role) -> String {
    let prefill = facts.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role, ask_all: true };
    Walk::start(set, prefill, options, tick(0))
        .ok()
        .and_then(|w| w.outcome(set).map(|(r, _)| r.to_string()))
        .unwrap_or_else(|| "none".into())
}

#[test]
fn every_question_a_tier1_call_asks_can_change_the_outcome() {
    every_question_asked_can_change_the_outcome(Role::Tier1);
}

/// Tier 2 also asks the admin checks, and its calls are longer: over every other scenario, to keep
/// the test's time in CI reasonable (`WITNESS_ALL=1` takes them all).
#[test]
fn every_question_a_tier2_call_asks_can_change_the_outcome() {
    every_question_asked_can_change_the_outcome(Role::Tier2);
}

fn every_question_asked_can_change_the_outcome(role: Role) {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let worlds = scenario_worlds(&set);
    // The values each fact can take: enumerations from the vocabulary, text from the scenarios.
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for w in &worlds {
        for (k, v) in &w.facts {
            seen.entry(k.clone()).or_default().insert(v.clone());
        }
    }
    for def in set.vocab.facts() {
        let mut vs: Vec<String> = match &def.ty {
            FactType::Enum(v) => v.clone(),
            _ => seen.get(&def.key).map(|s| s.iter().cloned().collect()).unwrap_or_default(),
        };
        if let Some((_, q)) = set.question_for(&def.key) {
            vs.extend(q.options.iter().map(|o| o.value.clone()).filter(|v| !vs.contains(v)).collect::<Vec<_>>());
        }
        if def.ty == FactType::Version {
            vs.extend(VERSIONS.iter().map(|v| v.to_string()));
        }
        if def.key == "error.message" {
            vs.extend(set.messages.messages.iter().map(|m| m.text.clone()));
        }
        if def.key == "error.code" {
            vs.extend(CODES.iter().map(|v| v.to_string()));
        }
        if !vs.iter().any(|v| v == UNKNOWN) {
            vs.push(UNKNOWN.into());
        }
        values.insert(def.key.clone(), vs);
    }
    let tries: usize = std::env::var("WITNESS_TRIES").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut useless = Vec::new();
    let all = std::env::var_os("WITNESS_ALL").is_some();
    for (n, w) in worlds.iter().enumerate() {
        if role == Role::Tier2 && !all && n % 2 == 1 {
            continue;
        }
        let call = command_line_call(&set, &w.facts, &[], role).expect("walk");
        let mut known: BTreeMap<String, String> = BTreeMap::new();
        for q in &call.asked {
            let answers = &values[q];
            let open: Vec<&String> = values
                .keys()
                .filter(|k| *k != q && !known.contains_key(*k))
                .filter(|k| role == Role::Tier2 || set.vocab.audience(k) != Audience::Admin)
                .collect();
            // Completions: everything open; each open fact alone at each of its values; then
            // random ones, about a third of the open facts filled in.
            let mut singles = vec![None];
            // Every version on both sides of each minimum; a dozen of anything else.
            let many = |k: &str| set.vocab.fact(k).is_some_and(|d| d.ty == FactType::Version);
            singles.extend(open.iter().flat_map(|k| {
                let take = if many(k) { usize::MAX } else { 12 };
                values[*k].iter().take(take).map(move |v| Some((*k, v)))
            }));
            let mut witness = false;
            'search: for t in 0..singles.len() + tries {
                let mut facts = known.clone();
                match singles.get(t) {
                    Some(Some((k, v))) => {
                        facts.insert((*k).clone(), (*v).clone());
                    }
                    Some(None) => {}
                    None => {
                        for k in &open {
                            if rng.next().is_multiple_of(3) {
                                facts.insert((*k).clone(), rng.pick(&values[*k]).clone());
                            }
                        }
                    }
                }
                let mut first = None;
                for a in answers {
                    facts.insert(q.clone(), a.clone());
                    let o = outcome(&set, &facts, role);
                    match &first {
                        None => first = Some(o),
                        Some(f) if *f != o => {
                            witness = true;
                            break 'search;
                        }
                        _ => {}
                    }
                }
            }
            if !witness {
                useless.push(format!("{:?} {}: {q} (known: {})", role, w.name, known.len()));
            }
            known.insert(q.clone(), w.facts.get(q).cloned().unwrap_or_else(|| UNKNOWN.into()));
        }
    }
    for u in &useless {
        eprintln!("no witness: {u}");
    }
    assert!(useless.is_empty(), "{} question(s) with no answer found that changes the outcome", useless.len());
}
