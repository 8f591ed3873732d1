//! `passkey-triage queue [--all] [--format text|json]`: the tier-2 queue, oldest call first;
//! `passkey-triage queue done ID`: tier 2 says a package is finished.
//!
//! The queue is a folder or the help desk (`[queue] backend` in config.toml): [`backend`]
//! picks it, and `escalate`, `open` and the wizard go through the same
//! [`QueueBackend`](crate::queue::backend::QueueBackend).

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{CliError, Context};
use crate::cli::{QueueAction, QueueArgs, QueueDoneArgs, TextOrJson};
use crate::config::Config;
use crate::exit;
use crate::queue::backend::QueueBackend;
use crate::queue::{Entry, Queue, State, resolve_dir};
use crate::session::Session;
use crate::session::journal::Journal;
use crate::text::{clip_line, sanitize_line};

/// The queue folder for this run (env, then config.toml, then `<data>/queue`).
pub fn open_queue(ctx: &Context, config: &Config) -> Queue {
    Queue::at(resolve_dir(&ctx.paths, config.queue_dir.as_deref(), |k| std::env::var_os(k)))
}

/// The queue config.toml names: the folder, or the help desk of `[ticketing]`.
pub fn backend(ctx: &Context, config: &Config) -> Result<Box<dyn QueueBackend>, CliError> {
    let env = |k: &str| std::env::var(k).ok();
    crate::queue::backend::for_config(&ctx.paths, config, &env).map_err(CliError::bad_input)
}

pub fn run(ctx: &Context, args: &QueueArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    if let Some(QueueAction::Done(done)) = &args.action {
        return run_done(ctx, &config, done, out);
    }
    let queue = backend(ctx, &config)?;
    let (entries, corrupt) = queue.list(args.all).map_err(|e| CliError::bad_input(e.to_string()))?;
    for c in &corrupt {
        eprintln!("passkey-triage: skipped unreadable package {c}");
    }
    let now = Utc::now();
    let body = match args.format {
        TextOrJson::Json => render_json(&entries, now),
        TextOrJson::Text => render_text(&entries, now, &queue.place(), args.all),
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(exit::OK)
}

/// `queue done ID`: with the newest session of this agent's journal that continues the package.
fn run_done(ctx: &Context, config: &Config, args: &QueueDoneArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let Some(agent) = config.agent(args.agent.as_deref()).map_err(CliError::bad_input)? else {
        return Err(CliError::bad_input("queue done: give --agent NAME or set agent in config.toml"));
    };
    let queue = backend(ctx, config)?;
    let wanted = args.id.trim();
    let (sessions, _) = Journal::open(&ctx.paths).scan();
    // `scan` is newest first.
    let tier2 = sessions.into_iter().map(|(_, s)| s).find(|s| {
        s.continued_from.as_deref() == Some(wanted)
            || (s.continued_from.is_some() && s.ticket.as_deref().map(str::trim) == Some(wanted))
    });
    let line =
        queue.done(wanted, &agent, args.take_over, tier2.as_ref()).map_err(|e| CliError::bad_input(e.to_string()))?;
    writeln!(out, "{}", sanitize_line(&line)).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(exit::OK)
}

/// One package in `queue --format json` (fields in this order).
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    ticket: Option<&'a str>,
    user: Option<&'a str>,
    /// The tier-1 agent.
    agent: Option<&'a str>,
    class: Option<&'a str>,
    status: &'a str,
    state: &'static str,
    open_checks: &'a [String],
    started: DateTime<Utc>,
    age_seconds: i64,
    claimed_by: Option<&'a str>,
    claimed_at: Option<DateTime<Utc>>,
    file: &'a str,
    tier2_session: Option<&'a str>,
    tier2_class: Option<&'a str>,
}

/// A JSON list of packages.
pub fn render_json(entries: &[Entry], now: DateTime<Utc>) -> String {
    let rows: Vec<Row<'_>> = entries
        .iter()
        .map(|e| Row {
            id: &e.id,
            ticket: e.ticket.as_deref(),
            user: e.user.as_deref(),
            agent: e.agent.as_deref(),
            class: e.class.as_deref(),
            status: &e.status,
            state: e.state.as_str(),
            open_checks: &e.open_checks,
            started: e.started,
            age_seconds: (now - e.started).num_seconds().max(0),
            claimed_by: e.claimed_by.as_deref(),
            claimed_at: e.claimed_at,
            file: &e.file,
            tier2_session: e.tier2_session.as_deref(),
            tier2_class: e.tier2_class.as_deref(),
        })
        .collect();
    let mut s = crate::export::json::escape_unsafe(&serde_json::to_string_pretty(&rows).unwrap_or_default());
    s.push('\n');
    s
}

/// An aligned table that fits 80 columns, and a line saying how many wait and where; a note
/// when empty. The user, the claim's time and every open check are in `--format json`.
pub fn render_text(entries: &[Entry], now: DateTime<Utc>, place: &str, all: bool) -> String {
    let place = sanitize_line(place);
    if entries.is_empty() {
        return format!("The tier-2 queue is empty ({place}).\n");
    }
    let header = ["ID", "TICKET", "CLASS", "CHECKS", "AGE", "HELD BY"];
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            // How many, then the first one: `--format json` has them all.
            let checks = match e.open_checks.as_slice() {
                [] => "-".to_string(),
                [first, ..] => format!("{}: {first}", e.open_checks.len()),
            };
            // A finished package shows where tier 2 ended, not where tier 1 stopped.
            let class = match (e.state, e.tier2_class.as_deref()) {
                (State::Done, Some(c)) => c,
                _ => e.class.as_deref().unwrap_or("(no outcome)"),
            };
            let held = match e.state {
                State::Done => "(done)".to_string(),
                _ => clip_line(e.claimed_by.as_deref().unwrap_or("-"), 9),
            };
            vec![
                clip_line(&e.id, 21),
                clip_line(e.ticket.as_deref().unwrap_or("-"), 10),
                clip_line(class, 13),
                clip_line(&checks, 7),
                crate::text::age(now - e.started),
                held,
            ]
        })
        .collect();
    let mut out = crate::report::text::table(&header, &rows);
    let count = |s: State| entries.iter().filter(|e| e.state == s).count();
    out.push_str(&format!(
        "{} waiting, {} claimed{} in {place}\n",
        count(State::Waiting),
        count(State::Claimed),
        if all { format!(", {} done", count(State::Done)) } else { String::new() }
    ));
    out
}

/// After a tier-2 session on `package` was saved: the queue finishes the package when the
/// outcome does not escalate (see [`QueueBackend::finish`]); the line to print.
pub fn after_tier2(queue: &dyn QueueBackend, package: &str, session: &Session) -> Option<String> {
    queue.finish(package, session).map(|l| sanitize_line(&l))
}

/// [`after_tier2`] for a session the wizard journaled (read back from the journal); `package`:
/// the id `open` claimed, else the package the session continues.
pub fn after_wizard(ctx: &Context, config: &Config, session_id: &str, package: Option<&str>, out: &mut dyn Write) {
    let Ok(session) = Journal::open(&ctx.paths).load(session_id) else { return };
    let Some(package) = package.map(str::to_string).or_else(|| session.continued_from.clone()) else { return };
    let queue = match backend(ctx, config) {
        Ok(q) => q,
        Err(e) => {
            let _ = writeln!(out, "The queue was not updated: {}", sanitize_line(&e.to_string()));
            return;
        }
    };
    if let Some(line) = after_tier2(queue.as_ref(), &package, &session) {
        let _ = writeln!(out, "{line}");
    }
}
