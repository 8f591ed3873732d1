//! The `m` screen: the compatibility matrix as a table; the rows that apply to the current
//! client are marked ▶ and highlighted, with the matrix's verdict per area on top. At an outcome
//! the matrix decided, the deciding row is marked ◆ and the screen opens on it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Row, Table};

use super::Reply;
use crate::matrix::{Area, Support, Verdict};
use crate::text::sanitize_line;
use crate::ui::app::App;
use crate::ui::keymap::Action;
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::text::wrap;
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_lines};

/// The first row shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixScreen {
    pub scroll: Scroll,
    /// How many rows the last frame showed whole: rows wrap to several lines, so a page is
    /// counted in rows drawn, not in lines (a page of lines skipped rows never seen).
    shown: std::cell::Cell<u16>,
}

/// Index of the first row that applies to the current client (0 if none).
pub fn first_match(app: &App) -> usize {
    let lookup = app.session.walk.lookup();
    app.set.matrix.rows.iter().position(|r| r.applies(&lookup)).unwrap_or(0)
}

/// Index of the row that decided the session's outcome (`OutcomeInfo::matrix_row`), if the
/// outcome reports one and the matrix in force still has it.
pub fn deciding_row(app: &App) -> Option<usize> {
    let id = app.session.outcome.as_ref()?.matrix_row.as_deref()?;
    app.set.matrix.rows.iter().position(|r| r.id == id)
}

/// Index of the first row for this client in the area of the outcome's class
/// (`unsupported-client.native-app` → the native-app rows), when an outcome names one.
pub fn outcome_area_row(app: &App) -> Option<usize> {
    let class = &app.session.outcome.as_ref()?.class;
    let area = Area::ALL.into_iter().find(|a| class.strip_prefix("unsupported-client.") == Some(a.as_str()))?;
    let lookup = app.session.walk.lookup();
    app.set.matrix.rows.iter().position(|r| r.area == area && r.applies(&lookup))
}

impl MatrixScreen {
    /// Opens on the row that decided the outcome, else on the first row for this client in the
    /// outcome's area, else on the first row for this client.
    pub fn open(app: &App) -> Self {
        let row = deciding_row(app).or_else(|| outcome_area_row(app)).unwrap_or_else(|| first_match(app));
        Self { scroll: Scroll::at(len_u16(row)), shown: std::cell::Cell::new(0) }
    }

    /// Scrolls by rows; the last row may come to the top.
    pub fn key(&mut self, action: Action, app: &mut App) -> Reply {
        let max = len_u16(app.set.matrix.rows.len().saturating_sub(1));
        // The table's height: the body less borders, verdicts and header, as it was.
        let lines = Scroll::page(regions_of(app.size).body.height.saturating_sub(4));
        let page = match self.shown.get() {
            0 => lines,
            rows => rows,
        };
        if action == Action::Close {
            return Reply::close();
        }
        self.scroll.on_key(action, page, max);
        Reply::stay()
    }

    pub fn render(&self, app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
        let m = &app.set.matrix;
        let title = format!(" Compatibility matrix (as of {}) ", sanitize_line(&m.as_of));
        let b = block(title, theme, true);
        let inner = b.inner(area);
        frame.render_widget(b, area);
        let w = inner.width as usize;
        let lookup = app.session.walk.lookup();

        // Verdicts for this client, then the legend.
        let mut top: Vec<Line> = Vec::new();
        let verdicts: Vec<String> =
            Area::ALL.iter().map(|a| format!("{} {}", a.as_str(), verdict(m.evaluate(*a, &lookup).verdict))).collect();
        for l in wrap(&format!("This client: {}", verdicts.join(" · ")), w) {
            top.push(Line::styled(l, theme.bold()));
        }
        let matching = m.rows.iter().filter(|r| r.applies(&lookup)).count();
        let deciding = deciding_row(app);
        let mut legend = if matching == 0 {
            "No row applies yet: answer more questions (OS, browser, passkey type) to narrow it down.".to_string()
        } else {
            format!("{matching} row{} for this client, marked ▶ and highlighted.", if matching == 1 { "" } else { "s" })
        };
        if let Some(i) = deciding {
            legend.push_str(&format!(" ◆ {}: the row that decided the outcome.", sanitize_line(&m.rows[i].id)));
        }
        for l in wrap(&legend, w) {
            top.push(Line::styled(l, theme.dim()));
        }
        let top_h = (top.len() as u16).min(inner.height / 2);
        draw_lines(frame, Rect::new(inner.x, inner.y, inner.width, top_h), &top, 0);
        let table_area = Rect::new(inner.x, inner.y + top_h, inner.width, inner.height - top_h);

        let wide = w >= 110;
        let widths: Vec<Constraint> = if wide {
            vec![
                Constraint::Length(1),
                Constraint::Length(12),
                Constraint::Fill(3),
                Constraint::Length(15),
                Constraint::Length(16),
                Constraint::Fill(3),
            ]
        } else {
            vec![Constraint::Length(1), Constraint::Fill(3), Constraint::Length(15), Constraint::Fill(2)]
        };
        // Column widths as the table will lay them out, to wrap cells ourselves.
        let cols =
            ratatui::layout::Layout::horizontal(widths.clone()).spacing(1).split(Rect::new(0, 0, inner.width, 1));
        let header: Vec<&str> = if wide {
            vec!["", "Area", "When", "Support", "Minimum", "Notes"]
        } else {
            vec!["", "When", "Support", "Notes"]
        };
        let mut rows = Vec::new();
        // Lines left under the header, to count the rows shown whole.
        let mut room = table_area.height.saturating_sub(1);
        let mut whole: u16 = 0;
        for (i, r) in m.rows.iter().enumerate().skip(self.scroll.offset() as usize) {
            let on = r.applies(&lookup);
            let mark = if deciding == Some(i) {
                "◆"
            } else if on {
                "▶"
            } else {
                " "
            };
            let when: Vec<String> = r
                .when
                .iter()
                .map(|(k, v)| format!("{} = {}", sanitize_line(k), sanitize_line(&v.values().join("|"))))
                .collect();
            let when = when.join(", ");
            let mins: Vec<String> =
                r.min_versions.iter().map(|(k, v)| format!("{} ≥ {}", sanitize_line(k), sanitize_line(v))).collect();
            let mut notes = sanitize_line(&r.notes);
            if r.unverified {
                notes = format!("(unverified) {notes}");
            }
            let mut cells: Vec<String> = if wide {
                vec![
                    mark.to_string(),
                    r.area.as_str().to_string(),
                    when,
                    support(r.support).to_string(),
                    mins.join(", "),
                    notes,
                ]
            } else {
                let mut sup = support(r.support).to_string();
                if !mins.is_empty() {
                    sup = format!("{sup}, {}", mins.join(", "));
                }
                vec![mark.to_string(), format!("{}: {when}", r.area.as_str()), sup, notes]
            };
            let wrapped: Vec<Vec<String>> =
                cells.drain(..).enumerate().map(|(i, c)| wrap(&c, cols[i].width as usize)).collect();
            // A row that applies to this call is shown whole (its notes carry the workaround);
            // others are cut at four lines, and a cut cell says so.
            let most = if on || deciding == Some(i) { 24 } else { 4 };
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).min(most);
            let wrapped: Vec<Vec<String>> = wrapped
                .into_iter()
                .enumerate()
                .map(|(c, mut ls)| {
                    if ls.len() > height {
                        ls.truncate(height);
                        if let Some(last) = ls.last_mut() {
                            *last = ellipsize(last, cols[c].width as usize);
                        }
                    }
                    ls
                })
                .collect();
            let style = if on { theme.matched() } else { theme.plain() };
            let cells: Vec<Text> = wrapped
                .into_iter()
                .enumerate()
                .map(|(i, ls)| {
                    let s = match (i, r.support, wide) {
                        (3, Support::Supported, true) | (2, Support::Supported, false) if !on => theme.good(),
                        (3, _, true) | (2, _, false) if !on => theme.bad(),
                        _ => style,
                    };
                    Text::from(ls.into_iter().take(height).map(|l| Line::styled(l, s)).collect::<Vec<_>>())
                })
                .collect();
            let height = len_u16(height);
            if room >= height {
                room -= height;
                whole += 1;
            } else {
                room = 0;
            }
            rows.push(Row::new(cells).height(height).style(style));
        }
        self.shown.set(whole.max(1));
        let header = Row::new(header.into_iter().map(|h| Span::styled(h, theme.bold())).collect::<Vec<_>>());
        let table = Table::new(rows, widths).header(header).column_spacing(1);
        frame.render_widget(table, table_area);
    }
}

/// `line` ending in "…" within `width` columns: the cell goes on beyond it.
fn ellipsize(line: &str, width: usize) -> String {
    crate::ui::text::truncate(&format!("{} …", line.trim_end()), width)
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Supported => "✔ supported",
        Verdict::Unsupported => "✘ unsupported",
        Verdict::BelowMinimum => "▼ below minimum",
        Verdict::NotListed => "– not listed",
    }
}

fn support(s: Support) -> &'static str {
    match s {
        Support::Supported => "✔ supported",
        Support::Unsupported => "✘ unsupported",
        Support::NotApplicable => "✘ n/a",
    }
}
