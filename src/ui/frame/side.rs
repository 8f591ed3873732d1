//! The side panel: facts known so far with provenance marks (symbol and word), and the path
//! of answers as breadcrumbs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::runbook::model::Node;
use crate::text::sanitize_line;
use crate::ui::app::App;
use crate::ui::keymap::{self, Action, Screen};
use crate::ui::marks::{TIER1, by_tier1, from_tier1, mark};
use crate::ui::screen::facts::fact_blocks;
use crate::ui::screen::walk::content::describe;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_boxed, hanging};

/// Keeps whole entries (each a group of lines) from the end so they fit in `h` lines, with a
/// "… N earlier" line first when some were dropped.
/// `what` is the entries' name, one and many: `("answer", "answers")`.
fn fit_tail(entries: Vec<Vec<Line<'static>>>, h: usize, what: (&str, &str), theme: &Theme) -> Vec<Line<'static>> {
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
    let what = if dropped == 1 { what.0 } else { what.1 };
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

    let blocks = fact_blocks(app, inner_w, theme);
    let h = facts_area.height.saturating_sub(2) as usize;
    let total_lines: usize = blocks.iter().map(|b| b.lines.len()).sum();
    let mut facts: Vec<Line<'static>> = Vec::new();
    if total_lines > h && h > 0 {
        // Whole facts only (a value is never cut off), and the count is of facts, not lines.
        let mut used = 0;
        let mut shown_facts = 0;
        for b in &blocks {
            if used + b.lines.len() > h - 1 {
                break;
            }
            used += b.lines.len();
            shown_facts += usize::from(b.is_fact);
            facts.extend(b.lines.iter().cloned());
        }
        let hidden = walk.facts.len().saturating_sub(shown_facts);
        // `f` holds on every diagnosis screen but a typed answer's line, where letters type:
        // there the way is the listed answers first.
        let ctx = keymap::KeyContext::new(app.base_screen());
        let see = match keymap::key_for(&ctx, Action::Facts) {
            Some(k) => format!(": {k} shows all"),
            None => keymap::key_for(&keymap::KeyContext::new(Screen::Question), Action::Facts)
                .map(|k| format!(" (↓ then {k})"))
                .unwrap_or_default(),
        };
        facts.push(Line::styled(format!("… {hidden} more{see}"), theme.dim()));
    } else {
        facts.extend(blocks.into_iter().flat_map(|b| b.lines));
    }
    let title = format!(" Facts ({}) ", walk.facts.len());
    let mut b = block(title, theme, false);
    if walk.facts.values().any(|f| by_tier1(f.via.as_deref())) {
        b = b.title_bottom(format!(" {TIER1} = from tier 1 "));
    }
    draw_boxed(frame, facts_area, b, &facts, 0);

    // Breadcrumbs: every answer on the path, newest last; each at most two lines. Numbered as
    // the title counts questions (asked on this call); checks left for tier 2 and questions that
    // could not change the outcome are not answers: one line says how many were left.
    let mut crumbs: Vec<Vec<Line<'static>>> = Vec::new();
    let mut asked = 0;
    let mut left_for_tier2 = 0;
    for p in crate::engine::questions_and_steps(&walk.path) {
        if p.provenance == crate::engine::Provenance::Deferred {
            left_for_tier2 += 1;
            continue;
        }
        if p.provenance == crate::engine::Provenance::Skipped {
            continue;
        }
        let number = if p.provenance == crate::engine::Provenance::Asked
            && p.kind == crate::engine::StepKind::Question
            && !from_tier1(walk, p)
        {
            asked += 1;
            // As the title numbered it when it was asked: the chooser asks ahead of the tree, so
            // the path's order isn't the call's.
            let n = p.fact.as_deref().and_then(|f| walk.asked_number(f)).unwrap_or(asked);
            format!("{n:>2}")
        } else {
            "  ".to_string()
        };
        let short = match app.set.node(&p.node) {
            Some(Node::Question(q)) => sanitize_line(&q.fact),
            Some(Node::Step(s)) => sanitize_line(&s.title),
            _ => sanitize_line(&p.node.node),
        };
        let (_, answer) = describe(&app.set, walk, p);
        let (sym, _) = mark(p.provenance);
        let mut prefix = vec![Span::styled(format!("{number} {sym} "), theme.bold())];
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
    let mut here_lines = Vec::new();
    if left_for_tier2 > 0 {
        let (sym, _) = mark(crate::engine::Provenance::Deferred);
        let s = if left_for_tier2 == 1 { "" } else { "s" };
        // Nothing goes to tier 2 from an outcome that doesn't escalate: the checks were only
        // not asked (they are in "what would change this" if the fix doesn't hold).
        let resolved_here = matches!(app.set.node(walk.position.node()), Some(Node::Outcome(o)) if !o.escalate);
        let text = if resolved_here {
            format!("{left_for_tier2} admin check{s} not asked")
        } else {
            format!("{left_for_tier2} admin check{s} left for tier 2")
        };
        here_lines.extend(hanging(vec![Span::styled(format!("   {sym} "), theme.dim())], &text, inner_w, theme.dim()));
    }
    here_lines.extend(hanging(vec![Span::styled("   → ", theme.bold())], &here, inner_w, theme.bold()));
    let h = (path_area.height.saturating_sub(2) as usize).saturating_sub(here_lines.len());
    let mut lines = fit_tail(crumbs, h, ("answer", "answers"), theme);
    lines.extend(here_lines);
    let mut b = block(" Path ", theme, false);
    if !app.session.notes.trim().is_empty() {
        let n = app.session.notes.lines().count();
        b = b.title_bottom(format!(" notes: {n} line{} ", if n == 1 { "" } else { "s" }));
    }
    draw_boxed(frame, path_area, b, &lines, 0);
}
