//! Lint for contract §9.1, a walk is a function of its facts: a rule's `set` must not contradict a
//! fact the same path can already have given (`set-overrides-fact`), and a route should not read
//! whether a fact was given (`reads-not-known`), since the walk resolves every fact a route reads
//! before the route decides.

use std::collections::{BTreeMap, VecDeque};

use super::Graph;
use crate::matrix::Matrix;
use crate::runbook::model::{Condition, Node};
use crate::runbook::position::escape_segment;
use crate::runbook::{Finding, LoadedRunbook, NodeRef, RunbookSet};
use crate::vocab::{FactType, UNKNOWN, same_value};

/// `file:line:col` of `below` under node `n`, for naming it in another node's finding.
fn position(graph: &Graph, n: usize, below: &str) -> String {
    let (_, rb, index) = &graph.refs[n];
    match rb.file.pos(&format!("/nodes/{index}{below}")) {
        Some(p) => format!("{}:{}:{}", rb.file.origin, p.line, p.col),
        None => rb.file.origin.to_string(),
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
pub(super) fn sets_never_override(
    set: &RunbookSet,
    graph: &Graph,
    selected: &dyn Fn(&LoadedRunbook) -> bool,
    out: &mut Vec<Finding>,
) {
    // The facts set, each with its setters (route, rule); only those of selected runbooks.
    let mut setters: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (n, (_, rb, _)) in graph.refs.iter().enumerate() {
        let Node::Route(r) = graph.node(n) else { continue };
        if !selected(rb) {
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
    let successors = &graph.adj;
    // Only what a walk can pass counts as upstream: the nodes reached from the entry (all of
    // them when the set has none).
    let entry = set.entry().and_then(|e| graph.ids.get(&e).copied());
    let walked: Vec<bool> = match entry {
        Some(e) => {
            downstream_of(&[(e, ())], successors).iter().enumerate().map(|(n, r)| n == e || r.is_some()).collect()
        }
        None => vec![true; successors.len()],
    };
    for (fact, rules) in setters {
        let walked_nodes = (0..successors.len()).filter(|n| walked[*n]);
        let asked: Vec<(usize, Resolver)> = walked_nodes
            .clone()
            .filter(|n| matches!(graph.node(*n), Node::Question(q) if q.fact == fact))
            .map(|n| (n, Resolver::Question(n)))
            .collect();
        let read: Vec<(usize, Resolver)> = walked_nodes
            .flat_map(|n| reading_rule(graph.node(n), fact, &set.matrix, None).map(|k| (n, Resolver::Rule(n, k))))
            .collect();
        let asked_above = downstream_of(&asked, successors);
        let read_above = downstream_of(&read, successors);
        for (n, j) in rules {
            let (at, rb, index) = &graph.refs[n];
            let Node::Route(r) = graph.node(n) else { continue };
            let rule = &r.rules[j];
            // A value outside the vocabulary is never set (`bad-value` says so).
            let Some(value) = rule.set.get(fact).filter(|v| set.vocab.check(fact, v).is_ok()) else { continue };
            let other_rule = reading_rule(graph.node(n), fact, &set.matrix, Some(j));
            let why = if let Some(Resolver::Question(q)) = asked_above[n] {
                format!(
                    "{} asks `{fact}` upstream ({}), so the path can have given it",
                    graph.refs[q].0,
                    position(graph, q, "/fact")
                )
            } else if let Some(Resolver::Rule(m, k)) = read_above[n].or(other_rule.map(|k| Resolver::Rule(n, k))) {
                format!(
                    "rule {} of {} reads `{fact}` ({}), so the walk resolves it before this rule can apply",
                    k + 1,
                    graph.refs[m].0,
                    position(graph, m, &format!("/rules/{k}/when"))
                )
            } else if admits_other_value(&rule.when, fact, value, false, set) {
                format!("the rule's own `when` holds with `{fact}` known and not `{value}`")
            } else {
                continue;
            };
            let pointer = format!("/nodes/{index}/rules/{j}/set/{}", escape_segment(fact));
            out.push(
                Finding::error(
                    "set-overrides-fact",
                    &rb.file,
                    &pointer,
                    format!(
                        "{} rule {} sets `{fact}` = `{value}`, but {why}: a `set` fills in only facts not yet known and must not contradict one the path can give (contract §9.1); drop it, or set a fact nothing asks",
                        at,
                        j + 1
                    ),
                )
                .with_node(at),
            );
        }
    }
}

/// The first rule of a route (other than `except`) whose `when` reads `fact`.
fn reading_rule(node: &Node, fact: &str, matrix: &Matrix, except: Option<usize>) -> Option<usize> {
    let Node::Route(r) = node else { return None };
    r.rules.iter().enumerate().position(|(k, rule)| Some(k) != except && reads(&rule.when, fact, matrix))
}

/// Does `c` read `fact` (a matrix test reads every fact its rows read, as `facts_read` says)?
fn reads(c: &Condition, fact: &str, matrix: &Matrix) -> bool {
    c.fact.as_deref() == Some(fact)
        || c.matrix.as_ref().is_some_and(|m| matrix.facts_read(m.area, m.versions_counted()).any(|f| f == fact))
        || c.all
            .iter()
            .flatten()
            .chain(c.any.iter().flatten())
            .chain(c.not.as_deref())
            .any(|sub| reads(sub, fact, matrix))
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
    if c.all
        .iter()
        .flatten()
        .chain(c.any.iter().flatten())
        .any(|sub| admits_other_value(sub, fact, value, negated, set))
    {
        return true;
    }
    if let Some(sub) = &c.not {
        return admits_other_value(sub, fact, value, !negated, set);
    }
    if let Some(m) = &c.matrix {
        return set.matrix.facts_read(m.area, m.versions_counted()).any(|f| f == fact);
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
