//! The inventory and the sign-in usage, grouped by user, and the walk that evaluates every
//! device and every user once, handing each result to a sink (the summary counts them, CSV and
//! NDJSON write them out as they come: nothing per device is kept).

use std::collections::BTreeMap;

use super::evaluate::{Evaluator, Verdict};
use super::usage::{Client, Usage};
use super::{Device, Flow, PasskeyType, Phase};

/// Devices and what the logs say about them.
pub struct Estate {
    pub devices: Vec<Device>,
    pub usage: Usage,
    /// Device indexes by primary user, users in UPN order, devices in inventory order.
    by_user: BTreeMap<String, Vec<usize>>,
    /// Devices without a primary user.
    no_user: Vec<usize>,
}

/// Who a result is about.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// Same-device: one device.
    Device(&'a Device),
    /// Cross-device: one user, with how many computers and phones the inventory gives them.
    User { upn: &'a str, computers: usize, phones: usize },
}

/// One result: a subject, a passkey type, a flow and a phase, and the verdict.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub subject: Subject<'a>,
    pub passkey: PasskeyType,
    pub flow: Flow,
    pub phase: Phase,
    pub verdict: Verdict,
}

impl Estate {
    pub fn new(devices: Vec<Device>, usage: Usage) -> Self {
        let mut by_user: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut no_user = Vec::new();
        for (i, d) in devices.iter().enumerate() {
            match &d.upn {
                Some(u) => by_user.entry(u.clone()).or_default().push(i),
                None => no_user.push(i),
            }
        }
        Estate { devices, usage, by_user, no_user }
    }

    pub fn users(&self) -> usize {
        self.by_user.len()
    }

    /// Evaluates every device (same-device) and every user (cross-device) for each type and
    /// phase, user by user (each user's devices, then the user), then the devices without a
    /// user.
    pub fn walk(&self, ev: &Evaluator<'_>, types: &[PasskeyType], sink: &mut dyn FnMut(Record<'_>)) {
        for (upn, idx) in &self.by_user {
            for &i in idx {
                self.device_records(&self.devices[i], ev, types, sink);
            }
            let computers: Vec<(&Device, &[Client])> = idx
                .iter()
                .map(|&i| &self.devices[i])
                .filter(|d| d.os.is_some_and(|o| !o.is_phone()))
                .map(|d| (d, self.usage.clients(d)))
                .collect();
            let phones: Vec<&Device> =
                idx.iter().map(|&i| &self.devices[i]).filter(|d| d.os.is_some_and(|o| o.is_phone())).collect();
            let subject = Subject::User { upn, computers: computers.len(), phones: phones.len() };
            // A device of no known OS might be the computer: not "no computer", unknown.
            let unrecognised = computers.is_empty() && idx.iter().any(|&i| self.devices[i].os.is_none());
            for &t in types {
                for phase in Phase::ALL {
                    let verdict = if unrecognised && t.has_cross_device() {
                        Verdict::Unknown(super::evaluate::Settle::OsNotRecognised)
                    } else {
                        ev.cross_device(&computers, &phones, t, phase)
                    };
                    sink(Record { subject, passkey: t, flow: Flow::CrossDevice, phase, verdict });
                }
            }
        }
        for &i in &self.no_user {
            self.device_records(&self.devices[i], ev, types, sink);
        }
    }

    fn device_records(&self, d: &Device, ev: &Evaluator<'_>, types: &[PasskeyType], sink: &mut dyn FnMut(Record<'_>)) {
        let clients = self.usage.clients(d);
        for &t in types {
            for phase in Phase::ALL {
                let verdict = ev.same_device(d, clients, t, phase);
                sink(Record { subject: Subject::Device(d), passkey: t, flow: Flow::SameDevice, phase, verdict });
            }
        }
    }
}

/// A record in words, for the per-row formats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Explained {
    /// The matrix row that decided (blocked, not applicable), or the rows of the conditions.
    pub row: String,
    /// The row's reason (blocked), or what is missing (unknown).
    pub reason: String,
    /// What would settle an unknown.
    pub settle: String,
}

impl Record<'_> {
    pub fn explain(&self, m: &crate::matrix::Matrix) -> Explained {
        let notes = |id: &str| {
            m.rows.iter().find(|r| r.id == id).map(|r| super::summary::first_sentence(&r.notes)).unwrap_or_default()
        };
        match &self.verdict {
            Verdict::Ready(conditions) => Explained { row: conditions.join(" "), ..Explained::default() },
            Verdict::Blocked(b) => Explained {
                row: b.row.clone(),
                reason: match &b.need {
                    Some(n) => format!("below the minimum {n}: {}", notes(&b.row)),
                    None => notes(&b.row),
                },
                settle: String::new(),
            },
            Verdict::Unknown(s) => {
                Explained { row: String::new(), reason: s.what().to_string(), settle: s.settle().to_string() }
            }
            Verdict::NotApplicable(row) => Explained {
                row: row.clone().unwrap_or_default(),
                reason: match row {
                    Some(r) => notes(r),
                    None if self.flow == Flow::CrossDevice && !self.passkey.has_cross_device() => {
                        "cross-device sign-in uses a passkey on a phone".to_string()
                    }
                    None if self.flow == Flow::SameDevice && self.passkey == PasskeyType::Authenticator => {
                        "Authenticator runs on phones: on a computer its passkey is used through the QR code (cross-device)"
                            .to_string()
                    }
                    None => "no computer of this user in the inventory".to_string(),
                },
                settle: String::new(),
            },
        }
    }

    /// The columns every per-row format shares: record, id, name, user, os, os_version.
    pub fn subject_columns(&self) -> [String; 6] {
        match self.subject {
            Subject::Device(d) => [
                "device".to_string(),
                d.id.clone(),
                d.name.clone(),
                d.upn.clone().unwrap_or_default(),
                d.os.map_or_else(|| d.os_raw.clone(), |o| o.as_str().to_string()),
                d.os_version_raw.clone().unwrap_or_default(),
            ],
            Subject::User { upn, computers, phones } => [
                "user".to_string(),
                upn.to_string(),
                String::new(),
                upn.to_string(),
                format!("{computers} computer(s), {phones} phone(s)"),
                String::new(),
            ],
        }
    }
}
