//! `diagnose`: classify from a facts file (contract section 3).

use std::io::{Read, Write};

use std::path::Path;

use chrono::{DateTime, Utc};

use super::{CliError, Context};
use crate::cli::{DiagnoseArgs, ReportFormat};
use crate::diagnose::{to_markdown, to_text};
use crate::engine::{Role, Walk, WalkOptions};
use crate::facts_file::{self, Known};
use crate::runbook::RunbookSet;
use crate::session::{CallInfo, Session, id_nonce, local_offset_minutes, new_id};
use crate::text::sanitize_line;

/// Facts files larger than this are refused (a real one is a few kilobytes); reading stops
/// there, so `--facts /dev/zero` or an endless pipe can't exhaust memory.
pub const MAX_FACTS_BYTES: u64 = 16 * 1024 * 1024;

/// Reads the facts text from a file or `-` (standard input); see [`facts_file::read`].
pub fn read_facts_text(spec: &str, stdin: &mut dyn Read) -> Result<(String, String), CliError> {
    facts_file::read(Path::new(spec), stdin, MAX_FACTS_BYTES).map_err(|e| CliError::bad_input(e.to_string()))
}

pub fn run(ctx: &Context, args: &DiagnoseArgs, stdin: &mut dyn Read, out: &mut dyn Write) -> Result<i32, CliError> {
    let set = ctx.load_walk_set(args.priors.as_deref())?;
    let (known, file_role) = known_facts(
        args.facts.as_deref(),
        args.signin_log.as_deref(),
        args.correlation_id.as_deref(),
        args.user.as_deref(),
        stdin,
        &set,
    )?;
    let now = Utc::now();
    // `--role`, else the scenario's own `role` (contract §4), else tier 2 (§3).
    let role = args.role.map(Role::from).or(file_role).unwrap_or(Role::Tier2);
    let options = WalkOptions { assume_unknown: args.assume_unknown, skip_steps: true, role, ask_all: false };
    let walk = known.start(&set, options, now).map_err(|e| CliError::bad_input(format!("runbooks: {e}")))?;
    let report = crate::diagnose::report(&set, &walk);
    if let Some(file) = &args.session_out {
        write_session(ctx, args, &set, walk.clone(), now, file)?;
    }
    let body = match args.format {
        ReportFormat::Json => {
            let raw = serde_json::to_string(&report).map_err(|e| CliError::bad_input(e.to_string()))?;
            // JSON shown to people: nothing a terminal would act on, as `\uXXXX`.
            let mut s = crate::export::json::escape_unsafe(&raw);
            s.push('\n');
            s
        }
        ReportFormat::Markdown => format!("{}{}", call_header(args, true), to_markdown(&set, &walk, &report)),
        ReportFormat::Text => format!("{}{}", call_header(args, false), to_text(&set, &walk, &report)),
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(report.exit_code())
}

/// The facts known before the walk: the sign-in log's entry (`--signin-log`: the one with
/// `correlation_id`, else the newest failed interactive one of `user` when the call names the
/// user, as `import` picks), then the facts file on top (it wins), and the facts file's `"role"`
/// if it says one. Only one of them may be `-`.
pub fn known_facts(
    facts: Option<&str>,
    signin_log: Option<&str>,
    correlation_id: Option<&str>,
    user: Option<&str>,
    stdin: &mut dyn Read,
    set: &RunbookSet,
) -> Result<(Known, Option<Role>), CliError> {
    if facts == Some("-") && signin_log == Some("-") {
        return Err(CliError::bad_input("--facts and --signin-log can't both read standard input (`-`)"));
    }
    let mut known = Known::default();
    let mut role = None;
    if let Some(log) = signin_log {
        let query = super::import::query(correlation_id, user);
        let imported =
            crate::import::import_file(log, stdin, &query, 1).map_err(|e| CliError::bad_input(e.to_string()))?;
        for w in imported.warnings() {
            let line = crate::text::clip_middle(&crate::text::sanitize_line(&format!("{log}: {w}")), 400);
            eprintln!("passkey-triage: warning: {line}");
        }
        known = Known::from_import(&imported);
    }
    if let Some(spec) = facts {
        let (name, text) = read_facts_text(spec, stdin)?;
        let file = facts_file::parse_file(&name, &text, &set.vocab).map_err(|e| CliError::bad_input(e.to_string()))?;
        role = file.role;
        known = known.overlay(Known::from_file(file));
    }
    Ok((known, role))
}

/// `--session-out FILE`: the whole session (JSON, the escalation package format), written
/// atomically (temp file in the same folder, fsync, rename); an existing regular FILE is replaced,
/// anything else at that path (a FIFO, a device, a link, a folder) is refused.
fn write_session(
    ctx: &Context,
    args: &DiagnoseArgs,
    set: &RunbookSet,
    walk: Walk,
    now: DateTime<Utc>,
    file: &Path,
) -> Result<(), CliError> {
    let config = crate::config::Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let call = CallInfo {
        ticket: args.ticket.clone().filter(|t| !t.trim().is_empty()),
        agent: config.agent(args.agent.as_deref()).map_err(CliError::bad_input)?,
        // The facts (a facts file or a sign-in log) name the user when `--user` doesn't.
        user: args
            .user
            .clone()
            .filter(|u| !u.trim().is_empty())
            .or_else(|| walk.facts.get("user.upn").map(|f| f.value.clone())),
    };
    // Only a regular file is replaced: a rename over a FIFO or a device (`/dev/null` as root)
    // would swap it for a plain file, and a link would be replaced, not written through.
    if let Ok(meta) = file.symlink_metadata()
        && !meta.file_type().is_file()
    {
        let what = if meta.file_type().is_symlink() { "a symbolic link" } else { "not a regular file" };
        return Err(CliError::bad_input(format!(
            "{}: {what}; --session-out writes a new file or replaces a regular one",
            sanitize_line(&file.display().to_string())
        )));
    }
    let session = Session::new(new_id(now, id_nonce()), call, set, walk, now, local_offset_minutes(now));
    let json = crate::export::json::render(&session);
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    crate::session::journal::write_atomic(&dir, file, json.as_bytes(), true).map_err(|e| {
        CliError::bad_input(format!("{}: cannot write session: {e}", sanitize_line(&file.display().to_string())))
    })
}

/// Ticket / user / agent lines above a Markdown or text report, when given.
fn call_header(args: &DiagnoseArgs, markdown: bool) -> String {
    let fields = [("Ticket", &args.ticket), ("User", &args.user), ("Agent", &args.agent)];
    let mut s = String::new();
    for (k, v) in fields {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            if markdown {
                s.push_str(&format!("**{k}:** {}  \n", crate::export::markdown::inline(v)));
            } else {
                s.push_str(&format!("{:<8}{}\n", format!("{k}:"), sanitize_line(v)));
            }
        }
    }
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_facts_are_refused_without_reading_everything() {
        let mut endless = std::io::repeat(b' ').take(MAX_FACTS_BYTES + 2);
        let e = read_facts_text("-", &mut endless).err().map(|e| e.message).unwrap_or_default();
        assert!(e.starts_with("<stdin>: larger than"), "{e}");
        let mut small = std::io::Cursor::new(b"{\"facts\": {}}".to_vec());
        assert!(read_facts_text("-", &mut small).is_ok());
    }
}
