//! Known second faults (contract §9.6): the other documented faults the known facts establish,
//! each one that would be the class once the faults before it are fixed, in precedence order.
//!
//! "Fixed" means the outcome's deciding facts set to their healthy values
//! (`assets/healthy-facts.json`): the facts the path's matched route rules and questions read.
//! The walk itself decides which fault comes next, so the order is the library's precedence.
//! Faults only possible (reached through unknown facts) belong to the differential, not here.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Provenance, Role, StepKind, Walk, WalkOptions};
use crate::runbook::RunbookSet;
use crate::runbook::model::{Condition, Node};
use crate::vocab::UNKNOWN;

/// The healthy-values table, as shipped.
pub static HEALTHY_FACTS: &str = include_str!("../../assets/healthy-facts.json");

/// How many further faults are looked for at most (each is one more walk).
const MOST: usize = 6;

/// Another documented fault that will still block once the outcome's own is fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlsoFault {
    pub class: String,
    /// `runbook#node`.
    pub outcome: String,
    /// The outcome's title, as the runbook says it.
    #[serde(default)]
    pub title: String,
    /// The source its first remediation step cites (what to read), when the runbook declares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<AlsoSource>,
}

/// A source as the runbook declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlsoSource {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Deserialize, Default)]
struct HealthyTable {
    facts: BTreeMap<String, Option<String>>,
    /// Per class, the symptoms it explains: healthy again once it is fixed.
    #[serde(default)]
    consequences: BTreeMap<String, Vec<String>>,
}

fn table() -> &'static HealthyTable {
    static TABLE: OnceLock<HealthyTable> = OnceLock::new();
    TABLE.get_or_init(|| serde_json::from_str::<HealthyTable>(HEALTHY_FACTS).unwrap_or_default())
}

/// Each fault-bearing fact's healthy value (`None`: healthy is "not given", e.g. an error code).
pub fn healthy_values() -> &'static BTreeMap<String, Option<String>> {
    &table().facts
}

/// The symptoms a fault explains (healthy again once it is fixed).
pub fn consequences(class: &str) -> &'static [String] {
    table().consequences.get(class).map_or(&[], Vec::as_slice)
}

/// The value a fact has when it is not the problem; `None` for context facts (no healthy value).
pub fn healthy_value(fact: &str) -> Option<&'static str> {
    healthy_values().get(fact).and_then(|v| v.as_deref())
}

/// The known second faults of a finished walk, in precedence order (empty while not finished).
pub fn also(set: &RunbookSet, walk: &Walk) -> Vec<AlsoFault> {
    let Some((first_ref, first)) = walk.outcome(set) else { return Vec::new() };
    // Nothing found, or fixed on the call (the sign-in works now): nothing else is known to block.
    if first.class == "unclassified" || first.resolved_on_call {
        return Vec::new();
    }
    let at = walk.path.first().map(|p| p.at).unwrap_or_default();
    let mut facts = known_facts(walk);
    let flow = facts.get("flow").cloned();
    let mut seen_classes = vec![first.class.clone()];
    let mut seen_outcomes = vec![first_ref.to_string()];
    let mut current = walk.clone();
    let mut out = Vec::new();
    let mut class = first.class.clone();
    for _ in 0..MOST {
        let mut deciding = deciding_facts(set, &current, &facts);
        for symptom in consequences(&class) {
            if !deciding.contains(symptom) && facts.get(symptom).is_some_and(|v| healthy_value(symptom) != Some(v)) {
                deciding.push(symptom.clone());
            }
        }
        if deciding.is_empty() {
            break;
        }
        for fact in deciding {
            match healthy_values().get(&fact) {
                Some(Some(v)) => {
                    facts.insert(fact, v.clone());
                }
                _ => {
                    facts.remove(&fact);
                }
            }
        }
        let Some(next) = rewalk(set, &facts, at) else { break };
        let Some((r, o)) = next.outcome(set) else { break };
        let outcome = r.to_string();
        if o.class == "unclassified" || o.resolved_on_call || seen_outcomes.contains(&outcome) {
            break;
        }
        // Only a fault the known facts establish: one of its deciding facts is known and not healthy.
        if deciding_facts(set, &next, &facts).is_empty() {
            break;
        }
        seen_outcomes.push(outcome.clone());
        let off_flow = o.class.starts_with("cross-device.") && flow.as_deref().is_some_and(|f| f != "cross-device");
        if !off_flow && !seen_classes.contains(&o.class) {
            seen_classes.push(o.class.clone());
            let source = o.remediation.first().and_then(|step| {
                let rb = set.get(&r.runbook)?;
                let src = rb.runbook.sources.iter().find(|s| s.id == step.source)?;
                Some(AlsoSource { id: src.id.clone(), title: src.title.clone(), url: src.url.clone() })
            });
            out.push(AlsoFault { class: o.class.clone(), outcome, title: o.title.clone(), source });
        }
        class = o.class.clone();
        current = next;
    }
    out
}

/// The facts someone knew (given, asked, imported), without the walk's own placeholders,
/// derivations or `unknown` answers.
fn known_facts(walk: &Walk) -> BTreeMap<String, String> {
    walk.facts
        .iter()
        .filter(|(_, f)| {
            !matches!(
                f.provenance,
                Provenance::Derived | Provenance::AssumedUnknown | Provenance::Deferred | Provenance::Skipped
            ) && f.value != UNKNOWN
        })
        .map(|(k, f)| (k.clone(), f.value.clone()))
        .collect()
}

/// The facts that led a walk to its outcome and are not healthy: those read by the route rules
/// that matched and the questions on the path, known in `facts` with a value other than healthy.
fn deciding_facts(set: &RunbookSet, walk: &Walk, facts: &BTreeMap<String, String>) -> Vec<String> {
    let mut read: Vec<&str> = Vec::new();
    for p in &walk.path {
        match p.kind {
            StepKind::Question => {
                if let Some(f) = p.fact.as_deref()
                    && !read.contains(&f)
                    && branched(set, p, facts)
                {
                    read.push(f);
                }
            }
            StepKind::Route => {
                let Some(Node::Route(route)) = set.node(&p.node) else { continue };
                let Some(rule) = matched_rule(&p.answer).and_then(|i| route.rules.get(i)) else { continue };
                let lookup = |k: &str| facts.get(k).cloned();
                facts_that_hold(&rule.when, &lookup, set, &mut read);
            }
            StepKind::Step => {}
        }
    }
    read.into_iter()
        .filter(|f| healthy_values().contains_key(*f))
        .filter(|f| facts.get(*f).is_some_and(|v| healthy_value(f) != Some(v.as_str())))
        .map(str::to_string)
        .collect()
}

/// Did this question's answer take the walk elsewhere than the healthy answer would have? A
/// question passed whatever its answer (a broker asked on the way) didn't decide the outcome.
fn branched(set: &RunbookSet, p: &super::PathEntry, facts: &BTreeMap<String, String>) -> bool {
    let (Some(Node::Question(q)), Some(fact)) = (set.node(&p.node), p.fact.as_deref()) else { return true };
    let (Some(value), Some(healthy)) = (facts.get(fact), healthy_value(fact)) else { return true };
    let next = |v: &str| q.options.iter().find(|o| o.value == v).map(|o| o.next.as_str());
    match (next(value), next(healthy)) {
        (Some(a), Some(b)) => a != b,
        _ => true,
    }
}

/// The facts of the parts of a matched condition that hold: every part of an `all`, the first
/// part of an `any` that holds (a rule that fires on any of several faults was decided by that
/// one), nothing under a `not` (what a condition rules out isn't a fault).
fn facts_that_hold<'a>(
    cond: &'a Condition,
    facts: &dyn Fn(&str) -> Option<String>,
    set: &'a RunbookSet,
    out: &mut Vec<&'a str>,
) {
    if let Some(f) = cond.fact.as_deref()
        && !out.contains(&f)
    {
        out.push(f);
    }
    if let Some(m) = &cond.matrix {
        for f in set.matrix.facts_read(m.area, m.versions_counted()) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    for c in cond.all.iter().flatten() {
        facts_that_hold(c, facts, set, out);
    }
    if let Some(c) = cond.any.iter().flatten().find(|c| super::condition::eval(c, facts, &set.matrix)) {
        facts_that_hold(c, facts, set, out);
    }
}

/// The index of the rule a route entry records ("rule N: …"), if one matched.
fn matched_rule(answer: &str) -> Option<usize> {
    let n: usize = answer.strip_prefix("rule ")?.split(':').next()?.trim().parse().ok()?;
    n.checked_sub(1)
}

/// The walk over these facts alone, as `diagnose --assume-unknown` at tier 2 would take it.
fn rewalk(set: &RunbookSet, facts: &BTreeMap<String, String>, at: DateTime<Utc>) -> Option<Walk> {
    let prefill = facts.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
    let options = WalkOptions { assume_unknown: true, skip_steps: true, role: Role::Tier2, ask_all: false };
    Walk::start(set, prefill, options, at).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_healthy_table_parses_and_names_only_vocabulary_values() {
        let set = RunbookSet::builtin().expect("built-in set");
        assert!(healthy_values().len() > 20);
        for (fact, value) in healthy_values() {
            if let Some(v) = value {
                assert!(set.vocab.check(fact, v).is_ok(), "{fact} = {v} is not in the vocabulary");
            }
        }
    }

    #[test]
    fn rule_labels_give_their_index() {
        assert_eq!(matched_rule("rule 3: flow = cross-device"), Some(2));
        assert_eq!(matched_rule("otherwise"), None);
    }
}
