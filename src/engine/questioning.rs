//! Questioning (contract §6, §9.2, §9.4): what can still change the outcome from where
//! classification stopped, and which question to ask next. Classification (the tree on the
//! facts) lives in [`super::Walk::advance`]; this module only looks ahead.
//!
//! From the node where the walk is blocked, the walk is imagined forward (as in [`super::reach`],
//! but remembering only what the walk itself can't ask): the outcomes it can still reach form the
//! *reachable set*. When it holds one outcome node, the fact the walk needs is not asked.
//!
//! **Which question** ([`choose`]). The candidates are every open fact a way on reads (contract
//! §9.2: not only the next node's) that the role may ask, in runbook order, which breaks ties. A
//! candidate another candidate's answer may derive waits for it (the computer's OS and the
//! passkey type can tell "same device or QR code": the deriving question carries that value).
//! Among the rest the walk asks the one with the highest expected prior weight of reachable
//! outcomes removed, times the chance the walk reads the fact at all (the prior weight of the
//! outcomes whose ways read it: a question no way to the world's outcome reads is effort spent
//! for nothing), per unit of effort (`caller` 1, `agent` 2, `admin` 4). A version or free text
//! can't be enumerated: it is weighed only where the tree itself stands at it (then asked).
//!
//! **Context first.** A context fact (one with no healthy value: the phase, the passkey type, the
//! OS, the browser, same device or QR code) that every way on reads is asked before any check,
//! the most valuable of them first: it is asked whatever happens, so asking it first costs
//! nothing, and it decides which checks make sense to the caller ("Is Authenticator signed in?"
//! means nothing on a security-key call). Checks are then weighed as above, wherever the tree
//! reads them.
//!
//! The answer model: an answer is as likely as the prior weight of the outcomes it leaves, each
//! outcome's weight shared among the answers that can lead to it, where a fact's healthy value
//! (`assets/healthy-facts.json`) takes nearly all of it for an outcome that doesn't depend on the
//! fact (two faults at once, and "can't tell", are rare). "Can't tell" is taken to narrow
//! nothing.
//!
//! **Soundness.** The imagined walk never loses an outcome the real walk can reach: a fact that
//! may still be asked is open (any value, `unknown` included), and a rule's `set` is imagined
//! only for facts nobody can ask (those are bound on the imagined path as the real walk binds
//! them: `unknown` where first read). So "one outcome left" is safe to act on.
//! Only what the walk can't ask is remembered per path, so the search visits each node a few
//! times, not once per combination of answers. Nodes are visited by position and bindings
//! borrow their names: a question costs a few hundred imagined walks.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::Walk;
use super::condition::{eval3, facts_read};
use crate::runbook::model::{Node, Question};
use crate::runbook::{NodeRef, RunbookSet};
use crate::vocab::{Audience, FactType, UNKNOWN};

/// How many nodes one imagined walk may visit before it gives up (then nothing is skipped and
/// the tree's own next question is asked: the safe side).
const BUDGET: usize = 50_000;

/// How many open facts one choice weighs at most (the first met).
const MAX_CANDIDATES: usize = 128;

/// How common an outcome is, relative to others (contract §9.3): [`RunbookSet::prior`].
pub fn prior(set: &RunbookSet, outcome: &NodeRef) -> f64 {
    set.prior(outcome)
}

/// Can this role ask this fact at all? (A question exists for it, and tier 1 doesn't ask admins'.)
fn askable(set: &RunbookSet, walk: &Walk, fact: &str) -> bool {
    set.question_at(fact).and_then(|at| set.node_at(at)).is_some_and(|n| match n {
        Node::Question(q) => walk.options.role == super::Role::Tier2 || q.audience(&set.vocab) != Audience::Admin,
        _ => false,
    })
}

/// The outcomes still reachable from `from` (a superset of those the real walk can reach), or
/// `None` when the look-ahead gave up.
pub fn reachable(set: &RunbookSet, walk: &Walk, from: &NodeRef) -> Option<Vec<NodeRef>> {
    let found = survey(set, walk, from)?;
    Some(found.outcomes.iter().filter_map(|o| set.node_ref_at(*o)).collect())
}

/// One look ahead from where the walk is blocked: the outcomes it can still reach, and the open
/// facts met on the first way on (with the question node met there). [`choose`] weighs these.
pub struct Survey<'a> {
    outcomes: Vec<At>,
    met: Vec<(String, Option<At>)>,
    /// The ways on it worked out, for the choice to reuse.
    graph: Rc<Graph<'a>>,
}

impl Survey<'_> {
    /// Every way on ends at the same outcome node: no answer can change it (contract §6).
    pub fn one_outcome(&self) -> bool {
        self.outcomes.len() == 1
    }
}

/// The look-ahead from `from`, or `None` when it gave up.
pub fn survey<'a>(set: &'a RunbookSet, walk: &Walk, from: &NodeRef) -> Option<Survey<'a>> {
    let look = Lookahead::new(set, walk, None);
    let mut met = Vec::new();
    let outcomes = look.explore(set.locate(from)?, Bound::new(), &mut met, None, None, &mut Verdicts::default())?;
    let met = met.into_iter().map(|(f, at)| (f.to_string(), at)).collect();
    Some(Survey { outcomes, met, graph: look.graph })
}

/// What an imagined path has bound: facts nobody can ask (`unknown` where first read), what
/// rules `set` for them, and an answer supposed. Sorted by key, so equal bindings compare equal.
type Bound<'s> = Vec<(&'s str, &'s str)>;

/// A node by position: (runbook, node).
type At = (usize, usize);

/// The look-ahead hashes thousands of small keys per question: a fast hash (nothing here is
/// keyed by outside input an attacker could choose to collide, beyond a runbook's own names).
type FastSet<T> = HashSet<T, foldhash::fast::FixedState>;

struct Lookahead<'a: 'w, 'w> {
    set: &'a RunbookSet,
    walk: &'w Walk,
    /// The facts this role can ask (a question asks them; tier 1 doesn't ask an admin's).
    askable: FastSet<&'a str>,
    /// Each fact's standing before any imagined answer, in one lookup: known (its value), open
    /// (`None`: askable, or set by a route rule), or absent: nobody can ask it, so it reads
    /// `unknown`. A fact nobody can ask is `unknown` where first read unless a rule set it
    /// before: only for facts a rule sets does the order matter, so only they are bound on an
    /// imagined path (paths that differ only in which of the others were read so far are one).
    standing: HashMap<&'w str, Option<&'w str>, foldhash::fast::FixedState>,
    /// Per runbook, per node: where each rule, option or entry leads, and the facts each route
    /// rule reads. Worked out once, read at every visit.
    graph: Rc<Graph<'a>>,
}

/// A route rule's verdict by what it reads: (node, rule, the values of the facts it reads).
type Verdicts<'s> = HashMap<(At, usize, [Option<&'s str>; VERDICT_READS]), Option<bool>, foldhash::fast::FixedState>;

/// How many facts a rule may read and still have its verdict kept (a rule reading more is
/// evaluated at every visit).
const VERDICT_READS: usize = 12;

/// Per runbook, per node: its ways on.
type Graph<'a> = Vec<Vec<Edges<'a>>>;

/// A node's ways on, resolved: a question's options (and its typed entry), a step's results, a
/// route's rules (with the facts each reads) and `otherwise`.
#[derive(Default)]
struct Edges<'a> {
    /// Where the options lead, each place once (most options of a context question lead on to
    /// the same node): the same bindings follow every option.
    options: Vec<Option<At>>,
    entry: Option<At>,
    /// Each rule: where it leads, the facts it reads, and whether its holding means a rule of the
    /// route it leads to holds (then that route's `otherwise` can't follow it).
    rules: Vec<(Option<At>, Vec<&'a str>, bool)>,
    otherwise: Option<At>,
}

impl<'a: 'w, 'w> Lookahead<'a, 'w> {
    fn new(set: &'a RunbookSet, walk: &'w Walk, graph: Option<Rc<Graph<'a>>>) -> Self {
        let askable: FastSet<&'a str> = set.asked_facts().filter(|f| askable(set, walk, f)).collect();
        let settable = set.settable_facts().iter().map(String::as_str);
        let mut standing: HashMap<&'w str, Option<&'w str>, _> = HashMap::default();
        for f in askable.iter().copied().chain(settable) {
            standing.insert(f, None);
        }
        for (k, f) in &walk.facts {
            standing.insert(k.as_str(), Some(f.value.as_str()));
        }
        let graph = graph.unwrap_or_else(|| Rc::new(Self::graph(set)));
        Lookahead { set, walk, askable, standing, graph }
    }

    /// Works out every node's ways on.
    fn graph(set: &'a RunbookSet) -> Graph<'a> {
        let leads = set.route_rule_implications().get_or_init(|| implications(set));
        set.runbooks
            .iter()
            .enumerate()
            .map(|(rb, loaded)| {
                let go = |next: &str| set.locate_next(rb, next);
                loaded
                    .runbook
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(at, node)| match node {
                        Node::Question(q) => Edges {
                            options: distinct(q.options.iter().map(|o| go(&o.next))),
                            entry: q.entry.as_ref().and_then(|e| go(&e.next)),
                            ..Edges::default()
                        },
                        Node::Step(s) => {
                            Edges { options: distinct(s.options.iter().map(|o| go(&o.next))), ..Edges::default() }
                        }
                        Node::Route(r) => Edges {
                            rules: r
                                .rules
                                .iter()
                                .enumerate()
                                .map(|(i, rule)| {
                                    let mut read = Vec::new();
                                    facts_read(&rule.when, &set.matrix, &mut read);
                                    let sure = leads.get(rb).and_then(|n| n.get(at)).and_then(|r| r.get(i));
                                    (go(&rule.next), read, sure.copied().unwrap_or(false))
                                })
                                .collect(),
                            otherwise: go(&r.otherwise),
                            ..Edges::default()
                        },
                        Node::Outcome(_) => Edges::default(),
                    })
                    .collect()
            })
            .collect()
    }

    fn edges(&self, (rb, node): At) -> Option<&Edges<'a>> {
        self.graph.get(rb)?.get(node)
    }

    /// A fact's value on an imagined path: bound there, the walk's, else open.
    fn value<'s>(&'s self, bound: &Bound<'s>, key: &str) -> Option<&'s str> {
        if let Some((_, v)) = bound.iter().find(|(k, _)| *k == key) {
            return Some(v);
        }
        match self.standing.get(key) {
            Some(known) => *known,
            None => Some(UNKNOWN),
        }
    }

    /// Binds facts nobody can ask to `unknown` where they are read, as the real walk does.
    fn bind_unaskable<'s>(&'s self, bound: &mut Bound<'s>, keys: impl IntoIterator<Item = &'s str>) {
        for k in keys {
            if self.value(bound, k).is_none() && !self.askable.contains(k) {
                let at = bound.partition_point(|(b, _)| *b < k);
                bound.insert(at, (k, UNKNOWN));
            }
        }
    }

    /// Every outcome node reachable from `from`, in the order first met. `start` binds facts on
    /// every imagined path (an answer supposed); `open` collects the facts the walk could still
    /// ask on the way, in the order first met. With `stop_at`, a path ends where it would read
    /// that fact (open, and alone left to decide): the outcomes found are those reached without
    /// it. With `watch`, the search gives up (`None`) as soon as
    /// any way reads that fact while it is open.
    fn explore<'s>(
        &'s self,
        from: At,
        start: Bound<'s>,
        open: &mut Vec<(&'s str, Option<At>)>,
        stop_at: Option<&str>,
        watch: Option<&str>,
        verdicts: &mut Verdicts<'s>,
    ) -> Option<Vec<At>> {
        let set = self.set;
        let mut outcomes: Vec<At> = Vec::new();
        // Each place with its bindings, and whether a rule that makes one of its rules hold led
        // there (a route then doesn't go on to its `otherwise`).
        let mut seen: FastSet<(At, Bound<'s>, bool)> = FastSet::default();
        let mut stack: Vec<(At, Bound<'s>, bool)> = vec![(from, start, false)];
        // Every open fact met on any way on, in the order first met (depth first: the first way
        // comes first), with the question met there.
        let mut note_open = |fact: &'s str, at: Option<At>| {
            if open.len() < MAX_CANDIDATES && !open.iter().any(|(f, _)| *f == fact) {
                open.push((fact, at));
            }
        };
        let mut visits = 0usize;
        while let Some((here, mut bound, ruled)) = stack.pop() {
            visits += 1;
            if visits > BUDGET {
                return None;
            }
            if !seen.insert((here, bound.clone(), ruled)) {
                continue;
            }
            let node = set.node_at(here)?;
            let edges = self.edges(here)?;
            let go = |next: &str| set.locate_next(here.0, next);
            match node {
                Node::Outcome(_) => {
                    if !outcomes.contains(&here) {
                        outcomes.push(here);
                    }
                }
                Node::Question(q) => {
                    self.bind_unaskable(&mut bound, [q.fact.as_str()]);
                    match self.value(&bound, &q.fact) {
                        Some(v) => stack.push((go(super::question_next_ref(set, q, v)?)?, bound, false)),
                        None if stop_at == Some(q.fact.as_str()) => {}
                        None if watch == Some(q.fact.as_str()) => return None,
                        None => {
                            note_open(&q.fact, Some(here));
                            let typed = matches!(
                                set.vocab.fact(&q.fact).map(|d| &d.ty),
                                Some(FactType::Version | FactType::Text)
                            );
                            if typed && q.entry.is_some() {
                                stack.push((edges.entry?, bound.clone(), false));
                            }
                            for next in edges.options.iter().rev() {
                                stack.push(((*next)?, bound.clone(), false));
                            }
                        }
                    }
                }
                Node::Step(s) => {
                    let key = set.node_ref_at(here)?.to_string();
                    let done = self.walk.step_results.get(&key).map(|r| r.value.as_str());
                    match done.or(self.walk.options.skip_steps.then_some(UNKNOWN)) {
                        Some(result) => {
                            let o = s
                                .options
                                .iter()
                                .find(|o| o.value == result)
                                .or_else(|| s.options.iter().find(|o| o.value == UNKNOWN))?;
                            stack.push((go(&o.next)?, bound, false));
                        }
                        None => {
                            for next in edges.options.iter().rev() {
                                stack.push(((*next)?, bound.clone(), false));
                            }
                        }
                    }
                }
                Node::Route(r) => {
                    let mut decided = false;
                    let mut branches: Vec<(At, Bound<'s>, bool)> = Vec::new();
                    for (i, (rule, (next, read, to_rule))) in r.rules.iter().zip(&edges.rules).enumerate() {
                        self.bind_unaskable(&mut bound, read.iter().copied());
                        // A rule's verdict depends only on the facts it reads: the same node is
                        // met under many bindings, and a matrix test reads every row of its area.
                        // (A fixed-size key: no allocation per rule and visit.)
                        let evaluate = || {
                            let lookup = |k: &str| self.value(&bound, k).map(str::to_string);
                            eval3(&rule.when, &lookup, &set.matrix)
                        };
                        let verdict = if read.len() <= VERDICT_READS {
                            let mut values = [None; VERDICT_READS];
                            for (slot, k) in values.iter_mut().zip(read.iter()) {
                                *slot = self.value(&bound, k);
                            }
                            *verdicts.entry((here, i, values)).or_insert_with(evaluate)
                        } else {
                            evaluate()
                        };
                        if verdict == Some(false) {
                            continue;
                        }
                        if verdict.is_none() {
                            let open_read: Vec<&'s str> =
                                read.iter().copied().filter(|k| self.value(&bound, k).is_none()).collect();
                            if watch.is_some_and(|w| open_read.contains(&w)) {
                                return None;
                            }
                            // The path ends where the fact alone is left to decide the rule.
                            if let Some(stop) = stop_at
                                && open_read.contains(&stop)
                                && open_read.iter().all(|k| *k == stop)
                            {
                                decided = true;
                                break;
                            }
                            open_read.into_iter().for_each(|f| note_open(f, None));
                        }
                        let mut b = bound.clone();
                        for (k, v) in &rule.set {
                            if self.value(&b, k).is_none()
                                && !self.askable.contains(k.as_str())
                                && set.vocab.check(k, v).is_ok()
                            {
                                let at = b.partition_point(|(x, _)| *x < k.as_str());
                                b.insert(at, (k, v));
                            }
                        }
                        branches.push(((*next)?, b, *to_rule));
                        if verdict == Some(true) {
                            decided = true;
                            break;
                        }
                    }
                    // Come by a rule that makes one of these rules hold: one of them decides.
                    if !decided && !ruled {
                        branches.push((edges.otherwise?, bound, false));
                    }
                    stack.extend(branches.into_iter().rev());
                }
            }
        }
        Some(outcomes)
    }
}

/// For every route rule of the set, [`leads_to_a_rule`].
fn implications(set: &RunbookSet) -> crate::runbook::load::RuleImplications {
    set.runbooks
        .iter()
        .enumerate()
        .map(|(rb, loaded)| {
            loaded
                .runbook
                .nodes
                .iter()
                .map(|node| match node {
                    Node::Route(r) => r
                        .rules
                        .iter()
                        .map(|rule| {
                            set.locate_next(rb, &rule.next).is_some_and(|to| leads_to_a_rule(set, &rule.when, to))
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .collect()
        })
        .collect()
}

/// Whether a rule leading to `to` (a route) with condition `when` makes one of that route's
/// rules hold, whatever else is true (`cross-device#start`'s "a tenant block is known" leads to
/// `policy#start`, which names which): then that route's `otherwise` can't follow it.
fn leads_to_a_rule(set: &RunbookSet, when: &crate::runbook::model::Condition, to: At) -> bool {
    let Some(Node::Route(next)) = set.node_at(to) else { return false };
    let rules: Vec<&crate::runbook::model::Condition> = next.rules.iter().map(|r| &r.when).collect();
    let values = |fact: &str| match set.vocab.fact(fact).map(|d| &d.ty) {
        Some(FactType::Enum(vs)) => Some(vs.clone()),
        _ => None,
    };
    super::condition::implies_any(when, &rules, &values, &set.matrix)
}

/// Each item once, in the order first met.
fn distinct<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
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

/// The next question by value (contract §9.2; the module's documentation says how). `tree` is
/// the fact the tree itself needs at `here`: it is asked when the look-ahead gives up, when no
/// candidate's answer can narrow anything, or when its answer is typed (a version or free text
/// can't be enumerated).
///
/// Returns the fact, and the question node to ask it at when the look-ahead met one on its first
/// way on (worded for where the call is), else `None` (the first question asking it).
pub fn choose<'a>(
    set: &'a RunbookSet,
    walk: &Walk,
    here: &NodeRef,
    tree: &str,
    survey: Option<&Survey<'a>>,
) -> (String, Option<NodeRef>) {
    let tree_only = || (tree.to_string(), None);
    let Some(Survey { outcomes: reach, met, graph }) = survey else { return tree_only() };
    let look = Lookahead::new(set, walk, Some(Rc::clone(graph)));
    let Some(at) = set.locate(here) else { return tree_only() };
    if reach.len() < 2 || typed(set, tree) {
        return tree_only();
    }
    let open: Vec<&str> = met.iter().map(|(f, _)| f.as_str()).collect();
    let prior_at = |o: &At| set.node_ref_at(*o).map_or(1.0, |r| set.prior(&r));
    let priors: HashMap<At, f64> = reach.iter().map(|o| (*o, prior_at(o))).collect();
    let weight = |outcomes: &[At]| outcomes.iter().map(|o| priors.get(o).copied().unwrap_or(1.0)).sum::<f64>();
    let total = weight(reach);
    // A rule's verdict depends only on the values it reads: one cache serves every look ahead.
    let verdicts = RefCell::new(Verdicts::default());
    // Every open fact a way on reads and this role may ask (contract §9.2: not only the next
    // node's), in runbook order, which breaks ties. A version or free text can't be enumerated:
    // only the tree's own is weighed (its answers as the options list them).
    let mut candidates: Vec<&str> = vec![tree];
    candidates.extend(open.iter().copied().filter(|f| *f != tree && !typed(set, f) && look.askable.contains(f)));
    candidates.sort_by_key(|f| set.question_at(f).unwrap_or((usize::MAX, usize::MAX)));
    // Each answer supposed with what it derives, once.
    let supposes: Vec<(&str, &Question, Vec<Supposed>)> = candidates
        .iter()
        .filter_map(|f| set.question_for(f).map(|(_, q)| (*f, q)))
        .map(|(f, q)| {
            let answers = q.options.iter().map(|o| (o.value.as_str(), supposed(set, walk, f, &o.value))).collect();
            (f, q, answers)
        })
        .collect();
    // A fact another candidate's answer may derive waits for it (the computer's OS and the
    // passkey type can tell "same device or QR code").
    let derivable = |fact: &str| {
        supposes
            .iter()
            .filter(|(g, _, _)| *g != fact)
            .any(|(_, _, answers)| answers.iter().any(|(_, b)| b.iter().any(|(k, _)| k == fact)))
    };
    // The prior weight an answer to `fact` is expected to remove (None: the look-ahead gave up,
    // or no answer narrows anything).
    let prior = |o: &At| priors.get(o).copied().unwrap_or(1.0);
    let narrowing = |candidate: usize| -> Option<f64> {
        let (fact, _, answers) = supposes.get(candidate)?;
        let healthy = super::also::healthy_value(fact);
        let likely = |v: &str| match healthy {
            _ if v == UNKNOWN => UNLIKELY,
            Some(h) if h != v => UNLIKELY,
            _ => 1.0,
        };
        let mut reached: Vec<(f64, Vec<At>)> = Vec::new();
        for (value, start) in answers {
            // "Can't tell" is taken to narrow nothing (and costs no look-ahead).
            if *value == UNKNOWN {
                reached.push((likely(value), reach.clone()));
                continue;
            }
            let start: Bound = start.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = look.explore(at, start, &mut Vec::new(), None, None, &mut verdicts.borrow_mut())?;
            reached.push((likely(value), r));
        }
        if reached.iter().all(|(_, r)| r.len() == reach.len()) {
            return None;
        }
        expected_left(reach, &reached, &prior).map(|left| total - left)
    };
    // Who may be asked, and how likely the walk is to read each at all: a question the world's
    // way never reads was effort spent for nothing (asking out of context makes a call long).
    // An outcome some way reaches without reading the fact stays whatever the answer, so the
    // weight of the others bounds what an answer can remove.
    struct Weighed<'q> {
        fact: &'q str,
        /// Its place among the candidates: runbook order.
        order: usize,
        effort: f64,
        needed: f64,
        context: bool,
    }
    let mut weighed: Vec<Weighed> = Vec::new();
    for (order, (fact, q, _)) in supposes.iter().enumerate() {
        if *fact != tree && (!look.askable.contains(fact) || derivable(fact)) {
            continue;
        }
        let needed = if *fact == tree {
            1.0
        } else {
            match look.explore(at, Bound::new(), &mut Vec::new(), Some(fact), None, &mut verdicts.borrow_mut()) {
                Some(without) => (1.0 - weight(&without) / total).max(0.0),
                None => continue,
            }
        };
        let context = super::also::healthy_value(fact).is_none();
        weighed.push(Weighed { fact, order, effort: effort(q.audience(&set.vocab)), needed, context });
    }
    // Context first: among the context facts every way reads, the most valuable (ties in
    // runbook order); then every candidate, the most promising first, until none can win.
    let better = |value: f64, order: usize, best: &Option<(f64, usize, &str)>| {
        best.is_none_or(|(b, o, _)| value > b + 1e-9 || (value > b - 1e-9 && order < o))
    };
    let mut best: Option<(f64, usize, &str)> = None;
    for w in weighed.iter().filter(|w| w.context && w.needed >= 1.0 - 1e-9) {
        if let Some(n) = narrowing(w.order) {
            let value = n / w.effort;
            if better(value, w.order, &best) {
                best = Some((value, w.order, w.fact));
            }
        }
    }
    if best.is_none() {
        let bound = |w: &Weighed| w.needed * total * w.needed / w.effort;
        weighed.sort_by(|a, b| bound(b).total_cmp(&bound(a)).then(a.order.cmp(&b.order)));
        for w in &weighed {
            if best.is_some_and(|(b, _, _)| bound(w) < b - 1e-9) {
                break;
            }
            if let Some(n) = narrowing(w.order) {
                let value = n * w.needed / w.effort;
                if better(value, w.order, &best) {
                    best = Some((value, w.order, w.fact));
                }
            }
        }
    }
    let Some((_, _, fact)) = best else { return tree_only() };
    let node = met.iter().find(|(f, _)| f == fact).and_then(|(_, at)| at.and_then(|a| set.node_ref_at(a)));
    (fact.to_string(), node)
}

/// The tree's own question can't change the outcome (contract §6 applied to its fact, as §9.2
/// weighs facts): every answer leads, past questions already answered, to the same node; no
/// answer derives anything more; and no way on from there reads the fact. Then it isn't asked:
/// "Which browser?" once the caller said they sign in in an app.
pub fn cannot_change(set: &RunbookSet, walk: &Walk, here: &NodeRef, q: &Question, survey: &Survey<'_>) -> bool {
    if typed(set, &q.fact) {
        return false;
    }
    let Some(at) = set.locate(here) else { return false };
    // Past questions whose facts are known (a question answered before it was reached).
    let settle = |mut at: At| -> Option<At> {
        for _ in 0..64 {
            let Some(Node::Question(next)) = set.node_at(at) else { return Some(at) };
            let Some(known) = walk.facts.get(&next.fact) else { return Some(at) };
            at = set.locate_next(at.0, super::question_next_ref(set, next, &known.value)?)?;
        }
        None
    };
    let mut ends = q.options.iter().map(|o| set.locate_next(at.0, &o.next).and_then(settle));
    let Some(Some(end)) = ends.next() else { return false };
    if !ends.all(|e| e == Some(end)) {
        return false;
    }
    if q.options.iter().any(|o| o.value != UNKNOWN && supposed(set, walk, &q.fact, &o.value).len() > 1) {
        return false;
    }
    let look = Lookahead::new(set, walk, Some(Rc::clone(&survey.graph)));
    look.explore(end, Bound::new(), &mut Vec::new(), None, Some(&q.fact), &mut Verdicts::default()).is_some()
}

/// The prior weight of reachable outcomes expected to be left after a question, from the
/// outcomes each answer leaves (with how likely the answer is where the outcome doesn't depend on
/// it): each outcome's weight is shared among the answers that can lead to it, and an answer is as
/// likely as the weight it gets. `None` when no answer gets any weight.
fn expected_left(reach: &[At], answers: &[(f64, Vec<At>)], prior: &dyn Fn(&At) -> f64) -> Option<f64> {
    let mut mass = vec![0.0; answers.len()];
    for o in reach {
        let share: f64 = answers.iter().filter(|(_, r)| r.contains(o)).map(|(l, _)| l).sum();
        if share > 0.0 {
            for (m, (l, r)) in mass.iter_mut().zip(answers) {
                if r.contains(o) {
                    *m += prior(o) * l / share;
                }
            }
        }
    }
    let spread: f64 = mass.iter().sum();
    let left = |r: &[At]| r.iter().map(prior).sum::<f64>();
    (spread > 0.0).then(|| answers.iter().zip(&mass).map(|((_, r), m)| m / spread * left(r)).sum())
}

/// One answer to a candidate, and what it binds on every imagined path ([`supposed`]).
type Supposed<'a> = (&'a str, Vec<(String, String)>);

/// A version or free text: answers that can't be enumerated.
fn typed(set: &RunbookSet, fact: &str) -> bool {
    matches!(set.vocab.fact(fact).map(|d| &d.ty), Some(FactType::Version | FactType::Text))
}

/// The facts an answer binds on every imagined path: the answer, and what it derives. Sorted.
fn supposed(set: &RunbookSet, walk: &Walk, fact: &str, value: &str) -> Vec<(String, String)> {
    let lookup = |k: &str| if k == fact { Some(value.to_string()) } else { walk.facts.get(k).map(|f| f.value.clone()) };
    let mut bound = vec![(fact.to_string(), value.to_string())];
    for d in super::derivations(set, &lookup) {
        if d.fact != fact && walk.facts.get(&d.fact).is_none_or(|f| f.value != d.value) {
            bound.push((d.fact, d.value));
        }
    }
    bound.sort();
    bound.dedup_by(|a, b| a.0 == b.0);
    bound
}

#[cfg(test)]
mod tests {
    use super::expected_left;

    #[test]
    fn an_answer_that_splits_leaves_half_and_one_that_doesnt_leaves_all() {
        let (a, b) = ((0, 1), (0, 2));
        let prior = |_: &(usize, usize)| 1.0;
        let split = [(1.0, vec![a]), (1.0, vec![b])];
        assert_eq!(expected_left(&[a, b], &split, &prior), Some(1.0));
        let none = [(1.0, vec![a, b]), (1.0, vec![a, b])];
        assert_eq!(expected_left(&[a, b], &none, &prior), Some(2.0));
        // A rare answer that names one outcome: the likely answer keeps nearly everything.
        let rare = [(1.0, vec![a, b]), (0.05, vec![a])];
        let left = expected_left(&[a, b], &rare, &prior).unwrap_or(0.0);
        assert!(left > 1.9 && left < 2.0, "{left}");
        assert_eq!(expected_left(&[a], &[(0.0, vec![a])], &prior), None);
    }
}
