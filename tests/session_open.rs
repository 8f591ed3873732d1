//! Tier 2 continues: an escalation package (JSON export) opened as a new session.

mod common;

use common::*;
use passkey_triage::engine::{Provenance, StepKind};
use passkey_triage::export::{self, Format, Options};
use passkey_triage::session::journal::Journal;
use passkey_triage::session::package::{PackageError, open_package, via_label};
use passkey_triage::session::{CallInfo, Status};

#[test]
fn open_round_trip_keeps_path_facts_notes_and_links_the_original() {
    let set = fixture_set();
    let tier1 = escalated_session(&set);
    let tmp = tempfile::tempdir().expect("tempdir");
    let pkg = export::write_into_dir(
        tmp.path(),
        &tier1,
        Format::Json,
        &export::render(&tier1, Format::Json, Options::default()),
    )
    .expect("export");
    assert_eq!(pkg.file_name().and_then(|n| n.to_str()), Some("INC0012345.json"));

    let now = at(15, 30, 0);
    let call = CallInfo { agent: Some("Tia Tier2".into()), ..CallInfo::default() };
    let opened = open_package(&pkg, &set, now, -120, "20260120T153000Z-0a0a".into(), call).expect("open");
    assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
    let s = opened.session;
    assert_eq!(opened.original, tier1);
    assert_eq!(s.continued_from.as_deref(), Some(tier1.id.as_str()));
    assert_eq!(s.id, "20260120T153000Z-0a0a");
    assert_eq!(s.ticket, tier1.ticket);
    assert_eq!(s.user, tier1.user);
    assert_eq!(s.agent.as_deref(), Some("Tia Tier2"));
    assert_eq!(s.started_at, now);
    assert_eq!(s.notes, tier1.notes);
    assert_eq!(s.status, Status::Escalated);
    assert_eq!(s.checklist, tier1.checklist);
    // The path is kept step for step, with its original times.
    assert_eq!(s.walk.path, tier1.walk.path);
    assert_eq!(s.walk.position, tier1.walk.position);
    // Facts keep value, provenance and time, and say where they came from.
    let via = via_label(&tier1.id);
    assert_eq!(via, "tier-1 session 20260120T140200Z-3f2a");
    for (k, f) in &tier1.walk.facts {
        let g = &s.walk.facts[k];
        assert_eq!((&g.value, g.provenance, g.at), (&f.value, f.provenance, f.at), "{k}");
        assert_eq!(g.via.as_deref(), Some(via.as_str()), "{k}");
    }
    assert_eq!(s.walk.facts["user.upn"].provenance, Provenance::FactsFile);

    // Tier 2 can go back to any tier-1 question and continue from there.
    let mut s2 = s.clone();
    // Each question counts once (a route may have asked its fact before the tree reached it).
    let mut facts_seen = std::collections::HashSet::new();
    let asked = s2
        .walk
        .path
        .iter()
        .filter(|p| p.provenance == Provenance::Asked && p.kind != StepKind::Route)
        .filter(|p| p.fact.as_ref().is_none_or(|f| facts_seen.insert(f.clone())))
        .count();
    for _ in 0..asked - 1 {
        s2.walk.back(&set, at(15, 31, 0)).expect("back");
        s2.refresh(&set, at(15, 31, 0));
    }
    assert_eq!(s2.walk.position.node().to_string(), "triage#q-device");
    assert_eq!(s2.status, Status::Open);
    s2.walk.back(&set, at(15, 31, 0)).expect("back to the first question");
    assert_eq!(s2.walk.position.node().to_string(), "triage#q-phase");
    s2.walk.answer(&set, "registration", at(15, 32, 0)).expect("new answer");
    s2.refresh(&set, at(15, 32, 0));
    assert_eq!(s2.status, Status::Escalated);

    // The continued session journals and exports like any other, naming the tier-1 session.
    let journal = Journal::at(tmp.path().join("sessions"));
    journal.save(&s).expect("save");
    assert_eq!(journal.load(&s.id).expect("load"), s);
    let md = export::render(&s, Format::Markdown, Options::default());
    assert!(md.contains("continues tier-1 session `20260120T140200Z-3f2a`"), "{md}");
    assert!(md.contains("tier-1 session 20260120T140200Z-3f2a"));

    // A package of the continued session opened again keeps the FIRST origin in `via`.
    let pkg2 = tmp.path().join("tier2.json");
    std::fs::write(&pkg2, export::render(&s, Format::Json, Options::default())).expect("write");
    let again =
        open_package(&pkg2, &set, at(16, 0, 0), 0, "20260120T160000Z-0b0b".into(), CallInfo::default()).expect("open");
    assert_eq!(again.session.continued_from.as_deref(), Some(s.id.as_str()));
    assert_eq!(again.session.walk.facts["phase"].via.as_deref(), Some(via.as_str()));
}

#[test]
fn an_open_package_continues_at_the_same_question() {
    let set = fixture_set();
    let tier1 = open_session(&set);
    let tmp = tempfile::tempdir().expect("tempdir");
    let pkg = tmp.path().join("p.json");
    std::fs::write(&pkg, export::render(&tier1, Format::Json, Options::default())).expect("write");
    let o =
        open_package(&pkg, &set, at(17, 0, 0), 0, "20260120T170000Z-0c0c".into(), CallInfo::default()).expect("open");
    assert_eq!(o.session.walk.position, tier1.walk.position);
    assert_eq!(o.session.status, Status::Open);
    assert_eq!(o.session.ended_at, None);
}

#[test]
fn a_package_from_other_runbooks_is_replayed_from_its_facts_with_a_warning() {
    let set = fixture_set();
    let mut tier1 = escalated_session(&set);
    tier1.runbooks.hash = "0000000000000000".into();
    tier1.walk.path[1].node = passkey_triage::runbook::NodeRef::new("triage", "q-gone");
    tier1.walk.facts.insert(
        "no.such.fact".into(),
        passkey_triage::engine::FactEntry {
            value: "x".into(),
            provenance: Provenance::Asked,
            at: at(14, 5, 0),
            via: None,
        },
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let pkg = tmp.path().join("p.json");
    std::fs::write(&pkg, export::render(&tier1, Format::Json, Options::default())).expect("write");
    let o =
        open_package(&pkg, &set, at(17, 0, 0), 0, "20260120T170000Z-0d0d".into(), CallInfo::default()).expect("open");
    let w = o.warnings.join("\n");
    assert!(w.contains("runbook set 0000000000000000"), "{w}");
    assert!(w.contains("no.such.fact"), "{w}");
    assert!(w.contains("walked again from its facts as tier 2"), "{w}");
    // Same facts, walked as tier 2 answers: nothing assumed.
    assert!(!o.session.walk.facts.contains_key("no.such.fact"));
    assert_eq!(o.session.walk.facts["device.name"].at, at(14, 3, 5));
}

#[test]
fn unreadable_packages_are_errors_not_panics() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in [("a.json", &b"{\"format\": 1"[..]), ("b.json", b"\xff\xfe"), ("c.json", b"{}")] {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let r = open_package(&p, &set, at(1, 0, 0), 0, "x".into(), CallInfo::default());
        assert!(matches!(r, Err(PackageError::Unreadable(_))), "{name}");
    }
    let r = open_package(&tmp.path().join("missing.json"), &set, at(1, 0, 0), 0, "x".into(), CallInfo::default());
    assert!(r.is_err());
}

#[test]
fn tier1_answers_taken_back_keep_their_origin_and_are_redacted() {
    let set = fixture_set();
    let tier1 = escalated_session(&set);
    let (mut s, _) = passkey_triage::session::package::continue_session(
        &tier1,
        &set,
        at(15, 0, 0),
        0,
        "20260120T150000Z-0e0e".into(),
        CallInfo::default(),
    )
    .expect("continue");
    while s.walk.facts.contains_key("device.name") {
        s.walk.back(&set, at(15, 1, 0)).expect("back");
    }
    let kept = &s.walk.previous_entries["device.name"];
    assert_eq!((kept.value.as_str(), kept.at), ("DESKTOP-7QK2M1P", at(14, 3, 5)));
    assert_eq!(kept.via.as_deref(), Some(via_label(&tier1.id).as_str()));
    let json = export::render(&s, Format::Json, Options { redact: true });
    assert!(!json.contains("DESKTOP-7QK2M1P"), "{json}");
    assert!(json.contains("\"previous_entries\""), "{json}");
}
