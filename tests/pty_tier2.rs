//! Hand-off end to end, the real binary in a pseudo-terminal (vt100 parses its output): tier 1
//! classifies a call that needs admin checks (`diagnose --role tier1`, the checks deferred),
//! exports the escalation package, and tier 2 opens it with `open FILE`: the first screen is the
//! first open check, asked of an admin. The screen is polled until a deadline (10 s, 30 s when
//! `CI` is set); no timing assertions.
#![cfg(unix)]

mod pty_support;

use std::path::{Path, PathBuf};

use passkey_triage::runbook::model::Node;
use passkey_triage::runbook::{NodeRef, RunbookSet};
use pty_support::Pty;

const ROWS: u16 = 35;
const COLS: u16 = 120;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary (not in a pty) with the home's config and data folders; its stdout.
fn run(home: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
        .args(args)
        .current_dir(root())
        .env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"))
        .output()
        .expect("run passkey-triage");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The wizard in a 120×35 pty, run from the repository root with the home's folders.
fn spawn(home: &Path, args: &[&str]) -> Pty {
    let mut cmd = pty_support::command();
    cmd.args(args);
    cmd.cwd(root());
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"));
    cmd.env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"));
    Pty::spawn(cmd, ROWS, COLS)
}

/// The start of a text as the screen shows it (prompts wrap; only the first words are sure to
/// stay on one line).
fn head(text: &str) -> String {
    text.chars().take(30).collect()
}

#[test]
fn tier2_opens_an_escalation_package_on_its_first_open_check() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path();
    let set = RunbookSet::builtin().expect("library");

    // Tier 1: a security key the tenant's key restriction refuses (call-23). Tier 1 can't see
    // tenant policy: the admin questions are deferred and the call ends unclassified.
    let tier1_file = home.join("tier1.json");
    let tier1_file = tier1_file.to_str().expect("utf-8 path");
    run(
        home,
        &[
            "diagnose",
            "--facts",
            "tests/scenarios/call-23.json",
            "--role",
            "tier1",
            "--assume-unknown",
            "--ticket",
            "INC-T2",
            "--agent",
            "Sam",
            "--session-out",
            tier1_file,
        ],
    );
    let package = home.join("package.json");
    let package = package.to_str().expect("utf-8 path");
    run(home, &["export", tier1_file, "--format", "json", "--out", package]);
    let pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(package).expect("package")).expect("json");
    assert_eq!(pkg["status"], "escalated");
    assert!(pkg["differential"].as_array().is_some_and(|d| !d.is_empty()), "open checks in the package");
    let tier1_id = pkg["id"].as_str().expect("id").to_string();

    // The first open check: the first question tier 1 deferred.
    let first_deferred = pkg["walk"]["path"]
        .as_array()
        .expect("path")
        .iter()
        .find(|p| p["provenance"] == "deferred")
        .expect("a deferred question");
    let node = NodeRef::parse(first_deferred["node"].as_str().expect("node")).expect("runbook#node");
    let Some(Node::Question(q)) = set.node(&node) else { panic!("{node} is a question") };
    assert!(q.options.iter().any(|o| o.value != "unknown"));

    // Tier 2 opens it: before any key, the screen is that check, asked of an admin.
    let mut t2 = spawn(home, &["open", package, "--agent", "Tia"]);
    let first = t2.wait_for(" Question ");
    assert!(first.contains("Admin check"), "the question is asked of an admin:\n{first}");
    assert!(first.contains(&head(&q.prompt)), "the first open check, {node}:\n{first}");
    assert!(first.contains(&format!("Tier 2 continues {tier1_id}")), "{first}");
    assert!(first.contains("Agent Tia"), "{first}");

    // Tier 2 answers it with the first answer that settles the class, and reaches that outcome.
    let (pick, option) = q
        .options
        .iter()
        .enumerate()
        .find(|(_, o)| matches!(set.node(&NodeRef::resolve(&node.runbook, &o.next)), Some(Node::Outcome(_))))
        .expect("an answer that ends at an outcome");
    let Some(Node::Outcome(outcome)) = set.node(&NodeRef::resolve(&node.runbook, &option.next)) else {
        panic!("{} leads to an outcome", option.value)
    };
    t2.send(&(pick + 1).to_string());
    t2.wait_for(&head(&outcome.title));
    t2.send("q");
    assert_eq!(t2.wait_exit(), 0);

    // The new session continues tier 1's, and the ticket now exports it.
    let exported: serde_json::Value =
        serde_json::from_str(&run(home, &["export", "INC-T2", "--format", "json"])).expect("json");
    assert_eq!(exported["continued_from"], tier1_id.as_str());
    assert_eq!(exported["agent"], "Tia");
    assert_eq!(exported["outcome"]["class"], outcome.class.as_str());
    let fact = &exported["walk"]["facts"][&q.fact];
    assert_eq!(fact["value"], option.value.as_str());
    assert_eq!(fact["provenance"], "asked", "tier 2 asked it");
}
