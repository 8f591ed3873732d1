//! `sessions --format ndjson`: one JSON record per line and per session, for a team's log
//! platform (Log Analytics, Azure Data Explorer, Splunk). The record is stable: fields are only
//! ever added (`record` says the version); the schema is documented in `docs/report.md`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::session::digest::Digest;

/// The record's version.
pub const RECORD_VERSION: u32 = 1;

/// One session as a log record.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub record: u32,
    pub id: &'a str,
    pub ticket: Option<&'a str>,
    pub agent: Option<&'a str>,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    /// `open`, `classified`, `escalated`, `resolved`.
    pub status: &'a str,
    pub class: Option<&'a str>,
    /// `runbook#node` of the outcome.
    pub outcome: Option<&'a str>,
    /// The outcome goes to tier 2 (status `escalated`).
    pub escalate: bool,
    /// Fixed on the call (status `resolved`).
    pub resolved: bool,
    /// Its package is (or was) in the tier-2 queue (`escalate`); the report counts such a
    /// session as escalated whatever its outcome says.
    pub queued: bool,
    /// The tier-1 session a tier-2 session continues.
    pub continued_from: Option<&'a str>,
    /// Questions the caller answered on the call, `unknown` included.
    pub questions: u32,
    /// Start to outcome in seconds (null while open).
    pub duration_seconds: Option<u64>,
    /// Every fact's value by key (provenance and times stay in the session file).
    pub facts: BTreeMap<&'a str, &'a str>,
    /// The facts still to check (see `queue`).
    pub open_checks: Vec<String>,
}

impl<'a> Record<'a> {
    pub fn of(d: &'a Digest<'a>, queued: bool) -> Self {
        Self {
            record: RECORD_VERSION,
            id: d.id.as_str(),
            ticket: d.ticket.as_deref(),
            agent: d.agent.as_deref(),
            started: d.started_at,
            ended: d.ended_at,
            status: d.status.as_str(),
            class: d.class(),
            outcome: d.outcome.as_ref().map(|o| o.node.as_str()),
            escalate: d.is_escalated(),
            resolved: d.is_resolved(),
            queued,
            continued_from: d.continued_from.as_deref(),
            questions: d.caller_questions(),
            duration_seconds: d.duration_seconds(),
            facts: d.walk.facts.iter().map(|(k, f)| (k.as_str(), f.value.as_str())).collect(),
            open_checks: d.open_checks(),
        }
    }
}

/// The record as one line (ending in `\n`), control and bidi characters escaped.
pub fn line(d: &Digest<'_>, queued: bool) -> String {
    let raw = serde_json::to_string(&Record::of(d, queued)).unwrap_or_else(|_| "{}".to_string());
    let mut out = crate::export::json::escape_unsafe(&raw);
    out.push('\n');
    out
}
