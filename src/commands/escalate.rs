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
use crate::session::journal::Journal;
use crate::text::sanitize_line;

pub fn run(ctx: &Context, args: &EscalateArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let journal = Journal::open(&ctx.paths);
    let session = find(&journal, &args.session)?;
    let queue = super::queue::backend(ctx, &config)?;
    let escalated = queue.escalate(&session).map_err(|e| CliError::bad_input(e.to_string()))?;
    // Said once it is queued: a refusal is the one line on stderr.
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

/// A session by id or file, else the newest session with this ticket, else by id prefix.
fn find(journal: &Journal, query: &str) -> Result<Session, CliError> {
    let found = journal.find(query).map_err(|e| CliError::bad_input(sanitize_line(&e.to_string())))?;
    if let Some(note) = found.note("escalating") {
        eprintln!("passkey-triage: {note}");
    }
    Ok(found.session)
}
