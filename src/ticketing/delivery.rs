//! One post of a session's note, as the `post` command and the wizard both make it: resolve the
//! settings (which may run the credential command), render the note as `export` would, send it,
//! and hand back the [`PostRecord`] to keep in the session. Every failure is one line naming the
//! system and the ticket, with any form of the secret replaced by `***`.

use chrono::{DateTime, Utc};

use super::config::{Settings, TicketingConfig};
use super::http::HttpTransport;
use super::{Note, NoteFormat, System, post, system_for};
use crate::export::{self, Options};
use crate::session::{PostRecord, Session};
use crate::text::sanitize_line;

/// A post ready to send.
#[derive(Debug)]
pub struct Delivery {
    pub settings: Settings,
    pub ticket: String,
    pub note: Note,
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
}

/// Why a post did not happen. `cause` is one line holding no secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not post to {system} {}: {cause}; nothing was posted", sanitize_line(ticket))]
pub struct DeliveryError {
    pub system: System,
    pub ticket: String,
    pub cause: String,
}

impl Delivery {
    /// Checks the ticket, resolves the settings and renders the note. Nothing is sent yet.
    pub fn prepare(
        request: Request<'_>,
        session: &Session,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, DeliveryError> {
        let (system, ticket) = (request.system, request.ticket);
        let fail = |cause: String| DeliveryError { system, ticket: ticket.to_string(), cause };
        system.check_ticket(ticket).map_err(|f| fail(f.to_string()))?;
        let settings = Settings::resolve(request.config, Some(system), request.format, request.config_file, env)
            .map_err(|e| fail(e.to_string()))?;
        let options = Options { redact: request.redact };
        let text = export::render_with(session, settings.format.export_format(), options, request.runbooks);
        let note = Note { text, format: settings.format };
        Ok(Self { settings, ticket: ticket.to_string(), note })
    }

    /// Sends the note. On success, the record to add to the session (`at` = `now`).
    pub fn send(&self, now: DateTime<Utc>) -> Result<PostRecord, DeliveryError> {
        let system = self.settings.system;
        let fail = |cause: String| DeliveryError { system, ticket: self.ticket.clone(), cause: self.scrub(&cause) };
        let http = HttpTransport::new(&self.settings).map_err(|e| fail(e.to_string()))?;
        let posted = post(system_for(&self.settings).as_ref(), &http, &self.ticket, &self.note)
            .map_err(|e| fail(e.failure.to_string()))?;
        Ok(PostRecord { system: system.as_str().to_string(), ticket: self.ticket.clone(), at: now, url: posted.url })
    }

    /// `text` with any form of the secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        self.settings.auth.scrub(text)
    }
}
