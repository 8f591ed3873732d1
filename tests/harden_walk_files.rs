//! A walk read from a file is outside input (a session resumed with `--resume FILE`, a package
//! opened by tier 2): what the runbooks in force don't accept is dropped with a warning, free
//! text is neutralised, and a value longer than a fact may hold is refused, before the engine,
//! the screen or an export sees any of it. Also: facts files and sign-in logs keep to the same
//! per-fact limit.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;
use passkey_triage::paths::Paths;
use passkey_triage::session::accept::{accept_walk, neutralise_walk};
use passkey_triage::session::journal::Journal;
use passkey_triage::vocab::MAX_FACT_VALUE_BYTES;
use serde_json::{Value, json};

fn cmd(home: &Path) -> Command {
    fixture_cli(home)
}

/// The fixture's escalated session as JSON, with hostile entries planted in its walk.
fn hostile_package(home: &Path) -> std::path::PathBuf {
    let set = fixture_set();
    let session = escalated_session(&set);
    let mut v: Value = serde_json::to_value(&session).expect("json");
    let at = v["walk"]["facts"]["user.upn"]["at"].clone();
    let w = &mut v["walk"];
    w["facts"]["phase"] = json!({"value": "sign-in\u{1b}]0;owned\u{7}", "provenance": "asked", "at": at});
    w["facts"]["colour.of.phone"] = json!({"value": "red", "provenance": "asked", "at": at});
    w["facts"]["error.message"] = json!({"value": "It said \u{202e}deliver\u{1b}[2J", "provenance": "asked", "at": at});
    // A set-aside answer that would come back into the facts if its derivation went.
    w["derived"] = json!(["user.upn"]);
    w["shadowed"] =
        json!({"user.upn": {"value": "x".repeat(MAX_FACT_VALUE_BYTES + 1), "provenance": "asked", "at": at}});
    w["previous_answers"] = json!({"phase": "sideways", "nowhere#at-all": "yes"});
    w["resume"] = json!("triage#no-such-node");
    let file = home.join("package.json");
    std::fs::write(&file, serde_json::to_vec(&v).expect("bytes")).expect("write");
    file
}

#[test]
fn a_package_keeps_only_what_the_runbooks_accept_and_says_what_it_dropped() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = hostile_package(home.path());
    let out = cmd(home.path()).args(["open", "--print"]).arg(&file).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("fact dropped: `phase`"), "{err}");
    assert!(err.contains("fact dropped: unknown fact key `colour.of.phone`"), "{err}");
    assert!(err.contains("answer set aside dropped: `user.upn`"), "{err}");
    assert!(err.contains("earlier answer dropped: `phase`: `sideways`"), "{err}");
    assert!(err.contains("control characters in answers were neutralised"), "{err}");
    assert!(passkey_triage::text::is_clean(&err), "{err}");

    let paths = Paths { config_dir: home.path().join("config"), data_dir: home.path().join("data") };
    let (sessions, _) = Journal::open(&paths).list();
    let summary = sessions.iter().find(|s| s.continued_from.is_some()).expect("the tier-2 session");
    let continued = passkey_triage::session::journal::read_session(&summary.file).expect("its file");
    let facts = &continued.walk.facts;
    assert!(!facts.contains_key("colour.of.phone"));
    assert!(facts.get("phase").is_none_or(|f| f.value != "sign-in\u{1b}]0;owned\u{7}"));
    let message = &facts.get("error.message").expect("kept, neutralised").value;
    assert!(passkey_triage::text::is_clean(message) && message.contains("deliver"), "{message:?}");
    assert!(facts.values().all(|f| f.value.len() <= MAX_FACT_VALUE_BYTES));
    assert!(continued.walk.shadowed.is_empty() && continued.walk.resume.is_none());
}

#[test]
fn accepting_a_clean_walk_changes_nothing() {
    let set = fixture_set();
    let session = escalated_session(&set);
    let mut walk = session.walk.clone();
    assert!(!neutralise_walk(&mut walk));
    let accepted = accept_walk(&mut walk, &set);
    assert!(accepted.warnings.is_empty(), "{:?}", accepted.warnings);
    assert!(accepted.path_fits && accepted.facts_dropped == 0);
    assert_eq!(walk, session.walk);
}

#[test]
fn a_facts_file_value_longer_than_a_fact_may_hold_is_bad_input_naming_the_place() {
    let home = tempfile::tempdir().expect("tempdir");
    let facts = home.path().join("facts.json");
    let long = "y".repeat(MAX_FACT_VALUE_BYTES + 1);
    std::fs::write(&facts, format!("{{\"facts\": {{\"error.message\": \"{long}\"}}}}")).expect("write");
    let out = Command::cargo_bin("passkey-triage")
        .expect("binary")
        .env("PASSKEY_TRIAGE_CONFIG_DIR", home.path().join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.path().join("data"))
        .args(["diagnose", "--facts"])
        .arg(&facts)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("facts.json:1:29: `error.message`: a value of 4097 bytes is longer than 4096"), "{err}");
}

#[test]
fn a_sign_in_log_field_longer_than_a_fact_may_hold_is_left_out_with_a_warning() {
    let mut log: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/signin_logs/cases/graph-v1-single-native-app.json").expect("sample"),
    )
    .expect("json");
    fn plant(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "userPrincipalName" {
                        *x = json!(format!("{}@contoso.example", "z".repeat(MAX_FACT_VALUE_BYTES)));
                    } else {
                        plant(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(plant),
            _ => {}
        }
    }
    plant(&mut log);
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("log.json");
    std::fs::write(&file, serde_json::to_vec(&log).expect("bytes")).expect("write");
    let out = Command::cargo_bin("passkey-triage").expect("binary").arg("import").arg(&file).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let facts: Value = serde_json::from_slice(&out.stdout).expect("facts file");
    assert!(facts["facts"].get("user.upn").is_none(), "{facts}");
    assert!(facts["facts"].get("signin.correlation_id").is_some(), "the rest is there: {facts}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("userPrincipalName (4112 bytes) left out: longer than a fact may hold"), "{err}");
    assert_eq!(err.lines().count(), 1, "one short line: {err}");
}

#[test]
fn a_session_resumed_from_a_file_keeps_only_what_the_runbooks_accept() {
    use passkey_triage::cli::WizardArgs;
    use passkey_triage::commands::wizard::prepare_with_set;
    use passkey_triage::config::Config;
    use passkey_triage::ui::JournalStore;

    let home = tempfile::tempdir().expect("tempdir");
    let file = hostile_package(home.path());
    let paths = Paths { config_dir: home.path().join("config"), data_dir: home.path().join("data") };
    let mut store = JournalStore::with_config(&paths, Config::default());
    let args = WizardArgs { resume: Some(file.display().to_string()), ..WizardArgs::default() };
    let app = prepare_with_set(fixture_set(), &args, &mut store).expect("resumed");
    let walk = &app.session.walk;
    assert!(!walk.facts.contains_key("colour.of.phone"));
    assert!(
        walk.facts.values().all(|f| passkey_triage::text::is_clean(&f.value) && f.value.len() <= MAX_FACT_VALUE_BYTES)
    );
    assert!(walk.previous_answers.is_empty() && walk.shadowed.is_empty());
    assert!(walk.resume.as_ref().is_none_or(|n| app.set.node(n).is_some()));
    assert!(app.set.node(walk.position.node()).is_some());
}

#[test]
fn a_package_whose_path_is_not_its_own_is_walked_again_as_tier_2() {
    use passkey_triage::engine::{Position, Provenance};
    use passkey_triage::session::CallInfo;
    use passkey_triage::session::package::continue_session;
    let set = fixture_set();
    let tier1 = escalated_session(&set);
    let question = tier1.walk.path.iter().find(|p| p.fact.is_some()).expect("a question on the path").clone();
    let mut forged = Vec::new();
    // The path says one answer, the facts another.
    let mut s = tier1.clone();
    if let Some(p) = s.walk.path.iter_mut().find(|p| p.node == question.node) {
        p.answer = "\u{1b}[31mRED".into();
    }
    forged.push(s);
    // Finished at a question; waiting at an outcome is the same lie.
    let mut s = tier1.clone();
    s.walk.position = Position::Finished { node: question.node.clone() };
    forged.push(s);
    // Finished at another real outcome, every path entry its node's own.
    let mut s = tier1.clone();
    let elsewhere =
        set.outcome_nodes().find(|o| o != tier1.walk.position.node()).expect("a second outcome in the fixture");
    s.walk.position = Position::Finished { node: elsewhere };
    forged.push(s);
    // Run with tier 1's `diagnose` options: the replay must not inherit them.
    for mut s in forged {
        s.walk.options.assume_unknown = true;
        s.walk.options.skip_steps = true;
        let (opened, warnings) =
            continue_session(&s, &set, at(17, 0, 0), 0, "20260120T170000Z-0e0e".into(), CallInfo::default())
                .expect("opened");
        assert!(warnings.iter().any(|w| w.contains("walked again from its facts as tier 2")), "{warnings:?}");
        let walk = &opened.walk;
        assert!(!walk.options.assume_unknown && !walk.options.skip_steps);
        assert!(walk.facts.values().all(|f| f.provenance != Provenance::AssumedUnknown));
        assert!(walk.path.iter().all(|p| passkey_triage::text::is_clean(&p.answer)));
        assert!(opened.walk.current(&set).is_some(), "stands at a node of its kind");
    }
}
