//! The tier-2 queue on the help desk (`[queue] backend = "ticketing"`), against an emulated
//! ServiceNow, Jira and Zendesk (tests/desk_emulator, on the recording servers of
//! tests/ticketing_support): tier 1 escalates, tier 2 finds it with `queue`, one of two agents
//! claims it (the other is refused, naming the first), and it is completed; a retry (after a
//! dropped connection too) repeats nothing; pages; each system's error bodies; TLS.

mod desk_emulator;
mod ticketing_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use desk_emulator::{Desk, Sys};
use serde_json::Value;
use ticketing_support::fixture_tls;

const TOKEN: &str = "t0k-queue-5ecret";

/// One agent's machine, talking to `desk`.
struct Agent {
    home: PathBuf,
    /// The name --agent gives for this system.
    login: String,
}

fn login(sys: Sys, who: &str) -> String {
    match sys {
        Sys::ServiceNow => who.to_string(),
        _ => format!("{who}@example.com"),
    }
}

impl Agent {
    fn new(root: &Path, who: &str, desk: &Desk, extra: &str) -> Self {
        let home = root.join(who);
        std::fs::create_dir_all(home.join("config")).expect("config folder");
        let ca = if desk.url().starts_with("https") {
            format!("ca_file = \"{}\"\n", fixture_tls("ca.pem").display())
        } else {
            String::new()
        };
        let config = format!(
            "agent = \"{who}\"\n[ticketing]\nsystem = \"{}\"\nurl = \"{}\"\nuser = \"svc@example.com\"\n{ca}\
             [queue]\nbackend = \"ticketing\"\ntier2_group = \"Passkey Tier 2\"\n{extra}",
            desk.sys.name(),
            desk.url()
        );
        std::fs::write(home.join("config/config.toml"), config).expect("config.toml");
        Self { home, login: login(desk.sys, who) }
    }

    fn cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"));
        c.args(args)
            .env("PASSKEY_TRIAGE_CONFIG_DIR", self.home.join("config"))
            .env("PASSKEY_TRIAGE_DATA_DIR", self.home.join("data"))
            .env("PASSKEY_TRIAGE_TICKETING_TOKEN", TOKEN);
        for v in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            c.env_remove(v);
        }
        for v in ["PASSKEY_TRIAGE_TICKETING_URL", "PASSKEY_TRIAGE_TICKETING_USER", "PASSKEY_TRIAGE_TICKETING_PASSWORD"] {
            c.env_remove(v);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("runs")
    }

    /// A tier-1 session on `ticket` from `diagnose` (escalating unless `world` is a fixable
    /// one), journaled as the wizard would; its id.
    fn session(&self, ticket: &str, world: Option<&str>) -> String {
        let dir = self.home.join("data/sessions");
        std::fs::create_dir_all(&dir).expect("sessions folder");
        let file = dir.join("new.json");
        let file_s = file.to_string_lossy().into_owned();
        let world = world.map(|w| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(w));
        let mut args = vec!["diagnose".to_string(), "--facts".into()];
        match &world {
            Some(w) => args.push(w.to_string_lossy().into_owned()),
            None => args.extend(["-".to_string(), "--assume-unknown".into()]),
        }
        args.extend(["--ticket".into(), ticket.into(), "--session-out".into(), file_s]);
        let mut c = self.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>());
        c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = c.spawn().expect("spawn");
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(br#"{"facts": {"phase": "sign-in"}}"#);
        }
        let out = child.wait_with_output().expect("runs");
        assert!(matches!(out.status.code(), Some(0 | 3)), "{}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&std::fs::read(&file).expect("session")).expect("json");
        let id = v["id"].as_str().expect("id").to_string();
        std::fs::rename(&file, dir.join(format!("{id}.json"))).expect("rename");
        id
    }

    fn queue_json(&self, all: bool) -> Vec<Value> {
        let mut args = vec!["queue", "--format", "json"];
        if all {
            args.push("--all");
        }
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("json").as_array().cloned().unwrap_or_default()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stdout: {}\nstderr: {}", text(&out.stdout), text(&out.stderr));
    assert!(!text(&out.stdout).contains(TOKEN) && !text(&out.stderr).contains(TOKEN));
    text(&out.stdout)
}

fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "stdout: {}\nstderr: {}", text(&out.stdout), text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains(TOKEN));
    err
}

/// The whole round on one system: escalate (and again), queue, two agents claim, the first
/// works it to the end, the other is refused; a fixed call finishes itself.
fn round(sys: Sys, tls: bool) {
    let desk = Desk::start(sys, 3, tls);
    let tmp = tempfile::tempdir().expect("tempdir");
    let release = "release = \"resolve\"\n";
    let ana = Agent::new(tmp.path(), "ana", &desk, release);
    let bo = Agent::new(tmp.path(), "bo", &desk, release);
    let cy = Agent::new(tmp.path(), "cy", &desk, release);
    let (t1, t2) = (sys.key(0), sys.key(1));
    let escalated = ana.session(&t1, None);

    // Tier 1 escalates: package attached, note posted, ticket to the tier-2 group.
    let out = ok(&ana.run(&["escalate", &escalated]));
    assert!(out.starts_with(&format!("Queued session {escalated} (ticket {t1})")), "{out}");
    assert!(out.contains(&format!("{} {t1}, group Passkey Tier 2", sys.name())), "{out}");
    let t = desk.ticket(&t1);
    let package = format!("passkey-triage-{escalated}.json");
    assert_eq!(t.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), vec![package.as_str()]);
    assert_eq!(t.notes.len(), 1, "{:?}", t.notes);
    assert!(t.notes[0].contains(&format!("[passkey-triage escalation {escalated}]")));
    let in_group = match sys {
        Sys::Jira => t.labels == vec!["Passkey-Tier-2".to_string()],
        _ => t.group.as_deref() == Some("g-t2"),
    };
    assert!(in_group && t.assignee.is_none(), "{t:?}");
    let exported: Value = serde_json::from_slice(&t.files[0].bytes).expect("the package is JSON");
    assert_eq!(exported["id"], escalated.as_str());

    // Again: nothing repeated, and it says so.
    let out = ok(&ana.run(&["escalate", &escalated]));
    assert!(out.starts_with("Already in the queue"), "{out}");
    let again = desk.ticket(&t1);
    assert_eq!((again.files.len(), again.notes.len()), (1, 1));

    // Tier 2 lists it, with the folder queue's JSON shape.
    let list = bo.queue_json(false);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["id"], escalated.as_str());
    assert_eq!(list[0]["ticket"], t1.as_str());
    assert_eq!(list[0]["state"], "waiting");
    assert!(list[0]["open_checks"].is_array() && list[0]["claimed_by"].is_null());
    assert_eq!(list[0]["file"], format!("{} {t1}: {package}", sys.name()));

    // Bo claims it; Cy is refused, naming Bo; Bo again holds it already.
    let out = ok(&bo.run(&["open", &t1, "--print", "--agent", &bo.login]));
    assert!(out.starts_with(&format!("Claimed queued package {escalated} ({} {t1}) for {}", sys.name(), bo.login)), "{out}");
    assert!(out.contains("The package") && out.contains("stays claimed"), "{out}");
    assert_eq!(desk.ticket(&t1).assignee.as_deref(), Some("u-bo"));
    let err = refused(&cy.run(&["open", &t1, "--print", "--agent", &cy.login]));
    assert!(err.contains(&format!("{t1} is claimed by Bo Tier2")) && err.contains("--take-over"), "{err}");
    let err = refused(&cy.run(&["queue", "done", &t1, "--agent", &cy.login]));
    assert!(err.contains("is claimed by Bo Tier2"), "{err}");
    let out = ok(&bo.run(&["open", &t1, "--print", "--agent", &bo.login]));
    assert!(out.contains("is claimed by you"), "{out}");
    let list = cy.queue_json(false);
    assert_eq!((list[0]["state"].as_str(), list[0]["claimed_by"].as_str()), (Some("claimed"), Some("Bo Tier2")));

    // Bo says it is done: his tier-2 session goes beside the package, a note, resolved.
    let out = ok(&bo.run(&["queue", "done", &t1, "--agent", &bo.login]));
    assert!(out.starts_with(&format!("Package {escalated} is done: {} {t1}", sys.name())), "{out}");
    let t = desk.ticket(&t1);
    assert!(t.files.iter().any(|f| f.name == format!("passkey-triage-{escalated}.tier2.json")), "{t:?}");
    assert!(t.resolved && t.notes.len() == 2, "{t:?}");
    assert!(bo.queue_json(false).is_empty());
    let all = bo.queue_json(true);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["state"], "done");
    let err = refused(&cy.run(&["open", &t1, "--print", "--agent", &cy.login]));
    assert!(err.contains("is done"), "{err}");

    // A call fixed on the call, escalated anyway: tier 2 reaches the fix, and that finishes it.
    let fixed = ana.session(&t2, Some("authenticator.signed-out-1.json"));
    ok(&ana.run(&["escalate", &fixed]));
    let out = ok(&cy.run(&["open", &t2, "--print", "--agent", &cy.login]));
    assert!(out.contains(&format!("Tier 2 reached an outcome: package {fixed} is done on {} {t2}", sys.name())), "{out}");
    let t = desk.ticket(&t2);
    assert!(t.files.iter().any(|f| f.name == format!("passkey-triage-{fixed}.tier2.json")) && t.resolved, "{t:?}");
    let all = ana.queue_json(true);
    let row = all.iter().find(|e| e["id"] == fixed.as_str()).expect("listed with --all");
    assert!(row["tier2_class"].is_string(), "{row}");
    // No request carried the token anywhere but in its header.
    for r in desk.server.requests() {
        assert!(!r.target.contains(TOKEN) && !String::from_utf8_lossy(&r.body).contains(TOKEN));
    }
}

#[test]
fn servicenow_round() {
    round(Sys::ServiceNow, false);
}

#[test]
fn jira_round() {
    round(Sys::Jira, false);
}

#[test]
fn zendesk_round_over_tls() {
    round(Sys::Zendesk, true);
}
