//! `/` search: a fuzzy index (nucleo-matcher) over question prompts, step titles, outcome titles,
//! classes and author keywords (AADSTS codes, symptom text), and the jump that follows Enter.
//!
//! A jump never invents evidence the engine can't check: it searches the engine's own states
//! for the answers that lead from the start to the target, preferring the answers the agent
//! already gave, and passes only through questions (never through a step the user hasn't done,
//! never by inventing a typed value). The facts it had to assume are marked `derived`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::engine::{Current, FactEntry, Provenance, Walk};
use crate::runbook::model::{Condition, Node};
use crate::runbook::{NodeRef, RunbookSet};
use crate::text::sanitize_line;
use crate::vocab::UNKNOWN;

/// What a search entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Question,
    Step,
    Outcome,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::Step => "step",
            Kind::Outcome => "outcome",
        }
    }
}

/// Which text of an entry matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Class,
    Keyword,
    Fact,
}

/// One searchable node; all text already sanitized.
#[derive(Debug, Clone)]
pub struct Entry {
    pub node: NodeRef,
    pub kind: Kind,
    /// Prompt (question), title (step, outcome).
    pub title: String,
    /// Outcome class.
    pub class: Option<String>,
    pub fields: Vec<(Field, String)>,
}

/// A match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into `Index::entries`.
    pub entry: usize,
    pub score: u32,
    /// The field that matched best and its text, when it isn't the title.
    pub via: Option<(Field, String)>,
}

/// The AADSTS codes a text names (`AADSTS53003`, `aadsts 53003`).
fn codes_in(text: &str) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let mut out = Vec::new();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("AADSTS") {
        rest = &rest[i + 6..];
        let digits: String = rest.trim_start_matches([' ', ':']).chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            out.push(digits);
        }
    }
    out
}

/// The search index over a runbook set.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
}

/// Results shown at most.
pub const MAX_RESULTS: usize = 100;

impl Index {
    pub fn build(set: &RunbookSet) -> Self {
        let mut entries = Vec::new();
        let codes = crate::aadsts::table();
        for (r, node) in set.nodes() {
            let mut keywords: Vec<(Field, String)> =
                node.keywords().iter().map(|k| (Field::Keyword, sanitize_line(k))).collect();
            // A code a node names is also found by its official name and text (the AADSTS table).
            let meanings: Vec<String> = node
                .keywords()
                .iter()
                .flat_map(|k| codes_in(k))
                .filter_map(|c| codes.lookup(&c).map(|c| c.one_line()))
                .collect();
            for m in meanings {
                if !keywords.iter().any(|(_, k)| *k == m) {
                    keywords.push((Field::Keyword, m));
                }
            }
            let keywords = keywords.into_iter();
            let entry = match node {
                Node::Question(q) => {
                    let mut fields =
                        vec![(Field::Title, sanitize_line(&q.prompt)), (Field::Fact, sanitize_line(&q.fact))];
                    fields.extend(keywords);
                    Entry { node: r, kind: Kind::Question, title: sanitize_line(&q.prompt), class: None, fields }
                }
                Node::Step(s) => {
                    let mut fields = vec![(Field::Title, sanitize_line(&s.title))];
                    fields.extend(keywords);
                    Entry { node: r, kind: Kind::Step, title: sanitize_line(&s.title), class: None, fields }
                }
                Node::Outcome(o) => {
                    let mut fields =
                        vec![(Field::Title, sanitize_line(&o.title)), (Field::Class, sanitize_line(&o.class))];
                    fields.extend(keywords);
                    Entry {
                        node: r,
                        kind: Kind::Outcome,
                        title: sanitize_line(&o.title),
                        class: Some(sanitize_line(&o.class)),
                        fields,
                    }
                }
                Node::Route(_) => continue,
            };
            entries.push(entry);
        }
        Self { entries }
    }

    /// Best matches first. An empty query lists every entry in runbook order.
    pub fn query(&self, query: &str) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            return (0..self.entries.len().min(MAX_RESULTS)).map(|entry| Hit { entry, score: 0, via: None }).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut hits: Vec<Hit> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut best: Option<(u32, &(Field, String))> = None;
            for f in &e.fields {
                let Some(score) = pattern.score(Utf32Str::new(&f.1, &mut buf), &mut matcher) else { continue };
                // Titles and classes win ties over keywords.
                let score = if f.0 == Field::Keyword || f.0 == Field::Fact { score } else { score + 1 };
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, f));
                }
            }
            if let Some((score, f)) = best {
                let via = (f.0 != Field::Title).then(|| f.clone());
                hits.push(Hit { entry: i, score, via });
            }
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits.truncate(MAX_RESULTS);
        hits
    }
}

/// A planned jump: the walk standing at the target, and the facts it had to assume.
#[derive(Debug, Clone)]
pub struct Jump {
    pub walk: Walk,
    /// Facts the jump set that the agent had not answered that way, in path order.
    pub implied: Vec<Implied>,
}

/// A fact a jump assumed (marked `derived`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implied {
    pub fact: String,
    pub value: String,
    /// The agent's earlier, different answer.
    pub was: Option<String>,
}

/// States the jump search may visit before it gives up.
const JUMP_LIMIT: usize = 20_000;

/// Finds answers that take the walk from the start to `target`; see the module docs.
/// Errors are one line for the status bar.
pub fn plan_jump(set: &RunbookSet, walk: &Walk, target: &NodeRef, now: DateTime<Utc>) -> Result<Jump, String> {
    if walk.position.node() == target {
        return Err("You are already there.".to_string());
    }
    let label = target_label(set, target);
    if let Some(Node::Question(q)) = set.node(target)
        && let Some(f) = walk.facts.get(&q.fact)
        && matches!(f.provenance, Provenance::FactsFile | Provenance::Imported)
    {
        return Err(format!(
            "{label} is answered already: {} = {} ({}).",
            sanitize_line(&q.fact),
            sanitize_line(&f.value),
            f.provenance.as_str()
        ));
    }
    let reach = reaching(set, target);
    let entry = set.entry().ok_or("the runbooks have no entry")?;
    if !reach.contains(&entry) {
        return Err(format!("{label} can't be reached from the start of the triage."));
    }
    let asked: HashMap<&str, &FactEntry> =
        walk.facts.iter().filter(|(_, f)| f.provenance == Provenance::Asked).map(|(k, f)| (k.as_str(), f)).collect();

    let mut start = walk.clone();
    start.options.assume_unknown = false;
    start.restart(set, now).map_err(|e| e.to_string())?;
    start.step_results = walk.step_results.clone();
    start.advance(set, now).map_err(|e| e.to_string())?;

    let typed_values = typed_candidates(set);
    let mut states: Vec<(Walk, Vec<Implied>)> = vec![(start, Vec::new())];
    let mut heap = BinaryHeap::new();
    heap.push(Reverse(((0usize, 0usize, 0usize), 0usize)));
    let mut seen: HashSet<String> = HashSet::new();
    let mut blocked_by_step: Option<String> = None;
    let mut needs_typing: Option<String> = None;
    let mut expanded = 0;
    while let Some(Reverse(((concrete, unknowns, answers), i))) = heap.pop() {
        expanded += 1;
        if expanded > JUMP_LIMIT {
            break;
        }
        let (w, implied) = &states[i];
        if w.position.node() == target {
            let (w, implied) = states.swap_remove(i);
            return Ok(finish(walk, w, implied, &asked));
        }
        // (fact, value, entry to store, assumed by the jump?)
        let mut branches: Vec<(String, String, FactEntry, bool)> = Vec::new();
        let mut branch = |fact: &str, value: &str| {
            let agent = asked.get(fact).is_some_and(|f| f.value == value);
            let entry = match asked.get(fact) {
                Some(f) if agent => (*f).clone(),
                _ => FactEntry { value: value.to_string(), provenance: Provenance::Derived, at: now, via: None },
            };
            branches.push((fact.to_string(), value.to_string(), entry, !agent));
        };
        match w.current(set) {
            Some(Current::Question(r, q)) => {
                for o in &q.options {
                    if reach.contains(&NodeRef::resolve(&r.runbook, &o.next)) {
                        branch(&q.fact, &o.value);
                    }
                }
                if let Some(e) = &q.entry
                    && reach.contains(&NodeRef::resolve(&r.runbook, &e.next))
                {
                    let mut values: Vec<&str> = Vec::new();
                    if let Some(f) = asked.get(q.fact.as_str())
                        && !q.options.iter().any(|o| o.value == f.value)
                    {
                        values.push(&f.value);
                    }
                    values.extend(typed_values.get(q.fact.as_str()).into_iter().flatten().map(String::as_str));
                    if values.is_empty() {
                        needs_typing.get_or_insert_with(|| sanitize_line(&q.prompt));
                    }
                    for v in values {
                        if set.vocab.check(&q.fact, v).is_ok() {
                            branch(&q.fact, v);
                        }
                    }
                }
            }
            Some(Current::Step(_, s)) => {
                blocked_by_step.get_or_insert_with(|| sanitize_line(&s.title));
            }
            _ => {}
        }
        let mut fresh = Vec::new();
        for (fact, value, entry, assumed) in branches {
            let mut w2 = w.clone();
            w2.facts.insert(fact.clone(), entry);
            if w2.advance(set, now).is_err() {
                continue;
            }
            if !seen.insert(state_key(&w2)) {
                continue;
            }
            let mut implied2 = implied.clone();
            let cost = if !assumed {
                (concrete, unknowns, answers + 1)
            } else if value == UNKNOWN {
                (concrete, unknowns + 1, answers + 1)
            } else {
                (concrete + 1, unknowns, answers + 1)
            };
            if assumed {
                let was = asked.get(fact.as_str()).map(|f| f.value.clone());
                implied2.push(Implied { fact, value, was });
            }
            fresh.push((w2, implied2, cost));
        }
        for (w2, implied2, cost) in fresh {
            states.push((w2, implied2));
            heap.push(Reverse((cost, states.len() - 1)));
        }
    }
    Err(match (blocked_by_step, needs_typing) {
        (Some(step), _) => format!("{label} lies past the step \"{step}\": do that step first, then search again."),
        (None, Some(q)) => format!("{label} needs a typed answer to \"{q}\": answer it, then search again."),
        _ => format!("No answers lead from the start to {label}; nothing changed."),
    })
}

/// The jumped walk, keeping the agent's options and earlier answers as defaults.
fn finish(old: &Walk, mut w: Walk, implied: Vec<Implied>, asked: &HashMap<&str, &FactEntry>) -> Jump {
    w.options = old.options;
    w.previous_answers = old.previous_answers.clone();
    w.previous_entries = old.previous_entries.clone();
    for (k, f) in asked {
        if w.facts.get(*k).is_none_or(|now| now.value != f.value) {
            w.previous_answers.entry(k.to_string()).or_insert_with(|| f.value.clone());
        }
    }
    Jump { walk: w, implied }
}

fn state_key(w: &Walk) -> String {
    let mut k = w.position.node().to_string();
    for (key, f) in &w.facts {
        k.push('\u{1}');
        k.push_str(key);
        k.push('=');
        k.push_str(&f.value);
    }
    k
}

/// Values route rules compare typed facts with (`equals`, `one_of`): the only typed answers a
/// jump may assume, because reaching the target through that rule means exactly that value.
fn typed_candidates(set: &RunbookSet) -> HashMap<&str, Vec<String>> {
    fn walk_cond<'a>(c: &'a Condition, out: &mut HashMap<&'a str, Vec<String>>) {
        if let Some(f) = c.fact.as_deref() {
            let vals = out.entry(f).or_default();
            for v in c.equals.iter().chain(c.one_of.iter().flatten()) {
                if !vals.contains(v) {
                    vals.push(v.clone());
                }
            }
        }
        for inner in c.all.iter().flatten().chain(c.any.iter().flatten()) {
            walk_cond(inner, out);
        }
    }
    let mut out = HashMap::new();
    for (_, node) in set.nodes() {
        if let Node::Route(r) = node {
            for rule in &r.rules {
                walk_cond(&rule.when, &mut out);
            }
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// Every node from which `target` can be reached, over all transitions (routes over-approximated:
/// any rule may fire; the engine decides for real during the search).
fn reaching(set: &RunbookSet, target: &NodeRef) -> HashSet<NodeRef> {
    let mut rev: HashMap<NodeRef, Vec<NodeRef>> = HashMap::new();
    for (r, node) in set.nodes() {
        for (_, next) in node.transitions() {
            rev.entry(NodeRef::resolve(&r.runbook, next)).or_default().push(r.clone());
        }
    }
    let mut seen = HashSet::from([target.clone()]);
    let mut queue = VecDeque::from([target.clone()]);
    while let Some(n) = queue.pop_front() {
        for p in rev.get(&n).into_iter().flatten() {
            if seen.insert(p.clone()) {
                queue.push_back(p.clone());
            }
        }
    }
    seen
}

/// "question "…"" / "outcome "…"" for messages.
pub fn target_label(set: &RunbookSet, target: &NodeRef) -> String {
    match set.node(target) {
        Some(Node::Question(q)) => format!("the question \"{}\"", sanitize_line(&q.prompt)),
        Some(Node::Step(s)) => format!("the step \"{}\"", sanitize_line(&s.title)),
        Some(Node::Outcome(o)) => format!("the outcome \"{}\"", sanitize_line(&o.title)),
        _ => sanitize_line(&target.to_string()),
    }
}
