//! Lint for contract §9.1, a walk is a function of its facts: a rule's `set` must not contradict a
//! fact the same path can already have given (`set-overrides-fact`), and a route should not read
//! whether a fact was given (`reads-not-known`), since the walk resolves every fact a route reads
//! before the route decides.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::super::model::{Condition, Node};
use super::super::position::escape_segment;
use super::super::{Finding, LoadedRunbook, NodeRef, RunbookSet};
use crate::engine::condition::facts_read;
use crate::vocab::{FactType, UNKNOWN, same_value};

/// One node of the whole set, in runbook order then node order.
struct Place<'a> {
    at: NodeRef,
    rb: &'a LoadedRunbook,
    index: usize,
}

impl Place<'_> {
    fn node(&self) -> &Node {
        &self.rb.runbook.nodes[self.index]
    }

    /// `file:line:col` of `pointer` under this node, for naming it in another node's finding.
    fn position(&self, below: &str) -> String {
        let pointer = format!("/nodes/{}{below}", self.index);
        match self.rb.file.pos(&pointer) {
            Some(p) => format!("{}:{}:{}", self.rb.file.origin, p.line, p.col),
            None => self.rb.file.origin.to_string(),
        }
    }
}

/// Where a fact is resolved upstream: a question asking it, or a route rule reading it.
#[derive(Clone, Copy)]
enum Resolver {
    Question(usize),
    Rule(usize, usize),
}

/// `set-overrides-fact` for every rule of the selected runbooks that sets a fact which a question
/// upstream asks, a route upstream (or another rule of the same route) reads, or the rule's own
/// `when` reads with another value.
pub(super) fn sets_never_override(set: &RunbookSet, selected: &dyn Fn(&LoadedRunbook) -> bool, out: &mut Vec<Finding>) {
    let mut ids: HashMap<NodeRef, usize> = HashMap::new();
    let mut places: Vec<Place> = Vec::new();
    for rb in &set.runbooks {
        for (index, n) in rb.runbook.nodes.iter().enumerate() {
            let at = NodeRef::new(rb.id(), n.id());
            if !ids.contains_key(&at) {
                ids.insert(at.clone(), places.len());
                places.push(Place { at, rb, index });
            }
        }
    }
    // The facts set, each with its setters (route, rule); only those of selected runbooks.
    let mut setters: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (n, place) in places.iter().enumerate() {
        let Node::Route(r) = place.node() else { continue };
        if !selected(place.rb) {
            continue;
        }
        for (j, rule) in r.rules.iter().enumerate() {
            for key in rule.set.keys() {
                setters.entry(key.as_str()).or_default().push((n, j));
            }
        }
    }
    if setters.is_empty() {
        return;
    }
    let successors: Vec<Vec<usize>> = places
        .iter()
        .map(|p| {
            let mut v: Vec<usize> = p
                .node()
                .transitions()
                .iter()
                .filter_map(|(_, next)| ids.get(&NodeRef::resolve(&p.at.runbook, next)).copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    // The facts each route rule reads (a matrix test reads every fact its rows read).
    let reads: Vec<Vec<Vec<&str>>> = places
        .iter()
        .map(|p| match p.node() {
            Node::Route(r) => r
                .rules
                .iter()
                .map(|rule| {
                    let mut f = Vec::new();
                    facts_read(&rule.when, &set.matrix, &mut f);
                    f
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    // Only what a walk can pass counts as upstream: the nodes reached from the entry (all of
    // them when the set has none).
    let entry = set.entry().and_then(|e| ids.get(&e).copied());
    let walked: Vec<bool> = match entry {
        Some(e) => {
            downstream_of(&[(e, ())], &successors).iter().enumerate().map(|(n, r)| n == e || r.is_some()).collect()
        }
        None => vec![true; places.len()],
    };
    for (fact, rules) in setters {
        let asked: Vec<(usize, Resolver)> = places
            .iter()
            .enumerate()
            .filter(|(n, p)| walked[*n] && matches!(p.node(), Node::Question(q) if q.fact == fact))
            .map(|(n, _)| (n, Resolver::Question(n)))
            .collect();
        let read: Vec<(usize, Resolver)> = reads
            .iter()
            .enumerate()
            .filter(|(n, _)| walked[*n])
            .flat_map(|(n, rules)| rules.iter().position(|r| r.contains(&fact)).map(|k| (n, Resolver::Rule(n, k))))
            .collect();
        let asked_above = downstream_of(&asked, &successors);
        let read_above = downstream_of(&read, &successors);
        for (n, j) in rules {
            let place = &places[n];
            let Node::Route(r) = place.node() else { continue };
            let rule = &r.rules[j];
            // A value outside the vocabulary is never set (`bad-value` says so).
            let Some(value) = rule.set.get(fact).filter(|v| set.vocab.check(fact, v).is_ok()) else { continue };
            let other_rule = reads[n].iter().enumerate().find(|(k, f)| *k != j && f.contains(&fact)).map(|(k, _)| k);
            let why = if let Some(Resolver::Question(q)) = asked_above[n] {
                format!(
                    "{} asks `{fact}` upstream ({}), so the path can have given it",
                    places[q].at,
                    places[q].position("/fact")
                )
            } else if let Some(Resolver::Rule(m, k)) = read_above[n].or(other_rule.map(|k| Resolver::Rule(n, k))) {
                format!(
                    "rule {} of {} reads `{fact}` ({}), so the walk resolves it before this rule can apply",
                    k + 1,
                    places[m].at,
                    places[m].position(&format!("/rules/{k}/when"))
                )
            } else if admits_other_value(&rule.when, fact, value, false, set) {
                format!("the rule's own `when` holds with `{fact}` known and not `{value}`")
            } else {
                continue;
            };
            let pointer = format!("/nodes/{}/rules/{j}/set/{}", place.index, escape_segment(fact));
            out.push(
                Finding::error(
                    "set-overrides-fact",
                    &place.rb.file,
                    &pointer,
                    format!(
                        "{} rule {} sets `{fact}` = `{value}`, but {why}: a `set` fills in only facts not yet known and must not contradict one the path can give (contract §9.1); drop it, or set a fact nothing asks",
                        place.at,
                        j + 1
                    ),
                )
                .with_node(&place.at),
            );
        }
    }
}

/// For every node, one of `sources` it can be reached from by at least one transition (the
/// nearest, ties in source order), or None.
fn downstream_of<T: Copy>(sources: &[(usize, T)], successors: &[Vec<usize>]) -> Vec<Option<T>> {
    let mut from: Vec<Option<T>> = vec![None; successors.len()];
    let mut queue: VecDeque<(usize, T)> = VecDeque::new();
    for &(n, r) in sources {
        queue.extend(successors[n].iter().map(|&m| (m, r)));
    }
    while let Some((n, r)) = queue.pop_front() {
        if from[n].is_some() {
            continue;
        }
        from[n] = Some(r);
        queue.extend(successors[n].iter().filter(|&&m| from[m].is_none()).map(|&m| (m, r)));
    }
    from
}

/// Can `c` hold with `fact` known and other than `value`? Reading the fact as `unknown` (known:
/// false, equals unknown) fills it in; reading it equal to `value` confirms it; anything else
/// (another value, known: true, a version test, a matrix test reading it) may not. Under `not`,
/// an enumerated fact's remaining values count.
fn admits_other_value(c: &Condition, fact: &str, value: &str, negated: bool, set: &RunbookSet) -> bool {
    let children = c.all.iter().flatten().chain(c.any.iter().flatten());
    if children.clone().any(|sub| admits_other_value(sub, fact, value, negated, set)) {
        return true;
    }
    if let Some(sub) = &c.not {
        return admits_other_value(sub, fact, value, !negated, set);
    }
    if let Some(m) = &c.matrix {
        return set.matrix.facts_read(m.area).any(|f| f == fact);
    }
    if c.fact.as_deref() != Some(fact) {
        return false;
    }
    if c.version_below.is_some() || c.version_at_least.is_some() {
        return true;
    }
    if let Some(k) = c.known {
        return k != negated;
    }
    let listed: Vec<&String> = c.equals.iter().chain(c.one_of.iter().flatten()).collect();
    let other = |w: &str| w != UNKNOWN && !same_value(fact, value, w);
    if !negated {
        return listed.iter().any(|w| other(w));
    }
    match set.vocab.fact(fact).map(|d| &d.ty) {
        Some(FactType::Enum(values)) => {
            values.iter().filter(|v| !listed.iter().any(|w| same_value(fact, v, w))).any(|v| other(v))
        }
        _ => true,
    }
}

/// `reads-not-known` (a warning) for every `known` test in a route rule of the selected runbooks.
pub(super) fn routes_read_values(set: &RunbookSet, selected: &dyn Fn(&LoadedRunbook) -> bool, out: &mut Vec<Finding>) {
    for rb in set.runbooks.iter().filter(|rb| selected(rb)) {
        for (i, node) in rb.runbook.nodes.iter().enumerate() {
            let Node::Route(r) = node else { continue };
            let me = NodeRef::new(rb.id(), &r.id);
            for (j, rule) in r.rules.iter().enumerate() {
                known_tests(&rule.when, &format!("/nodes/{i}/rules/{j}/when"), &mut |c, pointer| {
                    let fact = c.fact.as_deref().unwrap_or("?");
                    out.push(
                        Finding::warning(
                            "reads-not-known",
                            &rb.file,
                            pointer,
                            format!(
                                "{me} rule {}: `{fact}` known: {} asks whether `{fact}` was given, but the walk resolves (asks) every fact a route reads before the route decides (contract §9.1), so this no longer skips a question: test its values, derive it with a rule's `set`, or ask it with an ordinary question",
                                j + 1,
                                c.known.unwrap_or_default()
                            ),
                        )
                        .with_node(&me),
                    );
                });
            }
        }
    }
}

/// Calls `found` with every `known` test inside `c` and its pointer.
fn known_tests(c: &Condition, pointer: &str, found: &mut dyn FnMut(&Condition, &str)) {
    if c.known.is_some() {
        found(c, pointer);
    }
    for (name, list) in [("all", &c.all), ("any", &c.any)] {
        for (i, sub) in list.iter().flatten().enumerate() {
            known_tests(sub, &format!("{pointer}/{name}/{i}"), found);
        }
    }
    if let Some(sub) = &c.not {
        known_tests(sub, &format!("{pointer}/not"), found);
    }
}
