//! Markdown ticket notes. Text from facts, notes and runbooks is escaped so it cannot inject
//! Markdown or HTML, and sanitised so it holds no terminal control characters.

use super::{
    both_times, checks, heading, human_duration, path_rows, provenance_words, remediation, resolution, short_time,
    status_words, why_rows,
};
use crate::runbook::RunbookSet;
use crate::session::Session;
use crate::text::{sanitize_line, sanitize_text};

/// Prose lines are wrapped at this many characters (tables can't be).
pub const WIDTH: usize = 100;

/// Renders the session as Markdown (`set`: see [`super::render_with`]).
pub fn render(s: &Session, set: Option<&RunbookSet>) -> String {
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
        o.push_str(&wrapped("- ", "  ", &format!("**Escalate:** {esc}")));
        o.push_str(&wrapped("- ", "  ", &format!("**Resolved:** {}", inline(&resolution(s)))));
        if !out.summary.trim().is_empty() {
            o.push('\n');
            o.push_str(&wrapped("", "", &inline(&out.summary)));
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
                    // The source's id as the link text keeps the line short; its title is under
                    // "Sources cited".
                    .map(|c| format!(" — {}", link(&c.id, &c.url)))
                    .unwrap_or_default();
                let text = crate::vocab::releases::Releases::builtin().quote_builds(text);
                o.push_str(&wrapped(&format!("- {mark} "), "  ", &format!("{n}. {} _({state})_{cite}", inline(&text))));
            }
        }
        o.push_str(&still_blocking(s));
        o.push_str(&open_checks(s, set));
        if out.escalate && !out.collect.is_empty() {
            o.push_str("\n## Collect for tier 2\n\n");
            for c in &out.collect {
                o.push_str(&wrapped("- ", "  ", &inline(c)));
            }
        }
    }

    o.push_str("\n## Facts\n\n");
    if s.walk.facts.is_empty() {
        o.push_str("_None._\n");
    } else {
        o.push_str("| Fact | Value | Provenance | At (UTC) |\n|---|---|---|---|\n");
        for (k, f) in &s.walk.facts {
            let mut value = super::value_words(set, k, &f.value);
            if let Some(c) = s.changed_on_call.iter().find(|c| c.fact == *k) {
                value = format!("{value}; {}", c.words());
            }
            o.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                code(k),
                cell(&value),
                cell(&provenance_words(f.provenance, f.via.as_deref())),
                short_time(s, f.at)
            ));
        }
    }

    o.push_str(&super::error_code::markdown(s));

    o.push_str("\n## Question path\n\n");
    if path_rows(s).next().is_none() {
        o.push_str(if s.is_open() {
            "_Nothing asked yet._\n"
        } else {
            "_None: the facts known at the start decided it._\n"
        });
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
    let asked = super::asked_off_path(s);
    if !asked.is_empty() {
        o.push_str("\n## Also asked on the call\n\nAnswers the final path doesn't read (times UTC).\n\n");
        for (k, f) in asked {
            let value = super::value_words(set, k, &f.value);
            o.push_str(&wrapped("- ", "  ", &format!("{} {} = {}", short_time(s, f.at), code(k), inline(&value))));
        }
    }
    let tried = super::tried_off_path(s, set);
    if !tried.is_empty() {
        o.push_str("\n## Also tried on the call\n\nSteps the final path no longer passes.\n\n");
        for (node, result, title) in tried {
            let what = if title.is_empty() { code(node) } else { format!("{} ({})", inline(&title), code(node)) };
            o.push_str(&wrapped("- ", "  ", &format!("{what}: {}", inline(result))));
        }
    }
    if why_rows(s).next().is_some() {
        o.push_str("\n## Why: the runbook rules that decided the route\n\n");
        for p in why_rows(s) {
            o.push_str(&wrapped("- ", "  ", &format!("{}: {}", code(&p.node.to_string()), inline(&p.answer))));
        }
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
            o.push_str(&wrapped(
                "- ",
                "  ",
                &format!("**{}** {} ({})", inline(&c.id), inline(&c.title), code(&c.runbook)),
            ));
            o.push_str(&format!("  {}\n", bare_link(&c.url)));
        }
    }
    o
}

/// The open checks (contract §7) by who can check them, each answer with what it would mean.
fn open_checks(s: &Session, set: Option<&RunbookSet>) -> String {
    let groups = checks::grouped(s, set);
    if groups.is_empty() {
        return String::new();
    }
    let mut o = format!("\n## {}\n\nEach answer and what it would mean.\n", checks::heading(s));
    if let Some((first, rest)) = checks::most_likely(s) {
        let names: Vec<String> = first.iter().map(|c| code(c)).collect();
        o.push('\n');
        o.push_str(&wrapped(
            "",
            "",
            &format!(
                "{}: {}{}.",
                checks::most_likely_label(s.outcome.as_ref().is_some_and(|o| o.escalate)),
                names.join(", "),
                checks::less_likely(rest)
            ),
        ));
    }
    let stays = checks::current_class(s).unwrap_or("-");
    for (audience, items) in groups {
        o.push_str(&format!("\n### {}\n\n", inline(checks::audience_heading(audience))));
        for c in items {
            o.push_str(&wrapped("- ", "  ", &format!("{} ({})", code(&c.fact), inline(&c.left_as))));
            for a in &c.answers {
                let meaning = if a.meaning.is_empty() { String::new() } else { format!(": {}", inline(&a.meaning)) };
                let line = format!("{} → {}{meaning} ({})", code(&a.value), code(&a.class), code(&a.outcome));
                o.push_str(&wrapped("  - ", "    ", &line));
            }
            o.push_str(&wrapped("  - ", "    ", &format!("any other answer: stays {}", code(stays))));
        }
    }
    o
}

/// One Markdown block (a paragraph or a list item) wrapped at [`WIDTH`]: `first` prefixes the
/// first line, `cont` the others. A line never starts with something Markdown would read as a
/// new block (`- `, `1.`, `=`, a fence…), so the wrapped text renders as the unwrapped one.
pub(super) fn wrapped(first: &str, cont: &str, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut line = String::from(first);
    let mut len = first.chars().count();
    let mut empty = true;
    for word in link_safe_words(text) {
        let word = word.as_str();
        let wlen = word.chars().count();
        if !empty && len + 1 + wlen > WIDTH && starts_safely(word) {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(cont);
            len = cont.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wlen;
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The words of `text`, a link's title kept whole with its URL (a link broken over two lines
/// still works, but reads badly where the Markdown is not rendered).
fn link_safe_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match out.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(word);
            }
            _ => out.push(word.to_string()),
        }
        open = link_open_after(word, open);
    }
    out
}

/// Is a link's `[title]` still open after `word` (titles escape their own brackets)?
fn link_open_after(word: &str, mut open: bool) -> bool {
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => open = true,
            ']' if chars.peek() == Some(&'(') => open = false,
            _ => {}
        }
    }
    open
}

/// Can a wrapped line start with this word without becoming a list item, heading, quote, fence,
/// table or setext underline?
fn starts_safely(word: &str) -> bool {
    let Some(c) = word.chars().next() else { return false };
    if c.is_ascii_digit() {
        let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
        return !(rest.starts_with('.') || rest.starts_with(')'));
    }
    if c.is_alphabetic() {
        return true;
    }
    let fence = word.starts_with("```") || word.starts_with("~~~");
    let bullet = c == '*' && word.len() == 1;
    matches!(c, '(' | '[' | '\\' | '"' | '\'' | '`' | '_' | '*') && !fence && !bullet
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
/// The known second faults (contract §9.6), after the remediation; empty when there are none.
fn still_blocking(s: &Session) -> String {
    if s.also.is_empty() {
        return String::new();
    }
    let mut o = format!("\n## Still blocking\n\n{}\n\n", inline(super::also::HEADING));
    for a in &s.also {
        let source = a
            .source
            .as_ref()
            .map(|src| format!(" Source: {}", link(&sanitize_line(&src.id), &sanitize_line(&src.url))))
            .unwrap_or_default();
        let line = format!("{}: {} ({}).{source}", code(&a.class), inline(&a.title), code(&a.outcome));
        o.push_str(&wrapped("- ", "  ", &line));
    }
    o
}

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

/// A URL on its own: `<https://…>` (an autolink) when it is a plain http(s) URL, else shown as code.
fn bare_link(url: &str) -> String {
    let u = sanitize_line(url);
    let safe = (u.starts_with("https://") || u.starts_with("http://"))
        && !u.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`'));
    if safe { format!("<{u}>") } else { code(&u) }
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

    #[test]
    fn wrapping_never_starts_a_new_block() {
        let text = format!("{} - 1. 2) = > # + ```x", "word ".repeat(19));
        let out = wrapped("- ", "  ", &text);
        for l in out.lines().skip(1) {
            let t = l.trim_start();
            assert!(starts_safely(t.split(' ').next().unwrap_or("")), "{l:?} in {out}");
        }
        assert_eq!(
            out.split_whitespace().collect::<Vec<_>>(),
            format!("- {text}").split_whitespace().collect::<Vec<_>>()
        );
        // Words that may not start a line stay on the one before, however long it gets.
        assert_eq!(out.lines().count(), 1, "{out}");
        let linked = format!("{} {}", "word ".repeat(17), link("Passkey FAQ [v2]", "https://example.com/faq"));
        assert!(wrapped("- ", "  ", &linked).contains("\n  [Passkey FAQ \\[v2\\]](https://example.com/faq)"));
        let prose = "word ".repeat(60);
        assert!(wrapped("", "", &prose).lines().all(|l| l.chars().count() <= WIDTH));
    }
}
