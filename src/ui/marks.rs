//! Where a fact or answer came from, as the screens mark it: a symbol and a word, both always
//! shown (the side panel, the "why" list, help's legend).

use crate::engine::{PathEntry, Provenance, StepKind, Walk};

/// Symbol and word for a provenance.
pub fn mark(p: Provenance) -> (&'static str, &'static str) {
    match p {
        Provenance::Asked => ("●", "asked"),
        Provenance::FactsFile => ("≡", "file"),
        Provenance::Derived => ("⇒", "derived"),
        Provenance::AssumedUnknown => ("?", "assumed"),
        Provenance::Imported => ("↓", "imported"),
        Provenance::Deferred => ("⏸", "deferred"),
        Provenance::Skipped => ("⤼", "skipped"),
    }
}

/// The legend, for help.
pub const LEGEND: &str = "● asked on this call · ≡ from the facts file · ⇒ derived by a rule or a search jump · ? assumed unknown · ↓ imported · ⏸ deferred (an admin check, for tier 2) · ⤼ skipped (no answer could change the outcome) · T1 brought by the tier-1 session of an escalation package (← can still change it)";

/// The mark of a fact (or answer) that came from the tier-1 session.
pub const TIER1: &str = "T1";

/// Did this answer on the path come from the tier-1 session (and still stand)?
pub fn from_tier1(walk: &Walk, p: &PathEntry) -> bool {
    let entry = match p.kind {
        StepKind::Question => p.fact.as_ref().and_then(|f| walk.facts.get(f)),
        StepKind::Step => walk.step_results.get(&p.node.to_string()),
        StepKind::Route => None,
    };
    entry.is_some_and(|e| e.via.is_some() && e.value == p.answer)
}
