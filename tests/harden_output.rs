//! Issue 10, failures 3 and 11 (invisible characters): one sanitiser for every output. Fields
//! that no renderer escaped by name (`outcome.remediation[].source`, `walk.facts.*.via`) and a
//! runbook's id, `as_of` and node ids in `graph` reach no output raw.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;
use passkey_triage::export::{Format, Options, render};
use passkey_triage::session::Session;
use passkey_triage::text::is_clean;

/// Escapes, C1, bidi and the invisible characters the issue lists.
const NASTY: &str = "x\u{1b}]0;owned\u{7}\u{9d}\u{202e}\u{200b}\u{2060}\u{feff}\u{e0041}\u{2028}y";

fn hostile_session() -> Session {
    let set = fixture_set();
    let mut s = escalated_session(&set);
    let o = s.outcome.as_mut().expect("outcome");
    for m in &mut o.remediation {
        m.source = format!("S1{NASTY}");
    }
    for f in s.walk.facts.values_mut() {
        f.via = Some(format!("tier-1 session {NASTY}"));
    }
    s.notes.push_str(&format!("\nhidden {NASTY}"));
    s
}

#[test]
fn every_format_is_clean_whatever_the_session_holds() {
    let s = hostile_session();
    for format in Format::ALL {
        for redact in [false, true] {
            let out = render(&s, format, Options { redact });
            let bad: Vec<String> = out
                .chars()
                .filter(|c| *c != '\n' && !is_clean(&c.to_string()))
                .map(|c| format!("{:x}", c as u32))
                .collect();
            assert!(bad.is_empty(), "{format:?} redact={redact}: {bad:?}");
        }
    }
}

fn cmd(home: &Path) -> Command {
    let mut c = Command::cargo_bin("passkey-triage").expect("binary");
    c.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config")).env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"));
    c
}

#[test]
fn text_export_of_a_hostile_session_file_is_clean() {
    let home = tempfile::tempdir().expect("tempdir");
    let s = hostile_session();
    let dir = home.path().join("data/sessions");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join(format!("{}.json", s.id)), serde_json::to_vec(&s).expect("json")).expect("write");
    for format in ["text", "markdown", "json"] {
        let out = cmd(home.path()).args(["export", &s.id, "--format", format]).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(is_clean(&text), "{format}: {text:?}");
        assert!(text.contains("Remediation") || text.contains("REMEDIATION") || text.contains("\"S1"), "{format}");
    }
}

#[test]
fn graph_neutralises_runbook_ids_as_of_and_node_ids() {
    let home = tempfile::tempdir().expect("tempdir");
    let rb = serde_json::json!({
        "schema": 1,
        "id": format!("evil{NASTY}"),
        "title": "t",
        "as_of": format!("2026{NASTY}"),
        "sources": [],
        "start": format!("n{NASTY}"),
        "nodes": [
            {"id": format!("n{NASTY}"), "kind": "route", "title": "", "rules": [], "otherwise": format!("o{NASTY}")},
            {"id": format!("o{NASTY}"), "kind": "outcome", "class": "unclassified", "title": "t", "summary": "s", "escalate": true,
             "remediation": []}
        ]
    });
    let dir = home.path().join("rb");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("evil.json"), serde_json::to_vec(&rb).expect("json")).expect("write");
    for format in ["mermaid", "dot"] {
        let out = cmd(home.path())
            .arg("--runbooks")
            .arg(&dir)
            .args(["graph", &format!("evil{NASTY}"), "--format", format])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{format}: {err}");
        assert!(is_clean(&text), "{format}: {text:?}");
    }
}
