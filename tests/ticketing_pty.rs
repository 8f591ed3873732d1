//! Posting from the wizard end to end: the real binary in a pseudo-terminal (parsed by `vt100`)
//! posts to a recording ServiceNow on 127.0.0.1 after the confirmation; the screen, the requests
//! and the session file are checked, and a refused post keeps everything. Screens are polled to a
//! deadline (10 s, 30 s when `CI` is set); nothing is timed.
#![cfg(unix)]

mod pty_support;
mod ticketing_support;

use std::path::{Path, PathBuf};

use pty_support::{DOWN, ENTER, Pty};
use ticketing_support::{Reply, Server, all_files};

const SECRET: &str = "pty-s3cr3t-7c1d";
const SYS_ID: &str = "46d44a5ea9fe198100bbd9ba3b3ca4b5";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The wizard in a 100×30 pty on the fixture runbooks, with a ticketing token and no proxy.
fn spawn(home: &Path, args: &[&str]) -> Pty {
    let mut cmd = pty_support::command();
    cmd.arg("--runbooks");
    cmd.arg(fixtures().join("wizard"));
    cmd.args(args);
    cmd.env("PASSKEY_TRIAGE_CONFIG_DIR", home.join("config"));
    cmd.env("PASSKEY_TRIAGE_DATA_DIR", home.join("data"));
    cmd.env("PASSKEY_TRIAGE_TICKETING_TOKEN", SECRET);
    for v in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(v);
    }
    Pty::spawn(cmd, 30, 100)
}

/// The fixture's escalating outcome: sign-in → same-device → no code shown.
fn walk_to_the_outcome(w: &mut Pty) {
    w.wait_for("Is the user signing in");
    w.send("1");
    w.wait_for("Is the passkey on the device");
    w.send("1");
    w.wait_for("Which error code does the sign-in page show?");
    w.send(DOWN);
    w.send(ENTER);
    w.wait_for("ESCALATE TO TIER 2");
}

fn home_for(server: &Server) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(home.path().join("config")).expect("config");
    std::fs::write(
        home.path().join("config/config.toml"),
        format!("[ticketing]\nsystem = \"servicenow\"\nurl = \"{}\"\n", server.url()),
    )
    .expect("config.toml");
    home
}

/// The one session file in the journal, as JSON.
fn session_json(home: &Path) -> serde_json::Value {
    let dir = home.join("data/sessions");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sessions folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    serde_json::from_slice(&std::fs::read(&files[0]).expect("session file")).expect("json")
}

#[test]
fn p_posts_the_note_to_the_ticket_after_asking() {
    let server = Server::start(vec![
        Reply::json(200, &format!(r#"{{"result":[{{"sys_id":"{SYS_ID}","number":"INC0012345"}}]}}"#)),
        Reply::empty(200),
    ]);
    let home = home_for(&server);
    let mut w = spawn(home.path(), &["--ticket", "INC0012345", "--agent", "Sam"]);
    walk_to_the_outcome(&mut w);
    w.wait_for("p post");
    w.send("p");
    w.wait_for("Post to the ticket?");
    w.wait_for("servicenow ticket INC0012345");
    assert!(server.requests().is_empty(), "nothing is sent before the answer");
    w.send("y");
    w.wait_for("Posted the note to servicenow INC0012345 as an internal note");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].method, "PATCH");
    assert_eq!(reqs[1].target, format!("/api/now/table/incident/{SYS_ID}"));
    assert_eq!(reqs[1].header("authorization"), Some(format!("Bearer {SECRET}").as_str()));
    let note = reqs[1].json()["work_notes"].as_str().unwrap_or_default().to_string();
    assert!(note.contains("INC0012345") && note.contains("Sam"), "{note}");

    // p again says when it went there, and n leaves it at that.
    w.send("p");
    w.wait_for("this posts it again");
    w.send("n");
    w.wait_for("Not posted.");
    // The escalation isn't in the tier-2 queue: quitting asks first.
    w.send("q");
    w.wait_for("hasn't put it");
    w.send("y");
    assert_eq!(w.wait_exit(), 0);

    let s = session_json(home.path());
    assert_eq!(s["posted"].as_array().map(Vec::len), Some(1));
    assert_eq!(s["posted"][0]["system"], "servicenow");
    assert_eq!(s["posted"][0]["ticket"], "INC0012345");
    assert_eq!(server.requests().len(), 2);
    for (path, bytes) in all_files(home.path()) {
        assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "{} holds the secret", path.display());
    }
}

#[test]
fn a_refused_post_keeps_the_call_and_says_why() {
    let server = Server::start(vec![Reply::json(401, r#"{"error":{"message":"User Not Authenticated"}}"#)]);
    let home = home_for(&server);
    let mut w = spawn(home.path(), &["--ticket", "INC0012345"]);
    walk_to_the_outcome(&mut w);
    w.send("p");
    w.wait_for("Post to the ticket?");
    w.send("y");
    // The server's own words follow (the line is cut at the window's width).
    w.wait_for("Not posted to servicenow INC0012345: HTTP 401: the credentials were refused; the server says:");
    // The call goes on: the checklist still ticks.
    w.send(" ");
    w.wait_for("[x] 1.");
    // The escalation isn't in the tier-2 queue: quitting asks first.
    w.send("q");
    w.wait_for("hasn't put it");
    w.send("y");
    assert_eq!(w.wait_exit(), 0);
    let s = session_json(home.path());
    assert!(s.get("posted").is_none(), "{s}");
    assert!(s["checklist"]["done"][0].is_string());
}

/// The wizard posting to a server that answers the search and never the write; returns once the
/// write is on the wire.
fn a_post_that_hangs(home: &tempfile::TempDir) -> (Server, Pty) {
    let server = Server::start(vec![
        Reply::json(200, &format!(r#"{{"result":[{{"sys_id":"{SYS_ID}","number":"INC0012345"}}]}}"#)),
        Reply::hang(),
    ]);
    std::fs::create_dir_all(home.path().join("config")).expect("config");
    std::fs::write(
        home.path().join("config/config.toml"),
        format!("[ticketing]\nsystem = \"servicenow\"\nurl = \"{}\"\ntimeout_seconds = 600\n", server.url()),
    )
    .expect("config.toml");
    let mut w = spawn(home.path(), &["--ticket", "INC0012345"]);
    walk_to_the_outcome(&mut w);
    w.send("p");
    w.wait_for("Post to the ticket?");
    w.send("y");
    w.wait_for("Posting the note to servicenow INC0012345");
    let end = pty_support::deadline();
    while server.requests().len() < 2 && std::time::Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(server.requests().len(), 2, "the write is on the wire");
    (server, w)
}

/// SIGTERM ends the wizard at once (not after the 600 s timeout nor the 120 s a quit waits for a
/// post), the terminal restored, the post said to be abandoned and not recorded.
fn terminate_and_check(w: &mut Pty, home: &Path) {
    let pid = w.pid().expect("pid").to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    assert_eq!(w.wait_exit(), 143);
    w.assert_restored();
    let end = pty_support::deadline();
    let said = |w: &Pty| pty_support::contains(&w.raw(), b"was abandoned: not recorded as posted");
    while !said(w) && std::time::Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    assert!(said(w), "{}", String::from_utf8_lossy(&w.raw()));
    let s = session_json(home);
    assert!(s.get("posted").is_none(), "nothing recorded as posted: {s}");
}

#[test]
fn a_signal_during_a_post_abandons_it_at_once_and_says_so() {
    let home = tempfile::tempdir().expect("tempdir");
    let (_server, mut w) = a_post_that_hangs(&home);
    terminate_and_check(&mut w, home.path());
}

#[test]
fn a_signal_while_quitting_waits_for_a_post_ends_the_wait() {
    let home = tempfile::tempdir().expect("tempdir");
    let (_server, mut w) = a_post_that_hangs(&home);
    // q waits for the post, so that a posted note is recorded; a signal ends that wait.
    w.send("q");
    std::thread::sleep(std::time::Duration::from_millis(300));
    terminate_and_check(&mut w, home.path());
}
