//! `i`: import the user's sign-in from a log export. The agent types a file path (read by the
//! terminal loop: `Effect::ImportFile`) or pastes the entries (JSON, or CSV rows copied from the
//! portal: parsed here, no I/O). When several entries match, a picker lists them (time, app,
//! OS / browser, code, status), newest failed first. The chosen entry's facts are added as
//! imported, with their source field; facts already known on the call are kept.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::Reply;
use crate::engine::{FactEntry, Provenance};
use crate::import::{Entry, Imported, Query, rules};
use crate::text::sanitize_line;
use crate::ui::app::{App, Effect};
use crate::ui::input::LineInput;
use crate::ui::keymap::{self, Action};
use crate::ui::scroll::Scroll;
use crate::ui::text::{pad, truncate};
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_lines, para};

/// How many entries the picker offers at most (the best ones).
pub const PICK_MAX: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportScreen {
    /// A path to type, or entries to paste.
    Ask { path: LineInput },
    /// Several entries matched: which one is the call about?
    Pick { found: Box<Imported>, cursor: usize, scroll: Scroll },
}

impl ImportScreen {
    pub fn open() -> Self {
        ImportScreen::Ask { path: LineInput::default() }
    }

    pub fn is_picking(&self) -> bool {
        matches!(self, ImportScreen::Pick { .. })
    }

    /// Entries in the picker (0 while asking).
    pub fn items(&self) -> usize {
        match self {
            ImportScreen::Pick { found, .. } => found.candidates.len(),
            ImportScreen::Ask { .. } => 0,
        }
    }

    pub fn path_is_empty(&self) -> bool {
        matches!(self, ImportScreen::Ask { path } if path.is_empty())
    }

    pub fn key(&mut self, action: Action, key: &KeyEvent, app: &mut App) -> Reply {
        match self {
            ImportScreen::Ask { path } => match action {
                Action::Close => Reply::close(),
                Action::Submit => {
                    let spec = path.text().trim().to_string();
                    if spec == "-" {
                        app.warn("Standard input is the terminal here: type a file path, or paste the entries.");
                        return Reply::stay();
                    }
                    Reply::stay_with(vec![Effect::ImportFile { path: spec, query: query(app) }])
                }
                other => {
                    path.edit(other, key);
                    Reply::stay()
                }
            },
            ImportScreen::Pick { found, cursor, scroll } => {
                let n = found.candidates.len();
                let h = list_height(app);
                match action {
                    Action::Close => return Reply::close(),
                    Action::Up => *cursor = cursor.saturating_sub(1),
                    Action::Down => *cursor = (*cursor + 1).min(n.saturating_sub(1)),
                    Action::Select => return take(found, *cursor, app),
                    Action::Choose => match keymap::digit_index(key) {
                        Some(i) if i < n => return take(found, i, app),
                        _ => app.warn(format!("There is no entry {} here.", keymap::key_name(key))),
                    },
                    _ => {}
                }
                scroll.keep_visible(*cursor, h);
                Reply::stay()
            }
        }
    }

    /// A paste: entries (several lines, JSON, or comma-separated rows) are imported at once;
    /// anything else is a path typed into the line.
    pub fn paste(&mut self, text: &str, app: &mut App) -> Reply {
        let ImportScreen::Ask { path } = self else { return Reply::stay() };
        let t = text.trim_start_matches('\u{feff}').trim();
        let looks_like_entries =
            t.starts_with('{') || t.starts_with('[') || t.contains('\n') || t.matches(',').count() >= 2;
        if !looks_like_entries {
            path.insert_str(text);
            return Reply::stay();
        }
        let result = crate::import::import("the paste", t.as_bytes(), &query(app), PICK_MAX);
        self.imported(result.map(Box::new).map_err(|e| e.to_string()), app)
    }

    /// The result of an import (a file read by the terminal loop, or a paste).
    pub fn imported(&mut self, result: Result<Box<Imported>, String>, app: &mut App) -> Reply {
        match result {
            Err(e) => {
                app.error(format!("Import failed: {}", sanitize_line(&e)));
                Reply::stay()
            }
            Ok(found) if found.candidates.len() > 1 => {
                let ctx = keymap::KeyContext {
                    items: found.candidates.len(),
                    ..keymap::KeyContext::new(keymap::Screen::ImportPick)
                };
                let enter =
                    keymap::key_for(&ctx, Action::Select).map(|k| format!(": {k} imports it")).unwrap_or_default();
                app.info(format!(
                    "{} of {} entries match; the newest failed one is highlighted{enter}.",
                    found.matched, found.read
                ));
                *self = ImportScreen::Pick { found, cursor: 0, scroll: Scroll::default() };
                Reply::stay()
            }
            Ok(found) => take(&found, 0, app),
        }
    }

    pub fn render(&self, _app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
        frame.render_widget(block(" Import the user's sign-in from a log ", theme, true), area);
        let i = Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(2), area.height.saturating_sub(2));
        let w = i.width as usize;
        match self {
            ImportScreen::Ask { path } => {
                let mut lines = para(
                    "Type the path of an export and press Enter, or paste the entries (JSON, or CSV rows with their \
                     header copied from the portal's download). Read: Graph signIn JSON, the admin center's JSON or \
                     CSV, Log Analytics (query API or az), diagnostic settings.",
                    w,
                    theme.plain(),
                );
                lines.push(Line::raw(""));
                let (shown, col) = path.visible(w.saturating_sub(3).max(1));
                let row = i.y + crate::ui::scroll::len_u16(lines.len());
                lines.push(Line::from(vec![
                    Span::styled(" > ", theme.selected()),
                    Span::styled(shown, theme.input().patch(theme.bold())),
                ]));
                lines.push(Line::raw(""));
                lines.extend(para(
                    "Only what the log says is imported (never the phase, the flow or policy), each fact marked ↓ \
                     with the field it came from. Facts already known on this call are kept.",
                    w,
                    theme.dim(),
                ));
                draw_lines(frame, i, &lines, 0);
                if row < i.y + i.height {
                    frame.set_cursor_position(Position::new(i.x + 3 + col as u16, row));
                }
            }
            ImportScreen::Pick { found, cursor, scroll } => {
                let head = format!(
                    "{} of {} entries match, newest failed first{}. Which one is this call about?",
                    found.matched,
                    found.read,
                    if found.matched > found.candidates.len() {
                        format!(" (the best {} shown)", found.candidates.len())
                    } else {
                        String::new()
                    }
                );
                let mut top = para(&head, w, theme.plain());
                top.push(Line::styled(truncate(&columns(None, w), w), theme.bold()));
                let top_h = crate::ui::scroll::len_u16(top.len()).min(i.height);
                draw_lines(frame, Rect::new(i.x, i.y, i.width, top_h), &top, 0);
                let list = Rect::new(i.x, i.y + top_h, i.width, i.height.saturating_sub(top_h));
                let first = scroll.showing(*cursor, list.height) as usize;
                let rows: Vec<Line> = found
                    .candidates
                    .iter()
                    .enumerate()
                    .skip(first)
                    .take(list.height as usize)
                    .map(|(n, e)| {
                        let text = pad(&truncate(&columns(Some((n, e)), w), w), w);
                        if n == *cursor {
                            Line::styled(text, theme.selected())
                        } else {
                            Line::styled(text, theme.plain())
                        }
                    })
                    .collect();
                draw_lines(frame, list, &rows, 0);
            }
        }
    }
}

/// The picker's rows: number, time, app, OS / browser, code, status; `None` gives the heading.
fn columns(row: Option<(usize, &Entry)>, width: usize) -> String {
    let cells: [String; 6] = match row {
        None => ["#", "time (UTC)", "app", "OS / browser", "code", "status"].map(str::to_string),
        Some((n, e)) => {
            let v = |f: &Option<crate::import::record::Field<String>>| f.as_ref().map(|f| sanitize_line(&f.value));
            let client = [v(&e.os), v(&e.browser)].into_iter().flatten().collect::<Vec<_>>().join(" / ");
            let code = match e.code() {
                Some(0) => "0".to_string(),
                Some(c) => format!("AADSTS{c}"),
                None => "-".to_string(),
            };
            [
                format!("{}", n + 1),
                v(&e.time).unwrap_or_else(|| "-".into()),
                e.app_name.as_deref().map(sanitize_line).unwrap_or_else(|| "-".into()),
                if client.is_empty() { "-".into() } else { client },
                code,
                e.status.as_deref().map(sanitize_line).unwrap_or_else(|| "-".into()),
            ]
        }
    };
    // Fixed widths for the short columns; app and client share the rest.
    let rest = width.saturating_sub(3 + 29 + 14 + 12 + 5).max(10);
    let widths = [3, 29, rest * 2 / 5, rest - rest * 2 / 5, 14, 12];
    cells.iter().zip(widths).map(|(c, w)| pad(&truncate(c, w.saturating_sub(1)), w)).collect::<String>()
}

/// Rows the picker's list has on screen (for scrolling).
fn list_height(app: &App) -> u16 {
    regions_of(app.size).body.height.saturating_sub(2 + 3)
}

/// Whose sign-ins: the user on the call, when the session knows a UPN.
fn query(app: &App) -> Query {
    let user = app.session.user.as_deref().map(str::trim).filter(|u| u.contains('@')).map(str::to_string);
    Query { correlation_id: None, user }
}

/// Imports candidate `i` and closes.
fn take(found: &Imported, i: usize, app: &mut App) -> Reply {
    let Some(entry) = found.candidates.get(i) else { return Reply::stay() };
    Reply::close_with(apply(app, entry))
}

/// Adds an entry's facts to the walk as imported (with their source field), keeping every fact
/// already known; says what it did on the status line.
pub fn apply(app: &mut App, entry: &Entry) -> Vec<Effect> {
    let (facts, left_out) = rules::mapped(entry);
    let mut added = 0;
    let mut kept: Vec<String> = Vec::new();
    for f in &facts {
        match app.session.walk.facts.get(f.key) {
            Some(known) if known.value != f.value => kept.push(f.key.to_string()),
            Some(_) => {}
            None if app.set.vocab.check(f.key, &f.value).is_ok() => {
                let e = FactEntry {
                    value: f.value.clone(),
                    provenance: Provenance::Imported,
                    at: app.now,
                    via: Some(f.source.clone()),
                };
                app.session.walk.facts.insert(f.key.to_string(), e);
                added += 1;
            }
            None => {}
        }
    }
    if app.session.user.is_none()
        && let Some(u) = facts.iter().find(|f| f.key == "user.upn")
    {
        app.session.user = Some(u.value.clone());
    }
    let advanced = if app.session.walk.is_finished() { Ok(()) } else { app.session.walk.advance(&app.set, app.now) };
    let mut fx = app.walk_changed();
    let s = if added == 1 { "" } else { "s" };
    let mut msg = format!("Imported {added} fact{s} from {} (marked ↓)", entry.format.label());
    if !kept.is_empty() {
        msg.push_str(&format!("; kept what the call already said for {}", kept.join(", ")));
    }
    if !left_out.is_empty() {
        msg.push_str(&format!("; left out {} (longer than a fact may hold)", left_out.join(", ")));
    }
    if let Some(code) = facts.iter().find(|f| f.key == "error.code").and_then(|f| crate::aadsts::lookup(&f.value)) {
        msg.push_str(&format!(". {}", code.one_line()));
    }
    match advanced {
        Ok(()) => app.info(format!("{msg}.")),
        Err(e) => app.error(format!("{msg}, but the walk can't go on: {}", sanitize_line(&e.to_string()))),
    }
    if fx.is_empty() {
        fx.push(Effect::Persist);
    }
    fx
}
