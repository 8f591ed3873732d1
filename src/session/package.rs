//! Escalation packages: a session exported as JSON (`export --format json`) that tier 2 opens to
//! continue where tier 1 stopped. The package is read, checked against the runbooks in force, and
//! turned into a NEW session that links to the original (`continued_from`).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::journal::{CorruptFile, read_session};
use super::{CallInfo, Session};
use crate::engine::{Role, Walk, WalkOptions};
use crate::runbook::RunbookSet;

/// Why a package could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{0}")]
    Unreadable(CorruptFile),
    #[error("{}: {message}", path.display())]
    Unusable { path: std::path::PathBuf, message: String },
}

/// A package opened as a new session.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The new session (not yet journaled: call `Journal::save`).
    pub session: Session,
    /// The tier-1 session as it was in the package.
    pub original: Session,
    /// Things tier 2 should know (runbooks changed, facts dropped, ...), one line each.
    pub warnings: Vec<String>,
}

/// `via` for facts that came from the package.
pub fn via_label(original_id: &str) -> String {
    format!("tier-1 session {original_id}")
}

/// Reads the package at `path` and continues it as a new session with id `new_id`.
///
/// Facts keep their provenance, time and any earlier `via`, and get `via = "tier-1 session <id>"`
/// otherwise; the notes and checklist carry over; the path is kept step for step (with its
/// times), so tier 2 can go back to any question. `call.agent` is the tier-2 agent (the package's
/// ticket and user are kept unless `call` gives others).
pub fn open_package(
    path: &Path,
    set: &RunbookSet,
    now: DateTime<Utc>,
    utc_offset_minutes: i32,
    new_id: String,
    call: CallInfo,
) -> Result<Opened, PackageError> {
    let original = read_session(path).map_err(PackageError::Unreadable)?;
    let (session, warnings) = continue_session(&original, set, now, utc_offset_minutes, new_id, call)
        .map_err(|message| PackageError::Unusable { path: path.to_path_buf(), message })?;
    Ok(Opened { session, original, warnings })
}

/// The same as [`open_package`] for a package already in memory.
pub fn continue_session(
    original: &Session,
    set: &RunbookSet,
    now: DateTime<Utc>,
    utc_offset_minutes: i32,
    new_id: String,
    call: CallInfo,
) -> Result<(Session, Vec<String>), String> {
    let mut warnings = Vec::new();
    let via = via_label(&original.id);
    let current_hash = set.content_hash();
    if original.runbooks.hash != current_hash {
        warnings.push(format!(
            "the package was made with runbook set {} and these runbooks are {current_hash}; the path is checked against them",
            original.runbooks.hash
        ));
    }
    if original.redacted {
        warnings.push("the package is redacted: user names, emails, IPs and device names are masked".to_string());
    }

    // What the runbooks in force accept, with provenance kept and `via` added to facts.
    let mut accepted_walk = original.walk.clone();
    let accepted = super::accept::accept_walk(&mut accepted_walk, set);
    warnings.extend(accepted.warnings.iter().cloned());
    let mut facts = accepted_walk.facts.clone();
    for f in facts.values_mut() {
        if f.via.is_none() {
            f.via = Some(via.clone());
        }
    }
    let mut step_results = accepted_walk.step_results.clone();
    for f in step_results.values_mut() {
        if f.via.is_none() {
            f.via = Some(via.clone());
        }
    }

    let path_ok = accepted.facts_dropped == 0 && accepted.path_fits;
    // Tier 2 answers on screen: no assumed `unknown`s or skipped steps from here on (a tier-1
    // `diagnose` run's options would otherwise answer every question tier 2 goes back to).
    // Tier 2 by default (contract §5): `open --role tier1` switches back with `Walk::continue_as`.
    let options = WalkOptions { role: Role::Tier2, ..WalkOptions::default() };
    let has_placeholders = facts.values().any(|f| f.provenance.is_placeholder());
    let walk = if path_ok && has_placeholders {
        // Tier 1 deferred (or skipped) some questions: walk again from the start with every
        // answer kept, so the walk stops at the first open check, asked now.
        let mut walk = Walk { facts, step_results, options, ..accepted_walk };
        walk.continue_as(set, Role::Tier2, now).map_err(|e| format!("cannot continue the path: {e}"))?;
        walk
    } else if path_ok {
        let mut walk = Walk { facts, step_results, options, ..accepted_walk };
        // Facts may now answer the node it waited at (e.g. the runbooks changed): move on.
        if !walk.is_finished() {
            walk.advance(set, now).map_err(|e| format!("cannot continue the path: {e}"))?;
        }
        walk
    } else {
        let why = if accepted.path_fits {
            "facts were dropped (above)"
        } else {
            "the package's path does not fit these runbooks"
        };
        warnings.push(format!("{why}; it was walked again from its facts as tier 2 (path times are now)"));
        let with_via = Walk { facts, ..accepted_walk };
        // As tier 2 answers: nothing assumed, no step taken as "couldn't try" (the tier-1 run's
        // options would answer what tier 2 is there to ask).
        super::accept::replay(&with_via, set, options, now).map_err(|e| format!("cannot replay the package: {e}"))?
    };

    let call = CallInfo {
        ticket: call.ticket.or_else(|| original.ticket.clone()),
        agent: call.agent,
        user: call.user.or_else(|| original.user.clone()),
    };
    let mut session = Session::new(new_id, call, set, walk, now, utc_offset_minutes);
    session.notes = original.notes.clone();
    session.continued_from = Some(original.id.clone());
    session.redacted = original.redacted;
    if session.checklist.outcome == original.checklist.outcome
        && session.checklist.done.len() == original.checklist.done.len()
    {
        session.checklist = original.checklist.clone();
    }
    Ok((session, warnings))
}
