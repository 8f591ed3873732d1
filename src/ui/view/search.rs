//! The `/` search screen: the query line and the ranked matches.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::block;
use super::theme::Theme;
use crate::ui::app::{App, Target};
use crate::ui::search::{Field, Kind};
use crate::ui::text::{pad, truncate, width};

fn inner(area: Rect) -> Rect {
    Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(2), area.height.saturating_sub(2))
}

/// Where the result list is drawn.
fn results_area(area: Rect) -> Rect {
    let i = inner(area);
    Rect::new(i.x, i.y + 3, i.width, i.height.saturating_sub(3))
}

/// First result shown, so the highlighted one is visible.
fn offset(hit: usize, height: u16) -> usize {
    let h = height.max(1) as usize;
    hit.saturating_sub(h - 1)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(
        block(" Search: questions, steps, outcomes, classes, error codes, symptoms ", theme, true),
        area,
    );
    let i = inner(area);
    let w = i.width as usize;
    let (shown, col) = app.query.visible(w.saturating_sub(3).max(1));
    let query =
        Line::from(vec![Span::styled(" / ", theme.selected()), Span::styled(shown, theme.input().patch(theme.bold()))]);
    super::draw_lines(frame, Rect::new(i.x, i.y, i.width, 1), &[query], 0);
    frame.set_cursor_position(Position::new(i.x + 3 + col as u16, i.y));
    let info = if app.query.is_empty() {
        "Type words, an AADSTS code or the error text the user reads out. Enter jumps there.".to_string()
    } else {
        match app.hits.len() {
            0 => "No match. Try fewer letters, or another word the user said.".to_string(),
            1 => "1 match".to_string(),
            n => format!("{n} matches, best first"),
        }
    };
    super::draw_lines(frame, Rect::new(i.x, i.y + 1, i.width, 1), &[Line::styled(truncate(&info, w), theme.dim())], 0);

    let ra = results_area(area);
    let first = offset(app.hit, ra.height);
    let mut lines = Vec::new();
    for (n, hit) in app.hits.iter().enumerate().skip(first).take(ra.height as usize) {
        let e = &app.index().entries[hit.entry];
        let on = n == app.hit;
        let style = if on { theme.selected() } else { theme.plain() };
        let kind = match e.kind {
            Kind::Question => "question",
            Kind::Step => "step",
            Kind::Outcome => "outcome",
        };
        let title = match &e.class {
            Some(c) => format!("{c}: {}", e.title),
            None => e.title.clone(),
        };
        let via = match &hit.via {
            Some((Field::Keyword, k)) => format!("   matched: {k}"),
            Some((Field::Fact, k)) => format!("   fact: {k}"),
            _ => String::new(),
        };
        let head = format!("{}{} ", if on { "▶ " } else { "  " }, pad(kind, 9));
        let rest = w.saturating_sub(width(&head));
        let title_t = truncate(&title, rest);
        let via_t = truncate(&via, rest.saturating_sub(width(&title_t)));
        let fill = rest.saturating_sub(width(&title_t) + width(&via_t));
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::styled(title_t, style),
            Span::styled(via_t, if on { style } else { theme.dim() }),
            Span::styled(" ".repeat(fill), style),
        ]));
    }
    super::draw_lines(frame, ra, &lines, 0);
}

pub fn hit_test(app: &App, body: Rect, pos: Position) -> Option<Target> {
    let ra = results_area(body);
    if !ra.contains(pos) {
        return None;
    }
    let i = offset(app.hit, ra.height) + (pos.y - ra.y) as usize;
    (i < app.hits.len()).then_some(Target::Result(i))
}
