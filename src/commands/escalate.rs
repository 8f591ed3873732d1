//! `passkey-triage escalate SESSION`: puts the session's escalation package (its JSON export) in
//! the tier-2 queue (the folder, or the help desk: see `commands::queue::backend`) and prints
//! where. SESSION is a session id or a unique prefix of one, a
//! session file, or a ticket id (the newest session of that ticket).

use std::io::Write;

use super::{CliError, Context};
use crate::cli::EscalateArgs;
use crate::config::Config;
use crate::exit;
use crate::queue::backend::Escalated;
use crate::session::Session;
use crate::session::journal::{Journal, JournalError};
use crate::text::sanitize_line;

pub fn run(ctx: &Context, args: &EscalateArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let journal = Journal::open(&ctx.paths);
    let session = find(&journal, &args.session)?;
    if session.is_open() {
        eprintln!(
            "passkey-triage: warning: session {} has no outcome yet; tier 2 gets it as it stands",
            sanitize_line(&session.id)
        );
    } else if session.outcome.as_ref().is_some_and(|o| !o.escalate) {
        // Tier 1 may still want a second look (the fix didn't hold); the agent should know.
        eprintln!(
            "passkey-triage: note: session {}'s outcome does not call for tier 2; queued as asked",
            sanitize_line(&session.id)
        );
    }
    let queue = super::queue::backend(ctx, &config)?;
    let escalated = queue.escalate(&session).map_err(|e| CliError::bad_input(e.to_string()))?;
    let what = format!(
        "session {}{}{}",
        session.id,
        session.ticket.as_deref().map(|t| format!(" (ticket {t})")).unwrap_or_default(),
        session.class_name().map(|c| format!(", {c}")).unwrap_or_default()
    );
    let line = match escalated {
        Escalated::Queued { place, already } if already.is_empty() => format!("Queued {what} for tier 2: {place}"),
        Escalated::Queued { place, already } => {
            format!("Queued {what} for tier 2: {place} (done before, not repeated: {})", already.join(", "))
        }
        Escalated::AlreadyQueued { place } => format!("Already in the queue: {what}: {place}"),
    };
    writeln!(out, "{}", sanitize_line(&line)).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(exit::OK)
}

/// A session by id, prefix or file; failing that, the newest session with this ticket.
fn find(journal: &Journal, query: &str) -> Result<Session, CliError> {
    let not_found = match journal.load(query) {
        Ok(s) => return Ok(s),
        Err(e @ JournalError::NotFound { .. }) => e,
        Err(e) => return Err(CliError::bad_input(e.to_string())),
    };
    let wanted = query.trim();
    let (sessions, _) = journal.scan();
    // `scan` is newest first.
    let mut of_ticket = sessions.into_iter().filter(|(_, s)| s.ticket.as_deref().map(str::trim) == Some(wanted));
    let Some((_, newest)) = of_ticket.next() else {
        return Err(CliError::bad_input(format!("{not_found}, nor a session with ticket `{wanted}`")));
    };
    let others = of_ticket.count();
    if others > 0 {
        eprintln!(
            "passkey-triage: ticket {} has {} sessions; escalating the newest, {}",
            sanitize_line(wanted),
            others + 1,
            sanitize_line(&newest.id)
        );
    }
    Ok(newest)
}
