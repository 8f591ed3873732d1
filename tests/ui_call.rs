//! A live call at 80×24 (Windows Terminal's default window): typed answers (Enter on an empty
//! line is "can't tell", digits type, ↓ then digits choose, a value that can't be right is
//! refused in place), every answer reachable, the facts overflow reachable, notes wrapped, the
//! call timer starting with the call, and `--ticket` skipping the start screen.

mod ui_support;

use passkey_triage::cli::WizardArgs;
use passkey_triage::commands::wizard::prepare_with_set;
use passkey_triage::engine::Provenance;
use passkey_triage::export::Format;
use passkey_triage::session::Session;
use passkey_triage::ui::app::{App, Effect, Mode, Msg, Options};
use passkey_triage::ui::keymap::{self, Screen};
use passkey_triage::ui::store::{Exported, SessionStore};
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

fn fact(app: &App, k: &str) -> Option<String> {
    app.session.walk.fact(k).map(str::to_string)
}

fn node(app: &App) -> String {
    app.session.walk.position.node().node.clone()
}

fn hints(app: &App) -> Vec<(&'static str, &'static str)> {
    keymap::hints(&app.key_context())
}

fn refusal(app: &App) -> String {
    app.walk_screen.refusal.clone().expect("the typed answer was refused")
}

fn clear_line(app: &mut App) {
    key(app, KeyCode::End);
    while !app.walk_screen.entry.is_empty() {
        key(app, KeyCode::Backspace);
    }
}

/// The bottom border of the main panel at 80×24 (where the "more" hint is).
fn panel_bottom(screen: &str) -> String {
    screen.lines().nth(21).unwrap_or("").chars().take(52).collect()
}

// ----- typed answers -----------------------------------------------------------------------

#[test]
fn enter_on_an_empty_typed_line_is_cant_tell() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '2');
    assert_eq!(a.screen(), Screen::Entry);
    assert!(hints(&a).contains(&("Enter", "can't tell")), "the footer says so: {:?}", hints(&a));
    assert!(screen_text(&mut a, 80, 24).contains("Enter can't tell"));
    typed(&mut a, "17");
    assert!(hints(&a).contains(&("Enter", "use it")));
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist]);
    assert_eq!(fact(&a, "phone.os_version").as_deref(), Some("unknown"));
    assert_eq!(a.session.walk.facts["phone.os_version"].provenance, Provenance::Asked);
    assert_eq!(node(&a), "s-bluetooth");
}

#[test]
fn digits_type_into_the_line_then_down_and_digits_choose() {
    let mut a = call_app(&[]);
    assert_eq!(a.screen(), Screen::Entry);
    ch(&mut a, '2');
    assert_eq!(a.walk_screen.entry.text(), "2", "a digit types on the line");
    assert_eq!(node(&a), "q-app");
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Down);
    assert_eq!(a.screen(), Screen::Question, "↓ moves to the listed answers");
    assert!(hints(&a).contains(&("1-9", "choose")));
    assert_eq!(ch(&mut a, '2'), vec![Effect::Persist]);
    assert_eq!(fact(&a, "client.app").as_deref(), Some("teams"));
}

#[test]
fn a_version_that_cant_be_right_is_refused_in_place() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '2');
    typed(&mut a, "seventeen");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![]);
    assert!(refusal(&a).contains("\"seventeen\" is not a version"), "{}", refusal(&a));
    assert_eq!(a.walk_screen.entry.text(), "seventeen", "the typed text stays for fixing");
    assert_eq!(node(&a), "q-phone-version");
    let screen = screen_text(&mut a, 80, 24);
    let line = screen.lines().find(|l| l.contains('✖')).expect("the reason is on screen");
    assert!(line.contains("is not a version"), "{line}");
    // Editing the line takes the reason away; a version goes through.
    clear_line(&mut a);
    assert_eq!(a.walk_screen.refusal, None);
    typed(&mut a, "16.4");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist]);
    assert_eq!(fact(&a, "phone.os_version").as_deref(), Some("16.4"));
    assert_eq!(a.session.class(&a.set), Some("unsupported-client.os-version"));
}

#[test]
fn an_aadsts_code_is_digits_with_or_without_the_prefix() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '1');
    assert_eq!(node(&a), "q-error");
    for bad in ["abc", "AADSTS", "5300 3"] {
        typed(&mut a, bad);
        assert_eq!(key(&mut a, KeyCode::Enter), vec![], "{bad}");
        assert!(refusal(&a).contains("is not an AADSTS code"), "{bad}: {}", refusal(&a));
        assert_eq!(node(&a), "q-error");
        clear_line(&mut a);
    }
    typed(&mut a, "aadsts53003");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist]);
    assert_eq!(fact(&a, "error.code").as_deref(), Some("53003"));
    assert_eq!(node(&a), "o-ca");
}

#[test]
fn typed_app_names_match_the_listed_values_whatever_their_case() {
    for (typed_name, want) in [
        ("OUTLOOK", "outlook"),
        ("  Teams ", "teams"),
        ("microsoft graph powershell", "graph-powershell"),
        ("Zoom", "Zoom"),
    ] {
        let mut a = call_app(&[]);
        typed(&mut a, typed_name);
        assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist], "{typed_name}");
        assert_eq!(fact(&a, "client.app").as_deref(), Some(want), "{typed_name}");
    }
}

// ----- 80×24 -------------------------------------------------------------------------------

/// Every label is on screen at 80×24, or the panel's hint names how many are below and a key
/// that is bound here, and that key brings each one into sight.
fn every_answer_reachable(a: &mut App, labels: &[&str]) {
    let mut screen = screen_text(a, 80, 24);
    for _ in 0..10 {
        if labels.iter().all(|l| screen.contains(l)) {
            return;
        }
        let hint = panel_bottom(&screen);
        assert!(hint.contains("more") && hint.contains("PgDn"), "answers hidden without a hint: {hint}\n{screen}");
        let pgdn = ratatui::crossterm::event::KeyEvent::from(KeyCode::PageDown);
        assert_eq!(keymap::resolve(&a.key_context(), &pgdn), Some(keymap::Action::PageDown), "PgDn works here");
        let before = screen.clone();
        key(a, KeyCode::PageDown);
        screen = screen_text(a, 80, 24);
        assert_ne!(screen, before, "PgDn moved nothing");
    }
    let missing: Vec<&&str> = labels.iter().filter(|l| !screen.contains(**l)).collect();
    assert!(missing.is_empty(), "never shown: {missing:?}");
}

#[test]
fn every_answer_of_a_question_is_reachable_at_80x24() {
    let mut a = call_app(&[]);
    let screen = screen_text(&mut a, 80, 24);
    assert!(panel_bottom(&screen).contains("↓ 2 more answers: PgDn"), "{screen}");
    let labels: Vec<String> = match a.session.walk.current(&a.set) {
        Some(passkey_triage::engine::Current::Question(_, q)) => q.options.iter().map(|o| o.label.clone()).collect(),
        _ => panic!("not at a question"),
    };
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    // The typed line has the focus: PgDn scrolls from there too.
    assert_eq!(a.screen(), Screen::Entry);
    every_answer_reachable(&mut a, &labels);
    // Typing brings the line back.
    ch(&mut a, 'x');
    assert!(screen_text(&mut a, 80, 24).contains("▶ > x"));
}

#[test]
fn every_result_of_a_step_is_reachable_at_80x24() {
    let mut a = call_app(&[]);
    key(&mut a, KeyCode::Down);
    ch(&mut a, '1');
    assert_eq!(a.screen(), Screen::Step);
    every_answer_reachable(
        &mut a,
        &[
            "A broker is installed and opens",
            "No broker on the device",
            "A broker is there but asks to be updated",
            "Couldn't check",
        ],
    );
}

#[test]
fn the_facts_side_panel_overflow_is_reachable() {
    let known = [
        ("phase", "sign-in"),
        ("flow", "same-device"),
        ("client.kind", "native-app"),
        ("client.os", "windows"),
        ("client.os_version", "10.0.22631"),
        ("credential.type", "security-key"),
        ("credential.transport", "usb"),
        ("client.broker", "installed"),
        ("phone.bluetooth", "on"),
        ("desktop.internet", "yes"),
        ("error.message", "Couldn't sign you in"),
        ("user.upn", "zoë.ñúñez-åström@contoso.com"),
    ];
    let mut a = call_app(&known);
    let screen = screen_text(&mut a, 80, 24);
    // Whole facts, counted as facts (4 shown, 8 more); on the typed line `f` is a letter, so
    // the hint says to go to the listed answers first, from where `f` opens every fact.
    assert!(screen.contains("… 8 more (↓ then f)"), "{screen}");
    key(&mut a, KeyCode::Down);
    assert!(screen_text(&mut a, 80, 24).contains("more: f shows all"));
    ch(&mut a, 'f');
    assert_eq!(a.screen(), Screen::Facts);
    let mut seen = String::new();
    for _ in 0..5 {
        seen.push_str(&screen_text(&mut a, 80, 24));
        key(&mut a, KeyCode::PageDown);
    }
    for (k, v) in known {
        assert!(seen.contains(&format!("{k} = {v}")), "{k} never shown:\n{seen}");
    }
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(a.screen(), Screen::Question, "back on the listed answers, as before");
}

#[test]
fn facts_are_reachable_without_the_side_panel() {
    let mut a = call_app(&[("phase", "sign-in")]);
    key(&mut a, KeyCode::Down);
    ch(&mut a, 'f');
    let screen = screen_text(&mut a, 70, 20);
    assert!(screen.contains("phase = sign-in") && screen.contains("≡"), "{screen}");
}

#[test]
fn notes_wrap_on_screen() {
    let mut a = app();
    ch(&mut a, 'n');
    let long = "The user called from a hotel lobby; the laptop shows the QR code but the phone never connects, Bluetooth is on at both ends END";
    typed(&mut a, long);
    let screen = screen_text(&mut a, 80, 24);
    assert!(screen.contains("END"), "the end of a long line is on screen:\n{screen}");
    assert!(screen.contains("The user called from a hotel lobby;"), "{screen}");
    assert_eq!(a.notes.lines().len(), 1, "wrapping is display only: still one line of text");
}

#[test]
fn the_call_timer_starts_with_the_call() {
    let mut a = app_with(&[], Options { start_screen: true, ..opts() });
    let later = t0() + chrono::Duration::minutes(7);
    a.update(Msg::Tick, later);
    assert_eq!(a.elapsed_secs(), 0);
    let screen = screen_text(&mut a, 80, 24);
    assert!(screen.contains("call not started") && !screen.contains("call 07:00"), "{screen}");
    a.update(Msg::Key(ratatui::crossterm::event::KeyEvent::from(KeyCode::Enter)), later);
    assert_eq!(a.session.started_at, later, "the call starts when the agent starts it");
    a.update(Msg::Tick, later + chrono::Duration::seconds(5));
    assert!(screen_text(&mut a, 80, 24).contains("call 00:05"));
}

// ----- --ticket and the start screen -------------------------------------------------------

/// A store with unfinished calls and nothing else.
struct Unfinished(Vec<Session>);

impl SessionStore for Unfinished {
    fn persists(&self) -> bool {
        true
    }
    fn save(&mut self, _: &Session) -> Result<(), String> {
        Ok(())
    }
    fn export_format(&self) -> Option<Format> {
        None
    }
    fn export(&mut self, _: &Session, _: Format, _: &passkey_triage::runbook::RunbookSet) -> Result<Exported, String> {
        Err("no".into())
    }
    fn load(&mut self, _: Option<&str>) -> Result<Session, String> {
        Err("no".into())
    }
    fn unfinished(&mut self, max: usize) -> Vec<Session> {
        self.0.iter().take(max).cloned().collect()
    }
    fn farewell(&mut self, _: &Session) -> Vec<String> {
        Vec::new()
    }
}

#[test]
fn ticket_skips_the_start_screen_unless_that_ticket_has_unfinished_calls() {
    let store = || {
        Unfinished(vec![
            unfinished_session("20261125T133000Z-00cc", "INC-OTHER"),
            unfinished_session("20261125T130000Z-00aa", "INC-LATER"),
        ])
    };
    let args = |ticket: Option<&str>| WizardArgs { ticket: ticket.map(str::to_string), ..WizardArgs::default() };

    let a = prepare_with_set(set(), &args(Some("INC-NEW")), &mut store()).expect("prepare");
    assert!(!a.on_start_screen(), "a ticket without unfinished calls goes straight to the call");

    let a = prepare_with_set(set(), &args(Some("inc-later")), &mut store()).expect("prepare");
    match &a.mode {
        Mode::Start(s) => {
            let tickets: Vec<_> = s.resumable.iter().map(|s| s.ticket.as_deref()).collect();
            assert_eq!(tickets, [Some("INC-LATER")], "only that ticket's calls are offered");
        }
        other => panic!("the ticket has an unfinished call: {other:?}"),
    }

    let a = prepare_with_set(set(), &args(None), &mut store()).expect("prepare");
    match &a.mode {
        Mode::Start(s) => assert_eq!(s.resumable.len(), 2, "no ticket: every unfinished call"),
        other => panic!("no ticket: the start screen: {other:?}"),
    }
}
