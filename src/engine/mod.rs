//! The diagnosis engine: a pure state machine over a [`RunbookSet`]. No I/O, no clock (every
//! operation takes `now`), no terminal. The UI, `diagnose` and sessions all drive this.

pub mod also;
pub mod changed;
pub mod condition;
pub mod differential;
pub mod outcome;
pub mod questioning;
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
    /// For a question asked ahead of the tree (contract §9.2): where the tree stood when it was
    /// asked, so that taking it back returns there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NodeRef>,
}

/// The path as a person reads it: the questions and steps, without route decisions, and a
/// question only where its fact first appears (a later question on a fact already known is
/// followed without being asked, and keeps the first answer's time), in the order the call
/// went: the walk asks by value (contract §9.2), so a fact the tree reads later may have been
/// asked first (stable: entries of the same time keep the tree's order).
pub fn questions_and_steps(path: &[PathEntry]) -> impl Iterator<Item = &PathEntry> {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut read: Vec<&PathEntry> = path
        .iter()
        .filter(move |p| match p.kind {
            StepKind::Route => false,
            StepKind::Step => true,
            StepKind::Question => p.fact.as_deref().is_none_or(|f| seen.insert(f)),
        })
        .collect();
    read.sort_by_key(|p| p.at);
    read.into_iter()
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
    /// The whole entries (provenance, time, `via`) of answers taken back, so they keep their
    /// time (and an earlier session's origin) if they are re-applied unchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub previous_entries: BTreeMap<String, FactEntry>,
    #[serde(default)]
    pub options: WalkOptions,
    /// Where the tree stands while the walk waits at a question asked ahead of it (the fact
    /// chosen by value, contract §9.2); `None` when the walk waits at the tree's own node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<NodeRef>,
    /// Facts filled by the runbooks' derivations (recomputed whenever the facts change).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub derived: std::collections::BTreeSet<String>,
    /// "Can't tell" answers a derivation settled, and given values a definition replaced, kept to
    /// come back if the derivation goes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shadowed: BTreeMap<String, FactEntry>,
    /// What the agent answered on this call, in order: facts, and steps by `runbook#node`. The
    /// path shows that order until a derivation re-walks it from the entry; `back` then takes
    /// back the answer given last, not the last one on the re-walked path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answered: Vec<String>,
    /// The facts put to someone on this call, in the order first asked: an answer taken back and
    /// given again keeps its place. It numbers a question the agent comes back to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked_order: Vec<String>,
    /// The path was walked again from the entry (a derivation changed, or `back` took back the
    /// answer given last) since `back` last followed the path: it may not show the asking order.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rewalked: bool,
    /// A copy of the walk trying one answer ahead ([`Walk::answers_cannot_matter`]): where it
    /// would ask, it stops instead of choosing (and of trying answers ahead again).
    #[serde(skip)]
    pub probe: bool,
    /// A copy of the walk given the call's final facts up front ([`Walk::drop_moot_deferrals`]):
    /// it doesn't look for moot deferrals of its own.
    #[serde(skip)]
    pub settling: bool,
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
            resume: None,
            derived: Default::default(),
            shadowed: Default::default(),
            answered: Vec::new(),
            asked_order: Vec::new(),
            rewalked: false,
            probe: false,
            settling: false,
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
                self.note_answered(q.fact.clone());
                if let Some(tree) = self.resume.take() {
                    // Asked ahead of the tree: recorded here, then the tree goes on from where it stood.
                    self.path.push(PathEntry {
                        node: here.clone(),
                        kind: StepKind::Question,
                        fact: Some(q.fact.clone()),
                        answer: answer.to_string(),
                        provenance: Provenance::Asked,
                        at: now,
                        from: Some(tree.clone()),
                    });
                    self.position = Position::Waiting { node: tree };
                }
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
                self.note_answered(here.to_string());
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
        if provenance == Provenance::Asked {
            self.note_answered(key.to_string());
        }
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
        if self.rewalked
            && let Some(key) = self.answered_last_elsewhere(idx)
        {
            return self.back_to_answer(set, key, now);
        }
        self.rewalked = false;
        let entry = self.path[idx].clone();
        self.keep_answer_here(set, now);
        // What follows from the answers kept (the one here included), before this one goes.
        self.rederive(set, now);
        let derived_before = self.derived_values();
        self.forget_placeholders_from(idx);
        self.path.truncate(idx);
        match entry.kind {
            StepKind::Question => {
                if let Some(fact) = &entry.fact
                    && let Some(old) = self.facts.remove(fact)
                {
                    self.answered.retain(|k| k != fact);
                    self.take_back(fact.clone(), old);
                    self.take_back_what_derives(set, fact);
                }
            }
            StepKind::Step => {
                if let Some(old) = self.step_results.remove(&entry.node.to_string()) {
                    self.answered.retain(|k| *k != entry.node.to_string());
                    self.take_back(entry.node.to_string(), old);
                }
            }
            StepKind::Route => {}
        }
        self.rederive(set, now);
        if self.derived_values() != derived_before {
            // What was taken back was what a derivation followed from, and the path before it
            // may have read the derived value: the walk goes again from the entry with the rest
            // (contract §9.1), to the first question it needs, the one taken back unless the
            // others now leave it out.
            self.resume = None;
            self.restart_keeping_facts(set, now)?;
            self.rewalked = true;
            return Ok(());
        }
        self.position = Position::Waiting { node: entry.node };
        self.resume = entry.from;
        // Re-run from the question: it is unanswered now, so the walk stops right there (even
        // where later answers, kept, would now make it one to skip: the agent came back to it).
        self.advance_from(set, now, true)
    }

    /// The agent came back to change `fact`: an answer kept from later in the call that would
    /// derive it again (a USB connection says "security key") is taken back too, remembered as
    /// its question's default, or the question could never be reached to change it.
    fn take_back_what_derives(&mut self, set: &RunbookSet, fact: &str) {
        let derives = |walk: &Walk, without: Option<&str>| {
            let given = |k: &str| {
                (Some(k) != without && !walk.derived.contains(k))
                    .then(|| walk.facts.get(k).map(|f| f.value.clone()))
                    .flatten()
            };
            derivations(set, &given).iter().any(|d| d.fact == fact)
        };
        for _ in 0..8 {
            if !derives(self, None) {
                return;
            }
            let kept: Vec<String> = self
                .facts
                .iter()
                .filter(|(k, f)| f.provenance == Provenance::Asked && !self.derived.contains(*k))
                .map(|(k, _)| k.clone())
                .collect();
            let Some(key) = kept.into_iter().find(|k| !derives(self, Some(k))) else { return };
            if let Some(old) = self.facts.remove(&key) {
                self.answered.retain(|k| *k != key);
                self.take_back(key, old);
            }
        }
    }

    /// Records an answer given now, last in [`Walk::answered`].
    fn note_answered(&mut self, key: String) {
        if !self.asked_order.contains(&key) {
            self.asked_order.push(key.clone());
        }
        self.answered.retain(|k| *k != key);
        self.answered.push(key);
    }

    /// The answer given last on this call (a fact or a step still answered as asked), when it is
    /// not the one at path entry `idx`, the last the path shows: a derivation re-walked the path
    /// from the entry since (contract §9.1), so the path no longer shows the asking order.
    fn answered_last_elsewhere(&self, idx: usize) -> Option<String> {
        let held = |k: &String| {
            let entry = if k.contains('#') {
                self.step_results.get(k)
            } else {
                self.shadowed.get(k).filter(|e| e.provenance == Provenance::Asked).or_else(|| self.facts.get(k))
            };
            entry.is_some_and(|e| e.provenance == Provenance::Asked)
        };
        let last = self.answered.iter().rev().find(|k| held(k))?;
        let p = self.path.get(idx)?;
        let at_idx = match p.kind {
            StepKind::Step => p.node.to_string(),
            _ => p.fact.clone().unwrap_or_default(),
        };
        (*last != at_idx).then(|| last.clone())
    }

    /// [`Walk::back`] after a re-walk: takes back the answer given last (remembered as the
    /// default) and walks again from the entry with every other fact, so the walk stands where a
    /// walk given them would: at that question again, unless what it follows from no longer asks it.
    fn back_to_answer(&mut self, set: &RunbookSet, key: String, now: DateTime<Utc>) -> Result<(), EngineError> {
        self.keep_answer_here(set, now);
        let old = if key.contains('#') {
            self.step_results.remove(&key)
        } else {
            match self.shadowed.get(&key) {
                Some(e) if e.provenance == Provenance::Asked => self.shadowed.remove(&key),
                _ => self.facts.remove(&key),
            }
        };
        self.answered.retain(|k| *k != key);
        if let Some(old) = old {
            self.take_back(key, old);
        }
        self.resume = None;
        self.restart_keeping_facts(set, now)?;
        self.rewalked = true;
        Ok(())
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

    /// Remembers an answer taken back: its value as the default, and the whole entry (its time,
    /// an earlier session's origin) to re-apply if it comes back unchanged.
    fn take_back(&mut self, key: String, old: FactEntry) {
        self.previous_entries.insert(key.clone(), old.clone());
        self.previous_answers.insert(key, old.value);
    }

    /// The entry to re-apply for an answer taken back: its own entry when the value is
    /// unchanged (the time it was given, the earlier session's origin), else one asked now. Going
    /// back over answers doesn't re-date them: the notes' timeline stays the call's.
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
    /// there (asked, facts file, assumed unknown); derived and imported facts are not answers (an
    /// imported fact is what the sign-in log says, not something the caller was asked).
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
        if matches!(p.provenance, Provenance::Derived | Provenance::Imported) {
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
        self.shadowed.retain(|_, f| matches!(f.provenance, Provenance::FactsFile | Provenance::Imported));
        self.step_results.clear();
        self.previous_answers.clear();
        self.previous_entries.clear();
        self.answered.clear();
        self.asked_order.clear();
        self.rewalked = false;
        self.path.clear();
        self.resume = None;
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
    ///
    /// Classification: the tree is followed on the facts. Where it needs a fact nobody has given
    /// (a question's, or one a route's rule reads and can't decide without, contract §9.1), the
    /// fact is *resolved* first: skipped when no answer can change the outcome, deferred when the
    /// role can't ask it, assumed `unknown` when the run says so; otherwise the walk stops to ask,
    /// and the question is the one chosen by value ([`questioning`]), which may be a fact the
    /// tree reads later. A route never reads "not known yet" as an answer.
    fn advance_from(&mut self, set: &RunbookSet, now: DateTime<Utc>, ask_here: bool) -> Result<(), EngineError> {
        if !ask_here && let Some(tree) = self.resume.take() {
            self.position = Position::Waiting { node: tree };
        }
        let derived_before = self.derived_values();
        self.rederive(set, now);
        if !ask_here && !self.path.is_empty() && self.derived_values() != derived_before {
            // A derivation changed what the walk may already have read: the outcome is a function
            // of the facts, not of when they became known (contract §9.1), so it goes again from
            // the entry with every fact kept (what was deferred or skipped is decided again).
            self.facts.retain(|_, f| !f.provenance.is_placeholder());
            self.path.clear();
            self.position = Position::Waiting { node: set.entry().ok_or(EngineError::NoEntry)? };
            self.rewalked = true;
        }
        let limit = set.node_count() * 2 + 256;
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
                    self.drop_moot_deferrals(set, now);
                    return Ok(());
                }
                Node::Question(q) => {
                    let Some(f) = self.facts.get(&q.fact) else {
                        if ask_here {
                            self.position = Position::Waiting { node: here };
                            return Ok(());
                        }
                        match self.resolve(set, &here, &[q.fact.as_str()], now) {
                            Resolution::Resolved => continue,
                            Resolution::Ask => return Ok(()),
                        }
                    };
                    let (value, provenance, at) = (f.value.clone(), f.provenance, f.at);
                    let next = question_next(set, q, &value);
                    self.path.push(PathEntry {
                        node: here.clone(),
                        kind: StepKind::Question,
                        fact: Some(q.fact.clone()),
                        answer: value,
                        provenance,
                        // Each answer keeps its own time (a re-walk doesn't re-date earlier answers).
                        at,
                        from: None,
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
                        from: None,
                    });
                    next
                }
                Node::Route(r) => {
                    let mut hit: Option<usize> = None;
                    let mut needs: Option<Vec<&str>> = None;
                    {
                        let lookup = |k: &str| self.facts.get(k).map(|f| f.value.clone());
                        for (i, rule) in r.rules.iter().enumerate() {
                            match condition::eval3(&rule.when, &lookup, &set.matrix) {
                                Some(false) => continue,
                                Some(true) => {
                                    hit = Some(i);
                                    break;
                                }
                                None => {
                                    let mut read = Vec::new();
                                    condition::facts_deciding(&rule.when, &lookup, &set.matrix, &mut read);
                                    needs = Some(read);
                                    break;
                                }
                            }
                        }
                    }
                    if let Some(needs) = needs {
                        match self.resolve(set, &here, &needs, now) {
                            Resolution::Resolved => continue,
                            Resolution::Ask => return Ok(()),
                        }
                    }
                    // An answer the agent gave that this route reads is on the path, where it
                    // decides: asked ahead of the tree it was recorded when given, but a walk
                    // again from the entry (a derivation changed) meets it only here.
                    let decided_by = hit.map_or(r.rules.len(), |i| i + 1);
                    let mut read = Vec::new();
                    for rule in &r.rules[..decided_by] {
                        condition::facts_read(&rule.when, &set.matrix, &mut read);
                    }
                    for fact in read {
                        let on_path = self.path.iter().any(|p| p.fact.as_deref() == Some(fact));
                        if let (false, Some(f), Some((node, _))) =
                            (on_path, self.facts.get(fact), set.question_for(fact))
                            && f.provenance == Provenance::Asked
                        {
                            let entry = PathEntry {
                                node,
                                kind: StepKind::Question,
                                fact: Some(fact.to_string()),
                                answer: f.value.clone(),
                                provenance: f.provenance,
                                at: f.at,
                                from: Some(here.clone()),
                            };
                            self.path.push(entry);
                        }
                    }
                    let (label, next) = match hit {
                        Some(i) => {
                            let rule = &r.rules[i];
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
                        from: None,
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

    /// Applies the runbooks' derivations afresh: what an earlier fact derived goes when that
    /// fact goes; a derivation never replaces a fact someone gave.
    fn rederive(&mut self, set: &RunbookSet, now: DateTime<Utc>) {
        let previous = std::mem::take(&mut self.derived);
        let mut times = BTreeMap::new();
        for key in &previous {
            if let Some(f) = self.facts.remove(key) {
                times.insert(key.clone(), f.at);
            }
            if let Some(under) = self.shadowed.remove(key) {
                self.facts.insert(key.clone(), under);
            }
        }
        let lookup = |k: &str| self.facts.get(k).map(|f| f.value.clone());
        for Derived { fact: key, value, why, .. } in derivations(set, &lookup) {
            let at = times.get(&key).copied().unwrap_or(now);
            // A derivation settles what someone couldn't tell, or replaces a value its definition
            // contradicts; what was there comes back if the facts it follows from go.
            if let Some(under) = self.facts.remove(&key) {
                self.shadowed.insert(key.clone(), under);
            }
            self.facts.insert(key.clone(), FactEntry { value, provenance: Provenance::Derived, at, via: Some(why) });
            self.derived.insert(key);
        }
    }

    /// The derived facts and their values, to tell whether a derivation changed.
    fn derived_values(&self) -> Vec<(String, String)> {
        self.derived.iter().filter_map(|k| self.facts.get(k).map(|f| (k.clone(), f.value.clone()))).collect()
    }

    /// Resolves one of the facts `needs` (unset, read at `here`) as a question on it would be
    /// (contract §9.1), or stops the walk to ask the question chosen by value.
    fn resolve(&mut self, set: &RunbookSet, here: &NodeRef, needs: &[&str], now: DateTime<Utc>) -> Resolution {
        let Some(first) = needs.first().map(|f| f.to_string()) else { return Resolution::Resolved };
        let question_of = |fact: &str| set.question_for(fact);
        let at_question = match set.node(here) {
            Some(Node::Question(q)) => Some(q),
            _ => None,
        };
        let record = |walk: &mut Walk, fact: &str, provenance: Provenance| {
            walk.facts
                .insert(fact.to_string(), FactEntry { value: UNKNOWN.to_string(), provenance, at: now, via: None });
            // A question node records its own answer as the walk follows it; a route's needs
            // are recorded here, on the question that would have asked them (a fact no question
            // asks is not a question on the path: only a facts file can give it).
            if at_question.is_none()
                && let Some((node, _)) = question_of(fact)
            {
                walk.path.push(PathEntry {
                    node,
                    kind: StepKind::Question,
                    fact: Some(fact.to_string()),
                    answer: UNKNOWN.to_string(),
                    provenance,
                    at: now,
                    from: None,
                });
            }
        };
        let audience = |fact: &str| match (at_question, question_of(fact)) {
            (Some(q), _) if q.fact == fact => Some(q.audience(&set.vocab)),
            (_, Some((_, q))) => Some(q.audience(&set.vocab)),
            _ => None,
        };
        // Tier 1 never asks an admin check (contract §5): it is deferred, an open check of the
        // escalation, whether or not an answer could still matter; so the path's sources are
        // the same whichever order the facts became known in.
        if self.options.role == Role::Tier1
            && let Some(fact) = needs.iter().find(|f| audience(f) == Some(Audience::Admin))
        {
            record(self, fact, Provenance::Deferred);
            return Resolution::Resolved;
        }
        // No answer can change the outcome from here (contract §6, §9.4).
        // One look ahead serves both: is there anything to ask, and what (§9.2).
        let survey = (!self.options.ask_all).then(|| questioning::survey(set, self, here)).flatten();
        if survey.as_ref().is_some_and(questioning::Survey::one_outcome) {
            record(self, &first, Provenance::Skipped);
            return Resolution::Resolved;
        }
        // Nor is the tree's own question when its answer can't change the outcome.
        if let (Some(q), Some(survey)) = (at_question, survey.as_ref())
            && questioning::cannot_change(set, self, here, q, survey)
        {
            record(self, &q.fact, Provenance::Skipped);
            return Resolution::Resolved;
        }
        // Facts that no question asks: only a facts file can give them.
        if let Some(fact) = needs.iter().find(|f| audience(f).is_none()) {
            record(self, fact, Provenance::Skipped);
            return Resolution::Resolved;
        }
        if self.options.assume_unknown {
            record(self, &first, Provenance::AssumedUnknown);
            return Resolution::Resolved;
        }
        if self.probe {
            self.position = Position::Waiting { node: here.clone() };
            return Resolution::Ask;
        }
        // The tree's own fact is the question here, or the first fact the route reads. The walk
        // asks by value (contract §9.2), at the question met on the way on (else the first in
        // the runbooks that asks the fact); asking every question (§6 off) is the tree as written.
        let tree = at_question.map_or(first.clone(), |q| q.fact.clone());
        let (first, met_at) = if self.options.ask_all {
            (tree, None)
        } else {
            questioning::choose(set, self, here, &tree, survey.as_ref())
        };
        let (fact, node) = match (at_question, met_at) {
            (Some(q), _) if q.fact == first => (q.fact.clone(), here.clone()),
            (_, Some(node)) => (first, node),
            _ => match question_of(&first) {
                Some((r, _)) => (first, r),
                None => {
                    record(self, &first, Provenance::Skipped);
                    return Resolution::Resolved;
                }
            },
        };
        // The look-ahead imagines each fact open wherever it is read; trying each answer of the
        // chosen question on a copy of the walk catches what it can't: every answer ending at
        // the same outcome with nothing more to ask (contract §6, §9.4: then it is not asked).
        if !self.options.ask_all && self.answers_cannot_matter(set, here, &node, &fact, now) {
            record(self, &fact, Provenance::Skipped);
            return Resolution::Resolved;
        }
        if node == *here || at_question.is_some_and(|q| q.fact == fact) {
            self.position = Position::Waiting { node: here.clone() };
        } else {
            self.position = Position::Waiting { node };
            self.resume = Some(here.clone());
        }
        Resolution::Ask
    }

    /// Whether every answer to `fact`'s question (its listed options, `unknown` among them) takes
    /// the walk from `here` to one and the same outcome without another question: tried on copies
    /// of the walk that stop where they would ask. A version or free text can't be enumerated.
    fn answers_cannot_matter(
        &self,
        set: &RunbookSet,
        here: &NodeRef,
        asked_at: &NodeRef,
        fact: &str,
        now: DateTime<Utc>,
    ) -> bool {
        let Some(Node::Question(q)) = set.node(asked_at) else { return false };
        if q.entry.is_some() || q.options.is_empty() || !q.options.iter().any(|o| o.value == UNKNOWN) {
            return false;
        }
        let mut end: Option<NodeRef> = None;
        for option in &q.options {
            let mut copy = self.clone();
            copy.probe = true;
            copy.resume = None;
            copy.position = Position::Waiting { node: here.clone() };
            copy.facts.insert(
                fact.to_string(),
                FactEntry { value: option.value.clone(), provenance: Provenance::Asked, at: now, via: None },
            );
            if copy.advance(set, now).is_err() {
                return false;
            }
            let Position::Finished { node } = copy.position else { return false };
            match &end {
                None => end = Some(node),
                Some(e) if *e == node => {}
                Some(_) => return false,
            }
        }
        end.is_some()
    }

    /// How many questions were put to someone on this call (answers with provenance `asked` and
    /// no earlier session behind them, including a "can't tell" a derivation has since settled).
    /// Not the path's length: a derivation can re-walk the path from the entry (contract §9.1).
    pub fn questions_asked(&self) -> usize {
        // An earlier session's answers (`via`: tier 1's, when tier 2 continues a package) were
        // put to someone on another call: this call's count starts at its own first question.
        self.facts
            .values()
            .chain(self.shadowed.values())
            .filter(|f| f.provenance == Provenance::Asked && f.via.is_none())
            .count()
    }

    /// The number of the question the walk waits at, as the caller hears it: one more than the
    /// questions put so far. A question the agent came back to (`back`) keeps its place: answers
    /// kept from after it, to be re-applied when the walk passes them again, don't come before it.
    pub fn question_number(&self, set: &RunbookSet) -> usize {
        let revisited = match self.current(set) {
            Some(Current::Question(_, q)) if self.previous_answers.contains_key(&q.fact) => q.fact.as_str(),
            _ => return self.questions_asked() + 1,
        };
        // Back at an earlier question: the answers put before it and still standing (the chooser
        // asks a check ahead of where the tree reads it, so the path's order isn't the call's).
        if let Some(n) = self.asked_number(revisited) {
            return n;
        }
        // A session written before the order was kept: the answers on the path before it.
        let mut before: Vec<&str> = Vec::new();
        for p in &self.path {
            if let (StepKind::Question, Provenance::Asked, Some(f)) = (p.kind, p.provenance, p.fact.as_deref())
                && !before.contains(&f)
                && self.facts.get(f).is_none_or(|e| e.via.is_none())
            {
                before.push(f);
            }
        }
        before.len() + 1
    }

    /// The number `fact`'s question had when it was put on this call (the title's count): one
    /// more than the answers put before it that still stand. `None` when this call never asked
    /// it (or the session predates the order being kept).
    pub fn asked_number(&self, fact: &str) -> Option<usize> {
        let standing = |k: &str| {
            self.facts
                .get(k)
                .or_else(|| self.shadowed.get(k))
                .is_some_and(|f| f.provenance == Provenance::Asked && f.via.is_none())
        };
        let place = self.asked_order.iter().position(|k| k == fact)?;
        Some(self.asked_order[..place].iter().filter(|k| standing(k)).count() + 1)
    }

    /// Tier 1 defers an admin check wherever a rule reads it, before the caller's answers that
    /// may settle the rule: a QR-code sign-in reaching "a tenant block is known" before the phase
    /// is asked defers "attestation enforced", a registration-only check. Once the walk ends, a
    /// deferral the walk given the call's final facts up front wouldn't make goes, so the open
    /// checks are the same whichever order the facts became known in (contract §5, §9.1).
    fn drop_moot_deferrals(&mut self, set: &RunbookSet, now: DateTime<Utc>) {
        if self.options.role != Role::Tier1 || self.probe || self.settling {
            return;
        }
        let deferred: Vec<String> =
            self.facts.iter().filter(|(_, f)| f.provenance == Provenance::Deferred).map(|(k, _)| k.clone()).collect();
        let Position::Finished { node } = &self.position else { return };
        if deferred.is_empty() {
            return;
        }
        let mut copy = self.clone();
        copy.settling = true;
        copy.options.assume_unknown = true;
        copy.options.skip_steps = true;
        copy.resume = None;
        if copy.restart_keeping_facts(set, now).is_err() {
            return;
        }
        // The same outcome, or nothing is dropped (a step's result may have decided the way).
        if !matches!(&copy.position, Position::Finished { node: n } if n == node) {
            return;
        }
        for key in deferred {
            if copy.facts.get(&key).is_none_or(|f| f.provenance != Provenance::Deferred) {
                self.facts.remove(&key);
                self.path.retain(|p| {
                    !(p.kind == StepKind::Question
                        && p.fact.as_deref() == Some(key.as_str())
                        && p.provenance == Provenance::Deferred)
                });
            }
        }
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

/// A fact that follows from others by one of the runbooks' derivations or the message catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub fact: String,
    pub value: String,
    /// What it follows from, as the agent reads it: the derivation's note, or the catalog entry.
    pub why: String,
    /// From a derivation that `replaces` a contradicting value (a definition the walk applies
    /// before it would ask), not one that only fills what nobody said.
    pub replaces: bool,
}

/// What the runbooks' derivations add to the facts `known` gives, until nothing more follows:
/// facts it doesn't give (or gives as `unknown`), and for a derivation that `replaces`, a value
/// that contradicts it.
pub fn derivations(set: &RunbookSet, known: &dyn Fn(&str) -> Option<String>) -> Vec<Derived> {
    /// A derived fact and the derivation it came from (runbook, rule; none for the catalog).
    struct Entry {
        derived: Derived,
        from: Option<(usize, usize)>,
    }
    let mut added: Vec<Entry> = Vec::new();
    // A typed message the catalog knows (exactly one entry) gives that entry's facts (§10).
    if let Some(text) = known(MESSAGE_FACT)
        && let Some(message) = set.messages.derive(&text)
    {
        for (k, v) in &message.facts {
            if open(known(k)) && set.vocab.check(k, v).is_ok() {
                let why = format!("message catalog: {}", message.id);
                added.push(Entry {
                    derived: Derived { fact: k.clone(), value: v.clone(), why, replaces: false },
                    from: None,
                });
            }
        }
    }
    let value_in = |added: &[Entry], k: &str| {
        added.iter().find(|a| a.derived.fact == k).map(|a| a.derived.value.clone()).or_else(|| known(k))
    };
    // Applied until nothing more follows; then an entry whose derivation no longer holds (a later
    // `replaces` changed what it follows from) goes, and the rest is applied again. Bounded: a
    // set whose derivations undo each other keeps what the last round gave.
    for _round in 0..16 {
        loop {
            let mut changed = false;
            for (r, rb) in set.runbooks.iter().enumerate() {
                for (n, d) in rb.runbook.derive.iter().enumerate() {
                    let lookup = |k: &str| value_in(&added, k);
                    if condition::eval3(&d.when, &lookup, &set.matrix) != Some(true) {
                        continue;
                    }
                    let why = if d.note.is_empty() {
                        format!("{}: {}", rb.runbook.id, d.when.describe())
                    } else {
                        d.note.clone()
                    };
                    let copied = d.copy.iter().filter_map(|(k, from)| lookup(from).map(|v| (k.clone(), v)));
                    // A derivation that `replaces` is applied before the walk would ask its fact,
                    // so it also replaces a given value that contradicts it: the outcome is then
                    // the same whether the fact was given or followed from the others (contract
                    // §9.1); the given value is kept beside it (`Walk::shadowed`). The first
                    // derivation to set a fact keeps it.
                    let may_set = |k: &str| {
                        if d.replaces {
                            !added.iter().any(|a| a.derived.fact == k && a.derived.replaces)
                        } else {
                            open(lookup(k))
                        }
                    };
                    let new: Vec<Entry> = d
                        .set
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .chain(copied)
                        .filter(|(k, v)| {
                            may_set(k)
                                && lookup(k).as_deref() != Some(v.as_str())
                                && v != UNKNOWN
                                && set.vocab.check(k, v).is_ok()
                        })
                        .map(|(fact, value)| Entry {
                            derived: Derived { fact, value, why: why.clone(), replaces: d.replaces },
                            from: Some((r, n)),
                        })
                        .collect();
                    if !new.is_empty() {
                        // A definition wins over what is only likely (the message catalog).
                        added.retain(|a| a.derived.replaces || !new.iter().any(|e| e.derived.fact == a.derived.fact));
                        added.extend(new);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let holds = |a: &Entry| {
            let Some((r, n)) = a.from else { return true };
            let Some(d) = set.runbooks.get(r).and_then(|rb| rb.runbook.derive.get(n)) else { return true };
            let lookup = |k: &str| value_in(&added, k);
            condition::eval3(&d.when, &lookup, &set.matrix) == Some(true)
                && d.copy
                    .get(&a.derived.fact)
                    .is_none_or(|from| lookup(from).as_deref() == Some(a.derived.value.as_str()))
        };
        let stale: Vec<usize> = added.iter().enumerate().filter(|(_, a)| !holds(a)).map(|(i, _)| i).collect();
        if stale.is_empty() {
            break;
        }
        let mut i = 0;
        added.retain(|_| {
            i += 1;
            !stale.contains(&(i - 1))
        });
    }
    added.into_iter().map(|a| a.derived).collect()
}

/// May a derivation fill this fact? Only where nobody gave a value (absent, or "can't tell").
fn open(value: Option<String>) -> bool {
    value.is_none_or(|v| v == UNKNOWN)
}

/// The fact the message catalog reads.
const MESSAGE_FACT: &str = "error.message";

/// What resolving a needed fact did.
enum Resolution {
    /// The fact now has a value (`unknown`, skipped or deferred or assumed): go on.
    Resolved,
    /// The walk waits for an answer.
    Ask,
}

/// Where a question goes for a value: its option, the typed-entry branch, or `unknown`.
pub(crate) fn question_next(set: &RunbookSet, q: &Question, value: &str) -> Option<String> {
    question_next_ref(set, q, value).map(str::to_string)
}

/// [`question_next`], borrowed.
pub(crate) fn question_next_ref<'q>(set: &RunbookSet, q: &'q Question, value: &str) -> Option<&'q str> {
    if let Some(o) = q.options.iter().find(|o| condition::same_value(&q.fact, value, &o.value)) {
        return Some(&o.next);
    }
    let typed = matches!(set.vocab.fact(&q.fact).map(|d| &d.ty), Some(FactType::Version | FactType::Text));
    if value != UNKNOWN
        && typed
        && let Some(e) = &q.entry
    {
        return Some(&e.next);
    }
    q.options.iter().find(|o| o.value == UNKNOWN).map(|o| o.next.as_str())
}
