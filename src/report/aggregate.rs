//! The report's arithmetic: sessions go in one at a time and only counts stay, in structures of
//! bounded size, so 100,000 sessions take no more memory than 100. Pure: no I/O, no clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{DIMENSIONS, QueueCounts, Report, Week};
use crate::session::digest::Digest;

/// Distinct values kept per dimension; further values count as [`OTHER`].
pub const MAX_VALUES: usize = 1000;
/// Distinct class × OS cells kept; further cells count under [`OTHER`].
pub const MAX_CELLS: usize = 5000;
/// Distinct weeks kept (ten years' worth and more); sessions in further weeks count in the totals only.
pub const MAX_WEEKS: usize = 2000;
/// Longest value kept as it is, in characters (free-text facts such as `client.app`).
pub const MAX_VALUE_CHARS: usize = 80;
/// Distinct outcome nodes kept (a large library has a few hundred; the synthetic 10,000-node one
/// a few thousand); sessions at further nodes are not counted by outcome.
pub const MAX_OUTCOMES: usize = 20_000;
/// Where values beyond [`MAX_VALUES`] are counted.
pub const OTHER: &str = "(other)";
/// The OS column of a session whose `client.os` was never recorded (class × OS only).
pub const NOT_RECORDED: &str = "(not recorded)";

/// The sessions a report covers: started in `[since, until]` (either end open).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Range {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
    }
}

/// Counts per value, at most [`MAX_VALUES`] distinct values.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    counts: BTreeMap<String, u64>,
    cap: usize,
}

impl Counter {
    pub fn with_cap(cap: usize) -> Self {
        Self { counts: BTreeMap::new(), cap }
    }

    pub fn add(&mut self, value: &str) {
        if let Some(n) = self.counts.get_mut(value) {
            *n += 1;
            return;
        }
        let key = if self.counts.len() >= self.cap {
            OTHER.to_string()
        } else if value.chars().count() > MAX_VALUE_CHARS {
            let mut v: String = value.chars().take(MAX_VALUE_CHARS - 1).collect();
            v.push('…');
            v
        } else {
            value.to_string()
        };
        *self.counts.entry(key).or_insert(0) += 1;
    }

    pub fn into_map(self) -> BTreeMap<String, u64> {
        self.counts
    }
}

/// Counts of integer values in buckets of bounded number, for medians without keeping every
/// value. Values up to `exact` are kept exactly; above, they are rounded down to `coarse` steps,
/// and everything from `max` up counts as `max`.
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: BTreeMap<u64, u64>,
    total: u64,
    exact: u64,
    coarse: u64,
    max: u64,
}

impl Histogram {
    pub fn new(exact: u64, coarse: u64, max: u64) -> Self {
        Self { counts: BTreeMap::new(), total: 0, exact, coarse: coarse.max(1), max }
    }

    /// Question counts: exact up to 10,000.
    pub fn questions() -> Self {
        Self::new(10_000, 1, 10_000)
    }

    /// Durations in seconds: exact up to an hour, to the minute up to a day, then to the hour
    /// up to 30 days (about 5,700 buckets at most).
    pub fn seconds() -> Self {
        Self::new(3600, 60, 30 * 86_400)
    }

    pub fn add(&mut self, value: u64) {
        let v = value.min(self.max);
        let step = if v <= self.exact {
            1
        } else if v <= 86_400 {
            self.coarse
        } else {
            3600
        };
        *self.counts.entry(v - v % step).or_insert(0) += 1;
        self.total += 1;
    }

    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The value at 1-based rank `k`.
    fn at_rank(&self, k: u64) -> Option<u64> {
        let mut seen = 0;
        for (&v, &n) in &self.counts {
            seen += n;
            if seen >= k {
                return Some(v);
            }
        }
        None
    }

    /// The median: the middle value, or the mean of the two middle ones.
    pub fn median(&self) -> Option<f64> {
        let n = self.total;
        if n == 0 {
            return None;
        }
        let lo = self.at_rank(n.div_ceil(2))?;
        let hi = self.at_rank(n / 2 + 1)?;
        Some(if n % 2 == 1 { lo as f64 } else { (lo as f64 + hi as f64) / 2.0 })
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct WeekCounts {
    sessions: u64,
    classified: u64,
    escalated: u64,
    resolved_on_call: u64,
}

/// Sessions in, a [`Report`] out.
#[derive(Debug, Clone)]
pub struct Aggregator {
    range: Range,
    sessions: u64,
    classified: u64,
    escalated: u64,
    resolved: u64,
    open: u64,
    continued: u64,
    skipped: u64,
    by_class: Counter,
    by_fact: Vec<Counter>,
    class_by_os: Counter,
    by_outcome: BTreeMap<String, u64>,
    last_outcome_at: Option<DateTime<Utc>>,
    questions: Histogram,
    duration: Histogram,
    weeks: BTreeMap<(i32, u32), WeekCounts>,
    queue: QueueCounts,
}

/// Separates class and OS in the class × OS counter (never in a class name: `[a-z0-9.-]`).
const CELL_SEP: char = '\u{1f}';

impl Aggregator {
    pub fn new(range: Range) -> Self {
        Self {
            range,
            sessions: 0,
            classified: 0,
            escalated: 0,
            resolved: 0,
            open: 0,
            continued: 0,
            skipped: 0,
            by_class: Counter::with_cap(MAX_VALUES),
            by_fact: DIMENSIONS.iter().map(|_| Counter::with_cap(MAX_VALUES)).collect(),
            class_by_os: Counter::with_cap(MAX_CELLS),
            by_outcome: BTreeMap::new(),
            last_outcome_at: None,
            questions: Histogram::questions(),
            duration: Histogram::seconds(),
            weeks: BTreeMap::new(),
            queue: QueueCounts::default(),
        }
    }

    /// Counts one session, if it started within the range. `queued`: its package is in the
    /// tier-2 queue, so it counts as escalated whatever its status says. Returns whether it
    /// was counted.
    pub fn add(&mut self, d: &Digest<'_>, queued: bool) -> bool {
        if !self.range.contains(d.started_at) {
            return false;
        }
        self.sessions += 1;
        let finished = d.is_finished();
        let escalated = queued || d.is_escalated();
        let resolved = d.is_resolved();
        if d.continued_from.is_some() {
            self.continued += 1;
        }
        if escalated {
            self.escalated += 1;
        }
        for (dim, counter) in DIMENSIONS.iter().zip(self.by_fact.iter_mut()) {
            if let Some(v) = d.fact(dim) {
                counter.add(v);
            }
        }
        if finished {
            self.classified += 1;
            if resolved {
                self.resolved += 1;
            }
            if let Some(class) = d.class() {
                self.by_class.add(class);
                let os = d.fact("client.os").unwrap_or(NOT_RECORDED);
                self.class_by_os.add(&format!("{class}{CELL_SEP}{os}"));
            }
            if let Some(o) = &d.outcome {
                // Kept whole (never shortened like a value): it is matched against the runbooks.
                let node = o.node.as_str();
                if let Some(n) = self.by_outcome.get_mut(node) {
                    *n += 1;
                } else if self.by_outcome.len() < MAX_OUTCOMES {
                    self.by_outcome.insert(node.to_string(), 1);
                }
                if let Some(end) = d.ended_at {
                    self.last_outcome_at = self.last_outcome_at.max(Some(end));
                }
            }
            self.questions.add(u64::from(d.caller_questions()));
            if let Some(s) = d.duration_seconds() {
                self.duration.add(s);
            }
        } else {
            self.open += 1;
        }
        let w = d.started_at.iso_week();
        let key = (w.year(), w.week());
        if self.weeks.len() < MAX_WEEKS || self.weeks.contains_key(&key) {
            let wc = self.weeks.entry(key).or_default();
            wc.sessions += 1;
            wc.classified += u64::from(finished);
            wc.escalated += u64::from(escalated);
            wc.resolved_on_call += u64::from(finished && resolved);
        }
        true
    }

    /// A file that could not be read as a session.
    pub fn skip(&mut self) {
        self.skipped += 1;
    }

    pub fn set_queue(&mut self, q: QueueCounts) {
        self.queue = q;
    }

    pub fn finish(self) -> Report {
        let mut by = BTreeMap::new();
        by.insert("class".to_string(), self.by_class.into_map());
        for (dim, counter) in DIMENSIONS.iter().zip(self.by_fact) {
            by.insert((*dim).to_string(), counter.into_map());
        }
        let mut class_by_os: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (cell, n) in self.class_by_os.into_map() {
            let (class, os) = cell.split_once(CELL_SEP).unwrap_or((OTHER, OTHER));
            *class_by_os.entry(class.to_string()).or_default().entry(os.to_string()).or_insert(0) += n;
        }
        let rate = |n: u64| (self.sessions > 0).then(|| n as f64 / self.sessions as f64);
        Report {
            sessions: self.sessions,
            classified: self.classified,
            escalated: self.escalated,
            resolved_on_call: self.resolved,
            open: self.open,
            continued: self.continued,
            skipped: self.skipped,
            escalation_rate: rate(self.escalated),
            resolution_rate: rate(self.resolved),
            median_questions: self.questions.median(),
            median_duration_seconds: self.duration.median(),
            by,
            class_by_os,
            by_outcome: self.by_outcome,
            last_outcome_at: self.last_outcome_at,
            weekly: weeks(&self.weeks),
            queue: self.queue,
            since: self.range.since,
            until: self.range.until,
        }
    }
}

/// Weeks in order; the weeks between the first and the last with no session are listed with
/// zeros (so a trend reads right), unless that span is absurdly long.
fn weeks(map: &BTreeMap<(i32, u32), WeekCounts>) -> Vec<Week> {
    let week = |(y, w): (i32, u32), c: WeekCounts| {
        let monday = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon)?;
        Some(Week {
            week: format!("{y}-W{w:02}"),
            start: monday,
            sessions: c.sessions,
            classified: c.classified,
            escalated: c.escalated,
            resolved_on_call: c.resolved_on_call,
        })
    };
    let (Some((&first, _)), Some((&last, _))) = (map.first_key_value(), map.last_key_value()) else {
        return Vec::new();
    };
    let monday = |k: (i32, u32)| NaiveDate::from_isoywd_opt(k.0, k.1, chrono::Weekday::Mon);
    let span = match (monday(first), monday(last)) {
        (Some(a), Some(b)) => (b - a).num_weeks(),
        _ => i64::MAX,
    };
    if span > MAX_WEEKS as i64 {
        return map.iter().filter_map(|(&k, &c)| week(k, c)).collect();
    }
    let mut out = Vec::new();
    let mut day = monday(first);
    while let Some(d) = day {
        let w = d.iso_week();
        let key = (w.year(), w.week());
        if key > last {
            break;
        }
        out.extend(week(key, map.get(&key).copied().unwrap_or_default()));
        day = d.checked_add_signed(Duration::weeks(1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let mut h = Histogram::questions();
        assert_eq!(h.median(), None);
        for v in [5, 1, 3] {
            h.add(v);
        }
        assert_eq!(h.median(), Some(3.0));
        h.add(10);
        assert_eq!(h.median(), Some(4.0));
        let mut s = Histogram::seconds();
        for v in [59, 3_599, 7_250, u64::MAX] {
            s.add(v);
        }
        // 7,250 s is kept to the minute: 7,200.
        assert_eq!(s.median(), Some((3_599.0 + 7_200.0) / 2.0));
    }

    #[test]
    fn counters_are_bounded() {
        let mut c = Counter::with_cap(3);
        for v in ["a", "b", "c", "d", "e", "a"] {
            c.add(v);
        }
        c.add(&"x".repeat(500));
        let m = c.into_map();
        assert_eq!(m.len(), 4);
        assert_eq!(m.get(OTHER), Some(&3));
        assert_eq!(m.get("a"), Some(&2));
    }

    #[test]
    fn gaps_between_weeks_are_zeros() {
        let mut m = BTreeMap::new();
        m.insert((2025, 52), WeekCounts { sessions: 2, ..WeekCounts::default() });
        m.insert((2026, 2), WeekCounts { sessions: 1, ..WeekCounts::default() });
        let w: Vec<(String, u64)> = weeks(&m).into_iter().map(|w| (w.week, w.sessions)).collect();
        assert_eq!(w, vec![("2025-W52".into(), 2), ("2026-W01".into(), 0), ("2026-W02".into(), 1)]);
    }
}
