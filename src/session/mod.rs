//! Call sessions: everything about one diagnosis that must survive a crash and reach the ticket.
//! The JSON form is versioned (`format`) and documented in `docs/session-format.md`.
//! This module is pure data; the journal (disk) lives in `session::journal`, escalation packages
//! (tier 2 continuing a tier-1 session) in `session::package`.

pub mod accept;
pub mod digest;
pub mod journal;
pub mod lock;
pub mod package;

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::{StepKind, Walk};
use crate::runbook::model::Node;
use crate::runbook::{NodeRef, RunbookSet};

/// Version of the session JSON format.
pub const SESSION_FORMAT: u32 = 1;

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Still asking questions.
    Open,
    /// Reached an outcome that neither escalates nor was fixed on the call.
    Classified,
    /// Reached an outcome that goes to tier 2 / the identity team.
    Escalated,
    /// Fixed while the user was on the call.
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Classified => "classified",
            Status::Escalated => "escalated",
            Status::Resolved => "resolved",
        }
    }
}

/// Which runbooks a session ran on, so tier 2 can reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunbookSetInfo {
    /// Content hash of the whole set (runbooks + matrix).
    pub hash: String,
    pub runbooks: Vec<RunbookInfo>,
    pub matrix_as_of: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunbookInfo {
    pub id: String,
    pub as_of: String,
}

impl RunbookSetInfo {
    pub fn of(set: &RunbookSet) -> Self {
        Self {
            hash: set.content_hash(),
            runbooks: set
                .runbooks
                .iter()
                .map(|r| RunbookInfo { id: r.id().to_string(), as_of: r.runbook.as_of.clone() })
                .collect(),
            matrix_as_of: set.matrix.as_of.clone(),
        }
    }
}

/// The remediation checklist of the outcome the walk ended at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Checklist {
    /// The outcome the checklist belongs to; a different outcome starts a fresh list.
    pub outcome: Option<NodeRef>,
    /// When each remediation step was ticked done (None = not done), in remediation order.
    pub done: Vec<Option<DateTime<Utc>>>,
}

/// One call (or one `diagnose --session-out` run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Session {
    /// Always [`SESSION_FORMAT`] when written by this version.
    pub format: u32,
    /// Sortable, time-based id, e.g. `20261125T180702Z-3f2a`.
    pub id: String,
    #[serde(default)]
    pub ticket: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    /// The agent's UTC offset in minutes when the session started (for local times in exports).
    pub utc_offset_minutes: i32,
    pub runbooks: RunbookSetInfo,
    pub walk: Walk,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub checklist: Checklist,
    pub status: Status,
    /// The tier-1 session this one continues (tier 2 opened its escalation package).
    #[serde(default)]
    pub continued_from: Option<String>,
    /// The outcome reached, copied from the runbook so the session reads the same after the
    /// runbooks change (None while open). Kept up to date by [`Session::refresh`].
    #[serde(default)]
    pub outcome: Option<OutcomeInfo>,
    /// The sources cited by the steps taken and the outcome's remediation (title + URL).
    #[serde(default)]
    pub sources: Vec<CitedSource>,
    /// Contract §7, once at an outcome: other answers to the questions answered `unknown` that
    /// would change the class. An escalation's open checks; what tier 2 checks first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differential: Vec<crate::engine::differential::Alternative>,
    /// Contract §9.6, once at an outcome: other documented faults the known facts establish,
    /// which will still block once this one is fixed, in precedence order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<crate::engine::also::AlsoFault>,
    /// Facts a step done on the call changed ("Still fails with Bluetooth on"): the walk's
    /// facts are as found; these say what is true now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed_on_call: Vec<crate::engine::changed::Changed>,
    /// True in an export made with `--redact` (user names, emails, IPs, device names masked).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
    /// Where and when the ticket note was posted as an internal note (`passkey-triage post`),
    /// oldest first. Absent until the first post.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posted: Vec<PostRecord>,
}

/// One post of the ticket note to a help desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostRecord {
    /// `servicenow`, `jira` or `zendesk`.
    pub system: String,
    /// The ticket it went to.
    pub ticket: String,
    pub at: DateTime<Utc>,
    /// The note's address, when the system returned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The outcome a session reached, as the runbook described it at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutcomeInfo {
    /// `runbook#node` of the outcome.
    pub node: NodeRef,
    pub class: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub escalate: bool,
    #[serde(default)]
    pub escalation_reason: Option<String>,
    #[serde(default)]
    pub resolved_on_call: bool,
    /// Remediation steps in order; `Checklist::done` has one slot per step.
    #[serde(default)]
    pub remediation: Vec<RemedyInfo>,
    /// What tier 2 needs if this escalates.
    #[serde(default)]
    pub collect: Vec<String>,
    /// The compatibility-matrix row that decided the outcome (its `matrix` area), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix_row: Option<String>,
}

/// One remediation step of the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RemedyInfo {
    pub text: String,
    /// Id of the cited source (see `Session::sources`).
    #[serde(default)]
    pub source: String,
    /// `user`, `agent` or `admin`, when the runbook says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// A document a session's runbooks cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CitedSource {
    /// The runbook that declares the source (ids are per runbook).
    pub runbook: String,
    pub id: String,
    pub title: String,
    pub url: String,
}

/// Who is on the call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallInfo {
    pub ticket: Option<String>,
    pub agent: Option<String>,
    pub user: Option<String>,
}

/// A sortable, time-based session id. `nonce` makes ids started in the same second differ.
pub fn new_id(now: DateTime<Utc>, nonce: u32) -> String {
    format!("{}-{:04x}", now.format("%Y%m%dT%H%M%SZ"), nonce & 0xffff)
}

impl Session {
    pub fn new(
        id: String,
        call: CallInfo,
        set: &RunbookSet,
        walk: Walk,
        now: DateTime<Utc>,
        utc_offset_minutes: i32,
    ) -> Self {
        let mut s = Self {
            format: SESSION_FORMAT,
            id,
            ticket: call.ticket,
            agent: call.agent,
            user: call.user,
            started_at: now,
            ended_at: None,
            utc_offset_minutes,
            runbooks: RunbookSetInfo::of(set),
            walk,
            notes: String::new(),
            checklist: Checklist::default(),
            status: Status::Open,
            continued_from: None,
            outcome: None,
            sources: Vec::new(),
            differential: Vec::new(),
            also: Vec::new(),
            changed_on_call: Vec::new(),
            redacted: false,
            posted: Vec::new(),
        };
        s.refresh(set, now);
        s
    }

    /// Recomputes status, end time and the checklist shape after the walk changed.
    pub fn refresh(&mut self, set: &RunbookSet, now: DateTime<Utc>) {
        let rendered = self.walk.outcome(set).map(|(_, o)| crate::engine::outcome::render(set, &self.walk, o));
        match self.walk.outcome(set) {
            Some((r, o)) => {
                let steps = rendered.as_ref().map_or(0, |x| x.remediation.len());
                if self.checklist.outcome.as_ref() != Some(r) || self.checklist.done.len() != steps {
                    self.checklist = Checklist { outcome: Some(r.clone()), done: vec![None; steps] };
                }
                self.status = if o.resolved_on_call {
                    Status::Resolved
                } else if o.escalate {
                    Status::Escalated
                } else {
                    Status::Classified
                };
                if self.ended_at.is_none() {
                    self.ended_at = Some(now);
                }
            }
            None => {
                self.status = Status::Open;
                self.ended_at = None;
            }
        }
        self.outcome = self.walk.outcome(set).map(|(r, o)| OutcomeInfo {
            node: r.clone(),
            class: o.class.clone(),
            title: o.title.clone(),
            summary: o.summary.clone(),
            escalate: o.escalate,
            escalation_reason: o.escalation_reason.clone(),
            resolved_on_call: o.resolved_on_call,
            matrix_row: rendered.as_ref().and_then(|x| x.matrix_row.as_ref()).map(|m| m.id.clone()),
            remediation: rendered
                .iter()
                .flat_map(|x| x.remediation.iter())
                .map(|m| RemedyInfo {
                    text: m.text.clone(),
                    source: m.source.clone(),
                    by: m.by.map(|a| {
                        match a {
                            crate::runbook::model::Actor::User => "user",
                            crate::runbook::model::Actor::Agent => "agent",
                            crate::runbook::model::Actor::Admin => "admin",
                        }
                        .to_string()
                    }),
                })
                .collect(),
            collect: rendered.as_ref().map(|x| x.collect.clone()).unwrap_or_default(),
        });
        self.sources = cited_sources(set, &self.walk);
        self.differential = crate::engine::differential::differential(set, &self.walk);
        self.also = crate::engine::also::also(set, &self.walk);
        self.changed_on_call = crate::engine::changed::changed_on_call(set, &self.walk);
    }

    /// Ticks or unticks remediation step `i`.
    pub fn toggle_step(&mut self, i: usize, now: DateTime<Utc>) {
        if let Some(slot) = self.checklist.done.get_mut(i) {
            *slot = if slot.is_some() { None } else { Some(now) };
        }
    }

    /// The failure class, once classified.
    pub fn class<'a>(&self, set: &'a RunbookSet) -> Option<&'a str> {
        let r = self.walk.position.node();
        match set.node(r)? {
            crate::runbook::Node::Outcome(o) if self.walk.is_finished() => Some(o.class.as_str()),
            _ => None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.status == Status::Open
    }

    /// The failure class recorded in the session (no runbooks needed).
    pub fn class_name(&self) -> Option<&str> {
        self.outcome.as_ref().map(|o| o.class.as_str())
    }

    /// The agent's offset when the session started (UTC if the stored offset is out of range).
    pub fn local_offset(&self) -> FixedOffset {
        offset_from_minutes(self.utc_offset_minutes)
    }

    /// From start to end (or to `now` while open); never negative.
    pub fn duration(&self, now: DateTime<Utc>) -> chrono::Duration {
        let end = self.ended_at.unwrap_or(now);
        (end - self.started_at).max(chrono::Duration::zero())
    }

    /// A new session that carries this one on (`continued_from`), for a file that must not be
    /// written over: a redacted package, or a copy of another session. Everything recorded is
    /// kept; the id, start time and offset are the new session's.
    pub fn continued_as(&self, new_id: String, now: DateTime<Utc>, utc_offset_minutes: i32) -> Session {
        Session {
            id: new_id,
            started_at: now,
            utc_offset_minutes,
            continued_from: Some(self.id.clone()),
            ..self.clone()
        }
    }

    /// Sets the notes (the wizard's notes box).
    pub fn set_notes(&mut self, notes: impl Into<String>) {
        self.notes = notes.into();
    }

    /// The latest post of this session's note to `system` ticket `ticket`, if any.
    pub fn posted_to(&self, system: &str, ticket: &str) -> Option<&PostRecord> {
        self.posted.iter().rev().find(|p| p.system == system && p.ticket == ticket)
    }
}

/// A fixed offset from minutes east of UTC; UTC when out of range.
pub fn offset_from_minutes(minutes: i32) -> FixedOffset {
    minutes.checked_mul(60).and_then(FixedOffset::east_opt).unwrap_or_else(|| Utc.fix())
}

/// The machine's current UTC offset in minutes (for `Session::new`).
pub fn local_offset_minutes(now: DateTime<Utc>) -> i32 {
    chrono::Local.offset_from_utc_datetime(&now.naive_utc()).fix().local_minus_utc() / 60
}

/// A nonce for [`new_id`] that differs between processes and calls within one second.
pub fn id_nonce() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let c = COUNTER.fetch_add(1, Ordering::Relaxed);
    (nanos / 1000) ^ std::process::id().rotate_left(7) ^ c.wrapping_mul(0x9e37_79b9)
}

/// Is this a well-formed session id (safe as a file name)? `[A-Za-z0-9_-]`, 1–64 characters.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The sources cited by the steps on the path and the outcome's remediation, in first-use order.
fn cited_sources(set: &RunbookSet, walk: &Walk) -> Vec<CitedSource> {
    let mut wanted: Vec<(String, String)> = Vec::new();
    for p in walk.path.iter().filter(|p| p.kind == StepKind::Step) {
        if let Some(Node::Step(s)) = set.node(&p.node) {
            wanted.push((p.node.runbook.clone(), s.source.clone()));
        }
    }
    if let Some((r, o)) = walk.outcome(set) {
        for m in &o.remediation {
            wanted.push((r.runbook.clone(), m.source.clone()));
        }
    }
    let mut out: Vec<CitedSource> = Vec::new();
    for (rb, id) in wanted {
        if out.iter().any(|c| c.runbook == rb && c.id == id) {
            continue;
        }
        let Some(src) = set.get(&rb).and_then(|l| l.runbook.sources.iter().find(|s| s.id == id)) else {
            continue;
        };
        out.push(CitedSource { runbook: rb, id, title: src.title.clone(), url: src.url.clone() });
    }
    out
}
