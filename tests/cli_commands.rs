//! `matrix`, `graph` and runbook loading through the binary: precedence of built-in < config
//! folder `runbooks/` < `--runbooks DIR` by id, and built-ins that need no file system.

mod cli_support;

use cli_support::{Run, cli, finish, root};

use std::collections::BTreeMap;
use std::path::Path;

use passkey_triage::cli::MatrixArgs;
use passkey_triage::commands::matrix::facts_from_args;
use passkey_triage::matrix::Area;
use passkey_triage::runbook::RunbookSet;
use serde_json::Value;

const RUNBOOKS: &str = "tests/fixtures/core/runbooks";

fn run(tmp: &Path, args: &[&str]) -> Run {
    let mut c = cli(tmp);
    c.args(args);
    finish(c)
}

// --- matrix ---------------------------------------------------------------------------------------------
// The matrix is built in (its content belongs to the runbook library), so these tests check the
// command against the library's own evaluation rather than against particular rows.

fn expected_verdicts(args: &MatrixArgs) -> Vec<(String, String)> {
    let set = RunbookSet::builtin().unwrap();
    let facts: BTreeMap<String, String> = facts_from_args(args);
    let lookup = |k: &str| facts.get(k).cloned();
    Area::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), set.matrix.evaluate(*a, &lookup).verdict.as_str().to_string()))
        .collect()
}

#[test]
fn matrix_json_reports_every_area_as_the_matrix_evaluates_it() {
    let tmp = tempfile::tempdir().unwrap();
    let set = RunbookSet::builtin().unwrap();
    #[rustfmt::skip]
    let combos: Vec<(Vec<&str>, MatrixArgs)> = vec![
        (vec![], MatrixArgs::default()),
        (vec!["--os", "android", "--browser", "firefox"],
         MatrixArgs { os: Some("android".into()), browser: Some("firefox".into()), ..Default::default() }),
        (vec!["--os", "ios", "--os-version", "16.7", "--credential", "authenticator", "--phone-os", "ios", "--phone-os-version", "16.7"],
         MatrixArgs { os: Some("ios".into()), os_version: Some("16.7".into()), credential: Some("authenticator".into()),
                      phone_os: Some("ios".into()), phone_os_version: Some("16.7".into()), ..Default::default() }),
        (vec!["--os", "windows", "--app", "outlook", "--broker", "missing"],
         MatrixArgs { os: Some("windows".into()), app: Some("outlook".into()), broker: Some("missing".into()), ..Default::default() }),
        (vec!["--os", "ios", "--credential", "security-key", "--transport", "ble", "--flow", "same-device", "--phase", "registration"],
         MatrixArgs { os: Some("ios".into()), credential: Some("security-key".into()), transport: Some("ble".into()),
                      flow: Some("same-device".into()), phase: Some("registration".into()), ..Default::default() }),
        (vec!["--os", "unknown", "--browser", "unknown"],
         MatrixArgs { os: Some("unknown".into()), browser: Some("unknown".into()), ..Default::default() }),
    ];
    for (flags, args) in combos {
        let mut argv = vec!["matrix", "--format", "json"];
        argv.extend(&flags);
        let r = run(tmp.path(), &argv);
        assert_eq!(r.code, 0, "{flags:?}: {}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["as_of"], set.matrix.as_of.as_str());
        let got: Vec<(String, String)> = v["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["area"].as_str().unwrap().to_string(), a["verdict"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(got, expected_verdicts(&args), "{flags:?}");
        let facts: BTreeMap<String, String> = serde_json::from_value(v["facts"].clone()).unwrap();
        assert_eq!(facts, facts_from_args(&args), "{flags:?}");
        // Deciding rows come with their sources resolved.
        for area in v["areas"].as_array().unwrap() {
            if area["verdict"] == "not-listed" {
                assert!(area["rows"].as_array().unwrap().is_empty(), "{area}");
            }
            for row in area["rows"].as_array().unwrap() {
                for s in row["sources"].as_array().unwrap() {
                    assert!(s["url"].is_string(), "undeclared source in {row}");
                }
            }
        }
    }
}

/// The command a remediation step fills in (`--os Android`) reads as a person spells it: a
/// usability run found the step's `<os>` left unfilled, and `Android` refused.
#[test]
fn matrix_takes_values_as_people_spell_them() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(tmp.path(), &["matrix", "--os", "Android", "--browser", "Firefox", "--credential", "authenticator"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.lines().next().unwrap_or_default().contains("client.browser=firefox"), "{}", r.stdout);
    assert!(r.stdout.contains("[browser] UNSUPPORTED"), "{}", r.stdout);
    let facts = tmp.path().join("facts.json");
    let world = r#"{"facts": {"credential.type": "authenticator", "client.browser": "firefox", "client.os": "android", "phase": "sign-in"}}"#;
    std::fs::write(&facts, world).unwrap();
    let facts = facts.to_string_lossy().into_owned();
    let d = run(tmp.path(), &["diagnose", "--facts", &facts, "--assume-unknown", "--format", "text"]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    let line = d.stdout.lines().find(|l| l.contains("passkey-triage matrix")).unwrap_or_default().to_string();
    assert!(line.contains("--os Android --browser firefox --credential authenticator"), "{}", d.stdout);
    // The filled-in command runs as it is shown.
    let command = line.split('`').nth(1).unwrap_or_default().to_string();
    let argv: Vec<&str> = command.split_whitespace().skip(1).collect();
    let again = run(tmp.path(), &argv);
    assert_eq!(again.code, 0, "{command}: {}", again.stderr);
}

#[test]
fn matrix_text_names_the_combination_and_every_area() {
    let tmp = tempfile::tempdir().unwrap();
    let set = RunbookSet::builtin().unwrap();
    let r = run(tmp.path(), &["matrix", "--os", "android", "--browser", "firefox"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "Compatibility matrix as of {} for: client.browser=firefox client.kind=browser client.os=android",
            set.matrix.as_of
        )
    );
    for (area, verdict) in expected_verdicts(&MatrixArgs {
        os: Some("android".into()),
        browser: Some("firefox".into()),
        ..Default::default()
    }) {
        assert!(r.stdout.contains(&format!("[{area}] {}", verdict.to_uppercase())), "{area}: {}", r.stdout);
    }
    let r = run(tmp.path(), &["matrix"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.lines().next().unwrap().ends_with("for: (no facts given)"), "{}", r.stdout);
}

#[test]
fn matrix_rejects_values_outside_the_vocabulary() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["matrix", "--os", "beos"][..], "`client.os`: `beos`"),
        (&["matrix", "--os", "ios", "--os-version", "seventeen"], "`client.os_version`: `seventeen` is not a version"),
        (&["matrix", "--credential", "password", "--format", "json"], "`credential.type`: `password`"),
        (&["matrix", "--transport", "carrier-pigeon"], "`credential.transport`"),
    ] {
        let r = run(tmp.path(), args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
    let r = run(tmp.path(), &["matrix", "--format", "yaml"]);
    assert_eq!(r.code, 2);
}

// --- graph ----------------------------------------------------------------------------------------------

#[test]
fn graph_mermaid_and_dot_of_a_fixture_runbook() {
    let tmp = tempfile::tempdir().unwrap();
    let m = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "fx-cross"]);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(
        m.stdout.starts_with(
            "%% fx-cross (Fixture cross-device checks (tests only)), facts as of 2026-01-15\nflowchart TD\n"
        )
    );
    // Links into another runbook are drawn as external nodes.
    assert!(m.stdout.contains("triage_r_policy[[\"triage#r-policy\"]]"), "{}", m.stdout);
    insta::assert_snapshot!("graph_mermaid_fx_cross", m.stdout);
    let explicit = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "fx-cross", "--format", "mermaid"]);
    assert_eq!(explicit.stdout, m.stdout);

    let d = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "fx-cross", "--format", "dot"]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(d.stdout.contains("digraph \"fx-cross\" {"));
    assert!(d.stdout.trim_end().ends_with('}'));
    assert_eq!(d.stdout.matches('{').count(), d.stdout.matches('}').count());
    assert!(d.stdout.contains("\"fx-cross#q-hint\" -> \"triage#r-policy\" [label=\"yes\"];"), "{}", d.stdout);
    insta::assert_snapshot!("graph_dot_fx_cross", d.stdout);

    // Every node and every transition of the runbook is drawn.
    let triage = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "triage", "--format", "dot"]);
    assert_eq!(triage.code, 0);
    let set = RunbookSet::load(&[root().join(RUNBOOKS)]).unwrap().set;
    let rb = set.get("triage").unwrap();
    for n in &rb.runbook.nodes {
        assert!(triage.stdout.contains(&format!("\"triage#{}\" [shape=", n.id())), "{}", n.id());
    }
    let edges: usize = rb.runbook.nodes.iter().map(|n| n.transitions().len()).sum();
    assert_eq!(triage.stdout.matches(" -> ").count(), edges);
}

/// Mermaid reads `%%` as a comment even inside a quoted label (the rest of the line is lost: the
/// drawing doesn't parse) and `%%{init: …}%%` anywhere as a directive (a runbook title could
/// re-theme the drawing or inject CSS): no `%%` from a runbook reaches the Mermaid text.
#[test]
fn graph_mermaid_neutralises_percent_directives() {
    let tmp = tempfile::tempdir().unwrap();
    let directive = r#"%%{init: {"theme": "dark", "themeCSS": "svg {display: none}"}}%%"#;
    let rb = serde_json::json!({
        "schema": 1, "id": "pct", "title": format!("Title {directive}"), "as_of": "2026-01-15",
        "sources": [{"id": "S", "title": "t", "url": "https://learn.microsoft.com/"}],
        "start": "q",
        "nodes": [
            {"kind": "question", "id": "q", "fact": "phase", "prompt": format!("100%% sure? {directive}"),
             "help": "h", "options": [
                {"value": "sign-in", "label": "l", "next": "o"},
                {"value": "registration", "label": "l", "next": "o"},
                {"value": "unknown", "label": "l", "next": "o"}]},
            {"kind": "outcome", "id": "o", "class": "unclassified", "title": "50% of calls", "summary": "s",
             "escalate": false, "remediation": [{"text": "t", "source": "S"}]}
        ]
    });
    let dir = tmp.path().join("pct");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pct.json"), serde_json::to_vec(&rb).unwrap()).unwrap();
    let m = run(tmp.path(), &["--runbooks", dir.to_str().unwrap(), "graph", "pct"]);
    assert_eq!(m.code, 0, "{}", m.stderr);
    // The header comment is the only `%%` left.
    assert_eq!(m.stdout.matches("%%").count(), 1, "{}", m.stdout);
    assert!(m.stdout.starts_with("%% pct (Title #37;#37;{init:"), "{}", m.stdout);
    assert!(m.stdout.contains("100#37;#37; sure?"), "{}", m.stdout);
    assert!(m.stdout.contains("50#37; of calls"), "{}", m.stdout);
    // Graphviz has no such syntax: its text keeps `%`.
    let d = run(tmp.path(), &["--runbooks", dir.to_str().unwrap(), "graph", "pct", "--format", "dot"]);
    assert!(d.stdout.contains("50% of calls"), "{}", d.stdout);
}

#[test]
fn graph_of_an_unknown_runbook_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "no-such-runbook"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert_eq!(r.stderr.lines().count(), 1);
    assert!(r.stderr.contains("no runbook `no-such-runbook`") && r.stderr.contains("fx-cross"), "{}", r.stderr);
    let r = run(tmp.path(), &["graph"]);
    assert_eq!(r.code, 2, "a missing argument is a usage error");
    let r = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "triage", "--format", "svg"]);
    assert_eq!(r.code, 2);
}

// --- loading --------------------------------------------------------------------------------------------

fn title_of_triage(tmp: &Path, extra: &[&str]) -> String {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["graph", "triage"]);
    let r = run(tmp, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap().to_string();
    first.trim_start_matches("%% triage (").split("), facts as of").next().unwrap().to_string()
}

fn write_triage(dir: &Path, title: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(RUNBOOKS).join("triage.json")).unwrap()).unwrap();
    v["title"] = Value::String(title.into());
    v.as_object_mut().unwrap().remove("$schema");
    std::fs::write(dir.join("triage.json"), serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn precedence_is_builtin_then_config_folder_then_runbooks_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let builtin = RunbookSet::builtin().unwrap();
    let builtin_title = builtin.get("triage").unwrap().runbook.title.clone();
    assert_eq!(title_of_triage(tmp.path(), &[]), builtin_title);

    write_triage(&tmp.path().join("config/runbooks"), "from the config folder");
    assert_eq!(title_of_triage(tmp.path(), &[]), "from the config folder");

    let flag1 = tmp.path().join("flag1");
    let flag2 = tmp.path().join("flag2");
    write_triage(&flag1, "from the first --runbooks");
    write_triage(&flag2, "from the second --runbooks");
    let f1 = flag1.to_str().unwrap();
    let f2 = flag2.to_str().unwrap();
    assert_eq!(title_of_triage(tmp.path(), &["--runbooks", f1]), "from the first --runbooks");
    assert_eq!(title_of_triage(tmp.path(), &["--runbooks", f1, "--runbooks", f2]), "from the second --runbooks");
    // A single file works as well as a folder.
    let file = flag1.join("triage.json");
    assert_eq!(
        title_of_triage(tmp.path(), &["--runbooks", f2, "--runbooks", file.to_str().unwrap()]),
        "from the first --runbooks"
    );
    // Runbooks with new ids add to the set instead of replacing anything.
    let r = run(tmp.path(), &["--runbooks", RUNBOOKS, "graph", "nope"]);
    for rb in &builtin.runbooks {
        assert!(r.stderr.contains(rb.id()), "built-in `{}` missing from {}", rb.id(), r.stderr);
    }
}

#[test]
fn builtins_need_no_file_system() {
    // The library: parsed from text embedded at build time.
    let set = RunbookSet::builtin().unwrap();
    assert!(set.entry().is_some());
    assert!(set.runbooks.iter().all(|rb| matches!(rb.file.origin, passkey_triage::runbook::Origin::Builtin(_))));
    assert_eq!(set.node_count(), RunbookSet::load(&[]).unwrap().set.node_count());
    // The binary: run from an empty folder with empty config and data folders.
    let tmp = tempfile::tempdir().unwrap();
    let out = cli(tmp.path()).current_dir(tmp.path()).args(["graph", "triage"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("flowchart TD"));
}

#[test]
fn a_broken_runbook_stops_every_command_that_loads_the_set() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--runbooks", "tests/fixtures/core/broken", "graph", "triage"][..],
        &["--runbooks", "tests/fixtures/core/broken", "matrix"],
    ] {
        let r = run(tmp.path(), args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("tests/fixtures/core/broken/triage.json:18:17: error[unknown-field]"),
            "{}",
            r.stderr
        );
    }
}
