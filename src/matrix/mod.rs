//! The compatibility matrix as data (`assets/compat-matrix.json`): rows keyed by facts, each saying
//! whether a client combination is supported, with minimum versions. Pure evaluation; no I/O.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::vocab::{Source, UNKNOWN, Version, same_value};

/// Which question about the client a row answers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Browser × OS × passkey type.
    Browser,
    /// OS (and app) minimum versions.
    OsVersion,
    /// Native apps and brokers.
    NativeApp,
    /// Security-key transports per platform.
    Transport,
    /// Where registering a passkey works.
    Registration,
    /// Federated (third-party IdP) limits.
    Federation,
}

impl Area {
    pub const ALL: [Area; 6] =
        [Area::Browser, Area::OsVersion, Area::NativeApp, Area::Transport, Area::Registration, Area::Federation];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Browser => "browser",
            Area::OsVersion => "os-version",
            Area::NativeApp => "native-app",
            Area::Transport => "transport",
            Area::Registration => "registration",
            Area::Federation => "federation",
        }
    }
}

/// What a row documents.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Support {
    Supported,
    Unsupported,
    /// The combination doesn't exist (e.g. Safari on Windows); treated as unsupported.
    NotApplicable,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Supported => "supported",
            Support::Unsupported => "unsupported",
            Support::NotApplicable => "not-applicable",
        }
    }
}

/// The matrix's answer for one area and the current facts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Supported,
    Unsupported,
    BelowMinimum,
    NotListed,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Unsupported => "unsupported",
            Verdict::BelowMinimum => "below-minimum",
            Verdict::NotListed => "not-listed",
        }
    }
}

/// One value or several, for `when` keys.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn contains(&self, v: &str) -> bool {
        match self {
            OneOrMany::One(s) => s == v,
            OneOrMany::Many(vs) => vs.iter().any(|s| s == v),
        }
    }

    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(vs) => vs.iter().map(String::as_str).collect(),
        }
    }
}

/// The whole matrix file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    pub schema: u32,
    /// Date the rows were last checked against the sources.
    pub as_of: String,
    pub sources: Vec<Source>,
    pub rows: Vec<Row>,
}

/// One documented combination.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: String,
    pub area: Area,
    /// Facts that must all hold for the row to apply (value or list of values).
    pub when: BTreeMap<String, OneOrMany>,
    pub support: Support,
    /// Version facts and their documented minimum, e.g. `{"phone.os_version": "17"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub min_versions: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Ids of the matrix sources that document this row.
    pub sources: Vec<String>,
    /// Not confirmed in Microsoft docs; shown to the agent.
    #[serde(default)]
    pub unverified: bool,
    /// What earlier versions of the docs said.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    pub as_of: String,
    pub support: Support,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    pub source: String,
}

/// The verdict for one area and the rows that decided it.
#[derive(Debug, Clone)]
pub struct Evaluation<'m> {
    pub area: Area,
    pub verdict: Verdict,
    /// Rows that matched the facts, the deciding row first.
    pub rows: Vec<&'m Row>,
}

impl Row {
    /// Does the row apply to these facts? A fact that is missing or `unknown` never matches.
    pub fn applies(&self, facts: &dyn Fn(&str) -> Option<String>) -> bool {
        self.when.iter().all(|(key, want)| match facts(key) {
            Some(v) if v != UNKNOWN => want.values().iter().any(|w| same_value(key, &v, w)),
            _ => false,
        })
    }

    /// The first minimum version the facts are known to be below.
    pub fn first_below_minimum(&self, facts: &dyn Fn(&str) -> Option<String>) -> Option<(&str, &str)> {
        self.first_below_minimum_of(facts, &[])
    }

    /// [`Row::first_below_minimum`] among the minimums of `only` (all when empty).
    pub fn first_below_minimum_of(
        &self,
        facts: &dyn Fn(&str) -> Option<String>,
        only: &[String],
    ) -> Option<(&str, &str)> {
        self.min_versions.iter().filter(|(k, _)| only.is_empty() || only.contains(k)).find_map(|(key, min)| {
            let have = Version::parse(&facts(key)?)?;
            let min_v = Version::parse(min)?;
            (have.below(&min_v) == Some(true)).then_some((key.as_str(), min.as_str()))
        })
    }
}

impl Matrix {
    /// What the matrix says about one area for the given facts.
    ///
    /// Unsupported (or N/A) rows win over minimum versions, which win over supported rows; no
    /// matching row is `not-listed`. Facts the user couldn't tell never match a row, so an
    /// unknown client is never called unsupported.
    pub fn evaluate(&self, area: Area, facts: &dyn Fn(&str) -> Option<String>) -> Evaluation<'_> {
        self.evaluate_only(area, facts, &[])
    }

    /// [`Matrix::evaluate`] counting only the minimums of `only` (all when empty).
    pub fn evaluate_only(&self, area: Area, facts: &dyn Fn(&str) -> Option<String>, only: &[String]) -> Evaluation<'_> {
        let matching: Vec<&Row> = self.rows.iter().filter(|r| r.area == area && r.applies(facts)).collect();
        if let Some(r) = matching.iter().copied().find(|r| r.support != Support::Supported) {
            return pick(area, &matching, Verdict::Unsupported, Some(r));
        }
        if let Some(r) = matching.iter().copied().find(|r| r.first_below_minimum_of(facts, only).is_some()) {
            return pick(area, &matching, Verdict::BelowMinimum, Some(r));
        }
        if let Some(r) = matching.first().copied() {
            return pick(area, &matching, Verdict::Supported, Some(r));
        }
        pick(area, &matching, Verdict::NotListed, None)
    }
}

impl Matrix {
    /// The verdict for one area when some facts may still be unset (`facts` returns `None` for
    /// them): `Some(verdict)` when every value the unset facts could take gives that verdict,
    /// `None` when it depends on them. Used where a walk must not read "not asked yet" as an
    /// answer (contract §9.1). Sound, not exact: it may say `None` where every value agrees.
    pub fn evaluate_partial(
        &self,
        area: Area,
        facts: &dyn Fn(&str) -> Option<String>,
        only: &[String],
    ) -> Option<Verdict> {
        let counts = |k: &String| only.is_empty() || only.contains(k);
        let mut applying: Vec<&Row> = Vec::new();
        let mut maybe: Vec<&Row> = Vec::new();
        for row in self.rows.iter().filter(|r| r.area == area) {
            let mut open = false;
            let mut fits = true;
            for (key, want) in &row.when {
                match facts(key) {
                    None => open = true,
                    Some(v) if v != UNKNOWN && want.values().iter().any(|w| same_value(key, &v, w)) => {}
                    Some(_) => {
                        fits = false;
                        break;
                    }
                }
            }
            match (fits, open) {
                (false, _) => {}
                (true, false) => applying.push(row),
                (true, true) => maybe.push(row),
            }
        }
        if applying.iter().any(|r| r.support != Support::Supported) {
            return Some(Verdict::Unsupported);
        }
        if maybe.iter().any(|r| r.support != Support::Supported) {
            return None;
        }
        // Minimum versions: decided only where every version the rows read is set.
        let open_version = |r: &&Row| r.min_versions.keys().filter(|k| counts(k)).any(|k| facts(k).is_none());
        if applying.iter().any(|r| r.first_below_minimum_of(facts, only).is_some()) {
            return Some(Verdict::BelowMinimum);
        }
        if applying.iter().any(open_version) || maybe.iter().any(|r| r.min_versions.keys().any(counts)) {
            return None;
        }
        match (applying.is_empty(), maybe.is_empty()) {
            (false, _) => Some(Verdict::Supported),
            (true, true) => Some(Verdict::NotListed),
            (true, false) => None,
        }
    }

    /// Every verdict the area can still give when some facts may be unset (`facts` returns
    /// `None` for them): one when [`Matrix::evaluate_partial`] decides, else a superset of those
    /// the unset facts can lead to. A condition that accepts all of them, or none, is decided
    /// whatever they turn out to be ("not unsupported" for a Windows security key, whichever
    /// transport: every transport is supported there and an unknown one is not listed).
    pub fn possible_verdicts(
        &self,
        area: Area,
        facts: &dyn Fn(&str) -> Option<String>,
        only: &[String],
    ) -> Vec<Verdict> {
        // One pass over the rows (this runs at every matrix test the look-ahead meets): the
        // decision of `evaluate_partial`, and what the open facts could still make of it.
        let counts = |k: &String| only.is_empty() || only.contains(k);
        let mut applying: Vec<&Row> = Vec::new();
        let (mut any_maybe, mut maybe_unsupported, mut maybe_minimums) = (false, false, false);
        let mut below_possible = false;
        for row in self.rows.iter().filter(|r| r.area == area) {
            let mut open = false;
            let fits = row.when.iter().all(|(key, want)| match facts(key) {
                None => {
                    open = true;
                    true
                }
                Some(v) => v != UNKNOWN && want.values().iter().any(|w| same_value(key, &v, w)),
            });
            if !fits {
                continue;
            }
            // Below a minimum only where the version is open, or known and below it.
            below_possible |= row.min_versions.iter().filter(|(k, _)| counts(k)).any(|(k, min)| match facts(k) {
                None => true,
                Some(have) => matches!(
                    (Version::parse(&have), Version::parse(min)),
                    (Some(h), Some(m)) if h.below(&m) == Some(true)
                ),
            });
            if open {
                any_maybe = true;
                maybe_unsupported |= row.support != Support::Supported;
                maybe_minimums |= row.min_versions.keys().any(counts);
            } else {
                applying.push(row);
            }
        }
        // Decided, as `evaluate_partial` decides.
        if applying.iter().any(|r| r.support != Support::Supported) {
            return vec![Verdict::Unsupported];
        }
        if !maybe_unsupported {
            if applying.iter().any(|r| r.first_below_minimum_of(facts, only).is_some()) {
                return vec![Verdict::BelowMinimum];
            }
            let open_version = |r: &&Row| r.min_versions.keys().filter(|k| counts(k)).any(|k| facts(k).is_none());
            if !applying.iter().any(open_version) && !maybe_minimums {
                match (applying.is_empty(), any_maybe) {
                    (false, _) => return vec![Verdict::Supported],
                    (true, false) => return vec![Verdict::NotListed],
                    (true, true) => {}
                }
            }
        }
        let mut out = Vec::new();
        if maybe_unsupported {
            out.push(Verdict::Unsupported);
        }
        if below_possible {
            out.push(Verdict::BelowMinimum);
        }
        if !applying.is_empty() || any_maybe {
            out.push(Verdict::Supported);
        }
        if applying.is_empty() {
            out.push(Verdict::NotListed);
        }
        out
    }

    /// Every fact the rows of an area read (their conditions and minimum versions).
    pub fn facts_read<'a>(&'a self, area: Area, only: &'a [String]) -> impl Iterator<Item = &'a str> {
        self.rows.iter().filter(move |r| r.area == area).flat_map(move |r| {
            r.when
                .keys()
                .chain(r.min_versions.keys().filter(move |k| only.is_empty() || only.contains(k)))
                .map(String::as_str)
        })
    }
}

/// The evaluation with the deciding row first, then the other matching rows.
fn pick<'m>(area: Area, matching: &[&'m Row], verdict: Verdict, first: Option<&'m Row>) -> Evaluation<'m> {
    let mut rows: Vec<&'m Row> = Vec::with_capacity(matching.len());
    if let Some(f) = first {
        rows.push(f);
    }
    rows.extend(matching.iter().copied().filter(|r| first.is_none_or(|f| !std::ptr::eq(*r, f))));
    Evaluation { area, verdict, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> Matrix {
        serde_json::from_str(
            r#"{"schema":1,"as_of":"2026-04-16","sources":[{"id":"S1","title":"t","url":"u"}],
            "rows":[
              {"id":"android-firefox","area":"browser","when":{"client.os":"android","client.browser":"firefox"},"support":"unsupported","sources":["S1"]},
              {"id":"android-chrome","area":"browser","when":{"client.os":"android","client.browser":["chrome","edge"]},"support":"supported","sources":["S1"]},
              {"id":"authenticator-ios","area":"os-version","when":{"credential.type":"authenticator","phone.os":"ios"},"support":"supported","min_versions":{"phone.os_version":"17"},"sources":["S1"]}
            ]}"#,
        )
        .unwrap()
    }

    fn facts<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn verdicts() {
        let m = matrix();
        let f = facts(&[("client.os", "android"), ("client.browser", "firefox")]);
        assert_eq!(m.evaluate(Area::Browser, &f).verdict, Verdict::Unsupported);
        let f = facts(&[("client.os", "android"), ("client.browser", "edge")]);
        assert_eq!(m.evaluate(Area::Browser, &f).verdict, Verdict::Supported);
        let f = facts(&[("client.os", "android"), ("client.browser", "unknown")]);
        assert_eq!(m.evaluate(Area::Browser, &f).verdict, Verdict::NotListed);
        let f = facts(&[("credential.type", "authenticator"), ("phone.os", "ios"), ("phone.os_version", "16.7")]);
        assert_eq!(m.evaluate(Area::OsVersion, &f).verdict, Verdict::BelowMinimum);
        let f = facts(&[("credential.type", "authenticator"), ("phone.os", "ios"), ("phone.os_version", "17")]);
        assert_eq!(m.evaluate(Area::OsVersion, &f).verdict, Verdict::Supported);
        let f = facts(&[("credential.type", "authenticator"), ("phone.os", "ios")]);
        assert_eq!(m.evaluate(Area::OsVersion, &f).verdict, Verdict::Supported);
    }

    /// What an open fact can still make of an area: `evaluate_partial` can't decide Android with
    /// the browser open (supported, unsupported or not listed), but with Chrome or Edge the only
    /// rows left are supported ones, so "unsupported" is ruled out whichever it is.
    #[test]
    fn possible_verdicts_with_a_fact_open() {
        let m = matrix();
        let open_browser = |k: &str| (k == "client.os").then(|| "android".to_string());
        let all = m.possible_verdicts(Area::Browser, &open_browser, &[]);
        assert!(all.contains(&Verdict::Unsupported) && all.contains(&Verdict::Supported), "{all:?}");
        assert!(all.contains(&Verdict::NotListed), "{all:?}");
        // The version known and above the minimum: the other row's minimum can't be missed.
        let f = |k: &str| match k {
            "credential.type" => Some("authenticator".to_string()),
            "phone.os_version" => Some("18".to_string()),
            _ => None,
        };
        assert_eq!(m.possible_verdicts(Area::OsVersion, &f, &[]), vec![Verdict::Supported, Verdict::NotListed]);
        let f = |k: &str| match k {
            "credential.type" => Some("authenticator".to_string()),
            "phone.os_version" => Some("16".to_string()),
            _ => None,
        };
        let below = m.possible_verdicts(Area::OsVersion, &f, &[]);
        assert!(below.contains(&Verdict::BelowMinimum), "{below:?}");
    }
}
