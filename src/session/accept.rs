//! A walk read from a file (a saved session resumed, an escalation package opened) is outside
//! input: anything the runbooks in force don't accept is dropped, with a warning, before the
//! engine, the screen or an export sees it. The same rules for both ways in.

use chrono::{DateTime, Utc};

use crate::engine::{EngineError, Walk, WalkOptions};
use crate::runbook::model::Node;
use crate::runbook::{NodeRef, RunbookSet};

/// What [`accept_walk`] found.
#[derive(Debug, Default)]
pub struct Accepted {
    /// One line for each thing dropped (sanitised when shown).
    pub warnings: Vec<String>,
    /// The facts it dropped (a fact the path may have read).
    pub facts_dropped: usize,
    /// Every node the walk names (path, position, where the tree stood) is in the runbooks.
    pub path_fits: bool,
}

/// A step's key (`runbook#node`) and result the runbooks accept: a step node with that option.
fn step_result_ok(set: &RunbookSet, key: &str, value: &str) -> Result<(), String> {
    let Some((runbook, node)) = key.split_once('#') else {
        return Err(format!("`{key}` is not a step of these runbooks"));
    };
    match set.node(&NodeRef::new(runbook, node)) {
        Some(Node::Step(s)) if s.options.iter().any(|o| o.value == value) => Ok(()),
        Some(Node::Step(_)) => Err(format!("`{key}`: `{value}` is not one of the step's results")),
        _ => Err(format!("`{key}` is not a step of these runbooks")),
    }
}

/// An answer kept under a fact's key or a step's key (`previous_answers`, `previous_entries`).
fn answer_ok(set: &RunbookSet, key: &str, value: &str) -> Result<(), String> {
    if key.contains('#') {
        step_result_ok(set, key, value)
    } else {
        set.vocab.check(key, value).map_err(|e| e.to_string())
    }
}

/// Neutralises what the answers in `walk` hold that a terminal, a ticket or a bidi-aware reader
/// would act on (control characters, escapes, bidi overrides): free text stays what the caller
/// said, on one line. True when anything changed.
pub fn neutralise_walk(walk: &mut Walk) -> bool {
    let mut changed = false;
    let mut clean = |v: &mut String| {
        let line = crate::text::sanitize_line(v);
        if line != *v {
            *v = line;
            changed = true;
        }
    };
    walk.facts
        .values_mut()
        .chain(walk.shadowed.values_mut())
        .chain(walk.previous_entries.values_mut())
        .chain(walk.step_results.values_mut())
        .for_each(|f| clean(&mut f.value));
    walk.previous_answers.values_mut().for_each(&mut clean);
    walk.path.iter_mut().for_each(|p| clean(&mut p.answer));
    changed
}

/// Drops from `walk` what `set` doesn't accept (after [`neutralise_walk`]; an enumerated value
/// it changed is then refused): facts (and answers kept aside or taken back)
/// whose key or value the vocabulary refuses, step results for steps that aren't there, derived
/// and answered marks for facts that are gone, and where the tree stood if that node is gone.
pub fn accept_walk(walk: &mut Walk, set: &RunbookSet) -> Accepted {
    let mut out = Accepted::default();
    if neutralise_walk(walk) {
        out.warnings.push("control characters in answers were neutralised".to_string());
    }
    let before = walk.facts.len();
    // One short line each, whatever a forged key or value holds.
    let mut warn =
        |what: &str, e: String| out.warnings.push(crate::text::clip_middle(&format!("{what} dropped: {e}"), 240));
    walk.facts.retain(|k, f| set.vocab.check(k, &f.value).map_err(|e| warn("fact", e.to_string())).is_ok());
    walk.shadowed
        .retain(|k, f| set.vocab.check(k, &f.value).map_err(|e| warn("answer set aside", e.to_string())).is_ok());
    walk.step_results.retain(|k, f| step_result_ok(set, k, &f.value).map_err(|e| warn("step result", e)).is_ok());
    walk.previous_answers.retain(|k, v| answer_ok(set, k, v).map_err(|e| warn("earlier answer", e)).is_ok());
    walk.previous_entries.retain(|k, f| answer_ok(set, k, &f.value).map_err(|e| warn("earlier answer", e)).is_ok());
    out.facts_dropped = before - walk.facts.len();
    walk.derived.retain(|k| walk.facts.contains_key(k));
    walk.answered
        .retain(|k| walk.facts.contains_key(k) || walk.shadowed.contains_key(k) || walk.step_results.contains_key(k));
    // Where the tree stood is a question, step or route, never an outcome.
    let resume_fits =
        walk.resume.as_ref().is_none_or(|n| matches!(set.node(n), Some(n) if !matches!(n, Node::Outcome(_))));
    if !resume_fits {
        walk.resume = None;
    }
    // The position is of its kind (a finished walk stands at an outcome, a waiting one at a
    // question or step), and each question on the path is the node's own fact with the answer
    // the facts hold: otherwise the path is not this walk's and is walked again from the facts.
    let position_fits = matches!(
        (&walk.position, set.node(walk.position.node())),
        (crate::engine::Position::Finished { .. }, Some(Node::Outcome(_)))
            | (crate::engine::Position::Waiting { .. }, Some(Node::Question(_) | Node::Step(_)))
    );
    let entry_fits = |p: &crate::engine::PathEntry| match (set.node(&p.node), p.kind) {
        (None, _) => false,
        (Some(Node::Question(q)), crate::engine::StepKind::Question) => {
            p.fact.as_deref() == Some(q.fact.as_str()) && walk.facts.get(&q.fact).is_some_and(|f| f.value == p.answer)
        }
        (Some(Node::Question(_)), _) => false,
        (Some(Node::Step(_)), kind) => kind == crate::engine::StepKind::Step,
        (Some(Node::Route(_)), kind) => kind == crate::engine::StepKind::Route,
        (Some(Node::Outcome(_)), _) => false,
    };
    out.path_fits = resume_fits && position_fits && walk.path.iter().all(entry_fits);
    if out.path_fits && !outcome_follows(walk, set) {
        out.warnings.push("its outcome is not where its facts lead".to_string());
        out.path_fits = false;
    }
    out
}

/// Does a finished walk end where its facts lead? Walked again from the entry on the same facts
/// (the answers derivations set aside back in place; what was deferred or skipped still
/// `unknown`) and the same step results: a forged outcome at another real node fails here. A
/// walk still waiting is checked by its path alone.
fn outcome_follows(walk: &Walk, set: &RunbookSet) -> bool {
    let crate::engine::Position::Finished { node } = &walk.position else { return true };
    let Some(entry) = set.entry() else { return false };
    let mut again = walk.clone();
    again.facts.retain(|k, _| !walk.derived.contains(k));
    again.facts.extend(walk.shadowed.iter().map(|(k, f)| (k.clone(), f.clone())));
    again.derived.clear();
    again.shadowed.clear();
    again.path.clear();
    again.resume = None;
    again.position = crate::engine::Position::Waiting { node: entry };
    again.options.assume_unknown = true;
    again.advance(set, DateTime::<Utc>::UNIX_EPOCH).is_ok()
        && again.position == (crate::engine::Position::Finished { node: node.clone() })
}

/// Walks again from the entry on `walk`'s facts (not its placeholders), keeping each fact's time
/// and origin: for a walk whose path doesn't fit the runbooks in force.
pub fn replay(walk: &Walk, set: &RunbookSet, options: WalkOptions, now: DateTime<Utc>) -> Result<Walk, EngineError> {
    let prefill: Vec<_> = walk
        .facts
        .iter()
        .filter(|(k, f)| !f.provenance.is_placeholder() && !walk.derived.contains(*k))
        .map(|(k, f)| (k.clone(), f.value.clone(), f.provenance))
        .collect();
    let mut again = Walk::start(set, prefill, options, now)?;
    for (k, f) in &walk.facts {
        if let Some(w) = again.facts.get_mut(k) {
            w.at = f.at;
            w.via = f.via.clone();
        }
    }
    Ok(again)
}
