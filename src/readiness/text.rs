//! `readiness` (text): the estate, the totals per type × flow × phase, the blockers ranked,
//! the unknowns with what would settle them, and the conditions no input shows.

use super::summary::{Blocker, Summary, Totals};
use super::{count, plural};

/// The first lines: what was read.
pub fn header_lines(s: &Summary) -> Vec<String> {
    let oses: Vec<String> = s.by_os.iter().map(|(os, n)| format!("{os} {}", count(*n))).collect();
    let mut lines = vec![
        format!(
            "Rollout readiness: {}, {} (compatibility matrix as of {})",
            plural(s.devices, "device", "devices"),
            plural(s.users, "user", "users"),
            s.as_of
        ),
        format!("Devices by OS: {}", if oses.is_empty() { "none".to_string() } else { oses.join(" · ") }),
    ];
    let u = &s.usage;
    lines.push(if u.entries == 0 {
        "Sign-in logs: none given (browsers and apps not known: each device is read for its OS alone)".to_string()
    } else {
        format!(
            "Sign-in logs: {}; {} joined by device id, {} by user, {} joined nothing, {} named no client",
            plural(u.entries, "entry", "entries"),
            count(u.by_device),
            count(u.by_user),
            count(u.unmatched),
            count(u.no_client)
        )
    });
    if !s.clients.is_empty() {
        let seen: Vec<String> = s.clients.iter().map(|(c, n)| format!("{c} {}", count(*n))).collect();
        lines.push(format!("Clients seen (devices or users per client): {}", seen.join(" · ")));
    }
    lines
}

/// The results table's rows (header first), as cells.
pub fn result_rows(results: &[Totals]) -> Vec<[String; 7]> {
    let mut rows = vec![[
        "type".to_string(),
        "flow".to_string(),
        "phase".to_string(),
        "ready".to_string(),
        "blocked".to_string(),
        "unknown".to_string(),
        "n/a".to_string(),
    ]];
    for t in results {
        rows.push([
            t.passkey.to_string(),
            t.flow.to_string(),
            t.phase.to_string(),
            count(t.ready),
            count(t.blocked),
            count(t.unknown),
            count(t.not_applicable),
        ]);
    }
    rows
}

/// "security-key same-device sign-in: 312 devices (280 users)".
pub fn blocker_title(b: &Blocker) -> String {
    let (first, second) = if b.flow == "same-device" {
        (plural(b.devices, "device", "devices"), plural(b.users, "user", "users"))
    } else {
        (plural(b.users, "user", "users"), plural(b.devices, "computer", "computers"))
    };
    format!("{} {} {}: {first} ({second})", b.passkey, b.flow, b.phase)
}

pub fn render(s: &Summary) -> String {
    let mut out = header_lines(s).join("\n");
    out.push_str("\n\nResults (same-device counts devices; cross-device counts users)\n");
    let rows = result_rows(&s.results);
    let widths: Vec<usize> = (0..7).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for r in &rows {
        let mut line = String::from(" ");
        for (i, c) in r.iter().enumerate() {
            if i < 3 {
                line.push_str(&format!(" {c:<w$}", w = widths[i]));
            } else {
                line.push_str(&format!(" {c:>w$}", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str("\nBlockers, most first\n");
    if s.blockers.is_empty() {
        out.push_str("  none: no matrix row blocks any device or user\n");
    }
    for b in &s.blockers {
        let mark = if b.unverified { " (unverified)" } else { "" };
        out.push_str(&format!("  {} — row {}{mark}\n    {}\n", blocker_title(b), b.row, b.reason));
        for src in &b.sources {
            out.push_str(&format!(
                "    source {}: {} <{}>\n",
                src.id,
                crate::text::sanitize_line(&src.title),
                crate::text::sanitize_line(&src.url)
            ));
        }
    }
    out.push_str("\nUnknowns (counted, never guessed)\n");
    if s.unknowns.is_empty() {
        out.push_str("  none\n");
    }
    for u in &s.unknowns {
        out.push_str(&format!("  {}\n", u.sentence()));
    }
    if !s.conditions.is_empty() {
        out.push_str("\nConditions no inventory or log shows (check them before rollout)\n");
        for c in &s.conditions {
            out.push_str(&format!(
                "  {} ({}): {}\n",
                c.row,
                plural(c.results, "ready result", "ready results"),
                c.notes
            ));
        }
    }
    out
}
