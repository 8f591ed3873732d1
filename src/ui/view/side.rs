//! The side panel: facts known so far with provenance marks (symbol and word), and the path
//! of answers as breadcrumbs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{block, hanging};
use crate::engine::{Provenance, StepKind};
use crate::runbook::model::Node;
use crate::text::sanitize_line;
use crate::ui::app::App;

/// Symbol and word for a provenance; both are always shown.
pub fn mark(p: Provenance) -> (&'static str, &'static str) {
    match p {
        Provenance::Asked => ("●", "asked"),
        Provenance::FactsFile => ("≡", "file"),
        Provenance::Derived => ("⇒", "derived"),
        Provenance::AssumedUnknown => ("?", "assumed"),
        Provenance::Imported => ("↓", "imported"),
        Provenance::Deferred => ("⏸", "deferred"),
        Provenance::Skipped => ("⤼", "skipped"),
    }
}

/// The legend, for help.
pub const LEGEND: &str = "● asked on this call · ≡ from the facts file · ⇒ derived by a rule or a search jump · ? assumed unknown · ↓ imported · ⏸ deferred (an admin check, for tier 2) · ⤼ skipped (no answer could change the outcome) · T1 brought by the tier-1 session of an escalation package (← can still change it)";

/// The mark of a fact (or answer) that came from the tier-1 session.
pub const TIER1: &str = "T1";

/// Keeps whole entries (each a group of lines) from the end so they fit in `h` lines, with a
/// "… N earlier" line first when some were dropped.
fn fit_tail(entries: Vec<Vec<Line<'static>>>, h: usize, what: &str, theme: &Theme) -> Vec<Line<'static>> {
    let total: usize = entries.iter().map(Vec::len).sum();
    if total <= h {
        return entries.into_iter().flatten().collect();
    }
    let mut kept: Vec<Vec<Line<'static>>> = Vec::new();
    let mut used = 1;
    for e in entries.iter().rev() {
        if used + e.len() > h {
            break;
        }
        used += e.len();
        kept.push(e.clone());
    }
    let dropped = entries.len() - kept.len();
    let mut out = vec![Line::styled(format!("… {dropped} earlier {what}"), theme.dim())];
    out.extend(kept.into_iter().rev().flatten());
    out.truncate(h);
    out
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let facts_h = ((u32::from(area.height) * 55 + 50) / 100) as u16;
    let facts_area = Rect::new(area.x, area.y, area.width, facts_h);
    let path_area = Rect::new(area.x, area.y + facts_h, area.width, area.height - facts_h);
    let inner_w = facts_area.width.saturating_sub(2) as usize;
    let walk = &app.session.walk;

    // Facts grouped by where they came from: a heading with symbol and word, then each fact
    // with the symbol again (so a fact's mark survives truncation).
    let order = [
        Provenance::Asked,
        Provenance::FactsFile,
        Provenance::Imported,
        Provenance::Derived,
        Provenance::AssumedUnknown,
    ];
    let mut facts: Vec<Line<'static>> = Vec::new();
    for p in order {
        let group: Vec<_> = walk.facts.iter().filter(|(_, f)| f.provenance == p).collect();
        if group.is_empty() {
            continue;
        }
        let (sym, word) = mark(p);
        let heading = match p {
            // Tier 2: what tier 1 asked was not asked on this call.
            Provenance::Asked if group.iter().all(|(_, f)| f.via.is_some()) => "asked by tier 1",
            Provenance::Asked if group.iter().any(|(_, f)| f.via.is_some()) => "asked (T1 = by tier 1)",
            _ => long_word(p).unwrap_or(word),
        };
        facts.push(Line::styled(format!("{sym} {heading}"), theme.bold()));
        for (key, f) in group {
            let mut prefix = vec![Span::styled(format!(" {sym} "), theme.bold())];
            if f.via.is_some() {
                prefix.push(Span::styled(format!("{TIER1} "), theme.key()));
            }
            facts.extend(hanging(
                prefix,
                &format!("{} = {}", sanitize_line(key), sanitize_line(&f.value)),
                inner_w,
                theme.plain(),
            ));
        }
    }
    if facts.is_empty() {
        facts.push(Line::styled("Nothing known yet.", theme.dim()));
    }
    let h = facts_area.height.saturating_sub(2) as usize;
    if facts.len() > h && h > 0 {
        let hidden = facts.len() - (h - 1);
        facts.truncate(h - 1);
        facts.push(Line::styled(format!("… {hidden} more lines: see ? / w"), theme.dim()));
    }
    let title = format!(" Facts ({}) ", walk.facts.len());
    let mut b = block(title, theme, false);
    if walk.facts.values().any(|f| f.via.is_some()) {
        b = b.title_bottom(format!(" {TIER1} = from tier 1 "));
    }
    super::draw_boxed(frame, facts_area, b, &facts, 0);

    // Breadcrumbs: every answer on the path, newest last; each at most two lines.
    let mut crumbs: Vec<Vec<Line<'static>>> = Vec::new();
    for (n, p) in walk.path.iter().filter(|p| p.kind != StepKind::Route).enumerate() {
        let short = match app.set.node(&p.node) {
            Some(Node::Question(q)) => sanitize_line(&q.fact),
            Some(Node::Step(s)) => sanitize_line(&s.title),
            _ => sanitize_line(&p.node.node),
        };
        let (_, answer) = super::walk::describe(&app.set, walk, p);
        let (sym, _) = mark(p.provenance);
        let mut prefix = vec![Span::styled(format!("{:>2} {sym} ", n + 1), theme.bold())];
        if from_tier1(walk, p) {
            prefix.push(Span::styled(format!("{TIER1} "), theme.key()));
        }
        let mut lines = hanging(prefix, &format!("{short}: {answer}"), inner_w, theme.plain());
        if lines.len() > 2 {
            lines.truncate(2);
            if let Some(last) = lines.last_mut() {
                last.spans.push(Span::raw("…"));
            }
        }
        crumbs.push(lines);
    }
    let here = match app.set.node(walk.position.node()) {
        Some(Node::Question(q)) => format!("now: {}", sanitize_line(&q.fact)),
        Some(Node::Step(s)) => format!("now: {}", sanitize_line(&s.title)),
        Some(Node::Outcome(o)) => format!("end: {}", sanitize_line(&o.class)),
        _ => String::new(),
    };
    let here_lines = hanging(vec![Span::styled("   → ", theme.bold())], &here, inner_w, theme.bold());
    let h = (path_area.height.saturating_sub(2) as usize).saturating_sub(here_lines.len());
    let mut lines = fit_tail(crumbs, h, "answers", theme);
    lines.extend(here_lines);
    let mut b = block(" Path ", theme, false);
    if !app.session.notes.trim().is_empty() {
        let n = app.session.notes.lines().count();
        b = b.title_bottom(format!(" notes: {n} line{} ", if n == 1 { "" } else { "s" }));
    }
    super::draw_boxed(frame, path_area, b, &lines, 0);
}

/// Did this answer on the path come from the tier-1 session (and still stand)?
pub fn from_tier1(walk: &crate::engine::Walk, p: &crate::engine::PathEntry) -> bool {
    let entry = match p.kind {
        StepKind::Question => p.fact.as_ref().and_then(|f| walk.facts.get(f)),
        StepKind::Step => walk.step_results.get(&p.node.to_string()),
        StepKind::Route => None,
    };
    entry.is_some_and(|e| e.via.is_some() && e.value == p.answer)
}

/// Group headings in the facts panel.
fn long_word(p: Provenance) -> Option<&'static str> {
    match p {
        Provenance::Asked => Some("asked on this call"),
        Provenance::FactsFile => Some("from the facts file"),
        Provenance::Derived => Some("derived"),
        Provenance::AssumedUnknown => Some("assumed unknown"),
        Provenance::Imported => Some("imported"),
        Provenance::Deferred => Some("deferred to tier 2 (admin checks)"),
        Provenance::Skipped => Some("skipped (can't change the outcome)"),
    }
}
