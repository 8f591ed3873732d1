//! Ticket notes and escalation packages: a session rendered as text (wrapped at 100 columns),
//! Markdown, or JSON (the full session — the escalation package tier 2 opens).
//!
//! Rendering is pure and needs only the session (which carries its outcome, remediation and
//! sources), so an old session exports the same after the runbooks change. Every rendered text is
//! free of terminal control characters, whatever the facts or notes held. Files are written
//! atomically, never overwrite anything, and stay inside the chosen folder.

pub mod also;
pub mod checks;
pub mod clipboard;
pub mod error_code;
pub mod filename;
pub mod json;
pub mod markdown;
pub mod redact;
pub mod text;

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::{PathEntry, Provenance, StepKind};
use crate::runbook::RunbookSet;
use crate::session::Session;
use crate::session::journal::{TEMP_PREFIX, TEMP_SUFFIX};

/// An export format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Markdown,
    Text,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Markdown, Format::Text, Format::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Json => "json",
        }
    }

    /// The name the wizard's export picker shows.
    pub fn label(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Text => "Plain text",
            Format::Json => "JSON",
        }
    }

    /// What the format is for, after its label in the picker.
    pub fn purpose(self) -> &'static str {
        match self {
            Format::Markdown => "ticket notes for ticket systems that render Markdown",
            Format::Text => "ticket notes wrapped at 100 columns, for any ticket system",
            Format::Json => "the escalation package (the whole session) for tier 2: passkey-triage open FILE",
        }
    }

    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Text => "txt",
            Format::Json => "json",
        }
    }
}

/// How to export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Mask user names, emails (keeping the domain), IP addresses and device names.
    pub redact: bool,
}

/// The session in the given format.
pub fn render(session: &Session, format: Format, options: Options) -> String {
    render_with(session, format, options, None)
}

/// [`render`], with the runbooks in force when the caller has them: they say who can check
/// each open item (a question's own `asked_of`) and what runbook-declared classes mean. Without
/// them the session alone decides (deferred questions are an admin's; contract defaults).
pub fn render_with(session: &Session, format: Format, options: Options, set: Option<&RunbookSet>) -> String {
    let s: Cow<'_, Session> =
        if options.redact { Cow::Owned(redact::redact_session(session)) } else { Cow::Borrowed(session) };
    // Every format leaves through one of these two gates, so no field (today's or a future
    // one) reaches a file, the clipboard or a ticket with escapes or invisible characters.
    match format {
        Format::Markdown => crate::text::sanitize_text(&markdown::render(&s, set)),
        Format::Text => crate::text::sanitize_text(&text::render(&s, set)),
        Format::Json => json::render(&s),
    }
}

/// The wizard's export key: renders the session and writes it into `dir` (from
/// `Config::export_dir`), never overwriting. Returns the path written and the text (for
/// [`clipboard::copy_to_clipboard`]); always show the agent the path.
pub fn export_to_folder(
    session: &Session,
    format: Format,
    options: Options,
    set: Option<&RunbookSet>,
    dir: &Path,
) -> Result<(PathBuf, String), ExportError> {
    let text = render_with(session, format, options, set);
    let path = write_into_dir(dir, session, format, &text)?;
    Ok((path, text))
}

/// A failed export write.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{}: not a usable file name", name)]
    BadName { name: String },
    #[error("{}: every name up to `-{}` is taken", path.display(), MAX_SUFFIX)]
    NoFreeName { path: PathBuf },
}

/// How far the `-2`, `-3`… suffixes go before giving up.
pub const MAX_SUFFIX: u32 = 9999;

/// Writes an export into `dir` under a name derived from the session's ticket (`INC123.md`,
/// then `INC123-2.md`…). Returns the path written.
pub fn write_into_dir(dir: &Path, session: &Session, format: Format, contents: &str) -> Result<PathBuf, ExportError> {
    write_new(dir, &filename::export_stem(session), format.extension(), contents)
}

/// Writes to `path`, or — if it exists — to `stem-2.ext`, `stem-3.ext`… next to it.
pub fn write_to_file(path: &Path, contents: &str) -> Result<PathBuf, ExportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if filename::join_inside(&dir, &name).is_none() {
        return Err(ExportError::BadName { name: crate::text::sanitize_line(&path.display().to_string()) });
    }
    let (stem, ext) = filename::split_name(&name);
    write_new(&dir, stem, ext, contents)
}

/// Atomically creates `dir/stem[-n].ext` for the first free n; never replaces a file.
pub fn write_new(dir: &Path, stem: &str, ext: &str, contents: &str) -> Result<PathBuf, ExportError> {
    let first = filename::numbered(stem, 1, ext);
    let first_path = filename::join_inside(dir, &first).ok_or_else(|| ExportError::BadName { name: first.clone() })?;
    let werr = |path: &Path, source| ExportError::Write { path: path.to_path_buf(), source };
    std::fs::create_dir_all(dir).map_err(|e| werr(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| werr(&first_path, e))?;
    tmp.write_all(contents.as_bytes()).map_err(|e| werr(&first_path, e))?;
    tmp.as_file().sync_all().map_err(|e| werr(&first_path, e))?;
    for n in 1..=MAX_SUFFIX {
        let name = filename::numbered(stem, n, ext);
        let target = filename::join_inside(dir, &name).ok_or_else(|| ExportError::BadName { name: name.clone() })?;
        match tmp.persist_noclobber(&target) {
            Ok(_) => {
                crate::session::journal::sync_dir(dir);
                return Ok(target);
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(werr(&target, e.error)),
        }
    }
    Err(ExportError::NoFreeName { path: first_path })
}

// ---- shared pieces of the text and Markdown renderings ----

/// `2026-11-25 18:07:02 UTC (19:07:02 +01:00 local)`; the local date is shown when it differs.
pub(crate) fn both_times(s: &Session, t: DateTime<Utc>) -> String {
    let offset = s.local_offset();
    let utc = t.format("%Y-%m-%d %H:%M:%S UTC");
    // Checked: a date at the edge of the calendar has no local time (files are not trusted).
    let Some(local) = t.naive_utc().checked_add_signed(chrono::Duration::seconds(offset.local_minus_utc().into()))
    else {
        return utc.to_string();
    };
    if local.date() == t.date_naive() {
        format!("{utc} ({} {offset} local)", local.format("%H:%M:%S"))
    } else {
        format!("{utc} ({} {offset} local)", local.format("%Y-%m-%d %H:%M:%S"))
    }
}

/// `18:07:02` (UTC) on the session's start day, else `2026-11-26 18:07:02`.
pub(crate) fn short_time(s: &Session, t: DateTime<Utc>) -> String {
    if t.date_naive() == s.started_at.date_naive() {
        t.format("%H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// `1 h 04 min 12 s`, `4 min 12 s`, `12 s`.
pub(crate) fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min {s:02} s")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// `escalated`, `resolved on the call`, …
pub(crate) fn status_words(s: &Session) -> String {
    match s.status {
        crate::session::Status::Open => format!("open (waiting at {})", s.walk.position.node()),
        crate::session::Status::Classified if all_steps_done(s) => "classified; remediation done".into(),
        crate::session::Status::Classified => "classified".into(),
        crate::session::Status::Escalated if tier2(s) => "with tier 2".into(),
        crate::session::Status::Escalated => "escalated to tier 2".into(),
        crate::session::Status::Resolved => "resolved on the call".into(),
    }
}

/// What a path entry asked, for people: the fact for questions, the node for steps and routes.
pub(crate) fn path_label(p: &PathEntry) -> String {
    match p.kind {
        StepKind::Question => p.fact.clone().unwrap_or_default(),
        StepKind::Step => format!("step {}", p.node.node),
        StepKind::Route => format!("route {}", p.node.node),
    }
}

/// A fact's value as a ticket reads it: typed text the runbooks don't know is marked
/// "(not recognised)" (see [`RunbookSet::unrecognised`]).
pub(crate) fn value_words(set: Option<&RunbookSet>, key: &str, value: &str) -> String {
    if set.is_some_and(|set| set.unrecognised(key, value)) {
        format!("{value} (not recognised)")
    } else {
        value.to_string()
    }
}

/// `asked`, `facts-file via tier-1 session X`.
pub(crate) fn provenance_words(p: crate::engine::Provenance, via: Option<&str>) -> String {
    match via {
        Some(v) => format!("{} ({})", p.as_str(), v),
        None => p.as_str().to_string(),
    }
}

/// The remediation steps with their done state: (number, text, source, done at).
pub(crate) fn remediation(s: &Session) -> Vec<(usize, &str, &str, Option<DateTime<Utc>>)> {
    let Some(o) = &s.outcome else { return Vec::new() };
    let same = s.checklist.outcome.as_ref() == Some(&o.node);
    o.remediation
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let done = if same { s.checklist.done.get(i).copied().flatten() } else { None };
            (i + 1, m.text.as_str(), m.source.as_str(), done)
        })
        .collect()
}

/// The session's title line.
pub(crate) fn heading(s: &Session) -> String {
    match &s.ticket {
        Some(t) if !t.trim().is_empty() => format!("Passkey triage: {t}"),
        _ => format!("Passkey triage: session {}", s.id),
    }
}

/// The path as a ticket reads it: the questions asked and the steps tried, numbered from 1.
/// Route decisions are the runbooks' bookkeeping: they stay in the JSON package and in
/// [`why_rows`].
pub(crate) fn path_rows(s: &Session) -> impl Iterator<Item = (usize, &PathEntry)> {
    crate::engine::questions_and_steps(&s.walk.path).enumerate().map(|(i, p)| (i + 1, p))
}

/// Answers put to someone on this call that the final path doesn't read: asked ahead of the tree
/// and made moot by a later answer, or kept from a phase the agent changed. The question path
/// lists only what the final walk read; these are still part of the call (its question count
/// includes them), so the notes list them apart. In the order they were asked.
pub(crate) fn asked_off_path(s: &Session) -> Vec<(&str, &crate::engine::FactEntry)> {
    let on_path = |k: &str| s.walk.path.iter().any(|p| p.fact.as_deref() == Some(k));
    let mut asked: Vec<(&str, &crate::engine::FactEntry)> = s
        .walk
        .facts
        .iter()
        .filter(|(k, f)| f.provenance == Provenance::Asked && f.via.is_none() && !on_path(k))
        .map(|(k, f)| (k.as_str(), f))
        .collect();
    asked.sort_by_key(|(k, f)| (f.at, *k));
    asked
}

/// Steps tried on the call whose result is kept but which the final path no longer passes (an
/// answer changed after them, or tier 2 continued elsewhere): what the caller already tried
/// stays in the notes. `(node, result, step title when the runbooks know it)`.
pub(crate) fn tried_off_path<'a>(s: &'a Session, set: Option<&RunbookSet>) -> Vec<(&'a str, &'a str, String)> {
    // Results still held, and those `back` took over (kept to re-apply if the walk passes the
    // step again): a step key is `runbook#node`, a fact key has no `#`.
    let here = s.walk.position.node().to_string();
    let taken_back = s
        .walk
        .previous_entries
        .iter()
        .filter(|(k, _)| k.contains('#') && **k != here && !s.walk.step_results.contains_key(*k));
    s.walk
        .step_results
        .iter()
        .chain(taken_back)
        .filter(|(node, _)| !s.walk.path.iter().any(|p| p.kind == StepKind::Step && p.node.to_string() == **node))
        .map(|(node, result)| {
            let title = set
                .and_then(|set| {
                    let r = crate::runbook::NodeRef::parse(node)?;
                    match set.node(&r)? {
                        crate::runbook::model::Node::Step(st) => Some(st.title.clone()),
                        _ => None,
                    }
                })
                .unwrap_or_default();
            (node.as_str(), result.value.as_str(), title)
        })
        .collect()
}

/// The route decisions where a rule matched (a route that fell through to `otherwise` decided
/// nothing worth reading): why the walk went where it did.
pub(crate) fn why_rows(s: &Session) -> impl Iterator<Item = &PathEntry> {
    s.walk.path.iter().filter(|p| p.kind == StepKind::Route && p.answer != "otherwise")
}

/// Is this tier 2 continuing an escalation package (`open`)? Then an escalating outcome is
/// already where it was sent.
pub(crate) fn tier2(s: &Session) -> bool {
    s.continued_from.is_some() && s.walk.options.role == crate::engine::Role::Tier2
}

/// Are there remediation steps, all ticked done?
fn all_steps_done(s: &Session) -> bool {
    let steps = remediation(s);
    !steps.is_empty() && steps.iter().all(|(_, _, _, done)| done.is_some())
}

/// The step tried on the call that fixed it (its result `fixed` or `worked`), if any.
fn fixing_step(s: &Session) -> Option<&PathEntry> {
    s.walk.path.iter().rev().find(|p| {
        p.kind == StepKind::Step && matches!(p.answer.as_str(), "fixed" | "worked") && !p.provenance.is_placeholder()
    })
}

/// The "Resolved" line: what the step results and the ticked remediation steps say, not only
/// the outcome's flag (an agent who ticked every step has not left the user unresolved).
pub(crate) fn resolution(s: &Session) -> String {
    let Some(o) = &s.outcome else { return "no: the call is still open".into() };
    let steps = remediation(s);
    let total = steps.len();
    let done: Vec<DateTime<Utc>> = steps.iter().filter_map(|(_, _, _, d)| *d).collect();
    let ticked = match done.iter().max().map(|t| short_time(s, *t)) {
        Some(t) if done.len() == total && total == 1 => format!("remediation done at {t} UTC"),
        Some(t) if done.len() == total => format!("all {total} remediation steps done (the last at {t} UTC)"),
        Some(t) => format!("{} of {total} remediation steps done (the last at {t} UTC)", done.len()),
        None if total > 0 => "remediation not done".into(),
        None => String::new(),
    };
    let with = |head: &str| if ticked.is_empty() { head.to_string() } else { format!("{head}; {ticked}") };
    if o.resolved_on_call {
        let how = fixing_step(s).map_or(String::new(), |p| {
            format!(" (step {} = {} at {} UTC)", p.node.node, p.answer, short_time(s, p.at))
        });
        // The steps left unticked are what would have been done had the fix not worked.
        let head = format!("yes: resolved on the call{how}");
        return if done.is_empty() { head } else { with(&head) };
    }
    if o.escalate && tier2(s) {
        return with("no: tier 2 settles the open checks, then the remediation");
    }
    if o.escalate {
        return with("no: escalated to tier 2");
    }
    match done.len() {
        0 if total > 0 => with("not yet"),
        0 => "no".into(),
        n if n == total => format!("yes: {ticked}"),
        _ => with("in progress"),
    }
}
