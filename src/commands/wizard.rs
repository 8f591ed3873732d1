//! The wizard (no command): load everything and check it in the normal terminal (errors exit 2
//! before raw mode), then hand over to `term::run`, then print where things stand.

use std::io::{IsTerminal, Write};

use chrono::{Local, Utc};

use super::diagnose::read_facts_text;
use super::{CliError, Context};
use crate::cli::WizardArgs;
use crate::engine::{Provenance, Walk, WalkOptions};
use crate::session::{self, CallInfo, Session};
use crate::text::sanitize_line;
use crate::ui::app::{App, Options};
use crate::ui::store::{NoStore, SessionStore};
use crate::{facts_file, term};

/// Runs the wizard with the session store available in this build.
pub fn run(ctx: &Context, args: &WizardArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    run_with_store(ctx, args, &mut NoStore, out)
}

/// `NO_COLOR` set to anything but the empty string (<https://no-color.org>).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Builds the app: runbooks, facts file, session (new or resumed). Pure apart from reading
/// the files; every problem is an exit-2 error with a one-line message.
pub fn prepare(ctx: &Context, args: &WizardArgs, store: &mut dyn SessionStore) -> Result<App, CliError> {
    let set = ctx.load_set()?;
    let now = Utc::now();
    let session = match &args.resume {
        Some(id) => {
            let id = (!id.is_empty()).then_some(id.as_str());
            store.load(id).map_err(CliError::bad_input)?
        }
        None => {
            let prefill = match &args.facts {
                Some(path) => {
                    let spec = path.to_string_lossy();
                    let (name, text) = read_facts_text(&spec, &mut std::io::stdin())?;
                    facts_file::parse(&name, &text, &set.vocab).map_err(|e| CliError::bad_input(e.to_string()))?
                }
                None => Vec::new(),
            };
            let options = WalkOptions { assume_unknown: args.assume_unknown, skip_steps: false };
            let prefill = prefill.into_iter().map(|(k, v)| (k, v, Provenance::FactsFile));
            let walk =
                Walk::start(&set, prefill, options, now).map_err(|e| CliError::bad_input(format!("runbooks: {e}")))?;
            let call = CallInfo { ticket: args.ticket.clone(), agent: args.agent.clone(), user: args.user.clone() };
            let nonce = std::process::id() ^ now.timestamp_subsec_nanos();
            let offset = Local::now().offset().local_minus_utc() / 60;
            Session::new(session::new_id(now, nonce), call, &set, walk, now, offset)
        }
    };
    let opts = Options {
        no_color: no_color_requested(),
        start_screen: args.resume.is_none() && args.facts.is_none() && args.ticket.is_none(),
        persists: store.persists(),
        export: store.export_format(),
    };
    let changed = args.resume.is_some() && session.runbooks.hash != set.content_hash();
    let mut app = App::new(set, session, opts, now);
    if changed {
        app.warn("The runbooks changed since this session was saved: answers are kept, the path may differ.");
    }
    Ok(app)
}

pub fn run_with_store(
    ctx: &Context,
    args: &WizardArgs,
    store: &mut dyn SessionStore,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let app = prepare(ctx, args, store)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::bad_input(
            "the wizard needs a terminal; to classify from a script use `passkey-triage diagnose --facts FILE`",
        ));
    }
    let (app, code) = term::run(app, store).map_err(|e| CliError::bad_input(format!("terminal error: {e}")))?;
    let _ = writeln!(out, "{}", summary(&app));
    if let Some(line) = store.farewell(&app.session) {
        let _ = writeln!(out, "{line}");
    }
    // Nothing kept the notes: leave them in the scrollback rather than lose them.
    if !store.persists() && !app.session.notes.trim().is_empty() {
        let _ = writeln!(out, "Notes:\n{}", crate::text::sanitize_text(&app.session.notes));
    }
    Ok(code)
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
            let asked = s.walk.path.iter().filter(|p| p.provenance == Provenance::Asked).count();
            format!("passkey-triage: session {}{ticket}: not classified yet ({asked} answers given)", s.id)
        }
    }
}
