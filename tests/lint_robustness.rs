//! Nothing panics on arbitrary input: random bytes, random JSON and random mutations of a valid
//! runbook go through the facts-file parser, the runbook and matrix parsers, the position index,
//! the linter, the engine and the graph renderers.

use std::sync::Arc;

use chrono::DateTime;
use passkey_triage::engine::{Walk, WalkOptions};
use passkey_triage::matrix::Matrix;
use passkey_triage::runbook::lint::{LintScope, lint};
use passkey_triage::runbook::load::{builtin_matrix, parse_json};
use passkey_triage::runbook::position::PositionIndex;
use passkey_triage::runbook::{LoadedRunbook, Origin, Runbook, RunbookSet, SourceFile};
use passkey_triage::vocab::Vocabulary;
use passkey_triage::{facts_file, graph};
use proptest::prelude::*;
use serde_json::{Value, json};

const TRIAGE: &str = include_str!("fixtures/core/runbooks/triage.json");
const CROSS: &str = include_str!("fixtures/core/runbooks/fx-cross.json");

/// Words the model uses, so random objects sometimes look like runbooks.
const KEYS: &[&str] = &[
    "schema",
    "id",
    "title",
    "as_of",
    "sources",
    "start",
    "nodes",
    "kind",
    "fact",
    "prompt",
    "help",
    "options",
    "value",
    "label",
    "next",
    "rules",
    "when",
    "otherwise",
    "equals",
    "one_of",
    "all",
    "any",
    "not",
    "matrix",
    "class",
    "remediation",
    "source",
    "text",
    "escalate",
    "facts",
    "phase",
    "flow",
    "phone.os_version",
    "$schema",
    "version_below",
    "known",
    "entry",
    "set",
    "area",
    "verdict",
    "rows",
    "support",
    "url",
];

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(KEYS).prop_map(|s| json!(s)),
        prop::sample::select(
            &["question", "route", "outcome", "step", "unknown", "sign-in", "17.5", "x#y", "#", ""][..]
        )
        .prop_map(|s| json!(s)),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(KEYS).prop_map(str::to_string), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn file(text: &str) -> SourceFile {
    SourceFile::new(Origin::File("fuzz.json".into()), text.to_string())
}

/// Parses, and for what parses: indexes positions, builds a set with it, lints, walks and draws.
fn exercise(text: &str) {
    let idx = PositionIndex::build(text);
    for p in ["", "/nodes", "/nodes/0/options/1/next", "/a~1b/0", "/nodes/99999"] {
        let _ = idx.find(p);
    }
    let vocab = Vocabulary::contract();
    let _ = facts_file::parse("fuzz.json", text, &vocab);
    let f = Arc::new(file(text));
    let _ = parse_json::<Matrix>(&f);
    if let Ok(rb) = parse_json::<Runbook>(&f) {
        let loaded = LoadedRunbook::new(rb, Arc::clone(&f));
        let _ = graph::mermaid(&loaded);
        let _ = graph::dot(&loaded);
        let (m, mfile) = builtin_matrix().unwrap();
        let cross = Arc::new(SourceFile::new(Origin::File("fx-cross.json".into()), CROSS.to_string()));
        let cross = LoadedRunbook::new(parse_json::<Runbook>(&cross).unwrap(), cross);
        let set = RunbookSet::new(vec![cross, loaded], m, mfile);
        for full_set in [false, true] {
            for finding in lint(&set, None, LintScope { full_set }) {
                let _ = finding.to_string();
            }
        }
        let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
        for options in
            [WalkOptions::default(), WalkOptions { assume_unknown: true, skip_steps: true, ..WalkOptions::default() }]
        {
            if let Ok(mut w) = Walk::start(&set, [], options, now) {
                let _ = w.current(&set);
                let _ = w.answer(&set, "unknown", now);
                let _ = w.back(&set, now);
                let _ = w.restart(&set, now);
                let _ = passkey_triage::diagnose::report(&set, &w);
            }
        }
    }
}

/// Applies a random edit to a JSON value: replace, delete or duplicate something somewhere.
fn mutate(v: &mut Value, path: &[u32], edit: u32, replacement: &Value) {
    let Some((&step, rest)) = path.split_first() else {
        *v = replacement.clone();
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let key = m.keys().nth(step as usize % m.len()).unwrap().clone();
            if rest.is_empty() && edit.is_multiple_of(4) {
                m.remove(&key);
            } else {
                mutate(m.get_mut(&key).unwrap(), rest, edit, replacement);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = step as usize % a.len();
            match (rest.is_empty(), edit % 4) {
                (true, 0) => {
                    a.remove(i);
                }
                (true, 1) => {
                    let dup = a[i].clone();
                    a.push(dup);
                }
                _ => mutate(&mut a[i], rest, edit, replacement),
            }
        }
        _ => *v = replacement.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn duplicate_keys_load_as_before(title in "[a-z]{1,8}") {
        // serde_json keeps the last of duplicate keys; the fast path must not change that.
        let text = TRIAGE.replacen("\"title\": \"Fixture triage (tests only)\",", &format!("\"title\": \"first\", \"title\": \"{title}\","), 1);
        prop_assert_ne!(&text, TRIAGE);
        let rb = parse_json::<Runbook>(&file(&text)).unwrap();
        prop_assert_eq!(rb.title, title);
    }

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_text_near_json(text in r#"[\[\]{}":, 0-9a-z\\\n.#-]{0,200}"#) {
        exercise(&text);
    }

    #[test]
    fn random_json(v in json_value()) {
        exercise(&v.to_string());
        exercise(&serde_json::to_string_pretty(&v).unwrap());
        exercise(&json!({"facts": v}).to_string());
    }

    #[test]
    fn mutated_runbooks(
        edits in prop::collection::vec((prop::collection::vec(any::<u32>(), 1..7), any::<u32>(), json_value()), 1..4),
    ) {
        let mut v: Value = serde_json::from_str(TRIAGE).unwrap();
        for (path, edit, replacement) in &edits {
            mutate(&mut v, path, *edit, replacement);
        }
        let text = serde_json::to_string_pretty(&v).unwrap();
        exercise(&text);
        // The loader's one-pass fast path accepts exactly what the two-pass (via `Value`) path does.
        let two_pass = serde_json::from_str::<Value>(&text).ok().and_then(|v| serde_json::from_value::<Runbook>(v).ok());
        let loaded = parse_json::<Runbook>(&file(&text)).ok();
        prop_assert_eq!(loaded.is_some(), two_pass.is_some());
        if let (Some(a), Some(b)) = (loaded, two_pass) {
            prop_assert_eq!(serde_json::to_value(a).unwrap(), serde_json::to_value(b).unwrap());
        }
    }

    #[test]
    fn truncated_and_spliced_runbook_text(cut in 0usize..4000, len in 0usize..40, insert in ".{0,8}") {
        let mut text = TRIAGE.to_string();
        let at = text.char_indices().map(|(i, _)| i).nth(cut % TRIAGE.chars().count()).unwrap_or(0);
        let end = text[at..].char_indices().map(|(i, _)| at + i).nth(len).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        exercise(&text);
        exercise(&TRIAGE[..at]);
    }

    /// A facts file of string values parses exactly when every pair is in the vocabulary, and the
    /// error names the offending key and its line.
    #[test]
    fn facts_files_accept_exactly_the_vocabulary(
        pairs in prop::collection::btree_map(
            prop_oneof![prop::sample::select(&["phase", "flow", "phone.os_version", "error.code", "qr.scan", "nope.nope"][..]).prop_map(str::to_string), "[a-z.]{1,10}"],
            prop_oneof![prop::sample::select(&["sign-in", "cross-device", "unknown", "17.5", "17.x", "ok", ""][..]).prop_map(str::to_string), ".{0,6}"],
            0..6,
        ),
    ) {
        let vocab = Vocabulary::contract();
        let text = serde_json::to_string_pretty(&json!({"facts": pairs})).unwrap();
        let result = facts_file::parse("case.json", &text, &vocab);
        let bad = pairs.iter().find(|(k, v)| vocab.check(k, v).is_err());
        match (bad, result) {
            (None, Ok(facts)) => prop_assert_eq!(facts.len(), pairs.len()),
            (Some((k, _)), Err(e)) => {
                prop_assert_eq!(&e.file, "case.json");
                prop_assert!(e.place.starts_with(':'), "no line:col in {}", e);
                prop_assert!(e.message.contains(k.as_str()), "{} does not name `{}`", e, k);
                prop_assert_eq!(e.to_string().lines().count(), 1);
            }
            (bad, result) => prop_assert!(false, "bad pair {:?} but parse gave {:?}", bad, result),
        }
    }
}
