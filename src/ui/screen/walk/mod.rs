//! The diagnosis: the question, step or outcome in the main panel, its keys, and what a click
//! or a page key does to it. Its state lives on the app ([`App::walk_screen`]), since every
//! other screen returns to it.

pub mod aloud;
pub mod answers;
pub mod content;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

use super::Target;
use crate::engine::{Current, Provenance, StepKind, Walk};
use crate::exit;
use crate::messages::normalize;
use crate::runbook::RunbookSet;
use crate::runbook::model::Question;
use crate::text::sanitize_line;
use crate::ui::app::{App, Effect, Mode, Overlay, StatusKind};
use crate::ui::input::LineInput;
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::screen::confirm::Confirm;
use crate::ui::screen::export::ExportScreen;
use crate::ui::screen::facts::FactsScreen;
use crate::ui::screen::matrix::MatrixScreen;
use crate::ui::screen::search::SearchScreen;
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::text::truncate;
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_lines};
use crate::vocab::{FactError, FactType, UNKNOWN, parse_error_code, same_value};
use content::Content;

/// The fact whose typed values are AADSTS codes.
const ERROR_CODE: &str = "error.code";

/// The diagnosis panel's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkScreen {
    /// Highlighted answer, result or checklist item.
    pub cursor: usize,
    /// The typed-answer line has the focus (questions with `entry`).
    pub focus_input: bool,
    pub entry: LineInput,
    pub scroll: Scroll,
    /// Why the typed answer was refused, shown under the line until it is edited.
    pub refusal: Option<String>,
}

impl WalkScreen {
    /// Resets the panel for the node the walk stands at: the earlier answer highlighted when a
    /// question is asked again, the typed line focused (and refilled) on a typed question.
    pub fn sync(&mut self, walk: &Walk, set: &RunbookSet) {
        *self = Self::default();
        match walk.current(set) {
            Some(Current::Question(_, q)) => {
                let prev = walk.previous_answers.get(&q.fact);
                let shown = answers::shown(set, walk, q, "");
                if let Some(i) = prev.and_then(|p| shown.iter().position(|o| &o.value == p)) {
                    self.cursor = i;
                } else if q.entry.is_some() {
                    self.focus_input = true;
                    if let Some(p) = prev {
                        self.entry = LineInput::with_text(p);
                    }
                }
            }
            Some(Current::Step(r, s)) => {
                if let Some(p) = walk.previous_answers.get(&r.to_string())
                    && let Some(i) = s.options.iter().position(|o| &o.value == p)
                {
                    self.cursor = i;
                }
            }
            _ => {}
        }
    }
}

// ----- geometry ----------------------------------------------------------------------------

/// The panel's layout for the app's state.
pub struct Geometry {
    pub inner: Rect,
    pub pinned_area: Rect,
    pub scroll_area: Rect,
    /// The scroll offset as drawn (the stored one, within the content).
    pub scroll: u16,
    pub content: Content,
}

pub fn geometry(app: &App, main: Rect) -> Geometry {
    let inner = Rect::new(main.x + 1, main.y + 1, main.width.saturating_sub(2), main.height.saturating_sub(2));
    let theme = Theme::new(app.opts.no_color);
    let mut content = content::build(app, inner.width as usize, inner.height, &theme);
    let pinned_h = len_u16(content.pinned.len()).min((inner.height / 2).max(4)).min(inner.height);
    content.pinned.truncate(pinned_h as usize);
    let pinned_area = Rect::new(inner.x, inner.y, inner.width, pinned_h);
    let scroll_area = Rect::new(inner.x, inner.y + pinned_h, inner.width, inner.height - pinned_h);
    let max = Scroll::max_for(content.lines.len(), scroll_area.height);
    let scroll = app.walk_screen.scroll.offset().min(max);
    Geometry { inner, pinned_area, scroll_area, scroll, content }
}

/// The geometry at the app's terminal size (what `update` scrolls by).
fn geometry_now(app: &App) -> Geometry {
    geometry(app, regions_of(app.size).main)
}

/// What a click at `pos` hits in the panel drawn in `main`.
pub fn hit_test(app: &App, main: Rect, pos: Position) -> Option<Target> {
    let g = geometry(app, main);
    if !g.scroll_area.contains(pos) {
        return None;
    }
    let line = (pos.y - g.scroll_area.y) as usize + g.scroll as usize;
    g.content.targets.iter().find(|(l, _)| *l == line).map(|(_, t)| *t)
}

/// The largest useful scroll offset at the app's terminal size.
pub fn max_scroll(app: &App) -> u16 {
    let g = geometry_now(app);
    Scroll::max_for(g.content.lines.len(), g.scroll_area.height)
}

/// Scrolls so the highlighted item is on screen (and not past the end).
pub fn keep_cursor_visible(app: &mut App) {
    let g = geometry_now(app);
    let max = Scroll::max_for(g.content.lines.len(), g.scroll_area.height);
    let scroll = &mut app.walk_screen.scroll;
    if let Some(line) = g.content.cursor_line {
        scroll.keep_visible(line, g.scroll_area.height);
    }
    scroll.clamp(max);
}

/// Page keys and the wheel: by `lines` (a page when None), up or down.
fn scroll_by(app: &mut App, lines: Option<u16>, down: bool) {
    let g = geometry_now(app);
    let lines = lines.unwrap_or_else(|| Scroll::page(g.scroll_area.height));
    let max = Scroll::max_for(g.content.lines.len(), g.scroll_area.height);
    if down {
        app.walk_screen.scroll.down(lines, max);
    } else {
        app.walk_screen.scroll.up(lines);
    }
}

// ----- drawing -----------------------------------------------------------------------------

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let g = geometry(app, area);
    let title = match app.session.walk.current(&app.set) {
        Some(Current::Question(_, q)) => {
            // Questions put to someone on this call: facts from a file, a log or a rule were
            // never asked, so they don't count.
            let n = app.session.walk.question_number(&app.set);
            // Who answers (contract §1.7): ask the caller, look it up, or an admin check.
            format!(" Question {n} · {} ", q.audience(&app.set.vocab).instruction())
        }
        Some(Current::Step(..)) => " Step: do this with the user ".to_string(),
        Some(Current::Outcome(..)) => " Outcome ".to_string(),
        None => " Runbook error ".to_string(),
    };
    let mut b = block(Line::styled(title, theme.bold()), theme, true);
    if let Some(more) = more_hint(app, &g) {
        b = b.title_bottom(Line::styled(more, theme.bold()).right_aligned());
    }
    frame.render_widget(b, area);
    draw_lines(frame, g.pinned_area, &g.content.pinned, 0);
    draw_lines(frame, g.scroll_area, &g.content.lines, g.scroll);
    if let Some((line, col)) = g.content.input {
        let line = len_u16(line);
        if line >= g.scroll && line < g.scroll.saturating_add(g.scroll_area.height) {
            frame.set_cursor_position(Position::new(g.scroll_area.x + col, g.scroll_area.y + line - g.scroll));
        }
    }
}

/// " ↓ 2 more answers: PgDn " on the panel's bottom border: what is out of sight, and the keys
/// that scroll it here.
fn more_hint(app: &App, g: &Geometry) -> Option<String> {
    let bottom = g.scroll as usize + g.scroll_area.height as usize;
    let above = g.scroll > 0;
    let below = g.content.lines.len() > bottom;
    // Answers (or checklist steps) whose first line is below the panel.
    let mut hidden: Vec<Target> = Vec::new();
    for (line, t) in &g.content.targets {
        if !hidden.contains(t) && !g.content.targets.iter().any(|(l, u)| u == t && *l < bottom) && *line >= bottom {
            hidden.push(*t);
        }
    }
    let what = match (app.session.walk.current(&app.set), hidden.len()) {
        (_, 0) => String::new(),
        (Some(Current::Step(..)), n) => format!("{n} more result{}", if n == 1 { "" } else { "s" }),
        (Some(Current::Outcome(..)), n) => format!("{n} more step{}", if n == 1 { "" } else { "s" }),
        (_, n) => format!("{n} more answer{}", if n == 1 { "" } else { "s" }),
    };
    // The panel's own keys, also under a pop-up. The page keys hold on every diagnosis
    // screen, so the screen alone decides (the full context costs a trial restart per frame).
    let ctx = KeyContext::new(app.base_screen());
    let key = |a: Action| keymap::key_for(&ctx, a);
    let (text, keys) = match (above, below) {
        (true, true) if what.is_empty() => {
            ("↑↓ more".to_string(), key(Action::PageUp).zip(key(Action::PageDown)).map(|(u, d)| format!("{u}/{d}")))
        }
        (true, true) => (
            format!("↑↓ {what} below"),
            key(Action::PageUp).zip(key(Action::PageDown)).map(|(u, d)| format!("{u}/{d}")),
        ),
        (false, true) if what.is_empty() => ("↓ more below".to_string(), key(Action::PageDown)),
        (false, true) => (format!("↓ {what}"), key(Action::PageDown)),
        (true, false) => ("↑ more above".to_string(), key(Action::PageUp)),
        (false, false) => return None,
    };
    Some(match keys {
        Some(k) => format!(" {text}: {k} "),
        None => format!(" {text} "),
    })
}

// ----- keys --------------------------------------------------------------------------------

/// Keys on a question, a step or an outcome.
pub fn key(app: &mut App, action: Action, key: &KeyEvent, screen: Screen) -> Vec<Effect> {
    let items = app.items();
    match action {
        Action::Choose => match keymap::digit_index(key) {
            Some(i) if i < items => {
                if screen == Screen::Outcome {
                    app.walk_screen.cursor = i;
                    toggle(app, i)
                } else {
                    app.digit_answered_at = Some(app.now);
                    choose(app, i)
                }
            }
            _ => {
                let what = if screen == Screen::Outcome { "step" } else { "answer" };
                app.warn(format!("There is no {what} {} here.", keymap::key_name(key)));
                Vec::new()
            }
        },
        Action::Up => {
            if app.walk_screen.cursor == 0 && app.key_context().typed {
                app.walk_screen.focus_input = true;
            } else {
                app.walk_screen.cursor = app.walk_screen.cursor.saturating_sub(1);
            }
            keep_cursor_visible(app);
            Vec::new()
        }
        Action::Down => {
            app.walk_screen.cursor = (app.walk_screen.cursor + 1).min(items.saturating_sub(1));
            keep_cursor_visible(app);
            Vec::new()
        }
        Action::Select => choose(app, app.walk_screen.cursor),
        Action::Toggle => toggle(app, app.walk_screen.cursor),
        Action::TypeAnswer => {
            app.walk_screen.focus_input = true;
            Vec::new()
        }
        Action::Back => back(app),
        Action::Why => {
            app.overlay = Some(Overlay::Why(crate::ui::screen::why::WhyScreen::default()));
            Vec::new()
        }
        Action::PageUp | Action::PageDown => {
            scroll_by(app, None, action == Action::PageDown);
            Vec::new()
        }
        Action::Restart => {
            app.overlay = Some(Overlay::Confirm(Confirm::Restart));
            Vec::new()
        }
        Action::Notes => {
            app.mode = Mode::Notes;
            Vec::new()
        }
        Action::Search => {
            app.mode = Mode::Search(SearchScreen::open(app));
            Vec::new()
        }
        Action::Matrix => {
            app.mode = Mode::Matrix(MatrixScreen::open(app));
            Vec::new()
        }
        Action::Facts => {
            app.mode = Mode::Facts(FactsScreen::default());
            Vec::new()
        }
        Action::Import => {
            app.mode = Mode::Import(crate::ui::screen::import::ImportScreen::open());
            Vec::new()
        }
        Action::Escalate => vec![Effect::Escalate],
        Action::Export => {
            if let Some(f) = app.opts.export {
                app.overlay = Some(Overlay::Export(ExportScreen::open(f)));
            }
            Vec::new()
        }
        Action::Post => crate::ui::screen::post::open(app),
        Action::Quit => {
            if app.would_lose() || app.export_out_of_date() || app.escalation_not_queued() {
                app.overlay = Some(Overlay::Confirm(Confirm::Quit));
                Vec::new()
            } else {
                app.save_and_quit(exit::OK)
            }
        }
        _ => Vec::new(),
    }
}

/// Keys while the typed-answer line has the focus.
pub fn entry_key(app: &mut App, action: Action, key: &KeyEvent) -> Vec<Effect> {
    match action {
        Action::Submit => {
            let text = app.walk_screen.entry.text().trim().to_string();
            // On the code line a code is what counts: `5300` is not "53003" nor `abc` a match
            // for "AADSTS53003: blocked by Conditional Access". Only a part of a listed answer's
            // words ("conditional access") picks it.
            let code_line = matches!(
                app.session.walk.current(&app.set),
                Some(Current::Question(_, q)) if q.fact == ERROR_CODE
            );
            let code_like = code_line
                && (text.chars().any(|c| c.is_ascii_digit())
                    || "aadsts".starts_with(&text.to_ascii_lowercase())
                    || text.to_ascii_lowercase().starts_with("aadsts"));
            // Enter takes the best match under the line; text that matches nothing is kept.
            if let Some(best) =
                shown_now(app).into_iter().next().filter(|a| a.matched && !code_like && (a.strong || !code_line))
            {
                let label = sanitize_line(&best.label);
                let fx = answer(app, &best.value);
                let took = format!("\"{}\" → {label}.", truncate(&sanitize_line(&text), 24));
                let exact = [&best.label, &best.value].iter().any(|t| normalize(t) == normalize(&text));
                match &app.status {
                    _ if exact => {}
                    Some(s) if s.kind != StatusKind::Info => {}
                    Some(s) => app.info(format!("{took} {}", s.text)),
                    None => app.info(took),
                }
                return fx;
            }
            let verdict = match app.session.walk.current(&app.set) {
                Some(Current::Question(_, q)) if !text.is_empty() => typed_value(&app.set, &app.session.walk, q, &text),
                _ => Ok(text),
            };
            match verdict {
                Ok(value) => answer(app, &value),
                Err(why) => {
                    app.walk_screen.refusal = Some(why);
                    Vec::new()
                }
            }
        }
        Action::CantTell => answer(app, UNKNOWN),
        Action::Back => back(app),
        // `q` on an empty line (the keymap only gives it then).
        Action::Quit => self::key(app, action, key, Screen::Question),
        Action::LeaveInput => {
            app.walk_screen.focus_input = false;
            app.walk_screen.cursor = 0;
            Vec::new()
        }
        Action::PageUp | Action::PageDown => {
            scroll_by(app, None, action == Action::PageDown);
            Vec::new()
        }
        other => {
            let before = app.walk_screen.entry.text().to_string();
            app.walk_screen.entry.edit(other, key);
            if app.walk_screen.entry.text() != before {
                app.walk_screen.refusal = None;
            }
            // Typing brings the line back into sight after a page key moved it off.
            keep_cursor_visible(app);
            Vec::new()
        }
    }
}

/// What a typed answer stands for at question `q`: the listed answer it names (whatever its
/// case, `AADSTS53003` for `53003`), else the value itself when it can be right for the fact.
/// Err: why it can't, in one line.
pub fn typed_value(set: &RunbookSet, walk: &Walk, q: &Question, typed: &str) -> Result<String, String> {
    let listed = q.options.iter().find(|o| {
        same_value(&q.fact, typed, &o.value)
            || o.value.eq_ignore_ascii_case(typed)
            || o.label.eq_ignore_ascii_case(typed)
    });
    if let Some(o) = listed {
        return Ok(o.value.clone());
    }
    let shown = truncate(&sanitize_line(typed), 24);
    if q.fact == ERROR_CODE {
        return parse_error_code(typed).ok_or_else(|| format!("\"{shown}\" is not an AADSTS code: digits, e.g. 53003"));
    }
    // "2" typed where a name goes is an answer's number, not an app called 2.
    let digits = typed.trim();
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(set.vocab.fact(&q.fact).map(|d| &d.ty), Some(FactType::Text))
    {
        return Err(format!("\"{shown}\" is a number, not a name: type the name, or pick a listed answer"));
    }
    match set.vocab.normalize(&q.fact, typed, &walk.lookup()) {
        Ok(v) => Ok(v),
        Err(FactError::BadVersion { .. }) => {
            Err(format!("\"{shown}\" is not a version: e.g. {}", version_examples(walk, &q.fact)))
        }
        // The contract's wording names the fact key; on the call the range is what counts.
        Err(e @ (FactError::OutOfRange { .. } | FactError::Ambiguous { .. })) => {
            let t = e.to_string();
            Err(sanitize_line(t.split_once(": ").map_or(t.as_str(), |(_, rest)| rest)))
        }
        Err(FactError::TooLong { len, .. } | FactError::TooLongNeutralised { len, .. }) => Err(format!(
            "Too long ({len} bytes): type what the screen says in a line or two (at most {} bytes)",
            crate::vocab::MAX_FACT_VALUE_BYTES
        )),
        Err(e) => Err(sanitize_line(&e.to_string())),
    }
}

/// Versions as a caller of this platform could say them (a macOS name is no help on an iPhone).
fn version_examples(walk: &Walk, fact: &str) -> &'static str {
    let os_fact = match fact {
        "phone.os_version" => "phone.os",
        "client.os_version" => "client.os",
        _ => return "17.5 or 124.0.2478.80",
    };
    match walk.facts.get(os_fact).map(|f| f.value.as_str()) {
        Some("windows") => "1809, 23H2 or 10.0.22631",
        Some("macos") => "14.4 or Sonoma",
        Some("ios") => "17.5 or 18",
        Some("android") => "14 or 15",
        Some("chromeos") => "15917.0.0",
        _ => "17.5, 14, 1809 or Sonoma (macOS)",
    }
}

/// The answers shown at the current question with the typed line as it is.
pub fn shown_now(app: &App) -> Vec<answers::Shown> {
    match app.session.walk.current(&app.set) {
        Some(Current::Question(_, q)) => {
            let typed = if q.entry.is_some() { app.walk_screen.entry.text() } else { "" };
            answers::shown(&app.set, &app.session.walk, q, typed)
        }
        _ => Vec::new(),
    }
}

/// A click in the main panel.
pub fn click(app: &mut App, pos: Position) -> Vec<Effect> {
    match hit_test(app, regions_of(app.size).main, pos) {
        Some(Target::Choice(i)) => {
            app.status = None;
            app.walk_screen.focus_input = false;
            choose(app, i)
        }
        Some(Target::Check(i)) => {
            app.status = None;
            app.walk_screen.cursor = i;
            toggle(app, i)
        }
        _ => Vec::new(),
    }
}

/// The mouse wheel: three lines.
pub fn wheel(app: &mut App, down: bool) {
    scroll_by(app, Some(3), down);
}

/// A paste: into the typed line, focusing it on a typed question (a version or error code
/// pasted from a chat).
pub fn paste(app: &mut App, text: &str) {
    if app.key_context().typed {
        app.walk_screen.focus_input = true;
        app.walk_screen.entry.insert_str(text);
        app.walk_screen.refusal = None;
    }
}

// ----- walking -----------------------------------------------------------------------------

/// Takes answer / result `i` at the current question or step.
fn choose(app: &mut App, i: usize) -> Vec<Effect> {
    let value = match app.session.walk.current(&app.set) {
        Some(Current::Question(..)) => shown_now(app).get(i).map(|o| o.value.clone()),
        Some(Current::Step(_, s)) => s.options.get(i).map(|o| o.value.clone()),
        _ => None,
    };
    match value {
        Some(v) => answer(app, &v),
        None => Vec::new(),
    }
}

fn answer(app: &mut App, value: &str) -> Vec<Effect> {
    if value.is_empty() {
        let ctx = app.key_context();
        let pick = keymap::key_for(&ctx, Action::LeaveInput)
            .map(|k| format!(", or press {k} to pick a listed one"))
            .unwrap_or_default();
        app.warn(format!("Type an answer first{pick}."));
        return Vec::new();
    }
    let before = app.session.walk.clone();
    let result = app.session.walk.answer(&app.set, value, app.now);
    if app.session.walk == before {
        if let Err(e) = result {
            app.error(sanitize_line(&e.to_string()));
        }
        return Vec::new();
    }
    let fx = app.walk_changed();
    match result {
        Err(e) => app.error(format!("Runbook error: {}", sanitize_line(&e.to_string()))),
        Ok(()) => {
            // A derivation may have re-walked the path from the entry (contract §9.1): it can be
            // shorter than before.
            let passed: Vec<Provenance> = app
                .session
                .walk
                .path
                .get(before.path.len()..)
                .unwrap_or_default()
                .iter()
                .skip(1)
                .filter(|p| p.kind == StepKind::Question)
                .map(|p| p.provenance)
                .collect();
            if let Some((_, o)) = app.session.walk.outcome(&app.set) {
                let class = sanitize_line(&o.class);
                app.info(format!("Classified: {class}."));
            } else if let Some(said) = not_asked(&passed) {
                app.info(said);
            }
        }
    }
    fx
}

/// Why the questions the walk went past were not asked, counted by reason: "Not asked just now: 8 admin
/// checks (left for tier 2), 1 already answered." `None` when it went past none.
fn not_asked(passed: &[Provenance]) -> Option<String> {
    let count = |f: &dyn Fn(&Provenance) -> bool| passed.iter().filter(|p| f(p)).count();
    let deferred = count(&|p| *p == Provenance::Deferred);
    let moot = count(&|p| *p == Provenance::Skipped);
    let known = passed.len() - deferred - moot;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut parts = Vec::new();
    if known > 0 {
        parts.push(format!("{known} already answered"));
    }
    if deferred > 0 {
        parts.push(format!("{deferred} admin check{} (left for tier 2)", plural(deferred)));
    }
    if moot > 0 {
        parts.push(format!("{moot} that can't change the outcome"));
    }
    // Only what this answer went past: the side panel counts the whole call's.
    (!parts.is_empty()).then(|| format!("Not asked just now: {}.", parts.join(", ")))
}

fn back(app: &mut App) -> Vec<Effect> {
    let before = app.session.walk.clone();
    let result = app.session.walk.back(&app.set, app.now);
    if app.session.walk == before {
        if let Err(e) = result {
            app.warn(sanitize_line(&e.to_string()));
        }
        return Vec::new();
    }
    let fx = app.walk_changed();
    if let Err(e) = result {
        app.error(format!("Runbook error: {}", sanitize_line(&e.to_string())));
    } else {
        app.info("Back one question; the earlier answer is preselected.");
    }
    fx
}

fn toggle(app: &mut App, i: usize) -> Vec<Effect> {
    if i >= app.session.checklist.done.len() {
        return Vec::new();
    }
    app.session.toggle_step(i, app.now);
    keep_cursor_visible(app);
    vec![Effect::Persist]
}

#[cfg(test)]
mod tests {
    use super::not_asked;
    use crate::engine::Provenance::{Asked, Deferred, Derived, FactsFile, Skipped};

    #[test]
    fn a_number_typed_where_a_name_goes_is_refused() {
        use crate::runbook::{Node, RunbookSet};
        let set = RunbookSet::builtin().expect("built-in runbooks");
        let walk = crate::engine::Walk::start(&set, [], crate::engine::WalkOptions::default(), chrono::Utc::now())
            .expect("walk");
        let Some((_, Node::Question(q))) =
            set.nodes().find(|(_, n)| matches!(n, Node::Question(q) if q.fact == "client.app"))
        else {
            panic!("a question asks client.app")
        };
        let said = super::typed_value(&set, &walk, q, "2").expect_err("refused");
        assert!(said.contains("is a number, not a name"), "{said}");
        assert_eq!(super::typed_value(&set, &walk, q, "Outlook").as_deref(), Ok("outlook"));
        assert!(super::typed_value(&set, &walk, q, "Contoso Expenses 2").is_ok());
    }

    #[test]
    fn questions_gone_past_are_counted_by_why_they_were_not_asked() {
        assert_eq!(not_asked(&[]), None);
        assert_eq!(
            not_asked(&[Deferred, Deferred, Derived, Skipped, FactsFile, Deferred]).as_deref(),
            Some(
                "Not asked just now: 2 already answered, 3 admin checks (left for tier 2), 1 that can't change the outcome."
            )
        );
        assert_eq!(not_asked(&[Deferred]).as_deref(), Some("Not asked just now: 1 admin check (left for tier 2)."));
        assert_eq!(not_asked(&[Asked]).as_deref(), Some("Not asked just now: 1 already answered."));
    }
}
