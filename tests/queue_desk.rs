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
        for v in ["PASSKEY_TRIAGE_TICKETING_URL", "PASSKEY_TRIAGE_TICKETING_USER", "PASSKEY_TRIAGE_TICKETING_PASSWORD"]
        {
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
        let world = world.map(|w| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(w));
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
    assert!(
        out.starts_with(&format!("Claimed queued package {escalated} ({} {t1}) for {}", sys.name(), bo.login)),
        "{out}"
    );
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
    // The escalation's note and tier 2's (ServiceNow also records each claim as a work note).
    let notes = t.notes.iter().filter(|n| !n.starts_with("[passkey-triage claim by")).count();
    assert!(t.resolved && notes == 2, "{t:?}");
    assert!(bo.queue_json(false).is_empty());
    let all = bo.queue_json(true);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["state"], "done");
    let err = refused(&cy.run(&["open", &t1, "--print", "--agent", &cy.login]));
    assert!(err.contains("is done"), "{err}");

    // A call fixed on the call, escalated anyway: tier 2 reaches the fix, and that finishes it.
    let fixed = ana.session(&t2, Some("fixtures/fixed-on-the-call.json"));
    ok(&ana.run(&["escalate", &fixed]));
    let out = ok(&cy.run(&["open", &t2, "--print", "--agent", &cy.login]));
    assert!(
        out.contains(&format!("Tier 2 reached an outcome: package {fixed} is done on {} {t2}", sys.name())),
        "{out}"
    );
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

/// Two agents open the same ticket at the same moment, each in its own process: one holds it,
/// never both; the other is refused naming the holder (or told to run open again).
fn race(sys: Sys) {
    let desk = Desk::start(sys, 1, false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let ana = Agent::new(tmp.path(), "ana", &desk, "");
    let t1 = sys.key(0);
    let id = ana.session(&t1, None);
    ok(&ana.run(&["escalate", &id]));
    let agents = [Agent::new(tmp.path(), "bo", &desk, ""), Agent::new(tmp.path(), "cy", &desk, "")];
    let children: Vec<std::process::Child> = agents
        .iter()
        .map(|a| {
            let mut c = a.cmd(&["open", &t1, "--print", "--agent", &a.login]);
            c.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().expect("spawn")
        })
        .collect();
    let outs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().expect("waits")).collect();
    let winners: Vec<usize> = (0..2).filter(|i| outs[*i].status.code() == Some(0)).collect();
    assert!(winners.len() <= 1, "both won: {:?}", outs.iter().map(|o| text(&o.stdout)).collect::<Vec<_>>());
    let holder = desk.ticket(&t1).assignee;
    for (i, o) in outs.iter().enumerate() {
        if winners.contains(&i) {
            let me = if i == 0 { "u-bo" } else { "u-cy" };
            assert_eq!(holder.as_deref(), Some(me), "the winner holds the ticket");
        } else {
            let err = refused(o);
            let named = ["Bo Tier2", "Cy Tier2"].iter().any(|n| err.contains(&format!("is claimed by {n}")));
            assert!(named || err.contains("run open again"), "{err}");
        }
    }
    // Whatever the interleaving, a second round settles it: exactly one holds it.
    let codes: Vec<Option<i32>> =
        agents.iter().map(|a| a.run(&["open", &t1, "--print", "--agent", &a.login]).status.code()).collect();
    assert_eq!(codes.iter().filter(|c| **c == Some(0)).count(), 1, "{codes:?}");
}

#[test]
fn claim_race_servicenow() {
    race(Sys::ServiceNow);
}

#[test]
fn claim_race_jira() {
    race(Sys::Jira);
}

#[test]
fn claim_race_zendesk() {
    race(Sys::Zendesk);
}

/// The connection drops after the desk applied a write (the client never hears): the retried
/// escalate finds the attachment and the note and adds neither again.
#[test]
fn a_retry_after_a_dropped_connection_repeats_nothing() {
    for (sys, write) in [
        (Sys::ServiceNow, "POST /api/now/attachment/file"),
        (Sys::ServiceNow, "PATCH /api/now/table/incident/"),
        (Sys::Jira, "/attachments"),
        (Sys::Jira, "POST /rest/api/3/issue/HELP-100/comment"),
        (Sys::Zendesk, "PUT /api/v2/tickets/4500.json"),
    ] {
        let desk = Desk::start(sys, 1, false);
        let tmp = tempfile::tempdir().expect("tempdir");
        let ana = Agent::new(tmp.path(), "ana", &desk, "");
        let t1 = sys.key(0);
        let id = ana.session(&t1, None);
        desk.with(|s| s.drop_after = Some(write.to_string()));
        let err = refused(&ana.run(&["escalate", &id]));
        assert!(err.contains(&format!("{} {t1}", sys.name())), "{write}: {err}");
        let out = ok(&ana.run(&["escalate", &id]));
        assert!(out.contains("done before, not repeated") || out.starts_with("Already"), "{write}: {out}");
        let t = desk.ticket(&t1);
        assert_eq!((t.files.len(), t.notes.len()), (1, 1), "{write}: {t:?}");
        assert!(ok(&ana.run(&["escalate", &id])).starts_with("Already in the queue"), "{write}");
        // A different package of the same session is not attached beside the first.
        desk.with(|s| s.tickets.values_mut().for_each(|t| t.files[0].bytes.push(b' ')));
        let err = refused(&ana.run(&["escalate", &id]));
        assert!(err.contains("a different package of session") && err.contains("not replaced"), "{err}");
        assert_eq!(desk.ticket(&t1).files.len(), 1);
    }
}

/// Each system's error body reaches the agent, in one line naming the system and ticket.
#[test]
fn error_bodies_reach_the_agent() {
    use ticketing_support::Reply;
    let cases = [
        (
            Sys::ServiceNow,
            "GET /api/now/table/incident",
            Reply::json(
                403,
                r#"{"error":{"message":"User Not Authorized","detail":"Required to provide Auth information"},"status":"failure"}"#,
            ),
            "HTTP 403",
        ),
        (
            Sys::Jira,
            "/attachments",
            Reply::json(
                413,
                r#"{"errorMessages":["The attachment is larger than the maximum size allowed"],"errors":{}}"#,
            ),
            "The attachment is larger than the maximum size allowed",
        ),
        (
            Sys::Zendesk,
            "PUT /api/v2/tickets/4500.json",
            Reply::json(
                422,
                r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"status":[{"description":"Status: closed prevents ticket update"}]}}"#,
            ),
            "Status: closed prevents ticket update",
        ),
        (
            Sys::Zendesk,
            "GET /api/v2/groups.json",
            Reply::json(429, "{}").with_header("Retry-After", "7"),
            "retry after 7",
        ),
    ];
    for (sys, pat, reply, says) in cases {
        let desk = Desk::start(sys, 1, false);
        let tmp = tempfile::tempdir().expect("tempdir");
        let ana = Agent::new(tmp.path(), "ana", &desk, "");
        let t1 = sys.key(0);
        let id = ana.session(&t1, None);
        desk.with(|s| s.fail = Some((pat.to_string(), reply)));
        let err = refused(&ana.run(&["escalate", &id]));
        assert!(err.contains(says) && err.contains(&format!("{} {t1}", sys.name())), "{pat}: {err}");
    }
    // A group that isn't there is named.
    let desk = Desk::start(Sys::ServiceNow, 1, false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let ana = Agent::new(tmp.path(), "ana", &desk, "");
    let cfg = ana.home.join("config/config.toml");
    let text_cfg = std::fs::read_to_string(&cfg).expect("config").replace("Passkey Tier 2", "Nobody");
    std::fs::write(&cfg, text_cfg).expect("config");
    let id = ana.session(&Sys::ServiceNow.key(0), None);
    let err = refused(&ana.run(&["escalate", &id]));
    assert!(err.contains("no group named `Nobody`"), "{err}");
}

/// Escalates tickets 0..n on the emulated desk directly (as tier 1 would have), with one small
/// package each.
fn seed(desk: &Desk, n: usize, package: &[u8]) {
    desk.with(|s| {
        let keys: Vec<String> = s.tickets.keys().take(n).cloned().collect();
        for (i, key) in keys.into_iter().enumerate() {
            s.seq += 1;
            let seq = s.seq;
            let t = s.tickets.get_mut(&key).expect("ticket");
            t.group = Some("g-t2".into());
            t.labels = vec!["Passkey-Tier-2".into()];
            let id = format!("20260120T0900{:02}Z-{i:04x}", i % 60);
            let bytes = String::from_utf8_lossy(package).replace("@@ID@@", &id).replace("@@TICKET@@", &key);
            t.files.push(desk_emulator::File {
                id: format!("{}", 100_000 + seq),
                name: format!("passkey-triage-{id}.json"),
                bytes: bytes.into_bytes(),
                seq,
            });
        }
    });
}

/// A package as tier 1 would attach it, with `@@ID@@` and `@@TICKET@@` to fill in.
fn package_template(root: &Path) -> Vec<u8> {
    let desk = Desk::start(Sys::ServiceNow, 1, false);
    let ana = Agent::new(root, "tpl", &desk, "");
    let id = ana.session(&Sys::ServiceNow.key(0), None);
    ok(&ana.run(&["escalate", &id]));
    let bytes = desk.ticket(&Sys::ServiceNow.key(0)).files[0].bytes.clone();
    String::from_utf8_lossy(&bytes).replace(&id, "@@ID@@").replace(&Sys::ServiceNow.key(0), "@@TICKET@@").into_bytes()
}

/// `queue` pages through the group: ServiceNow by offset, Jira by token, Zendesk by cursor.
#[test]
fn queue_reads_every_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let package = package_template(tmp.path());
    for (sys, paging) in [
        (Sys::ServiceNow, "sysparm_offset=200"),
        (Sys::Jira, "nextPageToken=tok-200"),
        (Sys::Zendesk, "page[after]=c200"),
    ] {
        let desk = Desk::start(sys, 260, false);
        seed(&desk, 250, &package);
        let bo = Agent::new(tmp.path(), &format!("bo-{}", sys.name()), &desk, "");
        let list = bo.queue_json(false);
        assert_eq!(list.len(), 250, "{}", sys.name());
        let started: Vec<&str> = list.iter().map(|e| e["started"].as_str().unwrap_or("")).collect();
        assert!(started.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        let targets: Vec<String> = desk.server.requests().into_iter().map(|r| r.target).collect();
        assert!(
            targets.iter().any(|t| t.contains(paging)),
            "{}: {:?}",
            sys.name(),
            targets.iter().filter(|t| t.contains("search") || t.contains("incident?")).collect::<Vec<_>>()
        );
    }
}

/// 5,000 open tickets in the group: all listed, the process's peak memory bounded.
#[cfg(target_os = "linux")]
#[test]
fn queue_over_5000_tickets_in_bounded_memory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let package = package_template(tmp.path());
    let desk = Desk::start(Sys::Jira, 5000, false);
    seed(&desk, 5000, &package);
    let bo = Agent::new(tmp.path(), "bo", &desk, "");
    let child = bo
        .cmd(&["queue", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // The peak resident set (VmHWM only grows), read until the process is gone.
    let status = format!("/proc/{}/status", child.id());
    let reader = std::thread::spawn(move || {
        let mut peak = 0u64;
        while let Ok(s) = std::fs::read_to_string(&status) {
            if s.contains("State:\tZ") {
                break;
            }
            let hwm = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok());
            peak = peak.max(hwm.unwrap_or(0));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        peak
    });
    let out = child.wait_with_output().expect("waits");
    let max_rss_kib = reader.join().unwrap_or(0);
    let list: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(5000), "{}", text(&out.stderr));
    eprintln!("queue over 5000 tickets: peak RSS {max_rss_kib} KiB, {} bytes of JSON out", out.stdout.len());
    assert!(max_rss_kib < 64 * 1024, "peak {max_rss_kib} KiB");
}

/// With `redact = true` the package and the note that reach the ticket are redacted; a desk
/// queue without its group is refused with what to set.
#[test]
fn the_package_is_redacted_as_config_says() {
    let desk = Desk::start(Sys::ServiceNow, 1, false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let ana = Agent::new(tmp.path(), "ana", &desk, "");
    let cfg = ana.home.join("config/config.toml");
    let body = std::fs::read_to_string(&cfg).expect("config");
    std::fs::write(&cfg, format!("redact = true\n{body}")).expect("config");
    let t1 = Sys::ServiceNow.key(0);
    let id = ana.session(&t1, None);
    let file = ana.home.join(format!("data/sessions/{id}.json"));
    let mut v: Value = serde_json::from_slice(&std::fs::read(&file).expect("session")).expect("json");
    v["user"] = Value::from("ada.lovelace@contoso.com");
    std::fs::write(&file, serde_json::to_vec_pretty(&v).expect("json")).expect("session");
    ok(&ana.run(&["escalate", &id]));
    let t = desk.ticket(&t1);
    let package = String::from_utf8_lossy(&t.files[0].bytes).into_owned();
    assert!(!package.contains("ada.lovelace") && package.contains("contoso.com"), "{package}");
    assert!(t.notes.iter().all(|n| !n.contains("ada.lovelace")), "{:?}", t.notes);

    std::fs::write(&cfg, body.replace("tier2_group = \"Passkey Tier 2\"\n", "")).expect("config");
    let err = refused(&ana.run(&["queue"]));
    assert!(err.contains("needs tier2_group = \"NAME\""), "{err}");
}
