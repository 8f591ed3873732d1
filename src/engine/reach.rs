//! The answers that lead from where a walk stands to an outcome the agent previews from search
//! ([`answers_leading_to`]). The walk is imagined forward over the runbook graph as it would run:
//! a fact the walk knows keeps its value; a question whose fact isn't known may take any of its
//! answers (or a typed value); a route first resolves what its rules read (contract §9.1), so an
//! open fact it reads is asked there; steps not yet done may give any result.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

use super::{Walk, question_next};
use crate::matrix::Matrix;
use crate::runbook::model::{Condition, Node};
use crate::runbook::{NodeRef, RunbookSet};
use crate::vocab::{Audience, UNKNOWN};

/// How many nodes one decision may visit before it gives up and lets the question be asked.
const BUDGET: usize = 20_000;

/// How many imagined facts the visited states may hold together. Each state carries its own
/// bindings, so a long chain of open questions would otherwise cost gigabytes (10,000 questions
/// took 15 GB); this keeps one decision to a few tens of megabytes. Past it, the question is asked.
const CELL_BUDGET: usize = 400_000;

/// A fact's value on an imagined path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Value {
    Is(String),
    /// Typed at a question's entry line: some version or text, not `unknown`, not known here.
    Typed,
}

/// What an imagined path has bound beyond the walk's own facts.
type Bound = BTreeMap<String, Value>;

struct Search<'a> {
    walk: &'a Walk,
}

impl Search<'_> {
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
    // Waiting at a question asked for a route (contract §9.1), the way goes on from the route.
    let from = walk.resume.clone().unwrap_or_else(|| walk.position.node().clone());
    if walk.is_finished() {
        return (from == *target).then(Vec::new);
    }
    let search = Search { walk };
    // Breadth first, so the way found asks the fewest questions.
    let mut queue = std::collections::VecDeque::from([(from, Bound::new(), Vec::<(String, String)>::new())]);
    let mut seen: HashSet<(NodeRef, Bound)> = HashSet::new();
    let (mut visits, mut cells) = (0, 0);
    while let Some((here, bound, asked)) = queue.pop_front() {
        visits += 1;
        cells += bound.len() + asked.len();
        if visits > BUDGET || cells > CELL_BUDGET {
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
                    // The walk resolves what a rule reads before the rule decides (contract
                    // §9.1): a fact nobody gave is asked here, so the way branches on it.
                    let set_or_open = |k: &str| match search.value(&bound, k) {
                        Some(Value::Is(v)) => Some(v),
                        Some(Value::Typed) => Some(String::new()),
                        None => None,
                    };
                    if super::condition::eval3(&rule.when, &set_or_open, &set.matrix).is_none() {
                        let mut read = Vec::new();
                        super::condition::facts_read(&rule.when, &set.matrix, &mut read);
                        let open: Vec<&str> = read.into_iter().filter(|f| search.value(&bound, f).is_none()).collect();
                        let askable = |f: &str| {
                            set.question_for(f).filter(|(_, q)| {
                                walk.options.role == super::Role::Tier2 || q.audience(&set.vocab) != Audience::Admin
                            })
                        };
                        if let Some(f) = open.iter().find(|f| askable(f).is_none()) {
                            let mut b = bound.clone();
                            b.insert(f.to_string(), Value::Is(UNKNOWN.to_string()));
                            queue.push_back((here.clone(), b, asked.clone()));
                        } else if let Some((_, q)) = open.first().and_then(|f| askable(f)) {
                            for o in &q.options {
                                let mut b = bound.clone();
                                b.insert(q.fact.clone(), Value::Is(o.value.clone()));
                                let mut a = asked.clone();
                                a.push((q.fact.clone(), o.value.clone()));
                                queue.push_back((here.clone(), b, a));
                            }
                            if q.entry.is_some() {
                                let mut b = bound.clone();
                                b.insert(q.fact.clone(), Value::Typed);
                                let mut a = asked.clone();
                                a.push((q.fact.clone(), "(typed)".to_string()));
                                queue.push_back((here.clone(), b, a));
                            }
                        }
                        decided = true;
                        break;
                    }
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
