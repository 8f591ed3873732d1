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
    Lookahead { set, walk, questions: &questions, stop_at: None }.explore(from, Bound::new(), &mut Vec::new())
}

/// What an imagined path has bound: facts nobody can ask (`unknown` where first read) and
/// what rules `set` for them. Sorted by key, so equal bindings compare equal.
type Bound = Vec<(String, String)>;

struct Lookahead<'a> {
    set: &'a RunbookSet,
    walk: &'a Walk,
    questions: &'a HashMap<&'a str, (NodeRef, &'a Question)>,
    /// A fact whose reading ends an imagined path (to find the facts every way reads).
    stop_at: Option<&'a str>,
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
    /// `start` binds facts on every imagined path (an answer supposed); `open` collects the
    /// facts the walk could still ask on the way, in the order first met.
    fn explore(&self, from: &NodeRef, start: Bound, open: &mut Vec<String>) -> Option<Vec<NodeRef>> {
        let mut outcomes: Vec<NodeRef> = Vec::new();
        let mut seen: HashSet<(NodeRef, Bound)> = HashSet::new();
        let mut stack: Vec<(NodeRef, Bound)> = vec![(from.clone(), start)];
        let mut note_open = |fact: &str| {
            if !open.iter().any(|f| f == fact) {
                open.push(fact.to_string());
            }
        };
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
                    // Looking for a way that doesn't read the fact: one is enough.
                    if self.stop_at.is_some() {
                        return Some(outcomes);
                    }
                }
                Node::Question(q) => {
                    self.bind_unaskable(&mut bound, [q.fact.as_str()]);
                    match self.value(&bound, &q.fact) {
                        Some(v) => stack.push((go(&super::question_next(self.set, q, &v)?), bound)),
                        None if self.stop_at == Some(q.fact.as_str()) => {}
                        None => {
                            note_open(&q.fact);
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
                        if verdict.is_none() {
                            // Ends the path only where the fact alone is left to decide the rule.
                            let open_read: Vec<&str> =
                                read.iter().copied().filter(|k| self.value(&bound, k).is_none()).collect();
                            if self.stop_at.is_some_and(|s| open_read.iter().all(|k| *k == s) && open_read.contains(&s)) {
                                decided = true;
                                break;
                            }
                            for k in &read {
                                if self.value(&bound, k).is_none() {
                                    note_open(k);
                                }
                            }
                        }
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

/// How much a question costs, by who answers it (contract §9.2).
fn effort(audience: Audience) -> f64 {
    match audience {
        Audience::Caller => 1.0,
        Audience::Agent => 2.0,
        Audience::Admin => 4.0,
    }
}

/// How likely an answer is in a world whose outcome doesn't depend on it, relative to the
/// fact's healthy value: two faults at once are rare, and so is "can't tell".
const UNLIKELY: f64 = 0.05;

/// The next question by value (contract §9.2): among the open facts met on the way from `here`
/// whose answer changes the reachable outcomes, the one with the highest expected prior weight
/// removed per unit of effort. `tree` is the fact the tree itself needs here: it wins ties, and
/// is asked when the look-ahead gives up or its answer is typed (a version or free text can't be
/// enumerated).
pub fn choose(set: &RunbookSet, walk: &Walk, here: &NodeRef, tree: &str) -> String {
    let questions = question_nodes(set);
    let look = Lookahead { set, walk, questions: &questions, stop_at: None };
    let mut open = Vec::new();
    let Some(reach) = look.explore(here, Bound::new(), &mut open) else { return tree.to_string() };
    if reach.len() < 2 || typed(set, tree) {
        return tree.to_string();
    }
    let weight = |outcomes: &[NodeRef]| outcomes.iter().map(|o| set.prior(o)).sum::<f64>();
    let total = weight(&reach);
    // The tree's own fact first, so it wins ties; then the facts every way on reads (asked now or
    // later, they cost the same), in the order met.
    let every_way = |fact: &str| {
        let look = Lookahead { set, walk, questions: &questions, stop_at: Some(fact) };
        look.explore(here, Bound::new(), &mut Vec::new()).is_some_and(|r| r.is_empty())
    };
    let mut candidates: Vec<&str> = vec![tree];
    candidates.extend(open.iter().map(String::as_str).filter(|f| {
        *f != tree && !typed(set, f) && askable(set, walk, &questions, f) && every_way(f)
    }));
    // A fact another candidate's answer may derive waits for it (the computer's OS and the
    // passkey type can tell "same device or QR code").
    // Each answer supposed with what it derives, once.
    let supposes: HashMap<&str, Vec<(&str, Bound)>> = candidates
        .iter()
        .filter_map(|g| questions.get(g).map(|(_, q)| (*g, q)))
        .map(|(g, q)| (g, q.options.iter().map(|o| (o.value.as_str(), supposed(set, walk, g, &o.value))).collect()))
        .collect();
    let derivable = |fact: &str| {
        supposes.iter().filter(|(g, _)| **g != fact).any(|(_, answers)| {
            answers.iter().any(|(_, bound)| bound.iter().any(|(k, _)| k == fact))
        })
    };
    let candidates: Vec<&str> =
        candidates.iter().copied().filter(|f| *f == tree || !derivable(f)).collect();
    let mut best: Option<(f64, &str)> = None;
    for fact in candidates {
        if typed(set, fact) || !askable(set, walk, &questions, fact) {
            continue;
        }
        let Some((_, q)) = questions.get(fact) else { continue };
        let healthy = super::also::healthy_value(fact);
        let likely = |v: &str| match healthy {
            _ if v == UNKNOWN => UNLIKELY,
            Some(h) if h != v => UNLIKELY,
            _ => 1.0,
        };
        let mut answers: Vec<(f64, Vec<NodeRef>)> = Vec::new();
        let mut gave_up = false;
        for (value, start) in supposes.get(fact).map_or(&[][..], Vec::as_slice) {
            match look.explore(here, start.clone(), &mut Vec::new()) {
                Some(r) => answers.push((likely(value), r)),
                None => gave_up = true,
            }
        }
        if gave_up || answers.iter().all(|(_, r)| r.len() == reach.len()) {
            continue;
        }
        // Each outcome's weight is shared among the answers that can lead to it.
        let mut mass = vec![0.0; answers.len()];
        for o in &reach {
            let share: f64 = answers.iter().filter(|(_, r)| r.contains(o)).map(|(l, _)| l).sum();
            if share > 0.0 {
                for (i, (l, r)) in answers.iter().enumerate() {
                    if r.contains(o) {
                        mass[i] += set.prior(o) * l / share;
                    }
                }
            }
        }
        let spread: f64 = mass.iter().sum();
        if spread <= 0.0 {
            continue;
        }
        let left: f64 = answers.iter().zip(&mass).map(|((_, r), m)| m / spread * weight(r)).sum();
        let value = (total - left) / effort(q.audience(&set.vocab));
        if best.is_none_or(|(b, _)| value > b + 1e-9) {
            best = Some((value, fact));
        }
    }
    best.map_or_else(|| tree.to_string(), |(_, f)| f.to_string())
}

fn typed(set: &RunbookSet, fact: &str) -> bool {
    matches!(set.vocab.fact(fact).map(|d| &d.ty), Some(FactType::Version | FactType::Text))
}

/// The facts an answer binds on every imagined path: the answer, and what it derives.
fn supposed(set: &RunbookSet, walk: &Walk, fact: &str, value: &str) -> Bound {
    let lookup = |k: &str| if k == fact { Some(value.to_string()) } else { walk.facts.get(k).map(|f| f.value.clone()) };
    let mut bound: Bound = vec![(fact.to_string(), value.to_string())];
    for d in super::derivations(set, &lookup) {
        if walk.facts.get(&d.fact).is_none_or(|f| f.value != d.value) && d.fact != fact {
            bound.push((d.fact, d.value));
        }
    }
    bound.sort();
    bound.dedup_by(|a, b| a.0 == b.0);
    bound
}
