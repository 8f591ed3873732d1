//! The failure report for rollout planning: which classes, on which clients, how often, how fast,
//! how often escalated, week by week, over every saved session and the tier-2 queue.
//!
//! - [`aggregate`]: the arithmetic, pure and streaming (bounded memory).
//! - [`scan`]: reads the folders, one file at a time.
//! - one module per output format: [`text`], [`markdown`], [`csv`], [`json`], [`priors`] (the
//!   desk's priors file, contract §9.3); and [`ndjson`],
//!   one record per session for log platforms (`sessions --format ndjson`).
//! - [`synthetic`]: generated sessions for tests and benchmarks.
//!
//! Definitions and formats: `docs/report.md`.

pub mod aggregate;
pub mod csv;
pub mod json;
pub mod markdown;
pub mod ndjson;
pub mod priors;
pub mod scan;
pub mod synthetic;
pub mod text;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use aggregate::{Aggregator, Range};

/// The facts the report counts sessions by (besides the class).
pub const DIMENSIONS: [&str; 5] = ["client.os", "client.browser", "client.app", "credential.type", "flow"];

/// The report (its JSON form is `report --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Sessions started in the range (tier-1 calls and tier-2 sessions alike).
    pub sessions: u64,
    /// Of those, the ones that reached an outcome (any class, `unclassified` included).
    pub classified: u64,
    /// Escalated: the outcome escalates, or the package is in the tier-2 queue.
    pub escalated: u64,
    /// Fixed on the call.
    pub resolved_on_call: u64,
    /// No outcome yet (abandoned or still going).
    pub open: u64,
    /// Tier-2 sessions (continuing a tier-1 package).
    pub continued: u64,
    /// Files that could not be read as sessions (reported on stderr).
    pub skipped: u64,
    /// `escalated / sessions`.
    pub escalation_rate: Option<f64>,
    /// `resolved_on_call / sessions`.
    pub resolution_rate: Option<f64>,
    /// Questions the caller answered on the call, `unknown` included, for sessions that reached
    /// an outcome.
    pub median_questions: Option<f64>,
    /// Start to outcome, in seconds.
    pub median_duration_seconds: Option<f64>,
    /// `class` (sessions with an outcome) and each of [`DIMENSIONS`] (sessions where the fact was
    /// recorded): value → sessions.
    pub by: BTreeMap<String, BTreeMap<String, u64>>,
    /// class → client.os → sessions with an outcome.
    pub class_by_os: BTreeMap<String, BTreeMap<String, u64>>,
    /// `runbook#node` of the outcome → sessions that ended there (`--format priors` only).
    #[serde(skip)]
    pub by_outcome: BTreeMap<String, u64>,
    /// The end time of the newest session with an outcome (`--format priors` only).
    #[serde(skip)]
    pub last_outcome_at: Option<DateTime<Utc>>,
    /// ISO weeks of the start time, in order, gaps filled with zeros.
    pub weekly: Vec<Week>,
    /// The tier-2 queue now (not limited by the range).
    pub queue: QueueCounts,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// One ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Week {
    /// `2026-W04`.
    pub week: String,
    /// Its Monday.
    pub start: NaiveDate,
    pub sessions: u64,
    pub classified: u64,
    pub escalated: u64,
    pub resolved_on_call: u64,
}

/// Packages in the tier-2 queue by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    pub waiting: u64,
    pub claimed: u64,
    pub done: u64,
}

impl Report {
    /// `by[dim]` sorted by count (highest first), then by value.
    pub fn ranked(&self, dim: &str) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> =
            self.by.get(dim).map(|m| m.iter().map(|(k, &n)| (k.as_str(), n)).collect()).unwrap_or_default();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v
    }

    /// The OS columns of the class × OS table, most sessions first.
    pub fn os_columns(&self) -> Vec<String> {
        let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
        for row in self.class_by_os.values() {
            for (os, n) in row {
                *totals.entry(os.as_str()).or_insert(0) += n;
            }
        }
        let mut cols: Vec<(&str, u64)> = totals.into_iter().collect();
        cols.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        cols.into_iter().map(|(os, _)| os.to_string()).collect()
    }
}

/// `--since`: a day (from its start, UTC) or an RFC 3339 time.
pub fn parse_since(s: &str) -> Result<DateTime<Utc>, String> {
    parse_bound(s, false)
}

/// `--until`: a day (to its end, UTC) or an RFC 3339 time.
pub fn parse_until(s: &str) -> Result<DateTime<Utc>, String> {
    parse_bound(s, true)
}

fn parse_bound(s: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        format!("`{}` is not a date: use YYYY-MM-DD (UTC) or an RFC 3339 time", crate::text::sanitize_line(s))
    })?;
    let t = if end_of_day { day.and_hms_nano_opt(23, 59, 59, 999_999_999) } else { day.and_hms_opt(0, 0, 0) };
    t.map(|t| t.and_utc()).ok_or_else(|| format!("`{s}` is not a date"))
}

/// Seconds as `4 min 10 s`, `1 h 5 min`, `42 s`.
pub fn human_duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// A share as a whole percentage.
pub fn percent(n: u64, of: u64) -> String {
    if of == 0 { "-".to_string() } else { format!("{:.0}%", n as f64 * 100.0 / of as f64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_bounds() {
        assert_eq!(
            parse_since("2026-01-05").map(|t| t.to_rfc3339()).ok().as_deref(),
            Some("2026-01-05T00:00:00+00:00")
        );
        assert!(parse_until("2026-01-05").is_ok_and(|t| t.to_rfc3339().starts_with("2026-01-05T23:59:59.999")));
        assert!(parse_since("2026-01-05T10:00:00+01:00").is_ok_and(|t| t.to_rfc3339() == "2026-01-05T09:00:00+00:00"));
        let e = parse_since("last week").err().unwrap_or_default();
        assert!(e.contains("not a date"), "{e}");
        assert_eq!(human_duration(250.0), "4 min 10 s");
        assert_eq!(percent(1, 3), "33%");
    }
}
