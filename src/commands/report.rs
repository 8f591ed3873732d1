//! `passkey-triage report [--since DATE] [--until DATE] [--format text|markdown|csv|json|priors]
//! [--view]`: the failure report over every saved session (the sessions folder, read recursively)
//! and the tier-2 queue; `priors` writes the desk's priors file from the same sessions. Also `sessions --format ndjson` ([`sessions_ndjson`]), the same sessions as
//! records for a log platform.

use std::io::{BufWriter, Write};

use super::{CliError, Context};
use crate::cli::{ReportArgs, RollupFormat};
use crate::config::Config;
use crate::exit;
use crate::report::{self, Range, scan};
use crate::session::digest::{Digest, read_session_bytes};
use crate::session::journal::CorruptFile;

/// Unreadable files named on stderr, one line each; beyond this many, only counted.
const MAX_SKIPPED_LINES: u64 = 20;

pub fn run(ctx: &Context, args: &ReportArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    if args.view {
        super::view_needs_terminal("report", "the report")?;
    }
    let range = range(args)?;
    // The outcome nodes the priors are over; loaded first, so bad runbooks fail before the scan.
    let set = if args.format == RollupFormat::Priors && !args.view { Some(ctx.load_set()?) } else { None };
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let queue = super::queue::open_queue(ctx, &config);
    // A queue folder that is a file would read as an empty queue: the report would be wrong.
    queue.check_folder().map_err(|e| CliError::bad_input(e.to_string()))?;
    let mut skipped = Skipped::default();
    let report = scan::report(&ctx.paths.sessions_dir(), &queue, range, &mut |c| skipped.note(&c));
    skipped.finish();
    if args.view {
        let mut view =
            crate::ui::screen::report::ReportView::new(report, crate::commands::wizard::no_color_requested());
        return crate::term::run_report(&mut view).map_err(|e| CliError::bad_input(format!("terminal error: {e}")));
    }
    let body = match args.format {
        RollupFormat::Text => report::text::render(&report),
        RollupFormat::Markdown => report::markdown::render(&report),
        RollupFormat::Csv => report::csv::render(&report),
        RollupFormat::Json => report::json::render(&report),
        RollupFormat::Priors => {
            let outcomes = set.iter().flat_map(|s| s.outcome_nodes());
            let (file, unmatched) = report::priors::priors(&report.by_outcome, outcomes, report.last_outcome_at);
            if unmatched > 0 {
                eprintln!(
                    "passkey-triage: not counted: {unmatched} session(s) ended at outcomes the runbooks loaded don't have"
                );
            }
            report::priors::render(&file)
        }
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(exit::OK)
}

fn range(args: &ReportArgs) -> Result<Range, CliError> {
    let since = args.since.as_deref().map(report::parse_since).transpose().map_err(CliError::bad_input)?;
    let until = args.until.as_deref().map(report::parse_until).transpose().map_err(CliError::bad_input)?;
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        return Err(CliError::bad_input("--since is after --until: no session can match"));
    }
    Ok(Range { since, until })
}

/// Reports unreadable files on stderr without flooding it.
#[derive(Default)]
struct Skipped {
    count: u64,
}

impl Skipped {
    fn note(&mut self, c: &CorruptFile) {
        self.count += 1;
        if self.count <= MAX_SKIPPED_LINES {
            eprintln!("passkey-triage: skipped unreadable session file {c}");
        }
    }

    fn finish(&self) {
        if self.count > MAX_SKIPPED_LINES {
            eprintln!("passkey-triage: skipped {} more unreadable session files", self.count - MAX_SKIPPED_LINES);
        }
    }
}

/// `sessions --format ndjson`: one record per session of the journal, in file-name order (the
/// start time), streamed: each file is read, written out and forgotten.
pub fn sessions_ndjson(ctx: &Context, out: &mut dyn Write) -> Result<i32, CliError> {
    let dir = ctx.paths.sessions_dir();
    let mut files = Vec::new();
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            for e in entries.filter_map(Result::ok) {
                let name = e.file_name();
                let b = name.as_encoded_bytes();
                // Not a folder or a link: a FIFO or device named `*.json` is refused unread and
                // reported, as `sessions` does.
                let plain = e.file_type().is_ok_and(|t| !t.is_dir() && !t.is_symlink());
                if b.ends_with(b".json") && !b.starts_with(b".") && plain {
                    files.push(name);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(CliError::bad_input(format!("{}: cannot read folder: {e}", dir.display()))),
    }
    files.sort_unstable();
    let config = Config::load(&ctx.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
    let queue = super::queue::open_queue(ctx, &config);
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let werr = |e: std::io::Error| CliError::bad_input(format!("cannot write output: {e}"));
    let mut buf = Vec::new();
    let mut skipped = Skipped::default();
    for name in files {
        let path = dir.join(name);
        let line = read_session_bytes(&path, &mut buf)
            .and_then(|()| Digest::parse(&buf).map(|d| report::ndjson::line(&d, queue.contains(&d.id))));
        match line {
            Ok(l) => w.write_all(l.as_bytes()).map_err(werr)?,
            Err(reason) => skipped.note(&CorruptFile { path, reason }),
        }
    }
    skipped.finish();
    w.flush().map_err(werr)?;
    Ok(exit::OK)
}
