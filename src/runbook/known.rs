//! Which facts are known (set, and not `unknown`) on every path from the entry to each node: a
//! must-analysis over the runbook graph, for `lint` to check that an outcome's placeholders
//! always have something to quote.

use std::collections::{BTreeSet, HashMap};

use super::model::{Condition, Node};
use super::{NodeRef, RunbookSet};
use crate::vocab::UNKNOWN;

/// Facts known at each node reachable from the entry. `None` when the graph has a cycle (lint
/// reports that on its own).
pub fn known_at(set: &RunbookSet) -> Option<HashMap<NodeRef, BTreeSet<String>>> {
    let entry = set.entry()?;
    // Reachable nodes and their in-degrees within the reachable part.
    let mut order = vec![entry.clone()];
    let mut seen: HashMap<NodeRef, usize> = HashMap::from([(entry.clone(), 0)]);
    let mut i = 0;
    while i < order.len() {
        let here = order[i].clone();
        i += 1;
        for (next, _) in edges(set, &here) {
            if !seen.contains_key(&next) {
                seen.insert(next.clone(), 0);
                order.push(next.clone());
            }
            *seen.get_mut(&next)? += 1;
        }
    }
    let mut indegree = seen;
    let mut ready = vec![entry.clone()];
    let mut known: HashMap<NodeRef, BTreeSet<String>> = HashMap::from([(entry, BTreeSet::new())]);
    let mut done = 0;
    while let Some(here) = ready.pop() {
        done += 1;
        let have = known.get(&here).cloned().unwrap_or_default();
        for (next, gained) in edges(set, &here) {
            let mut along = have.clone();
            along.extend(gained);
            match known.get_mut(&next) {
                Some(k) => k.retain(|f| along.contains(f)),
                None => {
                    known.insert(next.clone(), along);
                }
            }
            let d = indegree.get_mut(&next)?;
            *d -= 1;
            if *d == 0 {
                ready.push(next);
            }
        }
    }
    (done == order.len()).then_some(known)
}

/// Each way out of a node, with the facts it makes known.
fn edges(set: &RunbookSet, here: &NodeRef) -> Vec<(NodeRef, Vec<String>)> {
    let go = |next: &str| NodeRef::resolve(&here.runbook, next);
    let exists = |r: &NodeRef| set.node(r).is_some();
    let mut out: Vec<(NodeRef, Vec<String>)> = match set.node(here) {
        Some(Node::Question(q)) => {
            let mut v: Vec<(NodeRef, Vec<String>)> = q
                .options
                .iter()
                .map(|o| (go(&o.next), if o.value == UNKNOWN { vec![] } else { vec![q.fact.clone()] }))
                .collect();
            if let Some(e) = &q.entry {
                v.push((go(&e.next), vec![q.fact.clone()]));
            }
            v
        }
        Some(Node::Step(s)) => s.options.iter().map(|o| (go(&o.next), vec![])).collect(),
        Some(Node::Route(r)) => {
            let mut v: Vec<(NodeRef, Vec<String>)> = r
                .rules
                .iter()
                .map(|rule| {
                    let mut facts = required_known(&rule.when);
                    facts.extend(rule.set.keys().cloned());
                    (go(&rule.next), facts)
                })
                .collect();
            v.push((go(&r.otherwise), vec![]));
            v
        }
        _ => Vec::new(),
    };
    out.retain(|(r, _)| exists(r));
    out
}

/// Facts a condition can only hold with known (not unknown).
pub fn required_known(c: &Condition) -> Vec<String> {
    let fact = || c.fact.clone().into_iter().collect::<Vec<_>>();
    if c.equals.as_deref().is_some_and(|v| v != UNKNOWN)
        || c.one_of.as_ref().is_some_and(|vs| !vs.is_empty() && vs.iter().all(|v| v != UNKNOWN))
        || c.known == Some(true)
        || c.version_below.is_some()
        || c.version_at_least.is_some()
    {
        return fact();
    }
    if let Some(all) = &c.all {
        return all.iter().flat_map(required_known).collect();
    }
    Vec::new()
}
