//! Markdown ticket notes. Text from facts, notes and runbooks is escaped so it cannot inject
//! Markdown or HTML, and sanitised so it holds no terminal control characters.

use super::{both_times, heading, human_duration, path_rows, provenance_words, remediation, short_time, status_words};
use crate::session::Session;
use crate::text::{sanitize_line, sanitize_text};

/// Renders the session as Markdown.
pub fn render(s: &Session) -> String {
    let mut o = String::new();
    o.push_str(&format!("# {}\n\n", inline(&heading(s))));
    o.push_str("| | |\n|---|---|\n");
    let row = |o: &mut String, k: &str, v: String| o.push_str(&format!("| **{k}** | {v} |\n"));
    row(&mut o, "Ticket", s.ticket.as_deref().map(cell).unwrap_or_else(|| "-".into()));
    row(&mut o, "User", s.user.as_deref().map(cell).unwrap_or_else(|| "-".into()));
    row(&mut o, "Agent", s.agent.as_deref().map(cell).unwrap_or_else(|| "-".into()));
    let mut sid = code(&s.id);
    if let Some(c) = &s.continued_from {
        sid.push_str(&format!(" (continues tier-1 session {})", code(c)));
    }
    if s.redacted {
        sid.push_str(" (redacted)");
    }
    row(&mut o, "Session", sid);
    row(&mut o, "Started", cell(&both_times(s, s.started_at)));
    match s.ended_at {
        Some(e) => {
            row(&mut o, "Ended", cell(&both_times(s, e)));
            row(&mut o, "Duration", cell(&human_duration(s.duration(e))));
        }
        None => row(&mut o, "Ended", "- (still open)".into()),
    }
    row(&mut o, "Status", cell(&status_words(s)));

    if let Some(out) = &s.outcome {
        o.push_str(&format!("\n## Outcome: {}\n\n", inline(&out.title)));
        o.push_str(&format!("- **Class:** {}\n", code(&out.class)));
        o.push_str(&format!("- **Outcome node:** {}\n", code(&out.node.to_string())));
        let esc = match (&out.escalate, &out.escalation_reason) {
            (true, Some(r)) => format!("**yes**: {}", inline(r)),
            (true, None) => "**yes**".to_string(),
            (false, _) => "no".to_string(),
        };
        o.push_str(&format!("- **Escalate:** {esc}\n"));
        o.push_str(&format!("- **Resolved on the call:** {}\n", if out.resolved_on_call { "yes" } else { "no" }));
        if !out.summary.trim().is_empty() {
            o.push_str(&format!("\n{}\n", inline(&out.summary)));
        }
        let steps = remediation(s);
        if !steps.is_empty() {
            o.push_str("\n## Remediation\n\n");
            for (n, text, source, done) in steps {
                let mark = if done.is_some() { "[x]" } else { "[ ]" };
                let state = match done {
                    Some(t) => format!("done {} UTC", short_time(s, t)),
                    None => "not done".to_string(),
                };
                let cite = s
                    .sources
                    .iter()
                    .find(|c| c.id == source && c.runbook == out.node.runbook)
                    .map(|c| format!(" — {}", link(&c.title, &c.url)))
                    .unwrap_or_default();
                o.push_str(&format!("- {mark} {n}. {} _({state})_{cite}\n", inline(text)));
            }
        }
        if !out.collect.is_empty() {
            o.push_str("\n## Collect for tier 2\n\n");
            for c in &out.collect {
                o.push_str(&format!("- {}\n", inline(c)));
            }
        }
    }

    o.push_str("\n## Facts\n\n");
    if s.walk.facts.is_empty() {
        o.push_str("_None._\n");
    } else {
        o.push_str("| Fact | Value | Provenance | At (UTC) |\n|---|---|---|---|\n");
        for (k, f) in &s.walk.facts {
            o.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                code(k),
                cell(&f.value),
                cell(&provenance_words(f.provenance, f.via.as_deref())),
                short_time(s, f.at)
            ));
        }
    }

    o.push_str(&super::error_code::markdown(s));

    o.push_str("\n## Question path\n\n");
    if s.walk.path.is_empty() {
        o.push_str("_Nothing asked yet._\n");
    } else {
        o.push_str("| # | At (UTC) | Asked | Answer | Source | Node |\n|---|---|---|---|---|---|\n");
        for (n, p) in path_rows(s) {
            o.push_str(&format!(
                "| {n} | {} | {} | {} | {} | {} |\n",
                short_time(s, p.at),
                asked(p),
                cell(&p.answer),
                p.provenance.as_str(),
                code(&p.node.to_string())
            ));
        }
    }
    if s.is_open() {
        o.push_str(&format!("\nWaiting at {}.\n", code(&s.walk.position.node().to_string())));
    }

    o.push_str("\n## Notes\n\n");
    if s.notes.trim().is_empty() {
        o.push_str("_None._\n");
    } else {
        o.push_str(&fenced(&s.notes));
    }

    o.push_str("\n## Runbooks\n\n");
    o.push_str(&format!("- Set {} (matrix as of {})\n", code(&s.runbooks.hash), inline(&s.runbooks.matrix_as_of)));
    for r in &s.runbooks.runbooks {
        o.push_str(&format!("- {} as of {}\n", code(&r.id), inline(&r.as_of)));
    }
    if !s.sources.is_empty() {
        o.push_str("\n## Sources cited\n\n");
        for c in &s.sources {
            o.push_str(&format!("- {} ({} {})\n", link(&c.title, &c.url), code(&c.runbook), inline(&c.id)));
        }
    }
    o
}

/// The "Asked" cell of the question path.
fn asked(p: &crate::engine::PathEntry) -> String {
    use crate::engine::StepKind;
    match (p.kind, &p.fact) {
        (StepKind::Question, Some(f)) => code(f),
        (StepKind::Question, None) => "-".into(),
        (StepKind::Step, _) => format!("step {}", code(&p.node.node)),
        (StepKind::Route, _) => format!("route {}", code(&p.node.node)),
    }
}

/// One line of text with Markdown and HTML meta characters escaped.
pub fn inline(s: &str) -> String {
    let s = sanitize_line(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// A table cell: inline text, never empty.
fn cell(s: &str) -> String {
    let t = inline(s);
    if t.is_empty() { "-".into() } else { t }
}

/// An inline code span that holds any text (backtick runs included).
pub fn code(s: &str) -> String {
    let s = sanitize_line(s).replace('|', "\u{2758}");
    let longest = longest_run(&s, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// `[title](url)` with the title escaped; URLs that are not http(s) are shown, not linked.
pub(crate) fn link(title: &str, url: &str) -> String {
    let u = sanitize_line(url);
    let safe = (u.starts_with("https://") || u.starts_with("http://"))
        && !u.chars().any(|c| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>'));
    if safe { format!("[{}]({u})", inline(title)) } else { format!("{} ({})", inline(title), code(&u)) }
}

/// Multi-line text in a fenced block longer than any backtick run inside it.
fn fenced(text: &str) -> String {
    let t = sanitize_text(text);
    let t = t.trim_matches('\n');
    let fence = "`".repeat(longest_run(t, '`').max(2) + 1);
    format!("{fence}text\n{t}\n{fence}\n")
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(inline("a|b <img> *x*"), "a\\|b \\<img\\> \\*x\\*");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(link("T", "javascript:alert(1)"), "T (`javascript:alert(1)`)");
        assert!(fenced("```\nx").starts_with("````text\n"));
    }
}
