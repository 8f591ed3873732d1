//! What the call changed: a step the user did on the call ("Turn on the phone's Bluetooth and
//! retry") whose result says what is true now ("Still fails with Bluetooth on": the result's
//! `now`). The walk keeps the facts as found, since they decided the path; the session and every
//! export say what changed, so the hand-off doesn't tell tier 2 that Bluetooth is still off.

use serde::{Deserialize, Serialize};

use super::{StepKind, Walk};
use crate::runbook::RunbookSet;
use crate::runbook::model::Node;

/// One fact a step changed on the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Changed {
    pub fact: String,
    /// What the call found (the fact's value in the walk).
    pub was: String,
    /// What is true after the step.
    pub now: String,
    /// The step, `runbook#node`.
    pub step: String,
    /// The step's title and the result it got, as the agent saw them.
    pub title: String,
    pub result: String,
}

impl Changed {
    /// The change in words, for the facts panel and the notes: "now on, after 'Turn on the
    /// phone's Bluetooth and retry': Still fails with Bluetooth on".
    pub fn words(&self) -> String {
        format!("now {}, after '{}': {}", self.now, self.title, self.result)
    }
}

/// The facts the steps on the path changed, in path order; a later step's word wins for a fact.
pub fn changed_on_call(set: &RunbookSet, walk: &Walk) -> Vec<Changed> {
    let mut out: Vec<Changed> = Vec::new();
    for entry in walk.path.iter().filter(|p| p.kind == StepKind::Step) {
        let Some(Node::Step(s)) = set.node(&entry.node) else { continue };
        let Some(result) = s.options.iter().find(|o| o.value == entry.answer) else { continue };
        for (fact, now) in &result.now {
            let Some(was) = walk.facts.get(fact).map(|f| f.value.clone()) else { continue };
            out.retain(|c| c.fact != *fact);
            if was != *now {
                out.push(Changed {
                    fact: fact.clone(),
                    was,
                    now: now.clone(),
                    step: entry.node.to_string(),
                    title: s.title.clone(),
                    result: result.label.clone(),
                });
            }
        }
    }
    out
}
