//! `readiness --format json`: the contract's shape (§11), pretty-printed, with any character a
//! terminal could act on written as a `\uXXXX` escape:
//! `{"devices", "users", "results": [...], "blockers": [...]}`.

use serde::Serialize;

use super::Summary;
use super::summary::{Blocker, Totals};

#[derive(Serialize)]
struct Contract<'a> {
    devices: u64,
    users: u64,
    results: &'a [Totals],
    blockers: &'a [Blocker],
}

pub fn render(s: &Summary) -> String {
    let body = Contract { devices: s.devices, users: s.users, results: &s.results, blockers: &s.blockers };
    let raw = serde_json::to_string_pretty(&body).unwrap_or_else(|_| "{}".to_string());
    let mut out = crate::export::json::escape_unsafe(&raw);
    out.push('\n');
    out
}
