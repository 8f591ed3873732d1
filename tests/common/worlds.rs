//! Worlds and calls over the built-in library: the scenario files as worlds (their facts read
//! as `diagnose --facts` reads them), a live walk that asks each fact only when the walk waits
//! for it (contract §5.1), and the walk given every fact up front (`diagnose --assume-unknown`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use passkey_triage::engine::{Current, EngineError, Provenance, Role, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use passkey_triage::vocab::UNKNOWN;

/// A live walk that asks more than this many questions is taken to loop.
pub const MAX_QUESTIONS: usize = 80;

/// A fixed clock: the outcome never depends on the time.
pub fn tick(n: usize) -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_900_000 + n as i64, 0).unwrap_or_default()
}

/// One world: what is true on the caller's side and in the tenant.
#[derive(Debug, Clone)]
pub struct World {
    /// The scenario file (`hard-06.json`), or what a generated world was made from.
    pub name: String,
    pub facts: BTreeMap<String, String>,
    /// The scenario's expected class (empty for generated worlds).
    pub expect: String,
}

pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// Every `tests/scenarios/*.json`, in file-name order, facts normalised as `diagnose` does.
pub fn scenario_worlds(set: &RunbookSet) -> Vec<World> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            let facts = passkey_triage::facts_file::parse(&name, &text, &set.vocab)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .collect();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let expect = v["expect"]["class"].as_str().unwrap_or_default().to_string();
            World { name, facts, expect }
        })
        .collect()
}

/// The walk given every fact of the world up front, the rest `unknown`, steps not tried:
/// `diagnose --assume-unknown --facts WORLD`.
pub fn all_facts_walk(set: &RunbookSet, facts: &BTreeMap<String, String>, role: Role) -> Result<Walk, EngineError> {
    let prefill = facts.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
    Walk::start(set, prefill, WalkOptions { assume_unknown: true, skip_steps: true, role, ask_all: false }, tick(0))
}

/// A live call: how it ended.
#[derive(Debug)]
pub struct LiveCall {
    pub walk: Walk,
    /// The facts asked, in order.
    pub asked: Vec<String>,
}

impl LiveCall {
    /// The outcome node (`runbook#node`), if the walk reached one.
    pub fn outcome(&self, set: &RunbookSet) -> Option<String> {
        self.walk.outcome(set).map(|(r, _)| r.to_string())
    }
}

/// A live walk (contract §5.1), as the wizard runs it: `given` is known from the start (a facts
/// file, a sign-in log); at each question the walk waits at, the world answers its fact
/// (`unknown` where the world doesn't say); steps are answered "couldn't try". Stops at an
/// outcome, or after [`MAX_QUESTIONS`] questions (the caller returns the walk unfinished).
pub fn live_walk(
    set: &RunbookSet,
    world: &BTreeMap<String, String>,
    given: &[(String, String)],
    role: Role,
) -> Result<LiveCall, EngineError> {
    let prefill = given.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
    let mut walk = Walk::start(set, prefill, WalkOptions { role, ..WalkOptions::default() }, tick(0))?;
    let mut asked = Vec::new();
    // Steps count towards the bound too, so a walk that only ever waits at steps still ends.
    for i in 1..=MAX_QUESTIONS * 2 {
        let (fact, answer) = match walk.current(set) {
            Some(Current::Question(_, q)) => {
                if asked.len() == MAX_QUESTIONS {
                    break;
                }
                (Some(q.fact.clone()), world.get(&q.fact).cloned().unwrap_or_else(|| UNKNOWN.to_string()))
            }
            Some(Current::Step(..)) => (None, UNKNOWN.to_string()),
            _ => break,
        };
        match (walk.answer(set, &answer, tick(i)), fact) {
            (Ok(()), Some(f)) => asked.push(f),
            (Ok(()), None) => {}
            // A value the question doesn't list as an option: the caller said it anyway, and the
            // command line (`diagnose --facts -`) would take it as a fact.
            (Err(EngineError::NotAnOption { .. }), Some(f)) => {
                walk.set_fact(set, &f, &answer, Provenance::Asked, tick(i))?;
                asked.push(f);
            }
            (Err(e), _) => return Err(e),
        }
    }
    Ok(LiveCall { walk, asked })
}

/// A live call as the command line runs it (contract §5.1, `../shared/tools/live-call.py`): each
/// round is a new walk, `diagnose --facts -` with what is known so far (steps not tried, nothing
/// assumed); the fact it waits for is answered from the world and added, until it classifies or
/// has asked [`MAX_QUESTIONS`]. Returns the last round's walk.
pub fn command_line_call(
    set: &RunbookSet,
    world: &BTreeMap<String, String>,
    given: &[(String, String)],
    role: Role,
) -> Result<LiveCall, EngineError> {
    let options = WalkOptions { skip_steps: true, role, ..WalkOptions::default() };
    let mut known: Vec<(String, String)> = given.to_vec();
    let mut asked = Vec::new();
    loop {
        let prefill = known.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::FactsFile));
        let walk = Walk::start(set, prefill, options, tick(0))?;
        let fact = match walk.current(set) {
            Some(Current::Question(_, q)) if asked.len() < MAX_QUESTIONS => q.fact.clone(),
            _ => return Ok(LiveCall { walk, asked }),
        };
        known.push((fact.clone(), world.get(&fact).cloned().unwrap_or_else(|| UNKNOWN.to_string())));
        asked.push(fact);
    }
}

/// The world as one line, `key=value` in key order.
pub fn describe(facts: &BTreeMap<String, String>) -> String {
    facts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
}
