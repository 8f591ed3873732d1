//! `report --view`: the failure report as a dashboard. Keyboard only.
//!
//! ```text
//! ┌ header: sessions, range, escalated, resolved, medians, queue ──────────────┐
//! │ Classes (bar chart)          │ Class × client.os (table)                    │
//! │                              │                                              │
//! ├ Sessions per week (sparkline, a cursor on one week and its figures) ───────┤
//! └ footer: the keys, from the same table that handles them ────────────────────┘
//! ```
//!
//! State and `update` (key in, [`Effect`] out) are pure; `render` draws a frame; the terminal
//! loop is `term::run_report`.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Borders, Paragraph, Row, Sparkline, Table};

use crate::report::text::{class_by_os_rows, range_words};
use crate::report::{Report, human_duration, percent};
use crate::text::sanitize_line;
use crate::ui::text::{truncate, width};
use crate::ui::view::theme::Theme;

/// Which panel the arrow keys scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Classes,
    Table,
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
    WeekBack,
    WeekForward,
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

/// The one key table: [`ReportView::update`] resolves keys with it and the footer shows it.
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
    Binding {
        keys: &[(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        hint: Some(("←→", "week")),
        action: Action::WeekBack,
    },
    Binding { keys: &[(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)], hint: None, action: Action::WeekForward },
];

/// The class × OS table cut to `width` cells: the class column keeps at least 16 (or its
/// longest name), OS columns are kept most used first while they fit, and the ones that don't
/// are summed in a last `other` column.
pub fn fit_columns(header: Vec<String>, rows: Vec<Vec<String>>, width_cells: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let longest_class = rows.iter().filter_map(|r| r.first()).map(|c| width(c)).max().unwrap_or(5);
    let class_min = longest_class.clamp(5, 16);
    let col_w = |i: usize| {
        let h = header.get(i).map_or(0, |h| width(&sanitize_line(h)));
        rows.iter().filter_map(|r| r.get(i)).map(|c| width(c)).fold(h, usize::max).max(1) + 1
    };
    let n = header.len();
    let total: usize = (1..n).map(col_w).sum();
    if class_min + total <= width_cells {
        return (header, rows);
    }
    // Room for the `other` column (its name or its widest sum, whichever is wider).
    let sums: Vec<u64> = rows.iter().map(|r| r.iter().skip(1).filter_map(|c| c.parse::<u64>().ok()).sum()).collect();
    let other_w = sums.iter().map(|s| s.to_string().len()).max().unwrap_or(1).max(5) + 1;
    let mut used = class_min + other_w;
    let mut keep = 1;
    while keep < n && used + col_w(keep) <= width_cells {
        used += col_w(keep);
        keep += 1;
    }
    let mut h: Vec<String> = header.into_iter().take(keep).collect();
    h.push("other".to_string());
    let rows = rows
        .into_iter()
        .map(|r| {
            let rest: u64 = r.iter().skip(keep).filter_map(|c| c.parse::<u64>().ok()).sum();
            let mut kept: Vec<String> = r.into_iter().take(keep).collect();
            kept.push(rest.to_string());
            kept
        })
        .collect();
    (h, rows)
}

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
pub struct ReportView {
    pub report: Report,
    pub theme: Theme,
    pub focus: Panel,
    /// First class shown in the bar chart.
    pub class_scroll: usize,
    /// First row shown in the class × OS table.
    pub table_scroll: usize,
    /// The week under the cursor (index into `report.weekly`).
    pub week: usize,
    pub size: (u16, u16),
}

/// The regions of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    pub classes: Rect,
    pub table: Rect,
    pub weekly: Rect,
    pub footer: Rect,
}

/// Where everything goes in `area`.
pub fn regions(area: Rect) -> Regions {
    // The trend gets a third of the height (5 to 12 rows): taller bars read better.
    let weekly_h = (area.height / 3).clamp(5, 12);
    let [header, body, weekly, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(4),
        Constraint::Length(weekly_h),
        Constraint::Length(1),
    ])
    .areas(area);
    let [classes, table] = Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    Regions { header, classes, table, weekly, footer }
}

impl ReportView {
    pub fn new(report: Report, no_color: bool) -> Self {
        let week = report.weekly.len().saturating_sub(1);
        Self {
            report,
            theme: Theme::new(no_color),
            focus: Panel::Classes,
            class_scroll: 0,
            table_scroll: 0,
            week,
            size: (80, 24),
        }
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.clamp();
    }

    /// Rows the classes and the table can show at the current size (inside their borders; the
    /// table has a header row).
    fn visible_rows(&self) -> (usize, usize) {
        let r = regions(Rect::new(0, 0, self.size.0, self.size.1));
        (usize::from(r.classes.height.saturating_sub(2)), usize::from(r.table.height.saturating_sub(3)))
    }

    fn classes(&self) -> usize {
        self.report.by.get("class").map_or(0, |m| m.len())
    }

    fn clamp(&mut self) {
        let (cv, tv) = self.visible_rows();
        let n = self.classes();
        self.class_scroll = self.class_scroll.min(n.saturating_sub(cv.max(1)));
        self.table_scroll = self.table_scroll.min(n.saturating_sub(tv.max(1)));
        self.week = self.week.min(self.report.weekly.len().saturating_sub(1));
    }

    /// Handles one key press.
    pub fn update(&mut self, key: &KeyEvent) -> Option<Effect> {
        let action = resolve(key)?;
        let (cv, tv) = self.visible_rows();
        let page = match self.focus {
            Panel::Classes => cv.max(1),
            Panel::Table => tv.max(1),
        };
        let scroll = match self.focus {
            Panel::Classes => &mut self.class_scroll,
            Panel::Table => &mut self.table_scroll,
        };
        match action {
            Action::Quit => return Some(Effect::Quit),
            Action::NextPanel => {
                self.focus = match self.focus {
                    Panel::Classes => Panel::Table,
                    Panel::Table => Panel::Classes,
                }
            }
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::PageUp => *scroll = scroll.saturating_sub(page),
            Action::PageDown => *scroll = scroll.saturating_add(page),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = usize::MAX,
            Action::WeekBack => self.week = self.week.saturating_sub(1),
            Action::WeekForward => self.week = self.week.saturating_add(1),
        }
        self.clamp();
        None
    }

    fn block<'a>(&self, title: &'a str, focused: bool) -> Block<'a> {
        // The focused panel is marked in text too (▶), not by style alone (NO_COLOR).
        let mark = if focused { "▶ " } else { "" };
        let b = Block::default().borders(Borders::ALL).title(Line::from(format!(" {mark}{title} ")));
        if focused { b.border_style(self.theme.bold()).title_style(self.theme.selected()) } else { b }
    }

    fn bar_style(&self) -> Style {
        if self.theme.color { Style::default().fg(Color::Blue) } else { Style::default() }
    }

    /// Draws the whole dashboard.
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < 40 || area.height < 14 {
            let msg = Paragraph::new("Make the window larger (at least 40×14) — q quits");
            frame.render_widget(msg, area);
            return;
        }
        let r = regions(area);
        self.render_header(frame, r.header);
        self.render_classes(frame, r.classes);
        self.render_table(frame, r.table);
        self.render_weekly(frame, r.weekly);
        self.render_footer(frame, r.footer);
    }

    fn render_header(&self, frame: &mut Frame, area: Rect) {
        let rep = &self.report;
        let med = |m: Option<f64>| m.map_or_else(|| "-".to_string(), |v| format!("{v}"));
        let line1 = Line::from(vec![
            Span::styled(" Passkey sign-in failures ", self.theme.header()),
            Span::raw(format!("  {} session(s), {}", rep.sessions, range_words(rep))),
        ]);
        let line2 = Line::from(format!(
            " outcome {} · escalated {} · resolved on the call {} · open {} · tier-2 {}",
            percent(rep.classified, rep.sessions),
            percent(rep.escalated, rep.sessions),
            percent(rep.resolved_on_call, rep.sessions),
            rep.open,
            rep.continued
        ));
        let line3 = Line::from(format!(
            " median {} questions · {} a call · queue {} waiting · {} claimed · {} done",
            med(rep.median_questions),
            rep.median_duration_seconds.map_or_else(|| "-".to_string(), human_duration),
            rep.queue.waiting,
            rep.queue.claimed,
            rep.queue.done
        ));
        let lines: Vec<Line> = [line1, line2, line3]
            .into_iter()
            .map(|l| {
                let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                if width(&text) > usize::from(area.width) {
                    Line::from(truncate(&text, usize::from(area.width)))
                } else {
                    l
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn render_classes(&self, frame: &mut Frame, area: Rect) {
        let ranked = self.report.ranked("class");
        let title = format!("Classes ({})", ranked.len());
        let block = self.block(&title, self.focus == Panel::Classes);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if ranked.is_empty() {
            frame.render_widget(Paragraph::new("no session reached an outcome"), inner);
            return;
        }
        let max = ranked.first().map_or(1, |(_, n)| *n).max(1);
        // Labels take at most half the panel, so bars keep room.
        let label_w = usize::from(inner.width / 2).max(4);
        let bars: Vec<Bar> = ranked
            .iter()
            .skip(self.class_scroll)
            .take(usize::from(inner.height))
            .map(|(class, n)| {
                Bar::default()
                    .label(Line::from(truncate(&sanitize_line(class), label_w)))
                    .value(*n)
                    .text_value(n.to_string())
            })
            .collect();
        let chart = BarChart::horizontal(bars).bar_gap(0).max(max).bar_style(self.bar_style()).value_style(
            if self.theme.color {
                Style::default().fg(Color::White).bg(Color::Blue)
            } else {
                Style::default().add_modifier(Modifier::REVERSED)
            },
        );
        frame.render_widget(chart, inner);
    }

    fn render_table(&self, frame: &mut Frame, area: Rect) {
        let (header, rows) = class_by_os_rows(&self.report);
        let block = self.block("Class × client.os", self.focus == Panel::Table);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if rows.is_empty() {
            frame.render_widget(Paragraph::new("no session reached an outcome"), inner);
            return;
        }
        let (header, rows) = fit_columns(header, rows, usize::from(inner.width));
        // Each OS column as wide as its name or its largest count; the class column takes the rest.
        let col_w = |i: usize| {
            let h = header.get(i).map_or(0, |h| width(&sanitize_line(h)));
            rows.iter().filter_map(|r| r.get(i)).map(|c| width(c)).fold(h, usize::max).max(1)
        };
        let os_widths: Vec<usize> = (1..header.len()).map(col_w).collect();
        let os_total: usize = os_widths.iter().map(|w| w + 1).sum();
        let class_w = usize::from(inner.width).saturating_sub(os_total).max(1);
        let mut widths = vec![Constraint::Length(u16::try_from(class_w).unwrap_or(u16::MAX))];
        widths.extend(os_widths.iter().map(|w| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX))));
        let w_of = |i: usize| if i == 0 { class_w } else { os_widths.get(i - 1).copied().unwrap_or(1) };
        let head = Row::new(header.iter().enumerate().map(|(i, h)| {
            let h = truncate(&sanitize_line(h), w_of(i));
            if i == 0 { h } else { format!("{h:>w$}", w = w_of(i)) }
        }))
        .style(self.theme.bold());
        let body: Vec<Row> = rows
            .iter()
            .skip(self.table_scroll)
            .map(|r| {
                Row::new(r.iter().enumerate().map(|(i, c)| {
                    if i == 0 {
                        truncate(&sanitize_line(c), class_w)
                    } else {
                        let v = if c == "0" { "·" } else { c.as_str() };
                        format!("{v:>w$}", w = w_of(i))
                    }
                }))
            })
            .collect();
        frame.render_widget(Table::new(body, widths).header(head).column_spacing(1), inner);
    }

    fn render_weekly(&self, frame: &mut Frame, area: Rect) {
        let weekly = &self.report.weekly;
        if weekly.is_empty() {
            let block = self.block("Sessions per week", false);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(Paragraph::new("no sessions"), inner);
            return;
        }
        let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
        // Each week one to four columns wide, so a few weeks don't huddle at the left.
        let col = (inner_w / weekly.len()).clamp(1, 4);
        let fit = (inner_w / col).max(1);
        // The last weeks that fit; a cursor further back starts the window there.
        let cursor = self.week.min(weekly.len() - 1);
        let last_window = weekly.len().saturating_sub(fit);
        let start = if cursor >= last_window { last_window } else { cursor };
        let end = (start + fit).min(weekly.len());
        let title = format!("Sessions per week, {} to {}", weekly[start].week, weekly[end - 1].week);
        let block = self.block(&title, false);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < 2 {
            return;
        }
        let [spark_area, info_area] =
            Layout::new(Direction::Vertical, [Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        let data: Vec<u64> = weekly[start..end].iter().flat_map(|wk| std::iter::repeat_n(wk.sessions, col)).collect();
        let spark = Sparkline::default().data(&data).style(self.bar_style());
        frame.render_widget(spark, spark_area);
        // The cursor: its week's columns reversed (a blank column shows as a reversed space).
        let x0 = usize::from(spark_area.x) + (cursor - start) * col;
        for x in x0..x0 + col {
            let Ok(x) = u16::try_from(x) else { break };
            if x >= spark_area.right() {
                break;
            }
            for y in spark_area.top()..spark_area.bottom() {
                let c = &mut frame.buffer_mut()[(x, y)];
                c.set_style(c.style().add_modifier(Modifier::REVERSED));
            }
        }
        let wk = &weekly[cursor];
        let info = format!(
            "{} (from {}): {} session(s) · {} with an outcome · {} escalated · {} resolved on the call",
            wk.week, wk.start, wk.sessions, wk.classified, wk.escalated, wk.resolved_on_call
        );
        frame.render_widget(Paragraph::new(truncate(&info, usize::from(info_area.width))), info_area);
    }

    fn render_footer(&self, frame: &mut Frame, area: Rect) {
        let mut spans = Vec::new();
        for (key, what) in BINDINGS.iter().filter_map(|b| b.hint) {
            spans.push(Span::styled(format!(" {key}"), self.theme.key()));
            spans.push(Span::raw(format!(" {what} ")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
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
}
