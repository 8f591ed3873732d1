//! Every wizard screen rendered into a TestBackend at 80×24 and 120×40, from the fixture
//! runbooks (long and non-ASCII text, a tampered string with escapes).

mod ui_support;

use passkey_triage::ui::app::{App, Options};
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

fn snap(name: &str, mut make: impl FnMut() -> App) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = make();
        let text = screen_text(&mut app, w, h);
        assert!(!text.contains('\u{1b}'), "{name}: an escape reached the screen");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

#[test]
fn start_screen() {
    snap("start", || {
        let mut a = app_with(&[], Options { start_screen: true, ..opts() });
        typed(&mut a, "ignored?");
        a
    });
}

#[test]
fn start_screen_with_unfinished_calls() {
    snap("start_resume", || {
        let mut a = app_with(&[], Options { start_screen: true, ..opts() });
        a.offer_resumable(vec![
            unfinished_session("20261125T130000Z-00aa", "INC-OLDER"),
            unfinished_session("20261125T120000Z-00bb", "INC0099 with a very long ticket name, longer than the row"),
        ]);
        // Highlight the first unfinished call.
        for _ in 0..3 {
            key(&mut a, KeyCode::Tab);
        }
        a
    });
}

#[test]
fn export_picker() {
    snap("export_picker", || {
        let mut a = app_with(
            &[],
            Options { persists: true, export: Some(passkey_triage::export::Format::Text), redact: true, ..opts() },
        );
        to_escalation(&mut a);
        ch(&mut a, 'e');
        a
    });
}

#[test]
fn tier2_continuing_an_escalation() {
    snap("tier2", tier2_app);
}

#[test]
fn question() {
    snap("question", app);
}

#[test]
fn question_with_why() {
    snap("question_why", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, 'w');
        a
    });
}

#[test]
fn typed_entry_question() {
    snap("typed_entry", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, '2');
        typed(&mut a, "17.");
        a
    });
}

#[test]
fn step() {
    snap("step", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, '2');
        typed(&mut a, "17.5");
        key(&mut a, KeyCode::Enter);
        a
    });
}

#[test]
fn outcome_escalation() {
    snap("outcome_escalation", || {
        let mut a = app();
        to_escalation(&mut a);
        ch(&mut a, ' ');
        key(&mut a, KeyCode::Down);
        a
    });
}

#[test]
fn outcome_resolved() {
    snap("outcome_resolved", || {
        let mut a = app();
        to_resolved(&mut a);
        a
    });
}

#[test]
fn outcome_from_facts_file() {
    snap("outcome_facts_file", || {
        app_with(&[("phase", "sign-in"), ("flow", "same-device"), ("error.code", "AADSTS53003")], opts())
    });
}

#[test]
fn notes() {
    snap("notes", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, 'n');
        typed(&mut a, "User on iPhone 15, « pas de QR code ».");
        key(&mut a, KeyCode::Enter);
        typed(&mut a, "Tried twice.");
        a
    });
}

#[test]
fn search() {
    snap("search", || {
        let mut a = app();
        ch(&mut a, '/');
        typed(&mut a, "blue");
        a
    });
}

#[test]
fn search_empty_query_lists_everything() {
    snap("search_all", || {
        let mut a = app();
        ch(&mut a, '/');
        a
    });
}

#[test]
fn matrix() {
    snap("matrix", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, '2');
        key(&mut a, KeyCode::Down);
        ch(&mut a, 'm');
        a
    });
}

#[test]
fn help() {
    snap("help", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, '?');
        a
    });
}

#[test]
fn help_for_typed_entry() {
    snap("help_entry", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, '2');
        key(&mut a, KeyCode::F(1));
        a
    });
}

#[test]
fn confirm_quit() {
    snap("confirm_quit", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, 'q');
        a
    });
}

#[test]
fn confirm_restart() {
    snap("confirm_restart", || {
        let mut a = app();
        to_resolved(&mut a);
        ch(&mut a, 'r');
        a
    });
}

#[test]
fn too_small() {
    for (w, h) in [(59, 24), (80, 15), (30, 8)] {
        let mut a = app();
        insta::assert_snapshot!(format!("too_small_{w}x{h}"), screen_text(&mut a, w, h));
    }
}

#[test]
fn minimum_size_still_renders_everything() {
    let mut a = app();
    to_escalation(&mut a);
    insta::assert_snapshot!("outcome_escalation_60x16", screen_text(&mut a, 60, 16));
}

/// A call at 80×24, Windows Terminal's default window: a question with 17 answers and a typed
/// line, a step with a long instruction, an outcome with a long checklist, and notes with a
/// line longer than the panel (wrapped).
#[test]
fn a_call_at_80x24() {
    let at = |name: &str, mut a: App| {
        let text = screen_text(&mut a, 80, 24);
        insta::assert_snapshot!(format!("call_{name}_80x24"), text);
    };
    at("question", call_app(&[]));
    let mut a = call_app(&[]);
    typed(&mut a, "Outlook");
    key(&mut a, KeyCode::Enter);
    at("step", a.clone());
    ch(&mut a, '2');
    at("outcome", a.clone());
    ch(&mut a, 'n');
    typed(
        &mut a,
        "User on an iPhone 15 in a hotel lobby: Outlook asks for the passkey, then says the broker is missing; Authenticator was deleted last week.",
    );
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "Reinstalled Authenticator from the App Store.");
    at("notes", a);
}
