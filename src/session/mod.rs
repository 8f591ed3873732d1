//! Call sessions: everything about one diagnosis that must survive a crash and reach the ticket.
//! The JSON form is versioned (`format`) and documented in `docs/session-format.md`.
//! This module is pure data; the journal (disk) lives in `session::journal`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::Walk;
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
        };
        s.refresh(set, now);
        s
    }

    /// Recomputes status, end time and the checklist shape after the walk changed.
    pub fn refresh(&mut self, set: &RunbookSet, now: DateTime<Utc>) {
        match self.walk.outcome(set) {
            Some((r, o)) => {
                if self.checklist.outcome.as_ref() != Some(r) || self.checklist.done.len() != o.remediation.len() {
                    self.checklist = Checklist { outcome: Some(r.clone()), done: vec![None; o.remediation.len()] };
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
}
