//! `diagnose`: a non-interactive walk from facts to a classified outcome, and its reports.
//! The JSON shape is fixed by the diagnosis contract.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::also::also;
use crate::engine::differential::{Alternative, differential};
use crate::engine::{Current, EngineError, PathEntry, Provenance, Role, StepKind, Walk, WalkOptions};
use crate::runbook::RunbookSet;
use crate::text::sanitize_line;

/// One question on the path, as the contract reports it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PathItem {
    pub node: String,
    pub fact: String,
    pub answer: String,
    pub source: &'static str,
}

/// A second fault, as the contract reports it (§9.6).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AlsoItem {
    pub class: String,
    pub outcome: String,
}

/// The result of a diagnosis.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Report {
    Classified {
        class: String,
        outcome: String,
        title: String,
        escalate: bool,
        remediation: Vec<String>,
        path: Vec<PathItem>,
        /// Contract §7: other answers to `unknown` questions that would change the class.
        differential: Vec<Alternative>,
        /// Contract §9.6: other documented faults the known facts establish, in precedence order.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        also: Vec<AlsoItem>,
    },
    NeedsInput {
        node: String,
        fact: String,
        prompt: String,
        options: Vec<String>,
    },
}

impl Report {
    /// Process exit code per the contract: 0 classified, 3 needs input.
    pub fn exit_code(&self) -> i32 {
        match self {
            Report::Classified { .. } => 0,
            Report::NeedsInput { .. } => 3,
        }
    }
}

/// Walks from the given facts. Steps are never performed here: they take their
/// "couldn't try it" result.
pub fn diagnose(
    set: &RunbookSet,
    facts: &[(String, String)],
    assume_unknown: bool,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(Walk, Report), EngineError> {
    let prefill = facts.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
    let walk = Walk::start(set, prefill, WalkOptions { assume_unknown, skip_steps: true, role, ask_all: false }, now)?;
    let report = report(set, &walk);
    Ok((walk, report))
}

/// The contract report for a walk's current state.
pub fn report(set: &RunbookSet, walk: &Walk) -> Report {
    match walk.current(set) {
        Some(Current::Outcome(r, o)) => Report::Classified {
            class: o.class.clone(),
            outcome: r.to_string(),
            title: sanitize_line(&o.title),
            escalate: o.escalate,
            remediation: crate::engine::outcome::render(set, walk, o)
                .remediation
                .iter()
                .map(|s| sanitize_line(&s.text))
                .collect(),
            path: questions(walk)
                .map(|p| PathItem {
                    node: p.node.to_string(),
                    fact: p.fact.clone().unwrap_or_default(),
                    answer: sanitize_line(&p.answer),
                    source: p.provenance.contract_source(),
                })
                .collect(),
            differential: differential(set, walk),
            also: also(set, walk).into_iter().map(|a| AlsoItem { class: a.class, outcome: a.outcome }).collect(),
        },
        Some(Current::Question(r, q)) => Report::NeedsInput {
            node: r.to_string(),
            fact: q.fact.clone(),
            prompt: sanitize_line(&q.prompt),
            options: q.options.iter().map(|o| o.value.clone()).collect(),
        },
        Some(Current::Step(r, s)) => Report::NeedsInput {
            node: r.to_string(),
            fact: String::new(),
            prompt: sanitize_line(&s.instruction),
            options: s.options.iter().map(|o| o.value.clone()).collect(),
        },
        None => Report::NeedsInput {
            node: walk.position.node().to_string(),
            fact: String::new(),
            prompt: String::new(),
            options: Vec::new(),
        },
    }
}

/// The questions on the path, each fact once: where the walk passes another question for a fact
/// it already has, nothing is asked (never ask twice), so it isn't listed again.
fn questions(walk: &Walk) -> impl Iterator<Item = &crate::engine::PathEntry> {
    let mut seen = std::collections::HashSet::new();
    walk.path.iter().filter(move |p| p.kind == StepKind::Question && seen.insert(p.fact.as_deref()))
}

/// Markdown for people (ticket-ready).
pub fn to_markdown(set: &RunbookSet, walk: &Walk, report: &Report) -> String {
    let mut s = String::new();
    match report {
        Report::Classified { class, outcome, title, escalate, .. } => {
            s.push_str(&format!("# {title}\n\n"));
            s.push_str(&format!("- **Class:** `{class}`\n- **Outcome:** `{outcome}`\n"));
            s.push_str(&format!("- **Escalate:** {}\n", if *escalate { "yes" } else { "no" }));
            if let Some((_, o)) = walk.outcome(set) {
                if let Some(reason) = &o.escalation_reason {
                    s.push_str(&format!("- **Escalation reason:** {}\n", sanitize_line(reason)));
                }
                s.push_str(&format!("\n{}\n\n## Remediation\n\n", sanitize_line(&o.summary)));
                let sources = outcome_sources(set, walk);
                let rendered = crate::engine::outcome::render(set, walk, o);
                for (i, step) in rendered.remediation.iter().enumerate() {
                    let src = sources.iter().find(|(id, _, _)| *id == step.source);
                    let cite = src
                        .map(|(_, t, u)| format!(" ([{}]({}))", sanitize_line(t), sanitize_line(u)))
                        .unwrap_or_default();
                    s.push_str(&format!("{}. {}{cite}\n", i + 1, sanitize_line(&step.text)));
                }
                let still = also(set, walk);
                if !still.is_empty() {
                    s.push_str(
                        "\n## Still blocking\n\nOnce this is fixed, these documented faults will still block:\n\n",
                    );
                    for a in &still {
                        s.push_str(&format!("- `{}`: {}", a.class, sanitize_line(&a.title)));
                        if let Some(src) = &a.source {
                            s.push_str(&format!(" ([{}]({}))", sanitize_line(&src.title), sanitize_line(&src.url)));
                        }
                        s.push('\n');
                    }
                }
                if o.escalate && !rendered.collect.is_empty() {
                    s.push_str("\n## Collect for tier 2\n\n");
                    for c in &rendered.collect {
                        s.push_str(&format!("- {}\n", sanitize_line(c)));
                    }
                }
            }
        }
        Report::NeedsInput { node, fact, prompt, options } => {
            s.push_str("# Needs input\n\n");
            s.push_str(&format!("- **Node:** `{node}`\n- **Fact:** `{fact}`\n- **Question:** {prompt}\n"));
            s.push_str(&format!("- **Options:** {}\n", options.join(", ")));
        }
    }
    s.push_str("\n## Path\n\n| node | fact | answer | source |\n|---|---|---|---|\n");
    for p in questions(walk) {
        s.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            p.node,
            p.fact.as_deref().unwrap_or(""),
            sanitize_line(&p.answer).replace('|', "\\|"),
            provenance_words(walk, p).replace('|', "\\|")
        ));
    }
    s
}

/// Plain text for people and ticket systems without Markdown.
pub fn to_text(set: &RunbookSet, walk: &Walk, report: &Report) -> String {
    let mut s = String::new();
    match report {
        Report::Classified { class, outcome, title, escalate, .. } => {
            s.push_str(&format!("CLASSIFIED: {title}\nClass:    {class}\nOutcome:  {outcome}\n"));
            s.push_str(&format!("Escalate: {}\n", if *escalate { "YES" } else { "no" }));
            if let Some((_, o)) = walk.outcome(set) {
                if let Some(reason) = &o.escalation_reason {
                    s.push_str(&format!("Reason:   {}\n", sanitize_line(reason)));
                }
                s.push_str(&format!("\n{}\n\nRemediation:\n", sanitize_line(&o.summary)));
                let rendered = crate::engine::outcome::render(set, walk, o);
                for (i, step) in rendered.remediation.iter().enumerate() {
                    s.push_str(&format!("  {}. {} [{}]\n", i + 1, sanitize_line(&step.text), step.source));
                }
                let still = also(set, walk);
                if !still.is_empty() {
                    s.push_str("\nOnce this is fixed, these documented faults will still block:\n");
                    for a in &still {
                        let src = a.source.as_ref().map(|x| format!(" [{}: {}]", x.id, x.url)).unwrap_or_default();
                        s.push_str(&format!("  - {}: {}{}\n", a.class, sanitize_line(&a.title), sanitize_line(&src)));
                    }
                }
                if o.escalate && !rendered.collect.is_empty() {
                    s.push_str("\nCollect for tier 2:\n");
                    for c in &rendered.collect {
                        s.push_str(&format!("  - {}\n", sanitize_line(c)));
                    }
                }
            }
        }
        Report::NeedsInput { node, fact, prompt, options } => {
            s.push_str(&format!(
                "NEEDS INPUT at {node}\nFact:     {fact}\nQuestion: {prompt}\nOptions:  {}\n",
                options.join(", ")
            ));
        }
    }
    s.push_str("\nPath:\n");
    for p in questions(walk) {
        s.push_str(&format!(
            "  {} = {}  ({}, {})\n",
            p.fact.as_deref().unwrap_or(""),
            sanitize_line(&p.answer),
            provenance_words(walk, p),
            p.node
        ));
    }
    s
}

/// A path entry's source as the contract names it, with where the fact came from when the walk
/// knows: the sign-in log's field (`imported (graph-v1.0: status.errorCode)`), the message
/// catalog's entry (`derived (message catalog: device-couldnt-connect)`).
fn provenance_words(walk: &Walk, p: &PathEntry) -> String {
    let source = p.provenance.contract_source();
    let via = p.fact.as_ref().and_then(|f| walk.facts.get(f)).filter(|f| f.provenance == p.provenance);
    match via.and_then(|f| f.via.as_deref()) {
        Some(via) => format!("{source} ({})", crate::text::clip_middle(&sanitize_line(via), 120)),
        None => source.to_string(),
    }
}

/// (id, title, url) of the sources the outcome's runbook declares.
fn outcome_sources<'a>(set: &'a RunbookSet, walk: &Walk) -> Vec<(&'a str, &'a str, &'a str)> {
    let rb = set.get(&walk.position.node().runbook);
    rb.map(|rb| rb.runbook.sources.iter().map(|s| (s.id.as_str(), s.title.as_str(), s.url.as_str())).collect())
        .unwrap_or_default()
}
