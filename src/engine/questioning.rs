//! Questioning (contract §9.2–9.4): which fact to ask next, and when nothing left to ask can
//! change the outcome. Classification (the tree on the facts) lives in [`super::Walk::advance`];
//! this module only looks ahead from where classification stopped.
//!
//! **The measure.** From the node where the walk is blocked, the walk is imagined forward (as in
//! [`super::reach`], but remembering only what the walk itself can't ask): the outcomes it can
//! still reach form the *reachable set* `R`, each weighted by its prior. For a fact `f` that may
//! be asked, each answer `v` (`unknown` included) leaves a smaller set `R_v`. The expected weight
//! left after asking is `E(f) = Σ_v P(v) W(R_v) / Σ_v P(v)`, where `P(v)` is the weight of the
//! outcomes `v` leads to, each shared among the answers that lead to it (for a symptom, asked
//! `anytime`, "none" keeps everything it leaves and a symptom only the outcomes that need it).
//! The fact's value is
//! `(W(R) − E(f)) / effort`, with effort `caller` 1, `agent` 2, `admin` 4.
//! The fact with the highest value is asked; ties go to the question that comes first in the
//! runbooks. A fact whose answers can't narrow `R` is never chosen by value.
//!
//! **Soundness.** The imagined walk never loses an outcome the real walk can reach: a fact that
//! may still be asked is open (any value, `unknown` included), and a rule's `set` is imagined
//! only for facts nobody can ask (those are bound on the imagined path as the real walk binds
//! them: `unknown` where first read). So "one outcome left" is safe to act on (contract §6, §9.4).
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

/// How many candidate facts are weighed at most (the first ones met, in the order the imagined
/// walk meets them); keeps a very large runbook set within its time.
const MAX_CANDIDATES: usize = 48;

/// The effort of asking, by who answers (contract §9.2).
pub fn effort(audience: Audience) -> f64 {
    match audience {
        Audience::Caller => 1.0,
        Audience::Agent => 2.0,
        Audience::Admin => 4.0,
    }
}

/// How common an outcome is, relative to others (contract §9.3): the set's priors file first
/// (by `runbook#node`, then by class), then the node's own `prior`, else 1.
pub fn prior(set: &RunbookSet, outcome: &NodeRef) -> f64 {
    let Some(Node::Outcome(o)) = set.node(outcome) else { return 1.0 };
    o.prior
        .filter(|p| p.is_finite() && *p > 0.0)
        .unwrap_or(1.0)
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
    questions.get(fact).is_some_and(|(_, _, q)| {
        walk.options.role == super::Role::Tier2 || q.audience(&set.vocab) != Audience::Admin
    })
}

/// The fact to ask at `from`, where the walk is blocked, and the question node to ask it with:
/// the one with the highest value (module docs). `None` when no fact the role may ask can
/// narrow what is reachable, or the look-ahead gave up.
pub fn choose(set: &RunbookSet, walk: &Walk, from: &NodeRef) -> Option<(String, NodeRef)> {
    let questions = question_nodes(set);
    let look = Lookahead { set, walk, questions: &questions };
    let base = look.explore(from, None)?;
    if base.outcomes.len() < 2 {
        return None;
    }
    let total = look.weight(&base.outcomes);
    let inevitable = look.inevitable(from);
    let mut best: Option<(f64, usize, &str)> = None;
    for fact in base.open.iter().take(MAX_CANDIDATES) {
        let Some((order, _, q)) = questions.get(fact.as_str()) else { continue };
        // Asked ahead of the tree only what the tree asks on every way on, or what a caller
        // can answer at any point (a symptom): never a question whose context is still open.
        let anytime = base.first_question.get(fact).and_then(|r| match set.node(r) {
            Some(Node::Question(q)) => Some(q.anytime),
            _ => None,
        });
        if !inevitable.contains(fact.as_str()) && anytime != Some(true) && !q.anytime {
            continue;
        }
        let values = answer_values(set, q);
        if values.is_empty() {
            continue;
        }
        let mut reached: Vec<Vec<NodeRef>> = Vec::with_capacity(values.len());
        let mut gave_up = false;
        for v in &values {
            let hyp = look.hypothesis(fact, v);
            match look.explore(from, Some(&hyp)) {
                Some(r) => reached.push(r.outcomes),
                None => {
                    gave_up = true;
                    break;
                }
            }
        }
        if gave_up {
            continue;
        }
        let Some(expected) = expected_weight(&look, q, &values, &reached) else { continue };
        let narrowing = total - expected;
        if narrowing <= total * 1e-9 {
            continue;
        }
        let score = narrowing / effort(q.audience(&set.vocab));
        if std::env::var_os("PT_DEBUG_Q").is_some() {
            eprintln!("{fact}: total {total:.2} expected {expected:.2} score {score:.3}");
        }
        let better = match best {
            None => true,
            Some((s, o, _)) => score > s * (1.0 + 1e-9) || ((score - s).abs() <= s * 1e-9 && *order < o),
        };
        if better {
            best = Some((score, *order, fact.as_str()));
        }
    }
    let (_, _, fact) = best?;
    let node = base.first_question.get(fact).cloned().unwrap_or_else(|| questions[fact].1.clone());
    Some((fact.to_string(), node))
}

/// The prior weight expected to be left once `q` is answered (module docs): each answer is as
/// likely as the weight of the outcomes it leads to, each outcome shared among the answers that
/// lead to it; for a symptom (an `anytime` question), "none" is as likely as everything it
/// leaves, and a symptom as likely as the outcomes only it leads to.
fn expected_weight(look: &Lookahead, q: &Question, values: &[String], reached: &[Vec<NodeRef>]) -> Option<f64> {
    let k = values.len();
    let mut under: HashMap<&NodeRef, usize> = HashMap::new();
    for r in reached {
        for o in r {
            *under.entry(o).or_default() += 1;
        }
    }
    let weights: Vec<f64> = reached.iter().map(|r| look.weight(r)).collect();
    let neutral = values.iter().position(|v| v == UNKNOWN);
    let mut likely = vec![0.0f64; k];
    if q.anytime
        && let Some(neutral) = neutral
    {
        // A symptom shows only where its outcome is the cause: an answer other than "none" is
        // as likely as the outcomes only it leads to.
        let none = &reached[neutral];
        for (i, r) in reached.iter().enumerate() {
            likely[i] = if i == neutral {
                weights[i]
            } else {
                r.iter().filter(|o| !none.contains(o)).map(|o| prior(look.set, o)).sum()
            };
        }
        let sum: f64 = likely.iter().sum();
        return (sum > 0.0).then(|| likely.iter().zip(&weights).map(|(p, w)| p * w).sum::<f64>() / sum);
    }
    for (i, r) in reached.iter().enumerate() {
        for o in r {
            let m = under[o];
            likely[i] += prior(look.set, o) / m as f64;
        }
    }
    let sum: f64 = likely.iter().sum();
    (sum > 0.0).then(|| likely.iter().zip(&weights).map(|(p, w)| p * w).sum::<f64>() / sum)
}

/// The outcomes still reachable from `from` (a superset of those the real walk can reach), or
/// `None` when the look-ahead gave up.
pub fn reachable(set: &RunbookSet, walk: &Walk, from: &NodeRef) -> Option<Vec<NodeRef>> {
    let questions = question_nodes(set);
    Lookahead { set, walk, questions: &questions }.explore(from, None).map(|r| r.outcomes)
}

/// The answers worth weighing: the question's listed values, or for an enumerated fact its
/// vocabulary values when the question lists none, and `unknown`.
fn answer_values(set: &RunbookSet, q: &Question) -> Vec<String> {
    let mut values: Vec<String> = q.options.iter().map(|o| o.value.clone()).filter(|v| v != UNKNOWN).collect();
    if values.is_empty()
        && let Some(FactType::Enum(vs)) = set.vocab.fact(&q.fact).map(|d| &d.ty)
    {
        values = vs.iter().filter(|v| *v != UNKNOWN).cloned().collect();
    }
    if !values.is_empty() {
        // "Can't tell" is an answer too: a question callers often can't answer narrows less.
        values.push(UNKNOWN.to_string());
    }
    values
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
    fn weight(&self, outcomes: &[NodeRef]) -> f64 {
        outcomes.iter().map(|o| prior(self.set, o)).sum()
    }

    fn hypothesis<'h>(&self, fact: &'h str, value: &'h str) -> Hypothesis<'h> {
        let known = |k: &str| {
            if k == fact { Some(value.to_string()) } else { self.walk.facts.get(k).map(|f| f.value.clone()) }
        };
        Hypothesis { fact, value, derived: super::derivations(self.set, &known) }
    }

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

    /// The open facts the tree asks (or a route needs) on every way on from `from`: asking one
    /// of them now is never a question the call would not have had. Known facts are followed;
    /// what nobody can ask is read as `unknown`; paths are not told apart (a safe under-count).
    fn inevitable(&self, from: &NodeRef) -> HashSet<String> {
        let mut memo: HashMap<NodeRef, Option<HashSet<String>>> = HashMap::new();
        let mut stack: Vec<(NodeRef, bool)> = vec![(from.clone(), false)];
        let none = Bound::new();
        while let Some((here, expanded)) = stack.pop() {
            if memo.len() > BUDGET {
                return HashSet::new();
            }
            if !expanded && memo.contains_key(&here) {
                continue;
            }
            let Some(node) = self.set.node(&here) else {
                memo.insert(here, Some(HashSet::new()));
                continue;
            };
            let go = |next: &str| NodeRef::resolve(&here.runbook, next);
            let mut own: Vec<String> = Vec::new();
            let nexts: Vec<NodeRef> = match node {
                Node::Outcome(_) => Vec::new(),
                Node::Question(q) => {
                    let value = self.value(&none, None, &q.fact).or_else(|| (!self.askable(&q.fact)).then(|| UNKNOWN.into()));
                    match value {
                        Some(v) => super::question_next(self.set, q, &v).map(|n| vec![go(&n)]).unwrap_or_default(),
                        None => {
                            own.push(q.fact.clone());
                            let mut n: Vec<NodeRef> = q.options.iter().map(|o| go(&o.next)).collect();
                            n.extend(q.entry.as_ref().map(|e| go(&e.next)));
                            n
                        }
                    }
                }
                Node::Step(s) => {
                    let done = self.walk.step_results.get(&here.to_string()).map(|r| r.value.as_str());
                    match done.or(self.walk.options.skip_steps.then_some(UNKNOWN)) {
                        Some(result) => s
                            .options
                            .iter()
                            .find(|o| o.value == result)
                            .or_else(|| s.options.iter().find(|o| o.value == UNKNOWN))
                            .map(|o| vec![go(&o.next)])
                            .unwrap_or_default(),
                        None => s.options.iter().map(|o| go(&o.next)).collect(),
                    }
                }
                Node::Route(r) => {
                    let lookup = |k: &str| self.value(&none, None, k).or_else(|| (!self.askable(k)).then(|| UNKNOWN.into()));
                    let mut n = Vec::new();
                    let mut decided = false;
                    let mut first_open = true;
                    for rule in &r.rules {
                        match eval3(&rule.when, &lookup, &self.set.matrix) {
                            Some(false) => continue,
                            Some(true) => {
                                n.push(go(&rule.next));
                                decided = true;
                                break;
                            }
                            None => {
                                if first_open {
                                    let mut read = Vec::new();
                                    facts_read(&rule.when, &self.set.matrix, &mut read);
                                    own.extend(read.into_iter().filter(|f| lookup(f).is_none()).map(str::to_string));
                                    first_open = false;
                                }
                                n.push(go(&rule.next));
                            }
                        }
                    }
                    if !decided {
                        n.push(go(&r.otherwise));
                    }
                    n
                }
            };
            if !expanded {
                let pending: Vec<NodeRef> = nexts.iter().filter(|n| !memo.contains_key(*n)).cloned().collect();
                if !pending.is_empty() {
                    // Mark as in progress (a cycle reads as "nothing inevitable").
                    memo.insert(here.clone(), None);
                    stack.push((here, true));
                    stack.extend(pending.into_iter().map(|n| (n, false)));
                    continue;
                }
            }
            let mut common: Option<HashSet<String>> = None;
            for n in &nexts {
                let theirs = memo.get(n).cloned().flatten().unwrap_or_default();
                common = Some(match common {
                    None => theirs,
                    Some(c) => c.intersection(&theirs).cloned().collect(),
                });
            }
            let mut mine = common.unwrap_or_default();
            mine.extend(own);
            memo.insert(here, Some(mine));
        }
        memo.remove(from).flatten().unwrap_or_default()
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
