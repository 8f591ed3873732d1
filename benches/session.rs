//! Session benchmarks (divan): journal write per step (target < 2 ms) and export of a 200-step
//! session (target < 5 ms). Run: `cargo bench --bench session`.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use passkey_triage::engine::{Walk, WalkOptions};
use passkey_triage::export::{self, Format, Options};
use passkey_triage::runbook::load::{LoadedRunbook, builtin_matrix, parse_json};
use passkey_triage::runbook::{Origin, RunbookSet, SourceFile};
use passkey_triage::session::journal::{Journal, JournalWriter};
use passkey_triage::session::{CallInfo, Session};

fn main() {
    divan::main();
}

/// A runbook whose path is `n` questions long, each on its own declared fact.
fn chain_set(n: usize) -> RunbookSet {
    let facts: Vec<String> = (0..n)
        .map(|i| {
            format!(r#"{{"key": "bench.f{i}", "asked_of": "caller", "meaning": "fact {i}", "values": ["yes", "no"]}}"#)
        })
        .collect();
    let mut nodes: Vec<String> = (0..n)
        .map(|i| {
            let next = if i + 1 == n { "o-end".to_string() } else { format!("q{}", i + 1) };
            format!(
                r#"{{"id": "q{i}", "kind": "question", "fact": "bench.f{i}", "prompt": "Question {i}?", "help": "Help {i}.",
                   "options": [{{"value": "yes", "label": "Yes", "next": "{next}"}}, {{"value": "no", "label": "No", "next": "{next}"}},
                               {{"value": "unknown", "label": "Can't tell", "next": "{next}"}}]}}"#
            )
        })
        .collect();
    nodes.push(
        r#"{"id": "o-end", "kind": "outcome", "class": "unclassified", "title": "End of the chain", "summary": "Benchmark outcome.",
            "escalate": true, "escalation_reason": "bench", "remediation": [
              {"text": "Escalate with everything collected.", "source": "S1"},
              {"text": "Tell the user what happens next.", "source": "S1"}], "collect": ["correlation id"]}"#
            .to_string(),
    );
    let text = format!(
        r#"{{"schema": 1, "id": "triage", "title": "bench", "as_of": "2026-01-01",
            "sources": [{{"id": "S1", "title": "Passkey FAQ", "url": "https://learn.microsoft.com/entra/identity/authentication/passkey-faq"}}],
            "facts": [{}], "start": "q0", "nodes": [{}]}}"#,
        facts.join(","),
        nodes.join(",")
    );
    let file = Arc::new(SourceFile::new(Origin::Builtin("bench.json".into()), text));
    let rb = parse_json(&file).expect("bench runbook");
    let (matrix, mfile) = builtin_matrix().expect("matrix");
    RunbookSet::new(vec![LoadedRunbook::new(rb, file)], matrix, mfile)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 20, 14, 0, 0).single().expect("time")
}

/// A session `steps` answers into a chain of `len` questions, with notes.
fn session(set: &RunbookSet, steps: usize) -> Session {
    let walk = Walk::start(set, Vec::new(), WalkOptions::default(), t0()).expect("start");
    let call = CallInfo {
        ticket: Some("INC0012345".into()),
        agent: Some("Ana".into()),
        user: Some("jane.doe@contoso.com".into()),
    };
    let mut s = Session::new("20260120T140000Z-beef".into(), call, set, walk, t0(), 60);
    for i in 0..steps {
        let now = t0() + Duration::seconds(i as i64 * 7);
        s.walk.answer(set, if i % 2 == 0 { "yes" } else { "no" }, now).expect("answer");
        s.refresh(set, now);
    }
    s.notes = "User calls from 10.1.2.3 on DESKTOP-7QK2M1P; jane.doe@contoso.com.\n".repeat(20);
    s
}

/// One synchronous journal write (temp file, fsync, rename) of a session 20 / 200 steps in.
#[divan::bench(args = [20, 200])]
fn journal_save(bencher: divan::Bencher, steps: usize) {
    let set = chain_set(200);
    let s = session(&set, steps);
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(dir.path());
    bencher.bench_local(|| journal.save(divan::black_box(&s)).expect("save"));
}

/// The CPU part of a journal write: serialising a 20-step session.
#[divan::bench]
fn serialize_20_steps(bencher: divan::Bencher) {
    let set = chain_set(200);
    let s = session(&set, 20);
    bencher.bench_local(|| serde_json::to_vec_pretty(divan::black_box(&s)).expect("json"));
}

/// The wizard's cost per step with the background writer: answer, refresh, submit.
#[divan::bench]
fn answer_refresh_submit(bencher: divan::Bencher) {
    let set = chain_set(200);
    let base = session(&set, 19);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut writer = JournalWriter::new(Journal::at(dir.path()));
    bencher.with_inputs(|| base.clone()).bench_local_values(|mut s| {
        let now = t0() + Duration::seconds(1000);
        s.walk.answer(&set, "yes", now).expect("answer");
        s.refresh(&set, now);
        writer.submit(&s);
        s
    });
    writer.flush().expect("flush");
}

/// What the wizard does per keystroke that answers: answer, refresh, save.
#[divan::bench]
fn answer_refresh_save(bencher: divan::Bencher) {
    let set = chain_set(200);
    let base = session(&set, 19);
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(dir.path());
    bencher.with_inputs(|| base.clone()).bench_local_values(|mut s| {
        let now = t0() + Duration::seconds(1000);
        s.walk.answer(&set, "yes", now).expect("answer");
        s.refresh(&set, now);
        journal.save(&s).expect("save")
    });
}

/// Export of a finished 200-step session.
#[divan::bench(args = ["markdown", "text", "json", "markdown-redacted"])]
fn export_200_steps(bencher: divan::Bencher, format: &str) {
    let set = chain_set(200);
    let s = session(&set, 200);
    assert!(!s.is_open());
    let (f, redact) = match format {
        "markdown" => (Format::Markdown, false),
        "text" => (Format::Text, false),
        "json" => (Format::Json, false),
        _ => (Format::Markdown, true),
    };
    bencher.bench_local(|| export::render(divan::black_box(&s), f, Options { redact }));
}
