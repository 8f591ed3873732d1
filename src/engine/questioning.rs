//! Questioning (contract §6, §9.4): what can still change the outcome from where
//! classification stopped. Classification (the tree on the facts) lives in
//! [`super::Walk::advance`]; this module only looks ahead.
//!
//! From the node where the walk is blocked, the walk is imagined forward (as in [`super::reach`],
//! but remembering only what the walk itself can't ask): the outcomes it can still reach form the
//! *reachable set*. When it holds one outcome node, the fact the walk needs is not asked.
//!
//! The next question is the tree's own: the question the walk stands at, or the first fact a
//! route reads that nobody has given (asked with the first question in the runbooks that asks
//! it). Choosing among the open facts by expected narrowing per effort (§9.2) is not built: on
//! the built-in library it made calls no shorter and cost 15 ms a step (docs/designed-for-later.md).
//!
//! **Soundness.** The imagined walk never loses an outcome the real walk can reach: a fact that
//! may still be asked is open (any value, `unknown` included), and a rule's `set` is imagined
//! only for facts nobody can ask (those are bound on the imagined path as the real walk binds
//! them: `unknown` where first read). So "one outcome left" is safe to act on.
//! Only what the walk can't ask is remembered per path, so the search visits each node a few
//! times, not once per combination of answers.

use std::collections::{HashMap, HashSet};

use super::Walk;
use super::condition::{eval3, facts_read};
use crate::runbook::model::{Node, Question};
use crate::runbook::{NodeRef, RunbookSet};
use crate::vocab::{Audience, FactType, UNKNOWN};

/// How many nodes one imagined walk may visit before it gives up (then nothing is skipped and
/// the tree's own next question is asked: the safe side).
const BUDGET: usize = 50_000;

/// How common an outcome is, relative to others (contract §9.3): [`RunbookSet::prior`].
pub fn prior(set: &RunbookSet, outcome: &NodeRef) -> f64 {
    set.prior(outcome)
}

/// The first question node asking each fact, in runbook order.
pub fn question_nodes(set: &RunbookSet) -> HashMap<&str, (NodeRef, &Question)> {
    let mut out: HashMap<&str, (NodeRef, &Question)> = HashMap::new();
    for (r, n) in set.nodes() {
        if let Node::Question(q) = n {
            out.entry(q.fact.as_str()).or_insert((r, q));
        }
    }
    out
}

/// Can this role ask this fact at all? (A question exists for it, and tier 1 doesn't ask admins'.)
fn askable(set: &RunbookSet, walk: &Walk, questions: &HashMap<&str, (NodeRef, &Question)>, fact: &str) -> bool {
    questions
        .get(fact)
        .is_some_and(|(_, q)| walk.options.role == super::Role::Tier2 || q.audience(&set.vocab) != Audience::Admin)
}

/// The outcomes still reachable from `from` (a superset of those the real walk can reach), or
/// `None` when the look-ahead gave up.
pub fn reachable(set: &RunbookSet, walk: &Walk, from: &NodeRef) -> Option<Vec<NodeRef>> {
    let questions = question_nodes(set);
    Lookahead { set, walk, questions: &questions }.explore(from)
}

/// What an imagined path has bound: facts nobody can ask (`unknown` where first read) and
/// what rules `set` for them. Sorted by key, so equal bindings compare equal.
type Bound = Vec<(String, String)>;

struct Lookahead<'a> {
    set: &'a RunbookSet,
    walk: &'a Walk,
    questions: &'a HashMap<&'a str, (NodeRef, &'a Question)>,
}

impl Lookahead<'_> {
    fn askable(&self, fact: &str) -> bool {
        askable(self.set, self.walk, self.questions, fact)
    }

    /// A fact's value on an imagined path: bound there, the walk's, else open.
    fn value(&self, bound: &Bound, key: &str) -> Option<String> {
        if let Some((_, v)) = bound.iter().find(|(k, _)| k == key) {
            return Some(v.clone());
        }
        self.walk.facts.get(key).map(|f| f.value.clone())
    }

    /// Binds facts nobody can ask to `unknown` where they are read, as the real walk does.
    fn bind_unaskable<'k>(&self, bound: &mut Bound, keys: impl IntoIterator<Item = &'k str>) {
        for k in keys {
            if self.value(bound, k).is_none() && !self.askable(k) {
                let at = bound.partition_point(|(b, _)| b.as_str() < k);
                bound.insert(at, (k.to_string(), UNKNOWN.to_string()));
            }
        }
    }

    /// Every outcome node reachable from `from`, in the order first met.
    fn explore(&self, from: &NodeRef) -> Option<Vec<NodeRef>> {
        let mut outcomes: Vec<NodeRef> = Vec::new();
        let mut seen: HashSet<(NodeRef, Bound)> = HashSet::new();
        let mut stack: Vec<(NodeRef, Bound)> = vec![(from.clone(), Bound::new())];
        let mut visits = 0usize;
        while let Some((here, mut bound)) = stack.pop() {
            visits += 1;
            if visits > BUDGET {
                return None;
            }
            if seen.contains(&(here.clone(), bound.clone())) {
                continue;
            }
            seen.insert((here.clone(), bound.clone()));
            let node = self.set.node(&here)?;
            let go = |next: &str| NodeRef::resolve(&here.runbook, next);
            match node {
                Node::Outcome(_) => {
                    if !outcomes.contains(&here) {
                        outcomes.push(here.clone());
                    }
                }
                Node::Question(q) => {
                    self.bind_unaskable(&mut bound, [q.fact.as_str()]);
                    match self.value(&bound, &q.fact) {
                        Some(v) => stack.push((go(&super::question_next(self.set, q, &v)?), bound)),
                        None => {
                            let typed = matches!(
                                self.set.vocab.fact(&q.fact).map(|d| &d.ty),
                                Some(FactType::Version | FactType::Text)
                            );
                            if typed && let Some(e) = &q.entry {
                                stack.push((go(&e.next), bound.clone()));
                            }
                            for o in q.options.iter().rev() {
                                stack.push((go(&o.next), bound.clone()));
                            }
                        }
                    }
                }
                Node::Step(s) => {
                    let done = self.walk.step_results.get(&here.to_string()).map(|r| r.value.as_str());
                    match done.or(self.walk.options.skip_steps.then_some(UNKNOWN)) {
                        Some(result) => {
                            let o = s
                                .options
                                .iter()
                                .find(|o| o.value == result)
                                .or_else(|| s.options.iter().find(|o| o.value == UNKNOWN))?;
                            stack.push((go(&o.next), bound));
                        }
                        None => {
                            for o in s.options.iter().rev() {
                                stack.push((go(&o.next), bound.clone()));
                            }
                        }
                    }
                }
                Node::Route(r) => {
                    let mut decided = false;
                    let mut branches: Vec<(NodeRef, Bound)> = Vec::new();
                    for rule in &r.rules {
                        let mut read = Vec::new();
                        facts_read(&rule.when, &self.set.matrix, &mut read);
                        self.bind_unaskable(&mut bound, read.iter().copied());
                        let lookup = |k: &str| self.value(&bound, k);
                        let verdict = eval3(&rule.when, &lookup, &self.set.matrix);
                        if verdict == Some(false) {
                            continue;
                        }
                        let mut b = bound.clone();
                        for (k, v) in &rule.set {
                            if self.value(&b, k).is_none() && !self.askable(k) && self.set.vocab.check(k, v).is_ok() {
                                let at = b.partition_point(|(x, _)| x < k);
                                b.insert(at, (k.clone(), v.clone()));
                            }
                        }
                        branches.push((go(&rule.next), b));
                        if verdict == Some(true) {
                            decided = true;
                            break;
                        }
                    }
                    if !decided {
                        branches.push((go(&r.otherwise), bound));
                    }
                    stack.extend(branches.into_iter().rev());
                }
            }
        }
        Some(outcomes)
    }
}
