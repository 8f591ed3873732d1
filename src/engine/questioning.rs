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

use std::collections::{BTreeMap, HashMap, HashSet};

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

/// The first question node asking each fact, in runbook order, with its index in that order.
pub fn question_nodes(set: &RunbookSet) -> HashMap<&str, (usize, NodeRef, &Question)> {
    let mut out: HashMap<&str, (usize, NodeRef, &Question)> = HashMap::new();
    for (i, (r, n)) in set.nodes().enumerate() {
        if let Node::Question(q) = n {
            out.entry(q.fact.as_str()).or_insert((i, r, q));
        }
    }
    out
}

/// Can this role ask this fact at all? (A question exists for it, and tier 1 doesn't ask admins'.)
fn askable(set: &RunbookSet, walk: &Walk, questions: &HashMap<&str, (usize, NodeRef, &Question)>, fact: &str) -> bool {
    questions
        .get(fact)
        .is_some_and(|(_, _, q)| walk.options.role == super::Role::Tier2 || q.audience(&set.vocab) != Audience::Admin)
}

/// The outcomes still reachable from `from` (a superset of those the real walk can reach), or
/// `None` when the look-ahead gave up.
pub fn reachable(set: &RunbookSet, walk: &Walk, from: &NodeRef) -> Option<Vec<NodeRef>> {
    let questions = question_nodes(set);
    Lookahead { set, walk, questions: &questions }.explore(from, None).map(|r| r.outcomes)
}

/// What an imagined path has bound: facts nobody can ask (`unknown` where first read) and
/// what rules `set` for them. Sorted by key, so equal bindings compare equal.
type Bound = Vec<(String, String)>;

struct Explored {
    /// Reachable outcome nodes, in the order first met.
    outcomes: Vec<NodeRef>,
    /// Facts the walk may still ask that the imagined walk read, in the order first met.
    open: Vec<String>,
    /// The first question node met for each open fact (asked with its own wording there).
    first_question: BTreeMap<String, NodeRef>,
}

struct Lookahead<'a> {
    set: &'a RunbookSet,
    walk: &'a Walk,
    questions: &'a HashMap<&'a str, (usize, NodeRef, &'a Question)>,
}

/// A hypothetical answer and what the runbooks derive from it.
struct Hypothesis<'h> {
    fact: &'h str,
    value: &'h str,
    derived: Vec<(String, String)>,
}

impl Lookahead<'_> {
    fn askable(&self, fact: &str) -> bool {
        askable(self.set, self.walk, self.questions, fact)
    }

    /// A fact's value on an imagined path: bound there, the hypothesis, the walk's, else open.
    fn value(&self, bound: &Bound, hyp: Option<&Hypothesis>, key: &str) -> Option<String> {
        if let Some((_, v)) = bound.iter().find(|(k, _)| k == key) {
            return Some(v.clone());
        }
        if let Some(h) = hyp {
            if h.fact == key {
                return Some(h.value.to_string());
            }
            if let Some((_, v)) = h.derived.iter().find(|(k, _)| k == key) {
                return Some(v.clone());
            }
        }
        self.walk.facts.get(key).map(|f| f.value.clone())
    }

    /// Binds facts nobody can ask to `unknown` where they are read, as the real walk does.
    fn bind_unaskable<'k>(&self, bound: &mut Bound, hyp: Option<&Hypothesis>, keys: impl IntoIterator<Item = &'k str>) {
        for k in keys {
            if self.value(bound, hyp, k).is_none() && !self.askable(k) {
                let at = bound.partition_point(|(b, _)| b.as_str() < k);
                bound.insert(at, (k.to_string(), UNKNOWN.to_string()));
            }
        }
    }

    fn explore(&self, from: &NodeRef, hyp: Option<&Hypothesis>) -> Option<Explored> {
        let mut out = Explored { outcomes: Vec::new(), open: Vec::new(), first_question: BTreeMap::new() };
        let mut open_seen: HashSet<String> = HashSet::new();
        let mut note_open = |out: &mut Explored, fact: &str, question: Option<&NodeRef>| {
            if open_seen.insert(fact.to_string()) {
                out.open.push(fact.to_string());
            }
            if let Some(q) = question {
                out.first_question.entry(fact.to_string()).or_insert_with(|| q.clone());
            }
        };
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
                    if !out.outcomes.contains(&here) {
                        out.outcomes.push(here.clone());
                    }
                }
                Node::Question(q) => {
                    self.bind_unaskable(&mut bound, hyp, [q.fact.as_str()]);
                    match self.value(&bound, hyp, &q.fact) {
                        Some(v) => stack.push((go(&super::question_next(self.set, q, &v)?), bound)),
                        None => {
                            if hyp.is_none() {
                                note_open(&mut out, &q.fact, Some(&here));
                            }
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
                        self.bind_unaskable(&mut bound, hyp, read.iter().copied());
                        let lookup = |k: &str| self.value(&bound, hyp, k);
                        let verdict = eval3(&rule.when, &lookup, &self.set.matrix);
                        if verdict == Some(false) {
                            continue;
                        }
                        if verdict.is_none() && hyp.is_none() {
                            for f in &read {
                                if self.value(&bound, hyp, f).is_none() {
                                    note_open(&mut out, f, None);
                                }
                            }
                        }
                        let mut b = bound.clone();
                        for (k, v) in &rule.set {
                            if self.value(&b, hyp, k).is_none()
                                && !self.askable(k)
                                && self.set.vocab.check(k, v).is_ok()
                            {
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
        Some(out)
    }
}
