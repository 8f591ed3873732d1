//! A desk's priors (contract §9.3): `report --format priors` writes them from the sessions,
//! deterministically; config `priors = FILE` and `--priors FILE` put them under a walk (the
//! differential is ranked by them); a priors file that can't be used exits 2 with one line.
//!
//! The runbooks are the built-ins with `tests/fixtures/priors/runbooks/triage.json` in place of
//! the entry runbook: one question whose answers lead to four outcomes.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use chrono::{DateTime, Duration, Utc};
use passkey_triage::engine::Position;
use passkey_triage::report::synthetic;
use passkey_triage::runbook::{NodeRef, RunbookSet};
use passkey_triage::session::Status;
use serde_json::Value;

fn fixture_runbooks() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/priors/runbooks")
}

fn cli(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        .env("PASSKEY_TRIAGE_QUEUE_DIR", home.join("queue"))
        .arg("--runbooks")
        .arg(fixture_runbooks());
    c
}

fn run(home: &Path, args: &[&str]) -> Output {
    cli(home).args(args).output().expect("runs")
}

fn stdout_ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Where the fixture sessions end: three at the orphaned passkey, two signed out, one at the
/// transport; one at a node these runbooks don't have; the last still open.
const ENDS: [Option<&str>; 8] = [
    Some("triage#o-orphaned"),
    Some("triage#o-signed-out"),
    Some("triage#o-orphaned"),
    Some("triage#o-transport"),
    Some("triage#o-signed-out"),
    Some("retired#o-gone"),
    Some("triage#o-orphaned"),
    None,
];

/// The fixture journal in `<home>/data/sessions`, written in `order`, each file in sub-folder
/// `folder(i)`. Returns the newest end time.
fn write_journal(home: &Path, order: &[usize], folder: impl Fn(usize) -> String) -> DateTime<Utc> {
    let mut newest = DateTime::<Utc>::MIN_UTC;
    for &i in order {
        let mut s = synthetic::session(i as u64);
        match ENDS[i] {
            Some(end) => {
                let node = NodeRef::parse(end).expect("runbook#node");
                s.status = Status::Classified;
                s.ended_at = Some(s.started_at + Duration::minutes(7));
                newest = newest.max(s.ended_at.unwrap_or(newest));
                s.walk.position = Position::Finished { node: node.clone() };
                s.checklist.outcome = Some(node.clone());
                let mut outcome = s.outcome.take().unwrap_or_else(|| synthetic::session(1).outcome.expect("outcome"));
                outcome.node = node;
                s.outcome = Some(outcome);
            }
            None => {
                s.status = Status::Open;
                s.ended_at = None;
                s.outcome = None;
            }
        }
        let dir = home.join("data/sessions").join(folder(i));
        std::fs::create_dir_all(&dir).expect("folder");
        std::fs::write(dir.join(format!("{}.json", s.id)), passkey_triage::export::json::render(&s)).expect("write");
    }
    newest
}

fn fixture_set() -> RunbookSet {
    let loaded = RunbookSet::load(&[fixture_runbooks()]).expect("loads");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.set
}

#[test]
fn report_writes_the_smoothed_priors_of_the_sessions() {
    let home = tempfile::tempdir().expect("tmp");
    let newest = write_journal(home.path(), &[0, 1, 2, 3, 4, 5, 6, 7], |_| String::new());
    let out = run(home.path(), &["report", "--format", "priors"]);
    let text = stdout_ok(&out);
    assert!(
        stderr(&out).contains("not counted: 1 session(s) ended at outcomes the runbooks loaded don't have"),
        "{}",
        stderr(&out)
    );
    let file: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(file["schema"], "passkey-triage/priors/v1");
    assert_eq!(file["sessions"], 6);
    assert_eq!(file["generated"].as_str(), Some(newest.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true).as_str()));

    // Every outcome node of the runbooks loaded, and nothing else.
    let set = fixture_set();
    let outcomes: Vec<String> = set.outcome_nodes().map(|n| n.to_string()).collect();
    let priors = file["priors"].as_object().expect("priors");
    let mut keys: Vec<&String> = priors.keys().collect();
    let mut want: Vec<&String> = outcomes.iter().collect();
    keys.sort();
    want.sort();
    assert_eq!(keys, want);

    // (sessions there + 1) × K / (6 + K), to four significant digits; the mean is 1.
    let k = outcomes.len() as f64;
    let expect = |seen: f64| (seen + 1.0) * k / (6.0 + k);
    for (node, seen) in [("triage#o-orphaned", 3.0), ("triage#o-signed-out", 2.0), ("triage#o-transport", 1.0)]
        .into_iter()
        .chain(std::iter::once(("triage#o-unclassified", 0.0)))
    {
        let w = priors[node].as_f64().expect("a number");
        assert!((w - expect(seen)).abs() <= expect(seen) * 5e-4, "{node}: {w} vs {}", expect(seen));
    }
    let weights: Vec<f64> = priors.values().filter_map(Value::as_f64).collect();
    assert!(weights.iter().all(|w| *w > 0.0));
    let mean = weights.iter().sum::<f64>() / k;
    assert!((mean - 1.0).abs() < 1e-3, "mean {mean}");
}

#[test]
fn the_same_sessions_give_the_same_bytes() {
    let a = tempfile::tempdir().expect("tmp");
    write_journal(a.path(), &[0, 1, 2, 3, 4, 5, 6, 7], |_| String::new());
    let first = stdout_ok(&run(a.path(), &["report", "--format", "priors"]));
    let again = stdout_ok(&run(a.path(), &["report", "--format", "priors"]));
    assert_eq!(first, again);
    // Written in another order, into sub-folders (as a team gathers them).
    let b = tempfile::tempdir().expect("tmp");
    write_journal(b.path(), &[7, 6, 5, 4, 3, 2, 1, 0], |i| format!("agent-{}", i % 3));
    let other = stdout_ok(&run(b.path(), &["report", "--format", "priors"]));
    assert_eq!(first, other);
}

/// The differential of `credential.type = unknown`, as outcome nodes in the order given.
fn differential(home: &Path, extra: &[&str]) -> Vec<String> {
    let facts = home.join("facts.json");
    std::fs::write(&facts, r#"{"facts": {"credential.type": "unknown"}}"#).expect("facts");
    let mut args = vec!["diagnose", "--facts", facts.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let v: Value = serde_json::from_str(&stdout_ok(&run(home, &args))).expect("json");
    assert_eq!(v["outcome"], "triage#o-unclassified");
    v["differential"]
        .as_array()
        .expect("a differential")
        .iter()
        .map(|a| a["outcome"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn diagnose_ranks_by_the_desks_priors_from_config_or_flag() {
    let home = tempfile::tempdir().expect("tmp");
    let by_runbooks = differential(home.path(), &[]);
    assert_eq!(by_runbooks, ["triage#o-transport", "triage#o-signed-out", "triage#o-orphaned"]);

    // The desk's own history: orphaned passkeys first, then signed out, then the transport.
    write_journal(home.path(), &[0, 1, 2, 3, 4, 5, 6, 7], |_| String::new());
    let priors = stdout_ok(&run(home.path(), &["report", "--format", "priors"]));
    std::fs::create_dir_all(home.path().join("config")).expect("config");
    std::fs::write(home.path().join("config/desk-priors.json"), priors).expect("priors");
    std::fs::write(home.path().join("config/config.toml"), "priors = \"desk-priors.json\"\n").expect("config");
    assert_eq!(differential(home.path(), &[]), ["triage#o-orphaned", "triage#o-signed-out", "triage#o-transport"]);

    // The flag wins over the config.
    let flag = home.path().join("flag.json");
    std::fs::write(&flag, r#"{"priors": {"triage#o-transport": 9, "triage#o-orphaned": 0.5}}"#).expect("flag");
    let flag_arg = flag.to_str().expect("utf-8");
    assert_eq!(
        differential(home.path(), &["--priors", flag_arg]),
        ["triage#o-transport", "triage#o-signed-out", "triage#o-orphaned"]
    );
}

/// A priors file that can't be used: exit 2, one line naming the file and the place.
#[test]
fn a_bad_priors_file_exits_2_with_one_line() {
    let home = tempfile::tempdir().expect("tmp");
    let facts = home.path().join("facts.json");
    std::fs::write(&facts, r#"{"facts": {"credential.type": "unknown"}}"#).expect("facts");
    let facts = facts.to_str().expect("utf-8").to_string();
    let cases: [(&str, String, &str); 6] = [
        ("unknown.json", r#"{"priors": {"triage#o-nowhere": 2}}"#.into(), ": `triage#o-nowhere`: no such outcome node"),
        ("question.json", r#"{"priors": {"triage#q-cred": 2}}"#.into(), ": `triage#q-cred`: no such outcome node"),
        ("zero.json", r#"{"priors": {"triage#o-orphaned": 0}}"#.into(), ": `triage#o-orphaned`: weight 0 is not"),
        ("text.json", r#"{"priors": {"triage#o-orphaned": "3"}}"#.into(), ": `triage#o-orphaned`: weight \"3\" is not"),
        (
            "twice.json",
            "{\"priors\": {\n  \"triage#o-orphaned\": 2,\n  \"triage#o-orphaned\": 3}}".into(),
            ":3:21: `triage#o-orphaned` is given twice",
        ),
        ("huge.json", format!("{{\"priors\": {{}}, \"sessions\": \"{}\"}}", "x".repeat(1024 * 1024 + 1)), ": "),
    ];
    for (name, text, want) in cases {
        let file = home.path().join(name);
        std::fs::write(&file, text).expect("write");
        let shown = file.display().to_string();
        let out = run(home.path(), &["diagnose", "--facts", &facts, "--priors", &shown]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(&format!("priors file {shown}{want}")), "{name}: {err}");
    }
    // A folder is no priors file.
    let out = run(home.path(), &["diagnose", "--facts", &facts, "--priors", home.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("priors file "), "{}", stderr(&out));

    // Through the config: `diagnose`, the wizard and `open` refuse it before anything else.
    std::fs::create_dir_all(home.path().join("config")).expect("config");
    std::fs::write(home.path().join("config/config.toml"), "priors = \"missing.json\"\n").expect("config");
    let missing = home.path().join("config/missing.json").display().to_string();
    for args in [vec!["diagnose", "--facts", facts.as_str()], vec![], vec!["open", "no-such-package.json"]] {
        let out = run(home.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("priors file {missing}: cannot read")), "{args:?}: {}", stderr(&out));
    }
}
