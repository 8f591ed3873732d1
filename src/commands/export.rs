//! `passkey-triage export SESSION`: ticket notes (text, Markdown) or the escalation package
//! (JSON). SESSION is an id, an id prefix, a session file, or a ticket id (its newest session).
//! Without `--out`/`--out-dir` the
//! export goes to stdout; otherwise it is written atomically to a new file (never overwriting:
//! `-2`, `-3`… are added) and the path written is printed.

use std::io::Write;

use super::{CliError, Context};
use crate::cli::ExportArgs;
use crate::config::Config;
use crate::exit;
use crate::export::{self, Options};
use crate::session::Session;
use crate::session::journal::{Journal, STALE_TEMP_AGE, remove_stale_temps};
use crate::text::sanitize_line;

pub fn run(ctx: &Context, args: &ExportArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let journal = Journal::open(&ctx.paths);
    let session = find_session(&journal, &args.session)?;
    let format = config.export_format(args.format.map(Into::into));
    let options = Options { redact: config.redact(args.redact, args.no_redact) };
    // The runbooks say who can check each open item; an export never fails for want of them.
    let set = ctx.load_set().ok();
    let text = export::render_with(&session, format, options, set.as_ref());
    let werr = |e: std::io::Error| CliError::bad_input(format!("cannot write output: {e}"));
    if let Some(file) = args.out.as_ref().filter(|f| f.is_dir()) {
        return Err(CliError::bad_input(format!(
            "{}: is a folder; use --out-dir for a folder, --out for a file",
            sanitize_line(&file.display().to_string())
        )));
    }
    // Something other than a regular file at --out (a FIFO, a device, a link) is a mistake:
    // writing `/dev/null-2` beside it is not what anyone meant.
    if let Some(file) = &args.out
        && let Ok(meta) = file.symlink_metadata()
        && !meta.file_type().is_file()
    {
        let what = if meta.file_type().is_symlink() { "a symbolic link" } else { "not a regular file" };
        return Err(CliError::bad_input(format!(
            "{}: {what}; --out writes a new file (beside an existing one, with -2 added)",
            sanitize_line(&file.display().to_string())
        )));
    }
    // Temporary files an export killed mid-write left in the folder it writes to.
    let target_dir = match (&args.out, &args.out_dir) {
        (Some(file), _) => file.parent().filter(|p| !p.as_os_str().is_empty()).map(std::path::Path::to_path_buf),
        (None, dir) => dir.clone(),
    };
    if let Some(dir) = target_dir {
        remove_stale_temps(&dir, STALE_TEMP_AGE, false);
    }
    let written = match (&args.out, &args.out_dir) {
        (Some(file), _) => export::write_to_file(file, &text),
        (None, Some(dir)) => export::write_into_dir(dir, &session, format, &text),
        (None, None) => {
            out.write_all(text.as_bytes()).map_err(werr)?;
            return Ok(exit::OK);
        }
    }
    .map_err(|e| CliError::bad_input(e.to_string()))?;
    let shown = std::path::absolute(&written).unwrap_or(written);
    writeln!(out, "{}", sanitize_line(&shown.display().to_string())).map_err(werr)?;
    Ok(exit::OK)
}

/// The session `query` names: an id or session file, else a ticket id (the newest session
/// recorded for that ticket; tier 2's continuation is newer than tier 1's), else a unique id
/// prefix; see [`Journal::find`].
fn find_session(journal: &Journal, query: &str) -> Result<Session, CliError> {
    let found = journal.find(query).map_err(|e| CliError::bad_input(sanitize_line(&e.to_string())))?;
    if let Some(note) = found.note("exporting") {
        // A note, not an error: a closed stderr must not stop the export.
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    Ok(found.session)
}
