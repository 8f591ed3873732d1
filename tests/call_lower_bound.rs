//! How much shorter any order of questions could make each call (contract §5.1, §9.2).
//!
//! For every scenario, the live call (tier 1: nothing known until asked) is run; then the facts
//! it asked are dropped one at a time, each for good when the walk given the rest up front still
//! ends at the same outcome without asking anything. What is left is a subset of the call's own
//! questions that decides it: no chooser, even one that knew the answers, asks fewer of those
//! facts. The figures (`cargo test --release --test call_lower_bound -- --nocapture`) back the
//! README's "what any order could gain"; the assertion keeps the library's order within two
//! questions of that at the median (asking by value, contract §9.2, asks a likelier check before
//! one the tree reads first, which a call whose fault is the earlier one didn't need), so a
//! change that adds questions the outcome doesn't need fails.

mod common;

use common::worlds::{live_walk, scenario_worlds, tick};
use passkey_triage::engine::{Current, Provenance, Role, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;

/// The walk given `known` up front (as asked), steps not tried.
fn given(set: &RunbookSet, known: &[(String, String)]) -> Walk {
    let prefill = known.iter().map(|(k, v)| (k.clone(), v.clone(), Provenance::Asked));
    let options = WalkOptions { skip_steps: true, role: Role::Tier1, ..WalkOptions::default() };
    Walk::start(set, prefill, options, tick(0)).expect("start")
}

fn median(xs: &mut [usize]) -> usize {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

#[test]
fn the_library_order_asks_at_most_two_questions_more_than_needed_at_the_median() {
    let set = RunbookSet::builtin().expect("built-in runbooks");
    let (mut calls, mut needed) = (Vec::new(), Vec::new());
    for world in scenario_worlds(&set) {
        let call = live_walk(&set, &world.facts, &[], Role::Tier1).expect("live call");
        let outcome = call.outcome(&set).unwrap_or_else(|| panic!("{}: no outcome", world.name));
        let mut known: Vec<(String, String)> = call
            .asked
            .iter()
            .map(|f| (f.clone(), world.facts.get(f).cloned().unwrap_or_else(|| "unknown".to_string())))
            .collect();
        let mut i = 0;
        while i < known.len() {
            let mut fewer = known.clone();
            fewer.remove(i);
            let walk = given(&set, &fewer);
            let decided = !matches!(walk.current(&set), Some(Current::Question(..)))
                && walk.outcome(&set).map(|(r, _)| r.to_string()).as_deref() == Some(outcome.as_str());
            if decided {
                known = fewer;
            } else {
                i += 1;
            }
        }
        // The subset really decides the call: the walk given it ends where the call ended.
        let walk = given(&set, &known);
        assert_eq!(walk.outcome(&set).map(|(r, _)| r.to_string()), Some(outcome.clone()), "{}", world.name);
        assert!(known.len() <= call.asked.len(), "{}", world.name);
        calls.push(call.asked.len());
        needed.push(known.len());
    }
    let (live_max, needed_max) = (calls.iter().max().copied().unwrap_or(0), needed.iter().max().copied().unwrap_or(0));
    let (live, least) = (median(&mut calls), median(&mut needed));
    println!(
        "tier 1 over {} scenarios: the call asks a median of {live} (max {live_max}); a subset of its own questions that decides it: median {least} (max {needed_max})",
        calls.len()
    );
    assert!(live <= least + 2, "the call asks a median of {live}, but {least} of its questions decide it");
}
