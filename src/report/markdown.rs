//! `report --format markdown`: the same sections as the text form, as Markdown tables (for a
//! wiki page or a ticket).

use super::text::{class_by_os_rows, range_words, summary, weekly_rows};
use super::{DIMENSIONS, Report, percent};
use crate::export::markdown::inline;

pub fn render(r: &Report) -> String {
    let mut out = format!("# Passkey sign-in failures\n\n{} session(s), {}.\n\n", r.sessions, range_words(r));
    out.push_str("| figure | value |\n|---|---:|\n");
    for (label, value) in summary(r) {
        out.push_str(&format!("| {label} | {} |\n", inline(&value)));
    }
    for dim in std::iter::once("class").chain(DIMENSIONS) {
        let of = if dim == "class" { r.classified } else { r.sessions };
        out.push_str(&format!("\n## By {}\n\n", inline(dim)));
        let rows: Vec<Vec<String>> =
            r.ranked(dim).into_iter().map(|(v, n)| vec![v.to_string(), n.to_string(), percent(n, of)]).collect();
        out.push_str(&table(&[dim, "sessions", "share"], &rows));
    }
    out.push_str("\n## Class × client.os\n\nSessions with an outcome.\n\n");
    let (header, rows) = class_by_os_rows(r);
    let header: Vec<String> = header.into_iter().map(|h| if h == "CLASS" { "class".to_string() } else { h }).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&table(&header, &rows));
    out.push_str("\n## Week by week\n\nISO weeks of the start time (UTC).\n\n");
    let rows = weekly_rows(r);
    out.push_str(&table(&["week", "from", "sessions", "outcome", "escalated", "resolved"], &rows));
    out
}

/// A Markdown table: the first column text, the others right-aligned numbers.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return "(none)\n".to_string();
    }
    let cell = |s: &str| {
        let t = inline(s);
        if t.is_empty() { "-".to_string() } else { t }
    };
    let mut out = format!("| {} |\n", header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
    let align: Vec<&str> = (0..header.len()).map(|i| if i == 0 { "---" } else { "---:" }).collect();
    out.push_str(&format!("|{}|\n", align.join("|")));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")));
    }
    out
}
