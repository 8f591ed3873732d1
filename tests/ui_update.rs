//! `update` and the keymap, key by key, in every mode: state changes and returned effects.
//! No terminal: messages in, effects out.

mod ui_support;

use passkey_triage::engine::Provenance;
use passkey_triage::exit;
use passkey_triage::export::Format;
use passkey_triage::ui::app::{App, Effect, Mode, Msg, Options, Overlay, StatusKind};
use passkey_triage::ui::keymap::{self, Screen};
use passkey_triage::ui::screen::confirm::Confirm;
use passkey_triage::ui::screen::search::SearchScreen;
use passkey_triage::ui::screen::start::StartScreen;
use passkey_triage::ui::store::Exported;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ui_support::*;

fn fact(app: &App, k: &str) -> Option<String> {
    app.session.walk.fact(k).map(str::to_string)
}

fn node(app: &App) -> String {
    app.session.walk.position.node().node.clone()
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    key_mod(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The start screen's state (the test fails when it isn't up).
fn start(app: &App) -> &StartScreen {
    match &app.mode {
        Mode::Start(s) => s,
        other => panic!("not on the start screen: {other:?}"),
    }
}

/// The search screen's state.
fn search(app: &App) -> &SearchScreen {
    match &app.mode {
        Mode::Search(s) => s,
        other => panic!("not on the search screen: {other:?}"),
    }
}

/// Highlights search match `i` (as the arrows would).
fn set_hit(app: &mut App, i: usize) {
    if let Mode::Search(s) = &mut app.mode {
        s.hit = i;
    }
}

/// The matrix's first row shown.
fn matrix_scroll(app: &App) -> u16 {
    match &app.mode {
        Mode::Matrix(m) => m.scroll.offset(),
        other => panic!("not on the matrix: {other:?}"),
    }
}

/// Help's first line shown.
fn help_scroll(app: &App) -> u16 {
    match &app.overlay {
        Some(Overlay::Help(h)) => h.scroll.offset(),
        other => panic!("help is not open: {other:?}"),
    }
}

/// The export picker's highlighted format.
fn export_pick(app: &App) -> usize {
    match &app.overlay {
        Some(Overlay::Export(e)) => e.pick,
        other => panic!("the export picker is not open: {other:?}"),
    }
}

fn status(app: &App) -> (StatusKind, String) {
    let s = app.status.clone().expect("a status message");
    (s.kind, s.text)
}

// ----- start screen ------------------------------------------------------------------------

fn start_app() -> App {
    let mut a = app_with(&[], Options { start_screen: true, ..opts() });
    // Clear the prefilled fixture values so typing is visible.
    if let Mode::Start(s) = &mut a.mode {
        for f in s.fields.iter_mut() {
            f.clear();
        }
    }
    a
}

#[test]
fn start_screen_fields_and_enter() {
    let mut a = start_app();
    assert_eq!(a.screen(), Screen::Start);
    typed(&mut a, "INC 42 q?");
    assert_eq!(start(&a).fields[0].text(), "INC 42 q?", "letters, including q and ?, are text here");
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Delete);
    key(&mut a, KeyCode::Home);
    ch(&mut a, '#');
    key(&mut a, KeyCode::End);
    ch(&mut a, '!');
    assert_eq!(start(&a).fields[0].text(), "#INC 42 !");
    key(&mut a, KeyCode::Tab);
    assert_eq!(start(&a).focus, 1);
    typed(&mut a, "  zoë@contoso.com ");
    key(&mut a, KeyCode::Down);
    assert_eq!(start(&a).focus, 2);
    key(&mut a, KeyCode::Down);
    assert_eq!(start(&a).focus, 0, "wraps around");
    key(&mut a, KeyCode::Up);
    assert_eq!(start(&a).focus, 2);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(start(&a).focus, 1);
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(fx, vec![Effect::Persist]);
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(a.session.ticket.as_deref(), Some("#INC 42 !"));
    assert_eq!(a.session.user.as_deref(), Some("zoë@contoso.com"), "trimmed");
    assert_eq!(a.session.agent, None, "empty field is None");
}

#[test]
fn start_screen_global_keys() {
    let mut a = start_app();
    key(&mut a, KeyCode::F(1));
    assert_eq!(a.screen(), Screen::Help);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay, None);
    // Nothing was started on the start screen: nothing to save.
    assert_eq!(ctrl(&mut a, 'c'), vec![Effect::Quit(exit::INTERRUPTED)]);
    assert_eq!(a.update(Msg::Signal(143), t1()), vec![Effect::Quit(143)]);
}

// ----- questions ---------------------------------------------------------------------------

#[test]
fn digits_choose_and_out_of_range_digits_warn() {
    let mut a = app();
    assert_eq!(a.screen(), Screen::Question);
    assert_eq!(ch(&mut a, '9'), vec![]);
    assert_eq!(status(&a).0, StatusKind::Warn);
    assert_eq!(node(&a), "q-phase");
    assert_eq!(ch(&mut a, '1'), vec![Effect::Persist]);
    assert_eq!(fact(&a, "phase").as_deref(), Some("sign-in"));
    assert_eq!(a.session.walk.facts["phase"].provenance, Provenance::Asked);
    assert_eq!(node(&a), "q-flow");
}

#[test]
fn arrows_and_jk_move_then_enter_chooses() {
    let mut a = app();
    key(&mut a, KeyCode::Down);
    assert_eq!(a.walk_screen.cursor, 1);
    ch(&mut a, 'j');
    assert_eq!(a.walk_screen.cursor, 2);
    ch(&mut a, 'j');
    assert_eq!(a.walk_screen.cursor, 2, "clamped at the last answer");
    ch(&mut a, 'k');
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Up);
    assert_eq!(a.walk_screen.cursor, 0, "clamped at the first answer");
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    assert_eq!(fact(&a, "phase").as_deref(), Some("unknown"));
}

#[test]
fn back_with_backspace_and_left_preselects_the_earlier_answer() {
    let mut a = app();
    // Nothing to go back to: the key is not bound, so it only explains.
    assert_eq!(key(&mut a, KeyCode::Backspace), vec![]);
    assert_eq!(status(&a).0, StatusKind::Warn);
    ch(&mut a, '3');
    assert_eq!(node(&a), "q-flow");
    assert_eq!(key(&mut a, KeyCode::Backspace), vec![Effect::Persist]);
    assert_eq!(node(&a), "q-phase");
    assert_eq!(a.walk_screen.cursor, 2, "the earlier answer (Can't tell) is highlighted");
    key(&mut a, KeyCode::Enter);
    ch(&mut a, '1');
    assert_eq!(node(&a), "q-error");
    key(&mut a, KeyCode::Down); // leave the typed line
    assert_eq!(key(&mut a, KeyCode::Left), vec![Effect::Persist]);
    assert_eq!(node(&a), "q-flow");
    assert_eq!(a.walk_screen.cursor, 0);
}

#[test]
fn why_opens_over_the_panel_and_page_keys_scroll() {
    let mut a = app();
    ch(&mut a, '1');
    a.update(Msg::Resize(60, 16), t1());
    assert!(a.overlay.is_none());
    // `w` shows how the walk got here at once, over the panel (not appended below the fold).
    ch(&mut a, 'w');
    assert!(matches!(a.overlay, Some(passkey_triage::ui::app::Overlay::Why(_))));
    let screen = screen_text(&mut a, 60, 16);
    assert!(screen.contains("Why am I asked this?"), "{screen}");
    ch(&mut a, 'w');
    assert!(a.overlay.is_none());
    key(&mut a, KeyCode::PageDown);
    assert!(a.walk_screen.scroll.offset() > 0, "the long help text scrolls at 60×16");
    key(&mut a, KeyCode::PageDown);
    key(&mut a, KeyCode::PageDown);
    let max = a.walk_screen.scroll.offset();
    key(&mut a, KeyCode::PageDown);
    assert_eq!(a.walk_screen.scroll.offset(), max, "clamped");
    key(&mut a, KeyCode::PageUp);
    key(&mut a, KeyCode::PageUp);
    key(&mut a, KeyCode::PageUp);
    assert_eq!(a.walk_screen.scroll.offset(), 0);
    ch(&mut a, 'w');
    key(&mut a, KeyCode::Esc);
    assert!(a.overlay.is_none());
}

#[test]
fn restart_asks_first() {
    let mut a = app();
    assert_eq!(ch(&mut a, 'r'), vec![], "nothing to restart yet: not bound");
    assert_eq!(a.overlay, None);
    ch(&mut a, '1');
    ch(&mut a, '2');
    key(&mut a, KeyCode::Down); // leave the typed line: letters are keys again
    ch(&mut a, 'r');
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Restart)));
    assert_eq!(a.screen(), Screen::Confirm);
    // Keys other than y / n only explain.
    assert_eq!(ch(&mut a, 'x'), vec![]);
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Restart)));
    ch(&mut a, 'n');
    assert_eq!(a.overlay, None);
    assert_eq!(node(&a), "q-phone-version");
    key(&mut a, KeyCode::Down);
    ch(&mut a, 'r');
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay, None);
    ch(&mut a, 'r');
    assert_eq!(ch(&mut a, 'y'), vec![Effect::Persist]);
    assert_eq!(node(&a), "q-phase");
    assert!(a.session.walk.facts.is_empty());
}

#[test]
fn restart_keeps_facts_file_and_notes() {
    let mut a = app_with(&[("phase", "sign-in")], opts());
    assert_eq!(node(&a), "q-flow");
    ch(&mut a, '1');
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'n');
    typed(&mut a, "keep me");
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'r');
    ch(&mut a, 'y');
    assert_eq!(node(&a), "q-flow");
    assert_eq!(a.session.walk.facts["phase"].provenance, Provenance::FactsFile);
    assert_eq!(a.session.notes, "keep me");
}

#[test]
fn mode_keys_open_notes_search_matrix_help() {
    let mut a = app();
    ch(&mut a, 'n');
    assert_eq!(a.mode, Mode::Notes);
    key(&mut a, KeyCode::Esc);
    ch(&mut a, '/');
    assert_eq!(a.screen(), Screen::Search);
    assert_eq!(search(&a).hits.len(), a.index().entries.len(), "empty query lists everything");
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'm');
    assert_eq!(a.screen(), Screen::Matrix);
    key(&mut a, KeyCode::Esc);
    ch(&mut a, '?');
    assert_eq!(a.screen(), Screen::Help);
    ch(&mut a, '?');
    assert_eq!(a.overlay, None);
    assert_eq!(a.mode, Mode::Walk);
}

#[test]
fn export_is_neither_bound_nor_shown_without_a_store() {
    let mut a = app();
    assert_eq!(ch(&mut a, 'e'), vec![]);
    let ctx = a.key_context();
    assert!(!keymap::hints(&ctx).iter().any(|(_, l)| *l == "export"));
    assert!(!keymap::help(&ctx).iter().any(|(k, _)| *k == "e"));

    let mut a = app_with(&[], Options { export: Some(Format::Text), persists: true, ..opts() });
    assert!(keymap::hints(&a.key_context()).iter().any(|(_, l)| *l == "export"));
    assert!(keymap::help(&a.key_context()).iter().any(|(k, _)| *k == "e"));
    // e opens the format picker on the configured default; Esc cancels.
    assert_eq!(ch(&mut a, 'e'), vec![]);
    assert_eq!(a.screen(), Screen::Export);
    assert_eq!(a.screen(), Screen::Export);
    assert_eq!(export_pick(&a), 1, "plain text, the configured default");
    let hints: Vec<&str> = keymap::hints(&a.key_context()).iter().map(|(_, l)| *l).collect();
    assert_eq!(hints, ["format", "move", "export", "cancel", "help"]);
    assert_eq!(key(&mut a, KeyCode::Esc), vec![]);
    assert_eq!(a.overlay, None);
    // Enter exports the highlighted format; arrows move, clamped.
    ch(&mut a, 'e');
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Up);
    assert_eq!(export_pick(&a), 0);
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Export(Format::Markdown)]);
    assert_eq!(a.overlay, None);
    // A digit exports at once; one that names no format only explains.
    ch(&mut a, 'e');
    assert_eq!(ch(&mut a, '4'), vec![]);
    assert_eq!(status(&a).0, StatusKind::Warn);
    assert_eq!(a.screen(), Screen::Export);
    key(&mut a, KeyCode::Down);
    assert_eq!(export_pick(&a), 2);
    assert_eq!(ch(&mut a, '3'), vec![Effect::Export(Format::Json)]);
    // Help over the picker lists its keys and returns to it.
    ch(&mut a, 'e');
    ch(&mut a, '?');
    assert_eq!(a.screen(), Screen::Help);
    assert!(keymap::help(&a.help_context()).iter().any(|(k, _)| *k == "1-3"));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.screen(), Screen::Export);
    key(&mut a, KeyCode::Esc);

    // The result: the path, then whether the clipboard got it.
    let ex = Exported { path: "/tmp/INC0012345.md".into(), text: "notes".into() };
    assert_eq!(a.update(Msg::Exported(Ok(ex)), t1()), vec![Effect::CopyToClipboard("notes".into())]);
    assert_eq!(status(&a), (StatusKind::Info, "Exported to /tmp/INC0012345.md.".into()));
    a.update(Msg::Copied(true), t1());
    assert_eq!(status(&a), (StatusKind::Info, "Exported to /tmp/INC0012345.md; copied to the clipboard.".into()));
    a.update(Msg::Copied(false), t1());
    assert!(status(&a).1.contains("/tmp/INC0012345.md (too long for the clipboard"), "{:?}", a.status);
    // A long path is shortened in the middle so the file name stays on screen.
    let long = format!("/home/agent/{}/exports/INC0012345-2.md", "deep/".repeat(20));
    a.update(Msg::Exported(Ok(Exported { path: long.into(), text: String::new() })), t1());
    a.update(Msg::Copied(true), t1());
    let text = status(&a).1;
    assert!(text.contains('…') && text.ends_with("exports/INC0012345-2.md; copied to the clipboard."), "{text}");
    assert!(passkey_triage::ui::text::width(&text) <= 78, "{text}");
    a.update(Msg::Exported(Err("disk full".into())), t1());
    assert_eq!(status(&a), (StatusKind::Error, "Export failed: disk full".into()));
}

#[test]
fn help_over_a_confirmation_returns_to_it() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, 'q');
    key(&mut a, KeyCode::F(1));
    assert_eq!(a.screen(), Screen::Help);
    assert!(keymap::help(&a.help_context()).iter().any(|(k, _)| *k == "y"), "help lists y / n");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Quit)));
}

#[test]
fn quit_asks_only_when_something_would_be_lost() {
    let mut a = app();
    assert_eq!(ch(&mut a, 'q'), vec![Effect::Persist, Effect::Quit(exit::OK)], "nothing to lose yet");
    let mut a = app();
    ch(&mut a, '1');
    assert_eq!(ch(&mut a, 'q'), vec![]);
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    ch(&mut a, 'n');
    assert_eq!(a.overlay, None);
    ch(&mut a, 'q');
    assert_eq!(ch(&mut a, 'y'), vec![Effect::Persist, Effect::Quit(exit::OK)]);

    // With a store that keeps sessions nothing is lost, unless saving failed.
    let mut a = app_with(&[], Options { persists: true, ..opts() });
    ch(&mut a, '1');
    assert_eq!(ch(&mut a, 'q'), vec![Effect::Persist, Effect::Quit(exit::OK)]);
    a.update(Msg::Saved(Err("read-only file system".into())), t1());
    assert!(a.save_failed);
    assert_eq!(status(&a).0, StatusKind::Warn);
    assert_eq!(ch(&mut a, 'q'), vec![]);
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    key(&mut a, KeyCode::Esc);
    a.update(Msg::Saved(Ok(())), t1());
    assert_eq!(ch(&mut a, 'q'), vec![Effect::Persist, Effect::Quit(exit::OK)]);
}

#[test]
fn quit_asks_when_the_export_is_out_of_date() {
    // A saved call loses nothing, but notes exported before an answer changed would reach the
    // ticket saying the old thing: quitting asks first, and only then.
    let mut a = app_with(&[], Options { persists: true, ..opts() });
    ch(&mut a, '1');
    let ex = Exported { path: "/tmp/INC1.txt".into(), text: "notes".into() };
    a.update(Msg::Exported(Ok(ex)), t1());
    assert!(!a.export_out_of_date());
    assert_eq!(ch(&mut a, 'q'), vec![Effect::Persist, Effect::Quit(exit::OK)], "the export says what the call says");

    let mut a = app_with(&[], Options { persists: true, ..opts() });
    ch(&mut a, '1');
    let ex = Exported { path: "/tmp/INC1.txt".into(), text: "notes".into() };
    a.update(Msg::Exported(Ok(ex)), t1());
    key(&mut a, KeyCode::Backspace);
    ch(&mut a, '2');
    assert!(a.export_out_of_date());
    assert_eq!(ch(&mut a, 'q'), vec![]);
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    assert_eq!(ch(&mut a, 'y'), vec![Effect::Persist, Effect::Quit(exit::OK)]);
}

#[test]
fn a_version_typed_on_a_list_question_says_its_digits_chose_answers() {
    // "17.4" typed where a list question stands: 1 and 7 chose answers; the dot says so and
    // names the way back, instead of a bare "does nothing here".
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '.');
    let st = status(&a);
    assert_eq!(st.0, StatusKind::Warn);
    assert!(st.1.contains("its digits chose answers") && st.1.contains("takes them back"), "{st:?}");
    // Without a digit answer just before, it is an ordinary key that does nothing.
    let mut a = app();
    ch(&mut a, '.');
    assert!(status(&a).1.contains("does nothing here"), "{:?}", a.status);
}

#[test]
fn ctrl_c_quits_from_every_mode() {
    type Setup = Box<dyn Fn(&mut App)>;
    let setups: Vec<(&str, Setup)> = vec![
        ("question", Box::new(|_| {})),
        (
            "entry",
            Box::new(|a| {
                ch(a, '1');
                ch(a, '2');
            }),
        ),
        (
            "notes",
            Box::new(|a| {
                ch(a, 'n');
            }),
        ),
        (
            "search",
            Box::new(|a| {
                ch(a, '/');
            }),
        ),
        (
            "matrix",
            Box::new(|a| {
                ch(a, 'm');
            }),
        ),
        (
            "help",
            Box::new(|a| {
                ch(a, '?');
            }),
        ),
        (
            "confirm",
            Box::new(|a| {
                ch(a, '1');
                ch(a, 'q');
            }),
        ),
        ("outcome", Box::new(to_escalation)),
    ];
    for (name, setup) in setups {
        let mut a = app();
        setup(&mut a);
        assert_eq!(ctrl(&mut a, 'c'), vec![Effect::Persist, Effect::Quit(exit::INTERRUPTED)], "{name}");
    }
}

#[test]
fn unbound_keys_explain_instead_of_acting() {
    let mut a = app();
    assert_eq!(ch(&mut a, 'x'), vec![]);
    let (kind, text) = status(&a);
    assert_eq!(kind, StatusKind::Warn);
    assert!(text.contains("press ? for the keys"), "{text}");
}

// ----- typed answers -----------------------------------------------------------------------

fn at_phone_version() -> App {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '2');
    assert_eq!(node(&a), "q-phone-version");
    a
}

#[test]
fn typed_answer_line_takes_every_character() {
    let mut a = at_phone_version();
    assert_eq!(a.screen(), Screen::Entry);
    assert!(a.walk_screen.focus_input);
    typed(&mut a, "1q?wnm/r7");
    assert_eq!(a.walk_screen.entry.text(), "1q?wnm/r7", "letters, digits and ? are text here");
    assert_eq!(a.mode, Mode::Walk);
    key(&mut a, KeyCode::Home);
    key(&mut a, KeyCode::Delete);
    key(&mut a, KeyCode::End);
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Right);
    assert_eq!(a.walk_screen.entry.text(), "q?wnm/r");
}

#[test]
fn typed_answer_is_validated() {
    let mut a = at_phone_version();
    typed(&mut a, "seventeen");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![]);
    // Refused under the line (tests/ui_call.rs has the rest of the typed keys).
    let text = a.walk_screen.refusal.clone().expect("refused");
    assert!(text.contains("not a version"), "{text}");
    assert_eq!(a.walk_screen.entry.text(), "seventeen", "the typed text stays for fixing");
    for _ in 0..9 {
        key(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "16.4");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist]);
    assert_eq!(fact(&a, "phone.os_version").as_deref(), Some("16.4"));
    assert_eq!(a.session.walk.outcome(&a.set).map(|(_, o)| o.class.as_str()), Some("unsupported-client.os-version"));
}

#[test]
fn typed_line_backspace_on_empty_stays_and_arrows_leave_it() {
    let mut a = at_phone_version();
    key(&mut a, KeyCode::Down);
    assert!(!a.walk_screen.focus_input);
    assert_eq!(a.screen(), Screen::Question);
    // ↑ from the first answer goes back to the line (`i` is import here, as everywhere).
    key(&mut a, KeyCode::Up);
    assert!(a.walk_screen.focus_input);
    key(&mut a, KeyCode::Tab);
    assert!(!a.walk_screen.focus_input);
    key(&mut a, KeyCode::Tab);
    assert!(a.walk_screen.focus_input);
    key(&mut a, KeyCode::Down);
    assert!(!a.walk_screen.focus_input, "↓ leaves the line");
    key(&mut a, KeyCode::Up);
    assert!(a.walk_screen.focus_input, "↑ from the first listed answer returns to the line");
    // Backspace only deletes: held to clear the line, it must not run on into earlier answers.
    assert_eq!(key(&mut a, KeyCode::Backspace), vec![]);
    assert_eq!(node(&a), "q-phone-version");
    assert!(a.walk_screen.focus_input);
    // ← on the empty line goes back.
    assert_eq!(key(&mut a, KeyCode::Left), vec![Effect::Persist]);
    assert_eq!(node(&a), "q-flow");
}

#[test]
fn going_back_to_a_typed_question_refills_the_line() {
    let mut a = at_phone_version();
    typed(&mut a, "17.5");
    key(&mut a, KeyCode::Enter);
    assert_eq!(node(&a), "s-bluetooth");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(node(&a), "q-phone-version");
    assert!(a.walk_screen.focus_input);
    assert_eq!(a.walk_screen.entry.text(), "17.5");
}

#[test]
fn listed_answer_on_a_typed_question() {
    let mut a = at_phone_version();
    key(&mut a, KeyCode::Down);
    assert_eq!(ch(&mut a, '1'), vec![Effect::Persist]);
    assert_eq!(fact(&a, "phone.os_version").as_deref(), Some("unknown"));
    assert_eq!(node(&a), "s-bluetooth");
}

#[test]
fn paste_goes_into_the_line_without_control_characters() {
    let mut a = at_phone_version();
    a.update(Msg::Paste("17.\u{1b}[2J5\n".into()), t1());
    assert_eq!(a.walk_screen.entry.text(), "17.\u{FFFD}[2J5 ");
    // On the listed answers, a paste focuses the line.
    let mut a = at_phone_version();
    key(&mut a, KeyCode::Down);
    a.update(Msg::Paste("17.5".into()), t1());
    assert!(a.walk_screen.focus_input);
    assert_eq!(a.walk_screen.entry.text(), "17.5");
}

// ----- steps and outcomes ------------------------------------------------------------------

#[test]
fn step_results_by_digit_and_enter() {
    let mut a = at_phone_version();
    typed(&mut a, "17.5");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.screen(), Screen::Step);
    ch(&mut a, 'j');
    ch(&mut a, 'k');
    ch(&mut a, 'j');
    assert_eq!(a.walk_screen.cursor, 1);
    key(&mut a, KeyCode::Enter);
    assert!(a.session.walk.is_finished());
    assert_eq!(a.session.walk.step_results["triage#s-bluetooth"].value, "still-failing");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.screen(), Screen::Step);
    assert_eq!(a.walk_screen.cursor, 1, "earlier result highlighted");
    ch(&mut a, '1');
    assert_eq!(a.session.status.as_str(), "resolved");
}

#[test]
fn outcome_checklist_space_digits_arrows() {
    let mut a = app();
    to_escalation(&mut a);
    assert_eq!(a.screen(), Screen::Outcome);
    assert_eq!(a.session.status.as_str(), "escalated");
    assert_eq!(a.session.checklist.done.len(), 3);
    assert_eq!(ch(&mut a, ' '), vec![Effect::Persist]);
    assert!(a.session.checklist.done[0].is_some());
    assert_eq!(a.session.checklist.done[0], Some(t1()), "ticked at the injected time");
    key(&mut a, KeyCode::Down);
    ch(&mut a, 'j');
    assert_eq!(a.walk_screen.cursor, 2);
    ch(&mut a, ' ');
    assert!(a.session.checklist.done[2].is_some());
    ch(&mut a, '2');
    assert_eq!(a.walk_screen.cursor, 1);
    assert!(a.session.checklist.done[1].is_some());
    ch(&mut a, '2');
    assert!(a.session.checklist.done[1].is_none(), "digits untick too");
    assert_eq!(ch(&mut a, '4'), vec![]);
    assert_eq!(status(&a).0, StatusKind::Warn);
    ch(&mut a, 'k');
    key(&mut a, KeyCode::Up);
    assert_eq!(a.walk_screen.cursor, 0);
    // Back: to the last question, the checklist belongs to the outcome.
    key(&mut a, KeyCode::Left);
    assert_eq!(node(&a), "q-error");
    assert_eq!(a.session.status.as_str(), "open");
}

#[test]
fn outcome_from_facts_opens_directly() {
    let a = app_with(&[("phase", "sign-in"), ("flow", "same-device"), ("error.code", "AADSTS53003")], opts());
    assert_eq!(a.screen(), Screen::Outcome);
    assert_eq!(a.session.class(&a.set), Some("policy.conditional-access"));
    assert!(!a.key_context().can_back, "nothing was asked, nothing to go back to");
    assert!(!a.key_context().can_restart, "restart would change nothing");
}

// ----- notes -------------------------------------------------------------------------------

#[test]
fn notes_editor_keeps_text_and_esc_saves() {
    let mut a = app();
    ch(&mut a, 'n');
    assert_eq!(a.screen(), Screen::Notes);
    typed(&mut a, "q? 1 w");
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "line 2");
    assert_eq!(a.mode, Mode::Notes, "letters are text, q does not quit");
    ctrl(&mut a, 'u'); // undo (textarea key)
    assert_eq!(key(&mut a, KeyCode::Esc), vec![Effect::Persist]);
    assert_eq!(a.mode, Mode::Walk);
    assert!(a.session.notes.starts_with("q? 1 w"), "{:?}", a.session.notes);
}

#[test]
fn notes_are_saved_on_tick_and_on_ctrl_c() {
    let mut a = app();
    ch(&mut a, 'n');
    typed(&mut a, "typed");
    assert_eq!(a.update(Msg::Tick, t1()), vec![Effect::Persist]);
    assert_eq!(a.session.notes, "typed");
    assert_eq!(a.update(Msg::Tick, t1()), vec![], "unchanged: no save");
    typed(&mut a, " more");
    ctrl(&mut a, 'c');
    assert_eq!(a.session.notes, "typed more");
}

#[test]
fn notes_paste_is_sanitized() {
    let mut a = app();
    ch(&mut a, 'n');
    a.update(Msg::Paste("a\u{1b}]52;c;evil\u{7}b\r\nc".into()), t1());
    key(&mut a, KeyCode::Esc);
    assert!(passkey_triage::text::is_clean(&a.session.notes), "{:?}", a.session.notes);
    assert!(a.session.notes.contains("\nc"));
}

#[test]
fn help_from_notes_with_f1() {
    let mut a = app();
    ch(&mut a, 'n');
    key(&mut a, KeyCode::F(1));
    assert_eq!(a.screen(), Screen::Help);
    key(&mut a, KeyCode::F(1));
    assert_eq!(a.overlay, None);
    assert_eq!(a.mode, Mode::Notes);
}

// ----- search ------------------------------------------------------------------------------

#[test]
fn search_filters_moves_and_closes() {
    let mut a = app();
    ch(&mut a, '/');
    typed(&mut a, "zzzzqqq");
    assert!(search(&a).hits.is_empty());
    assert_eq!(key(&mut a, KeyCode::Enter), vec![], "no results: Enter not bound");
    for _ in 0..7 {
        key(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "bluetooth");
    assert!(search(&a).hits.len() >= 2);
    key(&mut a, KeyCode::Down);
    assert_eq!(search(&a).hit, 1);
    ctrl(&mut a, 'p');
    assert_eq!(search(&a).hit, 0);
    ctrl(&mut a, 'n');
    key(&mut a, KeyCode::Up);
    assert_eq!(search(&a).hit, 0);
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Home);
    key(&mut a, KeyCode::Delete);
    key(&mut a, KeyCode::End);
    key(&mut a, KeyCode::Right);
    assert_eq!(search(&a).query.text(), "luetooth");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(node(&a), "q-phase", "closing changes nothing");
}

/// (fact, value, provenance, when) of every fact: what "every answer as it was" means.
fn answers(a: &App) -> Vec<(String, String, Provenance, chrono::DateTime<chrono::Utc>)> {
    a.session.walk.facts.iter().map(|(k, f)| (k.clone(), f.value.clone(), f.provenance, f.at)).collect()
}

/// Opens the search match for `node`, found by `query`.
fn open_match(a: &mut App, query: &str, node_id: &str) -> Vec<Effect> {
    ch(a, '/');
    typed(a, query);
    let i = search(a).hits.iter().position(|h| a.index().entries[h.entry].node.node == node_id).expect("found");
    set_hit(a, i);
    key(a, KeyCode::Enter)
}

#[test]
fn search_previews_an_outcome_and_changes_nothing() {
    let mut a = app();
    ch(&mut a, '1'); // phase = sign-in, asked
    let before = a.session.walk.clone();
    assert_eq!(open_match(&mut a, "53003", "o-ca"), vec![], "nothing to save: nothing changed");
    assert_eq!(a.screen(), Screen::Preview);
    let lead = match &a.mode {
        Mode::Preview(p) => p.lead.clone().expect("a way there"),
        other => panic!("not a preview: {other:?}"),
    };
    assert!(lead.contains(&("error.code".to_string(), "(typed)".to_string())), "{lead:?}");
    let screen = screen_text(&mut a, 100, 30);
    assert!(screen.contains("Preview (read-only)") && screen.contains("would be CLASSIFIED"), "{screen}");
    assert!(screen.contains("error.code = a typed answer"), "{screen}");
    assert!(screen.contains("none is assumed"), "{screen}");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(a.session.walk, before, "the walk is as it was");
    assert_eq!(node(&a), "q-flow");
}

#[test]
fn search_asks_a_question_now_and_keeps_every_answer() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '1'); // flow = same-device: the phone's version is not on this path
    key(&mut a, KeyCode::Down);
    let before = answers(&a);
    assert_eq!(open_match(&mut a, "phone on", "q-phone-version"), vec![]);
    assert_eq!(a.screen(), Screen::AsideEntry, "a typed question starts on its line");
    typed(&mut a, "seventeen");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.screen(), Screen::AsideEntry, "refused in place");
    assert!(screen_text(&mut a, 100, 30).contains("is not a version"));
    for _ in 0..9 {
        key(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "17.5");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist]);
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(node(&a), "q-error", "the diagnosis goes on from where it was");
    let after = answers(&a);
    for old in &before {
        assert!(after.contains(old), "{old:?} changed: {after:?}");
    }
    assert_eq!(a.session.walk.facts["phone.os_version"].value, "17.5");
    assert_eq!(a.session.walk.facts["phone.os_version"].provenance, Provenance::Asked);
    assert!(status(&a).1.starts_with("Asked now: phone.os_version = 17.5"), "{}", status(&a).1);
}

#[test]
fn search_shows_an_answered_question_read_only() {
    let mut a = app();
    ch(&mut a, '1');
    let before = a.session.walk.clone();
    open_match(&mut a, "registering a new passkey", "q-phase");
    assert_eq!(a.screen(), Screen::Aside);
    let screen = screen_text(&mut a, 100, 30);
    assert!(screen.contains("Already answered: phase = sign-in (● asked)"), "{screen}");
    assert_eq!(ch(&mut a, '2'), vec![], "no answer to pick");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![]);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.session.walk, before);
}

#[test]
fn search_to_where_we_are_says_so() {
    let mut a = app();
    open_match(&mut a, "registering a new passkey", "q-phase");
    assert_eq!(a.mode, Mode::Walk);
    assert!(status(&a).1.starts_with("Already there"), "{}", status(&a).1);
}

/// Issue 9.8: from any point of a call, opening any search match, and answering whatever it
/// asks, leaves every answer given before with its value, provenance and time.
#[test]
fn a_search_jump_leaves_every_answer_as_it_was() {
    type Setup = Box<dyn Fn(&mut App)>;
    let setups: Vec<(&str, Setup)> = vec![
        ("start", Box::new(|_| {})),
        (
            "typed question",
            Box::new(|a| {
                ch(a, '1');
                ch(a, '2');
                key(a, KeyCode::Esc);
            }),
        ),
        ("outcome", Box::new(to_escalation)),
        ("facts file", Box::new(|_| {})),
    ];
    let entries = app().index().entries.len();
    for (name, setup) in &setups {
        for e in 0..entries {
            for answer in [false, true] {
                let mut a = if *name == "facts file" { app_with(&[("flow", "cross-device")], opts()) } else { app() };
                setup(&mut a);
                let before = answers(&a);
                let position = a.session.walk.position.clone();
                ch(&mut a, '/');
                let i = search(&a).hits.iter().position(|h| h.entry == e).expect("every entry is listed");
                set_hit(&mut a, i);
                key(&mut a, KeyCode::Enter);
                let asked = matches!(a.mode, Mode::Aside(_));
                if answer && asked {
                    // Take the line's "can't tell", or the first listed answer.
                    key(&mut a, KeyCode::Enter);
                    if matches!(a.mode, Mode::Aside(_)) {
                        ch(&mut a, '1');
                    }
                }
                key(&mut a, KeyCode::Esc);
                let after = answers(&a);
                for old in &before {
                    assert!(after.contains(old), "{name}, entry {e}, answer {answer}: {old:?} changed: {after:?}");
                }
                if !(answer && asked) {
                    assert_eq!(after, before, "{name}, entry {e}: nothing was answered, nothing may change");
                    assert_eq!(a.session.walk.position, position);
                }
            }
        }
    }
}

// ----- matrix and help ---------------------------------------------------------------------

#[test]
fn matrix_scrolls_and_closes_with_esc_m_q() {
    for close in [KeyCode::Esc, KeyCode::Char('m'), KeyCode::Char('q')] {
        let mut a = app();
        ch(&mut a, 'm');
        assert_eq!(matrix_scroll(&a), 0);
        key(&mut a, KeyCode::Down);
        ch(&mut a, 'j');
        assert_eq!(matrix_scroll(&a), 2);
        ch(&mut a, 'k');
        key(&mut a, KeyCode::Up);
        key(&mut a, KeyCode::Up);
        assert_eq!(matrix_scroll(&a), 0);
        key(&mut a, KeyCode::PageDown);
        assert_eq!(matrix_scroll(&a) as usize, a.set.matrix.rows.len() - 1, "clamped at the last row");
        key(&mut a, KeyCode::PageUp);
        assert_eq!(matrix_scroll(&a), 0);
        ch(&mut a, '?');
        assert_eq!(a.screen(), Screen::Help);
        key(&mut a, KeyCode::Esc);
        assert_eq!(key(&mut a, close), vec![]);
        assert_eq!(a.mode, Mode::Walk, "{close:?}");
    }
}

#[test]
fn matrix_opens_on_the_rows_for_this_client() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '2');
    key(&mut a, KeyCode::Down);
    ch(&mut a, 'm');
    assert_eq!(matrix_scroll(&a), 2, "the cross-device row");
}

#[test]
fn help_scrolls_and_closes_with_esc_question_q() {
    for close in [KeyCode::Esc, KeyCode::Char('?'), KeyCode::Char('q'), KeyCode::F(1)] {
        let mut a = app();
        a.update(Msg::Resize(60, 16), t1());
        ch(&mut a, '?');
        key(&mut a, KeyCode::Down);
        ch(&mut a, 'j');
        assert_eq!(help_scroll(&a), 2);
        ch(&mut a, 'k');
        key(&mut a, KeyCode::Up);
        key(&mut a, KeyCode::PageDown);
        assert!(help_scroll(&a) > 0);
        key(&mut a, KeyCode::PageUp);
        assert_eq!(help_scroll(&a), 0);
        key(&mut a, close);
        assert_eq!(a.overlay, None, "{close:?}");
    }
}

#[test]
fn help_lists_exactly_the_keys_that_work() {
    // Every key help shows for the question screen does something other than "nothing here".
    let a = app();
    let ctx = a.base_context();
    for (keys, _) in keymap::help(&ctx) {
        assert!(!keys.is_empty());
    }
    let labels: Vec<&str> = keymap::hints(&ctx).into_iter().map(|(_, l)| l).collect();
    assert!(labels.contains(&"help") && labels.contains(&"quit") && labels.contains(&"choose"));
    assert!(!labels.contains(&"back") && !labels.contains(&"restart") && !labels.contains(&"export"));
}

// ----- signals, saving, mouse, resize ------------------------------------------------------

#[test]
fn signals_save_and_quit_with_their_code() {
    for code in [exit::TERMINATED, exit::HANGUP, exit::INTERRUPTED] {
        let mut a = app();
        ch(&mut a, 'n');
        typed(&mut a, "unsaved");
        assert_eq!(a.update(Msg::Signal(code), t1()), vec![Effect::Persist, Effect::Quit(code)]);
        assert_eq!(a.session.notes, "unsaved");
    }
}

#[test]
fn mouse_click_answers_and_ticks() {
    let mut a = app();
    // The row where the second answer ("Registering…") is drawn at 80×24.
    let text = screen_text(&mut a, 80, 24);
    let second = text.lines().position(|l| l.contains("2 Registering")).expect("second answer shown") as u16;
    let click = |row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 6,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    assert_eq!(a.update(click(20), t1()), vec![], "a click on help text does nothing");
    assert_eq!(a.update(click(second), t1()), vec![Effect::Persist]);
    assert_eq!(fact(&a, "phase").as_deref(), Some("registration"));
    assert_eq!(a.session.status.as_str(), "escalated");
    let text = screen_text(&mut a, 80, 24);
    let row = text.lines().position(|l| l.contains("[ ] 2.")).expect("second step shown") as u16;
    assert_eq!(a.update(click(row), t1()), vec![Effect::Persist]);
    assert!(a.session.checklist.done[1].is_some());
    // The wheel scrolls.
    let wheel =
        Msg::Mouse(MouseEvent { kind: MouseEventKind::ScrollDown, column: 6, row: 8, modifiers: KeyModifiers::NONE });
    a.update(wheel, t1());
    assert!(a.walk_screen.scroll.offset() > 0);
}

#[test]
fn keys_work_and_nothing_panics_when_too_small() {
    let mut a = app();
    for (w, h) in [(1, 1), (2, 1), (10, 3), (59, 15)] {
        a.update(Msg::Resize(w, h), t1());
        ch(&mut a, '1');
        render(&mut a, w, h);
    }
    assert_eq!(fact(&a, "phase").as_deref(), Some("sign-in"));
}

#[test]
fn every_screen_renders_at_every_small_size_without_panicking() {
    let states: Vec<Box<dyn Fn() -> App>> = vec![
        Box::new(app),
        Box::new(at_phone_version),
        Box::new(|| {
            let mut a = app();
            to_escalation(&mut a);
            ch(&mut a, 'w');
            a
        }),
        Box::new(|| {
            let mut a = app();
            ch(&mut a, '/');
            a
        }),
        Box::new(|| {
            let mut a = app();
            ch(&mut a, 'm');
            a
        }),
        Box::new(|| {
            let mut a = app();
            ch(&mut a, '?');
            a
        }),
        Box::new(|| {
            let mut a = app();
            ch(&mut a, 'n');
            a
        }),
        Box::new(|| {
            let mut a = app();
            ch(&mut a, '1');
            ch(&mut a, 'q');
            a
        }),
        Box::new(|| app_with(&[], Options { start_screen: true, ..opts() })),
    ];
    for make in &states {
        let mut a = make();
        for w in (1..=130).step_by(7) {
            for h in (1..=45).step_by(4) {
                render(&mut a, w, h);
            }
        }
    }
}

#[test]
fn no_color_uses_no_colours() {
    use ratatui::style::Color;
    let mut a = app_with(&[], Options { no_color: true, ..opts() });
    to_escalation(&mut a);
    let t = render(&mut a, 80, 24);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset), "colour with NO_COLOR: {cell:?}");
    }
    // With colour, the escalate banner is red, and says so in words too.
    let mut a = app();
    to_escalation(&mut a);
    let t = render(&mut a, 80, 24);
    let buf = t.backend().buffer();
    assert_eq!(buf[(3, 2)].bg, Color::Red);
    let text = t.backend().to_string();
    assert!(text.contains("!! ESCALATE TO TIER 2 !!"));
}

#[test]
fn the_timer_follows_the_injected_clock() {
    let mut a = app();
    assert!(screen_text(&mut a, 80, 24).contains("call 03:12"));
    a.update(Msg::Tick, t0() + chrono::Duration::seconds(3723));
    assert!(screen_text(&mut a, 80, 24).contains("call 1:02:03"));
}

#[test]
fn no_control_character_reaches_the_screen() {
    // Runbook text (the fixture's summary), a facts-file value, a pasted note and a typed
    // answer, all carrying escapes; every screen is checked cell by cell.
    let evil = "\u{1b}]52;c;QUJD\u{7}\u{1b}[2J\u{9b}31m\u{202e}boom";
    let mut a = app_with(&[("error.message", evil)], opts());
    let mut screens = Vec::new();
    let mut grab = |a: &mut App| screens.push(render(a, 100, 30).backend().buffer().clone());
    grab(&mut a);
    ch(&mut a, 'n');
    a.update(Msg::Paste(evil.into()), t1());
    grab(&mut a);
    key(&mut a, KeyCode::Esc);
    ch(&mut a, '1');
    ch(&mut a, '1');
    a.update(Msg::Paste(evil.into()), t1());
    grab(&mut a);
    key(&mut a, KeyCode::Enter);
    grab(&mut a);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Enter);
    ch(&mut a, 'w');
    grab(&mut a);
    ch(&mut a, '/');
    a.update(Msg::Paste(evil.into()), t1());
    grab(&mut a);
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'm');
    grab(&mut a);
    for buf in screens {
        for cell in buf.content() {
            assert!(
                passkey_triage::text::is_clean(cell.symbol()) && !cell.symbol().contains('\n'),
                "control character on screen: {:?}",
                cell.symbol()
            );
        }
    }
    assert!(passkey_triage::text::is_clean(&a.session.notes));
}

// ----- sessions: start-screen resume, tier 2, saving ---------------------------------------

#[test]
fn start_screen_offers_unfinished_calls_and_resumes_one() {
    let mut a = start_app();
    let older = unfinished_session("20261125T130000Z-00aa", "INC-OLDER");
    a.offer_resumable(vec![unfinished_session("20261125T133000Z-00cc", "INC-NEWER"), older.clone()]);
    let hints: Vec<&str> = keymap::hints(&a.key_context()).iter().map(|(_, l)| *l).collect();
    assert!(hints.contains(&"next field / resume a call"), "{hints:?}");
    // Tab / ↓ go round the fields, then the calls, then back to the first field.
    for _ in 0..3 {
        key(&mut a, KeyCode::Tab);
    }
    assert_eq!(a.screen(), Screen::Resume);
    let hints: Vec<&str> = keymap::hints(&a.key_context()).iter().map(|(_, l)| *l).collect();
    assert_eq!(hints, ["resume", "move", "help", "quit"]);
    ch(&mut a, 'j');
    assert_eq!(start(&a).focus, 4);
    key(&mut a, KeyCode::Down);
    assert_eq!((start(&a).focus, a.screen()), (0, Screen::Start), "wraps to the ticket field");
    key(&mut a, KeyCode::Up);
    assert_eq!(start(&a).focus, 4);
    // Letters don't type on a call row; ? helps, q quits without saving anything new.
    ch(&mut a, '?');
    assert_eq!(a.screen(), Screen::Help);
    assert!(keymap::help(&a.help_context()).iter().any(|(k, _)| *k == "Enter"));
    key(&mut a, KeyCode::Esc);
    let mut quitter = a.clone();
    assert_eq!(ch(&mut quitter, 'q'), vec![Effect::Quit(exit::OK)]);
    // Enter asks for the call's lock first (one wizard writes a session); held by another
    // wizard, the start screen stays and says who has it.
    let claim = vec![Effect::Claim(older.id.clone())];
    let mut refused = a.clone();
    assert_eq!(key(&mut refused, KeyCode::Enter), claim);
    let held = "session 20261125T130000Z-00aa is open in another wizard: Ana (pid 7)".to_string();
    refused.update(Msg::Claimed(older.id.clone(), Err(held)), t1());
    assert!(refused.on_start_screen() && refused.screen() == Screen::Resume);
    assert_eq!(
        status(&refused),
        (StatusKind::Warn, "Not resumed: session 20261125T130000Z-00aa is open in another wizard: Ana (pid 7)".into())
    );
    // Taken: the older call is back at the same question with the same facts and notes.
    assert_eq!(key(&mut a, KeyCode::Enter), claim);
    assert!(a.on_start_screen(), "not before the lock is ours");
    a.update(Msg::Claimed(older.id.clone(), Ok(())), t1());
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(a.session, older);
    assert_eq!(node(&a), "q-phone-version");
    assert_eq!(a.screen(), Screen::Entry, "the typed line has the focus, as before");
    assert!(!a.on_start_screen(), "the offered calls went with the start screen");
    assert!(status(&a).1.starts_with("Resumed session 20261125T130000Z-00aa (ticket INC-OLDER)"));
    // The notes editor holds the resumed notes.
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'n');
    assert_eq!(a.notes.lines().join("\n"), "called from a hotel");
}

#[test]
fn enter_on_the_fields_starts_a_new_call_even_with_unfinished_ones() {
    let mut a = start_app();
    a.offer_resumable(vec![unfinished_session("20261125T130000Z-00aa", "INC-OLDER")]);
    typed(&mut a, "INC-NEW");
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::Persist]);
    assert_eq!(a.session.ticket.as_deref(), Some("INC-NEW"));
    assert_eq!(a.session.id, "20261125T140000Z-0001");
    assert_eq!(node(&a), "q-phase");
}

#[test]
fn tier2_goes_back_over_tier1_answers_and_continues() {
    let mut a = tier2_app();
    assert!(status(&a).1.starts_with("Tier 2 continues 20261125T140000Z-0001"));
    assert_eq!(a.session.continued_from.as_deref(), Some("20261125T140000Z-0001"));
    assert_eq!(a.screen(), Screen::Outcome);
    assert!(a.session.walk.facts.values().all(|f| f.via.as_deref() == Some("tier-1 session 20261125T140000Z-0001")));
    // Nothing is lost by quitting a saved session: q quits at once.
    assert_eq!(
        a.clone().update(Msg::Key(ratatui::crossterm::event::KeyEvent::from(KeyCode::Char('q'))), t1()),
        vec![Effect::Persist, Effect::Quit(exit::OK)]
    );
    // Back over every tier-1 answer, to the first question.
    assert_eq!(key(&mut a, KeyCode::Left), vec![Effect::Persist]);
    assert_eq!(node(&a), "q-error");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Left);
    assert_eq!(node(&a), "q-flow");
    key(&mut a, KeyCode::Left);
    assert_eq!(node(&a), "q-phase");
    assert!(!a.session.walk.can_go_back());
    // The same answer as tier 1: the later tier-1 answers are re-applied, still marked T1.
    ch(&mut a, '1');
    assert_eq!(node(&a), "o-unclassified");
    assert_eq!(a.session.walk.facts["phase"].via, None, "answered by tier 2");
    assert_eq!(a.session.walk.facts["phase"].provenance, Provenance::Asked);
    assert!(a.session.walk.facts["flow"].via.is_some(), "tier 1's answer, re-applied as it was");
    // A different answer than tier 1's, then the rest.
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Left);
    assert_eq!(node(&a), "q-flow");
    ch(&mut a, '2');
    assert_eq!(node(&a), "q-phone-version");
    typed(&mut a, "17.5");
    key(&mut a, KeyCode::Enter);
    ch(&mut a, '1');
    assert_eq!(a.session.status, passkey_triage::session::Status::Resolved);
    assert_eq!(a.session.continued_from.as_deref(), Some("20261125T140000Z-0001"));
    let screen = screen_text(&mut a, 120, 40);
    assert!(screen.contains("RESOLVED ON THE CALL"), "{screen}");
}

#[test]
fn a_save_failure_shows_and_clears() {
    let mut a = app_with(&[], Options { persists: true, ..opts() });
    ch(&mut a, '1');
    a.update(Msg::Saved(Err("/data/sessions/x.json: cannot write: No space left on device".into())), t1());
    assert_eq!(
        status(&a),
        (
            StatusKind::Warn,
            "Could not save the session: /data/sessions/x.json: cannot write: No space left on device".into()
        )
    );
    assert!(a.would_lose());
    // The failure stays on the status line after other keys clear the message.
    ch(&mut a, 'j');
    assert_eq!(a.status, None);
    let screen = screen_text(&mut a, 80, 24);
    assert!(screen.contains("! Not saved: /data/sessions/x.json: cannot write: No space left"), "{screen}");
    a.update(Msg::Saved(Ok(())), t1());
    assert_eq!(status(&a), (StatusKind::Info, "Saving works again: the session is saved.".into()));
    assert!(!a.would_lose());
}
