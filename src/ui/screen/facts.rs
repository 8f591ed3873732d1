//! `f`: every fact known so far, grouped by where it came from (asked, facts file, imported,
//! derived, assumed), each with its mark. The side panel shows the top of the same list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Reply;
use crate::engine::Provenance;
use crate::text::sanitize_line;
use crate::ui::app::App;
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::marks::{TIER1, by_tier1, mark};
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_boxed, hanging};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactsScreen {
    pub scroll: Scroll,
}

/// The facts, grouped by where they came from: a heading with symbol and word, then each fact
/// with the symbol again (so a fact's mark survives truncation), wrapped to `width`.
pub fn fact_lines(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    fact_blocks(app, width, theme).into_iter().flat_map(|b| b.lines).collect()
}

/// One heading or one fact (with its own extra lines), kept whole when a panel cuts the list.
pub struct FactBlock {
    pub lines: Vec<Line<'static>>,
    /// A fact, not a group heading.
    pub is_fact: bool,
}

/// [`fact_lines`] as blocks.
pub fn fact_blocks(app: &App, width: usize, theme: &Theme) -> Vec<FactBlock> {
    let walk = &app.session.walk;
    // Facts grouped by where they came from: a heading with symbol and word, then each fact
    // with the symbol again (so a fact's mark survives truncation).
    let order = [
        Provenance::Asked,
        Provenance::FactsFile,
        Provenance::Imported,
        Provenance::Derived,
        Provenance::AssumedUnknown,
        Provenance::Deferred,
        Provenance::Skipped,
    ];
    let changed = crate::engine::changed::changed_on_call(&app.set, walk);
    let mut facts: Vec<FactBlock> = Vec::new();
    for p in order {
        let group: Vec<_> = walk.facts.iter().filter(|(_, f)| f.provenance == p).collect();
        if group.is_empty() {
            continue;
        }
        let (sym, word) = mark(p);
        let heading = match p {
            // Tier 2: what tier 1 asked was not asked on this call.
            Provenance::Asked if group.iter().all(|(_, f)| by_tier1(f.via.as_deref())) => "asked by tier 1",
            Provenance::Asked if group.iter().any(|(_, f)| by_tier1(f.via.as_deref())) => "asked (T1 = by tier 1)",
            _ => long_word(p).unwrap_or(word),
        };
        facts.push(FactBlock { lines: vec![Line::styled(format!("{sym} {heading}"), theme.bold())], is_fact: false });
        for (key, f) in group {
            let mut prefix = vec![Span::styled(format!(" {sym} "), theme.bold())];
            if by_tier1(f.via.as_deref()) {
                prefix.push(Span::styled(format!("{TIER1} "), theme.key()));
            }
            // Typed text no listed answer or documented message names: kept, and said so.
            let unrecognised = if app.set.unrecognised(key, &f.value) { " (not recognised)" } else { "" };
            let mut lines = hanging(
                prefix,
                &format!("{} = {}{unrecognised}", sanitize_line(key), sanitize_line(&f.value)),
                width,
                theme.plain(),
            );
            // A step on the call changed it: what is true now.
            if let Some(c) = changed.iter().find(|c| c.fact == *key) {
                lines.extend(hanging(vec![Span::raw("     ")], &sanitize_line(&c.words()), width, theme.dim()));
            }
            // An imported fact says which field of the log it came from.
            if let Some(field) = imported_field(f) {
                lines.extend(hanging(vec![Span::raw("     ")], &format!("from {field}"), width, theme.dim()));
            }
            // A code says what it officially means.
            if key == "error.code"
                && let Some(code) = crate::aadsts::lookup(&f.value)
            {
                lines.extend(hanging(vec![Span::raw("     ")], &code_meaning(&code), width, theme.dim()));
            }
            facts.push(FactBlock { lines, is_fact: true });
        }
    }
    if facts.is_empty() {
        facts.push(FactBlock { lines: vec![Line::styled("Nothing known yet.", theme.dim())], is_fact: false });
    }
    facts
}

/// The log field of an imported fact (`deviceDetail.browser` of `graph-v1.0: deviceDetail.browser`).
fn imported_field(f: &crate::engine::FactEntry) -> Option<String> {
    if f.provenance != Provenance::Imported || by_tier1(f.via.as_deref()) {
        return None;
    }
    let via = f.via.as_deref()?;
    Some(sanitize_line(via.split_once(": ").map_or(via, |(_, field)| field)))
}

/// A code's official name (or text), short enough for the side panel.
fn code_meaning(code: &crate::aadsts::Code) -> String {
    let what = code.name.as_deref().or(code.text.as_deref()).unwrap_or(code.points_to.as_str());
    let unverified = if code.unverified { " (unverified)" } else { "" };
    sanitize_line(&format!("{what}{unverified}"))
}

/// Group headings in the facts panel.
fn long_word(p: Provenance) -> Option<&'static str> {
    match p {
        Provenance::Asked => Some("asked on this call"),
        Provenance::FactsFile => Some("from the facts file"),
        Provenance::Derived => Some("derived"),
        Provenance::AssumedUnknown => Some("assumed unknown"),
        Provenance::Imported => Some("imported"),
        Provenance::Deferred => Some("admin checks, not asked"),
        Provenance::Skipped => Some("skipped (can't change the outcome)"),
    }
}

/// Inside the screen's border, in a body of `body`.
fn viewport(body: Rect) -> (usize, u16) {
    (body.width.saturating_sub(2) as usize, body.height.saturating_sub(2))
}

impl FactsScreen {
    pub fn key(&mut self, action: Action, app: &mut App) -> Reply {
        let (w, h) = viewport(regions_of(app.size).body);
        let max = Scroll::max_for(fact_lines(app, w, &Theme::new(app.opts.no_color)).len(), h);
        let page = Scroll::page(h);
        if action == Action::Close {
            return Reply::close();
        }
        self.scroll.on_key(action, page, max);
        Reply::stay()
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let (w, h) = viewport(body);
        let lines = fact_lines(app, w, theme);
        let max = Scroll::max_for(lines.len(), h);
        let scroll = self.scroll.offset().min(max);
        let title = format!(" Facts known so far ({}) ", app.session.walk.facts.len());
        let mut b = block(Line::styled(title, theme.bold()), theme, true);
        if app.session.walk.facts.values().any(|f| by_tier1(f.via.as_deref())) {
            b = b.title_bottom(format!(" {TIER1} = from tier 1 "));
        }
        let below = len_u16(lines.len()).saturating_sub(scroll.saturating_add(h));
        if scroll > 0 || below > 0 {
            let ctx = KeyContext::new(Screen::Facts);
            let keys = keymap::key_for(&ctx, Action::Up).map(|k| format!(": {k} PgUp PgDn")).unwrap_or_default();
            let more = match (scroll > 0, below > 0) {
                (true, true) => "↑↓ more",
                (false, _) => "↓ more below",
                (true, false) => "↑ more above",
            };
            b = b.title_bottom(Line::styled(format!(" {more}{keys} "), theme.bold()).right_aligned());
        }
        draw_boxed(frame, body, b, &lines, scroll);
    }
}
