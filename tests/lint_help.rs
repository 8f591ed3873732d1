//! A question's help items are linted as remediation is: each text by `empty-text`, each `when` by
//! the condition checks (unknown fact, bad value), at the item's place in the file.

use std::sync::Arc;

use passkey_triage::runbook::lint::{LintScope, lint};
use passkey_triage::runbook::load::{builtin_matrix, builtin_runbooks, parse_json};
use passkey_triage::runbook::{Finding, LoadedRunbook, Origin, Runbook, RunbookSet, SourceFile};
use serde_json::{Value, json};

/// The built-in set with cross-device#q-phone-bt's help replaced by `help`; its findings.
fn lint_with_phone_bt_help(help: Value) -> Vec<Finding> {
    let runbooks: Vec<LoadedRunbook> = builtin_runbooks()
        .into_iter()
        .map(|rb| rb.expect("built-in runbook"))
        .map(|rb| {
            if rb.id() != "cross-device" {
                return rb;
            }
            let mut v: Value = serde_json::from_str(&rb.file.text).expect("json");
            let nodes = v["nodes"].as_array_mut().expect("nodes");
            let q = nodes.iter_mut().find(|n| n["id"] == "q-phone-bt").expect("q-phone-bt");
            q["help"] = help.clone();
            let text = serde_json::to_string_pretty(&v).expect("json");
            let file = Arc::new(SourceFile::new(Origin::File("cross-device.json".into()), text));
            LoadedRunbook::new(parse_json::<Runbook>(&file).expect("still a runbook"), file)
        })
        .collect();
    let (matrix, matrix_file) = builtin_matrix().expect("matrix");
    let set = RunbookSet::new(runbooks, matrix, matrix_file);
    lint(&set, None, LintScope { full_set: true })
}

fn on_phone_bt(findings: &[Finding]) -> Vec<(&'static str, String)> {
    findings
        .iter()
        .filter(|f| f.node.as_deref() == Some("cross-device#q-phone-bt"))
        .map(|f| (f.code, f.message.clone()))
        .collect()
}

#[test]
fn well_formed_help_items_lint_clean() {
    let help = json!([
        {"text": "iPhone: Settings > Bluetooth.", "when": {"fact": "phone.os", "one_of": ["ios", "unknown"]}},
        "Both devices need Bluetooth."
    ]);
    assert_eq!(on_phone_bt(&lint_with_phone_bt_help(help)), []);
}

#[test]
fn help_items_are_checked_like_remediation() {
    let help = json!([
        {"text": "A.", "when": {"fact": "phone.colour", "one_of": ["blue"]}},
        {"text": "B.", "when": {"fact": "phone.os", "one_of": ["blackberry", "unknown"]}},
        {"text": "C.", "when": {"fact": "phone.os", "one_of": ["ios"], "known": true}},
        "  ",
        {"text": ""}
    ]);
    let findings = lint_with_phone_bt_help(help);
    let mine = on_phone_bt(&findings);
    let codes: Vec<&str> = mine.iter().map(|(c, _)| *c).collect();
    for code in ["unknown-fact", "bad-value", "bad-condition"] {
        assert_eq!(codes.iter().filter(|c| **c == code).count(), 1, "{code}: {mine:?}");
    }
    assert_eq!(codes.iter().filter(|c| **c == "empty-text").count(), 2, "{mine:?}");
    // Each finding points at its own item (pretty-printed, every item starts on its own line).
    let mut lines: Vec<Option<usize>> =
        findings.iter().filter(|f| f.node.as_deref() == Some("cross-device#q-phone-bt")).map(|f| f.line).collect();
    lines.sort();
    lines.dedup();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines.iter().all(Option::is_some));
}

#[test]
fn an_empty_help_list_is_empty_text() {
    let mine = on_phone_bt(&lint_with_phone_bt_help(json!([])));
    assert_eq!(mine.iter().map(|(c, _)| *c).collect::<Vec<_>>(), ["empty-text"], "{mine:?}");
}

/// An option's `when` is linted as a help item's, and the `unknown` option is never gated.
#[test]
fn option_conditions_are_checked_and_unknown_is_never_hidden() {
    let runbooks: Vec<LoadedRunbook> = builtin_runbooks()
        .into_iter()
        .map(|rb| rb.expect("built-in runbook"))
        .map(|rb| {
            if rb.id() != "cross-device" {
                return rb;
            }
            let mut v: Value = serde_json::from_str(&rb.file.text).expect("json");
            let nodes = v["nodes"].as_array_mut().expect("nodes");
            let q = nodes.iter_mut().find(|n| n["id"] == "q-phone-bt").expect("q-phone-bt");
            for o in q["options"].as_array_mut().expect("options") {
                o["when"] = if o["value"] == "unknown" {
                    json!({"fact": "phone.os", "one_of": ["ios", "unknown"]})
                } else {
                    json!({"fact": "phone.colour", "one_of": ["blue"]})
                };
            }
            let text = serde_json::to_string_pretty(&v).expect("json");
            let file = Arc::new(SourceFile::new(Origin::File("cross-device.json".into()), text));
            LoadedRunbook::new(parse_json::<Runbook>(&file).expect("still a runbook"), file)
        })
        .collect();
    let (matrix, matrix_file) = builtin_matrix().expect("matrix");
    let set = RunbookSet::new(runbooks, matrix, matrix_file);
    let findings = lint(&set, None, LintScope { full_set: true });
    let codes: Vec<&str> = on_phone_bt(&findings).into_iter().map(|(c, _)| c).collect();
    assert!(codes.contains(&"gated-unknown"), "{codes:?}");
    assert!(codes.contains(&"unknown-fact"), "{codes:?}");
}

/// A misspelt key inside a help item is named, with the node: not serde's "data did not match any
/// variant of untagged enum".
#[test]
fn a_typo_inside_a_help_item_names_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v: Value = serde_json::from_str(include_str!("../runbooks/cross-device.json")).expect("json");
    let nodes = v["nodes"].as_array_mut().expect("nodes");
    let q = nodes.iter_mut().find(|n| n["id"] == "q-phone-bt").expect("q-phone-bt");
    q["help"] = json!([{"text": "A.", "whne": {"fact": "phone.os", "equals": "ios"}}]);
    let path = dir.path().join("cross-device.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).expect("json")).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
        .arg("lint")
        .arg(&path)
        .output()
        .expect("run lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("unknown field `whne`, expected `text` or `when`"), "{stdout}");
    assert!(stdout.contains("cross-device#q-phone-bt"), "{stdout}");
    assert!(!stdout.contains("untagged enum"), "{stdout}");
}

/// A placeholder with a typo (`{phone.os }`) would be shown as written: lint warns and says what
/// it was probably meant to be.
#[test]
fn a_placeholder_typo_is_a_warning_with_the_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v: Value = serde_json::from_str(include_str!("../runbooks/cross-device.json")).expect("json");
    let nodes = v["nodes"].as_array_mut().expect("nodes");
    let o = nodes.iter_mut().find(|n| n["id"] == "o-phone-bt-off").expect("o-phone-bt-off");
    let text = o["remediation"][0]["text"].as_str().expect("text").to_string();
    o["remediation"][0]["text"] = json!(format!("{text} (on {{Phone.OS |their phone}})"));
    let path = dir.path().join("cross-device.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).expect("json")).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
        .arg("lint")
        .arg(&path)
        .output()
        .expect("run lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // A warning alone doesn't fail lint.
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning[placeholder]"), "{stdout}");
    assert!(stdout.contains("did you mean `{phone.os|their phone}`?"), "{stdout}");
}
