//! One post of a session's note, as the `post` command and the wizard both make it: resolve the
//! settings (which may run the credential command), render the note as `export` would, send it,
//! and hand back the [`PostRecord`] to keep in the session. Every failure is one line naming the
//! system and the ticket, with any form of the secret replaced by `***`.

use chrono::{DateTime, Utc};

use super::config::{Settings, TicketingConfig};
use super::http::HttpTransport;
use super::{Cancel, Failure, Note, NoteFormat, Reach, System, post, system_for};
use crate::export::{self, Options};
use crate::session::{PostRecord, Session};
use crate::text::sanitize_line;

/// A post ready to send.
#[derive(Debug)]
pub struct Delivery {
    pub settings: Settings,
    pub ticket: String,
    pub note: Note,
    /// Set to stop the post at once.
    pub cancel: Option<Cancel>,
}

/// A post that went through: the record to keep, and who can read the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub record: PostRecord,
    pub reach: Reach,
}

impl Delivered {
    /// "posted to jira HELP-42 as an internal note" (or "as a comment").
    pub fn describe(&self) -> String {
        format!(
            "posted to {} {} {}",
            sanitize_line(&self.record.system),
            sanitize_line(&self.record.ticket),
            self.reach.phrase()
        )
    }
}

/// What a delivery needs to know besides the session.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub config: &'a TicketingConfig,
    pub system: System,
    pub ticket: &'a str,
    pub format: Option<NoteFormat>,
    pub redact: bool,
    /// The config file, for messages.
    pub config_file: &'a str,
    /// The runbooks in force: they say who can check each open item in the note.
    pub runbooks: Option<&'a crate::runbook::RunbookSet>,
    /// Set to stop the post at once (a signal came): the credential command is killed, nobody
    /// waits for an answer.
    pub cancel: Option<&'a Cancel>,
}

/// Why a post did not happen. `cause` is one line holding no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    pub system: System,
    pub ticket: String,
    pub cause: String,
    /// Stopped on purpose before the help desk answered: the note may or may not have arrived.
    pub abandoned: bool,
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.abandoned {
            f.write_str(&abandoned_line(self.system, &self.ticket))
        } else {
            write!(
                f,
                "could not post to {} {}: {}; nothing was posted",
                self.system,
                sanitize_line(&self.ticket),
                self.cause
            )
        }
    }
}

impl std::error::Error for DeliveryError {}

/// What is said of a post stopped before the help desk answered.
pub fn abandoned_line(system: System, ticket: &str) -> String {
    format!(
        "the post to {system} {} was abandoned: not recorded as posted (if it reached the help desk first, the note is on the ticket: look before posting again)",
        sanitize_line(ticket)
    )
}

impl Delivery {
    /// Checks the ticket, resolves the settings and renders the note. Nothing is sent yet.
    pub fn prepare(
        request: Request<'_>,
        session: &Session,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, DeliveryError> {
        let (system, ticket) = (request.system, request.ticket);
        let cancelled = || request.cancel.is_some_and(Cancel::is_cancelled);
        let fail = |cause: String| DeliveryError { system, ticket: ticket.to_string(), cause, abandoned: cancelled() };
        system.check_ticket(ticket).map_err(|f| fail(f.to_string()))?;
        let settings = Settings::resolve_cancellable(
            request.config,
            Some(system),
            request.format,
            request.config_file,
            env,
            request.cancel,
        )
        .map_err(|e| fail(e.to_string()))?;
        let options = Options { redact: request.redact };
        let text = export::render_with(session, settings.format.export_format(), options, request.runbooks);
        let note = Note { text, format: settings.format };
        Ok(Self { settings, ticket: ticket.to_string(), note, cancel: request.cancel.cloned() })
    }

    /// Sends the note. On success, the record to add to the session (`at` = `now`) and who can
    /// read the note.
    pub fn send(&self, now: DateTime<Utc>) -> Result<Delivered, DeliveryError> {
        let system = self.settings.system;
        let cancelled = || self.cancel.as_ref().is_some_and(Cancel::is_cancelled);
        let fail = |cause: String| DeliveryError {
            system,
            ticket: self.ticket.clone(),
            cause: self.settings.auth.scrub_message(&cause),
            abandoned: cancelled(),
        };
        let http =
            HttpTransport::new(&self.settings).map_err(|e| fail(e.to_string()))?.with_cancel(self.cancel.clone());
        let posted = post(system_for(&self.settings).as_ref(), &http, &self.ticket, &self.note).map_err(|e| {
            let mut error = fail(e.failure.to_string());
            error.abandoned |= e.failure == Failure::Abandoned;
            error
        })?;
        let record =
            PostRecord { system: system.as_str().to_string(), ticket: self.ticket.clone(), at: now, url: posted.url };
        Ok(Delivered { record, reach: posted.reach })
    }

    /// `text` with any form of the secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        self.settings.auth.scrub(text)
    }
}
