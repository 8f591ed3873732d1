//! `readiness --format markdown`: the rollout plan. Phase one is what is ready for most of the
//! estate that it applies to; what no device or user can use, and what blocks the rest, is
//! written down as intentionally out of scope, with the matrix row and its sources.

use super::summary::{Summary, Totals};
use super::{PasskeyType, count, plural};

/// Markdown-safe inline text: neutralised, and characters that would start markup escaped.
fn md(s: &str) -> String {
    let s = crate::text::sanitize_line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn words(t: &Totals) -> String {
    let ty = PasskeyType::ALL.iter().find(|p| p.as_str() == t.passkey).map_or(t.passkey, |p| p.words());
    format!("{ty}, {} {}", t.flow, t.phase)
}

/// Ready for at least half of those it applies to.
fn supported(t: &Totals) -> bool {
    let applicable = t.ready + t.blocked + t.unknown;
    t.ready > 0 && t.ready * 2 >= applicable
}

pub fn render(s: &Summary) -> String {
    let mut out = String::from("# Passkey rollout readiness\n\n");
    out.push_str(&format!(
        "{} and {} evaluated against the compatibility matrix as of {}. Same-device results count \
         devices; cross-device results count users.\n\n",
        plural(s.devices, "device", "devices"),
        plural(s.users, "user", "users"),
        s.as_of
    ));
    if !s.clients.is_empty() {
        let seen: Vec<String> = s.clients.iter().map(|(c, n)| format!("{} ({})", md(c), count(*n))).collect();
        out.push_str(&format!(
            "Clients seen in the sign-in logs (devices or users per client): {}.\n\n",
            seen.join(", ")
        ));
    }
    out.push_str("## Phase one: supported\n\n");
    let phase_one: Vec<&Totals> = s.results.iter().filter(|t| supported(t)).collect();
    if phase_one.is_empty() {
        out.push_str("Nothing is ready for most of the estate yet.\n\n");
    } else {
        out.push_str("| Passkey | Flow | Phase | Ready | Blocked | Unknown |\n|---|---|---|---:|---:|---:|\n");
        for t in &phase_one {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                t.passkey,
                t.flow,
                t.phase,
                count(t.ready),
                count(t.blocked),
                count(t.unknown)
            ));
        }
        out.push('\n');
    }
    out.push_str("## Intentionally out of scope for phase one\n\n");
    let mut any = false;
    for t in s.results.iter().filter(|t| !supported(t)) {
        any = true;
        let why = if t.ready + t.blocked + t.unknown == 0 {
            "not applicable to this estate".to_string()
        } else {
            format!("ready for {} of {}", count(t.ready), count(t.ready + t.blocked + t.unknown))
        };
        out.push_str(&format!("- {}: {why}.\n", md(&words(t))));
    }
    if !s.blockers.is_empty() {
        out.push_str("\n### What blocks the rest (matrix rows, most blocked first)\n\n");
    }
    for b in &s.blockers {
        any = true;
        let n = if b.flow == "same-device" {
            plural(b.devices, "device", "devices")
        } else {
            plural(b.users, "user", "users")
        };
        let sources: Vec<String> = b
            .sources
            .iter()
            .map(|src| if src.url.is_empty() { md(&src.id) } else { format!("[{}]({})", md(&src.id), md(&src.url)) })
            .collect();
        let unverified = if b.unverified { " (unverified row)" } else { "" };
        out.push_str(&format!(
            "- {} {} {} on {n}: {} (matrix row `{}`{unverified}; {}).\n",
            md(b.passkey),
            md(b.flow),
            md(b.phase),
            md(&b.reason),
            b.row.replace('`', ""),
            sources.join(", ")
        ));
    }
    if !any {
        out.push_str("Nothing: every combination is ready where it applies.\n");
    }
    out.push_str("\n## Settle before rollout (unknowns, never guessed)\n\n");
    if s.unknowns.is_empty() {
        out.push_str("No unknowns.\n");
    }
    for u in &s.unknowns {
        out.push_str(&format!("- {}\n", md(&u.sentence())));
    }
    if !s.conditions.is_empty() {
        out.push_str("\n## Conditions no inventory or log shows\n\n");
        for c in &s.conditions {
            out.push_str(&format!("- `{}`: {}\n", c.row.replace('`', ""), md(&c.notes)));
        }
    }
    out.push_str("\n## All results\n\n| Passkey | Flow | Phase | Ready | Blocked | Unknown | N/A |\n|---|---|---|---:|---:|---:|---:|\n");
    for t in &s.results {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            t.passkey,
            t.flow,
            t.phase,
            count(t.ready),
            count(t.blocked),
            count(t.unknown),
            count(t.not_applicable)
        ));
    }
    out
}
