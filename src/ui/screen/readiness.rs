//! `readiness --view`: rollout readiness as a dashboard, in the style of `report --view`.
//! Keyboard only.
//!
//! ```text
//! ┌ header: devices, users, OSes, sign-in logs ─────────────────────────────────┐
//! │ Results: type × flow × phase, ready / blocked / unknown / n/a (table)       │
//! ├ Blockers, most first ──────────────┬ Unknowns, with what settles them ──────┤
//! └ footer: the keys, from the same table that handles them ────────────────────┘
//! ```
//!
//! State and `update` (key in, [`Effect`] out) are pure; `render` draws a frame; the terminal
//! loop is `term::run_dashboard`.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

use crate::readiness::Summary;
use crate::readiness::text::{blocker_title, header_lines, result_rows};
use crate::ui::text::{truncate, width};
use crate::ui::view::theme::Theme;

/// Which panel the arrow keys scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Results,
    Blockers,
    Unknowns,
}

impl Panel {
    fn next(self) -> Panel {
        match self {
            Panel::Results => Panel::Blockers,
            Panel::Blockers => Panel::Unknowns,
            Panel::Unknowns => Panel::Results,
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextPanel,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// What the terminal loop must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Quit,
}

/// One key binding: the keys, how the footer shows them (None: not shown), what it does.
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub hint: Option<(&'static str, &'static str)>,
    pub action: Action,
}

const NONE: KeyModifiers = KeyModifiers::NONE;

/// The one key table: [`ReadinessView::update`] resolves keys with it and the footer shows it.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE), (KeyCode::Char('c'), KeyModifiers::CONTROL)],
        hint: Some(("q", "quit")),
        action: Action::Quit,
    },
    Binding {
        keys: &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        hint: Some(("↑↓", "scroll")),
        action: Action::Up,
    },
    Binding { keys: &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)], hint: None, action: Action::Down },
    Binding { keys: &[(KeyCode::PageUp, NONE)], hint: Some(("PgUp/PgDn", "page")), action: Action::PageUp },
    Binding { keys: &[(KeyCode::PageDown, NONE), (KeyCode::Char(' '), NONE)], hint: None, action: Action::PageDown },
    Binding {
        keys: &[(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        hint: Some(("Home/End", "ends")),
        action: Action::Top,
    },
    Binding { keys: &[(KeyCode::End, NONE), (KeyCode::Char('G'), NONE)], hint: None, action: Action::Bottom },
    Binding {
        keys: &[(KeyCode::Tab, NONE), (KeyCode::BackTab, KeyModifiers::SHIFT), (KeyCode::BackTab, NONE)],
        hint: Some(("Tab", "panel")),
        action: Action::NextPanel,
    },
];

/// The action bound to a key press.
pub fn resolve(key: &KeyEvent) -> Option<Action> {
    // Shift is part of the character for letters (`G`); compare without it.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    BINDINGS
        .iter()
        .find(|b| b.keys.iter().any(|&(code, m)| code == key.code && (m - KeyModifiers::SHIFT) == mods))
        .map(|b| b.action)
}

/// The dashboard's state.
#[derive(Debug, Clone)]
pub struct ReadinessView {
    pub summary: Summary,
    pub theme: Theme,
    pub focus: Panel,
    /// First line shown in each panel.
    pub scroll: [usize; 3],
    pub size: (u16, u16),
}

/// The regions of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    pub results: Rect,
    pub blockers: Rect,
    pub unknowns: Rect,
    pub footer: Rect,
}

/// Where everything goes in `area`: the results get half of what the header and footer leave.
pub fn regions(area: Rect) -> Regions {
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(6), Constraint::Length(1)]).areas(area);
    let [results, lower] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let [blockers, unknowns] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(lower);
    Regions { header, results, blockers, unknowns, footer }
}

impl ReadinessView {
    pub fn new(summary: Summary, no_color: bool) -> Self {
        Self { summary, theme: Theme::new(no_color), focus: Panel::Results, scroll: [0; 3], size: (80, 24) }
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.clamp();
    }

    fn index(p: Panel) -> usize {
        match p {
            Panel::Results => 0,
            Panel::Blockers => 1,
            Panel::Unknowns => 2,
        }
    }

    /// The lines of the blockers panel at an inner width: two per blocker.
    fn blocker_lines(&self, w: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for b in &self.summary.blockers {
            lines.push(truncate(&blocker_title(b), w));
            let mark = if b.unverified { " (unverified)" } else { "" };
            lines.push(truncate(&format!("  {}{mark}: {}", b.row, b.reason), w));
        }
        if lines.is_empty() {
            lines.push("none: no matrix row blocks anyone".to_string());
        }
        lines
    }

    /// The lines of the unknowns panel, wrapped at an inner width.
    fn unknown_lines(&self, w: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for u in &self.summary.unknowns {
            // Wrapped at word boundaries; continuation lines indented by two.
            let mut line = String::new();
            let mut continued = false;
            for word in u.sentence().split(' ') {
                if !line.is_empty() && width(&line) + 1 + width(word) > w {
                    lines.push(truncate(&line, w));
                    line = String::new();
                    continued = true;
                }
                if line.is_empty() {
                    line = format!("{}{word}", if continued { "  " } else { "" });
                } else {
                    line.push(' ');
                    line.push_str(word);
                }
            }
            if !line.is_empty() {
                lines.push(truncate(&line, w));
            }
        }
        if lines.is_empty() {
            lines.push("none".to_string());
        }
        lines
    }

    /// (lines, visible rows) of each panel at the current size.
    fn extents(&self) -> [(usize, usize); 3] {
        let r = regions(Rect::new(0, 0, self.size.0, self.size.1));
        let inner_w = |a: Rect| usize::from(a.width.saturating_sub(2)).max(1);
        let inner_h = |a: Rect| usize::from(a.height.saturating_sub(2));
        [
            (self.summary.results.len(), inner_h(r.results).saturating_sub(1)),
            (self.blocker_lines(inner_w(r.blockers)).len(), inner_h(r.blockers)),
            (self.unknown_lines(inner_w(r.unknowns)).len(), inner_h(r.unknowns)),
        ]
    }

    fn clamp(&mut self) {
        for (i, (lines, visible)) in self.extents().into_iter().enumerate() {
            self.scroll[i] = self.scroll[i].min(lines.saturating_sub(visible.max(1)));
        }
    }

    /// Handles one key press.
    pub fn update(&mut self, key: &KeyEvent) -> Option<Effect> {
        let action = resolve(key)?;
        let i = Self::index(self.focus);
        let page = self.extents()[i].1.max(1);
        let scroll = &mut self.scroll[i];
        match action {
            Action::Quit => return Some(Effect::Quit),
            Action::NextPanel => self.focus = self.focus.next(),
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::PageUp => *scroll = scroll.saturating_sub(page),
            Action::PageDown => *scroll = scroll.saturating_add(page),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = usize::MAX,
        }
        self.clamp();
        None
    }

    fn block<'a>(&self, title: &'a str, panel: Panel) -> Block<'a> {
        // The focused panel is marked in text too (▶), not by style alone (NO_COLOR).
        let focused = self.focus == panel;
        let mark = if focused { "▶ " } else { "" };
        let b = Block::default().borders(Borders::ALL).title(Line::from(format!(" {mark}{title} ")));
        if focused { b.border_style(self.theme.bold()).title_style(self.theme.selected()) } else { b }
    }

    /// Draws the whole dashboard.
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < 40 || area.height < 14 {
            frame.render_widget(Paragraph::new("Make the window larger (at least 40×14) — q quits"), area);
            return;
        }
        let r = regions(area);
        let w = usize::from(area.width);
        let mut head = header_lines(&self.summary).into_iter();
        let first = head.next().unwrap_or_default();
        let mut lines = vec![Line::from(Span::styled(truncate(&format!(" {first}"), w), self.theme.header()))];
        lines.extend(head.map(|l| Line::from(truncate(&format!(" {l}"), w))));
        frame.render_widget(Paragraph::new(lines), r.header);
        self.render_results(frame, r.results);
        self.render_lines(frame, r.blockers, "Blockers, most first", Panel::Blockers, &|w| self.blocker_lines(w));
        self.render_lines(frame, r.unknowns, "Unknowns: what settles them", Panel::Unknowns, &|w| {
            self.unknown_lines(w)
        });
        let mut spans = Vec::new();
        for (key, what) in BINDINGS.iter().filter_map(|b| b.hint) {
            spans.push(Span::styled(format!(" {key}"), self.theme.key()));
            spans.push(Span::raw(format!(" {what} ")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), r.footer);
    }

    fn render_results(&self, frame: &mut Frame, area: Rect) {
        let block = self.block("Results: devices same-device, users cross-device", Panel::Results);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let rows = result_rows(&self.summary.results);
        let col_w: Vec<usize> = (0..7).map(|i| rows.iter().map(|r| width(&r[i])).max().unwrap_or(1)).collect();
        let widths: Vec<Constraint> =
            col_w.iter().map(|w| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX))).collect();
        let cells = |r: &[String; 7]| {
            Row::new(r.iter().enumerate().map(|(i, c)| {
                if i < 3 {
                    c.clone()
                } else {
                    let c = if c == "0" { "·" } else { c.as_str() };
                    format!("{c:>w$}", w = col_w[i])
                }
            }))
        };
        let Some((head, body)) = rows.split_first() else { return };
        let body: Vec<Row> = body.iter().skip(self.scroll[0]).map(cells).collect();
        let head = cells(head).style(self.theme.bold());
        frame.render_widget(Table::new(body, widths).header(head).column_spacing(1), inner);
    }

    fn render_lines(
        &self,
        frame: &mut Frame,
        area: Rect,
        title: &str,
        panel: Panel,
        lines: &dyn Fn(usize) -> Vec<String>,
    ) {
        let block = self.block(title, panel);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text: Vec<Line> = lines(usize::from(inner.width).max(1))
            .into_iter()
            .skip(self.scroll[Self::index(panel)])
            .take(usize::from(inner.height))
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(text), inner);
    }
}

impl crate::term::Dashboard for ReadinessView {
    fn resize(&mut self, w: u16, h: u16) {
        ReadinessView::resize(self, w, h);
    }
    fn render(&self, frame: &mut Frame) {
        ReadinessView::render(self, frame);
    }
    fn key(&mut self, key: &KeyEvent) -> bool {
        self.update(key) == Some(Effect::Quit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hint_resolves_to_its_binding() {
        for b in BINDINGS {
            for &(code, m) in b.keys {
                assert_eq!(resolve(&KeyEvent::new(code, m)), Some(b.action), "{code:?}");
            }
        }
        assert_eq!(resolve(&KeyEvent::new(KeyCode::Char('x'), NONE)), None);
    }

    #[test]
    fn tab_cycles_and_scrolling_stays_in_range() {
        let mut v = ReadinessView::new(Summary::default(), true);
        assert_eq!(v.update(&KeyEvent::new(KeyCode::Tab, NONE)), None);
        assert_eq!(v.focus, Panel::Blockers);
        v.update(&KeyEvent::new(KeyCode::End, NONE));
        assert_eq!(v.scroll, [0; 3]);
        assert_eq!(v.update(&KeyEvent::new(KeyCode::Char('q'), NONE)), Some(Effect::Quit));
    }
}
