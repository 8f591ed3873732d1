//! The wizard (no command): load everything and check it in the normal terminal (errors exit 2
//! before raw mode), journal the session, hand over to `term::run`, then print where things
//! stand (and where the session is saved).

use std::io::{IsTerminal, Write};

use chrono::Utc;

use super::{CliError, Context};
use crate::cli::WizardArgs;
use crate::engine::{Role, WalkOptions};
use crate::runbook::RunbookSet;
use crate::session::{self, CallInfo, Session};
use crate::term;
use crate::text::sanitize_line;
use crate::ui::app::{App, Msg, Options, StatusKind};
use crate::ui::journal_store::JournalStore;
use crate::ui::store::SessionStore;

/// How many unfinished sessions the start screen offers.
pub const RESUMABLE: usize = 5;

/// How many unfinished sessions are looked through for those of the `--ticket` given.
const TICKET_LOOKBACK: usize = 40;

/// Runs the wizard on the session journal (`<data>/sessions`) with the config's defaults.
pub fn run(ctx: &Context, args: &WizardArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let mut store = JournalStore::open(&ctx.paths).map_err(CliError::bad_input)?;
    // Checked before anything is written: the name goes into the session and its lock.
    store.config().agent(args.agent.as_deref()).map_err(CliError::bad_input)?;
    store.set_agent(args.agent.clone());
    run_with_store(ctx, args, &mut store, out)
}

/// `NO_COLOR` set to anything but the empty string (<https://no-color.org>).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The app's options for a store.
pub fn options(store: &dyn SessionStore, start_screen: bool) -> Options {
    Options {
        no_color: no_color_requested(),
        start_screen,
        persists: store.persists(),
        export: store.export_format(),
        redact: store.export_redacts(),
        ticketing: store.ticketing(),
        queue: store.queue_available(),
    }
}

/// Builds the app: runbooks, facts file, session (new or resumed), the unfinished sessions the
/// start screen offers. Reads files only; every problem is an exit-2 error with a one-line
/// message.
pub fn prepare(ctx: &Context, args: &WizardArgs, store: &mut dyn SessionStore) -> Result<App, CliError> {
    prepare_with_set(ctx.load_walk_set(args.priors.as_deref())?, args, store)
}

/// [`prepare`] on a set already loaded.
pub fn prepare_with_set(set: RunbookSet, args: &WizardArgs, store: &mut dyn SessionStore) -> Result<App, CliError> {
    let now = Utc::now();
    let agent = args.agent.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
    if let Some(id) = &args.resume {
        let id = (!id.is_empty()).then_some(id.as_str());
        let mut session = store.load(id).map_err(CliError::bad_input)?;
        // A session file is outside input: what these runbooks don't accept goes, with a warning;
        // a path that no longer fits them is walked again from its facts.
        let accepted = session::accept::accept_walk(&mut session.walk, &set);
        let mut warnings = accepted.warnings;
        if !accepted.path_fits || accepted.facts_dropped > 0 {
            let options = session.walk.options;
            session.walk = session::accept::replay(&session.walk, &set, options, now)
                .map_err(|e| CliError::bad_input(format!("cannot replay the session: {e}")))?;
            let why = if accepted.path_fits { "facts were dropped" } else { "its path does not fit these runbooks" };
            warnings.push(format!("{why}; the session was walked again from its facts"));
        }
        // Who is on the call, when given again, fills in or corrects the saved session.
        if args.ticket.is_some() {
            session.ticket = args.ticket.clone();
        }
        if args.user.is_some() {
            session.user = args.user.clone();
        }
        if agent.is_some() {
            session.agent = agent;
        }
        let mut app = App::new(set, session.clone(), options(store, false), now);
        app.queued = store.already_queued(&app.session.id);
        app.open_session(session);
        // Every warning on stderr before the screen takes over (as `open` does); the first on it.
        for w in &warnings {
            eprintln!("passkey-triage: warning: {}", crate::text::clip_middle(w, 400));
        }
        if let Some(w) = warnings.first() {
            let more = if warnings.len() > 1 { format!(" (and {} more)", warnings.len() - 1) } else { String::new() };
            app.warn(format!("Resumed: {}{more}", sanitize_line(w)));
        }
        return Ok(app);
    }
    let facts = args.facts.as_ref().map(|p| p.to_string_lossy().into_owned());
    let signin_log = args.signin_log.as_ref().map(|p| p.to_string_lossy().into_owned());
    let (known, file_role) = super::diagnose::known_facts(
        facts.as_deref(),
        signin_log.as_deref(),
        args.correlation_id.as_deref(),
        args.user.as_deref(),
        &mut std::io::stdin(),
        &set,
    )?;
    // Who is on the call: the sign-in log knows the user when the agent didn't say.
    let imported_user = known.0.iter().find(|f| f.key == "user.upn").map(|f| f.value.clone());
    let options_walk = WalkOptions {
        assume_unknown: args.assume_unknown,
        skip_steps: false,
        role: args.role.map(Role::from).or(file_role).unwrap_or(Role::Tier1),
        ask_all: false,
    };
    let walk = known.start(&set, options_walk, now).map_err(|e| CliError::bad_input(format!("runbooks: {e}")))?;
    let call = CallInfo {
        ticket: args.ticket.clone(),
        agent: agent.or_else(|| store.default_agent()),
        user: args.user.clone().or(imported_user),
    };
    let session = Session::new(
        session::new_id(now, session::id_nonce()),
        call,
        &set,
        walk,
        now,
        session::local_offset_minutes(now),
    );
    // The start screen: when there is something to fill in, or when the ticket given has
    // unfinished calls to resume (only those are offered then); never with --facts or
    // --signin-log (straight to work).
    let given = args.facts.is_some() || args.signin_log.is_some();
    let resumable = match (given, &args.ticket) {
        (true, _) => Vec::new(),
        (false, None) => store.unfinished(RESUMABLE),
        (false, Some(ticket)) => store
            .unfinished(TICKET_LOOKBACK)
            .into_iter()
            .filter(|s| s.ticket.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case(ticket.trim())))
            .take(RESUMABLE)
            .collect(),
    };
    let start_screen = !given && (args.ticket.is_none() || !resumable.is_empty());
    let mut app = App::new(set, session, options(store, start_screen), now);
    app.queued = store.already_queued(&app.session.id);
    if start_screen {
        app.offer_resumable(resumable);
    }
    Ok(app)
}

/// The wizard needs a terminal on both ends.
pub fn require_terminal() -> Result<(), CliError> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::bad_input(
            "the wizard needs a terminal; to classify from a script use `passkey-triage diagnose --facts FILE`",
        ));
    }
    Ok(())
}

pub fn run_with_store(
    ctx: &Context,
    args: &WizardArgs,
    store: &mut dyn SessionStore,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    // The common case, a fresh call on the built-in runbooks, draws its first question from the
    // entry runbook alone; the whole set (validated by CI) is parsed right after that frame.
    // A desk's priors are checked against the whole set first, so they load it up front.
    let deferred = args.facts.is_none()
        && args.signin_log.is_none()
        && args.resume.is_none()
        && ctx.effective_dirs().is_empty()
        && ctx.priors_file(args.priors.as_deref())?.is_none();
    if !deferred {
        let app = prepare(ctx, args, store)?;
        require_terminal()?;
        let id = app.session.id.clone();
        let code = run_app(app, store, out, None)?;
        // A resumed tier-2 session that reached its outcome finishes its queued package.
        if args.resume.is_some() {
            let config = crate::config::Config::load(&ctx.paths).unwrap_or_default();
            super::queue::after_wizard(ctx, &config, &id, None, out);
        }
        return Ok(code);
    }
    let set = RunbookSet::builtin_entry().map_err(|f| CliError::bad_input(f.to_string()))?;
    let app = prepare_with_set(set, args, store)?;
    require_terminal()?;
    run_app(app, store, out, Some(RunbookSet::builtin))
}

/// Journals the session (unless the start screen is still up), runs the wizard, and prints
/// the summary and the store's farewell in the normal terminal.
pub fn run_app(
    mut app: App,
    store: &mut dyn SessionStore,
    out: &mut dyn Write,
    load: Option<term::Loader>,
) -> Result<i32, CliError> {
    let skipped = store.take_skipped();
    for line in &skipped {
        eprintln!("passkey-triage: skipped unreadable session file {line}");
    }
    if let Some(first) = skipped.first()
        && app.status.as_ref().is_none_or(|s| s.kind == StatusKind::Info)
    {
        let more = if skipped.len() > 1 { format!(" (and {} more)", skipped.len() - 1) } else { String::new() };
        app.warn(format!("Skipped an unreadable session file, left as it is: {first}{more}"));
    }
    for line in store.take_notices() {
        app.warn(line);
    }
    // With the set still to load, the first save waits for it (so the session records it).
    if !app.on_start_screen() && load.is_none() {
        let r = store.save(&app.session);
        app.update(Msg::Saved(r), Utc::now());
    }
    let (app, code) = term::run(app, store, load).map_err(|e| CliError::bad_input(format!("terminal error: {e}")))?;
    // A call never started has no summary: the store's line says nothing was saved.
    if !app.on_start_screen() {
        let _ = writeln!(out, "{}", summary(&app));
    }
    for line in store.farewell(&app.session) {
        let _ = writeln!(out, "{line}");
    }
    if app.escalation_not_queued() {
        let _ = writeln!(
            out,
            "Not queued for tier 2 from this wizard; to queue it: passkey-triage escalate {}",
            app.session.id
        );
    }
    // A post still under way when the wizard closed (a signal) was abandoned, not recorded.
    if let Some((system, ticket)) = &app.posting {
        let line = crate::ticketing::delivery::abandoned_line(*system, ticket);
        let mut chars = line.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
        let _ = writeln!(out, "{first}{}.", chars.as_str());
    }
    // Nothing kept the notes: leave them in the scrollback rather than lose them.
    if store.lost() && !app.session.notes.trim().is_empty() {
        let _ = writeln!(out, "Notes:\n{}", crate::text::sanitize_text(&app.session.notes));
    }
    // A save that failed is never silent: the session goes somewhere else, and the exit code
    // says so (a signal's own code is kept).
    if store.persists() && store.lost() && !app.on_start_screen() {
        for line in rescue(&app.session, &std::env::temp_dir(), &mut std::io::stderr()) {
            let _ = writeln!(out, "{line}");
        }
        return Ok(if code == crate::exit::OK { crate::exit::NOT_SAVED } else { code });
    }
    Ok(code)
}

/// Saves a session the journal could not keep: as a session file in `dir` (the temporary
/// folder; a new name, never replacing or following anything, readable by its owner only),
/// which `--resume FILE` continues; failing that, its facts as a facts file on `err`. Returns
/// the lines saying where they went.
pub fn rescue(session: &Session, dir: &std::path::Path, err: &mut dyn Write) -> Vec<String> {
    let stem = format!("passkey-triage-unsaved-{}", session.id);
    let written = serde_json::to_string_pretty(session)
        .map_err(|e| e.to_string())
        .and_then(|json| crate::export::write_new(dir, &stem, "json", &json).map_err(|e| e.to_string()));
    match written {
        Ok(path) => {
            let path = sanitize_line(&std::path::absolute(&path).unwrap_or(path).display().to_string());
            vec![format!("The answers are kept in {path} instead; continue with: passkey-triage --resume {path}")]
        }
        Err(e) => {
            let facts: serde_json::Map<String, serde_json::Value> = session
                .walk
                .facts
                .iter()
                .map(|(k, f)| (k.clone(), serde_json::Value::String(f.value.clone())))
                .collect();
            let file = serde_json::json!({ "facts": facts });
            let text = serde_json::to_string_pretty(&file).unwrap_or_default();
            let _ = writeln!(err, "{}", crate::export::json::escape_unsafe(&text));
            vec![format!(
                "Could not keep the answers in a file either ({}): they are on standard error above as a facts file (passkey-triage --facts FILE takes it)",
                sanitize_line(&e)
            )]
        }
    }
}

/// One line for the scrollback after the wizard closes.
pub fn summary(app: &App) -> String {
    let s = &app.session;
    let ticket = s.ticket.as_deref().map(|t| format!(" (ticket {})", sanitize_line(t))).unwrap_or_default();
    match s.walk.outcome(&app.set) {
        Some((_, o)) => format!(
            "passkey-triage: session {}{ticket}: {}: {} [{}]",
            s.id,
            sanitize_line(&o.class),
            sanitize_line(&o.title),
            s.status.as_str()
        ),
        None => {
            // Counted as the title counts them: questions put to someone, not path entries (a
            // re-walk or a step would count twice).
            let asked = s.walk.questions_asked();
            let s_ = if asked == 1 { "" } else { "s" };
            format!("passkey-triage: session {}{ticket}: not classified yet ({asked} question{s_} asked)", s.id)
        }
    }
}
