//! The diagnosis panel's text: the question, step or outcome as pre-wrapped lines, so
//! scrolling and mouse hits know exactly which line is which.

use ratatui::text::{Line, Span};

use crate::engine::{Current, PathEntry, StepKind, Walk};
use crate::runbook::model::{Actor, Node, Outcome, Question, Step};
use crate::runbook::{NodeRef, RunbookSet};
use crate::text::{sanitize_line, sanitize_text};
use crate::ui::app::App;
use crate::ui::keymap::{self, Action};
use crate::ui::marks::mark;
use crate::ui::screen::Target;
use crate::ui::text::truncate;
use crate::ui::view::theme::Theme;
use crate::ui::view::{filled, hanging, len_u16, para};

/// The panel's lines.
#[derive(Debug, Default)]
pub struct Content {
    /// Kept at the top, never scrolled (the outcome banner).
    pub pinned: Vec<Line<'static>>,
    pub lines: Vec<Line<'static>>,
    /// Which lines are clickable, and what they are.
    pub targets: Vec<(usize, Target)>,
    /// The highlighted item's first line.
    pub cursor_line: Option<usize>,
    /// The typed-answer line and the cursor's column in it, when focused.
    pub input: Option<(usize, u16)>,
}

impl Content {
    /// Drops blank lines at `gaps` (separators above the answers), last first, while the
    /// answers end below a viewport of `height` lines, so at 80×24 they fit where they can.
    fn fit_choices(&mut self, mut gaps: Vec<usize>, height: u16) {
        let Some(end) = self.targets.last().map(|(l, _)| l + 1) else { return };
        let mut over = end.saturating_sub(height as usize);
        gaps.sort_unstable();
        while over > 0
            && let Some(gap) = gaps.pop()
        {
            self.lines.remove(gap);
            let shift = |l: &mut usize| {
                if *l > gap {
                    *l -= 1;
                }
            };
            self.targets.iter_mut().for_each(|(l, _)| shift(l));
            if let Some(l) = self.cursor_line.as_mut() {
                shift(l);
            }
            if let Some((l, _)) = self.input.as_mut() {
                shift(l);
            }
            over -= 1;
        }
    }
}

pub fn build(app: &App, width: usize, height: u16, theme: &Theme) -> Content {
    let walk = &app.session.walk;
    let set = &app.set;
    match walk.current(set) {
        Some(Current::Question(r, q)) => question(app, r, q, width, height, theme),
        Some(Current::Step(r, s)) => step(app, r, s, width, height, theme),
        Some(Current::Outcome(r, o)) => outcome(app, r, o, width, height, theme),
        None => Content { lines: para(&lost(app), width, theme.error()), ..Content::default() },
    }
}

/// What to do when the walk stands somewhere it can't show (a runbook changed under a session).
fn lost(app: &App) -> String {
    let ctx = app.base_context();
    let quit = "quit and run `passkey-triage lint`";
    let what = match (keymap::key_for(&ctx, Action::Restart), keymap::key_for(&ctx, Action::Quit)) {
        (Some(r), Some(q)) => format!("Press {r} to restart, or {q} to {quit}."),
        (None, Some(q)) => format!("Press {q} to {quit}."),
        (Some(r), None) => format!("Press {r} to restart."),
        (None, None) => String::new(),
    };
    let at = sanitize_line(&app.session.walk.position.node().to_string());
    format!("The walk stands at {at}, which is not a question, step or outcome. {what}")
}

/// Numbered choices; the highlighted one is reversed and marked ▶.
pub fn choices(c: &mut Content, labels: &[(String, bool)], highlight: Option<usize>, width: usize, theme: &Theme) {
    for (i, (label, earlier)) in labels.iter().enumerate() {
        let on = highlight == Some(i);
        let num = if i < 9 { format!("{}", i + 1) } else { " ".to_string() };
        let marker = if on { "▶ " } else { "  " };
        let style = if on { theme.selected() } else { theme.plain() };
        let text = if *earlier { format!("{label}   ↺ earlier answer") } else { label.clone() };
        let prefix = vec![Span::raw(marker), Span::styled(format!("{num} "), if on { style } else { theme.key() })];
        let first = c.lines.len();
        if on {
            c.cursor_line = Some(first);
        }
        for l in hanging(prefix, &text, width, style) {
            c.targets.push((c.lines.len(), Target::Choice(i)));
            c.lines.push(l);
        }
    }
}

fn question(app: &App, _r: &NodeRef, q: &Question, width: usize, height: u16, theme: &Theme) -> Content {
    let mut c = Content::default();
    let walk = &app.session.walk;
    c.lines.extend(para(&sanitize_line(&q.prompt), width, theme.bold()));
    let gaps = vec![c.lines.len()];
    c.lines.push(Line::raw(""));
    let earlier = walk.previous_answers.get(&q.fact);
    let answers = super::shown_now(app);
    if let Some(e) = &q.entry {
        c.lines.extend(hanging(vec![Span::raw("✎ ")], &sanitize_line(&e.label), width, theme.plain()));
        let focused = app.walk_screen.focus_input;
        let prompt = if focused { "▶ > " } else { "  > " };
        let avail = width.saturating_sub(prompt.len() + 1).max(1);
        let (shown, col) = app.walk_screen.entry.visible(avail);
        let shown = match keymap::key_for(&typed_question(q), Action::TypeAnswer) {
            Some(k) if shown.is_empty() && !focused => format!("({k} to type)"),
            _ => shown,
        };
        let style = if focused { theme.input().patch(theme.bold()) } else { theme.dim() };
        let pad = avail.saturating_sub(crate::ui::text::width(&shown));
        if focused {
            c.input = Some((c.lines.len(), len_u16(4 + col)));
            c.cursor_line = Some(c.lines.len());
        }
        c.lines.push(Line::from(vec![
            Span::styled(prompt, if focused { theme.selected() } else { theme.plain() }),
            Span::styled(format!("{shown}{}", " ".repeat(pad)), style),
        ]));
        // A code being typed says what it officially means.
        if q.fact == "error.code"
            && let Some(code) = crate::aadsts::lookup(app.walk_screen.entry.text())
        {
            c.lines.extend(hanging(vec![Span::raw("    ")], &code.one_line(), width, theme.dim()));
        }
        if let Some(why) = &app.walk_screen.refusal {
            c.lines.extend(hanging(vec![Span::raw("  ✖ ")], why, width, theme.error()));
        }
        let typed = answers.first().is_none_or(|a| a.matched) && !app.walk_screen.entry.text().trim().is_empty();
        let heading = match (typed, answers.is_empty()) {
            (false, true) => None,
            (false, false) => Some("Or pick:".to_string()),
            (true, false) if focused => Some("Matches (Enter takes 1; ↓ then a digit):".to_string()),
            (true, false) => Some("Matches:".to_string()),
            // A version or code typed is a value, not a search.
            (true, true) if is_text(app, q) => Some("No match: Enter keeps it as not recognised".to_string()),
            (true, true) => None,
        };
        if let Some(h) = heading {
            c.lines.push(Line::styled(truncate(&h, width), theme.dim()));
        }
    }
    let labels: Vec<(String, bool)> =
        answers.iter().map(|o| (sanitize_line(&o.label), earlier == Some(&o.value) && answers.len() > 1)).collect();
    let highlight = (!app.walk_screen.focus_input || q.entry.is_none()).then_some(app.walk_screen.cursor);
    choices(&mut c, &labels, highlight, width, theme);
    c.fit_choices(gaps, height);
    help_lines(&mut c, app, q, width, theme);
    c
}

/// "How the user finds out": the question's help items that fit the walk's facts so far (an item
/// for another platform than the one known is left out), one paragraph each.
pub(in crate::ui::screen) fn help_lines(c: &mut Content, app: &App, q: &Question, width: usize, theme: &Theme) {
    let lookup = app.session.walk.lookup();
    let texts: Vec<String> = crate::engine::outcome::help_texts(&q.help, &lookup, &app.set.matrix)
        .into_iter()
        .map(sanitize_text)
        .filter(|t| !t.trim().is_empty())
        .collect();
    if texts.is_empty() {
        return;
    }
    c.lines.push(Line::raw(""));
    c.lines.push(Line::styled("How the user finds out", theme.bold()));
    let mut notes = Vec::new();
    for text in &texts {
        let (aloud, remarks) = super::aloud::split(text);
        if !aloud.is_empty() {
            c.lines.extend(para(&aloud, width, theme.plain()));
        }
        notes.extend(remarks);
    }
    source_notes(c, &notes, width, theme);
}

/// Remarks about the sources, taken out of what is read aloud: for the agent, after it.
fn source_notes(c: &mut Content, notes: &[String], width: usize, theme: &Theme) {
    if notes.is_empty() {
        return;
    }
    c.lines.push(Line::styled("About the sources (not to read out)", theme.dim()));
    for n in notes {
        c.lines.extend(hanging(vec![Span::raw("  · ")], &sanitize_line(n), width, theme.dim()));
    }
}

/// A free-text fact (an app name, a message), whose typed text is matched against the answers.
fn is_text(app: &App, q: &Question) -> bool {
    matches!(app.set.vocab.fact(&q.fact).map(|d| &d.ty), Some(crate::vocab::FactType::Text)) && q.fact != "error.code"
}

/// The keys of a typed question while its listed answers have the focus.
fn typed_question(q: &Question) -> keymap::KeyContext {
    keymap::KeyContext { typed: true, items: q.options.len(), ..keymap::KeyContext::new(keymap::Screen::Question) }
}

fn step(app: &App, r: &NodeRef, s: &Step, width: usize, height: u16, theme: &Theme) -> Content {
    let mut c = Content::default();
    let mut gaps = Vec::new();
    c.lines.extend(para(&sanitize_line(&s.title), width, theme.bold()));
    gaps.push(c.lines.len());
    c.lines.push(Line::raw(""));
    let (aloud, notes) = super::aloud::split(&sanitize_text(&s.instruction));
    c.lines.extend(para(&aloud, width, theme.plain()));
    gaps.push(c.lines.len());
    c.lines.push(Line::raw(""));
    c.lines.push(Line::styled("What happened?", theme.bold()));
    let labels: Vec<(String, bool)> = s
        .options
        .iter()
        .map(|o| (sanitize_line(&o.label), app.session.walk.previous_answers.get(&r.to_string()) == Some(&o.value)))
        .collect();
    choices(&mut c, &labels, Some(app.walk_screen.cursor), width, theme);
    c.fit_choices(gaps, height);
    // The citation is for the record: after the results, so they are never pushed below.
    if let Some((title, url)) = source_parts(&app.set, r, &s.source) {
        c.lines.push(Line::raw(""));
        c.lines.extend(hanging(vec![Span::styled("Source: ", theme.bold())], &title, width, theme.plain()));
        c.lines.extend(hanging(vec![Span::raw("    ")], &url, width, theme.input()));
    }
    source_notes(&mut c, &notes, width, theme);
    c
}

/// The known second faults (contract §9.6), right after the remediation: class, title, source.
fn still_blocking(c: &mut Content, app: &App, width: usize, theme: &Theme) {
    let lines = crate::export::also::lines(&app.session);
    if lines.is_empty() {
        return;
    }
    c.lines.push(Line::raw(""));
    c.lines.push(Line::styled(crate::export::also::HEADING, theme.bold()));
    for l in lines {
        c.lines.extend(hanging(vec![Span::raw("  • ")], &l, width, theme.plain()));
    }
}

fn outcome(app: &App, r: &NodeRef, o: &Outcome, width: usize, _height: u16, theme: &Theme) -> Content {
    let mut c = Content::default();
    // Pinned: the banner, class and title. The reason and what to collect follow whole, at the
    // top of what scrolls, then the steps, then the sources.
    // Only the steps that apply to this call, with its own values quoted.
    let rendered = crate::engine::outcome::render(&app.set, &app.session.walk, o);
    let mut title = para(&sanitize_line(&o.title), width, theme.bold());
    title.truncate(2);
    let class = Line::from(vec![
        Span::styled("Class ", theme.dim()),
        Span::styled(truncate(&sanitize_line(&o.class), width.saturating_sub(6)), theme.bold()),
    ]);
    let tier2 = crate::export::tier2(&app.session);
    let resolved = o.resolved_on_call;
    let open_checks = !resolved && !app.session.differential.is_empty();
    if o.escalate && tier2 {
        // Tier 2 is where the call went: what it does next, not where to send it.
        let next = if open_checks {
            " ▲ TIER 2 NEXT: settle open checks, then steps"
        } else {
            " ▲ TIER 2 NEXT: do the steps below"
        };
        c.pinned.push(filled(next, width, theme.escalate()));
    } else if o.escalate {
        c.pinned.push(filled(" !! ESCALATE TO TIER 2 !!", width, theme.escalate()));
    } else if resolved {
        c.pinned.push(filled(" ✔ RESOLVED ON THE CALL: no escalation", width, theme.resolved()));
    } else {
        c.pinned.push(filled(" ● CLASSIFIED: no escalation needed", width, theme.classified()));
    }
    c.pinned.push(class);
    c.pinned.extend(title);
    if o.escalate {
        if let Some(reason) = &o.escalation_reason {
            c.lines.extend(hanging(
                vec![Span::styled("Reason: ", theme.bold())],
                &sanitize_line(reason),
                width,
                theme.plain(),
            ));
        }
        if !rendered.collect.is_empty() {
            let heading = if tier2 { "Tier 1 was to collect" } else { "Collect for tier 2" };
            c.lines.push(Line::styled(heading, theme.bold()));
            for item in &rendered.collect {
                c.lines.extend(hanging(vec![Span::raw("  • ")], &sanitize_line(item), width, theme.plain()));
            }
        }
    }
    // Source remarks go to the sources, under the source they qualify (the summary's: general).
    let mut remarks: Vec<(Option<String>, String)> = Vec::new();
    let (summary, notes) = super::aloud::split(&sanitize_text(&o.summary));
    remarks.extend(notes.into_iter().map(|n| (None, n)));
    let mut about: Vec<Line<'static>> = vec![Line::raw("")];
    about.extend(para(&summary, width, theme.plain()));
    if let Some(row) = &rendered.matrix_row {
        let mut t = format!("Matrix row: {} ({})", row.id, row.verdict.as_str());
        if let Some((fact, have, min)) = &row.below {
            let os = crate::vocab::os_fact_of(fact).and_then(|k| app.session.walk.fact(k));
            let releases = crate::vocab::releases::Releases::builtin();
            t.push_str(&format!(": {fact} {} is below {}", releases.describe(os, have), releases.describe(os, min)));
        }
        t.push_str(" · m shows it");
        about.extend(para(&sanitize_line(&t), width, theme.dim()));
    }
    // An escalation's reason says what the summary would: its steps come first, the summary
    // after them.
    if !o.escalate {
        c.lines.append(&mut about);
    }
    c.lines.push(Line::raw(""));
    // Sources are listed as the steps first cite them, under the ids the notes use too (a
    // number of the screen's own would make [S1] mean two documents on one call).
    let mut ids: Vec<&str> = Vec::new();
    for rem in &rendered.remediation {
        if !ids.contains(&rem.source.as_str()) {
            ids.push(&rem.source);
        }
    }
    let done = &app.session.checklist.done;
    let n_done = done.iter().filter(|d| d.is_some()).count();
    c.lines.push(Line::styled(format!("Remediation: {n_done} of {} done", rendered.remediation.len()), theme.bold()));
    for (i, rem) in rendered.remediation.iter().enumerate() {
        let on = app.walk_screen.cursor == i;
        let ticked = done.get(i).is_some_and(|d| d.is_some());
        let marker = if on { "▶ " } else { "  " };
        let box_ = if ticked { "[x] " } else { "[ ] " };
        let num = if i < 9 { format!("{}. ", i + 1) } else { "   ".to_string() };
        let by = match rem.by {
            Some(Actor::User) => " (user)",
            Some(Actor::Agent) => " (agent)",
            Some(Actor::Admin) => " (admin)",
            None => "",
        };
        // Windows builds as callers read them: "Windows 10 1903 (build 18362)".
        let text = crate::vocab::releases::Releases::builtin().quote_builds(&rem.text);
        let (aloud, notes) = super::aloud::split(&sanitize_line(&text));
        remarks.extend(notes.into_iter().map(|n| (Some(rem.source.clone()), n)));
        let text = format!("{aloud}{by} [{}]", sanitize_line(&rem.source));
        let style = if on { theme.selected() } else { theme.plain() };
        let prefix = vec![Span::raw(marker), Span::styled(box_, theme.bold()), Span::styled(num, theme.key())];
        if on {
            c.cursor_line = Some(c.lines.len());
        }
        for l in hanging(prefix, &text, width, style) {
            c.targets.push((c.lines.len(), Target::Check(i)));
            c.lines.push(l);
        }
    }
    still_blocking(&mut c, app, width, theme);
    c.lines.append(&mut about);
    // Fixed on the call: no answer is open any more.
    let alternatives = &app.session.differential;
    if open_checks {
        c.lines.push(Line::raw(""));
        let heading = if o.escalate { "Open checks: what would change this" } else { "What would change this" };
        c.lines.push(Line::styled(heading, theme.bold()));
        // Ranked most likely first (contract §9.5): the first three classes, the rest counted.
        let mut classes: Vec<&str> = Vec::new();
        for a in alternatives {
            if !classes.contains(&a.class.as_str()) {
                classes.push(&a.class);
            }
        }
        if classes.len() > 1 {
            let first: Vec<&str> = classes.iter().take(3).copied().collect();
            let rest = classes.len().saturating_sub(3);
            let more = crate::export::checks::less_likely(rest);
            let label = crate::export::checks::most_likely_label(o.escalate);
            let text = format!("{label}: {}{more}", first.join(", "));
            c.lines.extend(hanging(vec![Span::raw("  ")], &sanitize_line(&text), width, theme.plain()));
        }
        for (audience, items) in crate::engine::differential::by_audience(&app.set, alternatives) {
            c.lines.push(Line::styled(format!("  {}", audience.heading()), theme.dim()));
            for a in items {
                let meaning = crate::export::checks::meaning(Some(&app.set), &app.set.vocab, &a.outcome, &a.class);
                let text = format!("{} = {} → {} ({meaning})", a.fact, a.value, a.class);
                c.lines.extend(hanging(vec![Span::raw("    • ")], &sanitize_line(&text), width, theme.plain()));
            }
        }
    }
    if !ids.is_empty() || !remarks.is_empty() {
        c.lines.push(Line::raw(""));
        c.lines.push(Line::styled("Sources", theme.bold()));
        for id in &ids {
            let (title, url) = source_parts(&app.set, r, id)
                .unwrap_or_else(|| ("(not declared in the runbook)".to_string(), String::new()));
            c.lines.extend(hanging(
                vec![Span::styled(format!("  [{}] ", sanitize_line(id)), theme.bold())],
                &title,
                width,
                theme.plain(),
            ));
            // URLs on their own line, unbroken where possible, so they copy cleanly.
            if !url.is_empty() {
                c.lines.extend(hanging(vec![Span::raw("    ")], &url, width, theme.input()));
            }
            for (_, note) in remarks.iter().filter(|(s, _)| s.as_deref() == Some(*id)) {
                c.lines.extend(hanging(vec![Span::raw("    · ")], &sanitize_line(note), width, theme.dim()));
            }
        }
        let general: Vec<String> = remarks.iter().filter(|(s, _)| s.is_none()).map(|(_, n)| n.clone()).collect();
        source_notes(&mut c, &general, width, theme);
    }
    c
}

/// (title, URL) of a runbook source, sanitized.
pub fn source_parts(set: &RunbookSet, r: &NodeRef, id: &str) -> Option<(String, String)> {
    let rb = set.get(&r.runbook)?;
    let s = rb.runbook.sources.iter().find(|s| s.id == id)?;
    Some((sanitize_line(&s.title), sanitize_line(&s.url)))
}

/// The rule path that led here (the `w` overlay).
pub fn why_lines(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut c = Content::default();
    let walk = &app.session.walk;
    if walk.path.is_empty() {
        c.lines.extend(para("This is where every diagnosis starts.", width, theme.plain()));
        return c.lines;
    }
    for p in &walk.path {
        let (what, answer) = describe(&app.set, walk, p);
        let mark = mark(p.provenance);
        c.lines.extend(hanging(
            vec![Span::raw("  • ")],
            &format!("{what} → {answer} ({} {})", mark.0, mark.1),
            width,
            theme.plain(),
        ));
        if p.kind == StepKind::Route
            && let Some(note) = rule_note(&app.set, p)
        {
            c.lines.extend(hanging(vec![Span::raw("      ")], &note, width, theme.dim()));
        }
    }
    c.lines
}

/// (what was decided, the answer) for a path entry, sanitized.
pub fn describe(set: &RunbookSet, _walk: &Walk, p: &PathEntry) -> (String, String) {
    match set.node(&p.node) {
        Some(Node::Question(q)) => {
            let label = q
                .options
                .iter()
                .find(|o| crate::vocab::same_value(&q.fact, &p.answer, &o.value))
                .map(|o| o.label.clone())
                .unwrap_or_else(|| p.answer.clone());
            (sanitize_line(&q.prompt), sanitize_line(&label))
        }
        Some(Node::Step(s)) => {
            let label = s
                .options
                .iter()
                .find(|o| o.value == p.answer)
                .map(|o| o.label.clone())
                .unwrap_or_else(|| p.answer.clone());
            (sanitize_line(&s.title), sanitize_line(&label))
        }
        Some(Node::Route(rt)) => {
            let what = if rt.title.is_empty() { format!("Rule {}", p.node) } else { rt.title.clone() };
            (sanitize_line(&what), sanitize_line(&p.answer))
        }
        _ => (sanitize_line(&p.node.to_string()), sanitize_line(&p.answer)),
    }
}

/// The note of the route rule a path entry records ("rule N: …").
fn rule_note(set: &RunbookSet, p: &PathEntry) -> Option<String> {
    let Some(Node::Route(rt)) = set.node(&p.node) else { return None };
    let n: usize = p.answer.strip_prefix("rule ")?.split(':').next()?.parse().ok()?;
    let note = &rt.rules.get(n.checked_sub(1)?)?.note;
    (!note.is_empty()).then(|| sanitize_line(note))
}
