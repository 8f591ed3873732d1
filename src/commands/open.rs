//! `passkey-triage open FILE`: continue an escalation package as a new session (tier 2).
//!
//! The package becomes a new journaled session that links to the tier-1 session; facts keep
//! their provenance (and say `via tier-1 session <id>`), notes and the path carry over. On a
//! terminal the wizard opens on it at once (the side panel marks tier-1 facts `T1`; back works
//! over every tier-1 answer). With `--print`, or when standard input or output is not a
//! terminal (scripts, tests), it is journaled and a summary printed instead; `passkey-triage
//! --resume <id>` continues it later.

use std::io::{IsTerminal, Write};

use chrono::Utc;

use super::{CliError, Context};
use crate::cli::OpenArgs;
use crate::exit;
use crate::queue::backend::Taken;
use crate::session::journal::{Journal, parse_session};
use crate::session::package::{Opened, continue_session, open_package};
use crate::session::{CallInfo, id_nonce, local_offset_minutes, new_id};
use crate::text::sanitize_line;
use crate::ui::app::App;
use crate::ui::journal_store::JournalStore;

pub fn run(ctx: &Context, args: &OpenArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let mut store = JournalStore::open(&ctx.paths).map_err(CliError::bad_input)?;
    let set = ctx.load_walk_set(args.priors.as_deref())?;
    let now = Utc::now();
    // Checked before anything is claimed or written.
    let agent = store.config().agent(args.agent.as_deref()).map_err(CliError::bad_input)?;
    let call = CallInfo { agent, ..CallInfo::default() };
    // A package in the tier-2 queue (by id, file or ticket) is claimed first; see `commands::queue`.
    let queue = super::queue::backend(ctx, store.config())?;
    let query = args.file.to_string_lossy();
    let queued = queue
        .take(&query, call.agent.as_deref(), args.take_over, now)
        .map_err(|e| CliError::bad_input(e.to_string()))?
        .map(|mut t| {
            t.note = sanitize_line(&t.note);
            t
        });
    let file = queued.as_ref().map_or_else(|| args.file.clone(), |q| std::path::PathBuf::from(&q.source));
    let opened = match open_and_save(ctx, args, &set, &file, queued.as_ref(), now, call) {
        Ok(o) => o,
        Err(e) => {
            // Nothing was saved: a claim made for this open would hold the package for a
            // session that doesn't exist, so it is taken back.
            if let Some(q) = &queued
                && let Err(w) = queue.withdraw(q)
            {
                eprintln!("passkey-triage: warning: {}", sanitize_line(&w.to_string()));
            }
            return Err(e);
        }
    };
    let (opened, saved) = opened;
    if let Some(saved) = saved {
        let mut text = summary(&file, &opened, &saved);
        if let Some(q) = &queued {
            text = format!("{}\n{text}", q.note);
            text.extend(super::queue::after_tier2(queue.as_ref(), &q.id, &opened.session).map(|l| l + "\n"));
        }
        out.write_all(text.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
        return Ok(exit::OK);
    }
    // App::new says it is tier 2 continuing the package; a warning about the package wins.
    let mut app = App::new(set, opened.session.clone(), super::wizard::options(&store, false), now);
    if let Some(w) = opened.warnings.first() {
        app.warn(format!("Tier 2: {}", sanitize_line(w)));
    }
    let id = app.session.id.clone();
    let code = super::wizard::run_app(app, &mut store, out, None)?;
    if let Some(q) = &queued {
        let _ = writeln!(out, "{}", q.note);
        super::queue::after_wizard(ctx, store.config(), &id, Some(&q.id), out);
    }
    Ok(code)
}

/// Opens the package as a new tier-2 session and, without a terminal (or with `--print`),
/// journals it: the file it was saved to; None when the wizard takes it on. Any error here means
/// no session was saved.
fn open_and_save(
    ctx: &Context,
    args: &OpenArgs,
    set: &crate::runbook::RunbookSet,
    file: &std::path::Path,
    queued: Option<&Taken>,
    now: chrono::DateTime<Utc>,
    call: CallInfo,
) -> Result<(Opened, Option<std::path::PathBuf>), CliError> {
    let new_id = new_id(now, id_nonce());
    let mut opened = match queued {
        // Read by the queue (never through a link; from the help desk): parsed from its bytes.
        Some(q) => {
            let original = parse_session(&q.json).map_err(|e| CliError::bad_input(format!("{}: {e}", q.source)))?;
            // The id the queue claimed is the one finished later: a package saying otherwise
            // would continue (and finish) a different escalation.
            if original.id != q.id {
                return Err(CliError::bad_input(format!(
                    "{}: the package's id `{}` is not the queued package {} (a renamed or forged package); not opened",
                    q.source,
                    crate::text::clip_middle(&original.id, 80),
                    q.id
                )));
            }
            let (session, warnings) = continue_session(&original, set, now, local_offset_minutes(now), new_id, call)
                .map_err(|e| CliError::bad_input(format!("{}: {e}", q.source)))?;
            Opened { session, original, warnings }
        }
        None => open_package(file, set, now, local_offset_minutes(now), new_id, call)
            .map_err(|e| CliError::bad_input(e.to_string()))?,
    };
    let role = crate::engine::Role::from(args.role);
    if role != opened.session.walk.options.role {
        opened.session.walk.continue_as(set, role, now).map_err(|e| CliError::bad_input(format!("runbooks: {e}")))?;
    }
    for w in &opened.warnings {
        eprintln!("passkey-triage: warning: {}", crate::text::clip_middle(w, 400));
    }
    let interactive = !args.print && std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if interactive {
        return Ok((opened, None));
    }
    let saved = Journal::open(&ctx.paths).save(&opened.session).map_err(|e| CliError::bad_input(e.to_string()))?;
    Ok((opened, Some(saved)))
}

/// What was loaded and where the new session lives.
pub fn summary(file: &std::path::Path, o: &Opened, saved: &std::path::Path) -> String {
    let l = |s: &str| sanitize_line(s);
    let orig = &o.original;
    let new = &o.session;
    let mut t = String::new();
    t.push_str(&format!("Opened escalation package {}\n", l(&file.display().to_string())));
    t.push_str(&format!("  tier-1 session  {}\n", l(&orig.id)));
    t.push_str(&format!("  ticket          {}\n", l(orig.ticket.as_deref().unwrap_or("-"))));
    t.push_str(&format!("  user            {}\n", l(orig.user.as_deref().unwrap_or("-"))));
    t.push_str(&format!("  tier-1 agent    {}\n", l(orig.agent.as_deref().unwrap_or("-"))));
    t.push_str(&format!("  started         {}\n", orig.started_at.format("%Y-%m-%d %H:%M:%S UTC")));
    let outcome = match &orig.outcome {
        Some(oc) => format!("{} ({}): {}", orig.status.as_str(), l(&oc.class), l(&oc.title)),
        None => format!("open, waiting at {}", l(&orig.walk.position.node().to_string())),
    };
    t.push_str(&format!("  outcome         {outcome}\n"));
    t.push_str(&format!("  facts           {} (provenance kept, via tier-1 session)\n", new.walk.facts.len()));
    let asked = crate::engine::questions_and_steps(&new.walk.path).count();
    t.push_str(&format!("  path            {asked} questions and steps; tier 2 can go back to any question\n"));
    let notes = orig.notes.lines().filter(|x| !x.trim().is_empty()).count();
    t.push_str(&format!("  notes           {notes} line(s) carried over\n"));
    t.push_str(&format!(
        "New session {} (continues {}), status {}, journaled to {}\n",
        l(&new.id),
        l(&orig.id),
        new.status.as_str(),
        l(&saved.display().to_string())
    ));
    t.push_str(&format!("Continue it with: passkey-triage --resume {}\n", l(&new.id)));
    t
}
