//! Plain-text ticket notes, for ticket systems without Markdown: every line at most
//! [`WIDTH`] characters (long words and URLs are broken), no control characters.

use super::{
    both_times, checks, heading, human_duration, path_label, path_rows, provenance_words, remediation, resolution,
    short_time, status_words, why_rows,
};
use crate::runbook::RunbookSet;
use crate::session::Session;
use crate::text::{sanitize_line, sanitize_text};

/// Maximum line length.
pub const WIDTH: usize = 100;

/// Renders the session as wrapped plain text (`set`: see [`super::render_with`]).
pub fn render(s: &Session, set: Option<&RunbookSet>) -> String {
    let mut w = Writer::default();
    let title = sanitize_line(&heading(s));
    w.wrap("", "", &title);
    w.line(&"=".repeat(title.chars().count().min(WIDTH)));
    let field = |w: &mut Writer, label: &str, value: &str| {
        let first = format!("{label:<10}");
        w.wrap(&first, &" ".repeat(10), &sanitize_line(value));
    };
    field(&mut w, "Ticket:", s.ticket.as_deref().unwrap_or("-"));
    field(&mut w, "User:", s.user.as_deref().unwrap_or("-"));
    field(&mut w, "Agent:", s.agent.as_deref().unwrap_or("-"));
    let mut sid = s.id.clone();
    if let Some(c) = &s.continued_from {
        sid.push_str(&format!(" (continues tier-1 session {c})"));
    }
    if s.redacted {
        sid.push_str(" [redacted]");
    }
    field(&mut w, "Session:", &sid);
    field(&mut w, "Started:", &both_times(s, s.started_at));
    match s.ended_at {
        Some(e) => {
            field(&mut w, "Ended:", &both_times(s, e));
            field(&mut w, "Duration:", &human_duration(s.duration(e)));
        }
        None => field(&mut w, "Ended:", "- (still open)"),
    }
    field(&mut w, "Status:", &status_words(s));

    if let Some(o) = &s.outcome {
        w.blank();
        w.wrap("OUTCOME: ", "         ", &sanitize_line(&o.title));
        field(&mut w, "Class:", &o.class);
        field(&mut w, "Node:", &o.node.to_string());
        let esc = match (&o.escalate, &o.escalation_reason) {
            (true, Some(r)) => format!("YES - {r}"),
            (true, None) => "YES".to_string(),
            (false, _) => "no".to_string(),
        };
        field(&mut w, "Escalate:", &esc);
        field(&mut w, "Resolved:", &resolution(s));
        if !o.summary.trim().is_empty() {
            w.blank();
            w.paragraphs("", &o.summary);
        }
        let steps = remediation(s);
        if !steps.is_empty() {
            w.blank();
            w.line("REMEDIATION");
            for (n, text, source, done) in steps {
                let mark = if done.is_some() { "[x]" } else { "[ ]" };
                let state = match done {
                    Some(t) => format!("done {} UTC", short_time(s, t)),
                    None => "not done".to_string(),
                };
                let src = if source.is_empty() { String::new() } else { format!(" [{source}]") };
                let first = format!("  {mark} {n}. ");
                let cont = " ".repeat(first.chars().count());
                let text = crate::vocab::releases::Releases::builtin().quote_builds(text);
                w.wrap(&first, &cont, &format!("{} ({state}){src}", sanitize_line(&text)));
            }
        }
        still_blocking(&mut w, s);
        open_checks(&mut w, s, set);
        if o.escalate && !o.collect.is_empty() {
            w.blank();
            w.line("COLLECT FOR TIER 2");
            for c in &o.collect {
                w.wrap("  - ", "    ", &sanitize_line(c));
            }
        }
    }

    w.blank();
    w.line("FACTS");
    if s.walk.facts.is_empty() {
        w.line("  (none)");
    }
    let key_w = s.walk.facts.keys().map(|k| k.chars().count()).max().unwrap_or(0).min(32);
    for (k, f) in &s.walk.facts {
        let first = format!("  {:<key_w$} = ", sanitize_line(k));
        let cont = " ".repeat(first.chars().count().min(40));
        let prov = provenance_words(f.provenance, f.via.as_deref());
        let mut value = super::value_words(set, k, &f.value);
        if let Some(c) = s.changed_on_call.iter().find(|c| c.fact == *k) {
            value = format!("{value}; {}", c.words());
        }
        w.wrap(&first, &cont, &format!("{}  ({prov}, {} UTC)", sanitize_line(&value), short_time(s, f.at)));
    }

    let code_lines = super::error_code::text_lines(s);
    if !code_lines.is_empty() {
        w.blank();
        w.line("ERROR CODE");
        for l in code_lines {
            w.wrap("  ", "    ", &l);
        }
    }

    w.blank();
    w.line("QUESTION PATH (questions and steps; times UTC)");
    if path_rows(s).next().is_none() {
        w.line(if s.is_open() { "  (nothing asked yet)" } else { "  (none: the facts known at the start decided it)" });
    }
    for (n, p) in path_rows(s) {
        let first = format!("  {n:>3}. {}  ", short_time(s, p.at));
        let cont = " ".repeat(first.chars().count());
        w.wrap(
            &first,
            &cont,
            &format!(
                "{} = {}  ({}; {})",
                sanitize_line(&path_label(p)),
                sanitize_line(&p.answer),
                p.provenance.as_str(),
                sanitize_line(&p.node.to_string())
            ),
        );
    }
    if s.is_open() {
        w.wrap("  ...  ", "       ", &format!("waiting at {}", sanitize_line(&s.walk.position.node().to_string())));
    }
    let asked = super::asked_off_path(s);
    if !asked.is_empty() {
        w.blank();
        w.line("ALSO ASKED ON THE CALL (answers the final path doesn't read; times UTC)");
        for (k, f) in asked {
            let first = format!("  - {}  ", short_time(s, f.at));
            let cont = " ".repeat(first.chars().count());
            let value = super::value_words(set, k, &f.value);
            w.wrap(&first, &cont, &format!("{} = {}", sanitize_line(k), sanitize_line(&value)));
        }
    }
    let tried = super::tried_off_path(s, set);
    if !tried.is_empty() {
        w.blank();
        w.line("ALSO TRIED ON THE CALL (steps the final path no longer passes)");
        for (node, result, title) in tried {
            let what = if title.is_empty() { node.to_string() } else { format!("{title} ({node})") };
            w.wrap("  - ", "    ", &format!("{} = {}", sanitize_line(&what), sanitize_line(result)));
        }
    }
    if why_rows(s).next().is_some() {
        w.blank();
        w.line("WHY (the runbook rules that decided the route)");
        for p in why_rows(s) {
            w.wrap("  - ", "    ", &format!("{}: {}", sanitize_line(&p.node.to_string()), sanitize_line(&p.answer)));
        }
    }

    w.blank();
    w.line("NOTES");
    if s.notes.trim().is_empty() {
        w.line("  (none)");
    } else {
        w.paragraphs("  ", &s.notes);
    }

    w.blank();
    w.line("RUNBOOKS");
    w.wrap(
        "  ",
        "  ",
        &format!("set {} (matrix as of {})", sanitize_line(&s.runbooks.hash), sanitize_line(&s.runbooks.matrix_as_of)),
    );
    for r in &s.runbooks.runbooks {
        w.wrap("  - ", "    ", &format!("{} (as of {})", sanitize_line(&r.id), sanitize_line(&r.as_of)));
    }
    if !s.sources.is_empty() {
        w.blank();
        w.line("SOURCES CITED");
        for c in &s.sources {
            w.wrap("  - ", "    ", &format!("[{}] {}", sanitize_line(&c.id), sanitize_line(&c.title)));
            w.wrap("    ", "    ", &sanitize_line(&c.url));
        }
    }
    w.finish()
}

/// The open checks (contract §7) by who can check them, each answer with what it would mean.
/// The known second faults (contract §9.6), after the remediation.
fn still_blocking(w: &mut Writer, s: &Session) {
    let lines = super::also::lines(s);
    if lines.is_empty() {
        return;
    }
    w.blank();
    w.line("STILL BLOCKING");
    w.wrap("  ", "  ", super::also::HEADING);
    for l in lines {
        w.wrap("  - ", "    ", &l);
    }
}

fn open_checks(w: &mut Writer, s: &Session, set: Option<&RunbookSet>) {
    let groups = checks::grouped(s, set);
    if groups.is_empty() {
        return;
    }
    w.blank();
    w.line(&format!("{} (each answer and what it would mean)", checks::heading(s).to_uppercase()));
    if let Some((first, rest)) = checks::most_likely(s) {
        let names: Vec<String> = first.iter().map(|c| sanitize_line(c)).collect();
        w.wrap(
            "  ",
            "  ",
            &format!(
                "{}: {}{}",
                checks::most_likely_label(s.outcome.as_ref().is_some_and(|o| o.escalate)),
                names.join(", "),
                checks::less_likely(rest)
            ),
        );
    }
    let stays = checks::current_class(s).unwrap_or("-");
    for (audience, items) in groups {
        w.wrap("  ", "  ", &format!("{}:", checks::audience_heading(audience)));
        for c in items {
            w.wrap("    ", "      ", &format!("{} ({})", sanitize_line(&c.fact), c.left_as));
            for a in &c.answers {
                let meaning = if a.meaning.is_empty() { String::new() } else { format!(": {}", a.meaning) };
                w.wrap(
                    "      - ",
                    "        ",
                    &format!("{} -> {}{meaning} [{}]", sanitize_line(&a.value), a.class, sanitize_line(&a.outcome)),
                );
            }
            w.wrap("      - ", "        ", &format!("any other answer: stays {}", sanitize_line(stays)));
        }
    }
}

/// Accumulates wrapped lines.
#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    /// Every line leaves through here: neutralised (whatever field it came from) and cut to
    /// [`WIDTH`].
    fn line(&mut self, l: &str) {
        let l: String = sanitize_line(l).chars().take(WIDTH).collect();
        self.out.push_str(l.trim_end());
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Each line of multi-line text wrapped with `indent`; blank lines kept (once).
    fn paragraphs(&mut self, indent: &str, text: &str) {
        let clean = sanitize_text(text);
        let mut last_blank = false;
        for l in clean.trim_matches('\n').lines() {
            if l.trim().is_empty() {
                if !last_blank {
                    self.out.push('\n');
                }
                last_blank = true;
                continue;
            }
            last_blank = false;
            // Keep the line's own indentation (lists in notes).
            let lead: String = l.chars().take_while(|c| *c == ' ').take(20).collect();
            let first = format!("{indent}{lead}");
            self.wrap(&first, &first, l.trim_start());
        }
    }

    /// Greedy word wrap of one logical line: `first` prefixes the first line, `cont` the others.
    /// Linear in the text's length, however long its words (a 10 MB one-word note included).
    fn wrap(&mut self, first: &str, cont: &str, text: &str) {
        let text = sanitize_line(text);
        let mut prefix = sanitize_line(first);
        if prefix.chars().count() > WIDTH / 2 {
            // A prefix this long (a huge fact key) gets lines of its own.
            self.wrap("", cont, prefix.trim_end());
            prefix = cont.chars().take(WIDTH / 2).collect();
        }
        let cont: String = sanitize_line(cont).chars().take(WIDTH / 2).collect();
        let mut line = String::new();
        let mut len = 0usize; // chars in `line`
        let room = |p: &str| WIDTH.saturating_sub(p.chars().count()).max(20);
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let mut rest = word;
            let mut rest_len = word.chars().count();
            loop {
                let avail = room(&prefix);
                let need = if len == 0 { rest_len } else { len + 1 + rest_len };
                if need <= avail {
                    if len > 0 {
                        line.push(' ');
                    }
                    line.push_str(rest);
                    len = need;
                    break;
                }
                if len > 0 {
                    self.line(&format!("{prefix}{line}"));
                    prefix.clone_from(&cont);
                    line.clear();
                    len = 0;
                    continue;
                }
                // A word longer than a whole line: break it.
                let cut = rest.char_indices().nth(avail).map_or(rest.len(), |(i, _)| i);
                let (head, tail) = rest.split_at(cut);
                self.line(&format!("{prefix}{head}"));
                prefix.clone_from(&cont);
                rest = tail;
                rest_len -= avail.min(rest_len);
                if rest.is_empty() {
                    break;
                }
            }
        }
        self.line(&format!("{prefix}{line}"));
    }

    fn finish(self) -> String {
        self.out
    }
}
