//! The question number the agent reads in the title (`Walk::question_number`) counts the
//! questions put so far, whichever order the chooser asked them in: going back to a question
//! shows the number it had when it was asked, however many times the agent goes back, and the
//! path panel numbers each answer the same way.

mod common;

use std::collections::HashMap;

use common::worlds::{scenario_worlds, tick};
use passkey_triage::engine::{Current, Role, Walk, WalkOptions};
use passkey_triage::vocab::UNKNOWN;

#[test]
fn going_back_shows_each_question_with_the_number_it_was_asked_under() {
    let set = passkey_triage::runbook::RunbookSet::builtin().expect("built-in runbooks");
    let mut wrong = Vec::new();
    for world in scenario_worlds(&set) {
        let options = WalkOptions { role: Role::Tier1, ..WalkOptions::default() };
        let mut walk = Walk::start(&set, std::iter::empty(), options, tick(0)).expect("start");
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut i = 1;
        while let Some(Current::Question(_, q)) = walk.current(&set) {
            numbers.insert(q.fact.clone(), walk.question_number(&set));
            let answer = world.facts.get(&q.fact).cloned().unwrap_or_else(|| UNKNOWN.to_string());
            if walk.answer(&set, &answer, tick(i)).is_err() {
                break;
            }
            i += 1;
        }
        // The path panel numbers each answer as the title did when it was asked.
        for (fact, n) in &numbers {
            if walk.asked_number(fact) != Some(*n) {
                wrong.push(format!(
                    "{}: `{fact}` asked as question {n} is numbered {:?}",
                    world.name,
                    walk.asked_number(fact)
                ));
            }
        }
        // From the end of the call, back one question at a time, up to five.
        let mut back = walk.clone();
        for _ in 0..5 {
            if back.back(&set, tick(i)).is_err() {
                break;
            }
            i += 1;
            let Some(Current::Question(_, q)) = back.current(&set) else { break };
            // A question the call never put (a derivation answered it) has no number to keep.
            let Some(was) = numbers.get(&q.fact).copied() else { continue };
            let shown = back.question_number(&set);
            if shown != was {
                wrong.push(format!("{}: `{}` asked as question {was} is {shown} after going back", world.name, q.fact));
                break;
            }
        }
    }
    assert!(wrong.is_empty(), "{} calls:\n{}", wrong.len(), wrong.join("\n"));
}
