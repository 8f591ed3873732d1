//! Issue 10, failure 6: `/` over a 10,000-question library, then a jump to a question 1,000 or
//! 9,998 deep, took 3.6 GB and 21 GB. Search no longer jumps: it asks a question as an aside or
//! previews an outcome, and the preview's search (`answers_leading_to`) and the walk's skip
//! analysis hold a bounded amount of state. The test measures the peak heap with a counting
//! allocator (no timing).

mod peak_alloc;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use passkey_triage::engine::reach::answers_leading_to;
use passkey_triage::engine::{Walk, WalkOptions};
use passkey_triage::runbook::load::{LoadedRunbook, builtin_matrix, parse_json};
use passkey_triage::runbook::{NodeRef, Origin, RunbookSet, SourceFile};
use passkey_triage::ui::search::Index;
use peak_alloc::{Peak, peak_of};

#[global_allocator]
static GLOBAL: Peak = Peak;

/// A chain of `n` questions, each with the keyword `kw<i>`, ending in an outcome.
fn chain(n: usize) -> RunbookSet {
    let facts: Vec<String> =
        (0..n).map(|i| format!(r#"{{"key": "c.f{i}", "meaning": "f{i}", "values": ["yes", "no"]}}"#)).collect();
    let mut nodes: Vec<String> = (0..n)
        .map(|i| {
            let next = if i + 1 == n { "o-end".to_string() } else { format!("q{}", i + 1) };
            format!(
                r#"{{"id": "q{i}", "kind": "question", "fact": "c.f{i}", "prompt": "Question {i}?", "help": "h", "keywords": ["kw{i}"],
                   "options": [{{"value": "yes", "label": "Yes", "next": "{next}"}}, {{"value": "no", "label": "No", "next": "o-stop"}},
                               {{"value": "unknown", "label": "Can't tell", "next": "{next}"}}]}}"#
            )
        })
        .collect();
    nodes.push(r#"{"id": "o-stop", "kind": "outcome", "class": "unclassified", "title": "Stopped", "summary": "s", "escalate": true, "remediation": []}"#.to_string());
    nodes.push(r#"{"id": "o-end", "kind": "outcome", "class": "unclassified", "title": "End", "summary": "s", "escalate": true, "remediation": []}"#.to_string());
    let text = format!(
        r#"{{"schema": 1, "id": "triage", "title": "chain", "as_of": "2026-01-01", "sources": [],
            "facts": [{}], "start": "q0", "nodes": [{}]}}"#,
        facts.join(","),
        nodes.join(",")
    );
    let file = Arc::new(SourceFile::new(Origin::Builtin("chain.json".into()), text));
    let rb = parse_json(&file).expect("chain runbook");
    let (matrix, mfile) = builtin_matrix().expect("matrix");
    RunbookSet::new(vec![LoadedRunbook::new(rb, file)], matrix, mfile)
}

#[test]
fn search_and_preview_stay_in_bounded_memory_over_10000_questions() {
    let set = chain(10_000);
    let now = Utc.with_ymd_and_hms(2026, 1, 20, 14, 0, 0).single().expect("time");
    let (walk, peak) = peak_of(|| Walk::start(&set, Vec::new(), WalkOptions::default(), now).expect("start"));
    assert!(peak < 400_000_000, "start: peak heap {peak} bytes");
    // Every question can still change the outcome, so the walk asks the first one.
    assert_eq!(walk.position.node(), &NodeRef::new("triage", "q0"));
    let index = Index::build(&set);
    for (keyword, node) in [("kw1000", "q1000"), ("kw9998", "q9998"), ("kw20", "q20")] {
        let hits = index.query(keyword);
        assert_eq!(index.entries[hits[0].entry].node, NodeRef::new("triage", node));
    }
    for (target, reachable) in [("o-stop", true), ("o-end", true)] {
        let (lead, peak) = peak_of(|| answers_leading_to(&set, &walk, &NodeRef::new("triage", target)));
        assert!(peak < 400_000_000, "{target}: peak heap {peak} bytes");
        match (target, lead) {
            // A near outcome: one answer away.
            ("o-stop", Some(a)) => assert_eq!(a, vec![("c.f0".to_string(), "no".to_string())]),
            // The far one is 10,000 answers away: found, or given up within the budget.
            ("o-end", Some(a)) => assert_eq!(a.len(), 10_000),
            ("o-end", None) => {}
            (t, other) => panic!("{t}: {other:?} (reachable {reachable})"),
        }
    }
}
