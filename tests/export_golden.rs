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
