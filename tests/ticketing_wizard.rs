//! Posting from the wizard, message by message: `p` on the outcome asks first, naming the help
//! desk and the ticket; `y` hands the post to the terminal loop (`Effect::Post`); the result
//! (`Msg::Posted`) is recorded in the session and shown on the status line, and a failure keeps
//! everything and says why.

mod ui_support;

use passkey_triage::session::PostRecord;
use passkey_triage::ticketing::Reach;
use passkey_triage::ticketing::System;
use passkey_triage::ticketing::delivery::Delivered;
use passkey_triage::ui::app::{App, Effect, Msg, Options, Overlay, StatusKind};
use passkey_triage::ui::keymap::{self, Screen};
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

fn posting_app() -> App {
    let mut a = app_with(&[], Options { persists: true, ticketing: Some(System::ServiceNow), ..opts() });
    to_escalation(&mut a);
    a
}

fn status(a: &App) -> (StatusKind, String) {
    a.status.as_ref().map(|s| (s.kind, s.text.clone())).unwrap_or((StatusKind::Info, String::new()))
}

fn record(at_secs: i64) -> PostRecord {
    PostRecord {
        system: "servicenow".into(),
        ticket: "INC0012345".into(),
        at: t1() + chrono::Duration::seconds(at_secs),
        url: None,
    }
}

#[test]
fn p_asks_naming_the_system_and_ticket_then_posts() {
    let mut a = posting_app();
    assert_eq!(a.screen(), Screen::Outcome);
    assert!(keymap::hints(&a.key_context()).contains(&("p", "post")));
    assert!(ch(&mut a, 'p').is_empty(), "nothing is sent before the answer");
    assert_eq!(a.screen(), Screen::Post);
    let shown = screen_text(&mut a, 100, 30);
    assert!(shown.contains("servicenow ticket INC0012345"), "{shown}");
    assert!(shown.contains("as an internal"), "{shown}");

    let fx = ch(&mut a, 'y');
    assert_eq!(fx, vec![Effect::Post { system: System::ServiceNow, ticket: "INC0012345".into() }]);
    assert!(a.overlay.is_none());
    assert!(status(&a).1.contains("Posting the note to servicenow INC0012345"), "{:?}", status(&a));

    // While it runs, a second p says so instead of asking again.
    ch(&mut a, 'p');
    assert!(a.overlay.is_none());
    assert!(status(&a).1.contains("Still posting"), "{:?}", status(&a));

    let fx = a.update(Msg::Posted(Ok(Delivered { record: record(5), reach: Reach::Internal })), t1());
    assert_eq!(fx, vec![Effect::Persist], "the record is journaled");
    assert_eq!(a.session.posted, vec![record(5)]);
    let (kind, text) = status(&a);
    assert_eq!(kind, StatusKind::Info);
    assert!(text.starts_with("Posted the note to servicenow INC0012345 as an internal note at "), "{text}");
}

#[test]
fn a_comment_the_help_desk_did_not_confirm_internal_is_not_called_internal() {
    let mut a = posting_app();
    ch(&mut a, 'p');
    ch(&mut a, 'y');
    let fx = a.update(Msg::Posted(Ok(Delivered { record: record(5), reach: Reach::Comment })), t1());
    assert_eq!(fx, vec![Effect::Persist]);
    let text = status(&a).1;
    assert!(text.starts_with("Posted the note to servicenow INC0012345 as a comment at "), "{text}");
    assert!(!text.contains("internal"), "{text}");
}

#[test]
fn n_and_esc_cancel_without_posting() {
    let mut a = posting_app();
    for k in [KeyCode::Char('n'), KeyCode::Esc] {
        ch(&mut a, 'p');
        assert!(key(&mut a, k).is_empty());
        assert!(a.overlay.is_none());
        assert!(a.session.posted.is_empty());
        assert_eq!(status(&a).1, "Not posted.");
    }
    // Enter is not a yes: a stray Enter must not post.
    ch(&mut a, 'p');
    assert!(key(&mut a, KeyCode::Enter).is_empty());
    assert!(matches!(a.overlay, Some(Overlay::Post(_))));
}

#[test]
fn a_failure_keeps_everything_and_says_why() {
    let mut a = posting_app();
    ch(&mut a, 'p');
    ch(&mut a, 'y');
    let before = a.session.clone();
    let fx = a.update(Msg::Posted(Err("HTTP 401: the credentials were refused".into())), t1());
    assert!(fx.is_empty());
    assert_eq!(a.session, before, "nothing changed");
    let (kind, text) = status(&a);
    assert_eq!(kind, StatusKind::Error);
    assert_eq!(
        text,
        "Not posted to servicenow INC0012345: HTTP 401: the credentials were refused. Everything is kept; p tries again."
    );
    assert!(a.posting.is_none());
    // And p does try again.
    ch(&mut a, 'p');
    assert_eq!(a.screen(), Screen::Post);
}

#[test]
fn posting_again_says_when_it_was_posted() {
    let mut a = posting_app();
    a.session.posted.push(record(0));
    ch(&mut a, 'p');
    assert!(matches!(&a.overlay, Some(Overlay::Post(p)) if p.already == Some(record(0).at)));
    let shown = screen_text(&mut a, 100, 30);
    assert!(shown.contains("this posts it again"), "{shown}");
}

#[test]
fn no_ticket_or_no_help_desk_means_no_post() {
    // Without [ticketing], p is neither shown nor bound.
    let mut a = app_with(&[], Options { persists: true, ..opts() });
    to_escalation(&mut a);
    assert!(!keymap::hints(&a.key_context()).contains(&("p", "post")));
    ch(&mut a, 'p');
    assert!(a.overlay.is_none());
    assert!(status(&a).1.contains("does nothing here"), "{:?}", status(&a));

    // Without a ticket, p says where to give one.
    let mut a = posting_app();
    a.session.ticket = None;
    ch(&mut a, 'p');
    assert!(a.overlay.is_none());
    assert!(status(&a).1.contains("no ticket to post to"), "{:?}", status(&a));

    // A ticket the help desk can't have is refused before asking.
    let mut a = app_with(&[], Options { persists: true, ticketing: Some(System::Zendesk), ..opts() });
    to_escalation(&mut a);
    ch(&mut a, 'p');
    assert!(a.overlay.is_none());
    assert!(status(&a).1.contains("a Zendesk ticket id is a number"), "{:?}", status(&a));
}

#[test]
fn p_is_only_on_the_outcome() {
    let mut a = app_with(&[], Options { persists: true, ticketing: Some(System::Jira), ..opts() });
    assert_eq!(a.screen(), Screen::Question);
    assert!(!keymap::hints(&a.key_context()).contains(&("p", "post")));
    ch(&mut a, 'p');
    assert!(a.overlay.is_none());
}

#[test]
fn the_notes_typed_so_far_are_saved_before_posting() {
    let mut a = posting_app();
    ch(&mut a, 'n');
    typed(&mut a, "called back");
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'p');
    let fx = ch(&mut a, 'y');
    assert_eq!(fx.last(), Some(&Effect::Post { system: System::ServiceNow, ticket: "INC0012345".into() }));
    assert!(a.session.notes.contains("called back"));
}

#[test]
fn the_dialog_at_80x24() {
    let mut a = posting_app();
    a.session.posted.push(record(0));
    ch(&mut a, 'p');
    insta::assert_snapshot!(render(&mut a, 80, 24).backend());
}
