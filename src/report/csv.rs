//! `report --format csv`: one long table for spreadsheets, `table,row,column,value` (RFC 4180
//! quoting). Rows:
//!
//! - `summary,<figure>,,<value>` — sessions, classified, escalated, …, rates, medians;
//! - `by,<dimension>,<value>,<sessions>`;
//! - `class_by_os,<class>,<os>,<sessions>`;
//! - `weekly,<2026-W04>,<sessions|classified|escalated|resolved_on_call>,<n>`;
//! - `queue,<waiting|claimed|done>,,<n>`.
//!
//! A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) is
//! prefixed with `'`; control characters are neutralised.

use super::Report;

pub fn render(r: &Report) -> String {
    let mut out = String::from("table,row,column,value\n");
    let mut row = |cells: [&str; 4]| {
        let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    };
    let num = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    let figures: [(&str, String); 11] = [
        ("sessions", r.sessions.to_string()),
        ("classified", r.classified.to_string()),
        ("escalated", r.escalated.to_string()),
        ("resolved_on_call", r.resolved_on_call.to_string()),
        ("open", r.open.to_string()),
        ("continued", r.continued.to_string()),
        ("skipped", r.skipped.to_string()),
        ("escalation_rate", num(r.escalation_rate)),
        ("resolution_rate", num(r.resolution_rate)),
        ("median_questions", num(r.median_questions)),
        ("median_duration_seconds", num(r.median_duration_seconds)),
    ];
    for (k, v) in &figures {
        row(["summary", k, "", v]);
    }
    for (dim, values) in &r.by {
        for (v, n) in values {
            row(["by", dim, v, &n.to_string()]);
        }
    }
    for (class, oses) in &r.class_by_os {
        for (os, n) in oses {
            row(["class_by_os", class, os, &n.to_string()]);
        }
    }
    for w in &r.weekly {
        for (k, n) in [
            ("sessions", w.sessions),
            ("classified", w.classified),
            ("escalated", w.escalated),
            ("resolved_on_call", w.resolved_on_call),
        ] {
            row(["weekly", &w.week, k, &n.to_string()]);
        }
    }
    for (k, n) in [("waiting", r.queue.waiting), ("claimed", r.queue.claimed), ("done", r.queue.done)] {
        row(["queue", k, "", &n.to_string()]);
    }
    out
}

/// One CSV cell: neutralised, formula-safe, quoted when needed.
pub fn cell(s: &str) -> String {
    let mut s = crate::text::sanitize_line(s);
    // Only a plain number (`-1.5`) may start with a sign: `-inf` and `+nan` parse as numbers
    // here, but a spreadsheet reads them as formulas.
    let plain_number =
        s.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) && s.parse::<f64>().is_ok_and(f64::is_finite);
    if s.starts_with(['=', '+', '-', '@']) && !plain_number {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_safe() {
        assert_eq!(cell("windows"), "windows");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("-1.5"), "-1.5");
        for looks_numeric in ["-inf", "+nan", "-infinity", "+Infinity"] {
            assert_eq!(cell(looks_numeric), format!("'{looks_numeric}"));
        }
        assert_eq!(cell("x\u{1b}[2J"), "x\u{fffd}[2J");
    }
}
