//! One fixture per lint error under `tests/fixtures/lint/<code>[--variant].json`. Each fixture is
//! a runbook with id `triage`, so it replaces the built-in entry and its findings do not depend on
//! the built-in runbooks. The messages are reviewed in one snapshot.

mod cli_support;

use cli_support::{Run, cli, finish, root};

use std::path::Path;

use serde_json::Value;

fn fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/lint"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    v.sort();
    v
}

fn lint(tmp: &Path, args: &[&str]) -> Run {
    let mut c = cli(tmp);
    // The fixtures are test data, not content a desk re-checks: no age warnings here (see
    // `content_older_than_the_limit_is_a_warning_naming_its_sources`).
    c.arg("lint").args(args).args(["--max-age-days", "0"]);
    finish(c)
}

fn lint_json(tmp: &Path, file: &str) -> (i32, Value) {
    let r = lint(tmp, &[file, "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{file}: not JSON ({e}): {}", r.stdout));
    (r.code, v)
}

#[test]
fn every_fixture_reports_the_error_it_is_named_after() {
    let tmp = tempfile::tempdir().unwrap();
    let names = fixtures();
    assert!(names.len() >= 30, "expected one fixture per lint error, found {}", names.len());
    for name in names {
        let rel = format!("tests/fixtures/lint/{name}");
        let stem = name.trim_end_matches(".json");
        let code = stem.split("--").next().unwrap();
        let (exit, doc) = lint_json(tmp.path(), &rel);
        let findings = doc["findings"].as_array().unwrap();
        let errors: Vec<&Value> = findings.iter().filter(|f| f["severity"] == "error").collect();
        let warnings: Vec<&Value> = findings.iter().filter(|f| f["severity"] == "warning").collect();
        assert_eq!(doc["errors"].as_u64(), Some(errors.len() as u64), "{name}");
        assert_eq!(doc["warnings"].as_u64(), Some(warnings.len() as u64), "{name}");
        for f in findings {
            assert_eq!(f["file"], rel.as_str(), "{name}: finding names another file: {f}");
            assert!(f["line"].as_u64().is_some() && f["column"].as_u64().is_some(), "{name}: no line:col in {f}");
            assert!(!f["message"].as_str().unwrap_or("").is_empty(), "{name}");
        }
        match code {
            "clean" => {
                assert_eq!(exit, 0, "{name}");
                assert!(findings.is_empty(), "{name}: {findings:?}");
            }
            "unreachable" | "reads-not-known" | "hidden-char" => {
                assert_eq!(exit, 0, "{name}: warnings alone must not fail lint");
                assert!(errors.is_empty(), "{name}: {errors:?}");
                assert!(!warnings.is_empty() && warnings.iter().all(|w| w["code"] == code), "{name}");
            }
            _ => {
                assert_eq!(exit, 1, "{name}");
                assert!(!errors.is_empty(), "{name}: no error reported");
                for e in &errors {
                    assert_eq!(e["code"], code, "{name}: unexpected finding {e}");
                }
            }
        }
    }
}

#[test]
fn lint_messages_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = String::new();
    for name in fixtures() {
        let r = lint(tmp.path(), &[&format!("tests/fixtures/lint/{name}")]);
        all.push_str(&format!("$ passkey-triage lint tests/fixtures/lint/{name}   # exit {}\n{}", r.code, r.stdout));
        assert!(r.stderr.is_empty(), "{name}: {}", r.stderr);
    }
    insta::assert_snapshot!("lint_fixture_findings", all);
}

#[test]
fn messages_name_the_place_and_the_culprit() {
    let tmp = tempfile::tempdir().unwrap();
    let first_line = |file: &str| {
        lint(tmp.path(), &[&format!("tests/fixtures/lint/{file}")]).stdout.lines().next().unwrap().to_string()
    };
    // JSON syntax: file:line:col of the error.
    assert!(
        first_line("json-syntax.json")
            .starts_with("tests/fixtures/lint/json-syntax.json:5:3: error[json-syntax]: invalid JSON")
    );
    // Dangling next: names the missing target.
    let l = first_line("dangling-next.json");
    assert!(l.starts_with("tests/fixtures/lint/dangling-next.json:30:19: error[dangling-next]:"), "{l}");
    assert!(l.contains("`triage#o-nowhere`"), "{l}");
    assert!(
        first_line("dangling-next--cross-runbook.json")
            .contains("`no-such-runbook#q-phone-bt`: runbook `no-such-runbook` does not exist")
    );
    // Cycle: says "cycle" and lists every node on it.
    let l = first_line("cycle.json");
    assert!(
        l.contains("cycle") && l.contains("triage#r-a") && l.contains("triage#r-b") && l.contains("triage#r-c"),
        "{l}"
    );
    assert!(!l.contains("q-phase"), "{l}");
    // Unknown field: names the field and the node.
    let l = first_line("unknown-field.json");
    assert!(l.contains("`colour`") && l.contains("triage#q-phase"), "{l}");
}

#[test]
fn exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    // 0: clean; a folder of several runbooks linked with `runbook#node`.
    let r = lint(tmp.path(), &["tests/fixtures/core/runbooks"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "2 runbook(s) checked: 0 error(s), 0 warning(s)\n"), "{}", r.stderr);
    // 0: warnings only.
    let r = lint(tmp.path(), &["tests/fixtures/lint/unreachable.json"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("warning[unreachable]"));
    // 1: findings; several paths at once.
    let r = lint(tmp.path(), &["tests/fixtures/lint/json-syntax.json", "tests/fixtures/core/runbooks"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.ends_with("3 runbook(s) checked: 1 error(s), 0 warning(s)\n"), "{}", r.stdout);
    // 2: a path that does not exist, a folder without runbooks, an unreadable file.
    let r = lint(tmp.path(), &["tests/fixtures/lint/no-such-file.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert_eq!(r.stderr.lines().count(), 1);
    assert!(r.stderr.contains("no-such-file.json"), "{}", r.stderr);
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let r = lint(tmp.path(), &[empty.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no .json runbooks"), "{}", r.stderr);
    let binary = tmp.path().join("binary.json");
    std::fs::write(&binary, b"\xff\xfe{\"schema\": 1}").unwrap();
    let r = lint(tmp.path(), &[binary.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("binary.json") && r.stderr.contains("not UTF-8"), "{}", r.stderr);
    // 2: a --runbooks folder that does not exist, for the default (effective) set.
    let out = cli(tmp.path()).args(["--runbooks", "no-such-folder", "lint"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-folder"));
    // 2: usage errors.
    let out = cli(tmp.path()).args(["lint", "--format", "yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Two PATHs holding the same runbook id: the later replaces the earlier in the set, but both were
/// named, so both are checked (the earlier used to be counted as checked and never looked at).
#[test]
fn every_path_is_checked_even_when_a_later_one_has_the_same_runbook_id() {
    let tmp = tempfile::tempdir().unwrap();
    let r = lint(tmp.path(), &["tests/fixtures/lint/bad-prior.json", "tests/fixtures/lint/empty-text--step.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("bad-prior.json:52:16: error[bad-prior]"), "{}", r.stdout);
    assert!(r.stdout.contains("empty-text--step.json:42:16: error[empty-text]"), "{}", r.stdout);
    assert!(r.stdout.ends_with("2 runbook(s) checked: 4 error(s), 0 warning(s)\n"), "{}", r.stdout);
}

#[test]
fn json_format() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, doc) = lint_json(tmp.path(), "tests/fixtures/lint/missing-start.json");
    assert_eq!(code, 1);
    assert_eq!((doc["errors"].as_u64(), doc["warnings"].as_u64()), (Some(1), Some(3)));
    let f = &doc["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["code"], "missing-start");
    assert_eq!(f["file"], "tests/fixtures/lint/missing-start.json");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(13), Some(12)));
    assert!(f["message"].as_str().unwrap().contains("q-nowhere"));
    // Node findings carry `runbook#node`.
    let w = &doc["findings"][1];
    assert_eq!(w["severity"], "warning");
    assert_eq!(w["node"], "triage#q-phase");
    // Clean: empty findings, still one JSON object.
    let (code, doc) = lint_json(tmp.path(), "tests/fixtures/core/runbooks");
    assert_eq!(code, 0);
    assert_eq!(doc, serde_json::json!({"errors": 0, "warnings": 0, "findings": []}));
}

#[test]
fn runbooks_from_the_config_folder_are_linted_with_the_effective_set() {
    let tmp = tempfile::tempdir().unwrap();
    let rbdir = tmp.path().join("config/runbooks");
    std::fs::create_dir_all(&rbdir).unwrap();
    std::fs::copy(root().join("tests/fixtures/lint/dangling-next.json"), rbdir.join("triage.json")).unwrap();
    let r = lint(tmp.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("config/runbooks/triage.json:30:19: error[dangling-next]"), "{}", r.stdout);
}

// --- library level: the full-set check that every contract class is reachable ---------------------------

#[test]
fn the_full_set_must_reach_every_contract_class() {
    use std::sync::Arc;

    use passkey_triage::runbook::lint::{LintScope, lint};
    use passkey_triage::runbook::load::{builtin_matrix, read_runbook_file};
    use passkey_triage::runbook::{LoadedRunbook, RunbookSet};
    use passkey_triage::vocab::CONTRACT_CLASSES;

    let dir = root().join("tests/fixtures/core/runbooks");
    let rbs: Vec<LoadedRunbook> =
        ["triage.json", "fx-cross.json"].iter().map(|f| read_runbook_file(&dir.join(f)).unwrap()).collect();
    let (m, mfile) = builtin_matrix().unwrap();
    let set = RunbookSet::new(rbs, m, Arc::clone(&mfile));
    let reached = [
        "unsupported-client.os-version",
        "policy.method-not-enabled",
        "policy.conditional-access",
        "unclassified",
        "cross-device.phone-bluetooth-off",
        "cross-device.desktop-bluetooth-unavailable",
    ];
    let partial = lint(&set, None, LintScope { full_set: false });
    assert!(partial.iter().all(|f| f.code != "class-unreached"));
    let full = lint(&set, None, LintScope { full_set: true });
    let mut missing: Vec<String> = full
        .iter()
        .filter(|f| f.code == "class-unreached")
        .map(|f| f.message.split('`').nth(1).unwrap().to_string())
        .collect();
    missing.sort();
    let mut want: Vec<String> =
        CONTRACT_CLASSES.iter().map(|(c, _)| c.to_string()).filter(|c| !reached.contains(&c.as_str())).collect();
    want.sort();
    assert_eq!(missing, want);
    assert!(full.iter().filter(|f| f.code == "class-unreached").all(|f| f.file.ends_with("triage.json")));
}

#[test]
fn a_huge_runbook_file_is_refused_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(passkey_triage::runbook::load::MAX_RUNBOOK_BYTES + 10).unwrap();
    let r = lint(tmp.path(), &[big.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("big.json") && r.stderr.contains("refused unread"), "{}", r.stderr);
}

#[test]
fn content_older_than_the_limit_is_a_warning_naming_its_sources() {
    let tmp = tempfile::tempdir().unwrap();
    // A runbook last checked long ago: one warning, at its `as_of`, naming every source; still exit 0.
    let rel = "tests/fixtures/lint/clean.json";
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let as_of = doc["as_of"].as_str().unwrap().to_string();
    let old = tmp.path().join("old.json");
    std::fs::write(&old, text.replacen(&format!("\"as_of\": \"{as_of}\""), "\"as_of\": \"2020-01-15\"", 1)).unwrap();
    let path = old.to_string_lossy().into_owned();
    let mut c = cli(tmp.path());
    c.args(["lint", &path, "--format", "json"]);
    let r = finish(c);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let stale: Vec<&Value> =
        v["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "stale-content").collect();
    assert_eq!(stale.len(), 1, "{}", r.stdout);
    assert_eq!(stale[0]["severity"], "warning");
    let message = stale[0]["message"].as_str().unwrap();
    assert!(message.contains("2020-01-15") && message.contains("180"), "{message}");
    for s in doc["sources"].as_array().unwrap() {
        assert!(message.contains(s["url"].as_str().unwrap()), "{message} should name {s}");
    }
    // The limit is the desk's: a longer one, or 0 (never), says nothing.
    for days in ["100000", "0"] {
        let mut c = cli(tmp.path());
        c.args(["lint", &path, "--format", "json", "--max-age-days", days]);
        let r = finish(c);
        assert!(!r.stdout.contains("stale-content"), "--max-age-days {days}: {}", r.stdout);
    }
}

// --- order independence (contract §9.1) and free text (§10): small runbooks written inline -----------

mod inline {
    use std::collections::HashSet;
    use std::sync::Arc;

    use passkey_triage::runbook::lint::{LintScope, lint};
    use passkey_triage::runbook::load::{builtin_matrix, parse_json};
    use passkey_triage::runbook::{Finding, LoadedRunbook, Origin, Runbook, RunbookSet, Severity, SourceFile};
    use serde_json::{Value, json};

    const FILE: &str = "inline.json";

    /// Lints a `triage` runbook made of `nodes` (starting at the first), with the built-in
    /// matrix; its findings and its text.
    fn lint_nodes(nodes: Value) -> (Vec<Finding>, Arc<SourceFile>) {
        let start = nodes[0]["id"].clone();
        let doc = json!({"schema": 1, "id": "triage", "title": "Inline fixture", "as_of": "2026-11-25",
            "sources": [{"id": "S", "title": "Passkey FAQ", "url": "https://learn.microsoft.com/entra/identity/authentication/passkey-faq"}],
            "start": start, "nodes": nodes});
        let file = Arc::new(SourceFile::new(Origin::File(FILE.into()), serde_json::to_string_pretty(&doc).unwrap()));
        let rb = LoadedRunbook::new(parse_json::<Runbook>(&file).unwrap_or_else(|e| panic!("{e}")), Arc::clone(&file));
        let (matrix, matrix_file) = builtin_matrix().unwrap();
        let set = RunbookSet::new(vec![rb], matrix, matrix_file);
        let only: HashSet<String> = [FILE.to_string()].into();
        (lint(&set, Some(&only), LintScope { full_set: false }), file)
    }

    fn question(id: &str, fact: &str, values: &[&str], next: &str) -> Value {
        let options: Vec<Value> =
            values.iter().chain(["unknown"].iter()).map(|v| json!({"value": v, "label": v, "next": next})).collect();
        json!({"id": id, "kind": "question", "fact": fact, "prompt": format!("{fact}?"), "help": "Ask.", "options": options})
    }

    fn route(id: &str, rules: Value, otherwise: &str) -> Value {
        json!({"id": id, "kind": "route", "title": "t", "rules": rules, "otherwise": otherwise})
    }

    fn outcome(id: &str) -> Value {
        json!({"id": id, "kind": "outcome", "class": "unclassified", "title": "t", "summary": "s", "escalate": true,
               "escalation_reason": "r", "remediation": [{"text": "Do this.", "source": "S"}]})
    }

    fn with_code<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
        findings.iter().filter(|f| f.code == code).collect()
    }

    /// Asserts exactly one finding `code` at `pointer` of `file` and returns it.
    fn one_at<'a>(findings: &'a [Finding], code: &str, file: &SourceFile, pointer: &str) -> &'a Finding {
        let found = with_code(findings, code);
        assert_eq!(found.len(), 1, "{code}: {findings:#?}");
        let pos = file.pos(pointer).unwrap();
        assert_eq!((found[0].line, found[0].column), (Some(pos.line), Some(pos.col)), "{code} at {pointer}");
        found[0]
    }

    #[test]
    fn a_set_of_a_fact_a_question_upstream_asks_is_refused_naming_the_question() {
        let (findings, file) = lint_nodes(json!([
            question("q-phase", "phase", &["sign-in", "registration"], "q-flow"),
            question("q-flow", "flow", &["same-device", "cross-device"], "r-qr"),
            route(
                "r-qr",
                json!([{"when": {"fact": "qr.scan", "equals": "ok"}, "next": "o-a", "set": {"flow": "cross-device"}}]),
                "o-a"
            ),
            outcome("o-a"),
        ]));
        let f = one_at(&findings, "set-overrides-fact", &file, "/nodes/2/rules/0/set/flow");
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.node.as_deref(), Some("triage#r-qr"));
        let asked = file.pos("/nodes/1/fact").unwrap();
        let place = format!("triage#q-flow asks `flow` upstream ({FILE}:{}:{})", asked.line, asked.col);
        assert!(f.message.contains(&place), "{}", f.message);
        assert!(f.message.contains("rule 1 sets `flow` = `cross-device`"), "{}", f.message);
    }

    #[test]
    fn a_set_of_a_fact_a_route_upstream_reads_is_refused() {
        // Read by an ordinary test...
        let (findings, file) = lint_nodes(json!([
            route("r-flow", json!([{"when": {"fact": "flow", "equals": "cross-device"}, "next": "o-a"}]), "r-qr"),
            route(
                "r-qr",
                json!([{"when": {"fact": "qr.scan", "equals": "ok"}, "next": "o-a", "set": {"flow": "cross-device"}}]),
                "o-a"
            ),
            outcome("o-a"),
        ]));
        let f = one_at(&findings, "set-overrides-fact", &file, "/nodes/1/rules/0/set/flow");
        let read = file.pos("/nodes/0/rules/0/when").unwrap();
        assert!(
            f.message.contains(&format!("rule 1 of triage#r-flow reads `flow` ({FILE}:{}:{})", read.line, read.col)),
            "{}",
            f.message
        );
        // ...and by a matrix test, which reads every fact its rows read.
        let (findings, file) = lint_nodes(json!([
            route(
                "r-browser",
                json!([{"when": {"matrix": {"area": "browser", "verdict": ["unsupported"]}}, "next": "o-a"}]),
                "r-set"
            ),
            route(
                "r-set",
                json!([{"when": {"fact": "qr.scan", "equals": "ok"}, "next": "o-a", "set": {"client.browser": "edge"}}]),
                "o-a"
            ),
            outcome("o-a"),
        ]));
        one_at(&findings, "set-overrides-fact", &file, "/nodes/1/rules/0/set/client.browser");
    }

    #[test]
    fn another_rule_of_the_same_route_reading_the_fact_refuses_the_set() {
        let (findings, file) = lint_nodes(json!([
            route(
                "r-flow",
                json!([
                    {"when": {"fact": "flow", "equals": "same-device"}, "next": "o-a"},
                    {"when": {"fact": "qr.scan", "equals": "ok"}, "next": "o-a", "set": {"flow": "cross-device"}}
                ]),
                "o-a"
            ),
            outcome("o-a"),
        ]));
        let f = one_at(&findings, "set-overrides-fact", &file, "/nodes/0/rules/1/set/flow");
        assert!(f.message.contains("rule 1 of triage#r-flow reads `flow`"), "{}", f.message);
    }

    #[test]
    fn the_rules_own_when_may_confirm_or_fill_in_the_fact_but_not_contradict_it() {
        let cases = [
            // (when, set, refused?)
            (json!({"fact": "flow", "equals": "cross-device"}), json!({"flow": "cross-device"}), false),
            (json!({"fact": "flow", "equals": "unknown"}), json!({"flow": "cross-device"}), false),
            (
                json!({"not": {"fact": "client.broker", "equals": "installed"}}),
                json!({"client.broker": "missing"}),
                false,
            ),
            (json!({"not": {"fact": "flow", "equals": "same-device"}}), json!({"flow": "cross-device"}), false),
            (json!({"fact": "flow", "one_of": ["same-device", "cross-device"]}), json!({"flow": "cross-device"}), true),
            (
                json!({"all": [{"fact": "qr.scan", "equals": "ok"}, {"fact": "flow", "equals": "same-device"}]}),
                json!({"flow": "cross-device"}),
                true,
            ),
            (json!({"fact": "flow", "known": true}), json!({"flow": "cross-device"}), true),
            (
                json!({"not": {"fact": "phase", "equals": "registration"}}),
                json!({"qr.scan": "ok", "phase": "sign-in"}),
                false,
            ),
            (json!({"not": {"fact": "client.os", "equals": "windows"}}), json!({"client.os": "ios"}), true),
            (json!({"fact": "phone.os_version", "version_below": "17"}), json!({"phone.os_version": "16"}), true),
        ];
        for (when, set, refused) in cases {
            let (findings, _) = lint_nodes(json!([
                route("r", json!([{"when": when, "next": "o-a", "set": set}]), "o-a"),
                outcome("o-a"),
            ]));
            let found = with_code(&findings, "set-overrides-fact");
            assert_eq!(found.len(), usize::from(refused), "when {when}, set {set}: {findings:#?}");
            if refused {
                assert!(found[0].message.contains("the rule's own `when` holds with"), "{}", found[0].message);
            }
        }
    }

    #[test]
    fn a_set_of_a_fact_nothing_upstream_gives_is_fine() {
        // The fact is asked only after the route (the question is skipped when the rule set it), and
        // a question on it that no walk reaches doesn't count.
        let (findings, _) = lint_nodes(json!([
            question("q-phase", "phase", &["sign-in", "registration"], "r-code"),
            route(
                "r-code",
                json!([{"when": {"fact": "error.code", "equals": "AADSTS53003"}, "next": "q-ca",
                                    "set": {"ca.auth_strength": "not-satisfied"}}]),
                "q-ca"
            ),
            question("q-ca", "ca.auth_strength", &["satisfied", "not-satisfied", "none"], "o-a"),
            outcome("o-a"),
            question("q-ca-orphan", "ca.auth_strength", &["satisfied", "not-satisfied", "none"], "r-code"),
        ]));
        assert_eq!(with_code(&findings, "set-overrides-fact").len(), 0, "{findings:#?}");
        assert_eq!(with_code(&findings, "unreachable").len(), 1, "{findings:#?}");
    }

    #[test]
    fn free_text_is_never_compared_exactly() {
        let mut gated = outcome("o-a");
        gated["remediation"][0]["when"] = json!({"not": {"fact": "error.message", "equals": "already exists"}});
        let (findings, file) = lint_nodes(json!([
            route(
                "r-screen",
                json!([
                    {"when": {"fact": "error.message", "equals": "already exists"}, "next": "o-a"},
                    {"when": {"fact": "error.message", "one_of": ["unknown", "Device couldn't connect"]}, "next": "o-a"},
                    {"when": {"fact": "user.upn", "equals": "someone@contoso.com"}, "next": "o-a"},
                    // Compared normalised (`same_value`): allowed.
                    {"when": {"fact": "client.app", "equals": "Outlook"}, "next": "o-a"},
                    {"when": {"fact": "error.code", "one_of": ["AADSTS53003", "50127"]}, "next": "o-a"},
                    // Only whether it was read at all: not a comparison of text.
                    {"when": {"fact": "error.message", "equals": "unknown"}, "next": "o-a"}
                ]),
                "o-a"
            ),
            gated,
        ]));
        let mut places: Vec<(usize, usize)> = with_code(&findings, "free-text-equality")
            .iter()
            .map(|f| {
                assert_eq!(f.severity, Severity::Error);
                (f.line.unwrap(), f.column.unwrap())
            })
            .collect();
        places.sort();
        let mut want: Vec<(usize, usize)> = [
            "/nodes/0/rules/0/when",
            "/nodes/0/rules/1/when",
            "/nodes/0/rules/2/when",
            "/nodes/1/remediation/0/when/not",
        ]
        .iter()
        .map(|p| file.pos(p).map(|p| (p.line, p.col)).unwrap())
        .collect();
        want.sort();
        assert_eq!(places, want, "{findings:#?}");
        let messages: Vec<&str> =
            with_code(&findings, "free-text-equality").iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("`error.message`") && m.contains("assets/messages.json")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("`user.upn` is free text")), "{messages:?}");
    }

    #[test]
    fn a_route_reading_whether_a_fact_is_known_is_a_warning_at_the_test() {
        // Elsewhere (a remediation's `when`) `known` is no decision of the walk: no warning.
        let mut gated = outcome("o-a");
        gated["remediation"][0]["when"] = json!({"fact": "flow", "known": true});
        let (findings, file) = lint_nodes(json!([
            route(
                "r-flow",
                json!([
                    {"when": {"all": [{"fact": "phase", "equals": "sign-in"}, {"not": {"fact": "flow", "known": true}}]}, "next": "o-a"}
                ]),
                "o-a"
            ),
            gated,
        ]));
        let f = one_at(&findings, "reads-not-known", &file, "/nodes/0/rules/0/when/all/1/not");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.node.as_deref(), Some("triage#r-flow"));
        assert!(f.message.contains("rule 1: `flow` known: true") && f.message.contains("`set`"), "{}", f.message);
        assert!(findings.iter().all(|f| f.severity == Severity::Warning), "{findings:#?}");
    }
}
