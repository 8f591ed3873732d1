//! Generated sessions for the report's tests and benchmarks: deterministic (session `i` is
//! always the same), varied (OS, browser, app, passkey type, flow, class, status, questions,
//! duration), and the size of real ones (facts, path, outcome with remediation, sources,
//! notes). Not used by the tool itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::engine::{FactEntry, PathEntry, Position, Provenance, StepKind, Walk, WalkOptions};
use crate::runbook::NodeRef;
use crate::session::{
    Checklist, CitedSource, OutcomeInfo, RemedyInfo, RunbookInfo, RunbookSetInfo, SESSION_FORMAT, Session, Status,
};

const OSES: [&str; 6] = ["windows", "macos", "ios", "android", "linux", "chromeos"];
const BROWSERS: [&str; 5] = ["edge", "chrome", "safari", "firefox", "other"];
const APPS: [&str; 4] = ["outlook", "teams", "onedrive", "custom"];
const CREDENTIALS: [&str; 4] = ["authenticator", "security-key", "synced", "windows-hello"];
const FLOWS: [&str; 3] = ["same-device", "cross-device", "unknown"];
/// Class, escalates, resolved on the call.
const CLASSES: [(&str, bool, bool); 8] = [
    ("cross-device.phone-bluetooth-off", false, true),
    ("authenticator.signed-out", false, true),
    ("unsupported-client.browser", false, false),
    ("policy.method-not-enabled", true, false),
    ("policy.conditional-access", true, false),
    ("orphaned-passkey", false, true),
    ("picker.wrong-passkey", false, true),
    ("unclassified", true, false),
];

/// splitmix64: a good spread from consecutive numbers.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn pick<T: Copy>(items: &[T], h: u64) -> T {
    items[(h % items.len() as u64) as usize]
}

/// When the first generated session starts: Monday 2026-01-05 08:00 UTC. Session `i` starts
/// `i` × 10 minutes later.
pub fn first_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).single().unwrap_or_default()
}

/// Session number `i`.
pub fn session(i: u64) -> Session {
    let h = mix(i);
    let started = first_start() + Duration::minutes(10 * i64::try_from(i).unwrap_or(i64::MAX / 20));
    let id = format!("{}-{:04x}", started.format("%Y%m%dT%H%M%SZ"), i & 0xffff);
    let os = pick(&OSES, h);
    let native = (h >> 8).is_multiple_of(4);
    let credential = pick(&CREDENTIALS, h >> 12);
    let flow = pick(&FLOWS, h >> 16);
    let (class, escalate, resolved) = pick(&CLASSES, h >> 20);
    let open = (h >> 24).is_multiple_of(10);
    let questions = 3 + (h >> 28) % 9;
    let duration = 60 + (h >> 32) % 1200;

    let mut facts: Vec<(&str, String)> = vec![
        ("phase", "sign-in".into()),
        ("client.kind", if native { "native-app" } else { "browser" }.into()),
        ("client.os", os.into()),
        ("credential.type", credential.into()),
        ("flow", flow.into()),
    ];
    if native {
        facts.push(("client.app", pick(&APPS, h >> 36).into()));
    } else {
        facts.push(("client.browser", pick(&BROWSERS, h >> 36).into()));
    }
    // Beyond what is counted: more answers, some from the agent, some `unknown`.
    let extra = ["phone.bluetooth", "desktop.bluetooth", "qr.scan", "authenticator.signed_in", "picker.choice"];
    for (k, key) in extra.iter().enumerate().take(usize::try_from(questions).unwrap_or(0).saturating_sub(3)) {
        facts.push((key, if (h >> (40 + k)) & 1 == 0 { "unknown" } else { "yes" }.into()));
    }
    facts.push(("entra.passkey_registered", "yes".into()));

    let step = Duration::seconds(i64::try_from(duration).unwrap_or(60) / (facts.len() as i64 + 1));
    let mut at = started;
    let mut walk_facts = BTreeMap::new();
    let mut path = Vec::new();
    for (n, (key, value)) in facts.iter().enumerate() {
        at += step;
        walk_facts.insert(
            (*key).to_string(),
            FactEntry { value: value.clone(), provenance: Provenance::Asked, at, via: None },
        );
        path.push(PathEntry {
            node: NodeRef::new("triage", format!("q-{n}-{key}")),
            kind: StepKind::Question,
            fact: Some((*key).to_string()),
            answer: value.clone(),
            provenance: Provenance::Asked,
            at,
            from: None,
        });
    }
    let outcome_node = NodeRef::new("triage", format!("o-{class}"));
    let ended = started + Duration::seconds(i64::try_from(duration).unwrap_or(60));
    let status = if open {
        Status::Open
    } else if resolved {
        Status::Resolved
    } else if escalate {
        Status::Escalated
    } else {
        Status::Classified
    };
    let position = if open {
        Position::Waiting { node: NodeRef::new("triage", "q-next") }
    } else {
        Position::Finished { node: outcome_node.clone() }
    };
    let outcome = (!open).then(|| OutcomeInfo {
        node: outcome_node.clone(),
        class: class.to_string(),
        title: format!("Generated outcome for {class}"),
        summary: "A generated outcome: the summary a runbook gives, about two sentences long, so that sessions \
                  are as large as real ones."
            .to_string(),
        escalate,
        escalation_reason: escalate.then(|| "Needs the identity team (generated).".to_string()),
        resolved_on_call: resolved,
        remediation: vec![
            RemedyInfo {
                text: "Ask the user to open Settings and check the item the runbook names.".into(),
                source: "S1".into(),
                by: Some("user".into()),
            },
            RemedyInfo {
                text: "Confirm the user can sign in with the passkey again.".into(),
                source: "S2".into(),
                by: Some("agent".into()),
            },
        ],
        collect: if escalate { vec!["The sign-in log's correlation id".into()] } else { Vec::new() },
        matrix_row: None,
    });
    Session {
        format: SESSION_FORMAT,
        id,
        ticket: Some(format!("INC{:07}", i)),
        agent: Some(pick(&["Ana Agent", "Bo Agent", "Cy Agent"], h >> 44).to_string()),
        user: Some(format!("user{}@contoso.example", i % 5000)),
        started_at: started,
        ended_at: (!open).then_some(ended),
        utc_offset_minutes: 60,
        runbooks: RunbookSetInfo {
            hash: "55c507e23dfcb666".into(),
            runbooks: vec![
                RunbookInfo { id: "triage".into(), as_of: "2026-01-15".into() },
                RunbookInfo { id: "cross-device".into(), as_of: "2026-01-10".into() },
            ],
            matrix_as_of: "2026-04-16".into(),
        },
        walk: Walk {
            facts: walk_facts,
            step_results: BTreeMap::new(),
            path,
            position,
            previous_answers: BTreeMap::new(),
            previous_entries: BTreeMap::new(),
            options: WalkOptions::default(),
            resume: None,
            derived: Default::default(),
            shadowed: Default::default(),
            answered: Vec::new(),
            asked_order: Vec::new(),
            rewalked: false,
            probe: false,
            settling: false,
        },
        posted: Vec::new(),
        notes: if (h >> 48).is_multiple_of(3) { "User on a train; called back later.".into() } else { String::new() },
        checklist: Checklist {
            outcome: (!open).then_some(outcome_node),
            done: if open { Vec::new() } else { vec![Some(ended), None] },
        },
        status,
        continued_from: None,
        outcome,
        sources: vec![
            CitedSource {
                runbook: "triage".into(),
                id: "S1".into(),
                title: "Sign in with passkeys in Microsoft Authenticator".into(),
                url: "https://learn.microsoft.com/entra/identity/authentication/how-to-sign-in-passkey-authenticator"
                    .into(),
            },
            CitedSource {
                runbook: "triage".into(),
                id: "S2".into(),
                title: "Passkey FAQ".into(),
                url: "https://learn.microsoft.com/entra/identity/authentication/passkey-faq".into(),
            },
        ],
        // An escalation says what tier 2 should check first (contract §7).
        differential: if escalate && !open {
            vec![crate::engine::differential::Alternative {
                fact: "flow".into(),
                value: "cross-device".into(),
                class: "cross-device.phone-bluetooth-off".into(),
                outcome: "cross-device#o-phone-bt-off".into(),
            }]
        } else {
            Vec::new()
        },
        also: Vec::new(),
        changed_on_call: Vec::new(),
        redacted: false,
    }
}

/// Writes sessions `0..n` into `dir` as `<id>.json` (the journal's form), `per_folder` to a
/// sub-folder (`0/`, `1/`, …; 0 = all in `dir`). Returns the files.
pub fn write_sessions(dir: &Path, n: u64, per_folder: u64) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for i in 0..n {
        let s = session(i);
        let folder = match i.checked_div(per_folder) {
            Some(n) => dir.join(n.to_string()),
            None => dir.to_path_buf(),
        };
        if i == 0 || (per_folder != 0 && i.is_multiple_of(per_folder)) {
            std::fs::create_dir_all(&folder)?;
        }
        let file = folder.join(format!("{}.json", s.id));
        std::fs::write(&file, crate::export::json::render(&s))?;
        files.push(file);
    }
    Ok(files)
}
