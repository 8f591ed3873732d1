//! Typed answers match what the runbook knows (issue 21): on the built-in library at 80×24, a
//! typed app name takes the listed app, a message as the caller reads it takes the documented
//! message, a Windows release name is a build, a version no release has is refused in place,
//! and ←, Esc and q on an empty line go back and quit.

mod ui_support;

use chrono::TimeZone;
use passkey_triage::engine::{Provenance, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::session::Session;
use passkey_triage::ui::app::{App, Msg};
use passkey_triage::ui::keymap;
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

fn builtin_app(facts: &[(&str, &str)]) -> App {
    let set = RunbookSet::builtin().expect("built-in library");
    let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).single().expect("time");
    let prefill = facts.iter().map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile));
    let walk = Walk::start(&set, prefill, WalkOptions::default(), t0).expect("walk starts");
    let session = Session::new("20261125T140000Z-0009".into(), call(), &set, walk, t0, 60);
    let mut app = App::new(set, session, opts(), t0);
    app.update(Msg::Tick, t1());
    app.update(Msg::Resize(80, 24), t1());
    app
}

fn node(app: &App) -> String {
    app.session.walk.position.node().node.clone()
}

fn fact(app: &App, k: &str) -> Option<String> {
    app.session.walk.fact(k).map(str::to_string)
}

/// Answers listed questions by value until the walk stands at question `id`.
fn walk_to(app: &mut App, id: &str, answers: &[(&str, &str)]) {
    for _ in 0..20 {
        if node(app) == id {
            return;
        }
        let Some(passkey_triage::engine::Current::Question(_, q)) = app.session.walk.current(&app.set) else {
            panic!("not at a question: {}", node(app));
        };
        let fact = q.fact.clone();
        let value = answers
            .iter()
            .find(|(k, _)| *k == fact)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no answer for {fact} (at {})", node(app)));
        let _ = app.session.walk.answer(&app.set, value, t1());
        let walk = app.session.walk.clone();
        app.walk_screen.sync(&walk, &app.set);
    }
    panic!("never reached {id}; at {}", node(app));
}

const NATIVE_WINDOWS: &[(&str, &str)] = &[
    ("phase", "sign-in"),
    ("client.kind", "native-app"),
    ("client.os", "windows"),
    ("credential.type", "security-key"),
];

/// What the caller answers on the way to "Which app?" (asked in whatever order the value says).
const WINDOWS_APP_ANSWERS: &[(&str, &str)] =
    &[("flow", "same-device"), ("client.os_version", "10.0.22631"), ("credential.transport", "usb")];

#[test]
fn sharepoint_typed_on_the_app_question_is_the_listed_powershell_module() {
    let mut app = builtin_app(NATIVE_WINDOWS);
    walk_to(&mut app, "q-app", WINDOWS_APP_ANSWERS);
    typed(&mut app, "sharepoint");
    let screen = screen_text(&mut app, 80, 24);
    assert!(screen.contains("SharePoint Online PowerShell"), "{screen}");
    assert!(screen.contains("Matches"), "{screen}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "client.app").as_deref(), Some("sharepoint-online-powershell"));
}

#[test]
fn a_long_list_filters_as_you_type_and_a_digit_picks_a_match() {
    let mut app = builtin_app(NATIVE_WINDOWS);
    walk_to(&mut app, "q-app", WINDOWS_APP_ANSWERS);
    typed(&mut app, "powershell");
    let screen = screen_text(&mut app, 80, 24);
    assert!(!screen.contains("1 Outlook"), "{screen}");
    // ↓ leaves the line; 2 is the second match.
    key(&mut app, KeyCode::Down);
    ch(&mut app, '2');
    assert_eq!(fact(&app, "client.app").as_deref(), Some("teams-powershell"));
}

#[test]
fn text_that_matches_nothing_is_kept() {
    let mut app = builtin_app(NATIVE_WINDOWS);
    walk_to(&mut app, "q-app", WINDOWS_APP_ANSWERS);
    typed(&mut app, "zzqx crm");
    let screen = screen_text(&mut app, 80, 24);
    assert!(screen.contains("not recognised"), "{screen}\n{:?}", passkey_triage::ui::screen::walk::shown_now(&app));
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "client.app").as_deref(), Some("zzqx crm"));
    // Marked in the facts view and the ticket's export, not silently taken for an app.
    let lines =
        passkey_triage::ui::screen::facts::fact_lines(&app, 60, &passkey_triage::ui::view::theme::Theme::new(true));
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    assert!(text.iter().any(|l| l.contains("client.app = zzqx crm (not recognised)")), "{text:?}");
    for format in [passkey_triage::export::Format::Markdown, passkey_triage::export::Format::Text] {
        let out = passkey_triage::export::render_with(&app.session, format, Default::default(), Some(&app.set));
        assert!(out.contains("zzqx crm (not recognised)"), "{out}");
    }
    let out = passkey_triage::export::render_with(
        &app.session,
        passkey_triage::export::Format::Text,
        Default::default(),
        Some(&app.set),
    );
    assert!(!out.contains("outlook (not recognised)"), "{out}");
}

#[test]
fn windows_1809_is_build_17763() {
    let mut app = builtin_app(NATIVE_WINDOWS);
    walk_to(
        &mut app,
        "q-os-version",
        &[("flow", "same-device"), ("client.app", "outlook"), ("credential.transport", "usb")],
    );
    typed(&mut app, "1809");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "client.os_version").as_deref(), Some("10.0.17763"));
}

#[test]
fn a_stray_digit_on_a_phone_version_is_refused_with_the_range() {
    // The fixture call: sign-in → cross-device → the phone's version, on an iPhone.
    let mut app = app_with(&[("phone.os", "ios")], opts());
    ch(&mut app, '1');
    ch(&mut app, '2');
    typed(&mut app, "1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "phone.os_version"), None);
    let screen = screen_text(&mut app, 80, 24);
    assert!(screen.contains("iOS 1 doesn't exist: iOS versions run from 9"), "{screen}");
    typed(&mut app, "7.5");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "phone.os_version").as_deref(), Some("17.5"));
}

#[test]
fn left_esc_and_q_on_an_empty_typed_line() {
    let mut app = builtin_app(NATIVE_WINDOWS);
    walk_to(
        &mut app,
        "q-os-version",
        &[("flow", "same-device"), ("client.app", "outlook"), ("credential.transport", "usb")],
    );
    let hints = keymap::hints(&app.key_context());
    assert!(hints.contains(&("←", "back")) && hints.contains(&("q", "quit")), "{hints:?}");
    let before = node(&app);
    key(&mut app, KeyCode::Left);
    assert_ne!(node(&app), before, "← on an empty line goes back");
    walk_to(
        &mut app,
        "q-os-version",
        &[("flow", "same-device"), ("client.app", "outlook"), ("credential.transport", "usb")],
    );
    key(&mut app, KeyCode::Esc);
    assert_ne!(node(&app), "q-os-version", "Esc on an empty line goes back");
    walk_to(
        &mut app,
        "q-os-version",
        &[("flow", "same-device"), ("client.app", "outlook"), ("credential.transport", "usb")],
    );
    // With text, ← moves the cursor and q types.
    typed(&mut app, "1q");
    key(&mut app, KeyCode::Left);
    assert_eq!(node(&app), "q-os-version");
    assert_eq!(app.walk_screen.entry.text(), "1q");
    // On an empty line, q quits.
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    let fx = ch(&mut app, 'q');
    assert!(
        fx.iter().any(|e| matches!(e, passkey_triage::ui::app::Effect::Quit(_)))
            || matches!(app.overlay, Some(passkey_triage::ui::app::Overlay::Confirm(_))),
        "{fx:?}"
    );
}

/// The message as the caller reads it takes the listed "already exists" answer (which the
/// runbook reads as an orphaned passkey); a documented message not listed is offered from the
/// catalog, marked as such, and answers with its canonical text.
#[test]
fn a_message_as_the_caller_reads_it_takes_the_documented_one() {
    use passkey_triage::runbook::NodeRef;
    use passkey_triage::runbook::model::Node;
    use passkey_triage::ui::screen::walk::answers::shown;
    let app = builtin_app(&[]);
    let Some(Node::Question(q)) = app.set.node(&NodeRef::new("credential-state", "q-error-message")) else {
        panic!("the built-in error.message question");
    };
    let best = shown(&app.set, &app.session.walk, q, "A passkey already exists for this account");
    assert_eq!(best.first().map(|a| (a.value.as_str(), a.matched)), Some(("already exists", true)), "{best:?}");
    let best = shown(&app.set, &app.session.walk, q, "device used during the authentication");
    let first = best.first().expect("a catalog match");
    assert!(first.catalog && first.label.contains("documented message"), "{best:?}");
    assert_eq!(first.value, "Device used during the authentication is disabled.");
    assert!(shown(&app.set, &app.session.walk, q, "the printer is on fire").is_empty());
}

/// Answers, help lines that the known facts rule out are not shown (issue 21 "options that fit
/// the call"): no Windows Hello passkey on an iPhone, no iPhone hint at the Windows sign-in
/// screen, no dsregcmd join check once the join is known, no sign-in wording in a registration.
#[test]
fn answers_and_help_that_the_facts_rule_out_are_not_shown() {
    use passkey_triage::runbook::NodeRef;
    use passkey_triage::runbook::model::Node;
    use passkey_triage::ui::screen::walk::answers::shown;
    let question = |app: &App, rb: &str, id: &str| match app.set.node(&NodeRef::new(rb, id)) {
        Some(Node::Question(q)) => q.clone(),
        _ => panic!("{rb}#{id}"),
    };
    let help = |app: &App, q: &passkey_triage::runbook::model::Question| {
        let lookup = app.session.walk.lookup();
        passkey_triage::engine::outcome::help_texts(&q.help, &lookup, &app.set.matrix).join(" | ")
    };
    let labels =
        |app: &App, q| shown(&app.set, &app.session.walk, q, "").into_iter().map(|a| a.label).collect::<Vec<_>>();

    let q = question(&builtin_app(&[]), "cross-device", "q-type");
    assert!(labels(&builtin_app(&[]), &q).iter().any(|l| l.contains("Windows Hello")));
    let iphone = builtin_app(&[("client.os", "ios")]);
    assert!(!labels(&iphone, &q).iter().any(|l| l.contains("Windows Hello")), "{:?}", labels(&iphone, &q));

    let q = question(&builtin_app(&[]), "picker", "q-choice");
    assert!(help(&builtin_app(&[("phone.os", "ios")]), &q).contains("On an iPhone or Mac"));
    let lock_screen = builtin_app(&[("phone.os", "ios"), ("client.kind", "device-sign-in"), ("client.os", "windows")]);
    assert!(!help(&lock_screen, &q).contains("iPhone"), "{}", help(&lock_screen, &q));

    let q = question(&builtin_app(&[]), "escalation", "q-dsreg");
    assert!(help(&builtin_app(&[]), &q).contains("AzureAdJoined"));
    let joined = builtin_app(&[("device.join_type", "hybrid-joined"), ("client.os", "windows")]);
    assert!(!help(&joined, &q).contains("AzureAdJoined"), "{}", help(&joined, &q));

    let q = question(&builtin_app(&[]), "credential-state", "q-error-message");
    let registering = builtin_app(&[("phase", "registration")]);
    assert!(!help(&registering, &q).contains("sign-in"), "{}", help(&registering, &q));
    assert!(!help(&builtin_app(&[]), &q).contains("unverified"), "source notes belong in the sources");
}

/// The question title counts the questions asked on the call, not the facts a file gave.
#[test]
fn the_question_number_counts_questions_asked() {
    let mut app = builtin_app(NATIVE_WINDOWS);
    walk_to(&mut app, "q-app", WINDOWS_APP_ANSWERS);
    let screen = screen_text(&mut app, 80, 24);
    let asked = app.session.walk.path.iter().filter(|p| p.provenance == Provenance::Asked).count();
    assert!(screen.contains(&format!("Question {} · Ask the caller", asked + 1)), "{asked}\n{screen}");
}

/// Read-aloud text is for the caller (issue 21): an iCloud Keychain caller who picked the wrong
/// passkey isn't told to pick the Authenticator entry, source remarks sit with the sources, and
/// sources are numbered as the steps cite them.
#[test]
fn read_aloud_text_is_for_the_caller() {
    let mut app = builtin_app(&[
        ("phase", "sign-in"),
        ("flow", "same-device"),
        ("client.kind", "browser"),
        ("client.os", "macos"),
        ("client.os_version", "14.4"),
        ("client.browser", "safari"),
        ("client.browser_version", "17.4"),
        ("credential.type", "synced"),
        ("credential.provider", "icloud-keychain"),
        ("picker.choice", "personal"),
        ("device.passkey_offered", "yes"),
        ("entra.passkey_registered", "yes"),
        ("error.code", "unknown"),
        // Tier 2 resolves the tenant policy before the picker (contract §9.1).
        ("policy.passkey_method", "enabled-for-user"),
        ("account.situation", "normal"),
        ("policy.passkey_type_allowed", "yes"),
        ("policy.aaguid_allowed", "yes"),
        ("policy.attestation_enforced", "no"),
        ("ca.auth_strength", "satisfied"),
    ]);
    assert_eq!(node(&app), "s-pick-work", "the walk stands at the chooser step");
    let step = screen_text(&mut app, 80, 40);
    let (aloud, _) = step.split_once("What happened?").expect("the results");
    assert!(!aloud.contains("unverified") && !aloud.contains("commissioning"), "{step}");
    let (_, remarks) = step.split_once("About the sources").expect("the step's source remark is set apart");
    assert!(remarks.contains("commissioning article's advice (unverified)"), "{step}");
    // "Couldn't try it now": the outcome.
    let results = app.items();
    ch(&mut app, char::from_digit(results as u32, 10).expect("a digit"));
    assert!(app.session.walk.outcome(&app.set).is_some(), "{}", node(&app));
    let screen = screen_text(&mut app, 100, 60);
    let (steps, sources) = screen.split_once("Sources").expect("a sources section");
    assert!(!steps.contains("Microsoft Authenticator entry"), "{screen}");
    assert!(!steps.contains("unverified"), "{screen}");
    // Cited by the runbook's own id, as the ticket notes cite it.
    let cited = format!("[{}]", app.session.outcome.as_ref().expect("an outcome").remediation[0].source);
    assert!(steps.contains(&cited), "{cited}: {screen}");
    assert!(sources.contains(&cited) && sources.contains("unverified"), "{cited}: {screen}");
}

/// A call resolved on the call lists no open differential ("What would change this").
#[test]
fn a_resolved_call_lists_no_open_differential() {
    let mut app = app();
    to_resolved(&mut app);
    app.session.differential = vec![passkey_triage::engine::differential::Alternative {
        fact: "phone.bluetooth".into(),
        value: "off".into(),
        class: "cross-device.phone-bluetooth-off".into(),
        outcome: "triage#o-bt".into(),
    }];
    let screen = screen_text(&mut app, 80, 40);
    assert!(screen.contains("RESOLVED ON THE CALL"), "{screen}");
    assert!(!screen.contains("What would change this"), "{screen}");
}

/// A typo still finds the listed app; a word two apps share takes the first listed.
#[test]
fn fuzzy_matches_forgive_a_typo() {
    use passkey_triage::runbook::NodeRef;
    use passkey_triage::runbook::model::Node;
    use passkey_triage::ui::screen::walk::answers::shown;
    let app = builtin_app(&[]);
    let Some(Node::Question(q)) = app.set.node(&NodeRef::new("client-support", "q-app")) else { panic!("q-app") };
    let first = |typed: &str| shown(&app.set, &app.session.walk, q, typed).first().map(|a| a.value.clone());
    assert_eq!(first("sharpoint").as_deref(), Some("sharepoint-online-powershell"));
    assert_eq!(first("SHAREPOINT").as_deref(), Some("sharepoint-online-powershell"));
    assert_eq!(first("Teams").as_deref(), Some("teams"));
    assert_eq!(first("graph").as_deref(), Some("graph-powershell"));
    assert_eq!(first("Microsoft Outlook").as_deref(), Some("outlook"));
}

/// A new tier-1 call on the built-in library, drawn at 80×24, asking in the tree's order
/// (`ask_all`): these tests follow one path through the entry runbook, whatever the value order.
fn fresh_tier1_call(id: &str) -> App {
    let set = RunbookSet::builtin().expect("built-in library");
    let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).single().expect("time");
    let walk = Walk::start(
        &set,
        [],
        WalkOptions { role: passkey_triage::engine::Role::Tier1, ask_all: true, ..WalkOptions::default() },
        t0,
    )
    .expect("walk starts");
    let session = Session::new(id.into(), call(), &set, walk, t0, 60);
    let mut app = App::new(set, session, opts(), t0);
    app.update(Msg::Tick, t1());
    app.update(Msg::Resize(80, 24), t1());
    app
}

/// A derivation that changes a fact the walk has read re-walks from the entry (contract §9.1):
/// the caller couldn't tell the passkey type nor the flow, then says it is a key plugged in by
/// USB: a security key, so the same device. Answered with keys as the agent does, the wizard goes
/// on (it used to panic on the shorter path) into the client checks, and the question number
/// still counts what was asked.
#[test]
fn a_derivation_that_rewalks_the_path_keeps_the_call_going() {
    let mut app = fresh_tier1_call("20261125T140000Z-0010");
    // Can't tell (type), Edge, Windows, can't tell (flow), no QR code / can't tell, USB key.
    for (at, digit) in [
        ("q-credential-type", '5'),
        ("q-browser-first", '1'),
        ("q-client-os", '1'),
        ("q-flow", '3'),
        ("q-qr-seen", '5'),
        ("q-key-seen", '1'),
    ] {
        assert_eq!(node(&app), at);
        key(&mut app, KeyCode::Char(digit));
    }
    assert_eq!(fact(&app, "credential.type").as_deref(), Some("security-key"), "derived from the transport");
    assert_eq!(fact(&app, "flow").as_deref(), Some("same-device"), "derived from the passkey type");
    assert_eq!(node(&app), "q-phase", "the client checks ask sign-in or registration next");
    let screen = screen_text(&mut app, 80, 24);
    assert!(screen.contains("Question 7 · Ask the caller"), "{screen}");
}

/// After a derivation re-walked the path, back takes back the answer given last (the key's USB),
/// not the last answer the re-walked path shows (the OS): the agent is back at the key question
/// with USB as the default, and the "can't tell"s the derivation had settled are back.
#[test]
fn back_after_a_rewalk_takes_back_the_answer_given_last() {
    let mut app = fresh_tier1_call("20261125T140000Z-0011");
    for digit in ['5', '1', '1', '3', '5', '1'] {
        key(&mut app, KeyCode::Char(digit));
    }
    assert_eq!(node(&app), "q-phase");
    assert_eq!(fact(&app, "flow").as_deref(), Some("same-device"));
    key(&mut app, KeyCode::Left);
    assert_eq!(node(&app), "q-key-seen", "back to the question answered last");
    assert_eq!(fact(&app, "credential.transport"), None);
    assert_eq!(fact(&app, "credential.type").as_deref(), Some("unknown"), "the caller's can't tell is back");
    assert_eq!(fact(&app, "flow").as_deref(), Some("unknown"));
    assert_eq!(fact(&app, "client.os").as_deref(), Some("windows"), "the other answers are kept");
    // Back again goes on backwards through what was asked: the QR code question.
    key(&mut app, KeyCode::Left);
    assert_eq!(node(&app), "q-qr-seen");
}

/// The code line takes codes (issue 17's usability run): `abc` is not a scattered match for
/// "AADSTS53003: blocked by Conditional Access", `AADSTS` alone is no code, `5300` is code 5300
/// and not 53003; a part of a listed answer's words still picks it.
#[test]
fn the_code_line_takes_codes_not_scattered_matches() {
    let healthy: &[(&str, &str)] = &[
        ("phase", "sign-in"),
        ("flow", "cross-device"),
        ("client.kind", "browser"),
        ("client.os", "windows"),
        ("client.os_version", "10.0.22631"),
        ("client.browser", "edge"),
        ("client.browser_version", "124.0.2478.80"),
        ("credential.type", "authenticator"),
        ("phone.os", "ios"),
        ("phone.os_version", "17.5"),
        ("phone.bluetooth", "on"),
        ("desktop.bluetooth", "available"),
        ("phone.internet", "yes"),
        ("desktop.internet", "yes"),
        ("qr.scan", "ok"),
        ("device.passkey_offered", "yes"),
        ("entra.passkey_registered", "yes"),
        ("authenticator.signed_in", "yes"),
        ("authenticator.provider_enabled", "yes"),
        ("picker.choice", "work"),
        ("policy.passkey_method", "enabled-for-user"),
        ("policy.passkey_type_allowed", "yes"),
        ("policy.aaguid_allowed", "yes"),
        ("policy.attestation_enforced", "no"),
        ("ca.auth_strength", "satisfied"),
        ("network.hybrid_endpoints", "reachable"),
    ];
    let at_code = || {
        let mut app = builtin_app(healthy);
        walk_to(
            &mut app,
            "start",
            &[
                ("phone.unlock_changed", "no"),
                ("policy.profile_types", "unknown"),
                ("account.situation", "unknown"),
                ("error.message", "unknown"),
            ],
        );
        assert_eq!(app.session.walk.position.node().runbook, "escalation");
        app
    };
    for refused in ["abc", "AADSTS", "aads"] {
        let mut app = at_code();
        typed(&mut app, refused);
        key(&mut app, KeyCode::Enter);
        assert_eq!(fact(&app, "error.code"), None, "{refused}");
        let screen = screen_text(&mut app, 80, 24);
        assert!(screen.contains("is not an AADSTS code"), "{refused}: {screen}");
    }
    let mut app = at_code();
    typed(&mut app, "5300");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "error.code").as_deref(), Some("5300"));
    let mut app = at_code();
    typed(&mut app, "AADSTS53003");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "error.code").as_deref(), Some("53003"));
    let mut app = at_code();
    typed(&mut app, "conditional access");
    key(&mut app, KeyCode::Enter);
    assert_eq!(fact(&app, "error.code").as_deref(), Some("53003"));
}
