//! `report` and `sessions --format ndjson` over generated sessions: every count checked against
//! the sessions as generated (tallied here from the `Session` values, not from the files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use chrono::{DateTime, Datelike, Utc};
use passkey_triage::engine::StepKind;
use passkey_triage::report::synthetic;
use passkey_triage::session::{Session, Status};
use serde_json::Value;

fn cli(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        .env("PASSKEY_TRIAGE_QUEUE_DIR", home.join("queue"));
    c
}

fn run(home: &Path, args: &[&str]) -> Output {
    cli(home).args(args).output().expect("runs")
}

fn stdout_ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn json(home: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&stdout_ok(&run(home, args))).expect("json")
}

/// `n` generated sessions in `<home>/data/sessions`, 100 to a sub-folder.
fn generate(home: &Path, n: u64) -> Vec<PathBuf> {
    synthetic::write_sessions(&home.join("data/sessions"), n, 100).expect("generated")
}

/// What the report should say about these sessions, tallied from the values.
#[derive(Default)]
struct Expected {
    sessions: u64,
    classified: u64,
    escalated: u64,
    resolved: u64,
    open: u64,
    by: BTreeMap<String, BTreeMap<String, u64>>,
    class_by_os: BTreeMap<String, BTreeMap<String, u64>>,
    weekly: BTreeMap<String, [u64; 4]>,
    questions: Vec<u64>,
    durations: Vec<u64>,
}

fn tally(sessions: impl Iterator<Item = Session>, queued: &[&str]) -> Expected {
    let mut e = Expected::default();
    for s in sessions {
        e.sessions += 1;
        let finished = s.status != Status::Open;
        let escalated = s.status == Status::Escalated || queued.contains(&s.id.as_str());
        let resolved = s.status == Status::Resolved;
        e.escalated += u64::from(escalated);
        for dim in ["client.os", "client.browser", "client.app", "credential.type", "flow"] {
            if let Some(f) = s.walk.facts.get(dim) {
                *e.by.entry(dim.into()).or_default().entry(f.value.clone()).or_insert(0) += 1;
            }
        }
        let w = s.started_at.iso_week();
        let wk = e.weekly.entry(format!("{}-W{:02}", w.year(), w.week())).or_default();
        wk[0] += 1;
        wk[2] += u64::from(escalated);
        if finished {
            e.classified += 1;
            e.resolved += u64::from(resolved);
            wk[1] += 1;
            wk[3] += u64::from(resolved);
            let class = s.outcome.as_ref().map(|o| o.class.clone()).expect("an outcome");
            *e.by.entry("class".into()).or_default().entry(class.clone()).or_insert(0) += 1;
            let os = s.walk.facts.get("client.os").map(|f| f.value.clone()).expect("os");
            *e.class_by_os.entry(class).or_default().entry(os).or_insert(0) += 1;
            // The caller answered every question but the agent's (Security info).
            let asked = s
                .walk
                .path
                .iter()
                .filter(|p| p.kind == StepKind::Question && p.fact.as_deref() != Some("entra.passkey_registered"))
                .count();
            e.questions.push(asked as u64);
            e.durations.push(s.duration(Utc::now()).num_seconds() as u64);
        } else {
            e.open += 1;
        }
    }
    e
}

fn median(v: &mut [u64]) -> f64 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 { v[n / 2] as f64 } else { (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0 }
}

fn check(report: &Value, mut e: Expected) {
    assert_eq!(report["sessions"], e.sessions);
    assert_eq!(report["classified"], e.classified);
    assert_eq!(report["escalated"], e.escalated);
    assert_eq!(report["resolved_on_call"], e.resolved);
    assert_eq!(report["open"], e.open);
    let by: BTreeMap<String, BTreeMap<String, u64>> = serde_json::from_value(report["by"].clone()).expect("by");
    for dim in ["class", "client.os", "client.browser", "client.app", "credential.type", "flow"] {
        assert_eq!(by.get(dim), Some(e.by.get(dim).unwrap_or(&BTreeMap::new())), "by {dim}");
    }
    let cbo: BTreeMap<String, BTreeMap<String, u64>> =
        serde_json::from_value(report["class_by_os"].clone()).expect("class_by_os");
    assert_eq!(cbo, e.class_by_os);
    let weekly: BTreeMap<String, [u64; 4]> = report["weekly"]
        .as_array()
        .expect("weekly")
        .iter()
        .map(|w| {
            let n = |k: &str| w[k].as_u64().expect("a count");
            (
                w["week"].as_str().expect("week").to_string(),
                [n("sessions"), n("classified"), n("escalated"), n("resolved_on_call")],
            )
        })
        .filter(|(_, c)| c[0] > 0)
        .collect();
    assert_eq!(weekly, e.weekly);
    assert_eq!(report["median_questions"].as_f64(), Some(median(&mut e.questions)));
    assert_eq!(report["median_duration_seconds"].as_f64(), Some(median(&mut e.durations)));
    let rate = e.escalated as f64 / e.sessions as f64;
    assert!((report["escalation_rate"].as_f64().unwrap_or(-1.0) - rate).abs() < 1e-12);
}

#[test]
fn counts_match_the_generated_sessions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = 1000;
    generate(tmp.path(), n);
    // Session 1's package is also in the queue: counted once, and as escalated.
    let one = synthetic::session(1);
    std::fs::create_dir_all(tmp.path().join("queue")).expect("queue");
    std::fs::write(
        tmp.path().join("queue").join(format!("{}.json", one.id)),
        passkey_triage::export::json::render(&one),
    )
    .expect("package");
    let report = json(tmp.path(), &["report", "--format", "json"]);
    check(&report, tally((0..n).map(synthetic::session), &[&one.id]));
    assert_eq!(report["queue"]["waiting"], 1);
    assert_eq!(report["skipped"], 0);
    // The generated mix has a bit of everything.
    assert!(report["open"].as_u64().is_some_and(|o| o > 50));
    assert_eq!(report["by"]["class"].as_object().map(|m| m.len()), Some(8));
    // Gaps between weeks would be zeros; these sessions are ten minutes apart, so none.
    assert_eq!(report["weekly"][0]["week"], "2026-W02");
    assert_eq!(report["weekly"][0]["start"], "2026-01-05");
}

#[test]
fn since_and_until_pick_the_days() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = 600;
    generate(tmp.path(), n);
    let report = json(tmp.path(), &["report", "--format", "json", "--since", "2026-01-06", "--until", "2026-01-07"]);
    let day = |s: &Session| s.started_at.format("%Y-%m-%d").to_string();
    let in_range = (0..n).map(synthetic::session).filter(|s| ["2026-01-06", "2026-01-07"].contains(&day(s).as_str()));
    // 2 days × 144 sessions a day.
    assert_eq!(report["sessions"], 288);
    check(&report, tally(in_range, &[]));
    assert_eq!(report["since"], "2026-01-06T00:00:00Z");
    let t: DateTime<Utc> = serde_json::from_value(report["until"].clone()).expect("until");
    assert_eq!(t.format("%Y-%m-%dT%H:%M:%S").to_string(), "2026-01-07T23:59:59");

    for (args, want) in [
        (vec!["--since", "yesterday"], "`yesterday` is not a date"),
        (vec!["--since", "2026-02-01", "--until", "2026-01-01"], "--since is after --until"),
    ] {
        let out = run(tmp.path(), &[&["report"][..], &args].concat());
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn unreadable_files_are_counted_and_left_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    generate(tmp.path(), 20);
    let dir = tmp.path().join("data/sessions/0");
    std::fs::write(dir.join("broken.json"), b"{\"format\": 1, \"id\": \"x\"").expect("write");
    std::fs::write(dir.join("newer.json"), b"{\"format\": 9}").expect("write");
    std::fs::write(dir.join("notes.txt"), b"not a session").expect("write");
    std::fs::write(dir.join(".partial.json.tmp"), b"{").expect("write");
    let out = run(tmp.path(), &["report", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout_ok(&out)).expect("json");
    assert_eq!(report["sessions"], 20);
    assert_eq!(report["skipped"], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("broken.json: truncated session file"), "{err}");
    assert!(err.contains("newer.json: session format 9 is not one this version reads"), "{err}");
    assert_eq!(std::fs::read(dir.join("broken.json")).ok().as_deref(), Some(&b"{\"format\": 1, \"id\": \"x\""[..]));
}

/// A FIFO named like a session (a share is anyone's folder) is counted as unreadable, never
/// opened for reading (which would wait for a writer forever), by `report` and by the NDJSON
/// records alike.
#[cfg(unix)]
#[test]
fn a_fifo_among_the_sessions_is_counted_not_waited_on() {
    let tmp = tempfile::tempdir().expect("tempdir");
    generate(tmp.path(), 5);
    let fifo = tmp.path().join("data/sessions/20260101T000000Z-f1f0.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let out = cli(tmp.path())
        .args(["report", "--format", "json"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    let report: Value = serde_json::from_str(&stdout_ok(&out)).expect("json");
    assert_eq!(report["skipped"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a FIFO (named pipe)"));
    let out = cli(tmp.path())
        .args(["sessions", "--format", "ndjson"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("f1f0.json: cannot read: a FIFO"), "{out:?}");
}

#[test]
fn every_format_of_a_small_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    generate(tmp.path(), 40);
    let mut hostile = synthetic::session(40);
    hostile.walk.facts.get_mut("client.os").expect("os").value = "=cmd|' /C calc'!A0\u{1b}[2J".into();
    std::fs::write(
        tmp.path().join("data/sessions").join(format!("{}.json", hostile.id)),
        passkey_triage::export::json::render(&hostile),
    )
    .expect("write");
    for format in ["text", "markdown", "csv", "json"] {
        let out = stdout_ok(&run(tmp.path(), &["report", "--format", format]));
        assert!(!out.contains('\u{1b}'), "{format}: an escape got through");
        insta::assert_snapshot!(format!("report_{format}"), out);
    }
    let csv = stdout_ok(&run(tmp.path(), &["report", "--format", "csv"]));
    assert!(csv.contains("\nby,client.os,'=cmd|' /C calc'!A0\u{fffd}[2J,1\n"), "{csv}");
}

/// The NDJSON record's fields, in order (docs/report.md).
const RECORD_FIELDS: [&str; 17] = [
    "record",
    "id",
    "ticket",
    "agent",
    "started",
    "ended",
    "status",
    "class",
    "outcome",
    "escalate",
    "resolved",
    "queued",
    "continued_from",
    "questions",
    "duration_seconds",
    "facts",
    "open_checks",
];

#[test]
fn ndjson_records_follow_the_documented_schema() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data/sessions");
    let n = 30;
    // The journal is one folder (no sub-folders), as the wizard writes it.
    synthetic::write_sessions(&dir, n, 0).expect("generated");
    // Session 3 was escalated to the queue.
    let three = synthetic::session(3);
    std::fs::create_dir_all(tmp.path().join("queue")).expect("queue");
    std::fs::write(tmp.path().join("queue").join(format!("{}.json", three.id)), "{}").expect("package");
    let out = stdout_ok(&run(tmp.path(), &["sessions", "--format", "ndjson"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len() as u64, n);
    for (i, line) in lines.iter().enumerate() {
        let s = synthetic::session(i as u64);
        let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, Value>>(line)
            .map(|m| m.keys().cloned().collect())
            .expect("an object");
        let mut want: Vec<String> = RECORD_FIELDS.iter().map(|k| k.to_string()).collect();
        want.sort();
        assert_eq!(keys, want, "line {i}");
        // In the documented order (the top-level keys come before the nested facts).
        let at: Vec<usize> =
            RECORD_FIELDS.iter().map(|k| line.find(&format!("\"{k}\":")).expect("key in line")).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "line {i}: {line}");
        let r: Value = serde_json::from_str(line).expect("json");
        assert_eq!(r["record"], 1);
        assert_eq!(r["id"], s.id.as_str());
        assert_eq!(r["ticket"], s.ticket.as_deref().unwrap_or(""));
        assert_eq!(r["agent"], s.agent.as_deref().unwrap_or(""));
        assert_eq!(r["status"], s.status.as_str());
        assert_eq!(r["class"], s.outcome.as_ref().map_or(Value::Null, |o| Value::from(o.class.as_str())));
        assert_eq!(r["escalate"], s.status == Status::Escalated);
        assert_eq!(r["resolved"], s.status == Status::Resolved);
        assert_eq!(r["queued"], i == 3, "line {i}");
        let started: DateTime<Utc> = serde_json::from_value(r["started"].clone()).expect("started");
        assert_eq!(started, s.started_at);
        assert_eq!(
            r["duration_seconds"],
            s.ended_at.map_or(Value::Null, |e| Value::from((e - s.started_at).num_seconds()))
        );
        assert_eq!(r["facts"]["client.os"], s.walk.facts["client.os"].value.as_str());
        assert_eq!(r["facts"].as_object().map(|m| m.len()), Some(s.walk.facts.len()));
        assert!(r["questions"].is_u64() && r["open_checks"].is_array());
    }
    insta::assert_snapshot!("ndjson_first_record", lines[0]);
    // The same sessions in the same order as `sessions --format json`, reversed (that is newest first).
    let listed = json(tmp.path(), &["sessions", "--format", "json"]);
    let ids: Vec<&str> =
        listed["sessions"].as_array().expect("list").iter().rev().map(|s| s["id"].as_str().unwrap_or("")).collect();
    let nd: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, nd);
}
