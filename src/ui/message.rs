//! What goes into the app's `update` ([`Msg`]) and what comes out ([`Effect`]), and how the app
//! was started ([`Options`]).

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use super::store::Exported;
use crate::export::Format;
use crate::runbook::RunbookSet;
use crate::ticketing::System;

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
    /// Result of an `Effect::Escalate`: the line for the status bar (where the package went),
    /// or why it could not be queued.
    Escalated(Result<String, String>),
    /// Result of an `Effect::CopyToClipboard`: was the OSC 52 sequence written? (Whether the
    /// terminal honoured it can't be known.)
    Copied(bool),
    /// The whole runbook set, parsed in the background after the first frame (which needed only
    /// the entry runbook). Replaces `set`; the walk's addresses stay valid.
    RunbooksLoaded(LoadedRunbooks),
    /// Result of an `Effect::ImportFile`.
    Imported(Result<Box<crate::import::Imported>, String>),
    /// Result of an `Effect::Post` (carried out off the UI thread): the record to keep in the
    /// session, or why nothing was posted (the cause: one line, no secret).
    Posted(Result<crate::ticketing::delivery::Delivered, String>),
    /// Result of an `Effect::Claim`: session `id` is this wizard's to write, or who holds it.
    Claimed(String, Result<(), String>),
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
    Export(Format),
    /// Put text on the clipboard (OSC 52).
    CopyToClipboard(String),
    /// Put the session's escalation package in the tier-2 queue; the result comes back as
    /// `Msg::Escalated`.
    Escalate,
    /// Leave the wizard with this exit code.
    Quit(i32),
    /// Read a sign-in log export (`i`); the result comes back as `Msg::Imported`.
    ImportFile { path: String, query: crate::import::Query },
    /// Post the ticket note to the help desk as an internal note; the result comes back as
    /// `Msg::Posted`.
    Post { system: System, ticket: String },
    /// Take session `id`'s lock before resuming it (one wizard writes a session); the result
    /// comes back as `Msg::Claimed`.
    Claim(String),
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
    pub export: Option<Format>,
    /// Exports are redacted (said in the picker).
    pub redact: bool,
    /// The help desk `p` posts the note to (config `[ticketing] system`); None hides `p`.
    pub ticketing: Option<System>,
    /// The store has a tier-2 queue: an escalating outcome offers to put the package there.
    pub queue: bool,
}
