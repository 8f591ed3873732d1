//! The wizard's escalate key: on an escalating outcome, with a tier-2 queue, `t` asks the
//! terminal loop to queue the package (`Effect::Escalate`) and the status line says where.

mod ui_support;

use passkey_triage::config::Config;
use passkey_triage::paths::Paths;
use passkey_triage::session::Status;
use passkey_triage::ui::app::{Effect, Msg, Options};
use passkey_triage::ui::journal_store::JournalStore;
use passkey_triage::ui::store::SessionStore;
use ui_support::*;

fn with_queue() -> Options {
    Options { persists: true, queue: true, ..opts() }
}

fn status(a: &passkey_triage::ui::app::App) -> String {
    a.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

#[test]
fn t_on_an_escalation_queues_it_and_says_where() {
    let mut a = app_with(&[], with_queue());
    to_escalation(&mut a);
    assert_eq!(a.session.status, Status::Escalated);
    let screen = screen_text(&mut a, 100, 30);
    assert!(screen.contains("to tier 2"), "the footer offers it:\n{screen}");
    assert_eq!(ch(&mut a, 't'), vec![Effect::Escalate]);
    let fx = a.update(Msg::Escalated(Ok("Queued for tier 2: /srv/queue/20261125T140000Z-0001.json".into())), t1());
    assert!(fx.is_empty());
    assert!(status(&a).starts_with("Queued for tier 2: /srv/queue/"), "{}", status(&a));
    a.update(Msg::Escalated(Err("/srv/queue: cannot write: read-only".into())), t1());
    assert_eq!(status(&a), "Not queued for tier 2: /srv/queue: cannot write: read-only");
}

#[test]
fn t_does_nothing_without_a_queue_or_an_escalation() {
    // No queue: not offered, not bound.
    let mut a = app_with(&[], Options { persists: true, ..opts() });
    to_escalation(&mut a);
    assert!(!screen_text(&mut a, 100, 30).contains("to tier 2"));
    assert!(!ch(&mut a, 't').contains(&Effect::Escalate));
    // Resolved on the call: nothing to escalate.
    let mut a = app_with(&[], with_queue());
    to_resolved(&mut a);
    assert_eq!(a.session.status, Status::Resolved);
    assert!(!screen_text(&mut a, 100, 30).contains("to tier 2"));
    assert!(!ch(&mut a, 't').contains(&Effect::Escalate));
    // On a question: nothing either.
    let mut a = app_with(&[], with_queue());
    assert!(!ch(&mut a, 't').contains(&Effect::Escalate));
}

#[test]
fn the_journal_store_queues_without_replacing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let paths = Paths { config_dir: tmp.path().join("config"), data_dir: tmp.path().join("data") };
    let config = Config { queue_dir: Some(tmp.path().join("share/q")), ..Config::default() };
    let mut store = JournalStore::with_config(&paths, config);
    assert!(store.queue_available());
    let mut a = app_with(&[], with_queue());
    to_escalation(&mut a);
    let line = store.escalate(&a.session).expect("queued");
    let file = tmp.path().join("share/q").join(format!("{}.json", a.session.id));
    assert!(line.starts_with("Queued for tier 2: ") && line.ends_with(&file.display().to_string()), "{line}");
    let package = std::fs::read_to_string(&file).expect("package");
    assert_eq!(package, passkey_triage::export::json::render(&a.session));
    assert!(store.escalate(&a.session).expect("again").starts_with("Already in the tier-2 queue: "));
    // Tier 1 changed the session after queueing it: the queued package is not replaced.
    a.session.notes = "more".into();
    let e = store.escalate(&a.session).err().unwrap_or_default();
    assert!(e.contains("a different package"), "{e}");
    assert_eq!(std::fs::read_to_string(&file).ok(), Some(package));
    let farewell = store.farewell(&a.session);
    assert!(farewell.iter().any(|l| l.starts_with("Queued for tier 2: ")), "{farewell:?}");
}

/// A usability run, 6 December 2026: an escalation quit with `q` showed "ESCALATE TO TIER 2"
/// and exited, but nothing was queued, so tier 2 never got the call. With a queue set up,
/// quitting an escalation this wizard hasn't queued asks first; once queued, it doesn't.
#[test]
fn quitting_an_escalation_not_queued_asks_first() {
    use passkey_triage::exit;
    use passkey_triage::ui::app::Overlay;
    use passkey_triage::ui::screen::confirm::Confirm;
    let mut a = app_with(&[], with_queue());
    to_escalation(&mut a);
    assert!(a.escalation_not_queued());
    assert_eq!(ch(&mut a, 'q'), vec![]);
    assert_eq!(a.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    let screen = screen_text(&mut a, 80, 24);
    assert!(screen.contains("hasn't put it") && screen.contains("press t to queue it"), "{screen}");
    ch(&mut a, 'n');
    assert_eq!(ch(&mut a, 't'), vec![Effect::Escalate]);
    a.update(Msg::Escalated(Ok("Queued for tier 2: /srv/queue/x.json".into())), t1());
    assert!(!a.escalation_not_queued());
    assert_eq!(ch(&mut a, 'q'), vec![Effect::Persist, Effect::Quit(exit::OK)]);
    // A resolved call, or no queue set up: nothing to ask.
    let mut a = app_with(&[], with_queue());
    to_resolved(&mut a);
    assert!(!a.escalation_not_queued());
    let mut a = app_with(&[], Options { persists: true, ..opts() });
    to_escalation(&mut a);
    assert!(!a.escalation_not_queued());
    assert_eq!(ch(&mut a, 'q'), vec![Effect::Persist, Effect::Quit(exit::OK)]);
}

/// A usability run, 6 December 2026: a call resolved on the call said "8 admin checks left for
/// tier 2". Nothing goes to tier 2 from it: the checks were only not asked.
#[test]
fn a_resolved_call_leaves_nothing_for_tier_2() {
    use passkey_triage::engine::{Provenance, Role, Walk, WalkOptions};
    use passkey_triage::runbook::RunbookSet;
    use passkey_triage::session::Session;
    use passkey_triage::ui::app::App;
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let facts = [
        ("credential.type", "authenticator"),
        ("client.browser", "edge"),
        ("client.os", "windows"),
        ("phone.bluetooth", "off"),
    ];
    let prefill = facts.iter().map(|(k, v)| (k.to_string(), v.to_string(), Provenance::FactsFile));
    let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
    let walk = Walk::start(&set, prefill, options, t0()).expect("walk starts");
    let session = Session::new("20261125T140000Z-0002".into(), call(), &set, walk, t0(), 60);
    let mut a = App::new(set, session, with_queue(), t0());
    a.update(Msg::Tick, t1());
    let before = screen_text(&mut a, 100, 40);
    assert!(before.contains("Turn on the phone's Bluetooth"), "at the step:\n{before}");
    ch(&mut a, '1');
    assert_eq!(a.session.status, Status::Resolved);
    let screen = screen_text(&mut a, 100, 40);
    assert!(!screen.contains("left for tier 2"), "{screen}");
    assert!(screen.contains("admin checks not asked"), "{screen}");
    assert!(!screen.contains("deferred to tier 2"), "{screen}");
}
