//! Core benchmarks (divan): load + lint of a generated 10,000-node runbook set (target < 100 ms
//! on 2 cores), and `diagnose` of one scenario (target < 10 ms).
//!
//! ```sh
//! cargo bench --bench core
//! ```

use std::sync::Arc;

use chrono::DateTime;
use divan::{Bencher, black_box};
use passkey_triage::diagnose::diagnose;
use passkey_triage::facts_file;
use passkey_triage::runbook::lint::{LintScope, lint};
use passkey_triage::runbook::load::parse_json;
use passkey_triage::runbook::{LoadedRunbook, Origin, Runbook, RunbookSet, SourceFile};
use passkey_triage::vocab::CONTRACT_CLASSES;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

const RUNBOOKS: usize = 20;
const NODES_PER_RUNBOOK: usize = 500;

/// Enumerated contract facts the generated questions ask.
const FACTS: &[(&str, &[&str])] = &[
    ("phase", &["sign-in", "registration"]),
    ("flow", &["same-device", "cross-device"]),
    ("phone.bluetooth", &["on", "off"]),
    ("desktop.bluetooth", &["available", "off", "no-adapter", "blocked-by-policy"]),
    ("qr.scan", &["ok", "no-qr-shown", "wrong-camera", "not-recognized"]),
    ("device.passkey_offered", &["yes", "no"]),
    ("entra.passkey_registered", &["yes", "no"]),
    ("authenticator.signed_in", &["yes", "no"]),
    ("picker.choice", &["work", "personal"]),
    ("ca.auth_strength", &["satisfied", "not-satisfied", "none"]),
];

fn rb_id(r: usize) -> String {
    if r == 0 { "triage".into() } else { format!("rb{r}") }
}

/// The JSON text of `RUNBOOKS` runbooks of `NODES_PER_RUNBOOK` nodes each, chained with
/// `runbook#node` links. Every fifth node is an outcome (classes cycle through the contract's),
/// reached from the node before it; everything is reachable and the whole set lints clean.
fn generated_texts() -> Vec<(String, String)> {
    (0..RUNBOOKS)
        .map(|r| {
            let n = NODES_PER_RUNBOOK;
            let id = |i: usize| format!("n{i}");
            // The next question or route after i, or the next runbook's start.
            let forward = |i: usize| {
                let j = if (i + 1) % 5 == 4 { i + 2 } else { i + 1 };
                if j < n {
                    id(j)
                } else if r + 1 < RUNBOOKS {
                    format!("{}#n0", rb_id(r + 1))
                } else {
                    id(n - 1)
                }
            };
            let fault = |i: usize| id(i - i % 5 + 4);
            let nodes: Vec<Value> = (0..n)
                .map(|i| match i % 5 {
                    4 => {
                        let class = CONTRACT_CLASSES[(r * n / 5 + i / 5) % CONTRACT_CLASSES.len()].0;
                        json!({"id": id(i), "kind": "outcome", "class": class, "title": format!("Outcome {i}"),
                               "summary": "Generated outcome.", "escalate": class == "unclassified",
                               "escalation_reason": "Generated.",
                               "remediation": [{"text": "Do the generated thing.", "source": "S"}]})
                    }
                    3 => json!({"id": id(i), "kind": "route", "title": "generated route",
                        "rules": [
                            {"when": {"all": [{"fact": FACTS[(i / 5 + r) % FACTS.len()].0, "equals": FACTS[(i / 5 + r) % FACTS.len()].1[0]},
                                              {"fact": "phone.os_version", "version_below": "17.1"}]}, "next": fault(i)},
                            {"when": {"matrix": {"area": "browser", "verdict": ["unsupported"]}}, "next": fault(i)},
                            {"when": {"any": [{"fact": "error.code", "equals": "AADSTS53003"}, {"fact": "flow", "equals": "unknown"}]},
                             "next": forward(i), "set": {"policy.attestation_enforced": "yes"}}
                        ],
                        "otherwise": forward(i)}),
                    k => {
                        let (fact, values) = FACTS[(i / 5 * 3 + k + r) % FACTS.len()];
                        let options: Vec<Value> = values
                            .iter()
                            .enumerate()
                            .map(|(j, v)| json!({"value": v, "label": v, "next": if j == 0 { fault(i) } else { forward(i) }}))
                            .chain([json!({"value": "unknown", "label": "Can't tell", "next": forward(i)})])
                            .collect();
                        json!({"id": id(i), "kind": "question", "fact": fact, "prompt": format!("Generated question {i}?"),
                               "help": "Look at the generated screen.", "options": options})
                    }
                })
                .collect();
            let v = json!({"schema": 1, "id": rb_id(r), "title": format!("Generated runbook {r}"), "as_of": "2026-01-15",
                           "sources": [{"id": "S", "title": "Source", "url": "https://example.invalid/source"}],
                           "start": "n0", "nodes": nodes});
            (format!("{}.json", rb_id(r)), serde_json::to_string_pretty(&v).unwrap())
        })
        .collect()
}

fn load(texts: &[(String, String)]) -> RunbookSet {
    let runbooks = texts
        .iter()
        .map(|(name, text)| {
            let file = Arc::new(SourceFile::new(Origin::Builtin(name.clone()), text.clone()));
            LoadedRunbook::new(parse_json::<Runbook>(&file).unwrap(), file)
        })
        .collect();
    // A one-row matrix: the built-in one refers to facts the library runbooks declare.
    let mfile = Arc::new(SourceFile::new(Origin::Builtin("bench-matrix.json".into()), BENCH_MATRIX.to_string()));
    let m = parse_json(&mfile).unwrap();
    RunbookSet::new(runbooks, m, mfile)
}

const BENCH_MATRIX: &str = r#"{"schema": 1, "as_of": "2026-04-16",
  "sources": [{"id": "S1", "title": "matrix", "url": "https://learn.microsoft.com/entra/identity/authentication/concept-fido2-compatibility"}],
  "rows": [{"id": "android-firefox", "area": "browser", "when": {"client.os": "android", "client.browser": "firefox"},
            "support": "unsupported", "sources": ["S1"]}]}"#;

#[divan::bench(sample_count = 20, sample_size = 1)]
fn load_and_lint_10k_nodes(bencher: Bencher) {
    let texts = generated_texts();
    let set = load(&texts);
    assert_eq!(set.node_count(), RUNBOOKS * NODES_PER_RUNBOOK);
    let findings = lint(&set, None, LintScope { full_set: true });
    assert!(findings.is_empty(), "generated set is not clean: {}", findings[0]);
    bencher.bench(|| {
        let set = load(black_box(&texts));
        black_box(lint(&set, None, LintScope { full_set: true }))
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn load_10k_nodes(bencher: Bencher) {
    let texts = generated_texts();
    bencher.bench(|| load(black_box(&texts)));
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn lint_10k_nodes(bencher: Bencher) {
    let set = load(&generated_texts());
    bencher.bench(|| lint(black_box(&set), None, LintScope { full_set: true }));
}

/// A walk through all 20 generated runbooks (thousands of nodes) with assume-unknown.
#[divan::bench(sample_count = 20)]
fn diagnose_deep_walk_10k_nodes(bencher: Bencher) {
    let set = load(&generated_texts());
    let facts =
        vec![("phase".to_string(), "registration".to_string()), ("flow".to_string(), "cross-device".to_string())];
    let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
    bencher.bench(|| {
        diagnose(black_box(&set), black_box(&facts), true, passkey_triage::engine::Role::Tier2, now).unwrap()
    });
}

const FIXTURE_TRIAGE: &str = include_str!("../tests/fixtures/core/runbooks/triage.json");
const FIXTURE_CROSS: &str = include_str!("../tests/fixtures/core/runbooks/fx-cross.json");
const SCENARIO: &str = include_str!("../tests/fixtures/core/cases/declared-fact-across-runbooks.json");

fn fixture_texts() -> Vec<(String, String)> {
    vec![("triage.json".into(), FIXTURE_TRIAGE.into()), ("fx-cross.json".into(), FIXTURE_CROSS.into())]
}

/// What `diagnose` does per run on a small realistic set: load, parse the facts file, walk.
#[divan::bench]
fn diagnose_scenario_end_to_end(bencher: Bencher) {
    let texts = fixture_texts();
    let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
    bencher.bench(|| {
        let set = load(black_box(&texts));
        let facts = facts_file::parse("scenario.json", black_box(SCENARIO), &set.vocab).unwrap();
        diagnose(&set, &facts, true, passkey_triage::engine::Role::Tier2, now).unwrap()
    });
}

/// The built-in set, loaded from the embedded text, with a scenario of every fact `unknown`.
#[divan::bench]
fn diagnose_builtin_set_end_to_end(bencher: Bencher) {
    let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
    bencher.bench(|| {
        let set = RunbookSet::builtin().unwrap();
        diagnose(&set, &[], true, passkey_triage::engine::Role::Tier2, now).unwrap()
    });
}

/// One answer on a live call with the built-in library (contract §5.1): from the walk standing at
/// its first question, the caller answers, and the engine moves on to the next question (routes
/// resolve what they read, the look-ahead decides what to skip). Budget: 2 ms.
#[divan::bench(args = ["public-01", "public-04"])]
fn next_question_builtin(bencher: Bencher, scenario: &str) {
    use passkey_triage::engine::{Walk, WalkOptions};
    let set = RunbookSet::builtin().unwrap();
    let text =
        std::fs::read_to_string(format!("{}/tests/scenarios/{scenario}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let world: Value = serde_json::from_str(&text).unwrap();
    let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
    let options = WalkOptions { skip_steps: true, role: passkey_triage::engine::Role::Tier1, ..WalkOptions::default() };
    // Walk the call to its middle: half its answers from the world.
    let answer = |walk: &mut Walk| {
        let fact = waiting_fact(&set, walk)?;
        let value = world["facts"][&fact].as_str().unwrap_or("unknown").to_string();
        walk.answer(&set, &value, now).ok()
    };
    let start = Walk::start(&set, [], options, now).unwrap();
    let mut whole = start.clone();
    let mut length = 0;
    while answer(&mut whole).is_some() {
        length += 1;
    }
    let mut walk = start;
    for _ in 0..length / 2 {
        answer(&mut walk);
    }
    let fact = waiting_fact(&set, &walk).expect("the call goes on");
    let value = world["facts"][&fact].as_str().unwrap_or("unknown").to_string();
    bencher.bench(|| {
        let mut w = walk.clone();
        w.answer(&set, black_box(&value), now).unwrap();
        w
    });
}

/// The call's first question with the built-in library: nothing known, every outcome reachable,
/// so the most candidates to weigh (contract §9.2). Budget: 2 ms.
#[divan::bench]
fn first_question_builtin(bencher: Bencher) {
    use passkey_triage::engine::{Walk, WalkOptions};
    let set = RunbookSet::builtin().unwrap();
    let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
    let options = WalkOptions { skip_steps: true, role: passkey_triage::engine::Role::Tier1, ..WalkOptions::default() };
    bencher.bench(|| Walk::start(&set, [], black_box(options), now).unwrap());
}

/// The same on the 10,000-node generated set: one answer deep in the walk. Budget: 50 ms.
#[divan::bench(sample_count = 20)]
fn next_question_10k_nodes(bencher: Bencher) {
    use passkey_triage::engine::{Walk, WalkOptions};
    let set = load(&generated_texts());
    let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
    let mut walk = Walk::start(&set, [], WalkOptions::default(), now).unwrap();
    for _ in 0..20 {
        if waiting_fact(&set, &walk).is_none() {
            break;
        }
        walk.answer(&set, "unknown", now).unwrap();
    }
    bencher.bench(|| {
        let mut w = walk.clone();
        if waiting_fact(&set, &w).is_some() {
            w.answer(&set, "unknown", now).unwrap();
        }
        w
    });
}

/// The fact of the question the walk waits at, if it waits at a question.
fn waiting_fact(set: &RunbookSet, walk: &passkey_triage::engine::Walk) -> Option<String> {
    match walk.current(set)? {
        passkey_triage::engine::Current::Question(_, q) => Some(q.fact.clone()),
        _ => None,
    }
}
