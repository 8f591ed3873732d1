//! Which entry the call is about (reference §1.5 rule 1): interactive entries only; the one with
//! the correlation id when given (several rows can share one: the newest failed of them), else
//! the newest failed entry (of the user when given), else the newest. Entries arrive one at a
//! time; only the best `keep` are held.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset};

use super::ImportError;
use super::record::Entry;

/// What the agent asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub correlation_id: Option<String>,
    /// A UPN; compared without regard to case (Graph lowercases it).
    pub user: Option<String>,
}

impl Query {
    fn matches(&self, e: &Entry) -> bool {
        let same = |want: &Option<String>, got: &Option<super::record::Field<String>>| match want {
            Some(w) => got.as_ref().is_some_and(|g| g.value.trim().eq_ignore_ascii_case(w.trim())),
            None => true,
        };
        same(&self.correlation_id, &e.correlation_id) && same(&self.user, &e.upn)
    }

    /// "correlation id X and user Y", for messages.
    fn describe(&self) -> String {
        let clean = crate::text::sanitize_line;
        match (&self.correlation_id, &self.user) {
            (Some(c), Some(u)) => format!("correlation id `{}` and user `{}`", clean(c), clean(u)),
            (Some(c), None) => format!("correlation id `{}`", clean(c)),
            (None, Some(u)) => format!("user `{}`", clean(u)),
            (None, None) => "an interactive sign-in".to_string(),
        }
    }
}

/// A kept entry with what ranks it.
struct Candidate {
    entry: Entry,
    failed: bool,
    time: Option<DateTime<FixedOffset>>,
    seq: usize,
}

/// Better first: failed before succeeded, then newer, then (a tie) the earlier in the file.
fn rank(a: &Candidate, b: &Candidate) -> Ordering {
    b.failed.cmp(&a.failed).then_with(|| b.time.cmp(&a.time)).then_with(|| a.seq.cmp(&b.seq))
}

/// Streams entries in, keeps the best.
pub struct Selector {
    query: Query,
    keep: usize,
    best: Vec<Candidate>,
    read: usize,
    interactive: usize,
    with_correlation_id: usize,
    matched: usize,
}

/// What the selector picked.
pub struct Picked {
    pub best: Entry,
    /// Best first, `best` included.
    pub candidates: Vec<Entry>,
    pub matched: usize,
    pub read: usize,
}

impl Selector {
    pub fn new(query: Query, keep: usize) -> Self {
        Self { query, keep: keep.max(1), best: Vec::new(), read: 0, interactive: 0, with_correlation_id: 0, matched: 0 }
    }

    pub fn offer(&mut self, entry: Entry) {
        self.read += 1;
        if entry.correlation_id.is_some() {
            self.with_correlation_id += 1;
        }
        if entry.interactive == Some(false) {
            return;
        }
        self.interactive += 1;
        if !self.query.matches(&entry) {
            return;
        }
        self.matched += 1;
        let c = Candidate { failed: entry.failed(), time: entry.parsed_time(), seq: self.read, entry };
        // Binary search keeps `best` sorted; a candidate worse than all `keep` is dropped at once.
        let at = self.best.partition_point(|k| rank(k, &c) == Ordering::Less);
        if at < self.keep {
            self.best.insert(at, c);
            self.best.truncate(self.keep);
        }
    }

    pub fn finish(self, name: &str) -> Result<Picked, ImportError> {
        let name = name.to_string();
        if self.read == 0 {
            return Err(ImportError::Empty { name });
        }
        if self.best.is_empty() {
            if self.interactive == 0 {
                return Err(ImportError::NoInteractive { name, read: self.read });
            }
            if let Some(wanted) = &self.query.correlation_id
                && self.with_correlation_id == 0
            {
                return Err(ImportError::NoCorrelationIds {
                    name,
                    read: self.read,
                    wanted: crate::text::sanitize_line(wanted),
                });
            }
            return Err(ImportError::NoMatch {
                name,
                wanted: self.query.describe(),
                read: self.read,
                interactive: self.interactive,
            });
        }
        let candidates: Vec<Entry> = self.best.into_iter().map(|c| c.entry).collect();
        let best = candidates[0].clone();
        Ok(Picked { best, candidates, matched: self.matched, read: self.read })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::record::Field;

    fn e(corr: &str, time: &str, code: &str, interactive: Option<bool>) -> Entry {
        let f = |v: &str| Some(Field { value: v.to_string(), field: "x" });
        Entry { correlation_id: f(corr), time: f(time), error_code: f(code), interactive, ..Entry::default() }
    }

    fn pick(entries: Vec<Entry>, q: Query, keep: usize) -> Result<Picked, ImportError> {
        let mut s = Selector::new(q, keep);
        for x in entries {
            s.offer(x);
        }
        s.finish("f")
    }

    #[test]
    fn newest_failed_then_newest() {
        let all = vec![
            e("a", "2026-11-18T14:00:00Z", "0", Some(true)),
            e("b", "2026-11-18T13:00:00Z", "50074", Some(true)),
            e("c", "2026-11-18T13:30:00.5+00:00", "500121", None),
            e("d", "2026-11-18T15:00:00Z", "53003", Some(false)),
        ];
        let p = pick(all.clone(), Query::default(), 3).ok().map(|p| p.best.correlation_id.map(|f| f.value));
        assert_eq!(p, Some(Some("c".into())));
        let ok_only = vec![all[0].clone(), e("z", "2026-11-18T15:00:00Z", "0", Some(true))];
        let p = pick(ok_only, Query::default(), 1).ok().map(|p| p.best.correlation_id.map(|f| f.value));
        assert_eq!(p, Some(Some("z".into())));
    }

    #[test]
    fn keeps_the_best_few_in_order() {
        let all: Vec<Entry> =
            (0..50).map(|i| e(&format!("{i}"), &format!("2026-11-18T14:{i:02}:00Z"), "1", None)).collect();
        let p = pick(all, Query::default(), 3).ok();
        let ids: Vec<String> = p
            .map(|p| p.candidates.into_iter().filter_map(|c| c.correlation_id.map(|f| f.value)).collect())
            .unwrap_or_default();
        assert_eq!(ids, ["49", "48", "47"]);
    }

    #[test]
    fn messages_say_what_was_read() {
        let none: Vec<Entry> = Vec::new();
        assert!(matches!(pick(none, Query::default(), 1), Err(ImportError::Empty { .. })));
        let q = Query { correlation_id: Some("nope".into()), user: None };
        let no_ids = vec![Entry::default(), Entry::default()];
        assert!(matches!(pick(no_ids, q.clone(), 1), Err(ImportError::NoCorrelationIds { read: 2, .. })));
        let some = vec![e("a", "t", "0", Some(true)), e("b", "t", "0", Some(false))];
        let err = pick(some, q, 1).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err, "f: no entry matches correlation id `nope` (2 read, 1 of them interactive)");
    }
}
