//! `report --format priors`: the desk's priors file (contract §9.3; read back by
//! `runbook::priors`), from how often the sessions ended at each outcome node.
//!
//! The weight of outcome node `n` is Laplace-smoothed and scaled so the mean over every outcome
//! node of the runbooks loaded is 1:
//!
//! ```text
//! weight(n) = (sessions ended at n + 1) × K / (N + K)
//! ```
//!
//! with `K` the number of outcome nodes and `N` the sessions counted (those that ended at one of
//! them). With no sessions every weight is 1; an outcome never seen still weighs more than 0.
//! Weights are written to four significant digits, computed in integers, and `generated` is the
//! end time of the newest session with an outcome (never the clock): the same sessions and
//! runbooks give the same bytes. Pure: no I/O.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::runbook::NodeRef;
use crate::runbook::priors::{PRIORS_SCHEMA, PriorsFile};

/// The priors file over `outcomes` (every outcome node of the set) from `by_outcome`
/// (`runbook#node` → sessions that ended there), and the sessions that ended at nodes not in
/// `outcomes` (not counted).
pub fn priors(
    by_outcome: &BTreeMap<String, u64>,
    outcomes: impl IntoIterator<Item = NodeRef>,
    generated: Option<DateTime<Utc>>,
) -> (PriorsFile, u64) {
    let counts: BTreeMap<String, u64> = outcomes
        .into_iter()
        .map(|n| n.to_string())
        .map(|n| (n.clone(), by_outcome.get(&n).copied().unwrap_or(0)))
        .collect();
    let counted: u64 = counts.values().sum();
    let unmatched = by_outcome.iter().filter(|(n, _)| !counts.contains_key(*n)).map(|(_, c)| c).sum();
    let k = counts.len() as u128;
    let total = u128::from(counted) + k;
    let priors = counts.into_iter().map(|(n, c)| (n, significant((u128::from(c) + 1) * k, total))).collect();
    (
        PriorsFile { schema: PRIORS_SCHEMA, generated: generated.filter(|_| counted > 0), sessions: counted, priors },
        unmatched,
    )
}

/// The file's text: pretty JSON, anything a terminal could act on escaped.
pub fn render(file: &PriorsFile) -> String {
    let raw = serde_json::to_string_pretty(file).unwrap_or_else(|_| "{}".to_string());
    let mut out = crate::export::json::escape_unsafe(&raw);
    out.push('\n');
    out
}

/// `num / den` to four significant digits, rounded half up, in integer arithmetic (so every
/// platform writes the same digits). `num` and `den` are above 0.
fn significant(num: u128, den: u128) -> f64 {
    if num == 0 || den == 0 {
        return 0.0;
    }
    let (mut n, mut d, mut shift) = (num, den, 0i32);
    while n < 1000 * d {
        n *= 10;
        shift += 1;
    }
    while n >= 10_000 * d {
        d *= 10;
        shift -= 1;
    }
    let digits = (2 * n + d) / (2 * d);
    format!("{digits}e{}", -shift).parse().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(ids: &[&str]) -> Vec<NodeRef> {
        ids.iter().filter_map(|s| NodeRef::parse(s)).collect()
    }

    #[test]
    fn four_significant_digits() {
        assert_eq!(significant(1, 1), 1.0);
        assert_eq!(significant(2, 3), 0.6667);
        assert_eq!(significant(10, 3), 3.333);
        assert_eq!(significant(1, 680), 0.001471);
        assert_eq!(significant(12_345_678, 1), 12_350_000.0);
        assert_eq!(significant(99_999, 10_000), 10.0);
    }

    #[test]
    fn smoothed_mean_one_and_never_zero() {
        let mut by = BTreeMap::new();
        by.insert("a#o-1".to_string(), 6);
        by.insert("a#o-2".to_string(), 2);
        by.insert("gone#o-x".to_string(), 5);
        let (file, unmatched) = priors(&by, nodes(&["a#o-1", "a#o-2", "b#o-3", "b#o-4"]), None);
        assert_eq!(unmatched, 5);
        assert_eq!(file.sessions, 8);
        // (c + 1) × 4 / (8 + 4)
        let w: Vec<f64> = file.priors.values().copied().collect();
        assert_eq!(w, vec![2.333, 1.0, 0.3333, 0.3333]);
        let mean = w.iter().sum::<f64>() / w.len() as f64;
        assert!((mean - 1.0).abs() < 1e-3, "{mean}");

        let (empty, _) = priors(&BTreeMap::new(), nodes(&["a#o-1", "b#o-3"]), None);
        assert_eq!(empty.sessions, 0);
        assert!(empty.priors.values().all(|w| *w == 1.0));
    }

    #[test]
    fn the_file() {
        let mut by = BTreeMap::new();
        by.insert("cross-device#o-phone-bt-off".to_string(), 9);
        by.insert("triage#o-unclassified".to_string(), 2);
        let when = DateTime::parse_from_rfc3339("2026-01-20T14:09:30Z").map(|t| t.with_timezone(&Utc)).ok();
        let outcomes = nodes(&["triage#o-unclassified", "cross-device#o-phone-bt-off", "policy#o-not-enabled"]);
        let (file, _) = priors(&by, outcomes, when);
        insta::assert_snapshot!(render(&file), @r#"
        {
          "schema": "passkey-triage/priors/v1",
          "generated": "2026-01-20T14:09:30Z",
          "sessions": 11,
          "priors": {
            "cross-device#o-phone-bt-off": 2.143,
            "policy#o-not-enabled": 0.2143,
            "triage#o-unclassified": 0.6429
          }
        }
        "#);
    }
}
