//! An outcome as it reads for this call: only the remediation steps and collect items whose
//! `when` holds for the walk's facts, with placeholders filled in from the facts and from the
//! compatibility-matrix row that decided the outcome.
//!
//! Placeholders are `{fact.key}` (a fact's value) and `{matrix.minimum}`, `{matrix.have}`,
//! `{matrix.fact}`, `{matrix.platform}`, `{matrix.row}` (the deciding row of the outcome's
//! `matrix` area), each with an optional fallback after `|`: `{phone.os_version|the installed
//! version}`. A placeholder with nothing to fill and no fallback is left out in words ("(not
//! known)"); `lint` makes sure that can't happen in a shipped runbook.

use super::Walk;
use crate::matrix::{Area, Row, Verdict};
use crate::runbook::RunbookSet;
use crate::runbook::model::{Actor, Condition, Outcome};
use crate::vocab::UNKNOWN;

/// One remediation step that applies to this call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub source: String,
    pub by: Option<Actor>,
}

/// The matrix row an outcome reports (its `matrix` area's deciding row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub id: String,
    pub area: Area,
    pub verdict: Verdict,
    /// The version fact below its minimum, the user's value and the minimum, if that decided it.
    pub below: Option<(String, String, String)>,
    /// The platform the row is about, in words (`iOS`, `Android`, `Windows`…), when it names one.
    pub platform: Option<String>,
}

/// What the outcome says for this call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub remediation: Vec<Step>,
    pub collect: Vec<String>,
    pub matrix_row: Option<MatrixRow>,
}

/// Renders `outcome` for the walk's facts.
pub fn render(set: &RunbookSet, walk: &Walk, outcome: &Outcome) -> Rendered {
    let lookup = walk.lookup();
    let matrix_row = outcome.matrix.and_then(|area| deciding_row(set, walk, area));
    let holds =
        |when: &Option<Condition>| when.as_ref().is_none_or(|c| super::condition::eval(c, &lookup, &set.matrix));
    let fill = |text: &str| fill(text, walk, matrix_row.as_ref());
    Rendered {
        remediation: outcome
            .remediation
            .iter()
            .filter(|r| holds(&r.when))
            .map(|r| Step { text: fill(&r.text), source: r.source.clone(), by: r.by })
            .collect(),
        collect: outcome.collect.iter().filter(|c| holds(&c.when)).map(|c| fill(&c.text)).collect(),
        matrix_row,
    }
}

/// The deciding row of `area` for the walk's facts (None when no row matches).
pub fn deciding_row(set: &RunbookSet, walk: &Walk, area: Area) -> Option<MatrixRow> {
    let lookup = walk.lookup();
    let eval = set.matrix.evaluate(area, &lookup);
    let row: &Row = eval.rows.first()?;
    let below = row
        .first_below_minimum(&lookup)
        .map(|(fact, min)| (fact.to_string(), walk.fact(fact).unwrap_or_default().to_string(), min.to_string()));
    Some(MatrixRow {
        id: row.id.clone(),
        area,
        verdict: eval.verdict,
        below,
        platform: platform_of(row, below_fact(row, &lookup)),
    })
}

fn below_fact<'r>(row: &'r Row, lookup: &dyn Fn(&str) -> Option<String>) -> Option<&'r str> {
    row.first_below_minimum(lookup).map(|(f, _)| f)
}

/// The platform a row is about: the OS of the version that fell short, else the row's OS.
fn platform_of(row: &Row, below: Option<&str>) -> Option<String> {
    let key = match below {
        Some(f) if f.starts_with("phone.") => "phone.os",
        Some(f) if f.starts_with("client.") => "client.os",
        _ if row.when.contains_key("phone.os") && !row.when.contains_key("client.os") => "phone.os",
        _ => "client.os",
    };
    let values = row.when.get(key)?.values();
    let [os] = values.as_slice() else { return None };
    Some(os_name(os).to_string())
}

/// An OS value as people write it.
pub fn os_name(os: &str) -> &str {
    match os {
        "windows" => "Windows",
        "macos" => "macOS",
        "linux" => "Linux",
        "chromeos" => "ChromeOS",
        "ios" => "iOS",
        "android" => "Android",
        other => other,
    }
}

/// A placeholder found in a text: its name and its fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'a> {
    pub name: &'a str,
    pub fallback: Option<&'a str>,
}

/// Every placeholder in `text`, in order. Only `{name}` where name is dotted lowercase words counts,
/// so other braces (a Bluetooth service id such as `{0000FFFD-…}`) are left alone.
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    spans(text).into_iter().map(|(_, _, p)| p).collect()
}

fn spans(text: &str) -> Vec<(usize, usize, Placeholder<'_>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| i + from) {
        let Some(close) = text[open..].find('}').map(|i| i + open) else { break };
        let inner = &text[open + 1..close];
        let (name, fallback) = match inner.split_once('|') {
            Some((n, f)) => (n, Some(f)),
            None => (inner, None),
        };
        if is_name(name) {
            out.push((open, close + 1, Placeholder { name, fallback }));
        }
        from = open + 1;
    }
    out
}

fn is_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let first_ok = parts.next().is_some_and(|p| p.starts_with(|c: char| c.is_ascii_lowercase()));
    first_ok
        && name.contains('.')
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
}

/// The matrix placeholders a text may use.
pub const MATRIX_PLACEHOLDERS: [&str; 5] =
    ["matrix.minimum", "matrix.have", "matrix.fact", "matrix.platform", "matrix.row"];

/// Fills a text's placeholders.
pub fn fill(text: &str, walk: &Walk, row: Option<&MatrixRow>) -> String {
    let spans = spans(text);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (start, end, p) in spans {
        out.push_str(&text[at..start]);
        let value = match p.name {
            "matrix.minimum" => row.and_then(|r| r.below.as_ref()).map(|b| b.2.clone()),
            "matrix.have" => row.and_then(|r| r.below.as_ref()).map(|b| b.1.clone()),
            "matrix.fact" => row.and_then(|r| r.below.as_ref()).map(|b| b.0.clone()),
            "matrix.platform" => row.and_then(|r| r.platform.clone()),
            "matrix.row" => row.map(|r| r.id.clone()),
            fact => walk
                .fact(fact)
                .filter(|v| *v != UNKNOWN)
                .map(|v| if fact.ends_with(".os") { os_name(v).to_string() } else { v.to_string() }),
        };
        match (value, p.fallback) {
            (Some(v), _) => out.push_str(&v),
            (None, Some(f)) => out.push_str(f),
            (None, None) => out.push_str("(not known)"),
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_named_placeholders() {
        let t = "iOS {phone.os_version|your version} needs {matrix.minimum}; ServicesAllowedList = {0000FFFD-0000}.";
        let ps = placeholders(t);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0], Placeholder { name: "phone.os_version", fallback: Some("your version") });
        assert_eq!(ps[1], Placeholder { name: "matrix.minimum", fallback: None });
        assert!(placeholders("{Upper.case} {nodot} {a..b} {}").is_empty());
    }
}
