//! Every scenario as a live call: the walk starts with nothing known and each question is
//! answered from the scenario's world only when it is asked ("can't tell" when the world doesn't
//! say); steps are answered "couldn't try". As tier 1, admin questions are deferred, so a world
//! whose deciding fact only an admin can check must end in an escalation whose differential names
//! its class. Prints the number of questions put to the caller or the agent, as tier 1 and as
//! tier 2 (`cargo test --test call_simulation -- --nocapture`). This is the contract's count of a
//! call (§5.1): nothing is known until it is asked.
//!
//! To compare a content change: `SIM_RUNBOOKS=DIR` walks the built-ins overridden by DIR's
//! runbooks (e.g. the files of an older commit), and `SHOW_CALLS=1` lists every question asked
//! (`-- --nocapture`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use passkey_triage::engine::differential::differential;
use passkey_triage::engine::{Current, Role, Walk, WalkOptions};
use passkey_triage::runbook::RunbookSet;
use serde_json::Value;

fn t(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_000_000 + n, 0).unwrap_or_default()
}

struct World {
    file: String,
    facts: BTreeMap<String, String>,
    expect: String,
}

fn worlds() -> Vec<World> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
            let facts = v["facts"]
                .as_object()
                .expect("facts")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            World {
                file: p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                facts,
                expect: v["expect"]["class"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// Walks the world as a call; returns the walk and the questions put to someone.
fn call(set: &RunbookSet, world: &World, role: Role) -> (Walk, usize) {
    let options = WalkOptions { role, ..WalkOptions::default() };
    let mut w = Walk::start(set, [], options, t(0)).expect("start");
    let mut asked = 0;
    for i in 0..500 {
        let answer = match w.current(set) {
            Some(Current::Question(_, q)) => {
                asked += 1;
                let a = world.facts.get(&q.fact).cloned().unwrap_or_else(|| "unknown".to_string());
                if std::env::var_os("SHOW_CALLS").is_some() {
                    eprintln!("  {} {:?}: {}={a}", world.file, role, q.fact);
                }
                a
            }
            Some(Current::Step(at, _)) => {
                if std::env::var_os("SHOW_CALLS").is_some() {
                    eprintln!("  {} {:?}: step {at}", world.file, role);
                }
                "unknown".to_string()
            }
            _ => break,
        };
        w.answer(set, &answer, t(i + 1)).unwrap_or_else(|e| panic!("{}: {e}", world.file));
    }
    (w, asked)
}

fn median(xs: &mut [usize]) -> f64 {
    xs.sort_unstable();
    let n = xs.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        xs[n / 2] as f64
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) as f64 / 2.0
    }
}

#[test]
fn every_world_classifies_as_a_call_within_the_budget() {
    let set = match std::env::var_os("SIM_RUNBOOKS") {
        Some(dir) => RunbookSet::load(&[PathBuf::from(dir)]).expect("SIM_RUNBOOKS").set,
        None => RunbookSet::builtin().expect("built-in runbooks"),
    };
    let worlds = worlds();
    assert!(worlds.len() >= 90, "{} worlds", worlds.len());
    let mut failures = Vec::new();
    let (mut tier1, mut tier2) = (Vec::new(), Vec::new());
    // Tier-1 escalations of a class tier 1 can't see, and how many rank it among their first three.
    let (mut escalations, mut first_three) = (0usize, 0usize);
    for world in &worlds {
        // Two-fault and misleading-evidence worlds (`hard-*`) reach their class as tier 2 like
        // any other (the outcome doesn't depend on the order facts are asked, contract §9.1). As
        // tier 1 a fault only an admin can see (an excluded user with the phone's Bluetooth off)
        // can't be found, and the caller-side fault is the answer there.
        let hard = world.file.starts_with("hard-");
        let (w2, n2) = call(&set, world, Role::Tier2);
        tier2.push(n2);
        let class2 = w2.outcome(&set).map(|(_, o)| o.class.clone()).unwrap_or_default();
        if class2 != world.expect {
            failures.push(format!("{} as tier 2: {class2}, expected {}", world.file, world.expect));
        }
        let (w1, n1) = call(&set, world, Role::Tier1);
        tier1.push(n1);
        let Some((_, o)) = w1.outcome(&set) else {
            failures.push(format!("{} as tier 1: no outcome", world.file));
            continue;
        };
        if o.class != world.expect && o.escalate {
            escalations += 1;
            let mut classes: Vec<String> = Vec::new();
            for a in differential(&set, &w1) {
                if !classes.contains(&a.class) {
                    classes.push(a.class);
                }
            }
            first_three += usize::from(classes.iter().take(3).any(|c| *c == world.expect));
        }
        if o.class != world.expect && !hard {
            let named = differential(&set, &w1).iter().any(|a| a.class == world.expect);
            if !(o.escalate && named) {
                failures.push(format!(
                    "{} as tier 1: {} (escalate {}), expected {} or an escalation whose differential names it",
                    world.file, o.class, o.escalate, world.expect
                ));
            }
        }
    }
    let (m1, x1) = (median(&mut tier1), tier1.iter().max().copied().unwrap_or(0));
    let (m2, x2) = (median(&mut tier2), tier2.iter().max().copied().unwrap_or(0));
    let total1: usize = tier1.iter().sum();
    println!(
        "{} worlds as calls: tier 1 median {m1} max {x1} questions ({total1} in all); tier 2 median {m2} max {x2}; \
         tier-1 escalations ranking their class in the first three: {first_three} of {escalations}",
        worlds.len()
    );
    // Calls don't get longer than they are. The count of walks given every fact up front (median
    // 1) hid how long calls are; the target is a median of 6 and a maximum of 12
    // (docs/designed-for-later.md). Budgets as of 6 December 2026: tier 1 median 9, max 21, 1147
    // questions in all (1162 before a stale MFA became the last fix before the retry, so a
    // QR-code call no longer asks the phase first); tier 2 median 15, max 27. The history of each
    // step is in git log and docs/designed-for-later.md.
    if m1 > 9.0 || x1 > 21 {
        failures.push(format!("tier-1 calls got longer: median {m1}, max {x1} (budget: median 9, max 21)"));
    }
    if m2 > 15.0 || x2 > 27 {
        failures.push(format!("tier-2 calls got longer: median {m2}, max {x2} (budget: median 15, max 27)"));
    }
    if total1 > 1147 {
        failures.push(format!("tier-1 calls got longer: {total1} questions in all (budget: 1147)"));
    }
    // Priors set where each outcome is common rank the likely class first (December 2026: 17 of 22).
    if first_three < 17 {
        failures.push(format!("tier-1 escalations ranking their class in the first three: {first_three} (was 17)"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
