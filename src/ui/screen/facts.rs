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
use crate::ui::marks::{TIER1, mark};
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
                width,
                theme.plain(),
            ));
        }
    }
    if facts.is_empty() {
        facts.push(Line::styled("Nothing known yet.", theme.dim()));
    }
    facts
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

/// Inside the screen's border, in a body of `body`.
fn viewport(body: Rect) -> (usize, u16) {
    (body.width.saturating_sub(2) as usize, body.height.saturating_sub(2))
}

impl FactsScreen {
    pub fn key(&mut self, action: Action, app: &mut App) -> Reply {
        let (w, h) = viewport(regions_of(app.size).body);
        let max = Scroll::max_for(fact_lines(app, w, &Theme::new(app.opts.no_color)).len(), h);
        let page = Scroll::page(h);
        match action {
            Action::Up => self.scroll.up(1),
            Action::Down => self.scroll.down(1, max),
            Action::PageUp => self.scroll.up(page),
            Action::PageDown => self.scroll.down(page, max),
            Action::Close => return Reply::close(),
            _ => {}
        }
        self.scroll.clamp(max);
        Reply::stay()
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let (w, h) = viewport(body);
        let lines = fact_lines(app, w, theme);
        let max = Scroll::max_for(lines.len(), h);
        let scroll = self.scroll.offset().min(max);
        let title = format!(" Facts known so far ({}) ", app.session.walk.facts.len());
        let mut b = block(Line::styled(title, theme.bold()), theme, true);
        if app.session.walk.facts.values().any(|f| f.via.is_some()) {
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
