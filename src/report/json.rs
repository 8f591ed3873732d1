//! `report --format json`: the [`Report`] as pretty JSON, with any character a terminal could act
//! on written as a `\uXXXX` escape.

use super::Report;

pub fn render(r: &Report) -> String {
    let raw = serde_json::to_string_pretty(r).unwrap_or_else(|_| "{}".to_string());
    let mut out = crate::export::json::escape_unsafe(&raw);
    out.push('\n');
    out
}
