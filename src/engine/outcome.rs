//! An outcome as it reads for this call: only the remediation steps and collect items whose
//! `when` holds for the walk's facts, with placeholders filled in from the facts and from the
//! compatibility-matrix row that decided the outcome. A question's help is cut to its items that
//! hold the same way ([`help_texts`]).
//!
//! Placeholders are `{fact.key}` (a fact's value) and `{matrix.minimum}`, `{matrix.have}`,
//! `{matrix.fact}`, `{matrix.platform}`, `{matrix.row}` (the deciding row of the outcome's
//! `matrix` area), each with an optional fallback after `|`: `{phone.os_version|the installed
//! version}`. A placeholder with nothing to fill and no fallback is left out in words ("(not
//! known)"); `lint` makes sure that can't happen in a shipped runbook.

use super::Walk;
use crate::matrix::{Area, Matrix, Row, Verdict};
use crate::runbook::RunbookSet;
use crate::runbook::model::{Actor, Condition, Help, Outcome};
use crate::runbook::placeholder::spans;
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
    let holds = |when: &Option<Condition>| applies(when.as_ref(), &lookup, &set.matrix);
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

/// Whether an item with this `when` applies: no condition, or one that holds for `facts` (a fact
/// not set counts as `unknown`, so an item for `["ios", "unknown"]` shows until the OS is known).
pub fn applies(when: Option<&Condition>, facts: &dyn Fn(&str) -> Option<String>, matrix: &Matrix) -> bool {
    when.is_none_or(|c| super::condition::eval(c, facts, matrix))
}

/// The texts of a question's help that apply for `facts`, in order: a plain text always, an item
/// only where its `when` holds.
pub fn help_texts<'h>(help: &'h Help, facts: &dyn Fn(&str) -> Option<String>, matrix: &Matrix) -> Vec<&'h str> {
    help.items().into_iter().filter(|(_, when)| applies(*when, facts, matrix)).map(|(text, _)| text).collect()
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
    use crate::runbook::model::GatedText;
    use proptest::prelude::*;

    fn os_item(text: &str, one_of: &[&str]) -> GatedText {
        let when = Condition {
            fact: Some("phone.os".to_string()),
            one_of: Some(one_of.iter().map(|v| v.to_string()).collect()),
            ..Condition::default()
        };
        GatedText { text: text.to_string(), when: Some(when) }
    }

    fn bluetooth_help() -> Help {
        Help::Items(vec![
            os_item("iPhone: Settings > Bluetooth.", &["ios", "unknown"]),
            os_item("Android: the Bluetooth tile.", &["android", "unknown"]),
            GatedText { text: "Both devices need Bluetooth.".to_string(), when: None },
        ])
    }

    #[test]
    fn help_shows_the_known_platform_and_every_platform_until_it_is_known() {
        let matrix = crate::runbook::RunbookSet::builtin().expect("built-in").matrix;
        let help = bluetooth_help();
        let with = |os: Option<&str>| {
            let os = os.map(str::to_string);
            help_texts(&help, &|k: &str| if k == "phone.os" { os.clone() } else { None }, &matrix)
        };
        let all = ["iPhone: Settings > Bluetooth.", "Android: the Bluetooth tile.", "Both devices need Bluetooth."];
        assert_eq!(with(None), all, "not asked yet");
        assert_eq!(with(Some("unknown")), all, "answered unknown");
        assert_eq!(with(Some("ios")), ["iPhone: Settings > Bluetooth.", "Both devices need Bluetooth."]);
        assert_eq!(with(Some("android")), ["Android: the Bluetooth tile.", "Both devices need Bluetooth."]);
        let plain = Help::from("Settings > Bluetooth.");
        assert_eq!(help_texts(&plain, &|_: &str| Some("ios".to_string()), &matrix), ["Settings > Bluetooth."]);
    }

    #[test]
    fn help_reads_as_a_text_or_a_list_of_texts_and_gated_items() {
        let plain: Help = serde_json::from_str(r#""Settings > Bluetooth""#).expect("text");
        assert!(matches!(plain, Help::Text(ref t) if t == "Settings > Bluetooth"));
        let items: Help = serde_json::from_str(
            r#"["Both.", {"text": "iPhone.", "when": {"fact": "phone.os", "one_of": ["ios", "unknown"]}}, {"text": "Any."}]"#,
        )
        .expect("items");
        let read: Vec<(&str, bool)> = items.items().into_iter().map(|(t, w)| (t, w.is_some())).collect();
        assert_eq!(read, [("Both.", false), ("iPhone.", true), ("Any.", false)]);
        let bad = serde_json::from_str::<Help>(r#"[{"text": "x", "colour": 1}]"#).expect_err("unknown field");
        assert!(!bad.to_string().is_empty());
        assert!(serde_json::from_str::<Help>("3").is_err());
    }

    proptest! {
        /// An item shows iff its condition holds with an unset fact read as `unknown`; a plain
        /// text (or an item without `when`) always shows; the order is kept.
        #[test]
        fn a_help_item_shows_iff_its_condition_holds(
            items in proptest::collection::vec(
                proptest::option::of(proptest::sample::subsequence(vec!["ios", "android", "unknown"], 0..=3)),
                0..6,
            ),
            os in proptest::option::of(proptest::sample::select(vec!["ios", "android", "unknown"])),
        ) {
            let matrix = crate::runbook::RunbookSet::builtin().expect("built-in").matrix;
            let gated: Vec<GatedText> = items
                .iter()
                .enumerate()
                .map(|(i, one_of)| match one_of {
                    Some(vs) => os_item(&format!("item {i}"), vs),
                    None => GatedText { text: format!("item {i}"), when: None },
                })
                .collect();
            let facts = |k: &str| if k == "phone.os" { os.map(str::to_string) } else { None };
            let help = Help::Items(gated);
            let shown = help_texts(&help, &facts, &matrix);
            let have = os.unwrap_or("unknown");
            let expected: Vec<String> = items
                .iter()
                .enumerate()
                .filter(|(_, one_of)| one_of.as_ref().is_none_or(|vs| vs.contains(&have)))
                .map(|(i, _)| format!("item {i}"))
                .collect();
            prop_assert_eq!(shown, expected);
            let plain = Help::Text("always".to_string());
            prop_assert_eq!(help_texts(&plain, &facts, &matrix), vec!["always"]);
        }
    }
}
