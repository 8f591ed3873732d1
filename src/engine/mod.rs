//! The diagnosis engine: a pure state machine over a [`RunbookSet`]. No I/O, no clock (every
//! operation takes `now`), no terminal. The UI, `diagnose` and sessions all drive this.

pub mod also;
pub mod condition;
pub mod differential;
pub mod outcome;
pub mod reach;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::runbook::model::{Node, Outcome, Question, Step};
use crate::runbook::{NodeRef, RunbookSet};
use crate::vocab::{Audience, FactError, FactType, UNKNOWN};

/// Where a fact came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// The agent asked and the user answered on this call.
    Asked,
    /// Given in a facts file (`--facts`).
    FactsFile,
    /// Derived by a runbook rule.
    Derived,
    /// Not given; answered `unknown` because of `--assume-unknown`.
    AssumedUnknown,
    /// From an imported record (an escalation package, a sign-in log).
    Imported,
    /// An `admin` question tier 1 doesn't ask (contract §5): answered `unknown`, an open check.
    Deferred,
    /// No answer could change the outcome from here (contract §6): answered `unknown`, not asked.
    Skipped,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Asked => "asked",
            Provenance::FactsFile => "facts-file",
            Provenance::Derived => "derived",
            Provenance::AssumedUnknown => "assumed-unknown",
            Provenance::Imported => "imported",
            Provenance::Deferred => "deferred",
            Provenance::Skipped => "skipped",
        }
    }

    /// The contract's `source` word in `diagnose` paths.
    pub fn contract_source(self) -> &'static str {
        match self {
            Provenance::AssumedUnknown => "assumed-unknown",
            Provenance::Derived => "derived",
            Provenance::Imported => "imported",
            Provenance::Deferred => "deferred",
            Provenance::Skipped => "skipped",
            Provenance::Asked | Provenance::FactsFile => "facts",
        }
    }

    /// Was this answer put in by the walk itself (not by anyone who knew it)? Such answers are
    /// recomputed when the walk passes their question again.
    pub fn is_placeholder(self) -> bool {
        matches!(self, Provenance::Deferred | Provenance::Skipped)
    }
}

/// Who runs the walk (contract §5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The agent on the call: questions asked of `admin` are deferred, not asked.
    Tier1,
    /// Tier 2 (and `diagnose`'s default, v1's behaviour): every question may be asked.
    #[default]
    Tier2,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Tier1 => "tier1",
            Role::Tier2 => "tier2",
        }
    }
}

/// A known fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FactEntry {
    pub value: String,
    pub provenance: Provenance,
    pub at: DateTime<Utc>,
    /// Who supplied it when not this session (e.g. `tier-1 session <id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// What kind of node a path entry passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    Question,
    Step,
    Route,
}

/// One step of the path taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PathEntry {
    pub node: NodeRef,
    pub kind: StepKind,
    /// The fact a question set (None for steps and routes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    /// The answer, step result, or (for routes) the rule that matched.
    pub answer: String,
    pub provenance: Provenance,
    pub at: DateTime<Utc>,
}

/// The path as a person reads it: the questions and steps, without route decisions, and a
/// question only where its fact first appears (a later question on a fact already known is
/// followed without being asked, and keeps the first answer's time).
pub fn questions_and_steps(path: &[PathEntry]) -> impl Iterator<Item = &PathEntry> {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    path.iter().filter(move |p| match p.kind {
        StepKind::Route => false,
        StepKind::Step => true,
        StepKind::Question => p.fact.as_deref().is_none_or(|f| seen.insert(f)),
    })
}

/// How unanswered nodes are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WalkOptions {
    /// Answer questions whose fact is not known `unknown` instead of stopping.
    pub assume_unknown: bool,
    /// Take steps' `unknown` ("couldn't try") result instead of stopping (non-interactive runs).
    pub skip_steps: bool,
    /// Tier 1 defers `admin` questions; tier 2 asks them (contract §5).
    #[serde(default)]
    pub role: Role,
    /// Ask every question even when no answer could change the outcome (contract §6 off): for
    /// tests that compare against the plain walk, and for the differential's what-ifs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ask_all: bool,
}

/// Where the walk stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Position {
    /// Waiting for an answer at a question or step.
    Waiting { node: NodeRef },
    /// Ended at an outcome.
    Finished { node: NodeRef },
}

impl Position {
    pub fn node(&self) -> &NodeRef {
        match self {
            Position::Waiting { node } | Position::Finished { node } => node,
        }
    }
}

/// Errors the engine reports instead of panicking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("the runbook set has no entry runbook `triage`")]
    NoEntry,
    #[error("`{from}` leads to `{to}`, which does not exist")]
    Dangling { from: NodeRef, to: NodeRef },
    #[error("the walk went round a cycle through {0}")]
    Cycle(String),
    #[error("{node}: the walk is not waiting for an answer here")]
    NotWaiting { node: NodeRef },
    #[error("{node}: `{answer}` is not an option here")]
    NotAnOption { node: NodeRef, answer: String },
    #[error("{0}")]
    Fact(#[from] FactError),
    #[error("nothing to go back to")]
    NothingToGoBack,
}

/// The state of one diagnosis: facts with provenance, step results, and the path taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Walk {
    pub facts: BTreeMap<String, FactEntry>,
    /// Results of steps, by `runbook#node`.
    #[serde(default)]
    pub step_results: BTreeMap<String, FactEntry>,
    pub path: Vec<PathEntry>,
    pub position: Position,
    /// Answers the agent took back with `back`, offered as the default when asked again.
    #[serde(default)]
    pub previous_answers: BTreeMap<String, String>,
    /// The whole entries (provenance, time, `via`) of answers taken back that came from an
    /// earlier session (tier 1), so they keep their origin if they are re-applied unchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub previous_entries: BTreeMap<String, FactEntry>,
    #[serde(default)]
    pub options: WalkOptions,
}

/// The node the walk waits at, resolved.
pub enum Current<'a> {
    Question(&'a NodeRef, &'a Question),
    Step(&'a NodeRef, &'a Step),
    Outcome(&'a NodeRef, &'a Outcome),
}

impl Walk {
    /// Starts a walk at the entry runbook with facts already known (facts file, import).
    pub fn start(
        set: &RunbookSet,
        prefill: impl IntoIterator<Item = (String, String, Provenance)>,
        options: WalkOptions,
        now: DateTime<Utc>,
    ) -> Result<Self, EngineError> {
        let entry = set.entry().ok_or(EngineError::NoEntry)?;
        let mut walk = Walk {
            facts: BTreeMap::new(),
            step_results: BTreeMap::new(),
            path: Vec::new(),
            position: Position::Waiting { node: entry },
            previous_answers: BTreeMap::new(),
            previous_entries: BTreeMap::new(),
            options,
        };
        for (key, value, provenance) in prefill {
            set.vocab.check(&key, &value)?;
            walk.facts.insert(key, FactEntry { value, provenance, at: now, via: None });
        }
        walk.advance(set, now)?;
        Ok(walk)
    }

    pub fn fact(&self, key: &str) -> Option<&str> {
        self.facts.get(key).map(|f| f.value.as_str())
    }

    /// A lookup closure for conditions and the matrix.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        move |k| self.facts.get(k).map(|f| f.value.clone())
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.position, Position::Finished { .. })
    }

    /// The node the walk stands at.
    pub fn current<'a>(&'a self, set: &'a RunbookSet) -> Option<Current<'a>> {
        let r = self.position.node();
        match set.node(r)? {
            Node::Question(q) => Some(Current::Question(r, q)),
            Node::Step(s) => Some(Current::Step(r, s)),
            Node::Outcome(o) => Some(Current::Outcome(r, o)),
            Node::Route(_) => None,
        }
    }

    /// The outcome, once finished.
    pub fn outcome<'a>(&'a self, set: &'a RunbookSet) -> Option<(&'a NodeRef, &'a Outcome)> {
        match self.current(set)? {
            Current::Outcome(r, o) if self.is_finished() => Some((r, o)),
            _ => None,
        }
    }

    /// Answers the question or step the walk waits at (an option value, or typed text for
    /// version/text facts), then moves on as far as the known facts allow.
    pub fn answer(&mut self, set: &RunbookSet, answer: &str, now: DateTime<Utc>) -> Result<(), EngineError> {
        let here = self.position.node().clone();
        let not_waiting = || EngineError::NotWaiting { node: here.clone() };
        if self.is_finished() {
            return Err(not_waiting());
        }
        match set.node(&here).ok_or_else(not_waiting)? {
            Node::Question(q) => {
                let typed = q.entry.is_some() && !q.options.iter().any(|o| o.value == answer);
                if !typed && !q.options.iter().any(|o| o.value == answer) {
                    return Err(EngineError::NotAnOption { node: here, answer: answer.to_string() });
                }
                let answer = answer.trim();
                set.vocab.check(&q.fact, answer)?;
                self.facts.insert(
                    q.fact.clone(),
                    FactEntry { value: answer.to_string(), provenance: Provenance::Asked, at: now, via: None },
                );
                self.previous_answers.remove(&q.fact);
                self.previous_entries.remove(&q.fact);
            }
            Node::Step(s) => {
                if !s.options.iter().any(|o| o.value == answer) {
                    return Err(EngineError::NotAnOption { node: here, answer: answer.to_string() });
                }
                self.step_results.insert(
                    here.to_string(),
                    FactEntry { value: answer.to_string(), provenance: Provenance::Asked, at: now, via: None },
                );
                self.previous_entries.remove(&here.to_string());
            }
            _ => return Err(not_waiting()),
        }
        self.advance(set, now)
    }

    /// Sets a fact from any source. Validated against the vocabulary. If the walk waits at the
    /// question for this fact, it moves on.
    pub fn set_fact(
        &mut self,
        set: &RunbookSet,
        key: &str,
        value: &str,
        provenance: Provenance,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        set.vocab.check(key, value)?;
        self.facts.insert(key.to_string(), FactEntry { value: value.to_string(), provenance, at: now, via: None });
        if !self.is_finished() {
            self.advance(set, now)?;
        }
        Ok(())
    }

    /// Goes back to the previous question the agent *asked* (or, in a session that continues an
    /// earlier one, that the earlier session answered: see [`Walk::can_go_back`]). Its answer is
    /// taken back (and remembered as the default); every other answer, including the one of the
    /// question we leave, is kept and re-applied when the walk passes that question again.
    pub fn back(&mut self, set: &RunbookSet, now: DateTime<Utc>) -> Result<(), EngineError> {
        let idx = self.back_target().ok_or(EngineError::NothingToGoBack)?;
        let entry = self.path[idx].clone();
        self.keep_answer_here(set, now);
        self.forget_placeholders_from(idx);
        self.path.truncate(idx);
        match entry.kind {
            StepKind::Question => {
                if let Some(fact) = &entry.fact
                    && let Some(old) = self.facts.remove(fact)
                {
                    self.take_back(fact.clone(), old);
                }
            }
            StepKind::Step => {
                if let Some(old) = self.step_results.remove(&entry.node.to_string()) {
                    self.take_back(entry.node.to_string(), old);
                }
            }
            StepKind::Route => {}
        }
        self.position = Position::Waiting { node: entry.node };
        // Re-run from the question: it is unanswered now, so the walk stops right there (even
        // where later answers, kept, would now make it one to skip: the agent came back to it).
        self.advance_from(set, now, true)
    }

    /// Deferred and skipped answers from path entry `idx` on were decided from answers about to be
    /// taken back: they are recomputed when the walk passes those questions again.
    fn forget_placeholders_from(&mut self, idx: usize) {
        for p in &self.path[idx..] {
            if p.kind == StepKind::Question
                && p.provenance.is_placeholder()
                && let Some(fact) = &p.fact
                && self.facts.get(fact).is_some_and(|f| f.provenance == p.provenance)
            {
                self.facts.remove(fact);
            }
        }
    }

    /// Remembers an answer taken back: its value as the default, and the whole entry when it
    /// came from an earlier session.
    fn take_back(&mut self, key: String, old: FactEntry) {
        if old.via.is_some() {
            self.previous_entries.insert(key.clone(), old.clone());
        } else {
            self.previous_entries.remove(&key);
        }
        self.previous_answers.insert(key, old.value);
    }

    /// The entry to re-apply for an answer taken back: the earlier session's own entry when
    /// the value is unchanged, else one asked now.
    fn restored(&mut self, key: &str, value: String, now: DateTime<Utc>) -> FactEntry {
        match self.previous_entries.remove(key) {
            Some(e) if e.value == value => e,
            _ => FactEntry { value, provenance: Provenance::Asked, at: now, via: None },
        }
    }

    /// The question (or step) we are leaving was taken back by an earlier `back` and not
    /// answered since: its answer is kept, so it is re-applied if the walk passes it again.
    fn keep_answer_here(&mut self, set: &RunbookSet, now: DateTime<Utc>) {
        let Position::Waiting { node } = &self.position else { return };
        match set.node(node) {
            Some(Node::Question(q)) if !self.facts.contains_key(&q.fact) => {
                if let Some(v) = self.previous_answers.remove(&q.fact) {
                    let entry = self.restored(&q.fact, v, now);
                    self.facts.insert(q.fact.clone(), entry);
                }
            }
            Some(Node::Step(_)) => {
                let key = node.to_string();
                if !self.step_results.contains_key(&key)
                    && let Some(v) = self.previous_answers.remove(&key)
                {
                    let entry = self.restored(&key, v, now);
                    self.step_results.insert(key, entry);
                }
            }
            _ => {}
        }
    }

    /// Can `back` do anything?
    pub fn can_go_back(&self) -> bool {
        self.back_target().is_some()
    }

    /// The path entry `back` returns to: the last question or step the agent answered. A
    /// question counts only where its fact first appears on the path: later questions for the
    /// same fact were followed automatically, and reopening one of those would leave the first
    /// answer on the path while the fact is gone.
    ///
    /// In a session that continues an earlier one (tier 2 opening an escalation package), every
    /// answer the earlier session brought (`via` set) is revisable too, whatever its provenance
    /// there (asked, facts file, assumed unknown, imported); only derived facts are not answers.
    fn back_target(&self) -> Option<usize> {
        (0..self.path.len()).rev().find(|&i| {
            let p = &self.path[i];
            (p.provenance == Provenance::Asked || self.brought_by_earlier_session(p))
                && match p.kind {
                    StepKind::Route => false,
                    StepKind::Step => true,
                    StepKind::Question => {
                        !self.path[..i].iter().any(|e| e.kind == StepKind::Question && e.fact == p.fact)
                    }
                }
        })
    }

    /// Did this path entry's answer come from an earlier session (and is not derived)?
    fn brought_by_earlier_session(&self, p: &PathEntry) -> bool {
        if p.provenance == Provenance::Derived {
            return false;
        }
        let entry = match p.kind {
            StepKind::Question => p.fact.as_ref().and_then(|f| self.facts.get(f)),
            StepKind::Step => self.step_results.get(&p.node.to_string()),
            StepKind::Route => None,
        };
        entry.is_some_and(|e| e.via.is_some() && e.value == p.answer)
    }

    /// Starts over: drops what was asked on this call, keeps facts that came from outside.
    pub fn restart(&mut self, set: &RunbookSet, now: DateTime<Utc>) -> Result<(), EngineError> {
        let entry = set.entry().ok_or(EngineError::NoEntry)?;
        self.facts.retain(|_, f| matches!(f.provenance, Provenance::FactsFile | Provenance::Imported));
        self.step_results.clear();
        self.previous_answers.clear();
        self.previous_entries.clear();
        self.path.clear();
        self.position = Position::Waiting { node: entry };
        self.advance(set, now)
    }

    /// Moves from the current node while facts answer it: questions with a known fact are
    /// followed (never ask twice), routes are evaluated, steps already done are followed.
    /// Stops at an unanswered question or step, or at an outcome.
    pub fn advance(&mut self, set: &RunbookSet, now: DateTime<Utc>) -> Result<(), EngineError> {
        self.advance_from(set, now, false)
    }

    /// [`Walk::advance`]; with `ask_here`, the node the walk stands at is asked, never skipped.
    fn advance_from(&mut self, set: &RunbookSet, now: DateTime<Utc>, ask_here: bool) -> Result<(), EngineError> {
        let limit = set.node_count() + 1;
        let mut visited: Vec<NodeRef> = Vec::new();
        loop {
            let ask_here = ask_here && visited.is_empty();
            let here = self.position.node().clone();
            if visited.len() > limit {
                let names: Vec<String> = visited.iter().rev().take(8).map(|n| n.to_string()).collect();
                return Err(EngineError::Cycle(names.join(" → ")));
            }
            visited.push(here.clone());
            let node = set.node(&here).ok_or_else(|| EngineError::Dangling {
                from: self.path.last().map(|p| p.node.clone()).unwrap_or_else(|| here.clone()),
                to: here.clone(),
            })?;
            let next = match node {
                Node::Outcome(_) => {
                    self.position = Position::Finished { node: here };
                    return Ok(());
                }
                Node::Question(q) => {
                    let (value, provenance) = match self.facts.get(&q.fact) {
                        Some(f) => (f.value.clone(), f.provenance),
                        None => match self.unasked(set, &here, q).filter(|_| !ask_here) {
                            Some(provenance) => {
                                self.facts.insert(
                                    q.fact.clone(),
                                    FactEntry { value: UNKNOWN.to_string(), provenance, at: now, via: None },
                                );
                                (UNKNOWN.to_string(), provenance)
                            }
                            None => {
                                self.position = Position::Waiting { node: here };
                                return Ok(());
                            }
                        },
                    };
                    let next = question_next(set, q, &value);
                    // Each answer keeps its own time (a re-walk doesn't re-date earlier answers).
                    let at = self.facts.get(&q.fact).map_or(now, |f| f.at);
                    self.path.push(PathEntry {
                        node: here.clone(),
                        kind: StepKind::Question,
                        fact: Some(q.fact.clone()),
                        answer: value,
                        provenance,
                        at,
                    });
                    next
                }
                Node::Step(s) => {
                    let key = here.to_string();
                    let (value, provenance, at) = match self.step_results.get(&key) {
                        Some(f) => (f.value.clone(), f.provenance, f.at),
                        None if self.options.skip_steps => (UNKNOWN.to_string(), Provenance::AssumedUnknown, now),
                        None => {
                            self.position = Position::Waiting { node: here };
                            return Ok(());
                        }
                    };
                    let next = s
                        .options
                        .iter()
                        .find(|o| o.value == value)
                        .or_else(|| s.options.iter().find(|o| o.value == UNKNOWN))
                        .map(|o| o.next.clone());
                    self.path.push(PathEntry {
                        node: here.clone(),
                        kind: StepKind::Step,
                        fact: None,
                        answer: value,
                        provenance,
                        at,
                    });
                    next
                }
                Node::Route(r) => {
                    let lookup = |k: &str| self.facts.get(k).map(|f| f.value.clone());
                    let hit =
                        r.rules.iter().enumerate().find(|(_, rule)| condition::eval(&rule.when, &lookup, &set.matrix));
                    let (label, next) = match hit {
                        Some((i, rule)) => {
                            for (k, v) in &rule.set {
                                if !self.facts.contains_key(k) && set.vocab.check(k, v).is_ok() {
                                    self.facts.insert(
                                        k.clone(),
                                        FactEntry {
                                            value: v.clone(),
                                            provenance: Provenance::Derived,
                                            at: now,
                                            via: None,
                                        },
                                    );
                                }
                            }
                            (format!("rule {}: {}", i + 1, rule.when.describe()), rule.next.clone())
                        }
                        None => ("otherwise".to_string(), r.otherwise.clone()),
                    };
                    self.path.push(PathEntry {
                        node: here.clone(),
                        kind: StepKind::Route,
                        fact: None,
                        answer: label,
                        provenance: Provenance::Derived,
                        at: now,
                    });
                    Some(next)
                }
            };
            let Some(next) = next else {
                // No option for this value and no `unknown` option: lint forbids this.
                self.position = Position::Waiting { node: here };
                return Ok(());
            };
            self.position = Position::Waiting { node: NodeRef::resolve(&here.runbook, &next) };
        }
    }

    /// Why a question whose fact isn't known is answered `unknown` without asking anyone, if it
    /// is: no answer could change the outcome (skipped), tier 1 doesn't ask admins' questions
    /// (deferred), or the run assumes `unknown` for whatever isn't given.
    fn unasked(&self, set: &RunbookSet, here: &NodeRef, q: &Question) -> Option<Provenance> {
        if !self.options.ask_all && reach::decided(set, self, here).is_some() {
            return Some(Provenance::Skipped);
        }
        if self.options.role == Role::Tier1 && q.audience(&set.vocab) == Audience::Admin {
            return Some(Provenance::Deferred);
        }
        self.options.assume_unknown.then_some(Provenance::AssumedUnknown)
    }

    /// The facts tier 1 deferred: the open checks of an escalation.
    pub fn deferred(&self) -> impl Iterator<Item = &str> {
        self.facts.iter().filter(|(_, f)| f.provenance == Provenance::Deferred).map(|(k, _)| k.as_str())
    }

    /// Continues as another role (tier 2 opening a tier-1 package): deferred and skipped answers
    /// are dropped so that the walk asks them (first, as everything else is known) or decides
    /// again whether they matter.
    pub fn continue_as(&mut self, set: &RunbookSet, role: Role, now: DateTime<Utc>) -> Result<(), EngineError> {
        self.options.role = role;
        self.facts.retain(|_, f| !f.provenance.is_placeholder());
        self.restart_keeping_facts(set, now)
    }

    /// Re-walks from the entry with every fact kept (placeholders are recomputed on the way).
    fn restart_keeping_facts(&mut self, set: &RunbookSet, now: DateTime<Utc>) -> Result<(), EngineError> {
        let entry = set.entry().ok_or(EngineError::NoEntry)?;
        self.facts.retain(|_, f| f.provenance != Provenance::Derived && !f.provenance.is_placeholder());
        self.path.clear();
        self.position = Position::Waiting { node: entry };
        self.advance(set, now)
    }

    /// The route decisions that led to the current node, most recent last, for
    /// "why am I asked this?".
    pub fn reasons(&self) -> Vec<&PathEntry> {
        self.path.iter().filter(|p| p.kind == StepKind::Route).collect()
    }
}

/// Where a question goes for a value: its option, the typed-entry branch, or `unknown`.
pub(crate) fn question_next(set: &RunbookSet, q: &Question, value: &str) -> Option<String> {
    if let Some(o) = q.options.iter().find(|o| condition::same_value(&q.fact, value, &o.value)) {
        return Some(o.next.clone());
    }
    let typed = matches!(set.vocab.fact(&q.fact).map(|d| &d.ty), Some(FactType::Version | FactType::Text));
    if value != UNKNOWN
        && typed
        && let Some(e) = &q.entry
    {
        return Some(e.next.clone());
    }
    q.options.iter().find(|o| o.value == UNKNOWN).map(|o| o.next.clone())
}
