//! `passkey-triage post SESSION`: posts the ticket note (the text `export --format
//! markdown|text` gives) to the help desk as an internal note, then records where and when in
//! the session (`posted`), so that a second post of the same note to the same ticket needs
//! `--again`. Any failure is exit 2 with one line naming the system and the ticket; the session
//! is left as it was. A signal (SIGTERM, SIGHUP, SIGINT) during the post abandons it at once: a
//! credential command is killed, no answer is waited for, nothing is recorded, and the exit code
//! is the signal's.

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{CliError, Context};
use crate::cli::PostArgs;
use crate::config::Config;
use crate::exit;
use crate::session::journal::{Journal, read_session};
use crate::session::lock::{Holder, LockError, SessionLock};
use crate::session::{PostRecord, Session};
use crate::text::sanitize_line;
use crate::ticketing::Cancel;
use crate::ticketing::delivery::{self, Delivered, Delivery, DeliveryError};

pub fn run(ctx: &Context, args: &PostArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let config_file = sanitize_line(&ctx.paths.config_file().display().to_string());
    let journal = Journal::open(&ctx.paths);
    let found = journal.find(&args.session).map_err(|e| CliError::bad_input(sanitize_line(&e.to_string())))?;
    if let Some(note) = found.note("posting to") {
        eprintln!("passkey-triage: {note}");
    }
    let session = found.session;
    // One writer per session: a wizard that has it open would save over the record of this post
    // (and the guard against posting twice with it). Held until the record is written.
    let me = Holder::me(config.agent(None).map_err(CliError::bad_input)?.as_deref(), Utc::now());
    let _lock = match SessionLock::acquire(journal.dir(), &session.id, &me) {
        Ok(lock) => Some(lock),
        Err(e @ (LockError::Held { .. } | LockError::NotAFile { .. })) => {
            return Err(CliError::bad_input(format!("not posted: {e}")));
        }
        // As in the wizard: a lock that can't be made for an I/O reason doesn't stop the post;
        // recording it reports its own failure.
        Err(LockError::Io { .. }) => None,
    };
    let earlier = journal_copy(&journal, &session)?;

    let system = args.system.or(config.ticketing.system).ok_or_else(|| {
        CliError::bad_input(format!(
            "no ticketing system: give --system or set `system` in [ticketing] of {config_file}"
        ))
    })?;
    let ticket = args
        .ticket
        .as_deref()
        .or(session.ticket.as_deref())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| CliError::bad_input(format!("session {} has no ticket; give --ticket", session.id)))?
        .to_string();
    system
        .check_ticket(&ticket)
        .map_err(|f| CliError::bad_input(format!("could not post to {system} {ticket}: {f}")))?;
    if !args.again
        && let Some(p) =
            earlier.iter().chain([&session]).filter_map(|s| s.posted_to(system.as_str(), &ticket)).max_by_key(|p| p.at)
    {
        return Err(CliError::bad_input(format!(
            "already posted to {system} {ticket} at {}; --again to post again",
            shown_time(p.at)
        )));
    }

    // The runbooks say who can check each open item; a post never fails for want of them.
    let set = ctx.load_set().ok();
    let job = Job {
        config: config.ticketing.clone(),
        system,
        ticket: ticket.clone(),
        format: args.format,
        redact: config.redact(args.redact, args.no_redact),
        config_file,
        set,
        session: session.clone(),
    };
    let (delivery, delivered) = match send_watching_signals(job)? {
        Ok(sent) => sent,
        Err(e) => return Err(CliError::bad_input(e.to_string())),
    };
    let record = delivered.record.clone();
    let path = record_post(&journal, &session, record.clone()).map_err(|e| {
        CliError::bad_input(
            delivery
                .scrub(&format!("posted to {system} {ticket}, but could not record it in session {}: {e}", session.id)),
        )
    })?;
    let werr = |e: std::io::Error| CliError::bad_input(format!("cannot write output: {e}"));
    let url = record.url.as_deref().map(|u| format!(" ({})", sanitize_line(u))).unwrap_or_default();
    writeln!(out, "{}{url}; recorded in {}", delivered.describe(), sanitize_line(&path)).map_err(werr)?;
    Ok(exit::OK)
}

/// Everything the post needs, owned, for its own thread.
struct Job {
    config: crate::ticketing::config::TicketingConfig,
    system: crate::ticketing::System,
    ticket: String,
    format: Option<crate::ticketing::NoteFormat>,
    redact: bool,
    config_file: String,
    set: Option<crate::runbook::RunbookSet>,
    session: Session,
}

/// A post that went through: how it was sent (its scrubber hides the secret) and what came of it.
type Sent = (Delivery, Delivered);

/// Runs the post (credential command and requests) on its own thread while this one watches
/// for a termination signal. A signal cancels the post (killing a credential command and what it
/// started) and returns at once, with the signal's exit code: a request on the wire is not
/// waited for, and nothing is recorded.
fn send_watching_signals(job: Job) -> Result<Result<Sent, DeliveryError>, CliError> {
    let cancel = Cancel::new();
    let signals = crate::term::Signals::install().ok();
    let (tx, rx) = mpsc::channel();
    let worker_cancel = cancel.clone();
    let (system, ticket) = (job.system, job.ticket.clone());
    std::thread::Builder::new()
        .name("post".into())
        .spawn(move || {
            let env = |k: &str| std::env::var(k).ok();
            let request = delivery::Request {
                config: &job.config,
                system: job.system,
                ticket: &job.ticket,
                format: job.format,
                redact: job.redact,
                config_file: &job.config_file,
                runbooks: job.set.as_ref(),
                cancel: Some(&worker_cancel),
            };
            let sent = Delivery::prepare(request, &job.session, &env).and_then(|d| {
                let delivered = d.send(Utc::now())?;
                Ok((d, delivered))
            });
            let _ = tx.send(sent);
        })
        .map_err(|e| CliError::bad_input(format!("could not start posting: {e}")))?;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(result) => return Ok(result),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(CliError::bad_input(format!("could not post to {system} {ticket}: the post stopped")));
            }
        }
        if let Some(code) = signals.as_ref().and_then(crate::term::Signals::pending) {
            cancel.cancel_and_settle(Duration::from_secs(1));
            return Err(CliError { code, message: delivery::abandoned_line(system, &ticket) });
        }
    }
}

/// The journal's copy of the session, when there is one (the session may have come from a file
/// elsewhere). A journal file under that id holding another session is refused now, before
/// anything is posted, because the post could not be recorded there.
fn journal_copy(journal: &Journal, session: &Session) -> Result<Option<Session>, CliError> {
    let path = journal.path_of(&session.id).ok_or_else(|| {
        CliError::bad_input(format!("`{}` is not a session id the journal can record a post for", session.id))
    })?;
    if path.symlink_metadata().is_err() {
        return Ok(None);
    }
    match read_session(&path) {
        Ok(s) if s.id == session.id => Ok(Some(s)),
        Ok(_) => Err(CliError::bad_input(format!(
            "{}: holds another session; cannot record a post of session {} there",
            sanitize_line(&path.display().to_string()),
            session.id
        ))),
        Err(c) => Err(CliError::bad_input(c.to_string())),
    }
}

/// Adds the record to the journal's copy of the session (read again, so nothing saved since is
/// lost) or, for a session that came from elsewhere, saves it into the journal with the record.
fn record_post(journal: &Journal, session: &Session, record: PostRecord) -> Result<String, String> {
    let mut current = journal_copy(journal, session).map_err(|e| e.message)?.unwrap_or_else(|| session.clone());
    current.posted.push(record);
    journal.save(&current).map(|p| p.display().to_string()).map_err(|e| e.to_string())
}

fn shown_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}
