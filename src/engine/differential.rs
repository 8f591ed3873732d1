//! The differential (contract §7): for each question on the path answered `unknown`, every other
//! value of its fact that, all else unchanged, would end in a different class. It is what tier 2
//! checks first, and the open checks an escalation lists. Ranked most likely first (contract §9.5).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{FactEntry, Position, Provenance, Role, StepKind, Walk, WalkOptions};
use crate::runbook::model::Node;
use crate::runbook::{NodeRef, RunbookSet};
use crate::vocab::{Audience, FactType, UNKNOWN};

/// One answer that would change the class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Alternative {
    pub fact: String,
    pub value: String,
    pub class: String,
    /// `runbook#node`.
    pub outcome: String,
}

/// The differential of a finished walk (empty while it is not at an outcome).
pub fn differential(set: &RunbookSet, walk: &Walk) -> Vec<Alternative> {
    let Some((_, here)) = walk.outcome(set) else { return Vec::new() };
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for p in &walk.path {
        let Some(fact) = p.fact.as_deref() else { continue };
        if p.kind != StepKind::Question || p.answer != UNKNOWN || p.provenance == Provenance::Derived {
            continue;
        }
        if seen.contains(&fact) {
            continue;
        }
        seen.push(fact);
        for value in candidate_values(set, walk, &p.node, fact) {
            if let Some((outcome, class)) = what_if(set, walk, fact, &value)
                && class != here.class
            {
                out.push(Alternative { fact: fact.to_string(), value, class, outcome: outcome.to_string() });
            }
        }
    }
    rank(set, &mut out);
    out
}

/// Most likely first (contract §9.5): by the prior of the outcome each entry leads to, then by
/// who can check it (caller, agent, admin); otherwise in the order the walk met them.
fn rank(set: &RunbookSet, alternatives: &mut [Alternative]) {
    let prior = |a: &Alternative| NodeRef::parse(&a.outcome).map_or(1.0, |r| set.prior(&r));
    let audience = |a: &Alternative| Audience::ALL.iter().position(|x| *x == set.vocab.audience(&a.fact)).unwrap_or(0);
    alternatives.sort_by(|a, b| {
        prior(b).partial_cmp(&prior(a)).unwrap_or(std::cmp::Ordering::Equal).then(audience(a).cmp(&audience(b)))
    });
}

/// The differential grouped by who can check each fact, in the order caller, agent, admin.
pub fn by_audience<'a>(set: &RunbookSet, alternatives: &'a [Alternative]) -> Vec<(Audience, Vec<&'a Alternative>)> {
    Audience::ALL
        .iter()
        .map(|a| (*a, alternatives.iter().filter(|x| set.vocab.audience(&x.fact) == *a).collect::<Vec<_>>()))
        .filter(|(_, xs)| !xs.is_empty())
        .collect()
}

/// The values worth trying for a fact: its enumerated values, then the question's own options
/// that fit the call (no Android WebView code on an iPhone call).
fn candidate_values(set: &RunbookSet, walk: &Walk, question: &NodeRef, fact: &str) -> Vec<String> {
    let mut values: Vec<String> = match set.vocab.fact(fact).map(|d| &d.ty) {
        Some(FactType::Enum(vs)) => vs.clone(),
        _ => Vec::new(),
    };
    if let Some(Node::Question(q)) = set.node(question) {
        let lookup = walk.lookup();
        let fits = |o: &crate::runbook::model::Choice| {
            o.when.as_ref().is_none_or(|w| super::condition::eval(w, &lookup, &set.matrix))
        };
        for o in q.options.iter().filter(|o| fits(o)) {
            if !values.contains(&o.value) {
                values.push(o.value.clone());
            }
        }
    }
    values.retain(|v| v != UNKNOWN);
    values
}

/// Where the walk would end with `fact = value` and everything else as it is.
fn what_if(set: &RunbookSet, walk: &Walk, fact: &str, value: &str) -> Option<(NodeRef, String)> {
    // The facts as given: a derived value gives way to what it set aside (a "can't tell", or a
    // given value a definition replaced), and is derived again on the imagined walk.
    let mut facts: BTreeMap<String, FactEntry> = walk
        .facts
        .iter()
        .filter_map(|(k, f)| match f.provenance {
            Provenance::Derived => walk.shadowed.get(k).map(|under| (k.clone(), under.clone())),
            _ => Some((k.clone(), f.clone())),
        })
        .collect();
    let at = walk.path.first().map(|p| p.at).unwrap_or_default();
    facts
        .insert(fact.to_string(), FactEntry { value: value.to_string(), provenance: Provenance::Asked, at, via: None });
    let mut imagined = Walk {
        facts,
        step_results: walk.step_results.clone(),
        path: Vec::new(),
        position: Position::Waiting { node: set.entry()? },
        previous_answers: BTreeMap::new(),
        previous_entries: BTreeMap::new(),
        options: WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: true },
        resume: None,
        derived: Default::default(),
        shadowed: Default::default(),
        answered: Vec::new(),
        asked_order: Vec::new(),
        rewalked: false,
        probe: false,
        settling: false,
    };
    imagined.advance(set, at).ok()?;
    let (r, o) = imagined.outcome(set)?;
    Some((r.clone(), o.class.clone()))
}
