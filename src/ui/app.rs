//! The wizard's state and its `update`: a message in, effects out, no I/O. Time comes in with
//! every call, so a test (or a replayed session) sees exactly what the agent saw.
//!
//! The app holds what every screen shares (the session, the runbooks, the notes, the status
//! line, the terminal size, the options) and routes keys, clicks and pastes to the screen in
//! front ([`super::screen`]); drawing is in [`super::frame`].

use std::cell::OnceCell;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use ratatui_textarea::TextArea;

use super::keymap::{self, Action, KeyContext, Screen};
pub use super::message::{Effect, LoadedRunbooks, Msg, Options};
use super::screen::aside::AsideScreen;
use super::screen::confirm::Confirm;
use super::screen::export::ExportScreen;
use super::screen::facts::FactsScreen;
use super::screen::help::HelpScreen;
use super::screen::import::ImportScreen;
use super::screen::matrix::MatrixScreen;
use super::screen::post::{self, PostScreen};
use super::screen::preview::PreviewScreen;
use super::screen::search::SearchScreen;
use super::screen::start::StartScreen;
use super::screen::walk::{self, WalkScreen};
use super::screen::{Reply, notes};
use super::search::Index;
use super::view::layout::too_small;
use crate::engine::{Current, Provenance};
use crate::exit;
use crate::export::Format;
use crate::runbook::RunbookSet;
use crate::session::Session;
use crate::text::{sanitize_line, sanitize_text};

/// The screen in front, with its state. `Walk` is the diagnosis, whose state is
/// [`App::walk_screen`] (kept while the others are open, since each returns to it).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Mode {
    Start(StartScreen),
    #[default]
    Walk,
    Notes,
    Search(SearchScreen),
    Matrix(MatrixScreen),
    Facts(FactsScreen),
    /// `i`: import a sign-in log (path or paste, then a picker).
    Import(ImportScreen),
    /// A question asked now, from search.
    Aside(AsideScreen),
    /// An outcome or step seen from search, read-only.
    Preview(PreviewScreen),
}

/// A pop-up over the mode, with its state.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help(HelpScreen),
    Confirm(Confirm),
    /// The `e` format picker.
    Export(ExportScreen),
    /// `p`: post the note to the ticket?
    Post(PostScreen),
    /// `w`: how the walk got here.
    Why(crate::ui::screen::why::WhyScreen),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Warn,
    Error,
}

/// The one-line message under the main panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// The whole state of the wizard.
#[derive(Debug, Clone)]
pub struct App {
    pub set: RunbookSet,
    /// The call: walk (engine state), notes, checklist. Saved as is.
    pub session: Session,
    /// The time of the latest message.
    pub now: DateTime<Utc>,
    pub mode: Mode,
    pub overlay: Option<Overlay>,
    /// The diagnosis panel: highlighted answer, typed line, scroll.
    pub walk_screen: WalkScreen,
    pub notes: TextArea<'static>,
    /// Built on the first `/` (it isn't needed for the first frame).
    index: OnceCell<Index>,
    pub status: Option<Status>,
    /// Terminal size, for scrolling and mouse hits.
    pub size: (u16, u16),
    pub opts: Options,
    /// The last save failed: quitting would lose the call.
    pub save_failed: bool,
    /// Why (one line), shown on the status line while no other message is.
    pub save_error: Option<String>,
    /// The latest export's file.
    pub last_export: Option<PathBuf>,
    /// What the last export was made from ([`App::export_basis`]): a later change makes it out of date.
    pub exported_basis: Option<String>,
    /// The escalation package was put in the tier-2 queue from this wizard (`t`, or already
    /// there when the call was resumed).
    pub queued: bool,
    /// When a digit last answered a question: a `.` soon after is a version typed ahead.
    pub digit_answered_at: Option<DateTime<Utc>>,
    /// A post of the note under way (help desk, ticket): its result is still to come.
    pub posting: Option<(crate::ticketing::System, String)>,
}

impl App {
    pub fn new(set: RunbookSet, session: Session, opts: Options, now: DateTime<Utc>) -> Self {
        let notes = notes_editor(&session.notes);
        let mode = if opts.start_screen { Mode::Start(StartScreen::new(&session)) } else { Mode::Walk };
        let mut app = Self {
            set,
            session,
            now,
            mode,
            overlay: None,
            walk_screen: WalkScreen::default(),
            notes,
            index: OnceCell::new(),
            status: None,
            size: (80, 24),
            opts,
            save_failed: false,
            save_error: None,
            last_export: None,
            exported_basis: None,
            queued: false,
            digit_answered_at: None,
            posting: None,
        };
        app.walk_screen.sync(&app.session.walk, &app.set);
        if app.mode == Mode::Walk {
            app.announce_start();
        }
        app
    }

    /// The unfinished calls the start screen offers to resume (nothing when it isn't up).
    pub fn offer_resumable(&mut self, sessions: Vec<Session>) {
        if let Mode::Start(s) = &mut self.mode {
            s.resumable = sessions;
        }
    }

    /// Is the start screen up (the call not started)?
    pub fn on_start_screen(&self) -> bool {
        matches!(self.mode, Mode::Start(_))
    }

    /// Says what the wizard opened on: tier 2 continuing a package, or an outcome reached
    /// without asking anything.
    fn announce_start(&mut self) {
        if let Some(original) = &self.session.continued_from {
            let original = sanitize_line(original);
            let back = keymap::key_for(&self.base_context(), Action::Back)
                .map(|k| format!(": {k} revisits any question"))
                .unwrap_or_default();
            self.info(format!("Tier 2 continues {original} (marked T1){back}."));
            return;
        }
        if !self.session.walk.is_finished() {
            return;
        }
        if self.session.walk.facts.values().any(|f| f.provenance == Provenance::AssumedUnknown) {
            self.info("Classified with every missing fact assumed unknown (--assume-unknown).");
        } else {
            self.info("Classified from the facts already known.");
        }
    }

    /// The start screen is done: the call starts (and its timer) at the first question.
    pub fn start_call(&mut self) {
        self.session.started_at = self.now;
        self.mode = Mode::Walk;
        self.walk_screen.sync(&self.session.walk, &self.set);
        self.announce_start();
    }

    /// Puts a saved session on screen (resume from the start screen or `--resume`).
    pub fn open_session(&mut self, session: Session) {
        let changed = session.runbooks.hash != self.set.content_hash();
        self.notes = notes_editor(&session.notes);
        self.session = session;
        self.mode = Mode::Walk;
        self.walk_screen.sync(&self.session.walk, &self.set);
        if changed {
            self.warn("The runbooks changed since this session was saved: answers are kept, the path may differ.");
        } else {
            let ticket =
                self.session.ticket.as_deref().map(|t| format!(" (ticket {})", sanitize_line(t))).unwrap_or_default();
            let tier2 = self
                .session
                .continued_from
                .as_deref()
                .map(|o| format!(" Tier 2: continues tier-1 session {}.", sanitize_line(o)))
                .unwrap_or_default();
            self.info(format!(
                "Resumed session {}{ticket}: same question, facts, notes and checklist.{tier2}",
                sanitize_line(&self.session.id)
            ));
        }
    }

    // ----- what is on screen -------------------------------------------------------------

    /// The key set in force (including overlays).
    pub fn screen(&self) -> Screen {
        match self.overlay {
            Some(Overlay::Help(_)) => Screen::Help,
            Some(Overlay::Confirm(_)) => Screen::Confirm,
            Some(Overlay::Export(_)) => Screen::Export,
            Some(Overlay::Post(_)) => Screen::Post,
            Some(Overlay::Why(_)) => Screen::Why,
            None => self.base_screen(),
        }
    }

    /// The screen under any overlay.
    pub fn base_screen(&self) -> Screen {
        match &self.mode {
            Mode::Start(s) if s.on_resumable() => Screen::Resume,
            Mode::Start(_) => Screen::Start,
            Mode::Notes => Screen::Notes,
            Mode::Search(_) => Screen::Search,
            Mode::Matrix(_) => Screen::Matrix,
            Mode::Facts(_) => Screen::Facts,
            Mode::Import(s) if s.is_picking() => Screen::ImportPick,
            Mode::Import(_) => Screen::Import,
            Mode::Aside(s) if s.focus_input && s.typed(self) => Screen::AsideEntry,
            Mode::Aside(_) => Screen::Aside,
            Mode::Preview(_) => Screen::Preview,
            Mode::Walk => match self.session.walk.current(&self.set) {
                Some(Current::Question(_, q)) if q.entry.is_some() && self.walk_screen.focus_input => Screen::Entry,
                Some(Current::Step(..)) => Screen::Step,
                Some(Current::Outcome(..)) => Screen::Outcome,
                _ => Screen::Question,
            },
        }
    }

    pub fn key_context(&self) -> KeyContext {
        self.context_for(self.screen())
    }

    /// The context of the screen under the overlay.
    pub fn base_context(&self) -> KeyContext {
        self.context_for(self.base_screen())
    }

    /// What help describes: the screen under it, or the overlay it was opened over.
    pub fn help_context(&self) -> KeyContext {
        match &self.overlay {
            Some(Overlay::Help(h)) => h.context(self),
            _ => self.base_context(),
        }
    }

    /// The keys of `screen` as the app stands.
    pub fn context_for(&self, screen: Screen) -> KeyContext {
        let walk = &self.session.walk;
        let typed = match (screen, &self.mode) {
            (Screen::Aside | Screen::AsideEntry, Mode::Aside(s)) => s.typed(self),
            _ => matches!(walk.current(&self.set), Some(Current::Question(_, q)) if q.entry.is_some()),
        };
        let input_empty = match (screen, &self.mode) {
            (Screen::Entry, _) => self.walk_screen.entry.is_empty(),
            (Screen::AsideEntry, Mode::Aside(s)) => s.entry.is_empty(),
            (Screen::Search, Mode::Search(s)) => s.query.is_empty(),
            (Screen::Start, Mode::Start(s)) => s.field().is_none_or(|f| f.is_empty()),
            (Screen::Import, Mode::Import(s)) => s.path_is_empty(),
            _ => true,
        };
        KeyContext {
            screen,
            items: match (screen, &self.mode) {
                (Screen::Search, Mode::Search(s)) => s.hits.len(),
                (Screen::Export, _) => Format::ALL.len(),
                (Screen::Start | Screen::Resume, Mode::Start(s)) => s.resumable.len(),
                (Screen::ImportPick, Mode::Import(s)) => s.items(),
                (Screen::Aside | Screen::AsideEntry, Mode::Aside(s)) => s.items(self),
                (
                    Screen::Search
                    | Screen::Start
                    | Screen::Resume
                    | Screen::Aside
                    | Screen::AsideEntry
                    | Screen::Import
                    | Screen::ImportPick,
                    _,
                ) => 0,
                _ => self.items(),
            },
            typed,
            input_empty,
            can_back: walk.can_go_back(),
            can_restart: self.can_restart(),
            can_export: self.opts.export.is_some(),
            can_post: self.opts.ticketing.is_some(),
            // Tier 2 is where an escalation goes: nothing to send on from there.
            can_escalate: self.opts.queue
                && screen == Screen::Outcome
                && !crate::export::tier2(&self.session)
                && self.session.status == crate::session::Status::Escalated,
        }
    }

    /// The search index over the runbook set.
    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.set))
    }

    /// Answers, results or checklist items at the current node.
    pub fn items(&self) -> usize {
        match self.session.walk.current(&self.set) {
            Some(Current::Question(..)) => crate::ui::screen::walk::shown_now(self).len(),
            Some(Current::Step(_, s)) => s.options.len(),
            Some(Current::Outcome(_, o)) => o.remediation.len(),
            None => 0,
        }
    }

    /// Would `r` change anything (timestamps aside)?
    pub fn can_restart(&self) -> bool {
        let mut w = self.session.walk.clone();
        w.restart(&self.set, self.now).is_ok() && !same_state(&w, &self.session.walk)
    }

    /// Does the call hold something that quitting would lose?
    /// What an export says, in short: the answers, step results, ticks and notes.
    pub fn export_basis(&self) -> String {
        let walk = &self.session.walk;
        let facts: Vec<(&String, &String)> = walk.facts.iter().map(|(k, f)| (k, &f.value)).collect();
        let steps: Vec<(&String, &String)> = walk.step_results.iter().map(|(k, f)| (k, &f.value)).collect();
        let ticks: Vec<bool> = self.session.checklist.done.iter().map(Option::is_some).collect();
        format!("{facts:?}|{steps:?}|{ticks:?}|{}", self.notes_text().trim())
    }

    /// The file exported on this run no longer says what the call says (an answer, a tick or the
    /// notes changed since): quitting asks first, so the ticket doesn't get the old notes.
    pub fn export_out_of_date(&self) -> bool {
        self.exported_basis.as_ref().is_some_and(|b| *b != self.export_basis())
    }

    /// The call escalates to tier 2 and the queue is set up, but the package isn't in it yet:
    /// quitting asks first, or tier 2 never gets the call.
    pub fn escalation_not_queued(&self) -> bool {
        self.opts.queue
            && !crate::export::tier2(&self.session)
            && self.session.status == crate::session::Status::Escalated
            && !self.queued
    }

    pub fn would_lose(&self) -> bool {
        if self.opts.persists && !self.save_failed {
            return false;
        }
        let walk = &self.session.walk;
        walk.facts.values().any(|f| f.provenance == Provenance::Asked)
            || !walk.step_results.is_empty()
            || !self.notes_text().trim().is_empty()
            || self.session.checklist.done.iter().any(Option::is_some)
    }

    /// Seconds since the call started (none while the start screen is up).
    pub fn elapsed_secs(&self) -> i64 {
        if self.on_start_screen() {
            return 0;
        }
        (self.now - self.session.started_at).num_seconds().max(0)
    }

    fn notes_text(&self) -> String {
        sanitize_text(&self.notes.lines().join("\n"))
    }

    // ----- update --------------------------------------------------------------------------

    /// Applies one message. Never does I/O; returns what the terminal loop must do.
    pub fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
        self.now = now;
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                // An outcome opens at its top (the reason, what to collect) even when the first
                // step is below the fold: the footer says there is more.
                let outcome_top = self.screen() == Screen::Outcome
                    && self.walk_screen.cursor == 0
                    && self.walk_screen.scroll.offset() == 0;
                if self.mode == Mode::Walk && !outcome_top {
                    walk::keep_cursor_visible(self);
                }
                Vec::new()
            }
            Msg::Tick => {
                if self.mode == Mode::Notes && self.sync_notes() {
                    return vec![Effect::Persist];
                }
                Vec::new()
            }
            Msg::Signal(code) => self.save_and_quit(code),
            Msg::Saved(Ok(())) => {
                if self.save_failed {
                    self.info("Saving works again: the session is saved.");
                }
                self.save_failed = false;
                self.save_error = None;
                Vec::new()
            }
            Msg::Saved(Err(e)) => {
                if !self.save_failed {
                    self.warn(format!("Could not save the session: {}", sanitize_line(&e)));
                }
                self.save_failed = true;
                self.save_error = Some(sanitize_line(&e));
                Vec::new()
            }
            Msg::Exported(Ok(ex)) => {
                self.last_export = Some(ex.path);
                self.exported_basis = Some(self.export_basis());
                self.export_status("");
                vec![Effect::CopyToClipboard(ex.text)]
            }
            Msg::Copied(written) => {
                if self.last_export.is_some() {
                    self.export_status(if written {
                        "; copied to the clipboard"
                    } else {
                        " (too long for the clipboard: paste from the file)"
                    });
                }
                Vec::new()
            }
            Msg::Exported(Err(e)) => {
                self.error(format!("Export failed: {}", sanitize_line(&e)));
                Vec::new()
            }
            Msg::Imported(result) => match self.mode {
                Mode::Import(_) => self.route_to_mode(|mode, app| match mode {
                    Mode::Import(s) => s.imported(result, app),
                    _ => Reply::stay(),
                }),
                // The screen was closed meanwhile: nothing to import into.
                _ => Vec::new(),
            },
            Msg::Escalated(Ok(line)) => {
                let room = usize::from(self.size.0).saturating_sub(2).max(24);
                self.info(super::text::shorten_middle(&sanitize_line(&line), room));
                self.queued = true;
                Vec::new()
            }
            Msg::Escalated(Err(e)) => {
                self.error(format!("Not queued for tier 2: {}", sanitize_line(&e)));
                Vec::new()
            }
            Msg::RunbooksLoaded(LoadedRunbooks(set)) => {
                self.set = *set;
                self.index = OnceCell::new();
                self.session.runbooks = crate::session::RunbookSetInfo::of(&self.set);
                // The start screen isn't journaled until the call starts.
                if self.on_start_screen() { Vec::new() } else { vec![Effect::Persist] }
            }
            Msg::Posted(result) => post::posted(self, result),
            Msg::Claimed(id, result) => match self.mode {
                Mode::Start(_) => self.route_to_mode(|mode, app| match mode {
                    Mode::Start(s) => s.claimed(&id, result, app),
                    _ => Reply::stay(),
                }),
                _ => Vec::new(),
            },
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctx = self.key_context();
        let Some(action) = keymap::resolve(&ctx, &key) else {
            if !ctx.screen.is_text() {
                let help = if ctx.screen == Screen::Confirm {
                    let key = |a| keymap::key_for(&ctx, a).unwrap_or_default();
                    format!("press {} or {}", key(Action::Confirm), key(Action::Cancel))
                } else {
                    let key = keymap::key_for(&ctx, Action::Help).unwrap_or_default();
                    format!("press {key} for the keys")
                };
                // A version typed where a list question now stands: its digits chose answers.
                let typed_ahead = ctx.screen == Screen::Question
                    && matches!(key.code, ratatui::crossterm::event::KeyCode::Char('.' | ','))
                    && self.digit_answered_at.is_some_and(|t| self.now - t <= chrono::Duration::seconds(3));
                if typed_ahead {
                    let back = keymap::key_for(&ctx, Action::Back).unwrap_or_else(|| "←".into());
                    self.warn(format!(
                        "\"{}\" is not an answer here. If a version was typed, its digits chose answers: {back} takes them back.",
                        keymap::key_name(&key)
                    ));
                    return Vec::new();
                }
                self.warn(format!("{} does nothing here: {help}.", keymap::key_name(&key)));
            }
            return Vec::new();
        };
        if !matches!(action, Action::Insert | Action::Edit) {
            self.status = None;
        }
        match action {
            Action::ForceQuit => return self.save_and_quit(exit::INTERRUPTED),
            Action::Help if ctx.screen != Screen::Help => {
                // A pending confirmation (or the picker) comes back when help closes.
                let over = self.overlay.take();
                self.overlay = Some(Overlay::Help(HelpScreen::open(over)));
                return Vec::new();
            }
            _ => {}
        }
        match ctx.screen {
            Screen::Question | Screen::Step | Screen::Outcome => walk::key(self, action, &key, ctx.screen),
            Screen::Entry => walk::entry_key(self, action, &key),
            Screen::Notes => notes::key(self, action, key),
            Screen::Start
            | Screen::Resume
            | Screen::Search
            | Screen::Matrix
            | Screen::Facts
            | Screen::Import
            | Screen::ImportPick
            | Screen::Aside
            | Screen::AsideEntry
            | Screen::Preview => self.route_to_mode(|mode, app| match mode {
                Mode::Start(s) => s.key(action, &key, app),
                Mode::Search(s) => s.key(action, &key, app),
                Mode::Matrix(s) => s.key(action, app),
                Mode::Facts(s) => s.key(action, app),
                Mode::Import(s) => s.key(action, &key, app),
                Mode::Aside(s) => s.key(action, &key, app),
                Mode::Preview(s) => s.key(action, app),
                Mode::Walk | Mode::Notes => Reply::stay(),
            }),
            Screen::Help | Screen::Confirm | Screen::Export | Screen::Post | Screen::Why => {
                self.route_to_overlay(|overlay, app| match overlay {
                    Overlay::Help(h) => h.key(action, app),
                    Overlay::Confirm(c) => c.key(action, app),
                    Overlay::Export(e) => e.key(action, &key, app),
                    Overlay::Post(p) => p.key(action, app),
                    Overlay::Why(w) => w.key(action, app),
                })
            }
        }
    }

    /// Hands a key (click, paste) to the screen of the mode. The screen is taken out of
    /// `self.mode` for the call (which reads `Walk` meanwhile), so it can change the rest of the
    /// app; it goes back unless it closed, and then the diagnosis shows again (or the screen
    /// it opened by setting `app.mode` as it closed, as search opens an aside).
    fn route_to_mode(&mut self, f: impl FnOnce(&mut Mode, &mut App) -> Reply) -> Vec<Effect> {
        let mut mode = std::mem::take(&mut self.mode);
        let reply = f(&mut mode, self);
        if !reply.close {
            self.mode = mode;
        }
        reply.effects
    }

    /// As [`Self::route_to_mode`], for the overlay. A closing help brings back what it was opened over.
    fn route_to_overlay(&mut self, f: impl FnOnce(&mut Overlay, &mut App) -> Reply) -> Vec<Effect> {
        let Some(mut overlay) = self.overlay.take() else { return Vec::new() };
        let reply = f(&mut overlay, self);
        self.overlay = match overlay {
            _ if !reply.close => Some(overlay),
            Overlay::Help(h) => h.over.map(|o| *o),
            _ => None,
        };
        reply.effects
    }

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        if self.overlay.is_some() || too_small(area) {
            return Vec::new();
        }
        let pos = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => match self.mode {
                Mode::Walk => walk::click(self, pos),
                Mode::Search(_) => self.route_to_mode(|mode, app| match mode {
                    Mode::Search(s) => s.click(pos, app),
                    _ => Reply::stay(),
                }),
                _ => Vec::new(),
            },
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                match self.mode {
                    Mode::Walk => walk::wheel(self, down),
                    Mode::Matrix(_) | Mode::Facts(_) | Mode::Preview(_) => {
                        let action = if down { Action::Down } else { Action::Up };
                        return self.route_to_mode(|mode, app| match mode {
                            Mode::Matrix(s) => s.key(action, app),
                            Mode::Facts(s) => s.key(action, app),
                            Mode::Preview(s) => s.key(action, app),
                            _ => Reply::stay(),
                        });
                    }
                    Mode::Search(_) => {
                        return self.route_to_mode(|mode, app| {
                            if let Mode::Search(s) = mode {
                                s.wheel(down, app);
                            }
                            Reply::stay()
                        });
                    }
                    _ => {}
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        if self.overlay.is_some() {
            return Vec::new();
        }
        match self.base_screen() {
            Screen::Entry | Screen::Question => walk::paste(self, text),
            Screen::Notes => notes::paste(self, text),
            Screen::Import | Screen::ImportPick => {
                return self.route_to_mode(|mode, app| match mode {
                    Mode::Import(s) => s.paste(text, app),
                    _ => Reply::stay(),
                });
            }
            Screen::Start | Screen::Search | Screen::AsideEntry => {
                let _ = self.route_to_mode(|mode, app| {
                    match mode {
                        Mode::Start(s) => s.paste(text),
                        Mode::Search(s) => s.paste(text, app),
                        Mode::Aside(s) => s.paste(text),
                        _ => {}
                    }
                    Reply::stay()
                });
            }
            _ => {}
        }
        Vec::new()
    }

    // ----- what screens share ---------------------------------------------------------------

    /// After the walk moved: refresh the session, reset the diagnosis panel for the new node,
    /// save.
    pub fn walk_changed(&mut self) -> Vec<Effect> {
        self.session.refresh(&self.set, self.now);
        self.walk_screen.sync(&self.session.walk, &self.set);
        vec![Effect::Persist]
    }

    /// Copies the editor's text into the session; true when it changed.
    pub fn sync_notes(&mut self) -> bool {
        let text = self.notes_text();
        let text = if text.trim().is_empty() { String::new() } else { text };
        if text != self.session.notes {
            self.session.notes = text;
            true
        } else {
            false
        }
    }

    /// Saves (unless the call was never started: the start screen) and quits with `code`.
    pub fn save_and_quit(&mut self, code: i32) -> Vec<Effect> {
        if self.on_start_screen() {
            return vec![Effect::Quit(code)];
        }
        self.sync_notes();
        vec![Effect::Persist, Effect::Quit(code)]
    }

    /// "Exported to PATH{tail}", the path shortened in the middle to fit the status line.
    fn export_status(&mut self, tail: &str) {
        let Some(path) = &self.last_export else { return };
        let path = sanitize_line(&path.display().to_string());
        let fixed = "Exported to ".chars().count() + tail.chars().count() + 1;
        let room = (self.size.0 as usize).saturating_sub(2 + fixed).max(24);
        self.info(format!("Exported to {}{tail}.", super::text::shorten_middle(&path, room)));
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Info, text: text.into() });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Warn, text: text.into() });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Error, text: text.into() });
    }
}

/// The notes editor holding `text`.
fn notes_editor(text: &str) -> TextArea<'static> {
    let text = sanitize_text(text);
    let mut notes = TextArea::new(text.split('\n').map(str::to_string).collect());
    notes.set_placeholder_text("Notes for the ticket: what the user said, what you tried…");
    notes.set_cursor_line_style(ratatui::style::Style::default());
    // Long lines wrap at words (a long URL at any character), as the exports show them.
    notes.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    notes
}

/// Same position, facts, step results and path, ignoring when things were recorded.
fn same_state(a: &crate::engine::Walk, b: &crate::engine::Walk) -> bool {
    let facts = |w: &crate::engine::Walk| -> Vec<(String, String, Provenance)> {
        w.facts.iter().map(|(k, f)| (k.clone(), f.value.clone(), f.provenance)).collect()
    };
    let steps = |w: &crate::engine::Walk| -> Vec<(String, String)> {
        w.step_results.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect()
    };
    let path = |w: &crate::engine::Walk| -> Vec<(String, String)> {
        w.path.iter().map(|p| (p.node.to_string(), p.answer.clone())).collect()
    };
    a.position == b.position && facts(a) == facts(b) && steps(a) == steps(b) && path(a) == path(b)
}
