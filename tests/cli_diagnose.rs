//! `diagnose` through the binary, against the fixture runbooks in `tests/fixtures/core/runbooks`
//! (passed with `--runbooks`; their `triage` replaces the built-in entry): exit codes 0/2/3, the
//! contract's JSON shapes, stdin, Markdown and text, and one-line errors for bad facts files.

mod cli_support;

use cli_support::{Run, cli, finish, root};

use std::path::Path;

use serde_json::{Value, json};

const RUNBOOKS: &str = "tests/fixtures/core/runbooks";

fn run(tmp: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = cli(tmp);
    c.args(["--runbooks", RUNBOOKS, "diagnose"]).args(args);
    if let Some(s) = stdin {
        c.write_stdin(s);
    }
    finish(c)
}

fn json_out(r: &Run) -> Value {
    assert!(r.stdout.ends_with('\n') && r.stdout.lines().count() == 1, "one JSON line expected: {}", r.stdout);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout))
}

#[test]
fn cases_classify_as_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("tests/fixtures/core/cases");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let rel = format!("tests/fixtures/core/cases/{name}");
        let case: Value = serde_json::from_str(&std::fs::read_to_string(root().join(&rel)).unwrap()).unwrap();
        let mut args = vec!["--facts", rel.as_str()];
        if case["assume_unknown"] == true {
            args.push("--assume-unknown");
        }
        let r = run(tmp.path(), &args, None);
        let expect = &case["expect"];
        assert_eq!(Some(r.code as i64), expect["exit"].as_i64(), "{name}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.is_empty(), "{name}: {}", r.stderr);
        let out = json_out(&r);
        if r.code == 0 {
            assert_eq!(out["status"], "classified", "{name}");
            assert_eq!(out["class"], expect["class"], "{name}: {out}");
            assert_eq!(out["outcome"], expect["outcome"], "{name}: {out}");
            // Every given fact that the walk passed is reported as coming from the facts file.
            for p in out["path"].as_array().unwrap() {
                let given = case["facts"].get(p["fact"].as_str().unwrap());
                match p["source"].as_str().unwrap() {
                    "facts" => assert_eq!(given, Some(&p["answer"]), "{name}: {p}"),
                    "assumed-unknown" => assert!(given.is_none() && p["answer"] == "unknown", "{name}: {p}"),
                    "derived" => assert!(given.is_none(), "{name}: {p}"),
                    "skipped" => assert!(given.is_none() && p["answer"] == "unknown", "{name}: {p}"),
                    other => panic!("{name}: source {other}"),
                }
            }
        } else {
            assert_eq!(out["status"], "needs-input", "{name}");
            assert_eq!(out["node"], expect["node"], "{name}: {out}");
            assert_eq!(out["fact"], expect["fact"], "{name}: {out}");
        }
    }
}

#[test]
fn classified_json_has_exactly_the_contract_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(
        tmp.path(),
        &["--facts", "tests/fixtures/core/cases/ca-derived-from-error-code.json", "--assume-unknown"],
        None,
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        json_out(&r),
        json!({
            "status": "classified",
            "class": "policy.conditional-access",
            "outcome": "triage#o-ca",
            "title": "Conditional Access blocks this passkey",
            "escalate": true,
            "remediation": ["Check the policy's authentication strength.", "Tell the user which methods satisfy it."],
            "path": [
                {"node": "triage#q-phase", "fact": "phase", "answer": "sign-in", "source": "facts"},
                {"node": "triage#q-flow", "fact": "flow", "answer": "unknown", "source": "assumed-unknown"},
                {"node": "triage#q-credential", "fact": "credential.type", "answer": "unknown", "source": "assumed-unknown"},
                // The policy route reads the method state, so it is resolved before the route
                // decides (contract §9.1); as nobody gave it, it is an open check.
                {"node": "policy#q-method", "fact": "policy.passkey_method", "answer": "unknown", "source": "assumed-unknown"},
                {"node": "triage#q-ca", "fact": "ca.auth_strength", "answer": "not-satisfied", "source": "derived"}
            ],
            "differential": [
                {"fact": "policy.passkey_method", "value": "disabled", "class": "policy.method-not-enabled", "outcome": "triage#o-method"},
                {"fact": "policy.passkey_method", "value": "not-targeted", "class": "policy.method-not-enabled", "outcome": "triage#o-method"},
                {"fact": "policy.passkey_method", "value": "excluded", "class": "policy.method-not-enabled", "outcome": "triage#o-method"}
            ]
        })
    );
}

#[test]
fn needs_input_json_has_exactly_the_contract_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(tmp.path(), &["--facts", "tests/fixtures/core/cases/needs-flow.json"], None);
    assert_eq!(r.code, 3);
    assert!(r.stderr.is_empty());
    assert_eq!(
        json_out(&r),
        json!({
            "status": "needs-input",
            "node": "triage#q-flow",
            "fact": "flow",
            "prompt": "Is the passkey on this device, or on a phone?",
            "options": ["same-device", "cross-device", "unknown"]
        })
    );
    // `--format json` is the default.
    let r2 = run(tmp.path(), &["--facts", "tests/fixtures/core/cases/needs-flow.json", "--format", "json"], None);
    assert_eq!((r2.code, r2.stdout), (3, r.stdout));
}

#[test]
fn facts_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let facts = r#"{"facts": {"phase": "sign-in", "flow": "cross-device", "phone.bluetooth": "off"}}"#;
    let r = run(tmp.path(), &["--facts", "-"], Some(facts));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json_out(&r)["class"], "cross-device.phone-bluetooth-off");
    // Bad standard input is named `<stdin>`, with the place.
    let r = run(tmp.path(), &["--facts", "-"], Some("{\"facts\": {\"flow\": \"sideways\"}}"));
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        "passkey-triage: <stdin>:1:20: `flow`: `sideways` is not one of same-device, cross-device, unknown\n"
    );
    let r = run(tmp.path(), &["--facts", "-"], Some(""));
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("passkey-triage: <stdin>:1:1: invalid JSON"), "{}", r.stderr);
}

#[test]
fn markdown_and_text_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let case = "tests/fixtures/core/cases/method-excluded.json";
    let md = run(tmp.path(), &["--facts", case, "--assume-unknown", "--format", "markdown"], None);
    assert_eq!(md.code, 0);
    insta::assert_snapshot!("diagnose_markdown_classified", md.stdout);
    let text = run(tmp.path(), &["--facts", case, "--assume-unknown", "--format", "text"], None);
    assert_eq!(text.code, 0);
    insta::assert_snapshot!("diagnose_text_classified", text.stdout);
    let needs = "tests/fixtures/core/cases/needs-typed-version.json";
    let md = run(tmp.path(), &["--facts", needs, "--format", "markdown"], None);
    assert_eq!(md.code, 3);
    insta::assert_snapshot!("diagnose_markdown_needs_input", md.stdout);
    let text = run(tmp.path(), &["--facts", needs, "--format", "text"], None);
    assert_eq!(text.code, 3);
    insta::assert_snapshot!("diagnose_text_needs_input", text.stdout);
}

/// Each bad facts file: exit 2, nothing on stdout, exactly one line on stderr that names the file
/// and the place. The messages are reviewed in one snapshot.
#[test]
fn bad_facts_files_are_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("tests/fixtures/facts");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| format!("tests/fixtures/facts/{}", e.file_name().to_string_lossy()))
        .collect();
    files.sort();
    files.push("tests/fixtures/facts/does-not-exist.json".into());
    let mut all = String::new();
    for f in &files {
        for assume in [false, true] {
            let mut args = vec!["--facts", f.as_str()];
            if assume {
                args.push("--assume-unknown");
            }
            let r = run(tmp.path(), &args, None);
            assert_eq!(r.code, 2, "{f}: {}{}", r.stdout, r.stderr);
            assert!(r.stdout.is_empty(), "{f}: stdout must stay empty: {}", r.stdout);
            assert_eq!(r.stderr.lines().count(), 1, "{f}: {}", r.stderr);
            assert!(r.stderr.starts_with(&format!("passkey-triage: {f}")), "{f}: {}", r.stderr);
            if !assume {
                all.push_str(&r.stderr);
            }
        }
    }
    // Where a line and column exist, they are given; fact errors name the key.
    let line = |name: &str| all.lines().find(|l| l.contains(&format!("/{name}"))).unwrap().to_string();
    assert!(line("invalid-json.json").contains("invalid-json.json:5:3: invalid JSON"), "{all}");
    assert!(line("unknown-key.json").contains("unknown-key.json:4:21: unknown fact key `phone.colour`"), "{all}");
    assert!(line("bad-value.json").contains("bad-value.json:4:13: `flow`: `sideways`"), "{all}");
    assert!(line("bad-version.json").contains(":4:25: `phone.os_version`: `seventeen` is not a version"), "{all}");
    assert!(line("non-string-value.json").contains(":4:26: `client.os_version`"), "{all}");
    insta::assert_snapshot!("bad_facts_files", all);
}

#[test]
fn a_broken_runbook_is_bad_input_naming_file_line_col() {
    let tmp = tempfile::tempdir().unwrap();
    let err = refusal_with_runbooks(tmp.path(), Path::new("tests/fixtures/core/broken"));
    assert!(err.starts_with("passkey-triage: tests/fixtures/core/broken/triage.json:"), "{err}");
    assert!(err.contains("error[unknown-field]") && err.contains("`colour`") && err.contains("triage#o-end"), "{err}");
    let place: Vec<&str> = err.split(':').skip(2).take(2).collect();
    assert_eq!(place, vec!["18", "17"], "{err}");
}

#[test]
fn the_builtin_set_classifies_anything_with_assume_unknown() {
    // Whatever the built-in runbooks say, a walk that assumes `unknown` ends at an outcome.
    let tmp = tempfile::tempdir().unwrap();
    let out = cli(tmp.path())
        .current_dir(tmp.path())
        .args(["diagnose", "--facts", "-", "--assume-unknown"])
        .write_stdin(r#"{"facts": {}}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "classified");
    assert!(v["class"].as_str().is_some_and(|c| !c.is_empty()), "{v}");
    assert!(v["outcome"].as_str().is_some_and(|o| o.contains('#')), "{v}");
}

#[test]
fn a_scenarios_role_runs_the_walk_as_that_role() {
    // Contract §4: a scenario that says `"role": "tier1"` runs as tier 1; `--role` still wins.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = r#"{"name": "admin check left open", "role": "tier1",
        "facts": {"phase": "sign-in", "flow": "same-device", "client.kind": "browser", "client.os": "windows",
                  "client.browser": "edge", "credential.type": "security-key"},
        "expect": {"class": "unclassified"}}"#;
    let diagnose = |extra: &[&str]| {
        let out = cli(tmp.path())
            .current_dir(tmp.path())
            .args(["diagnose", "--facts", "-", "--assume-unknown"])
            .args(extra)
            .write_stdin(scenario)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let sources = |v: &Value| -> Vec<String> {
        v["path"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["fact"] == "policy.passkey_method")
            .map(|p| p["source"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(sources(&diagnose(&[])), ["deferred"]);
    assert_eq!(sources(&diagnose(&["--role", "tier2"])), ["assumed-unknown"]);
    let bad = cli(tmp.path())
        .args(["diagnose", "--facts", "-"])
        .write_stdin(r#"{"facts": {}, "role": "boss"}"#)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("`role`") && err.lines().count() == 1, "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [&["diagnose"][..], &["diagnose", "--facts", "x.json", "--format", "yaml"], &["diagnose", "--bogus"]] {
        let out = cli(tmp.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_byte_order_mark_from_a_windows_editor_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bom.json");
    std::fs::write(&file, "\u{feff}{\"facts\": {\"phase\": \"sign-in\"}}").unwrap();
    let path = file.to_str().unwrap();
    let r = run(tmp.path(), &["--facts", path, "--assume-unknown"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json_out(&r)["status"], "classified");
}

/// Versions as callers read them (issue 21): `1809` on Windows classifies as build 10.0.17763
/// does, `Sonoma` is macOS 14, a version before the first release (iOS 1) is a one-line error,
/// and one past the newest we know is taken as given.
#[test]
fn versions_as_callers_read_them() {
    let tmp = tempfile::tempdir().unwrap();
    let diagnose = |facts: &str| {
        let out = cli(tmp.path())
            .current_dir(tmp.path())
            .args(["diagnose", "--facts", "-", "--assume-unknown"])
            .write_stdin(facts.to_string())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let windows = |version: &str| {
        format!(
            r#"{{"facts": {{"phase": "sign-in", "client.kind": "native-app", "client.os": "windows", "credential.type": "security-key", "client.os_version": "{version}", "client.app": "outlook", "client.broker": "installed", "flow": "same-device"}}}}"#
        )
    };
    let (code, by_name, err) = diagnose(&windows("1809"));
    assert_eq!(code, Some(0), "{err}");
    let (_, by_build, _) = diagnose(&windows("10.0.17763"));
    let class = |out: &str| serde_json::from_str::<Value>(out).unwrap()["class"].clone();
    assert_eq!(class(&by_name), class(&by_build));
    assert_eq!(class(&by_name), "unsupported-client.os-version");
    let (code, _, err) = diagnose(r#"{"facts": {"phone.os": "ios", "phone.os_version": "1"}}"#);
    assert_eq!(code, Some(2));
    assert!(err.contains("iOS 1 doesn't exist: iOS versions run from 9 to"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Past the newest release the table knows is still a version (contract §1): next year's
    // iOS, and the ChromeOS platform version `import` reads from a sign-in log.
    let (code, _, err) = diagnose(r#"{"facts": {"phone.os": "ios", "phone.os_version": "28"}}"#);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = diagnose(r#"{"facts": {"client.os": "chromeos", "client.os_version": "15917.0.0"}}"#);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\"classified\""), "{out}");
}

#[test]
fn a_runbook_ending_in_a_class_nobody_declared_is_refused_on_load() {
    // Lint's unknown-class fixture, given to `diagnose`: the walk must never emit a class that is
    // neither the contract's nor declared by a runbook.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("runbooks");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy("tests/fixtures/lint/unknown-class.json", dir.join("triage.json")).unwrap();
    let err = refusal_with_runbooks(tmp.path(), &dir);
    assert!(err.contains("triage.json:42:16: error[unknown-class]") && err.contains("`bluetooth.haunted`"), "{err}");
}

/// `diagnose` with the runbooks in `dir` over no facts: must be bad input (exit 2), nothing on
/// stdout, one line on stderr, which is returned.
fn refusal_with_runbooks(home: &Path, dir: &Path) -> String {
    let out = cli(home)
        .arg("--runbooks")
        .arg(dir)
        .args(["diagnose", "--facts", "-", "--assume-unknown"])
        .write_stdin(r#"{"facts": {}}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn text_and_markdown_name_where_a_fact_came_from() {
    // Contract §8 and §10: an imported fact shows its log field, a derived one the catalog entry.
    let tmp = tempfile::tempdir().unwrap();
    let sample = root().join("tests/signin_logs/cases/az-monitor.json");
    let facts = r#"{"facts": {"error.message": "The passkey already exists"}}"#;
    for format in ["text", "markdown"] {
        let out = cli(tmp.path())
            .current_dir(tmp.path())
            .args(["diagnose", "--facts", "-", "--assume-unknown", "--format", format])
            .write_stdin(facts)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("derived (message catalog: already-exists)"), "{format}: {text}");
        let out = cli(tmp.path())
            .args(["diagnose", "--assume-unknown", "--format", format, "--signin-log"])
            .arg(&sample)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("imported (az-monitor: "), "{format}: {text}");
    }
}

/// The differential offers only answers the question would offer on this call: the Android
/// WebView code (AADSTS220450) is an open check on an Android app call, not on an iPhone one.
#[test]
fn the_differential_offers_only_codes_that_fit_the_platform() {
    let tmp = tempfile::tempdir().expect("tmp");
    let codes = |os: &str, version: &str| -> Vec<String> {
        let facts = json!({"facts": {
            "phase": "sign-in", "flow": "same-device", "client.kind": "native-app", "client.os": os,
            "client.os_version": version, "client.app": "outlook", "credential.type": "authenticator",
            "client.broker": "installed", "device.passkey_offered": "yes", "entra.passkey_registered": "yes",
            "authenticator.signed_in": "yes", "authenticator.provider_enabled": "yes", "picker.choice": "work",
            "error.code": "unknown", "error.message": "unknown", "native.works_in_browser": "unknown"
        }});
        let mut c = cli(tmp.path());
        c.args(["diagnose", "--facts", "-", "--role", "tier1", "--assume-unknown", "--format", "json"]);
        c.write_stdin(facts.to_string());
        let v = json_out(&finish(c));
        v["differential"]
            .as_array()
            .expect("a differential")
            .iter()
            .filter(|a| a["fact"] == "error.code")
            .filter_map(|a| a["value"].as_str().map(str::to_string))
            .collect()
    };
    let android = codes("android", "15");
    assert!(android.contains(&"220450".to_string()), "{android:?}");
    let ios = codes("ios", "17.5");
    assert!(!ios.is_empty() && !ios.contains(&"220450".to_string()), "{ios:?}");
}
