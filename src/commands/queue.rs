//! `passkey-triage queue [--all] [--format text|json]`: the tier-2 queue, oldest call first.
//!
//! Also the queue's part of `open` (claiming a queued package, [`claim_for_open`]) and of the
//! end of a tier-2 session (the package moves to `done/`, [`after_tier2`]), kept here so that
//! `open` and the wizard call them with one line each.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{CliError, Context};
use crate::cli::{OpenArgs, QueueArgs, TextOrJson};
use crate::config::Config;
use crate::exit;
use crate::queue::{Claimed, Entry, Queue, State, resolve_dir};
use crate::session::Session;
use crate::session::journal::Journal;
use crate::text::{clip_line, sanitize_line};

/// The queue folder for this run (env, then config.toml, then `<data>/queue`).
pub fn open_queue(ctx: &Context, config: &Config) -> Queue {
    Queue::at(resolve_dir(&ctx.paths, config.queue_dir.as_deref(), |k| std::env::var_os(k)))
}

pub fn run(ctx: &Context, args: &QueueArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let queue = open_queue(ctx, &config);
    let (entries, corrupt) = queue.list(args.all);
    for c in &corrupt {
        eprintln!("passkey-triage: skipped unreadable package {c}");
    }
    let now = Utc::now();
    let body = match args.format {
        TextOrJson::Json => render_json(&entries, now),
        TextOrJson::Text => render_text(&entries, now, &queue, args.all),
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
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
    file: String,
    tier2_session: Option<String>,
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
            file: absolute(&e.file),
            tier2_session: e.tier2_session.as_deref().map(absolute),
        })
        .collect();
    let mut s = crate::export::json::escape_unsafe(&serde_json::to_string_pretty(&rows).unwrap_or_default());
    s.push('\n');
    s
}

fn absolute(p: &std::path::Path) -> String {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string()
}

/// An aligned table and a line saying how many wait and where; a note when empty.
pub fn render_text(entries: &[Entry], now: DateTime<Utc>, queue: &Queue, all: bool) -> String {
    let dir = sanitize_line(&absolute(queue.dir()));
    if entries.is_empty() {
        return format!("The tier-2 queue is empty (folder: {dir}).\n");
    }
    let mut header = vec!["ID", "TICKET", "USER", "CLASS", "OPEN CHECKS", "AGE", "CLAIMED BY", "SINCE (UTC)"];
    if all {
        header.push("STATE");
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            // How many, then the first ones: the row stays readable in a narrow terminal, and
            // `--format json` has them all.
            let checks = match e.open_checks.len() {
                0 => "-".to_string(),
                n => format!("{n}: {}", e.open_checks.join(", ")),
            };
            let mut r = vec![
                clip_line(&e.id, 40),
                clip_line(e.ticket.as_deref().unwrap_or("-"), 24),
                clip_line(e.user.as_deref().unwrap_or("-"), 32),
                clip_line(e.class.as_deref().unwrap_or("(no outcome)"), 36),
                clip_line(&checks, 28),
                crate::text::age(now - e.started),
                clip_line(e.claimed_by.as_deref().unwrap_or("-"), 24),
                e.claimed_at.map_or_else(|| "-".to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
            ];
            if all {
                r.push(e.state.as_str().to_string());
            }
            r
        })
        .collect();
    let mut out = crate::report::text::table(&header, &rows);
    let count = |s: State| entries.iter().filter(|e| e.state == s).count();
    out.push_str(&format!(
        "{} waiting, {} claimed{} in {dir}\n",
        count(State::Waiting),
        count(State::Claimed),
        if all { format!(", {} done", count(State::Done)) } else { String::new() }
    ));
    out
}

/// A queued package `open` is working on, claimed for `agent`.
#[derive(Debug, Clone)]
pub struct QueuedOpen {
    pub queue: Queue,
    pub id: String,
    /// The package file to open.
    pub file: PathBuf,
    /// What the claim did, one line (for the summary).
    pub note: String,
}

/// `open ID|FILE` on a package in the queue: claims it for the agent. `Ok(None)` when the
/// argument is not a queued package (then `open` reads it as a file, as always). Exit 2 with
/// one line when someone else holds it (unless `--take-over`), when tier 2 finished it, or
/// when nobody is named to claim it for.
pub fn claim_for_open(
    ctx: &Context,
    args: &OpenArgs,
    config: &Config,
    agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<QueuedOpen>, CliError> {
    let queue = open_queue(ctx, config);
    let query = args.file.to_string_lossy();
    let bad = |e: crate::queue::QueueError| CliError::bad_input(e.to_string());
    let Some(found) = queue.find(&query).map_err(bad)? else { return Ok(None) };
    if found.state == State::Done {
        return Err(CliError::bad_input(format!(
            "{} is done: tier 2 reached an outcome; the package and the tier-2 session are in {}",
            found.id,
            queue.done_dir().display()
        )));
    }
    let Some(agent) = agent else {
        return Err(CliError::bad_input(format!(
            "{} is in the tier-2 queue and is claimed by name: give --agent NAME or set agent in config.toml",
            found.id
        )));
    };
    let note = match queue.claim(&found.id, agent, args.take_over, now).map_err(bad)? {
        Claimed::New(h) => match h.claim.and_then(|c| c.took_over_from) {
            Some(from) => format!("Took over queued package {} from {from}; it is claimed by {agent}", found.id),
            None => format!("Claimed queued package {} for {agent}", found.id),
        },
        Claimed::Already(h) => {
            let since = h.since().map(|t| format!(" since {}", t.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
            format!("Queued package {} is claimed by you ({agent}){since}", found.id)
        }
    };
    Ok(Some(QueuedOpen { queue, id: found.id, file: found.file, note: sanitize_line(&note) }))
}

/// After a tier-2 session was saved: when it has reached an outcome and continues a package
/// still in the queue, the package moves to `done/` with the session beside it. Returns the
/// line to print (None when there was nothing to do). Never fails the command: the session is
/// saved whatever happens here; a problem is the returned line.
pub fn after_tier2(queue: &Queue, session: &Session) -> Option<String> {
    let package = session.continued_from.as_deref()?;
    if session.is_open() || !matches!(queue.state(package), Some(State::Waiting | State::Claimed)) {
        return None;
    }
    let json = crate::export::json::render(session);
    Some(match queue.complete(package, json.as_bytes()) {
        Ok(done) => sanitize_line(&format!(
            "Tier 2 reached an outcome: package {package} moved to {} with tier-2 session {} beside it ({})",
            absolute(&done.package),
            session.id,
            absolute(&done.session)
        )),
        Err(e) => sanitize_line(&format!("The package {package} stays in the queue: {e}")),
    })
}

/// [`after_tier2`] for a session the wizard journaled (read back from the journal).
pub fn after_wizard(ctx: &Context, config: &Config, session_id: &str, out: &mut dyn Write) {
    let Ok(session) = Journal::open(&ctx.paths).load(session_id) else { return };
    if let Some(line) = after_tier2(&open_queue(ctx, config), &session) {
        let _ = writeln!(out, "{line}");
    }
}
