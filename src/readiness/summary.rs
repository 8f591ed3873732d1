//! The figures every format shows: totals per type × flow × phase, blockers ranked by how many
//! they block (devices for same-device, users for cross-device), unknowns with what would settle
//! them, and the conditions no input can check. Built in one pass over the estate's records.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::estate::{Estate, Record, Subject};
use super::evaluate::{Evaluator, Settle, Verdict};
use super::usage::UsageStats;
use super::{Flow, PasskeyType, Phase};
use crate::matrix::Matrix;
use crate::vocab::Source;

/// One line of `results`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    #[serde(rename = "type")]
    pub passkey: &'static str,
    pub flow: &'static str,
    pub phase: &'static str,
    pub ready: u64,
    pub blocked: u64,
    pub unknown: u64,
    pub not_applicable: u64,
}

/// One blocker: a matrix row that blocks a type × flow × phase somewhere in the estate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    #[serde(rename = "type")]
    pub passkey: &'static str,
    pub flow: &'static str,
    pub phase: &'static str,
    pub row: String,
    pub reason: String,
    pub sources: Vec<Source>,
    pub devices: u64,
    pub users: u64,
    /// Not confirmed in Microsoft's docs (the row says so); not in the contract's JSON.
    #[serde(skip)]
    pub unverified: bool,
}

impl Blocker {
    /// What it is ranked by: devices for same-device, users for cross-device.
    pub fn weight(&self) -> u64 {
        if self.flow == Flow::SameDevice.as_str() { self.devices } else { self.users }
    }
}

/// Results that can't be told for one reason, and what would settle them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unknowns {
    pub settle: Settle,
    pub devices: u64,
    pub users: u64,
}

impl Unknowns {
    /// "OS version missing on 1,204 devices: export with the OS version column (Graph osVersion)".
    pub fn sentence(&self) -> String {
        let on = match (self.devices, self.users) {
            (0, u) => super::plural(u, "user", "users"),
            (d, 0) => super::plural(d, "device", "devices"),
            (d, u) => format!("{} ({})", super::plural(d, "device", "devices"), super::plural(u, "user", "users")),
        };
        let prep = if self.devices == 0 { "for" } else { "on" };
        format!("{} {prep} {on}: {}", self.settle.what(), self.settle.settle())
    }
}

/// A condition of a ready result that no input carries (a minimum the matrix states).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub row: String,
    pub notes: String,
    pub results: u64,
}

/// Everything the formats print.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub devices: u64,
    pub users: u64,
    pub types: Vec<PasskeyType>,
    pub results: Vec<Totals>,
    pub blockers: Vec<Blocker>,
    pub unknowns: Vec<Unknowns>,
    pub conditions: Vec<Condition>,
    /// Devices per `client.os` (`unrecognised` for the others).
    pub by_os: BTreeMap<&'static str, u64>,
    pub usage: UsageStats,
    /// Clients seen in the sign-in logs by family, with how many devices (or users on an OS)
    /// used each, most first.
    pub clients: Vec<(String, u64)>,
    /// The matrix's date.
    pub as_of: String,
}

type CellKey = (PasskeyType, Flow, Phase);

#[derive(Default)]
struct BlockerAcc {
    devices: u64,
    users: u64,
    /// The last user counted, so a user with several blocked devices counts once (records come
    /// user by user).
    last_user: Option<String>,
}

/// The reason a row gives: its notes' first sentence, neutralised.
pub fn first_sentence(notes: &str) -> String {
    let notes = crate::text::sanitize_line(notes.trim());
    // A full stop after an abbreviation (`e.g.`, `i.e.`) doesn't end the sentence.
    let mut from = 0;
    while let Some(i) = notes[from..].find(". ").map(|i| i + from) {
        let before = &notes[..=i];
        if !["e.g.", "i.e.", "etc.", "vs."].iter().any(|a| before.ends_with(a)) {
            return before.to_string();
        }
        from = i + 2;
    }
    notes
}

impl Summary {
    /// Walks the estate once.
    pub fn build(estate: &Estate, ev: &Evaluator<'_>, types: &[PasskeyType]) -> Summary {
        let mut cells: BTreeMap<CellKey, [u64; 4]> = BTreeMap::new();
        for &t in types {
            for flow in Flow::ALL {
                for phase in Phase::ALL {
                    cells.insert((t, flow, phase), [0; 4]);
                }
            }
        }
        let mut blockers: HashMap<(CellKey, String, Option<String>), BlockerAcc> = HashMap::new();
        let mut unknown_devices: BTreeMap<Settle, u64> = BTreeMap::new();
        let mut unknown_users: BTreeMap<Settle, u64> = BTreeMap::new();
        let mut conditions: BTreeMap<String, u64> = BTreeMap::new();
        // Settles seen for the current device and the current user (bit per Settle).
        let mut device_bits: u16 = 0;
        let mut user_bits: u16 = 0;
        let mut current_device: Option<*const super::Device> = None;
        let mut current_user: Option<String> = None;
        let flush = |bits: &mut u16, into: &mut BTreeMap<Settle, u64>| {
            for (i, s) in Settle::ALL.iter().enumerate() {
                if *bits & (1 << i) != 0 {
                    *into.entry(*s).or_default() += 1;
                }
            }
            *bits = 0;
        };
        let bit = |s: Settle| 1u16 << Settle::ALL.iter().position(|x| *x == s).unwrap_or(0);
        estate.walk(ev, types, &mut |r: Record<'_>| {
            let user_of = match r.subject {
                Subject::Device(d) => d.upn.clone(),
                Subject::User { upn, .. } => Some(upn.to_string()),
            };
            if user_of != current_user {
                flush(&mut user_bits, &mut unknown_users);
                current_user = user_of.clone();
            }
            let this_device = match r.subject {
                Subject::Device(d) => Some(d as *const super::Device),
                Subject::User { .. } => None,
            };
            if this_device != current_device {
                flush(&mut device_bits, &mut unknown_devices);
                current_device = this_device;
            }
            let key = (r.passkey, r.flow, r.phase);
            let cell = cells.entry(key).or_insert([0; 4]);
            match &r.verdict {
                Verdict::Ready(c) => {
                    cell[0] += 1;
                    for id in c {
                        *conditions.entry(id.clone()).or_default() += 1;
                    }
                }
                Verdict::Blocked(b) => {
                    cell[1] += 1;
                    let acc = blockers.entry((key, b.row.clone(), b.need.clone())).or_default();
                    match r.subject {
                        Subject::Device(_) => {
                            acc.devices += 1;
                            if user_of.is_some() && acc.last_user != user_of {
                                acc.users += 1;
                                acc.last_user = user_of.clone();
                            }
                        }
                        Subject::User { computers, .. } => {
                            acc.users += 1;
                            acc.devices += computers as u64;
                        }
                    }
                }
                Verdict::Unknown(s) => {
                    cell[2] += 1;
                    if this_device.is_some() {
                        device_bits |= bit(*s);
                    }
                    if user_of.is_some() {
                        user_bits |= bit(*s);
                    }
                }
                Verdict::NotApplicable(_) => cell[3] += 1,
            }
        });
        flush(&mut device_bits, &mut unknown_devices);
        flush(&mut user_bits, &mut unknown_users);

        let m: &Matrix = ev.matrix;
        let row = |id: &str| m.rows.iter().find(|r| r.id == id);
        let results = cells
            .iter()
            .map(|((t, flow, phase), c)| Totals {
                passkey: t.as_str(),
                flow: flow.as_str(),
                phase: phase.as_str(),
                ready: c[0],
                blocked: c[1],
                unknown: c[2],
                not_applicable: c[3],
            })
            .collect();
        let mut blockers: Vec<Blocker> = blockers
            .into_iter()
            .map(|(((t, flow, phase), id, need), acc)| {
                let r = row(&id);
                let notes = r.map(|r| first_sentence(&r.notes)).unwrap_or_default();
                let reason = match need {
                    Some(n) => format!("below the minimum {n}: {notes}"),
                    None => notes,
                };
                let sources = r
                    .map(|r| {
                        r.sources
                            .iter()
                            .map(|s| {
                                m.sources.iter().find(|src| src.id == *s).cloned().unwrap_or_else(|| Source {
                                    id: s.clone(),
                                    title: String::new(),
                                    url: String::new(),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Blocker {
                    passkey: t.as_str(),
                    flow: flow.as_str(),
                    phase: phase.as_str(),
                    row: id,
                    reason,
                    sources,
                    devices: acc.devices,
                    users: acc.users,
                    unverified: r.is_some_and(|r| r.unverified),
                }
            })
            .collect();
        // Most blocked first; ties in type, flow, phase, row order.
        let order = |b: &Blocker| {
            (
                PasskeyType::ALL.iter().position(|t| t.as_str() == b.passkey),
                b.flow != Flow::SameDevice.as_str(),
                b.phase != Phase::SignIn.as_str(),
            )
        };
        blockers.sort_by(|a, b| {
            b.weight()
                .cmp(&a.weight())
                .then_with(|| order(a).cmp(&order(b)))
                .then_with(|| a.row.cmp(&b.row))
                .then_with(|| a.reason.cmp(&b.reason))
        });
        let unknowns = Settle::ALL
            .iter()
            .filter_map(|s| {
                let devices = unknown_devices.get(s).copied().unwrap_or(0);
                let users = unknown_users.get(s).copied().unwrap_or(0);
                (devices + users > 0).then_some(Unknowns { settle: *s, devices, users })
            })
            .collect();
        let conditions = conditions
            .into_iter()
            .map(|(id, results)| Condition {
                notes: row(&id).map(|r| first_sentence(&r.notes)).unwrap_or_default(),
                row: id,
                results,
            })
            .collect();
        let mut by_os: BTreeMap<&'static str, u64> = BTreeMap::new();
        for d in &estate.devices {
            *by_os.entry(d.os.map_or("unrecognised", |o| o.as_str())).or_default() += 1;
        }
        Summary {
            devices: estate.devices.len() as u64,
            users: estate.users() as u64,
            types: types.to_vec(),
            results,
            blockers,
            unknowns,
            conditions,
            by_os,
            usage: estate.usage.stats,
            clients: estate.usage.client_counts(),
            as_of: m.as_of.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_sentences() {
        assert_eq!(super::first_sentence("One. Two."), "One.");
        assert_eq!(super::first_sentence("Modules (e.g. X) fail. More."), "Modules (e.g. X) fail.");
        assert_eq!(super::first_sentence("No stop"), "No stop");
    }
}
