//! `report --format text`: aligned tables for a terminal or a plain-text ticket.

use unicode_width::UnicodeWidthStr;

use super::{DIMENSIONS, Report, human_duration, percent};
use crate::text::sanitize_line;

/// Sections in order: summary, by class and by each fact, class × OS, week by week.
pub fn render(r: &Report) -> String {
    let mut out = format!("Passkey sign-in failures: {} session(s), {}\n\n", r.sessions, range_words(r));
    for (label, value) in summary(r) {
        out.push_str(&format!("  {label:<22}{value}\n"));
    }
    for dim in std::iter::once("class").chain(DIMENSIONS) {
        let of = if dim == "class" { r.classified } else { r.sessions };
        let rows: Vec<Vec<String>> =
            r.ranked(dim).into_iter().map(|(v, n)| vec![v.to_string(), n.to_string(), percent(n, of)]).collect();
        out.push_str(&format!("\nBy {dim}\n"));
        out.push_str(&table(&[&dim.to_uppercase(), "SESSIONS", "SHARE"], &rows));
    }
    out.push_str("\nClass × client.os (sessions with an outcome)\n");
    let (header, rows) = class_by_os_rows(r);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&table(&header, &rows));
    out.push_str("\nWeek by week (ISO weeks of the start, UTC)\n");
    let rows = weekly_rows(r);
    out.push_str(&table(&["WEEK", "FROM", "SESSIONS", "OUTCOME", "ESCALATED", "RESOLVED"], &rows));
    out
}

/// `all dates`, `started 2026-01-01 to 2026-01-31 (UTC)`, …
pub fn range_words(r: &Report) -> String {
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
    match (r.since, r.until) {
        (None, None) => "all dates".to_string(),
        (Some(s), None) => format!("started from {} (UTC)", day(s)),
        (None, Some(u)) => format!("started up to {} (UTC)", day(u)),
        (Some(s), Some(u)) => format!("started {} to {} (UTC)", day(s), day(u)),
    }
}

/// The summary figures as label and value, shared by the text and Markdown forms and the
/// dashboard.
pub fn summary(r: &Report) -> Vec<(&'static str, String)> {
    let med = |m: Option<f64>| m.map_or_else(|| "-".to_string(), |v| format!("{v}"));
    vec![
        ("reached an outcome", format!("{} ({})", r.classified, percent(r.classified, r.sessions))),
        ("escalated", format!("{} ({})", r.escalated, percent(r.escalated, r.sessions))),
        ("resolved on the call", format!("{} ({})", r.resolved_on_call, percent(r.resolved_on_call, r.sessions))),
        ("still open", r.open.to_string()),
        ("tier-2 sessions", r.continued.to_string()),
        ("median questions", med(r.median_questions)),
        ("median call duration", r.median_duration_seconds.map_or_else(|| "-".to_string(), human_duration)),
        ("tier-2 queue", format!("{} waiting, {} claimed, {} done", r.queue.waiting, r.queue.claimed, r.queue.done)),
        ("unreadable files", r.skipped.to_string()),
    ]
}

/// The week-by-week table's rows: week, first day, sessions, with an outcome, escalated,
/// resolved on the call.
pub fn weekly_rows(r: &Report) -> Vec<Vec<String>> {
    r.weekly
        .iter()
        .map(|w| {
            vec![
                w.week.clone(),
                w.start.to_string(),
                w.sessions.to_string(),
                w.classified.to_string(),
                w.escalated.to_string(),
                w.resolved_on_call.to_string(),
            ]
        })
        .collect()
}

/// The class × OS table: header (`CLASS`, the OSes, most used first) and one row per class
/// (most sessions first).
pub fn class_by_os_rows(r: &Report) -> (Vec<String>, Vec<Vec<String>>) {
    let cols = r.os_columns();
    let mut header = vec!["CLASS".to_string()];
    header.extend(cols.iter().cloned());
    let rows = r
        .ranked("class")
        .into_iter()
        .map(|(class, _)| {
            let row = r.class_by_os.get(class);
            let mut cells = vec![class.to_string()];
            cells.extend(cols.iter().map(|os| row.and_then(|m| m.get(os)).copied().unwrap_or(0).to_string()));
            cells
        })
        .collect();
    (header, rows)
}

/// An aligned table indented by two spaces; columns of numbers are right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return "  (none)\n".to_string();
    }
    let clean: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| sanitize_line(c)).collect()).collect();
    let numeric: Vec<bool> = (0..header.len())
        .map(|i| {
            let number = |c: &String| c.trim_end_matches('%').parse::<f64>().is_ok();
            clean.iter().all(|r| r.get(i).is_none_or(|c| c == "-" || number(c)))
                && clean.iter().any(|r| r.get(i).is_some_and(number))
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| sanitize_line(h).width()).collect();
    for r in &clean {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::from(" ");
        for (i, c) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let fill = " ".repeat(w.saturating_sub(c.width()));
            let sep = if i == 0 { " " } else { "  " };
            if numeric.get(i).copied().unwrap_or(false) {
                l.push_str(&format!("{sep}{fill}{c}"));
            } else {
                l.push_str(&format!("{sep}{c}{fill}"));
            }
        }
        format!("{}\n", l.trim_end())
    };
    let mut out = line(&header.iter().map(|h| sanitize_line(h)).collect::<Vec<_>>());
    for r in &clean {
        out.push_str(&line(r));
    }
    out
}
