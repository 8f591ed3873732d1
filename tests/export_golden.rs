//! Golden exports (insta) with a fixed clock, for all three formats, plain and redacted.

mod common;

use common::*;
use passkey_triage::export::{self, Format, Options};

fn render(s: &passkey_triage::session::Session, f: Format, redact: bool) -> String {
    export::render(s, f, Options { redact })
}

#[test]
fn escalated_markdown() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&escalated_session(&set), Format::Markdown, false));
}

#[test]
fn escalated_text() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&escalated_session(&set), Format::Text, false));
}

#[test]
fn escalated_json() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&escalated_session(&set), Format::Json, false));
}

#[test]
fn escalated_markdown_redacted() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&escalated_session(&set), Format::Markdown, true));
}

#[test]
fn escalated_text_redacted() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&escalated_session(&set), Format::Text, true));
}

#[test]
fn escalated_json_redacted() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&escalated_session(&set), Format::Json, true));
}

#[test]
fn resolved_markdown() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&resolved_session(&set), Format::Markdown, false));
}

#[test]
fn resolved_text() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&resolved_session(&set), Format::Text, false));
}

#[test]
fn open_text() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&open_session(&set), Format::Text, false));
}

#[test]
fn open_markdown() {
    let set = fixture_set();
    insta::assert_snapshot!(render(&open_session(&set), Format::Markdown, false));
}

#[test]
fn every_format_is_free_of_control_characters() {
    let set = fixture_set();
    let mut s = escalated_session(&set);
    s.notes = format!("{HOSTILE}\nsecond line {HOSTILE}");
    s.ticket = Some(HOSTILE.into());
    s.user = Some(HOSTILE.into());
    s.agent = Some(HOSTILE.into());
    if let Some(f) = s.walk.facts.get_mut("device.name") {
        f.value = HOSTILE.into();
    }
    for p in s.walk.path.iter_mut() {
        p.answer = format!("{}{HOSTILE}", p.answer);
    }
    if let Some(o) = s.outcome.as_mut() {
        o.title = HOSTILE.into();
        o.remediation[0].text = HOSTILE.into();
    }
    s.sources[0].url = HOSTILE.into();
    for f in Format::ALL {
        for redact in [false, true] {
            let out = render(&s, f, redact);
            assert!(passkey_triage::text::is_clean(&out), "{f:?} redact={redact}: {out:?}");
            assert!(!out.contains('\r') && !out.contains('\u{1b}'));
        }
    }
    // The JSON package still holds the exact original text.
    let json = render(&s, Format::Json, false);
    let back: passkey_triage::session::Session = serde_json::from_str(&json).expect("package parses");
    assert_eq!(back, s);
}

#[test]
fn text_is_wrapped_at_100_columns() {
    let set = fixture_set();
    let mut s = escalated_session(&set);
    s.notes = format!(
        "{}\n{}\n  - an indented list item that goes on and on {}",
        "word ".repeat(80),
        "x".repeat(333),
        "and on ".repeat(30)
    );
    if let Some(f) = s.walk.facts.get_mut("device.name") {
        f.value = "a-very-long-device-name-".repeat(10);
    }
    let out = render(&s, Format::Text, false);
    for l in out.lines() {
        assert!(l.chars().count() <= 100, "{} chars: {l}", l.chars().count());
    }
    // Nothing is lost: the long word comes back when the broken pieces are joined.
    let joined: String = out.lines().map(str::trim).collect();
    assert!(joined.contains(&"x".repeat(333)));
}

#[test]
fn redaction_masks_people_addresses_and_devices_but_keeps_what_tier2_needs() {
    let set = fixture_set();
    let s = escalated_session(&set);
    for f in Format::ALL {
        let out = render(&s, f, true);
        for secret in ["jane.doe", "Jane", "10.20.30.40", "2001:db8::17", "DESKTOP-7QK2M1P", "CONTOSO\\jdoe", "jdoe"] {
            assert!(!out.contains(secret), "{f:?} leaks {secret}:\n{out}");
        }
        for kept in ["contoso.com", "INC0012345", "Ana Agent", "5f1c2c9e-8d7a-4b7e-9a51-0c7f3e2d1a00", "13:58"] {
            assert!(out.contains(kept), "{f:?} lost {kept}:\n{out}");
        }
    }
    let redacted = passkey_triage::export::redact::redact_session(&s);
    assert!(redacted.redacted);
    assert_eq!(redacted.user.as_deref(), Some("[user]@contoso.com"));
    assert_eq!(redacted.walk.fact("user.upn"), Some("[user]@contoso.com"));
    assert_eq!(redacted.walk.fact("device.name"), Some("[device]"));
    // Enumerated facts and the path's shape are untouched.
    assert_eq!(redacted.walk.fact("credential.type"), Some("authenticator"));
    assert_eq!(redacted.walk.path.len(), s.walk.path.len());
}

// ----- ticket notes on the built-in library, as they read pasted into a ticket --------------
//
// Two calls walked question by question on the library the binary ships (a tier-1 agent, a
// clock that moves 25 s per answer): one fixed on the call, one escalated with checks only an
// admin can make. The text export is what goes into a ServiceNow work note (plain text), the
// Markdown one what goes into a Jira comment. When the runbooks' wording changes these move on
// purpose: read the diff as a ticket reader would.

mod ticket {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use passkey_triage::engine::{Current, Role, Walk, WalkOptions};
    use passkey_triage::runbook::RunbookSet;
    use passkey_triage::session::{CallInfo, Session};

    pub fn library() -> RunbookSet {
        RunbookSet::builtin().expect("the built-in library loads")
    }

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 9, 12, 0).single().expect("valid time")
    }

    /// A tier-1 call: each question answered from `facts` (else "can't tell"), each step from
    /// `steps` by node id (else "couldn't try"), 25 s apart.
    pub fn call(
        set: &RunbookSet,
        id: &str,
        call: CallInfo,
        facts: &[(&str, &str)],
        steps: &[(&str, &str)],
    ) -> (Session, DateTime<Utc>) {
        let mut t = start();
        let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
        let walk = Walk::start(set, Vec::new(), options, t).expect("walk starts");
        let mut s = Session::new(id.into(), call, set, walk, t, 60);
        for _ in 0..200 {
            let answer = match s.walk.current(set) {
                Some(Current::Question(_, q)) => {
                    let given = facts.iter().find(|(k, _)| *k == q.fact).map(|(_, v)| *v);
                    given.filter(|v| q.entry.is_some() || q.options.iter().any(|o| o.value == *v)).unwrap_or("unknown")
                }
                Some(Current::Step(r, _)) => steps.iter().find(|(n, _)| *n == r.node).map_or("unknown", |(_, v)| v),
                _ => break,
            };
            t += Duration::seconds(25);
            s.walk.answer(set, answer, t).unwrap_or_else(|e| panic!("answer {answer}: {e}"));
            s.refresh(set, t);
        }
        assert!(s.walk.is_finished(), "the call reached an outcome: {:?}", s.walk.position);
        (s, t)
    }

    /// Phone Bluetooth off; the agent has the user turn it on and it works; both remediation
    /// steps ticked.
    pub fn resolved(set: &RunbookSet) -> Session {
        let facts = [
            ("phase", "sign-in"),
            ("flow", "cross-device"),
            ("client.kind", "browser"),
            ("client.os", "windows"),
            ("client.os_version", "10.0.26100"),
            ("client.browser", "edge"),
            ("client.browser_version", "126.0.2592.87"),
            ("credential.type", "authenticator"),
            ("phone.os", "ios"),
            ("phone.os_version", "18.1"),
            ("phone.bluetooth", "off"),
            ("desktop.bluetooth", "available"),
            ("qr.scan", "ok"),
            ("handoff.connected", "no"),
        ];
        let who = CallInfo {
            ticket: Some("INC0048213".into()),
            agent: Some("Sam Agent".into()),
            user: Some("alex.morgan@contoso.example".into()),
        };
        let (mut s, t) = call(set, "20261124T091200Z-5a1e", who, &facts, &[("s-phone-bt", "fixed")]);
        for i in 0..s.checklist.done.len() {
            s.toggle_step(i, t + Duration::seconds(30 * (i as i64 + 1)));
        }
        s.notes = "User confirmed the sign-in worked after turning Bluetooth on.".into();
        s
    }

    /// A security key refused by the tenant's key restriction (call-23): tier 1 can't see the
    /// policy, so the admin checks are deferred and the call escalates with open checks.
    pub fn escalated(set: &RunbookSet) -> Session {
        let facts = crate::CALL_23_FACTS;
        let who = CallInfo {
            ticket: Some("INC0048377".into()),
            agent: Some("Sam Agent".into()),
            user: Some("dana.lee@contoso.example".into()),
        };
        let (mut s, t) = call(set, "20261124T091200Z-c0de", who, &facts, &[]);
        s.toggle_step(0, t + Duration::seconds(40));
        s.notes = "YubiKey 5 NFC, bought by the user. Error page said the key isn't allowed.\n\
                   Correlation id 6b0f5c1e-2f4d-4d43-9a8e-5d2c7e1a9b10, failed at 09:05 UTC."
            .into();
        s
    }
}

/// The runbook set's content hash changes with any library edit; the snapshot shows where it is.
fn ticket_snapshot(name: &str, text: &str) {
    insta::with_settings!({filters => vec![(r"\b[0-9a-f]{16}\b", "[set hash]")]}, {
        insta::assert_snapshot!(name, text);
    });
}

fn assert_pasteable(text: &str, width: usize) {
    assert!(passkey_triage::text::is_clean(text), "control characters:\n{text}");
    assert!(!text.contains('\t') && !text.contains('\r'));
    // Table rows can't wrap, nor can one URL alone on its line.
    for l in text.lines().filter(|l| !l.starts_with('|') && l.trim().contains(' ')) {
        assert!(l.chars().count() <= width, "{} chars: {l}", l.chars().count());
    }
}

#[test]
fn ticket_resolved_servicenow_text() {
    let set = ticket::library();
    let s = ticket::resolved(&set);
    assert_eq!(s.status, passkey_triage::session::Status::Resolved, "{:?}", s.outcome);
    let out = export::render_with(&s, Format::Text, Options::default(), Some(&set));
    assert_pasteable(&out, 100);
    ticket_snapshot("ticket_resolved_servicenow_text", &out);
}

#[test]
fn ticket_resolved_jira_markdown() {
    let set = ticket::library();
    let out = export::render_with(&ticket::resolved(&set), Format::Markdown, Options::default(), Some(&set));
    assert_pasteable(&out, 100);
    ticket_snapshot("ticket_resolved_jira_markdown", &out);
}

#[test]
fn ticket_escalated_servicenow_text() {
    let set = ticket::library();
    let s = ticket::escalated(&set);
    assert_eq!(s.status, passkey_triage::session::Status::Escalated, "{:?}", s.outcome);
    assert!(!s.differential.is_empty(), "escalated with open checks");
    let out = export::render_with(&s, Format::Text, Options::default(), Some(&set));
    assert_pasteable(&out, 100);
    ticket_snapshot("ticket_escalated_servicenow_text", &out);
}

#[test]
fn ticket_escalated_jira_markdown() {
    let set = ticket::library();
    let out = export::render_with(&ticket::escalated(&set), Format::Markdown, Options::default(), Some(&set));
    assert_pasteable(&out, 100);
    ticket_snapshot("ticket_escalated_jira_markdown", &out);
}
