//! Table-driven tests of the pure engine: never ask twice, assume-unknown, routes (first match,
//! derived facts, matrix and version conditions), back, restart, typed entries and steps.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use passkey_triage::engine::{EngineError, Provenance, Role, StepKind, Walk, WalkOptions};
use passkey_triage::matrix::Matrix;
use passkey_triage::runbook::lint::{LintScope, lint};
use passkey_triage::runbook::load::parse_json;
use passkey_triage::runbook::{LoadedRunbook, Origin, Runbook, RunbookSet, Severity, SourceFile};
use passkey_triage::vocab::FactError;
use serde_json::{Value, json};

// --- building runbook sets in memory -------------------------------------------------------------

fn t(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_760_000_000 + n, 0).unwrap()
}

fn runbook(id: &str, start: &str, nodes: Vec<Value>) -> Value {
    json!({
        "schema": 1, "id": id, "title": format!("{id} (engine test)"), "as_of": "2026-01-15",
        "sources": [{"id": "S", "title": "Source", "url": "https://example.invalid/s"}],
        "facts": [{"key": "fx.colour", "asked_of": "caller", "meaning": "a declared extra fact", "values": ["red", "blue"]}],
        "classes": [{"class": "fx.extra", "meaning": "a declared extra class"}],
        "start": start, "nodes": nodes,
    })
}

/// A question; `opts` are (value, next); the fact's other values are not offered.
fn q(id: &str, fact: &str, opts: &[(&str, &str)]) -> Value {
    let options: Vec<Value> = opts.iter().map(|(v, n)| json!({"value": v, "label": v, "next": n})).collect();
    json!({"id": id, "kind": "question", "fact": fact, "prompt": format!("{fact}?"), "help": "look", "options": options})
}

/// A question whose every answer (`values`, then `unknown`) leads to `next`.
fn q_to(id: &str, fact: &str, values: &[&str], next: &str) -> Value {
    let opts: Vec<(&str, &str)> = values.iter().chain(&["unknown"]).map(|v| (*v, next)).collect();
    q(id, fact, &opts)
}

/// A question for a typed (version or text) fact.
fn typed(id: &str, fact: &str, unknown_next: &str, entry_next: &str) -> Value {
    json!({"id": id, "kind": "question", "fact": fact, "prompt": format!("{fact}?"), "help": "type it",
           "options": [{"value": "unknown", "label": "Can't tell", "next": unknown_next}],
           "entry": {"label": "Type it", "next": entry_next}})
}

fn step(id: &str, opts: &[(&str, &str)]) -> Value {
    let options: Vec<Value> = opts.iter().map(|(v, n)| json!({"value": v, "label": v, "next": n})).collect();
    json!({"id": id, "kind": "step", "title": "Try", "instruction": "Try it", "source": "S", "options": options})
}

fn route(id: &str, rules: Vec<Value>, otherwise: &str) -> Value {
    json!({"id": id, "kind": "route", "rules": rules, "otherwise": otherwise})
}

fn rule(when: Value, next: &str) -> Value {
    json!({"when": when, "next": next})
}

fn outcome(id: &str, class: &str) -> Value {
    json!({"id": id, "kind": "outcome", "class": class, "title": format!("{id}"), "summary": "s",
           "escalate": false, "remediation": [{"text": "do it", "source": "S"}]})
}

fn no_matrix() -> Value {
    json!({"schema": 1, "as_of": "2026-01-15", "sources": [{"id": "M", "title": "m", "url": "u"}], "rows": []})
}

fn build_with(rbs: &[Value], matrix: Value) -> RunbookSet {
    let loaded: Vec<LoadedRunbook> = rbs
        .iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap_or("x").to_string();
            let file = Arc::new(SourceFile::new(
                Origin::Builtin(format!("{id}.json")),
                serde_json::to_string_pretty(v).unwrap(),
            ));
            let rb: Runbook = parse_json(&file).unwrap_or_else(|e| panic!("{e}"));
            LoadedRunbook::new(rb, file)
        })
        .collect();
    let mfile = Arc::new(SourceFile::new(Origin::Builtin("matrix.json".into()), matrix.to_string()));
    let m: Matrix = parse_json(&mfile).unwrap_or_else(|e| panic!("{e}"));
    let set = RunbookSet::new(loaded, m, mfile);
    // The sets used here are well-formed: every test walks a runbook lint accepts.
    let errors: Vec<String> = lint(&set, None, LintScope { full_set: false })
        .into_iter()
        .filter(|f| f.severity == Severity::Error && f.code != "uncovered-value")
        .map(|f| f.to_string())
        .collect();
    assert!(errors.is_empty(), "test runbook set has lint errors:\n{}", errors.join("\n"));
    set
}

fn build(rbs: &[Value]) -> RunbookSet {
    build_with(rbs, no_matrix())
}

// --- looking at a walk ------------------------------------------------------------------------------

fn at(w: &Walk) -> String {
    format!("{}{}", w.position.node(), if w.is_finished() { " (finished)" } else { "" })
}

/// (node, answer, provenance) of every path entry.
fn path(w: &Walk) -> Vec<(String, String, &'static str)> {
    w.path.iter().map(|p| (p.node.to_string(), p.answer.clone(), p.provenance.as_str())).collect()
}

fn questions(w: &Walk) -> Vec<String> {
    w.path.iter().filter(|p| p.kind == StepKind::Question).map(|p| format!("{}={}", p.node, p.answer)).collect()
}

fn start(set: &RunbookSet, facts: &[(&str, &str, Provenance)], opts: WalkOptions) -> Walk {
    let prefill = facts.iter().map(|(k, v, p)| (k.to_string(), v.to_string(), *p));
    Walk::start(set, prefill, opts, t(0)).unwrap()
}

fn ff(facts: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str, Provenance)> {
    facts.iter().map(|(k, v)| (*k, *v, Provenance::FactsFile)).collect()
}

const ASK: WalkOptions = WalkOptions { assume_unknown: false, skip_steps: false, role: Role::Tier2, ask_all: true };
const ASSUME: WalkOptions = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: true };

/// phase → flow → credential.type → outcome, each question with every value.
fn linear() -> RunbookSet {
    build(&[runbook(
        "triage",
        "q-phase",
        vec![
            q_to("q-phase", "phase", &["sign-in", "registration"], "q-flow"),
            q_to("q-flow", "flow", &["same-device", "cross-device"], "q-cred"),
            q(
                "q-cred",
                "credential.type",
                &[
                    ("security-key", "o-key"),
                    ("authenticator", "o-other"),
                    ("synced", "o-other"),
                    ("windows-hello", "o-other"),
                    ("unknown", "o-unclassified"),
                ],
            ),
            outcome("o-key", "unsupported-client.transport"),
            outcome("o-other", "picker.wrong-passkey"),
            outcome("o-unclassified", "unclassified"),
        ],
    )])
}

// --- never ask twice ---------------------------------------------------------------------------------

#[test]
fn known_facts_are_followed_with_their_provenance() {
    let set = linear();
    let cases: &[(Provenance, &str)] = &[
        (Provenance::FactsFile, "facts-file"),
        (Provenance::Imported, "imported"),
        (Provenance::Asked, "asked"),
        (Provenance::Derived, "derived"),
    ];
    for (prov, name) in cases {
        let w = start(&set, &[("phase", "sign-in", *prov), ("flow", "cross-device", *prov)], ASK);
        assert_eq!(at(&w), "triage#q-cred", "{name}");
        assert_eq!(
            path(&w),
            vec![
                ("triage#q-phase".into(), "sign-in".into(), *name),
                ("triage#q-flow".into(), "cross-device".into(), *name)
            ],
            "{name}"
        );
        assert_eq!(w.facts["phase"].provenance, *prov);
    }
}

#[test]
fn a_fact_is_never_asked_twice_even_at_another_node() {
    let set = build(&[runbook(
        "triage",
        "q-phase",
        vec![
            q("q-phase", "phase", &[("sign-in", "q-flow"), ("registration", "q-flow"), ("unknown", "q-flow")]),
            q(
                "q-flow",
                "flow",
                &[("same-device", "q-phase-2"), ("cross-device", "q-phase-2"), ("unknown", "q-phase-2")],
            ),
            q(
                "q-phase-2",
                "phase",
                &[("sign-in", "o-sign-in"), ("registration", "o-reg"), ("unknown", "o-unclassified")],
            ),
            outcome("o-sign-in", "picker.wrong-passkey"),
            outcome("o-reg", "policy.attestation"),
            outcome("o-unclassified", "unclassified"),
        ],
    )]);
    let mut w = start(&set, &[], ASK);
    w.answer(&set, "registration", t(1)).unwrap();
    w.answer(&set, "same-device", t(2)).unwrap();
    assert_eq!(at(&w), "triage#o-reg (finished)");
    let p = path(&w);
    assert_eq!(p[2], ("triage#q-phase-2".into(), "registration".into(), "asked"));
    // The fact keeps the time it was really answered.
    assert_eq!(w.facts["phase"].at, t(1));
}

#[test]
fn missing_facts_stop_the_walk_or_are_assumed_unknown() {
    let set = linear();
    let w = start(&set, &ff(&[("phase", "sign-in")]), ASK);
    assert_eq!(at(&w), "triage#q-flow");
    assert!(!w.facts.contains_key("flow"));

    let w = start(&set, &ff(&[("phase", "sign-in")]), ASSUME);
    assert_eq!(at(&w), "triage#o-unclassified (finished)");
    assert_eq!(
        path(&w),
        vec![
            ("triage#q-phase".into(), "sign-in".into(), "facts-file"),
            ("triage#q-flow".into(), "unknown".into(), "assumed-unknown"),
            ("triage#q-cred".into(), "unknown".into(), "assumed-unknown"),
        ]
    );
    assert_eq!(w.facts["flow"].provenance, Provenance::AssumedUnknown);
    // An explicit `unknown` from the facts file stays a facts-file answer.
    let w = start(&set, &ff(&[("phase", "unknown"), ("flow", "unknown"), ("credential.type", "unknown")]), ASK);
    assert_eq!(at(&w), "triage#o-unclassified (finished)");
    assert!(path(&w).iter().all(|(_, a, p)| a == "unknown" && *p == "facts-file"));
}

// --- routes --------------------------------------------------------------------------------------------

fn routed() -> RunbookSet {
    build(&[runbook(
        "triage",
        "r",
        vec![
            route(
                "r",
                vec![
                    rule(json!({"fact": "policy.passkey_method", "one_of": ["disabled", "excluded"]}), "o-method"),
                    rule(json!({"fact": "policy.passkey_method", "equals": "disabled"}), "o-never"),
                    json!({"when": {"fact": "error.code", "equals": "AADSTS53003"}, "next": "q-ca",
                           "set": {"ca.auth_strength": "not-satisfied", "fx.colour": "red"}}),
                    rule(json!({"not": {"fact": "flow", "known": true}}), "o-flow-unknown"),
                    rule(
                        json!({"any": [{"fact": "phone.bluetooth", "equals": "off"},
                                        {"all": [{"fact": "desktop.bluetooth", "known": true},
                                                 {"not": {"fact": "desktop.bluetooth", "equals": "available"}}]}]}),
                        "o-bt",
                    ),
                ],
                "q-ca",
            ),
            q(
                "q-ca",
                "ca.auth_strength",
                &[("satisfied", "o-ok"), ("not-satisfied", "o-ca"), ("none", "o-ok"), ("unknown", "o-ok")],
            ),
            outcome("o-method", "policy.method-not-enabled"),
            outcome("o-never", "unclassified"),
            outcome("o-ca", "policy.conditional-access"),
            outcome("o-ok", "fx.extra"),
            outcome("o-flow-unknown", "unclassified"),
            outcome("o-bt", "cross-device.phone-bluetooth-off"),
        ],
    )])
}

#[test]
fn routes_take_the_first_matching_rule() {
    let set = routed();
    #[rustfmt::skip]
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("policy.passkey_method", "disabled")], "triage#o-method (finished)"),
        (&[("policy.passkey_method", "excluded"), ("error.code", "AADSTS53003")], "triage#o-method (finished)"),
        (&[("policy.passkey_method", "enabled-for-user"), ("error.code", "53003")], "triage#o-ca (finished)"),
        (&[("error.code", "aadsts 53003"), ("ca.auth_strength", "satisfied")], "triage#o-ok (finished)"),
        (&[("error.code", "50011")], "triage#o-flow-unknown (finished)"),
        (&[("flow", "unknown")], "triage#o-flow-unknown (finished)"),
        (&[("flow", "cross-device"), ("phone.bluetooth", "off")], "triage#o-bt (finished)"),
        (&[("flow", "cross-device"), ("desktop.bluetooth", "no-adapter")], "triage#o-bt (finished)"),
        (&[("flow", "cross-device"), ("desktop.bluetooth", "available")], "triage#q-ca"),
        (&[("flow", "cross-device"), ("desktop.bluetooth", "unknown")], "triage#q-ca"),
    ];
    for (facts, want) in cases {
        let facts: Vec<_> = facts.iter().map(|(k, v)| (*k, *v, Provenance::FactsFile)).collect();
        let w = start(&set, &facts, ASK);
        assert_eq!(at(&w), *want, "facts {facts:?}");
        assert_eq!(w.path[0].kind, StepKind::Route);
        assert_eq!(w.reasons().len(), 1);
    }
}

#[test]
fn rules_derive_facts_without_overriding_known_ones() {
    let set = routed();
    // Not known: derived, and the question for it is then followed with provenance `derived`.
    let w = start(&set, &ff(&[("error.code", "AADSTS53003")]), ASK);
    assert_eq!(at(&w), "triage#o-ca (finished)");
    assert_eq!(w.facts["ca.auth_strength"].value, "not-satisfied");
    assert_eq!(w.facts["ca.auth_strength"].provenance, Provenance::Derived);
    assert_eq!(w.facts["fx.colour"].provenance, Provenance::Derived);
    assert_eq!(path(&w)[1], ("triage#q-ca".into(), "not-satisfied".into(), "derived"));
    assert!(path(&w)[0].1.starts_with("rule 3: error.code = AADSTS53003"), "{:?}", path(&w)[0]);

    // Known: kept as given, with its provenance.
    let w = start(&set, &ff(&[("error.code", "53003"), ("ca.auth_strength", "satisfied")]), ASK);
    assert_eq!(at(&w), "triage#o-ok (finished)");
    assert_eq!(w.facts["ca.auth_strength"].provenance, Provenance::FactsFile);
    assert_eq!(w.facts["ca.auth_strength"].value, "satisfied");
    // Even an explicit `unknown` is not overridden by a derivation.
    let w = start(&set, &ff(&[("error.code", "53003"), ("ca.auth_strength", "unknown")]), ASK);
    assert_eq!(w.facts["ca.auth_strength"].value, "unknown");
}

#[test]
fn version_conditions_compare_numerically_and_never_condemn_vague_versions() {
    let set = build(&[runbook(
        "triage",
        "r",
        vec![
            route(
                "r",
                vec![
                    rule(json!({"fact": "phone.os_version", "version_below": "17.1"}), "o-below"),
                    rule(json!({"fact": "phone.os_version", "version_at_least": "17.1"}), "o-ok"),
                ],
                "o-cant-tell",
            ),
            outcome("o-below", "unsupported-client.os-version"),
            outcome("o-ok", "fx.extra"),
            outcome("o-cant-tell", "unclassified"),
        ],
    )]);
    #[rustfmt::skip]
    let cases: &[(Option<&str>, &str)] = &[
        (Some("16.7"), "o-below"),
        (Some("16"), "o-below"),
        (Some("17.0.9"), "o-below"),
        (Some("17.1"), "o-ok"),
        (Some("17.1.0"), "o-ok"),
        (Some("17.10"), "o-ok"),     // 17.10 > 17.9 > 17.1: numeric, not textual
        (Some("18"), "o-ok"),
        (Some(" 17.2 "), "o-ok"),
        (Some("17"), "o-cant-tell"), // the user said "17": maybe 17.0, maybe 17.4
        (Some("unknown"), "o-cant-tell"),
        (None, "o-cant-tell"),
    ];
    for (v, want) in cases {
        let facts: Vec<_> = v.iter().map(|v| ("phone.os_version", *v, Provenance::FactsFile)).collect();
        let w = start(&set, &facts, ASK);
        assert_eq!(at(&w), format!("triage#{want} (finished)"), "version {v:?}");
    }
    // `17` against a minimum of `17.0` is known to meet it.
    let set = build(&[runbook(
        "triage",
        "r",
        vec![
            route("r", vec![rule(json!({"fact": "client.os_version", "version_at_least": "17.0"}), "o-ok")], "o-no"),
            outcome("o-ok", "fx.extra"),
            outcome("o-no", "unclassified"),
        ],
    )]);
    let w = start(&set, &ff(&[("client.os_version", "17")]), ASK);
    assert_eq!(at(&w), "triage#o-ok (finished)");
}

#[test]
fn matrix_conditions_follow_the_matrix_verdict() {
    let matrix = json!({
        "schema": 1, "as_of": "2026-01-15", "sources": [{"id": "M", "title": "m", "url": "u"}],
        "rows": [
            {"id": "android-firefox", "area": "browser", "when": {"client.os": "android", "client.browser": "firefox"},
             "support": "unsupported", "sources": ["M"]},
            {"id": "windows-safari", "area": "browser", "when": {"client.os": "windows", "client.browser": "safari"},
             "support": "not-applicable", "sources": ["M"]},
            {"id": "android-chrome", "area": "browser", "when": {"client.os": "android", "client.browser": ["chrome", "edge"]},
             "support": "supported", "min_versions": {"client.browser_version": "120"}, "sources": ["M"]},
        ]
    });
    let m = |verdicts: &[&str]| json!({"matrix": {"area": "browser", "verdict": verdicts}});
    let set = build_with(
        &[runbook(
            "triage",
            "r",
            vec![
                route(
                    "r",
                    vec![
                        rule(m(&["unsupported"]), "o-unsupported"),
                        rule(m(&["below-minimum"]), "o-too-old"),
                        rule(m(&["not-listed"]), "o-not-listed"),
                        rule(m(&["supported"]), "o-supported"),
                    ],
                    "o-never",
                ),
                outcome("o-unsupported", "unsupported-client.browser"),
                outcome("o-too-old", "unsupported-client.os-version"),
                outcome("o-not-listed", "unclassified"),
                outcome("o-supported", "fx.extra"),
                outcome("o-never", "unclassified"),
            ],
        )],
        matrix,
    );
    #[rustfmt::skip]
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("client.os", "android"), ("client.browser", "firefox")], "o-unsupported"),
        (&[("client.os", "windows"), ("client.browser", "safari")], "o-unsupported"),
        (&[("client.os", "android"), ("client.browser", "edge"), ("client.browser_version", "119.0.1")], "o-too-old"),
        (&[("client.os", "android"), ("client.browser", "edge"), ("client.browser_version", "124.0")], "o-supported"),
        (&[("client.os", "android"), ("client.browser", "chrome")], "o-supported"),
        (&[("client.os", "android"), ("client.browser", "chrome"), ("client.browser_version", "1")], "o-too-old"),
        (&[("client.os", "android"), ("client.browser", "unknown")], "o-not-listed"),
        (&[("client.os", "unknown"), ("client.browser", "firefox")], "o-not-listed"),
        (&[("client.os", "macos"), ("client.browser", "firefox")], "o-not-listed"),
        (&[], "o-not-listed"),
    ];
    for (facts, want) in cases {
        let facts: Vec<_> = facts.iter().map(|(k, v)| (*k, *v, Provenance::FactsFile)).collect();
        let w = start(&set, &facts, ASK);
        assert_eq!(at(&w), format!("triage#{want} (finished)"), "facts {facts:?}");
    }
}

// --- back ------------------------------------------------------------------------------------------------

#[test]
fn back_returns_to_the_previous_asked_question_and_remembers_its_answer() {
    let set = linear();
    let mut w = start(&set, &[], ASK);
    assert!(!w.can_go_back());
    assert_eq!(w.back(&set, t(1)), Err(EngineError::NothingToGoBack));
    assert_eq!(at(&w), "triage#q-phase");

    w.answer(&set, "sign-in", t(1)).unwrap();
    w.answer(&set, "cross-device", t(2)).unwrap();
    assert_eq!(at(&w), "triage#q-cred");
    w.back(&set, t(3)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    assert_eq!(w.previous_answers.get("flow").map(String::as_str), Some("cross-device"));
    assert!(!w.facts.contains_key("flow"));
    assert_eq!(w.facts["phase"].value, "sign-in");
    assert_eq!(questions(&w), vec!["triage#q-phase=sign-in"]);

    w.back(&set, t(4)).unwrap();
    assert_eq!(at(&w), "triage#q-phase");
    assert!(w.path.is_empty());
    assert!(!w.can_go_back());

    // The answer of the question we left (q-flow) is kept, so it is re-applied when the walk
    // passes q-flow again; answering q-phase again clears its remembered default.
    assert_eq!(w.facts["flow"].value, "cross-device");
    assert_eq!(w.previous_answers.get("phase").map(String::as_str), Some("sign-in"));
    w.answer(&set, "registration", t(5)).unwrap();
    assert!(w.previous_answers.is_empty());
    assert_eq!(at(&w), "triage#q-cred");
    assert_eq!(questions(&w), vec!["triage#q-phase=registration", "triage#q-flow=cross-device"]);
    // ...and it can be taken back like any answer.
    w.back(&set, t(6)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    w.answer(&set, "same-device", t(6)).unwrap();

    // From an outcome, back reopens the last question.
    w.answer(&set, "security-key", t(7)).unwrap();
    assert_eq!(at(&w), "triage#o-key (finished)");
    w.back(&set, t(8)).unwrap();
    assert_eq!(at(&w), "triage#q-cred");
    assert!(!w.is_finished());
}

#[test]
fn a_question_keeps_its_number_when_the_agent_comes_back_to_it() {
    let set = linear();
    let mut w = start(&set, &[], ASK);
    assert_eq!(w.question_number(&set), 1);
    w.answer(&set, "sign-in", t(1)).unwrap();
    w.answer(&set, "cross-device", t(2)).unwrap();
    assert_eq!((at(&w).as_str(), w.question_number(&set)), ("triage#q-cred", 3));
    w.back(&set, t(3)).unwrap();
    assert_eq!((at(&w).as_str(), w.question_number(&set)), ("triage#q-flow", 2));
    // Back again: the flow answer is kept (re-applied later) but doesn't come before q-phase.
    w.back(&set, t(4)).unwrap();
    assert_eq!((at(&w).as_str(), w.question_number(&set)), ("triage#q-phase", 1));
    // A new answer: q-flow is passed with its kept answer, so the next question is the third.
    w.answer(&set, "registration", t(5)).unwrap();
    assert_eq!((at(&w).as_str(), w.question_number(&set)), ("triage#q-cred", 3));
    // The kept answer keeps the time it was given: going back doesn't re-date the call.
    assert_eq!(w.facts["flow"].at, t(2));
    // Back again after the change: q-flow is still the second question.
    w.back(&set, t(6)).unwrap();
    assert_eq!((at(&w).as_str(), w.question_number(&set)), ("triage#q-flow", 2));
}

#[test]
fn back_skips_facts_file_answers_and_keeps_them() {
    let set = linear();
    let mut w = start(&set, &ff(&[("flow", "cross-device")]), ASK);
    w.answer(&set, "sign-in", t(1)).unwrap();
    assert_eq!(at(&w), "triage#q-cred");
    assert_eq!(path(&w)[1], ("triage#q-flow".into(), "cross-device".into(), "facts-file"));
    // The previous *asked* question is q-phase, past the facts-file answer at q-flow.
    w.back(&set, t(2)).unwrap();
    assert_eq!(at(&w), "triage#q-phase");
    assert_eq!(w.facts["flow"].provenance, Provenance::FactsFile);
    // Re-answering re-applies the kept fact.
    w.answer(&set, "registration", t(3)).unwrap();
    assert_eq!(at(&w), "triage#q-cred");
    assert_eq!(path(&w)[1], ("triage#q-flow".into(), "cross-device".into(), "facts-file"));
    // Only facts-file answers before the first question: nothing to go back to.
    let mut w = start(&set, &ff(&[("phase", "sign-in"), ("flow", "same-device")]), ASK);
    assert_eq!(w.back(&set, t(1)), Err(EngineError::NothingToGoBack));
    assert_eq!(at(&w), "triage#q-cred");
}

#[test]
fn back_keeps_answers_to_other_facts_and_reapplies_them() {
    let set = linear();
    let mut w = start(&set, &[], ASK);
    w.answer(&set, "sign-in", t(1)).unwrap();
    // The agent records a later fact early (e.g. from the fact sheet) while at q-flow.
    w.set_fact(&set, "credential.type", "synced", Provenance::Asked, t(2)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    w.answer(&set, "same-device", t(3)).unwrap();
    assert_eq!(at(&w), "triage#o-other (finished)");
    // Back reopens q-flow; the credential answer is kept (it was not asked at q-flow)...
    w.back(&set, t(4)).unwrap();
    assert_eq!(at(&w), "triage#q-cred");
    // ...q-cred was followed with the early answer, so the last asked question is q-cred.
    w.back(&set, t(5)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    assert!(!w.facts.contains_key("flow"));
}

#[test]
fn back_returns_to_where_a_fact_was_really_asked() {
    // phase is asked at q-phase and followed again at q-phase-2; flow is then waiting.
    let set = build(&[runbook(
        "triage",
        "q-phase",
        vec![
            q("q-phase", "phase", &[("sign-in", "q-phase-2"), ("registration", "q-phase-2"), ("unknown", "q-phase-2")]),
            q("q-phase-2", "phase", &[("sign-in", "q-flow"), ("registration", "q-flow"), ("unknown", "q-flow")]),
            q("q-flow", "flow", &[("same-device", "o"), ("cross-device", "o"), ("unknown", "o")]),
            outcome("o", "unclassified"),
        ],
    )]);
    let mut w = start(&set, &[], ASK);
    w.answer(&set, "sign-in", t(1)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    assert_eq!(questions(&w), vec!["triage#q-phase=sign-in", "triage#q-phase-2=sign-in"]);
    w.back(&set, t(2)).unwrap();
    assert_eq!(at(&w), "triage#q-phase", "back must reopen the question the agent asked");
    assert!(w.path.is_empty());
    assert!(!w.can_go_back());
}

#[test]
fn back_over_a_step_takes_its_result_back() {
    let set = build(&[runbook(
        "triage",
        "q-phase",
        vec![
            q("q-phase", "phase", &[("sign-in", "s"), ("registration", "s"), ("unknown", "s")]),
            step("s", &[("fixed", "o-fixed"), ("still-failing", "o-no"), ("unknown", "o-no")]),
            outcome("o-fixed", "fx.extra"),
            outcome("o-no", "unclassified"),
        ],
    )]);
    let mut w = start(&set, &[], ASK);
    w.answer(&set, "sign-in", t(1)).unwrap();
    assert_eq!(at(&w), "triage#s");
    assert!(matches!(w.answer(&set, "maybe", t(2)), Err(EngineError::NotAnOption { .. })));
    w.answer(&set, "fixed", t(2)).unwrap();
    assert_eq!(at(&w), "triage#o-fixed (finished)");
    assert_eq!(w.step_results["triage#s"].value, "fixed");
    assert_eq!(path(&w)[1], ("triage#s".into(), "fixed".into(), "asked"));
    w.back(&set, t(3)).unwrap();
    assert_eq!(at(&w), "triage#s");
    assert!(w.step_results.is_empty());
    assert_eq!(w.previous_answers.get("triage#s").map(String::as_str), Some("fixed"));
    w.answer(&set, "still-failing", t(4)).unwrap();
    assert_eq!(at(&w), "triage#o-no (finished)");

    // Non-interactive walks take the step's `unknown` ("couldn't try") result.
    let w = start(
        &set,
        &ff(&[("phase", "sign-in")]),
        WalkOptions { assume_unknown: false, skip_steps: true, role: Role::Tier2, ask_all: true },
    );
    assert_eq!(at(&w), "triage#o-no (finished)");
    assert_eq!(path(&w)[1], ("triage#s".into(), "unknown".into(), "assumed-unknown"));
}

#[test]
fn back_revises_answers_from_an_earlier_session_and_keeps_their_origin() {
    // Tier 1 had phase from a facts file and flow assumed unknown; tier 2 continues (facts
    // carry `via`) and may revise any of them. Derived facts are not answers.
    let set = linear();
    let mut w = start(&set, &[("phase", "sign-in", Provenance::FactsFile)], ASSUME);
    w.options = ASK;
    for f in w.facts.values_mut() {
        f.via = Some("tier-1 session T1".into());
    }
    assert_eq!(at(&w), "triage#o-unclassified (finished)");
    assert_eq!(path(&w)[1], ("triage#q-flow".into(), "unknown".into(), "assumed-unknown"));
    assert!(w.can_go_back());
    w.back(&set, t(10)).unwrap();
    assert_eq!(at(&w), "triage#q-cred", "the assumed answer tier 1 never asked is asked now");
    w.back(&set, t(11)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    assert_eq!(w.previous_entries["flow"].via.as_deref(), Some("tier-1 session T1"));
    w.back(&set, t(12)).unwrap();
    assert_eq!(at(&w), "triage#q-phase", "even a facts-file answer of tier 1");
    assert!(!w.can_go_back());
    // Same answer again: the answers passed on the way are re-applied with their tier-1 entry
    // (provenance, time, via), not as "asked now".
    w.answer(&set, "sign-in", t(13)).unwrap();
    assert_eq!(at(&w), "triage#o-unclassified (finished)");
    for k in ["flow", "credential.type"] {
        let f = &w.facts[k];
        assert_eq!(
            (f.provenance, f.at, f.via.as_deref()),
            (Provenance::AssumedUnknown, t(0), Some("tier-1 session T1"))
        );
    }
    assert_eq!((w.facts["phase"].provenance, w.facts["phase"].via.as_deref()), (Provenance::Asked, None));
    // A different answer replaces the tier-1 one as asked on this call.
    w.back(&set, t(14)).unwrap();
    w.back(&set, t(14)).unwrap();
    assert_eq!(at(&w), "triage#q-flow");
    w.answer(&set, "cross-device", t(15)).unwrap();
    assert_eq!((w.facts["flow"].provenance, w.facts["flow"].via.as_deref()), (Provenance::Asked, None));
    assert!(w.previous_entries.is_empty());

    // Without `via` (the same facts in tier 1 itself) nothing but asked answers is revisable.
    let w = start(&set, &[("phase", "sign-in", Provenance::FactsFile)], ASSUME);
    assert!(!w.can_go_back());
}

#[test]
fn tier2_counts_its_own_questions_not_tier_1s() {
    // Tier 1 asked the phase; tier 2 continues the package: its first question is its question 1.
    let set = linear();
    let mut w = start(&set, &[("phase", "sign-in", Provenance::Asked)], ASK);
    assert_eq!(w.questions_asked(), 1, "asked on this call");
    for f in w.facts.values_mut() {
        f.via = Some("tier-1 session T1".into());
    }
    assert_eq!((w.questions_asked(), w.question_number(&set)), (0, 1));
    w.answer(&set, "cross-device", t(1)).unwrap();
    assert_eq!((w.questions_asked(), w.question_number(&set)), (1, 2));
}

#[test]
fn back_never_reopens_what_the_sign_in_log_says() {
    // An imported fact carries its log field in `via`; that is not an earlier session's answer,
    // so ← on the first question asked stays there instead of reopening it as "ask the caller".
    let set = linear();
    let mut w = start(&set, &[("phase", "sign-in", Provenance::Imported)], ASK);
    for f in w.facts.values_mut() {
        f.via = Some("az-monitor: DeviceDetail.operatingSystem".into());
    }
    assert!(!w.can_go_back(), "only the imported fact is on the path");
    w.answer(&set, "cross-device", t(1)).unwrap();
    assert!(w.can_go_back());
    w.back(&set, t(2)).unwrap();
    assert!(!w.can_go_back(), "back stops at the first question asked");
    assert_eq!(w.facts["phase"].provenance, Provenance::Imported);
}

// --- restart ---------------------------------------------------------------------------------------------

#[test]
fn restart_keeps_outside_facts_and_returns_to_the_entry() {
    let set = routed();
    let prefill = [
        ("error.code", "53003", Provenance::FactsFile),
        ("flow", "cross-device", Provenance::Imported),
        ("phone.bluetooth", "on", Provenance::Asked),
    ];
    let mut w = start(&set, &prefill, ASK);
    // error.code → rule 3 derives ca.auth_strength and fx.colour → o-ca.
    assert_eq!(at(&w), "triage#o-ca (finished)");
    w.set_fact(&set, "desktop.bluetooth", "off", Provenance::Asked, t(1)).unwrap();
    w.restart(&set, t(2)).unwrap();
    let mut kept: Vec<(&str, &str)> = w.facts.iter().map(|(k, f)| (k.as_str(), f.provenance.as_str())).collect();
    kept.sort();
    // Derived facts are derived again on the way; asked ones are gone. The method state the
    // route reads first is resolved again: no question asks it here, so it stays "skipped".
    assert_eq!(
        kept,
        vec![
            ("ca.auth_strength", "derived"),
            ("error.code", "facts-file"),
            ("flow", "imported"),
            ("fx.colour", "derived"),
            ("policy.passkey_method", "skipped")
        ]
    );
    assert!(w.previous_answers.is_empty() && w.step_results.is_empty());
    let fresh = start(&set, &prefill[..2], ASK);
    assert_eq!(w.position, fresh.position);
    assert_eq!(path(&w), path(&fresh));
}

// --- typed entries, set_fact, errors --------------------------------------------------------------------

fn typed_set() -> RunbookSet {
    build(&[runbook(
        "triage",
        "q-ver",
        vec![
            typed("q-ver", "phone.os_version", "q-code", "r-ver"),
            route("r-ver", vec![rule(json!({"fact": "phone.os_version", "version_below": "17"}), "o-old")], "q-code"),
            typed("q-code", "error.code", "o-none", "r-code"),
            route("r-code", vec![rule(json!({"fact": "error.code", "equals": "53003"}), "o-ca")], "o-none"),
            outcome("o-old", "unsupported-client.os-version"),
            outcome("o-ca", "policy.conditional-access"),
            outcome("o-none", "unclassified"),
        ],
    )])
}

#[test]
fn typed_entries_take_versions_and_text() {
    let set = typed_set();
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str)] = &[
        // (version typed, code typed, where the walk ends)
        ("16.7", "", "triage#o-old (finished)"),
        (" 16.7 ", "", "triage#o-old (finished)"),
        ("17.5", "AADSTS53003", "triage#o-ca (finished)"),
        ("17.5", "aadsts53003", "triage#o-ca (finished)"),
        ("17.5", "50011", "triage#o-none (finished)"),
        ("unknown", "unknown", "triage#o-none (finished)"),
    ];
    for (ver, code, want) in cases {
        let mut w = start(&set, &[], ASK);
        w.answer(&set, ver, t(1)).unwrap();
        if !code.is_empty() {
            assert_eq!(at(&w), "triage#q-code");
            w.answer(&set, code, t(2)).unwrap();
        }
        assert_eq!(at(&w), *want, "{ver:?} {code:?}");
        assert_eq!(w.facts["phone.os_version"].value, ver.trim());
    }
}

#[test]
fn bad_answers_are_errors_and_change_nothing() {
    let set = typed_set();
    let mut w = start(&set, &[], ASK);
    let before = w.clone();
    match w.answer(&set, "seventeen", t(1)) {
        Err(EngineError::Fact(FactError::BadVersion { key, value })) => {
            assert_eq!((key.as_str(), value.as_str()), ("phone.os_version", "seventeen"))
        }
        other => panic!("expected a bad-version error, got {other:?}"),
    }
    assert_eq!(w, before);
    assert!(matches!(w.answer(&set, "", t(1)), Err(EngineError::Fact(_))));
    assert_eq!(w, before);

    let set = linear();
    let mut w = start(&set, &[], ASK);
    let before = w.clone();
    assert!(matches!(w.answer(&set, "teleport", t(1)), Err(EngineError::NotAnOption { .. })));
    assert!(matches!(
        w.set_fact(&set, "no.such.fact", "x", Provenance::Asked, t(1)),
        Err(EngineError::Fact(FactError::UnknownKey(_)))
    ));
    assert!(matches!(
        w.set_fact(&set, "phase", "sideways", Provenance::Asked, t(1)),
        Err(EngineError::Fact(FactError::BadValue { .. }))
    ));
    assert_eq!(w, before);
    // A bad prefill is refused at the start.
    let bad = Walk::start(&set, [("flow".into(), "sideways".into(), Provenance::FactsFile)], ASK, t(0));
    assert!(matches!(bad, Err(EngineError::Fact(FactError::BadValue { .. }))));
    // Finished walks take no answers.
    let mut w = start(&set, &ff(&[("phase", "sign-in"), ("flow", "unknown"), ("credential.type", "synced")]), ASK);
    assert!(w.is_finished());
    assert!(matches!(w.answer(&set, "sign-in", t(1)), Err(EngineError::NotWaiting { .. })));
}

#[test]
fn set_fact_moves_on_when_it_answers_the_waiting_question() {
    let set = linear();
    let mut w = start(&set, &[], ASK);
    w.set_fact(&set, "flow", "same-device", Provenance::Imported, t(1)).unwrap();
    assert_eq!(at(&w), "triage#q-phase");
    w.set_fact(&set, "phase", "sign-in", Provenance::Imported, t(2)).unwrap();
    assert_eq!(at(&w), "triage#q-cred");
    assert_eq!(path(&w)[1], ("triage#q-flow".into(), "same-device".into(), "imported"));
}

#[test]
fn cross_runbook_links_are_followed() {
    let set = build(&[
        runbook(
            "triage",
            "q-flow",
            vec![
                q("q-flow", "flow", &[("same-device", "o"), ("cross-device", "xd#q-bt"), ("unknown", "o")]),
                outcome("o", "unclassified"),
            ],
        ),
        runbook(
            "xd",
            "q-bt",
            vec![
                q("q-bt", "phone.bluetooth", &[("on", "triage#o"), ("off", "o-bt"), ("unknown", "triage#o")]),
                outcome("o-bt", "cross-device.phone-bluetooth-off"),
            ],
        ),
    ]);
    let w = start(&set, &ff(&[("flow", "cross-device")]), ASK);
    assert_eq!(at(&w), "xd#q-bt");
    let w = start(&set, &ff(&[("flow", "cross-device"), ("phone.bluetooth", "off")]), ASK);
    assert_eq!(at(&w), "xd#o-bt (finished)");
    let w = start(&set, &ff(&[("flow", "cross-device"), ("phone.bluetooth", "on")]), ASK);
    assert_eq!(at(&w), "triage#o (finished)");
}

#[test]
fn broken_sets_are_errors_not_panics() {
    let raw = |rbs: Vec<Value>| {
        let loaded = rbs
            .into_iter()
            .map(|v| {
                let file = Arc::new(SourceFile::new(Origin::Builtin("x.json".into()), v.to_string()));
                LoadedRunbook::new(parse_json::<Runbook>(&file).unwrap(), file)
            })
            .collect();
        let mfile = Arc::new(SourceFile::new(Origin::Builtin("m.json".into()), no_matrix().to_string()));
        RunbookSet::new(loaded, parse_json(&mfile).unwrap(), mfile)
    };
    // No entry runbook.
    let set = raw(vec![runbook("other", "o", vec![outcome("o", "unclassified")])]);
    assert_eq!(Walk::start(&set, [], ASK, t(0)).unwrap_err(), EngineError::NoEntry);
    // A dangling next.
    let set = raw(vec![runbook("triage", "r", vec![route("r", vec![], "nowhere")])]);
    assert!(matches!(Walk::start(&set, [], ASK, t(0)), Err(EngineError::Dangling { .. })));
    // A cycle of routes.
    let set = raw(vec![runbook("triage", "a", vec![route("a", vec![], "b"), route("b", vec![], "a")])]);
    match Walk::start(&set, [], ASK, t(0)) {
        Err(EngineError::Cycle(names)) => assert!(names.contains("triage#a") && names.contains("triage#b")),
        other => panic!("expected a cycle error, got {other:?}"),
    }
}

// --- asking by value (contract §9.2) ---------------------------------------------------------------------

/// The tree asks the phase first; the phase only matters for an Authenticator passkey, the
/// passkey type for every way on.
fn phase_then_type() -> RunbookSet {
    build(&[runbook(
        "triage",
        "q-phase",
        vec![
            q_to("q-phase", "phase", &["sign-in", "registration"], "q-cred"),
            q(
                "q-cred",
                "credential.type",
                &[
                    ("security-key", "o-key"),
                    ("authenticator", "r-phase"),
                    ("synced", "o-synced"),
                    ("windows-hello", "o-hello"),
                    ("unknown", "o-unclassified"),
                ],
            ),
            route("r-phase", vec![rule(json!({"fact": "phase", "equals": "registration"}), "o-a-reg")], "o-a"),
            outcome("o-key", "unsupported-client.transport"),
            outcome("o-a", "picker.wrong-passkey"),
            outcome("o-a-reg", "policy.mfa-freshness"),
            outcome("o-synced", "orphaned-passkey"),
            outcome("o-hello", "stale-registration"),
            outcome("o-unclassified", "unclassified"),
        ],
    )])
}

const BY_VALUE: WalkOptions =
    WalkOptions { assume_unknown: false, skip_steps: false, role: Role::Tier2, ask_all: false };

#[test]
fn the_question_that_narrows_most_is_asked_first_and_what_it_settles_is_skipped() {
    let set = phase_then_type();
    let mut w = start(&set, &[], BY_VALUE);
    assert_eq!(at(&w), "triage#q-cred", "the passkey type splits every way on, the phase one");
    w.answer(&set, "security-key", t(1)).unwrap();
    assert_eq!(at(&w), "triage#o-key (finished)");
    assert_eq!(w.questions_asked(), 1, "the phase can't change a security key's outcome: skipped");
    // An Authenticator passkey: now the phase decides, and is asked.
    let mut w = start(&set, &[], BY_VALUE);
    w.answer(&set, "authenticator", t(1)).unwrap();
    assert_eq!(at(&w), "triage#q-phase");
    w.answer(&set, "registration", t(2)).unwrap();
    assert_eq!(at(&w), "triage#o-a-reg (finished)");
    // Asking every question (§6 off) is the tree as written.
    assert_eq!(at(&start(&set, &[], ASK)), "triage#q-phase");
}

#[test]
fn priors_weigh_the_choice() {
    // With the Authenticator outcomes far commoner than the rest, the phase (which tells them
    // apart) is worth more than the passkey type.
    let mut set = phase_then_type();
    let node = |id: &str| passkey_triage::runbook::NodeRef::new("triage", id);
    set.set_priors([(node("o-a"), 50.0), (node("o-a-reg"), 50.0)].into_iter().collect());
    assert_eq!(at(&start(&set, &[], BY_VALUE)), "triage#q-phase");
}

#[test]
fn a_fact_another_answer_derives_waits_for_it() {
    // Every way on reads the transport and the passkey type, and the type splits the outcomes
    // more; but a USB or NFC answer derives the type (a key), so the transport goes first.
    let mut rb = runbook(
        "triage",
        "q-phase",
        vec![
            q(
                "q-phase",
                "phase",
                &[("sign-in", "q-transport"), ("registration", "q-transport"), ("unknown", "q-transport")],
            ),
            q("q-transport", "credential.transport", &[("usb", "q-cred"), ("nfc", "q-cred"), ("unknown", "q-cred")]),
            q(
                "q-cred",
                "credential.type",
                &[("security-key", "o-key"), ("synced", "o-synced"), ("unknown", "o-unclassified")],
            ),
            outcome("o-key", "unsupported-client.transport"),
            outcome("o-synced", "orphaned-passkey"),
            outcome("o-unclassified", "unclassified"),
        ],
    );
    rb["derive"] = json!([{"when": {"fact": "credential.transport", "one_of": ["usb", "nfc"]},
                           "set": {"credential.type": "security-key"}, "note": "only a key"}]);
    let set = build(&[rb]);
    let mut w = start(&set, &[], BY_VALUE);
    assert_eq!(at(&w), "triage#q-transport", "not the type, which the transport may tell");
    w.answer(&set, "usb", t(1)).unwrap();
    assert_eq!(at(&w), "triage#o-key (finished)");
    assert_eq!(w.questions_asked(), 1, "the type was derived, the phase changes nothing");
}

// --- diagnose (library) ----------------------------------------------------------------------------------

#[test]
fn diagnose_reports_questions_with_contract_sources() {
    use passkey_triage::diagnose::{Report, diagnose};
    let set = routed();
    let facts = vec![("error.code".to_string(), "53003".to_string())];
    let (_, report) = diagnose(&set, &facts, false, Role::Tier2, t(0)).unwrap();
    match &report {
        Report::Classified { class, outcome, path, remediation, escalate, .. } => {
            assert_eq!(class, "policy.conditional-access");
            assert_eq!(outcome, "triage#o-ca");
            assert!(!escalate);
            assert_eq!(remediation, &vec!["do it".to_string()]);
            // Routes are not reported; the derived answer is.
            assert_eq!(path.len(), 1);
            assert_eq!((path[0].node.as_str(), path[0].source), ("triage#q-ca", "derived"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(report.exit_code(), 0);

    // By value (contract §9.2): the flow can't change the outcome here, the passkey type can.
    let set = linear();
    let (_, report) = diagnose(&set, &[("phase".into(), "sign-in".into())], false, Role::Tier2, t(0)).unwrap();
    assert_eq!(
        report,
        Report::NeedsInput {
            node: "triage#q-cred".into(),
            fact: "credential.type".into(),
            prompt: "credential.type?".into(),
            options: ["security-key", "authenticator", "synced", "windows-hello", "unknown"].map(String::from).to_vec(),
        }
    );
    assert_eq!(report.exit_code(), 3);
    let (_, report) = diagnose(&set, &[("phase".into(), "sign-in".into())], true, Role::Tier2, t(0)).unwrap();
    let Report::Classified { path, .. } = report else { panic!() };
    let sources: Vec<&str> = path.iter().map(|p| p.source).collect();
    // The flow can't change the outcome: skipped, not assumed (contract §6).
    assert_eq!(sources, vec!["facts", "skipped", "assumed-unknown"]);
}

/// The browser asked before where they sign in (issue 17): each browser answer goes the same way
/// as "not in a browser" would once the client kind is known, and only a web sign-in reads it.
fn browser_first() -> RunbookSet {
    build(&[runbook(
        "triage",
        "q-browser",
        vec![
            q("q-browser", "client.browser", &[("edge", "r-client"), ("chrome", "r-client"), ("unknown", "q-kind")]),
            q_to("q-kind", "client.kind", &["browser", "native-app"], "r-client"),
            route(
                "r-client",
                vec![
                    rule(
                        json!({"all": [{"fact": "client.kind", "equals": "browser"}, {"fact": "client.browser", "equals": "edge"}]}),
                        "o-edge",
                    ),
                    rule(json!({"fact": "client.kind", "equals": "native-app"}), "q-cred"),
                ],
                "o-unclassified",
            ),
            q("q-cred", "credential.type", &[("security-key", "o-key"), ("unknown", "o-unclassified")]),
            outcome("o-edge", "unsupported-client.browser"),
            outcome("o-key", "unsupported-client.transport"),
            outcome("o-unclassified", "unclassified"),
        ],
    )])
}

#[test]
fn the_trees_own_question_is_not_asked_when_no_answer_to_it_can_change_the_outcome() {
    let set = browser_first();
    // Nothing known: the browser can change the outcome, and is asked.
    assert_eq!(at(&start(&set, &[], BY_VALUE)), "triage#q-browser");
    // An app: every answer to "which browser?" leads on to the same route, which no longer reads
    // the browser. It is skipped, and the walk asks what an app's outcome depends on.
    let w = start(&set, &ff(&[("client.kind", "native-app")]), BY_VALUE);
    assert_eq!(at(&w), "triage#q-cred");
    assert_eq!(w.questions_asked(), 0);
    assert!(path(&w).contains(&("triage#q-browser".to_string(), "unknown".to_string(), "skipped")), "{:?}", path(&w));
    // A web sign-in: the browser still decides, and is asked.
    assert_eq!(at(&start(&set, &ff(&[("client.kind", "browser")]), BY_VALUE)), "triage#q-browser");
    // Asking every question (§6 off) is the tree as written.
    assert_eq!(at(&start(&set, &ff(&[("client.kind", "native-app")]), ASK)), "triage#q-browser");
}

/// On the built-in library a call starts with the passkey type, then the browser; naming one says
/// it is a web sign-in, so "where do they sign in?" is never asked.
#[test]
fn a_named_browser_is_a_web_sign_in_on_the_built_in_library() {
    let set = RunbookSet::builtin().unwrap();
    let mut w = start(&set, &[], BY_VALUE);
    assert_eq!(at(&w), "triage#q-credential-type");
    w.answer(&set, "authenticator", t(1)).unwrap();
    assert_eq!(at(&w), "triage#q-browser-first");
    w.answer(&set, "chrome", t(2)).unwrap();
    let kind = w.facts.get("client.kind").expect("client.kind derived");
    assert_eq!((kind.value.as_str(), kind.provenance), ("browser", Provenance::Derived));
    assert_eq!(w.questions_asked(), 2);
    assert_ne!(at(&w), "triage#q-client-kind");
}

/// The fact the walk waits for, if it waits at a question.
fn waiting_for(set: &RunbookSet, w: &Walk) -> Option<String> {
    match w.current(set) {
        Some(passkey_triage::engine::Current::Question(_, q)) => Some(q.fact.clone()),
        _ => None,
    }
}

#[test]
fn an_answer_asked_ahead_of_the_tree_stays_on_the_path_when_the_walk_goes_again_from_the_entry() {
    let set = RunbookSet::builtin().unwrap();
    let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
    let mut w = start(&set, &[], options);
    // Registering an Authenticator passkey from Edge on Windows.
    let world = [
        ("credential.type", "authenticator"),
        ("client.browser", "edge"),
        ("client.os", "windows"),
        ("phase", "registration"),
        ("registration.recent_mfa", "no"),
    ];
    let mut n = 1;
    // Everything else "can't tell", until the phase has been asked.
    while let Some(fact) = waiting_for(&set, &w) {
        if w.path.iter().any(|p| p.fact.as_deref() == Some("phase")) {
            break;
        }
        let v = world.iter().find(|(k, _)| *k == fact).map_or("unknown", |(_, v)| *v);
        w.answer(&set, v, t(n)).unwrap();
        n += 1;
    }
    assert!(w.path.iter().any(|p| p.fact.as_deref() == Some("phase")), "{:?}", questions(&w));
    // Back to the first question, and a synced passkey instead: the derived flow goes, so the
    // walk goes again from the entry with the other answers.
    while waiting_for(&set, &w).as_deref() != Some("credential.type") {
        w.back(&set, t(n)).unwrap();
        n += 1;
    }
    w.answer(&set, "synced", t(n)).unwrap();
    let world = [("flow", "same-device"), ("registration.recent_mfa", "no")];
    while !w.is_finished() {
        n += 1;
        // A step (sign in again with MFA) the user couldn't try now.
        let v = waiting_for(&set, &w)
            .and_then(|fact| world.iter().find(|(k, _)| *k == fact).map(|(_, v)| *v))
            .unwrap_or("unknown");
        w.answer(&set, v, t(n)).unwrap();
    }
    assert_eq!(w.outcome(&set).map(|(_, o)| o.class.clone()).as_deref(), Some("policy.mfa-freshness"));
    let on_path = |fact: &str| w.path.iter().any(|p| p.fact.as_deref() == Some(fact));
    for fact in ["credential.type", "phase"] {
        assert!(
            on_path(fact),
            "{fact} missing from the path: {:?} at {}; facts {:?}",
            questions(&w),
            at(&w),
            w.facts.iter().map(|(k, f)| format!("{k}={}:{}", f.value, f.provenance.as_str())).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_agent_can_go_back_to_a_question_a_later_answer_would_answer() {
    let set = RunbookSet::builtin().unwrap();
    let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
    let mut w = start(&set, &[], options);
    // A security key by USB on a Mac (where the transport matters: NFC and Bluetooth keys
    // aren't supported there): the connection says "security key" on its own.
    let world = [
        ("credential.type", "security-key"),
        ("client.browser", "chrome"),
        ("client.os", "macos"),
        ("phase", "sign-in"),
        ("credential.transport", "usb"),
    ];
    let mut n = 1;
    // Seven answers, as an agent would go on: the world's, else the first listed answer.
    while n <= 7 {
        let Some(passkey_triage::engine::Current::Question(_, q)) = w.current(&set) else { break };
        let first = q.options.first().map(|o| o.value.clone()).unwrap_or_default();
        let v = world.iter().find(|(k, _)| *k == q.fact).map_or(first, |(_, v)| v.to_string());
        w.answer(&set, &v, t(n)).unwrap();
        n += 1;
    }
    assert_eq!(w.facts["credential.transport"].value, "usb", "{:?}", questions(&w));
    // Back, answer by answer, to the first question: it must be reachable to change it.
    let mut backs = 0;
    while waiting_for(&set, &w).as_deref() != Some("credential.type") {
        backs += 1;
        assert!(backs <= 8, "never back at the passkey type: at {}, {:?}", at(&w), questions(&w));
        w.back(&set, t(n)).unwrap();
        n += 1;
    }
    // The USB answer is remembered as a default, not applied: it would say "security key" again.
    assert!(!w.facts.contains_key("credential.type"));
    assert_eq!(w.previous_answers.get("credential.transport").map(String::as_str), Some("usb"));
    w.answer(&set, "authenticator", t(n)).unwrap();
    assert_eq!(w.facts["credential.type"].value, "authenticator");
}

/// A question every answer of which ends at the same outcome, with nothing more to ask, is not
/// asked (contract §6, §9.4), even where the look-ahead imagines the fact open further on: Firefox
/// on Android can't use an Authenticator passkey, same device or QR code alike.
#[test]
fn a_question_whose_every_answer_ends_the_same_is_not_asked() {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let facts = [("credential.type", "authenticator"), ("client.browser", "firefox"), ("client.os", "android")];
    let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
    let walk = Walk::start(
        &set,
        facts.iter().map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile)),
        options,
        DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default(),
    )
    .expect("start");
    let (node, outcome) = walk.outcome(&set).expect("classified without asking");
    assert_eq!(outcome.class, "unsupported-client.browser", "{node}");
    let flow = walk.path.iter().find(|p| p.fact.as_deref() == Some("flow")).expect("flow on the path");
    assert_eq!((flow.answer.as_str(), flow.provenance), ("unknown", Provenance::Skipped));
}

/// A matrix test doesn't wait for a fact none of whose values changes its verdict (contract §6,
/// §9.1): on Windows every security-key transport works (and an unknown one is not listed), so
/// "How does the key connect?" can't change the outcome and isn't asked; on a Mac NFC and
/// Bluetooth keys aren't supported, so it is.
#[test]
fn the_key_transport_is_asked_only_where_the_matrix_tells_transports_apart() {
    let set = RunbookSet::builtin().unwrap();
    let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
    let asked_in = |os: &'static str| {
        let facts = [
            ("credential.type", "security-key"),
            ("client.kind", "browser"),
            ("client.browser", "chrome"),
            ("client.os", os),
            ("phase", "sign-in"),
        ];
        let mut w = start(&set, &ff(&facts), options);
        let mut asked = Vec::new();
        for n in 1..40 {
            let Some(fact) = waiting_for(&set, &w) else { break };
            asked.push(fact);
            w.answer(&set, "unknown", t(n)).unwrap();
        }
        (asked, w.facts.get("credential.transport").map(|f| f.provenance))
    };
    let (windows, provenance) = asked_in("windows");
    assert!(!windows.iter().any(|f| f == "credential.transport"), "asked on Windows: {windows:?}");
    assert_eq!(provenance, Some(Provenance::Skipped));
    let (mac, _) = asked_in("macos");
    assert!(mac.iter().any(|f| f == "credential.transport"), "not asked on a Mac: {mac:?}");
}

/// The checks tier 1 defers don't depend on the order the facts became known (contract §5, §9.1):
/// a QR-code *sign-in* call that reaches "a tenant block is known" before the phase is asked no
/// longer defers "attestation enforced" (a registration-only check) or "self-service set up": the
/// open checks of the live call are those of the walk given its facts up front.
#[test]
fn a_sign_in_call_defers_no_registration_check() {
    let set = RunbookSet::builtin().unwrap();
    let world = [
        ("credential.type", "authenticator"),
        ("client.browser", "edge"),
        ("client.os", "windows"),
        ("phase", "sign-in"),
        ("phone.os", "ios"),
        ("phone.os_version", "17.5"),
        ("phone.bluetooth", "on"),
        ("desktop.bluetooth", "available"),
        ("phone.internet", "yes"),
        ("desktop.internet", "yes"),
        ("qr.scan", "ok"),
        ("device.passkey_offered", "yes"),
        ("entra.passkey_registered", "yes"),
        ("authenticator.signed_in", "yes"),
        ("authenticator.provider_enabled", "yes"),
        ("picker.choice", "work"),
    ];
    let options = WalkOptions { role: Role::Tier1, skip_steps: true, ..WalkOptions::default() };
    let mut live = start(&set, &[], options);
    for n in 1..60 {
        let Some(fact) = waiting_for(&set, &live) else { break };
        let v = world.iter().find(|(k, _)| *k == fact).map_or("unknown", |(_, v)| *v);
        live.answer(&set, v, t(n)).unwrap();
    }
    assert!(live.is_finished(), "{:?}", questions(&live));
    let deferred = |w: &Walk| w.deferred().map(str::to_string).collect::<Vec<_>>();
    let asked: Vec<(String, String, Provenance)> = live
        .facts
        .iter()
        .filter(|(_, f)| f.provenance == Provenance::Asked)
        .map(|(k, f)| (k.clone(), f.value.clone(), Provenance::FactsFile))
        .collect();
    let up_front = Walk::start(
        &set,
        asked,
        WalkOptions { role: Role::Tier1, assume_unknown: true, skip_steps: true, ..WalkOptions::default() },
        t(0),
    )
    .unwrap();
    assert_eq!(live.outcome(&set).map(|(r, _)| r.to_string()), up_front.outcome(&set).map(|(r, _)| r.to_string()));
    assert_eq!(deferred(&live), deferred(&up_front));
    for registration_only in ["policy.attestation_enforced", "policy.self_service_allowed", "ca.requires_approved_app"]
    {
        assert!(!deferred(&live).iter().any(|f| f == registration_only), "{registration_only}: {:?}", deferred(&live));
    }
}
