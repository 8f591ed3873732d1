//! `passkey-triage sessions`: the journal's sessions, newest first. Corrupt session files are
//! reported on stderr (one line each, with the path) and skipped; they are never touched.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{CliError, Context};
use crate::cli::{SessionsArgs, SessionsFormat};
use crate::exit;
use crate::session::journal::{CorruptFile, Journal, SessionSummary};
use crate::text::{age, clip_line, sanitize_line};

pub fn run(ctx: &Context, args: &SessionsArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    if args.format == SessionsFormat::Ndjson {
        return super::report::sessions_ndjson(ctx, out);
    }
    let journal = Journal::open(&ctx.paths);
    let (sessions, corrupt) = journal.list();
    report_corrupt(&corrupt);
    report_duplicate_ids(&sessions);
    let now = Utc::now();
    let body = match args.format {
        SessionsFormat::Json => render_json(&sessions, &corrupt, now),
        SessionsFormat::Text | SessionsFormat::Ndjson => render_text(&sessions, now, journal.dir()),
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(exit::OK)
}

/// One stderr line per skipped file.
pub fn report_corrupt(corrupt: &[CorruptFile]) {
    for c in corrupt {
        eprintln!("passkey-triage: skipped unreadable session file {c}");
    }
}

/// One stderr line per id held by more than one file (a copy, a package saved into the folder):
/// resuming such a file continues it as a new session, but people should know.
pub fn report_duplicate_ids(sessions: &[SessionSummary]) {
    let mut by_id: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    for s in sessions {
        by_id.entry(&s.id).or_default().push(s.file.display().to_string());
    }
    for (id, files) in by_id.into_iter().filter(|(_, f)| f.len() > 1) {
        eprintln!(
            "passkey-triage: warning: session id {} is in {} files: {}",
            sanitize_line(id),
            files.len(),
            sanitize_line(&files.join(", "))
        );
    }
}

/// One session in `sessions --format json` (fields in this order).
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    ticket: Option<&'a str>,
    user: Option<&'a str>,
    agent: Option<&'a str>,
    status: &'static str,
    class: Option<&'a str>,
    started: DateTime<Utc>,
    ended: Option<DateTime<Utc>>,
    age_seconds: i64,
    continued_from: Option<&'a str>,
    file: String,
}

#[derive(Serialize)]
struct Skipped<'a> {
    file: String,
    reason: &'a str,
}

#[derive(Serialize)]
struct Listing<'a> {
    sessions: Vec<Row<'a>>,
    skipped: Vec<Skipped<'a>>,
}

/// `{"sessions": [...], "skipped": [...]}`.
pub fn render_json(sessions: &[SessionSummary], corrupt: &[CorruptFile], now: DateTime<Utc>) -> String {
    let listing = Listing {
        sessions: sessions
            .iter()
            .map(|s| Row {
                id: &s.id,
                ticket: s.ticket.as_deref(),
                user: s.user.as_deref(),
                agent: s.agent.as_deref(),
                status: s.status.as_str(),
                class: s.class.as_deref(),
                started: s.started,
                ended: s.ended,
                age_seconds: (now - s.started).num_seconds().max(0),
                continued_from: s.continued_from.as_deref(),
                file: s.file.display().to_string(),
            })
            .collect(),
        skipped: corrupt.iter().map(|c| Skipped { file: c.path.display().to_string(), reason: &c.reason }).collect(),
    };
    let mut s = crate::export::json::escape_unsafe(&serde_json::to_string_pretty(&listing).unwrap_or_default());
    s.push('\n');
    s
}

/// An aligned table, or a one-line note when there are no sessions.
pub fn render_text(sessions: &[SessionSummary], now: DateTime<Utc>, dir: &std::path::Path) -> String {
    if sessions.is_empty() {
        return format!("No sessions yet (folder: {}).\n", sanitize_line(&dir.display().to_string()));
    }
    let header = ["ID", "TICKET", "USER", "STATUS", "CLASS", "STARTED (UTC)", "AGE"];
    let rows: Vec<[String; 7]> = sessions
        .iter()
        .map(|s| {
            [
                clip_line(&s.id, 40),
                clip_line(s.ticket.as_deref().unwrap_or("-"), 24),
                clip_line(s.user.as_deref().unwrap_or("-"), 32),
                s.status.as_str().to_string(),
                clip_line(s.class.as_deref().unwrap_or("-"), 44),
                s.started.format("%Y-%m-%d %H:%M").to_string(),
                age(now - s.started),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header.map(String::from));
    for r in &rows {
        line(r);
    }
    out
}
