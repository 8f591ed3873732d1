//! The `/` search screen: the query line and the ranked matches; Enter jumps to one.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::{Reply, Target};
use crate::text::sanitize_line;
use crate::ui::app::App;
use crate::ui::input::LineInput;
use crate::ui::keymap::{self, Action};
use crate::ui::scroll::Scroll;
use crate::ui::search::{self as index, Field, Hit, Kind};
use crate::ui::text::{pad, truncate, width};
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_lines};

#[derive(Debug, Clone, PartialEq)]
pub struct SearchScreen {
    pub query: LineInput,
    pub hits: Vec<Hit>,
    /// The highlighted match.
    pub hit: usize,
    /// The first match shown.
    pub scroll: Scroll,
}

fn inner(area: Rect) -> Rect {
    Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(2), area.height.saturating_sub(2))
}

/// Where the result list is drawn.
fn results_area(area: Rect) -> Rect {
    let i = inner(area);
    Rect::new(i.x, i.y + 3, i.width, i.height.saturating_sub(3))
}

impl SearchScreen {
    /// An empty query: every entry, in runbook order.
    pub fn open(app: &App) -> Self {
        Self { query: LineInput::default(), hits: app.index().query(""), hit: 0, scroll: Scroll::default() }
    }

    /// The first match shown in `results`, so the highlighted one is in sight.
    fn first_shown(&self, results: Rect) -> u16 {
        self.scroll.showing(self.hit, results.height)
    }

    /// Highlights match `i` (clamped), scrolling it into sight.
    fn highlight(&mut self, i: usize, app: &App) {
        self.hit = i.min(self.hits.len().saturating_sub(1));
        let h = results_area(regions_of(app.size).body).height;
        self.scroll.keep_visible(self.hit, h);
    }

    fn requery(&mut self, app: &App) {
        self.hits = app.index().query(self.query.text());
        self.scroll = Scroll::default();
        self.hit = 0;
    }

    pub fn key(&mut self, action: Action, key: &KeyEvent, app: &mut App) -> Reply {
        match action {
            Action::Close => Reply::close(),
            Action::Up => {
                self.highlight(self.hit.saturating_sub(1), app);
                Reply::stay()
            }
            Action::Down => {
                self.highlight(self.hit + 1, app);
                Reply::stay()
            }
            Action::Select => self.jump(self.hit, app),
            other => {
                let before = self.query.text().to_string();
                self.query.edit(other, key);
                if self.query.text() != before {
                    self.requery(app);
                }
                Reply::stay()
            }
        }
    }

    /// A click on a match jumps there; the wheel moves the highlight.
    pub fn click(&mut self, pos: Position, app: &mut App) -> Reply {
        match self.hit_test(regions_of(app.size).body, pos) {
            Some(Target::Result(i)) => {
                app.status = None;
                self.jump(i, app)
            }
            _ => Reply::stay(),
        }
    }

    pub fn wheel(&mut self, down: bool, app: &App) {
        let i = if down { self.hit + 1 } else { self.hit.saturating_sub(1) };
        self.highlight(i, app);
    }

    pub fn paste(&mut self, text: &str, app: &App) {
        self.query.insert_str(text);
        self.requery(app);
    }

    /// Jumps to match `i`: the walk moves there through the answers the planner found, and
    /// the facts it had to assume are said on the status line.
    fn jump(&mut self, i: usize, app: &mut App) -> Reply {
        let Some(hit) = self.hits.get(i) else { return Reply::stay() };
        let target = app.index().entries[hit.entry].node.clone();
        let label = index::target_label(&app.set, &target);
        match index::plan_jump(&app.set, &app.session.walk, &target, app.now) {
            Ok(j) => {
                app.session.walk = j.walk;
                let fx = app.walk_changed();
                let implied: Vec<String> = j
                    .implied
                    .iter()
                    .map(|i| {
                        let was = i.was.as_deref().map(|w| format!(" (was {})", sanitize_line(w))).unwrap_or_default();
                        format!("{} = {}{was}", sanitize_line(&i.fact), sanitize_line(&i.value))
                    })
                    .collect();
                if implied.is_empty() {
                    app.info(format!("Jumped to {label}."));
                } else {
                    app.info(format!("Jumped there, assuming (⇒ derived): {}.", implied.join(", ")));
                }
                Reply::close_with(fx)
            }
            Err(e) => {
                app.warn(format!("Can't jump: {e}"));
                Reply::close()
            }
        }
    }

    pub fn render(&self, app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
        frame.render_widget(
            block(" Search: questions, steps, outcomes, classes, error codes, symptoms ", theme, true),
            area,
        );
        let i = inner(area);
        let w = i.width as usize;
        let (shown, col) = self.query.visible(w.saturating_sub(3).max(1));
        let query = Line::from(vec![
            Span::styled(" / ", theme.selected()),
            Span::styled(shown, theme.input().patch(theme.bold())),
        ]);
        draw_lines(frame, Rect::new(i.x, i.y, i.width, 1), &[query], 0);
        frame.set_cursor_position(Position::new(i.x + 3 + col as u16, i.y));
        let info = if self.query.is_empty() {
            let jump = keymap::key_for(&app.key_context(), Action::Select).map(|k| format!(" {k} jumps there."));
            format!("Type words, an AADSTS code or the error text the user reads out.{}", jump.unwrap_or_default())
        } else {
            match self.hits.len() {
                0 => "No match. Try fewer letters, or another word the user said.".to_string(),
                1 => "1 match".to_string(),
                n => format!("{n} matches, best first"),
            }
        };
        draw_lines(frame, Rect::new(i.x, i.y + 1, i.width, 1), &[Line::styled(truncate(&info, w), theme.dim())], 0);

        let ra = results_area(area);
        let first = self.first_shown(ra) as usize;
        let mut lines = Vec::new();
        for (n, hit) in self.hits.iter().enumerate().skip(first).take(ra.height as usize) {
            let e = &app.index().entries[hit.entry];
            let on = n == self.hit;
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
        draw_lines(frame, ra, &lines, 0);
    }

    pub fn hit_test(&self, body: Rect, pos: Position) -> Option<Target> {
        let ra = results_area(body);
        if !ra.contains(pos) {
            return None;
        }
        let i = self.first_shown(ra) as usize + (pos.y - ra.y) as usize;
        (i < self.hits.len()).then_some(Target::Result(i))
    }
}
