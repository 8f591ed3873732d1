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
            "unreachable" => {
                assert_eq!(exit, 0, "{name}: warnings alone must not fail lint");
                assert!(errors.is_empty(), "{name}: {errors:?}");
                assert!(!warnings.is_empty() && warnings.iter().all(|w| w["code"] == "unreachable"), "{name}");
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
