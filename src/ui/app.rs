//! The wizard's state and its `update`: a message in, effects out, no I/O. Time comes in with
//! every call, so a test (or a replayed session) sees exactly what the agent saw.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::input::LineInput;
use super::keymap::{self, Action, KeyContext, Screen};
use super::search::{self, Hit, Index};
use super::store::Exported;
use super::view;
use crate::cli::ExportFormat;
use crate::engine::{Current, Provenance, StepKind};
use crate::exit;
use crate::runbook::RunbookSet;
use crate::session::Session;
use crate::text::{sanitize_line, sanitize_text};

/// The main screens; help and confirmations are overlays on top of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Start,
    Walk,
    Notes,
    Search,
    Matrix,
}

/// What a confirmation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Restart,
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Confirm(Confirm),
    /// The `e` format picker.
    Export,
}

/// The formats `e` offers, in picker order: (format, name, what it is for).
pub const EXPORT_FORMATS: [(ExportFormat, &str, &str); 3] = [
    (ExportFormat::Markdown, "Markdown", "ticket notes for ticket systems that render Markdown"),
    (ExportFormat::Text, "Plain text", "ticket notes wrapped at 100 columns, for any ticket system"),
    (ExportFormat::Json, "JSON", "the escalation package (the whole session) for tier 2: passkey-triage open FILE"),
];

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

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Bracketed paste.
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (the header timer).
    Tick,
    /// SIGTERM / SIGHUP / SIGINT (or the Windows equivalents): quit with this exit code.
    Signal(i32),
    /// Result of an `Effect::Persist`.
    Saved(Result<(), String>),
    /// Result of an `Effect::Export`.
    Exported(Result<Exported, String>),
    /// Result of an `Effect::CopyToClipboard`: was the OSC 52 sequence written? (Whether the
    /// terminal honoured it can't be known.)
    Copied(bool),
    /// The whole runbook set, parsed in the background after the first frame (which needed only
    /// the entry runbook). Replaces `set`; the walk's addresses stay valid.
    RunbooksLoaded(LoadedRunbooks),
}

/// The whole runbook set, for [`Msg::RunbooksLoaded`]; equal when the contents are.
#[derive(Debug, Clone)]
pub struct LoadedRunbooks(pub Box<RunbookSet>);

impl PartialEq for LoadedRunbooks {
    fn eq(&self, other: &Self) -> bool {
        self.0.content_hash() == other.0.content_hash()
    }
}

/// What the app asks the terminal loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save the session (after every change).
    Persist,
    /// Export the session; the result comes back as `Msg::Exported`.
    Export(ExportFormat),
    /// Put text on the clipboard (OSC 52).
    CopyToClipboard(String),
    /// Leave the wizard with this exit code.
    Quit(i32),
}

/// How the app was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// `NO_COLOR` is set: meaning by symbols and text attributes only.
    pub no_color: bool,
    /// Open on the start screen (ticket / user / agent) instead of the first question.
    pub start_screen: bool,
    /// The session store keeps sessions (see `SessionStore::persists`).
    pub persists: bool,
    /// The format `e` offers first; None hides `e`.
    pub export: Option<ExportFormat>,
    /// Exports are redacted (said in the picker).
    pub redact: bool,
}

/// Where a mouse click landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Answer or step result `i`.
    Choice(usize),
    /// Remediation step `i`.
    Check(usize),
    /// Search result `i`.
    Result(usize),
}

/// Start-screen fields.
pub const START_FIELDS: [&str; 3] = ["Ticket", "User (UPN)", "Agent"];

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
    /// Highlighted answer, result or checklist item.
    pub cursor: usize,
    /// The typed-answer line has the focus (questions with `entry`).
    pub focus_input: bool,
    pub entry: LineInput,
    /// "Why am I asked this?" is shown.
    pub why: bool,
    /// Scroll offset of the main panel, in lines.
    pub scroll: u16,
    pub start_fields: [LineInput; 3],
    pub start_focus: usize,
    pub notes: TextArea<'static>,
    /// Built on the first `/` (it isn't needed for the first frame).
    index: std::cell::OnceCell<Index>,
    pub query: LineInput,
    pub hits: Vec<Hit>,
    pub hit: usize,
    pub matrix_scroll: u16,
    pub help_scroll: u16,
    /// The overlay help was opened over (a confirmation), restored when help closes.
    pub help_over: Option<Overlay>,
    pub status: Option<Status>,
    /// Terminal size, for scrolling and mouse hits.
    pub size: (u16, u16),
    pub opts: Options,
    /// The last save failed: quitting would lose the call.
    pub save_failed: bool,
    /// Why (one line), shown on the status line while no other message is.
    pub save_error: Option<String>,
    /// Highlighted format in the export picker (index into [`EXPORT_FORMATS`]).
    pub export_pick: usize,
    /// The latest export's file.
    pub last_export: Option<std::path::PathBuf>,
    /// Unfinished sessions the start screen offers to resume (focus `START_FIELDS.len() + i`).
    pub resumable: Vec<Session>,
}

impl App {
    pub fn new(set: RunbookSet, session: Session, opts: Options, now: DateTime<Utc>) -> Self {
        let notes = notes_editor(&session.notes);
        let start_fields = [
            LineInput::with_text(session.ticket.as_deref().unwrap_or("")),
            LineInput::with_text(session.user.as_deref().unwrap_or("")),
            LineInput::with_text(session.agent.as_deref().unwrap_or("")),
        ];
        let mut app = Self {
            set,
            session,
            now,
            mode: if opts.start_screen { Mode::Start } else { Mode::Walk },
            overlay: None,
            cursor: 0,
            focus_input: false,
            entry: LineInput::default(),
            why: false,
            scroll: 0,
            start_fields,
            start_focus: 0,
            notes,
            index: std::cell::OnceCell::new(),
            query: LineInput::default(),
            hits: Vec::new(),
            hit: 0,
            matrix_scroll: 0,
            help_scroll: 0,
            help_over: None,
            status: None,
            size: (80, 24),
            opts,
            save_failed: false,
            save_error: None,
            export_pick: 0,
            last_export: None,
            resumable: Vec::new(),
        };
        app.sync_node();
        if app.mode == Mode::Walk {
            app.announce_start();
        }
        app
    }

    /// Says what the wizard opened on: tier 2 continuing a package, or an outcome reached
    /// without asking anything.
    fn announce_start(&mut self) {
        if let Some(original) = &self.session.continued_from {
            self.info(format!("Tier 2 continues {} (marked T1): ← revisits any question.", sanitize_line(original)));
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

    // ----- what is on screen -------------------------------------------------------------

    /// The key set in force (including overlays).
    pub fn screen(&self) -> Screen {
        match self.overlay {
            Some(Overlay::Help) => Screen::Help,
            Some(Overlay::Confirm(_)) => Screen::Confirm,
            Some(Overlay::Export) => Screen::Export,
            None => self.base_screen(),
        }
    }

    /// The screen under any overlay.
    pub fn base_screen(&self) -> Screen {
        match self.mode {
            Mode::Start if self.start_focus >= START_FIELDS.len() => Screen::Resume,
            Mode::Start => Screen::Start,
            Mode::Notes => Screen::Notes,
            Mode::Search => Screen::Search,
            Mode::Matrix => Screen::Matrix,
            Mode::Walk => match self.session.walk.current(&self.set) {
                Some(Current::Question(_, q)) if q.entry.is_some() && self.focus_input => Screen::Entry,
                Some(Current::Step(..)) => Screen::Step,
                Some(Current::Outcome(..)) => Screen::Outcome,
                _ => Screen::Question,
            },
        }
    }

    pub fn key_context(&self) -> KeyContext {
        self.context_for(self.screen())
    }

    /// The context of the screen under the overlay (what help describes).
    pub fn base_context(&self) -> KeyContext {
        self.context_for(self.base_screen())
    }

    /// What help describes: the screen under it, or the confirmation it was opened over.
    pub fn help_context(&self) -> KeyContext {
        match self.help_over {
            Some(Overlay::Confirm(_)) => self.context_for(Screen::Confirm),
            Some(Overlay::Export) => self.context_for(Screen::Export),
            _ => self.base_context(),
        }
    }

    fn context_for(&self, screen: Screen) -> KeyContext {
        let walk = &self.session.walk;
        let typed = matches!(walk.current(&self.set), Some(Current::Question(_, q)) if q.entry.is_some());
        let input_empty = match screen {
            Screen::Entry => self.entry.is_empty(),
            Screen::Search => self.query.is_empty(),
            Screen::Start => self.start_fields[self.start_focus].is_empty(),
            _ => true,
        };
        KeyContext {
            screen,
            items: match screen {
                Screen::Search => self.hits.len(),
                Screen::Export => EXPORT_FORMATS.len(),
                Screen::Start | Screen::Resume => self.resumable.len(),
                _ => self.items(),
            },
            typed,
            input_empty,
            can_back: walk.can_go_back(),
            can_restart: self.can_restart(),
            can_export: self.opts.export.is_some(),
        }
    }

    /// The search index over the runbook set.
    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.set))
    }

    /// Answers, results or checklist items at the current node.
    pub fn items(&self) -> usize {
        match self.session.walk.current(&self.set) {
            Some(Current::Question(_, q)) => q.options.len(),
            Some(Current::Step(_, s)) => s.options.len(),
            Some(Current::Outcome(_, o)) => o.remediation.len(),
            None => 0,
        }
    }

    /// The picker row of a format.
    fn export_pick_for(&self, f: ExportFormat) -> usize {
        EXPORT_FORMATS.iter().position(|(x, _, _)| *x == f).unwrap_or(0)
    }

    /// Would `r` change anything (timestamps aside)?
    pub fn can_restart(&self) -> bool {
        let mut w = self.session.walk.clone();
        w.restart(&self.set, self.now).is_ok() && !same_state(&w, &self.session.walk)
    }

    /// Does the call hold something that quitting would lose?
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

    /// Seconds since the call started.
    pub fn elapsed_secs(&self) -> i64 {
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
                self.keep_cursor_visible();
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
            Msg::RunbooksLoaded(LoadedRunbooks(set)) => {
                self.set = *set;
                self.index = std::cell::OnceCell::new();
                self.session.runbooks = crate::session::RunbookSetInfo::of(&self.set);
                // The start screen isn't journaled until the call starts.
                if self.mode == Mode::Start { Vec::new() } else { vec![Effect::Persist] }
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctx = self.key_context();
        let Some(action) = keymap::resolve(&ctx, &key) else {
            if !ctx.screen.is_text() {
                let help = if ctx.screen == Screen::Confirm { "press y or n" } else { "press ? for the keys" };
                self.warn(format!("{} does nothing here: {help}.", key_name(&key)));
            }
            return Vec::new();
        };
        if !matches!(action, Action::Insert | Action::Edit) {
            self.status = None;
        }
        match action {
            Action::ForceQuit => return self.save_and_quit(exit::INTERRUPTED),
            Action::Help if ctx.screen != Screen::Help => {
                // A pending confirmation comes back when help closes.
                self.help_over = self.overlay;
                self.overlay = Some(Overlay::Help);
                self.help_scroll = 0;
                return Vec::new();
            }
            _ => {}
        }
        match ctx.screen {
            Screen::Start => self.start_key(action, &key),
            Screen::Resume => self.resume_key(action),
            Screen::Export => self.export_key(action, &key),
            Screen::Question | Screen::Step | Screen::Outcome => self.walk_key(action, &key, ctx.screen),
            Screen::Entry => self.entry_key(action, &key),
            Screen::Notes => self.notes_key(action, key),
            Screen::Search => self.search_key(action, &key),
            Screen::Matrix => self.matrix_key(action),
            Screen::Help => self.help_key(action),
            Screen::Confirm => self.confirm_key(action),
        }
    }

    fn start_key(&mut self, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match action {
            Action::Submit => {
                let field = |i: usize| {
                    let t = self.start_fields[i].text().trim().to_string();
                    (!t.is_empty()).then_some(t)
                };
                self.session.ticket = field(0);
                self.session.user = field(1);
                self.session.agent = field(2);
                self.mode = Mode::Walk;
                self.sync_node();
                self.announce_start();
                vec![Effect::Persist]
            }
            Action::NextField | Action::PrevField => {
                self.move_start_focus(action == Action::NextField);
                Vec::new()
            }
            other => {
                let i = self.start_focus;
                edit_line(&mut self.start_fields[i], other, key);
                Vec::new()
            }
        }
    }

    /// Tab / arrows on the start screen: round the fields, then the unfinished sessions.
    fn move_start_focus(&mut self, forward: bool) {
        let n = START_FIELDS.len() + self.resumable.len();
        self.start_focus = if forward { (self.start_focus + 1) % n } else { (self.start_focus + n - 1) % n };
    }

    /// Keys on an unfinished session of the start screen.
    fn resume_key(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::NextField | Action::PrevField => {
                self.move_start_focus(action == Action::NextField);
                Vec::new()
            }
            Action::Select => self.resume(self.start_focus - START_FIELDS.len()),
            Action::Quit => vec![Effect::Quit(exit::OK)],
            _ => Vec::new(),
        }
    }

    /// Continues unfinished session `i` instead of starting a new one: same question, facts,
    /// notes and checklist. The new session (never saved) is dropped.
    fn resume(&mut self, i: usize) -> Vec<Effect> {
        if i >= self.resumable.len() {
            return Vec::new();
        }
        let session = self.resumable.swap_remove(i);
        self.resumable.clear();
        self.start_focus = 0;
        self.open_session(session);
        Vec::new()
    }

    /// Puts a saved session on screen (resume from the start screen or `--resume`).
    pub fn open_session(&mut self, session: Session) {
        let changed = session.runbooks.hash != self.set.content_hash();
        self.notes = notes_editor(&session.notes);
        self.start_fields = [
            LineInput::with_text(session.ticket.as_deref().unwrap_or("")),
            LineInput::with_text(session.user.as_deref().unwrap_or("")),
            LineInput::with_text(session.agent.as_deref().unwrap_or("")),
        ];
        self.session = session;
        self.mode = Mode::Walk;
        self.sync_node();
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

    /// Keys in the export format picker.
    fn export_key(&mut self, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match action {
            Action::Choose => match keymap::digit_index(key) {
                Some(i) if i < EXPORT_FORMATS.len() => self.export(i),
                _ => {
                    self.warn(format!("There is no format {}: 1 Markdown, 2 plain text, 3 JSON.", key_name(key)));
                    Vec::new()
                }
            },
            Action::Up => {
                self.export_pick = self.export_pick.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                self.export_pick = (self.export_pick + 1).min(EXPORT_FORMATS.len() - 1);
                Vec::new()
            }
            Action::Select => self.export(self.export_pick),
            Action::Cancel => {
                self.overlay = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Exports in format `i` of the picker (the notes as typed so far included).
    fn export(&mut self, i: usize) -> Vec<Effect> {
        self.overlay = None;
        self.export_pick = i;
        let (format, name, _) = EXPORT_FORMATS[i];
        self.info(format!("Exporting {name}…"));
        let mut fx = Vec::new();
        if self.sync_notes() {
            fx.push(Effect::Persist);
        }
        fx.push(Effect::Export(format));
        fx
    }

    /// "Exported to PATH{tail}", the path shortened in the middle to fit the status line.
    fn export_status(&mut self, tail: &str) {
        let Some(path) = &self.last_export else { return };
        let path = sanitize_line(&path.display().to_string());
        let fixed = "Exported to ".chars().count() + tail.chars().count() + 1;
        let room = (self.size.0 as usize).saturating_sub(2 + fixed).max(24);
        self.info(format!("Exported to {}{tail}.", super::text::shorten_middle(&path, room)));
    }

    /// Saves (unless the call was never started: the start screen) and quits with `code`.
    fn save_and_quit(&mut self, code: i32) -> Vec<Effect> {
        if self.mode == Mode::Start {
            return vec![Effect::Quit(code)];
        }
        self.sync_notes();
        vec![Effect::Persist, Effect::Quit(code)]
    }

    fn walk_key(&mut self, action: Action, key: &KeyEvent, screen: Screen) -> Vec<Effect> {
        let items = self.items();
        match action {
            Action::Choose => match keymap::digit_index(key) {
                Some(i) if i < items => {
                    if screen == Screen::Outcome {
                        self.cursor = i;
                        self.toggle(i)
                    } else {
                        self.choose(i)
                    }
                }
                _ => {
                    self.warn(format!(
                        "There is no {} {} here.",
                        if screen == Screen::Outcome { "step" } else { "answer" },
                        key_name(key)
                    ));
                    Vec::new()
                }
            },
            Action::Up => {
                if self.cursor == 0 && self.key_context().typed {
                    self.focus_input = true;
                } else {
                    self.cursor = self.cursor.saturating_sub(1);
                }
                self.keep_cursor_visible();
                Vec::new()
            }
            Action::Down => {
                self.cursor = (self.cursor + 1).min(items.saturating_sub(1));
                self.keep_cursor_visible();
                Vec::new()
            }
            Action::Select => self.choose(self.cursor),
            Action::Toggle => self.toggle(self.cursor),
            Action::TypeAnswer => {
                self.focus_input = true;
                Vec::new()
            }
            Action::Back => self.back(),
            Action::Why => {
                self.why = !self.why;
                Vec::new()
            }
            Action::PageUp => {
                self.scroll = self.scroll.saturating_sub(self.page());
                Vec::new()
            }
            Action::PageDown => {
                self.scroll = self.scroll.saturating_add(self.page()).min(self.max_scroll());
                Vec::new()
            }
            Action::Restart => {
                self.overlay = Some(Overlay::Confirm(Confirm::Restart));
                Vec::new()
            }
            Action::Notes => {
                self.mode = Mode::Notes;
                Vec::new()
            }
            Action::Search => {
                self.mode = Mode::Search;
                self.query.clear();
                self.hits = self.index().query("");
                self.hit = 0;
                Vec::new()
            }
            Action::Matrix => {
                self.mode = Mode::Matrix;
                self.matrix_scroll = view::len_u16(view::matrix::first_match(self));
                Vec::new()
            }
            Action::Export => {
                if let Some(f) = self.opts.export {
                    self.export_pick = self.export_pick_for(f);
                    self.overlay = Some(Overlay::Export);
                }
                Vec::new()
            }
            Action::Quit => {
                if self.would_lose() {
                    self.overlay = Some(Overlay::Confirm(Confirm::Quit));
                    Vec::new()
                } else {
                    self.save_and_quit(exit::OK)
                }
            }
            _ => Vec::new(),
        }
    }

    fn entry_key(&mut self, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match action {
            Action::Submit => {
                let text = self.entry.text().trim().to_string();
                self.answer(&text)
            }
            Action::Back => self.back(),
            Action::LeaveInput => {
                self.focus_input = false;
                self.cursor = 0;
                Vec::new()
            }
            other => {
                edit_line(&mut self.entry, other, key);
                Vec::new()
            }
        }
    }

    fn notes_key(&mut self, action: Action, key: KeyEvent) -> Vec<Effect> {
        match action {
            Action::Close => {
                self.mode = Mode::Walk;
                self.sync_notes();
                vec![Effect::Persist]
            }
            Action::Edit => {
                self.notes.input(key);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn search_key(&mut self, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match action {
            Action::Close => {
                self.mode = Mode::Walk;
                Vec::new()
            }
            Action::Up => {
                self.hit = self.hit.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                self.hit = (self.hit + 1).min(self.hits.len().saturating_sub(1));
                Vec::new()
            }
            Action::Select => self.jump(self.hit),
            other => {
                let before = self.query.text().to_string();
                edit_line(&mut self.query, other, key);
                if self.query.text() != before {
                    self.hits = self.index().query(self.query.text());
                    self.hit = 0;
                }
                Vec::new()
            }
        }
    }

    fn matrix_key(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page();
        match action {
            Action::Up => self.matrix_scroll = self.matrix_scroll.saturating_sub(1),
            Action::Down => self.matrix_scroll = self.matrix_scroll.saturating_add(1),
            Action::PageUp => self.matrix_scroll = self.matrix_scroll.saturating_sub(page),
            Action::PageDown => self.matrix_scroll = self.matrix_scroll.saturating_add(page),
            Action::Close => self.mode = Mode::Walk,
            _ => {}
        }
        let max = view::len_u16(self.set.matrix.rows.len().saturating_sub(1));
        self.matrix_scroll = self.matrix_scroll.min(max);
        Vec::new()
    }

    fn help_key(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page();
        match action {
            Action::Up => self.help_scroll = self.help_scroll.saturating_sub(1),
            Action::Down => self.help_scroll = self.help_scroll.saturating_add(1),
            Action::PageUp => self.help_scroll = self.help_scroll.saturating_sub(page),
            Action::PageDown => self.help_scroll = self.help_scroll.saturating_add(page),
            Action::Close | Action::Help => self.overlay = self.help_over.take(),
            _ => {}
        }
        let max = view::len_u16(view::help::line_count(self).saturating_sub(1));
        self.help_scroll = self.help_scroll.min(max);
        Vec::new()
    }

    fn confirm_key(&mut self, action: Action) -> Vec<Effect> {
        let Some(Overlay::Confirm(what)) = self.overlay else { return Vec::new() };
        match action {
            Action::Confirm => {
                self.overlay = None;
                match what {
                    Confirm::Quit => self.save_and_quit(exit::OK),
                    Confirm::Restart => {
                        let r = self.session.walk.restart(&self.set, self.now);
                        let fx = self.walk_changed();
                        match r {
                            Ok(()) => self.info("Restarted: answers from this call dropped; notes kept."),
                            Err(e) => self.error(format!("Runbook error: {e}")),
                        }
                        fx
                    }
                }
            }
            Action::Cancel => {
                self.overlay = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if self.overlay.is_some() {
            return Vec::new();
        }
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let area = Rect::new(0, 0, self.size.0, self.size.1);
                match view::hit_test(self, area, m.column, m.row) {
                    Some(Target::Choice(i)) => {
                        self.status = None;
                        self.focus_input = false;
                        self.choose(i)
                    }
                    Some(Target::Check(i)) => {
                        self.status = None;
                        self.cursor = i;
                        self.toggle(i)
                    }
                    Some(Target::Result(i)) => {
                        self.status = None;
                        self.jump(i)
                    }
                    None => Vec::new(),
                }
            }
            MouseEventKind::ScrollDown => {
                match self.mode {
                    Mode::Walk => self.scroll = self.scroll.saturating_add(3).min(self.max_scroll()),
                    Mode::Matrix => return self.matrix_key(Action::Down),
                    Mode::Search => return self.search_key(Action::Down, &key_none()),
                    _ => {}
                }
                Vec::new()
            }
            MouseEventKind::ScrollUp => {
                match self.mode {
                    Mode::Walk => self.scroll = self.scroll.saturating_sub(3),
                    Mode::Matrix => return self.matrix_key(Action::Up),
                    Mode::Search => return self.search_key(Action::Up, &key_none()),
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
            Screen::Entry => self.entry.insert_str(text),
            Screen::Start => self.start_fields[self.start_focus].insert_str(text),
            Screen::Search => {
                self.query.insert_str(text);
                self.hits = self.index().query(self.query.text());
                self.hit = 0;
            }
            Screen::Notes => {
                self.notes.insert_str(sanitize_text(text));
            }
            // Pasting a version or error code on a typed question: put it in the line.
            Screen::Question if self.key_context().typed => {
                self.focus_input = true;
                self.entry.insert_str(text);
            }
            _ => {}
        }
        Vec::new()
    }

    // ----- walking -------------------------------------------------------------------------

    /// Takes answer / result `i` at the current question or step.
    fn choose(&mut self, i: usize) -> Vec<Effect> {
        let value = match self.session.walk.current(&self.set) {
            Some(Current::Question(_, q)) => q.options.get(i).map(|o| o.value.clone()),
            Some(Current::Step(_, s)) => s.options.get(i).map(|o| o.value.clone()),
            _ => None,
        };
        match value {
            Some(v) => self.answer(&v),
            None => Vec::new(),
        }
    }

    fn answer(&mut self, value: &str) -> Vec<Effect> {
        if value.is_empty() {
            self.warn("Type an answer first, or press ↓ to pick a listed one.");
            return Vec::new();
        }
        let before = self.session.walk.clone();
        let result = self.session.walk.answer(&self.set, value, self.now);
        if self.session.walk == before {
            if let Err(e) = result {
                self.error(sanitize_line(&e.to_string()));
            }
            return Vec::new();
        }
        let fx = self.walk_changed();
        match result {
            Err(e) => self.error(format!("Runbook error: {}", sanitize_line(&e.to_string()))),
            Ok(()) => {
                let skipped = self.session.walk.path[before.path.len()..]
                    .iter()
                    .skip(1)
                    .filter(|p| p.kind == StepKind::Question)
                    .count();
                if let Some((_, o)) = self.session.walk.outcome(&self.set) {
                    self.info(format!("Classified: {}.", sanitize_line(&o.class)));
                } else if skipped > 0 {
                    let s = if skipped == 1 { "" } else { "s" };
                    self.info(format!("{skipped} question{s} skipped: already answered by known facts."));
                }
            }
        }
        fx
    }

    fn back(&mut self) -> Vec<Effect> {
        let before = self.session.walk.clone();
        let result = self.session.walk.back(&self.set, self.now);
        if self.session.walk == before {
            if let Err(e) = result {
                self.warn(sanitize_line(&e.to_string()));
            }
            return Vec::new();
        }
        let fx = self.walk_changed();
        if let Err(e) = result {
            self.error(format!("Runbook error: {}", sanitize_line(&e.to_string())));
        } else {
            self.info("Back one question; the earlier answer is preselected.");
        }
        fx
    }

    fn toggle(&mut self, i: usize) -> Vec<Effect> {
        if i >= self.session.checklist.done.len() {
            return Vec::new();
        }
        self.session.toggle_step(i, self.now);
        self.keep_cursor_visible();
        vec![Effect::Persist]
    }

    /// Jumps to search result `i`.
    fn jump(&mut self, i: usize) -> Vec<Effect> {
        let Some(hit) = self.hits.get(i) else { return Vec::new() };
        let target = self.index().entries[hit.entry].node.clone();
        let label = search::target_label(&self.set, &target);
        match search::plan_jump(&self.set, &self.session.walk, &target, self.now) {
            Ok(j) => {
                self.session.walk = j.walk;
                self.mode = Mode::Walk;
                let fx = self.walk_changed();
                let implied: Vec<String> = j
                    .implied
                    .iter()
                    .map(|i| {
                        let was = i.was.as_deref().map(|w| format!(" (was {})", sanitize_line(w))).unwrap_or_default();
                        format!("{} = {}{was}", sanitize_line(&i.fact), sanitize_line(&i.value))
                    })
                    .collect();
                if implied.is_empty() {
                    self.info(format!("Jumped to {label}."));
                } else {
                    self.info(format!("Jumped there, assuming (⇒ derived): {}.", implied.join(", ")));
                }
                fx
            }
            Err(e) => {
                self.mode = Mode::Walk;
                self.warn(format!("Can't jump: {e}"));
                Vec::new()
            }
        }
    }

    /// After the walk moved: refresh the session, reset the panel for the new node, save.
    fn walk_changed(&mut self) -> Vec<Effect> {
        self.session.refresh(&self.set, self.now);
        self.sync_node();
        vec![Effect::Persist]
    }

    /// Highlights the earlier answer when a question is asked again, focuses the typed line.
    fn sync_node(&mut self) {
        self.cursor = 0;
        self.scroll = 0;
        self.why = false;
        self.focus_input = false;
        self.entry.clear();
        let walk = &self.session.walk;
        match walk.current(&self.set) {
            Some(Current::Question(_, q)) => {
                let prev = walk.previous_answers.get(&q.fact);
                if let Some(i) = prev.and_then(|p| q.options.iter().position(|o| &o.value == p)) {
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

    /// Copies the editor's text into the session; true when it changed.
    fn sync_notes(&mut self) -> bool {
        let text = self.notes_text();
        let text = if text.trim().is_empty() { String::new() } else { text };
        if text != self.session.notes {
            self.session.notes = text;
            true
        } else {
            false
        }
    }

    // ----- scrolling -----------------------------------------------------------------------

    fn page(&self) -> u16 {
        view::main_viewport_height(self).saturating_sub(1).max(1)
    }

    fn max_scroll(&self) -> u16 {
        view::max_scroll(self)
    }

    /// Scrolls the main panel so the highlighted item is on screen.
    fn keep_cursor_visible(&mut self) {
        if self.mode != Mode::Walk {
            return;
        }
        let (cursor, h, max) = view::scroll_info(self);
        if let Some(line) = cursor {
            let h = h.max(1);
            let line = view::len_u16(line);
            if line < self.scroll {
                self.scroll = line;
            } else if line >= self.scroll.saturating_add(h) {
                self.scroll = line + 1 - h;
            }
        }
        self.scroll = self.scroll.min(max);
    }

    // ----- status --------------------------------------------------------------------------

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

/// Applies a text-editing action to a line input.
fn edit_line(input: &mut LineInput, action: Action, key: &KeyEvent) {
    match action {
        Action::Insert => {
            if let Some(c) = keymap::typed_char(key) {
                input.insert(c);
            }
        }
        Action::DeleteBack => {
            input.backspace();
        }
        Action::DeleteForward => {
            input.delete();
        }
        Action::CursorLeft => input.left(),
        Action::CursorRight => input.right(),
        Action::CursorHome => input.home(),
        Action::CursorEnd => input.end(),
        _ => {}
    }
}

fn key_none() -> KeyEvent {
    KeyEvent::new(ratatui::crossterm::event::KeyCode::Null, ratatui::crossterm::event::KeyModifiers::NONE)
}

/// A key as the status line names it.
pub fn key_name(key: &KeyEvent) -> String {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => sanitize_line(&c.to_string()),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Delete".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    let mut name = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        name.push_str("Ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        name.push_str("Alt-");
    }
    name.push_str(&base);
    name
}
