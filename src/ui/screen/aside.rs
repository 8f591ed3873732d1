//! A question asked now, from search (an aside): the agent found it with `/` because the user
//! already said something about it. Answering records that one fact as asked and leaves every
//! other answer, and where the diagnosis stands, as they were. A fact already answered is shown
//! read-only: search never changes an answer (`←` on the diagnosis does).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::Reply;
use super::walk::content::{Content, choices, help_lines};
use super::walk::typed_value;
use crate::engine::Provenance;
use crate::runbook::model::{Node, Question};
use crate::runbook::{NodeRef, RunbookSet};
use crate::text::sanitize_line;
use crate::ui::app::{App, Effect};
use crate::ui::input::LineInput;
use crate::ui::keymap::{self, Action};
use crate::ui::marks::mark;
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::text::truncate;
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_lines, hanging, para};
use crate::vocab::UNKNOWN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsideScreen {
    /// The question.
    pub node: NodeRef,
    /// Highlighted listed answer.
    pub cursor: usize,
    /// The typed line has the focus.
    pub focus_input: bool,
    pub entry: LineInput,
    /// Why the typed answer was refused.
    pub refusal: Option<String>,
    pub scroll: Scroll,
}

impl AsideScreen {
    /// Asks `node` (a question) now; a typed question starts on its line.
    pub fn open(node: NodeRef, set: &RunbookSet) -> Self {
        let typed = matches!(set.node(&node), Some(Node::Question(q)) if q.entry.is_some());
        Self {
            node,
            cursor: 0,
            focus_input: typed,
            entry: LineInput::default(),
            refusal: None,
            scroll: Scroll::default(),
        }
    }

    fn question<'a>(&self, set: &'a RunbookSet) -> Option<&'a Question> {
        match set.node(&self.node) {
            Some(Node::Question(q)) => Some(q),
            _ => None,
        }
    }

    /// The fact's value and where it came from, when it is already answered (or derived, or
    /// from a file): then the aside only shows it. A placeholder (skipped, deferred, assumed
    /// `unknown`) is no answer, and may be asked.
    pub fn answered<'a>(&self, app: &'a App) -> Option<(&'a str, Provenance)> {
        let q = self.question(&app.set)?;
        let f = app.session.walk.facts.get(&q.fact)?;
        (!f.provenance.is_placeholder()).then_some((f.value.as_str(), f.provenance))
    }

    /// Listed answers (none when the fact is already answered: nothing to choose).
    pub fn items(&self, app: &App) -> usize {
        match self.question(&app.set) {
            Some(q) if self.answered(app).is_none() => q.options.len(),
            _ => 0,
        }
    }

    /// Does the question take a typed answer (and is it still open)?
    pub fn typed(&self, app: &App) -> bool {
        self.answered(app).is_none() && self.question(&app.set).is_some_and(|q| q.entry.is_some())
    }

    pub fn key(&mut self, action: Action, key: &KeyEvent, app: &mut App) -> Reply {
        let items = self.items(app);
        match action {
            Action::Close => return Reply::close(),
            Action::Choose => match keymap::digit_index(key) {
                Some(i) if i < items => return self.choose(i, app),
                _ => app.warn(format!("There is no answer {} here.", keymap::key_name(key))),
            },
            Action::Select => return self.choose(self.cursor, app),
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(items.saturating_sub(1)),
            Action::TypeAnswer => self.focus_input = true,
            Action::LeaveInput => {
                self.focus_input = false;
                self.cursor = 0;
            }
            Action::PageUp | Action::PageDown => {
                let (total, h) = self.extent(app);
                let page = Scroll::page(h);
                if action == Action::PageUp {
                    self.scroll.up(page);
                } else {
                    self.scroll.down(page, Scroll::max_for(total, h));
                }
                return Reply::stay();
            }
            Action::CantTell => return self.record(UNKNOWN.to_string(), app),
            Action::Submit => {
                let text = self.entry.text().trim().to_string();
                let verdict = match self.question(&app.set) {
                    Some(q) => typed_value(&app.set, &app.session.walk, q, &text),
                    None => Err("this question is no longer in the runbooks".to_string()),
                };
                return match verdict {
                    Ok(value) => self.record(value, app),
                    Err(why) => {
                        self.refusal = Some(why);
                        Reply::stay()
                    }
                };
            }
            other => {
                let before = self.entry.text().to_string();
                self.entry.edit(other, key);
                if self.entry.text() != before {
                    self.refusal = None;
                }
            }
        }
        self.keep_visible(app);
        Reply::stay()
    }

    pub fn paste(&mut self, text: &str) {
        if self.focus_input {
            self.entry.insert_str(text);
            self.refusal = None;
        }
    }

    fn choose(&mut self, i: usize, app: &mut App) -> Reply {
        match self.question(&app.set).and_then(|q| q.options.get(i)) {
            Some(o) => {
                let value = o.value.clone();
                self.record(value, app)
            }
            None => Reply::stay(),
        }
    }

    /// Records the answer to this one fact. Every other fact keeps its value and provenance;
    /// the diagnosis moves only if it was waiting for this very fact.
    fn record(&mut self, value: String, app: &mut App) -> Reply {
        let Some(fact) = self.question(&app.set).map(|q| q.fact.clone()) else { return Reply::close() };
        if self.answered(app).is_some() {
            return Reply::close();
        }
        let before = app.session.walk.position.clone();
        if let Err(e) = app.session.walk.set_fact(&app.set, &fact, &value, Provenance::Asked, app.now) {
            self.refusal = Some(sanitize_line(&e.to_string()));
            return Reply::stay();
        }
        let fx = if app.session.walk.position != before {
            app.walk_changed()
        } else {
            app.session.refresh(&app.set, app.now);
            vec![Effect::Persist]
        };
        let (fact, value) = (sanitize_line(&fact), sanitize_line(&value));
        app.info(format!("Asked now: {fact} = {value}; every other answer stays."));
        Reply::close_with(fx)
    }

    // ----- geometry and drawing ----------------------------------------------------------------

    /// The panel's inner width and height at the app's size.
    fn inner(app: &App) -> Rect {
        let main = regions_of(app.size).main;
        Rect::new(main.x + 1, main.y + 1, main.width.saturating_sub(2), main.height.saturating_sub(2))
    }

    /// (lines, viewport height) at the app's size.
    fn extent(&self, app: &App) -> (usize, u16) {
        let inner = Self::inner(app);
        let c = self.content(app, inner.width as usize, &Theme::new(app.opts.no_color));
        (c.lines.len(), inner.height)
    }

    fn keep_visible(&mut self, app: &App) {
        let inner = Self::inner(app);
        let c = self.content(app, inner.width as usize, &Theme::new(app.opts.no_color));
        if let Some(line) = c.cursor_line {
            self.scroll.keep_visible(line, inner.height);
        }
        self.scroll.clamp(Scroll::max_for(c.lines.len(), inner.height));
    }

    fn content(&self, app: &App, width: usize, theme: &Theme) -> Content {
        let mut c = Content::default();
        let Some(q) = self.question(&app.set) else {
            c.lines.extend(para("This question is no longer in the runbooks.", width, theme.error()));
            return c;
        };
        c.lines.extend(para("Asked now, from search: the diagnosis stays where it is.", width, theme.dim()));
        c.lines.extend(para(&sanitize_line(&q.prompt), width, theme.bold()));
        c.lines.push(Line::raw(""));
        if let Some((value, provenance)) = self.answered(app) {
            let (sym, word) = mark(provenance);
            let text =
                format!("Already answered: {} = {} ({sym} {word}).", sanitize_line(&q.fact), sanitize_line(value));
            c.lines.extend(para(&text, width, theme.bold()));
            let back = keymap::key_for(&keymap::KeyContext::new(keymap::Screen::Question), Action::Back)
                .map(|k| format!(" {k} on the diagnosis goes back to change it."))
                .unwrap_or_default();
            c.lines.extend(para(&format!("Search never changes an answer.{back}"), width, theme.plain()));
            return c;
        }
        if let Some(e) = &q.entry {
            c.lines.extend(hanging(vec![Span::raw("✎ ")], &sanitize_line(&e.label), width, theme.plain()));
            let prompt = if self.focus_input { "▶ > " } else { "  > " };
            let (shown, col) = self.entry.visible(width.saturating_sub(prompt.len() + 1).max(1));
            if self.focus_input {
                c.input = Some((c.lines.len(), len_u16(4 + col)));
                c.cursor_line = Some(c.lines.len());
            }
            let style = if self.focus_input { theme.input().patch(theme.bold()) } else { theme.dim() };
            c.lines.push(Line::from(vec![
                Span::styled(prompt, if self.focus_input { theme.selected() } else { theme.plain() }),
                Span::styled(shown, style),
            ]));
            if let Some(why) = &self.refusal {
                c.lines.push(Line::styled(truncate(&format!("  ✖ {why}"), width), theme.error()));
            }
            if !q.options.is_empty() {
                c.lines.push(Line::styled("Or pick:", theme.dim()));
            }
        } else if let Some(why) = &self.refusal {
            c.lines.push(Line::styled(truncate(&format!("✖ {why}"), width), theme.error()));
        }
        let labels: Vec<(String, bool)> = q.options.iter().map(|o| (sanitize_line(&o.label), false)).collect();
        choices(&mut c, &labels, (!self.focus_input).then_some(self.cursor), width, theme);
        help_lines(&mut c, app, q, width, theme);
        c
    }

    pub fn render(&self, app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
        let b = block(Line::styled(" Asked now (from search) ", theme.bold()), theme, true);
        let inner = b.inner(area);
        frame.render_widget(b, area);
        let c = self.content(app, inner.width as usize, theme);
        let scroll = self.scroll.offset().min(Scroll::max_for(c.lines.len(), inner.height));
        draw_lines(frame, inner, &c.lines, scroll);
        if let Some((line, col)) = c.input {
            let line = len_u16(line);
            if line >= scroll && line < scroll.saturating_add(inner.height) {
                frame.set_cursor_position(Position::new(inner.x + col, inner.y + line - scroll));
            }
        }
    }
}
