//! The open checks of an export (contract §7, the session's `differential`), laid out for
//! people: grouped by who can check them (caller, agent, admin), one fact at a time, each answer
//! with the class and outcome it would lead to. Shared by the text and Markdown renderings.

use crate::engine::{Provenance, StepKind};
use crate::runbook::RunbookSet;
use crate::runbook::model::Node;
use crate::session::Session;
use crate::vocab::{Audience, UNKNOWN, Vocabulary};

/// One answer that would change the class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub value: String,
    pub class: String,
    /// What it would mean, in words: the outcome's title when the runbooks are at hand, else what
    /// the class means (empty when nothing says).
    pub meaning: String,
    /// `runbook#node` of the outcome it would end at.
    pub outcome: String,
}

/// One fact to check and what each of its answers would mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub fact: String,
    /// How the session left it unknown: `deferred`, `asked`, `assumed-unknown`, `skipped`...
    pub left_as: String,
    pub answers: Vec<Answer>,
}

/// The session's open checks by audience, in the order caller, agent, admin; empty when no
/// unknown answer matters. `set` (the runbooks in force, when the caller has them) says who
/// each question is asked of; without it the session alone decides (see [`audience_of`]).
pub fn grouped(s: &Session, set: Option<&RunbookSet>) -> Vec<(Audience, Vec<Check>)> {
    // Fixed on the call: nothing is open, whatever an unknown answer might have meant.
    if s.differential.is_empty() || s.outcome.as_ref().is_some_and(|o| o.resolved_on_call) {
        return Vec::new();
    }
    let contract = Vocabulary::contract();
    let vocab = set.map_or(&contract, |x| &x.vocab);
    let mut checks: Vec<(Audience, Check)> = Vec::new();
    // Where each fact's check is: a package can carry many entries (linear, not a scan each).
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for alt in &s.differential {
        let answer = Answer {
            value: alt.value.clone(),
            class: alt.class.clone(),
            meaning: meaning(set, vocab, &alt.outcome, &alt.class).into(),
            outcome: alt.outcome.clone(),
        };
        match index.get(alt.fact.as_str()).and_then(|i| checks.get_mut(*i)) {
            Some((_, c)) => c.answers.push(answer),
            None => {
                let check = Check { fact: alt.fact.clone(), left_as: left_as(s, &alt.fact), answers: vec![answer] };
                index.insert(&alt.fact, checks.len());
                checks.push((audience_of(s, set, &alt.fact), check));
            }
        }
    }
    Audience::ALL
        .iter()
        .map(|a| (*a, checks.iter().filter(|(x, _)| x == a).map(|(_, c)| c.clone()).collect::<Vec<_>>()))
        .filter(|(_, cs)| !cs.is_empty())
        .collect()
}

/// The likeliest classes the open checks could lead to (contract §9.5: the differential is
/// ranked most likely first): the first three, the rest counted. `None` with fewer than two.
pub fn most_likely(s: &Session) -> Option<(Vec<String>, usize)> {
    if s.outcome.as_ref().is_some_and(|o| o.resolved_on_call) {
        return None;
    }
    let mut classes: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in &s.differential {
        if seen.insert(a.class.as_str()) {
            classes.push(&a.class);
        }
    }
    (classes.len() > 1).then(|| {
        let first = classes.iter().take(3).map(|c| c.to_string()).collect();
        (first, classes.len().saturating_sub(3))
    })
}

/// How the ranked classes are introduced: for an escalation they are what tier 2 checks first;
/// beside a class already found they are only what a check coming back otherwise would mean,
/// not likelier than the class itself.
pub fn most_likely_label(escalates: bool) -> &'static str {
    if escalates { "Most likely" } else { "If a check comes back otherwise, likeliest" }
}

/// "(+2 less likely)", or nothing when every class is shown.
pub fn less_likely(rest: usize) -> String {
    if rest > 0 { format!(" (+{rest} less likely)") } else { String::new() }
}

/// The heading of the section: an escalation's open checks, or what would change a
/// classification.
pub fn heading(s: &Session) -> &'static str {
    if s.outcome.as_ref().is_some_and(|o| o.escalate) {
        "Open checks for tier 2"
    } else {
        "What would change this outcome"
    }
}

/// Who can check `fact`. A question tier 1 deferred is an admin's (contract §5, whatever the
/// fact's default); otherwise the question's own `asked_of`, else the fact's audience in the
/// runbooks in force, else the contract's default; a fact none of them knows is the caller's.
pub fn audience_of(s: &Session, set: Option<&RunbookSet>, fact: &str) -> Audience {
    let unknown_here =
        s.walk.path.iter().filter(|p| p.kind == StepKind::Question && p.fact.as_deref() == Some(fact)).rev();
    if unknown_here.clone().any(|p| p.provenance == Provenance::Deferred) {
        return Audience::Admin;
    }
    if let Some(set) = set {
        for p in unknown_here {
            if let Some(Node::Question(q)) = set.node(&p.node) {
                return q.audience(&set.vocab);
            }
        }
        if set.vocab.fact(fact).is_some() {
            return set.vocab.audience(fact);
        }
    }
    Audience::contract_default(fact).unwrap_or(Audience::Caller)
}

/// The title of outcome `runbook#node` in the runbooks at hand, if it is still that class's
/// (runbooks edited since the call may have moved it).
/// What an answer of the differential would mean, in words: the title of the outcome it leads
/// to when the runbooks are at hand (AADSTS53000 "requires a compliant device", not only its
/// class), else what the class means; empty when nothing says. The screen and every export say
/// the same.
pub fn meaning<'a>(set: Option<&'a RunbookSet>, vocab: &'a Vocabulary, outcome: &str, class: &str) -> &'a str {
    outcome_title(set, outcome, class)
        .or_else(|| vocab.class_meaning(class))
        .or_else(|| Vocabulary::contract_class_meaning(class))
        .unwrap_or("")
}

fn outcome_title<'a>(set: Option<&'a RunbookSet>, outcome: &str, class: &str) -> Option<&'a str> {
    let (runbook, node) = outcome.split_once('#')?;
    match set?.get(runbook)?.node(node)? {
        Node::Outcome(o) if o.class == class => Some(o.title.as_str()),
        _ => None,
    }
}

/// How the path left `fact` unknown (its last question's provenance), for the reader.
fn left_as(s: &Session, fact: &str) -> String {
    s.walk
        .path
        .iter()
        .rev()
        .find(|p| p.kind == StepKind::Question && p.fact.as_deref() == Some(fact) && p.answer == UNKNOWN)
        .map_or("unknown", |p| match p.provenance {
            Provenance::Deferred => "deferred by tier 1",
            Provenance::Skipped => "skipped",
            Provenance::AssumedUnknown => "not given",
            Provenance::Asked => "asked: can't tell",
            Provenance::FactsFile | Provenance::Imported => "unknown in the file",
            Provenance::Derived => "unknown",
        })
        .to_string()
}

/// The class the outcome keeps for every other answer.
pub fn current_class(s: &Session) -> Option<&str> {
    s.outcome.as_ref().map(|o| o.class.as_str())
}

/// `who` in a section heading: "The caller can check".
pub fn audience_heading(a: Audience) -> &'static str {
    a.heading()
}
