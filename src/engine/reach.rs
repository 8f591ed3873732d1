//! Which outcomes a walk can still reach from a node (contract §6): a question is not asked when
//! every outcome still reachable from it is the same node.
//!
//! The walk is imagined forward over the runbook graph. A fact the walk knows keeps its value
//! (an `unknown` answer stays `unknown`); a question whose fact isn't known yet may take any of
//! its answers (or a typed value); a route sees facts as they would be on that imagined path (a
//! fact not asked on it is unset, as in the real walk) and applies its rules' `set`. Where a typed
//! value makes a condition impossible to judge, both ways are followed. Steps not yet done may
//! give any result (`unknown` only when the run skips steps). So the set of outcomes found is never
//! smaller than the set the real walk can reach, and skipping on it never changes an outcome.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

use super::{Walk, question_next};
use crate::matrix::Matrix;
use crate::runbook::model::{Condition, Node};
use crate::runbook::{NodeRef, RunbookSet};
use crate::vocab::{FactType, UNKNOWN};

/// How many nodes one decision may visit before it gives up and lets the question be asked.
const BUDGET: usize = 20_000;

/// A fact's value on an imagined path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Value {
    Is(String),
    /// Typed at a question's entry line: some version or text, not `unknown`, not known here.
    Typed,
}

/// What an imagined path has bound beyond the walk's own facts.
type Bound = BTreeMap<String, Value>;

/// The one outcome every possible continuation from `from` ends at, if there is exactly one.
/// `None` when two different outcomes are reachable, a continuation dead-ends, or the search
/// is too large to finish (the question is then asked: the safe side).
pub fn decided(set: &RunbookSet, walk: &Walk, from: &NodeRef) -> Option<NodeRef> {
    let mut search = Search { set, walk, found: None, seen: HashSet::new(), visits: 0 };
    search.run(from.clone()).then_some(()).and(search.found)
}

struct Search<'a> {
    set: &'a RunbookSet,
    walk: &'a Walk,
    found: Option<NodeRef>,
    seen: HashSet<(NodeRef, Bound)>,
    visits: usize,
}

impl Search<'_> {
    /// Explores every continuation; false as soon as the outcome is known not to be decided.
    fn run(&mut self, from: NodeRef) -> bool {
        let mut stack = vec![(from, Bound::new())];
        while let Some((here, bound)) = stack.pop() {
            self.visits += 1;
            if self.visits > BUDGET {
                return false;
            }
            if !self.seen.insert((here.clone(), bound.clone())) {
                continue;
            }
            let Some(node) = self.set.node(&here) else { return false };
            let go = |next: &str| NodeRef::resolve(&here.runbook, next);
            match node {
                Node::Outcome(_) => match &self.found {
                    None => self.found = Some(here.clone()),
                    Some(f) if *f == here => {}
                    Some(_) => return false,
                },
                Node::Question(q) => match self.value(&bound, &q.fact) {
                    Some(Value::Is(v)) => match question_next(self.set, q, &v) {
                        Some(next) => stack.push((go(&next), bound)),
                        None => return false,
                    },
                    Some(Value::Typed) => {
                        let next =
                            q.entry.as_ref().map(|e| e.next.clone()).or_else(|| question_next(self.set, q, UNKNOWN));
                        match next {
                            Some(next) => stack.push((go(&next), bound)),
                            None => return false,
                        }
                    }
                    None => {
                        for o in &q.options {
                            let mut b = bound.clone();
                            b.insert(q.fact.clone(), Value::Is(o.value.clone()));
                            stack.push((go(&o.next), b));
                        }
                        let typed = matches!(
                            self.set.vocab.fact(&q.fact).map(|d| &d.ty),
                            Some(FactType::Version | FactType::Text)
                        );
                        if typed && let Some(e) = &q.entry {
                            let mut b = bound;
                            b.insert(q.fact.clone(), Value::Typed);
                            stack.push((go(&e.next), b));
                        }
                    }
                },
                Node::Step(s) => {
                    let done = self.walk.step_results.get(&here.to_string()).map(|r| r.value.as_str());
                    let chosen = done.or(self.walk.options.skip_steps.then_some(UNKNOWN));
                    match chosen {
                        Some(result) => {
                            let o = s
                                .options
                                .iter()
                                .find(|o| o.value == result)
                                .or_else(|| s.options.iter().find(|o| o.value == UNKNOWN));
                            match o {
                                Some(o) => stack.push((go(&o.next), bound)),
                                None => return false,
                            }
                        }
                        None => {
                            for o in &s.options {
                                stack.push((go(&o.next), bound.clone()));
                            }
                        }
                    }
                }
                Node::Route(r) => {
                    let mut decided = false;
                    for rule in &r.rules {
                        let verdict = judge(&rule.when, &|k| self.value(&bound, k), &self.set.matrix);
                        if verdict == Some(false) {
                            continue;
                        }
                        let mut b = bound.clone();
                        for (k, v) in &rule.set {
                            if self.value(&b, k).is_none() && self.set.vocab.check(k, v).is_ok() {
                                b.insert(k.clone(), Value::Is(v.clone()));
                            }
                        }
                        stack.push((go(&rule.next), b));
                        if verdict == Some(true) {
                            decided = true;
                            break;
                        }
                    }
                    if !decided {
                        stack.push((go(&r.otherwise), bound));
                    }
                }
            }
        }
        true
    }

    /// A fact's value on the imagined path: bound there, else the walk's, else unset.
    fn value(&self, bound: &Bound, key: &str) -> Option<Value> {
        bound.get(key).cloned().or_else(|| self.walk.facts.get(key).map(|f| Value::Is(f.value.clone())))
    }
}

/// Judges a condition: `Some(answer)`, or `None` when a typed value makes it impossible to tell.
fn judge(cond: &Condition, value: &dyn Fn(&str) -> Option<Value>, matrix: &Matrix) -> Option<bool> {
    if let Some(all) = &cond.all {
        if all.is_empty() {
            return Some(false);
        }
        let verdicts: Vec<Option<bool>> = all.iter().map(|c| judge(c, value, matrix)).collect();
        return if verdicts.contains(&Some(false)) {
            Some(false)
        } else if verdicts.iter().all(|v| *v == Some(true)) {
            Some(true)
        } else {
            None
        };
    }
    if let Some(any) = &cond.any {
        let verdicts: Vec<Option<bool>> = any.iter().map(|c| judge(c, value, matrix)).collect();
        return if verdicts.contains(&Some(true)) {
            Some(true)
        } else if verdicts.iter().all(|v| *v == Some(false)) {
            Some(false)
        } else {
            None
        };
    }
    if let Some(inner) = &cond.not {
        return judge(inner, value, matrix).map(|v| !v);
    }
    // Leaves and the matrix read facts through `lookup`; a typed value taints the verdict.
    let typed = RefCell::new(false);
    let lookup = |k: &str| match value(k) {
        Some(Value::Is(v)) => Some(v),
        Some(Value::Typed) => {
            *typed.borrow_mut() = true;
            None
        }
        None => None,
    };
    if cond.matrix.is_none()
        && let Some(fact) = cond.fact.as_deref()
        && value(fact) == Some(Value::Typed)
    {
        // Set and not `unknown`, but which value is not known here.
        if let Some(k) = cond.known {
            return Some(k);
        }
        let asks_unknown_only = cond.equals.as_deref() == Some(UNKNOWN)
            || cond.one_of.as_ref().is_some_and(|vs| vs.iter().all(|v| v == UNKNOWN));
        return if asks_unknown_only { Some(false) } else { None };
    }
    let verdict = super::condition::eval(cond, &lookup, matrix);
    if *typed.borrow() { None } else { Some(verdict) }
}

/// The answers that would lead the walk from where it stands to `target` (an outcome the agent
/// previews from search), keeping every answer it has: one way there, shortest first, as
/// `(fact, value)` pairs in the order they would be asked (`value` is `(typed)` for a typed
/// answer). `None` when no continuation reaches it. Nothing is changed.
pub fn answers_leading_to(set: &RunbookSet, walk: &Walk, target: &NodeRef) -> Option<Vec<(String, String)>> {
    let from = walk.position.node().clone();
    if walk.is_finished() {
        return (from == *target).then(Vec::new);
    }
    let search = Search { set, walk, found: None, seen: HashSet::new(), visits: 0 };
    // Breadth first, so the way found asks the fewest questions.
    let mut queue = std::collections::VecDeque::from([(from, Bound::new(), Vec::<(String, String)>::new())]);
    let mut seen: HashSet<(NodeRef, Bound)> = HashSet::new();
    let mut visits = 0;
    while let Some((here, bound, asked)) = queue.pop_front() {
        visits += 1;
        if visits > BUDGET {
            return None;
        }
        if here == *target {
            return Some(asked);
        }
        if !seen.insert((here.clone(), bound.clone())) {
            continue;
        }
        let Some(node) = set.node(&here) else { continue };
        let go = |next: &str| NodeRef::resolve(&here.runbook, next);
        match node {
            Node::Outcome(_) => {}
            Node::Question(q) => match search.value(&bound, &q.fact) {
                Some(Value::Is(v)) => {
                    if let Some(next) = question_next(set, q, &v) {
                        queue.push_back((go(&next), bound, asked));
                    }
                }
                Some(Value::Typed) => {
                    if let Some(e) = &q.entry {
                        queue.push_back((go(&e.next), bound, asked));
                    }
                }
                None => {
                    for o in &q.options {
                        let mut b = bound.clone();
                        b.insert(q.fact.clone(), Value::Is(o.value.clone()));
                        let mut a = asked.clone();
                        a.push((q.fact.clone(), o.value.clone()));
                        queue.push_back((go(&o.next), b, a));
                    }
                    if let Some(e) = &q.entry {
                        let mut b = bound.clone();
                        b.insert(q.fact.clone(), Value::Typed);
                        let mut a = asked.clone();
                        a.push((q.fact.clone(), "(typed)".to_string()));
                        queue.push_back((go(&e.next), b, a));
                    }
                }
            },
            Node::Step(s) => {
                let key = here.to_string();
                for o in &s.options {
                    let done = walk.step_results.get(&key).map(|r| r.value.as_str());
                    if done.is_none_or(|d| d == o.value) {
                        let mut a = asked.clone();
                        if done.is_none() {
                            a.push((format!("step {}", s.title), o.value.clone()));
                        }
                        queue.push_back((go(&o.next), bound.clone(), a));
                    }
                }
            }
            Node::Route(r) => {
                let mut decided = false;
                for rule in &r.rules {
                    let verdict = judge(&rule.when, &|k| search.value(&bound, k), &set.matrix);
                    if verdict == Some(false) {
                        continue;
                    }
                    let mut b = bound.clone();
                    for (k, v) in &rule.set {
                        if search.value(&b, k).is_none() && set.vocab.check(k, v).is_ok() {
                            b.insert(k.clone(), Value::Is(v.clone()));
                        }
                    }
                    queue.push_back((go(&rule.next), b, asked.clone()));
                    if verdict == Some(true) {
                        decided = true;
                        break;
                    }
                }
                if !decided {
                    queue.push_back((go(&r.otherwise), bound, asked));
                }
            }
        }
    }
    None
}
