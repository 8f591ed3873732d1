//! `readiness --format ndjson`: one JSON object a line per device × type × phase (same-device)
//! and per user × type × phase (cross-device), streamed as the estate is walked, for Log
//! Analytics or Power BI. Fields: `record` (`device` | `user`), `id`, `name`, `user`, `os`,
//! `os_version`, `type`, `flow`, `phase`, `verdict`, `row`, `reason`, `settle`.

use std::io::Write;

use serde::Serialize;

use super::estate::Record;

/// The fields of a line, in this order.
#[derive(Serialize)]
struct Line<'a> {
    record: &'a str,
    id: &'a str,
    name: &'a str,
    user: &'a str,
    os: &'a str,
    os_version: &'a str,
    #[serde(rename = "type")]
    passkey: &'a str,
    flow: &'a str,
    phase: &'a str,
    verdict: &'a str,
    row: &'a str,
    reason: &'a str,
    settle: &'a str,
}

/// One line, newline included.
pub fn line(r: &Record<'_>, m: &crate::matrix::Matrix) -> String {
    let [record, id, name, user, os, os_version] = r.subject_columns();
    let e = r.explain(m);
    let l = Line {
        record: &record,
        id: &id,
        name: &name,
        user: &user,
        os: &os,
        os_version: &os_version,
        passkey: r.passkey.as_str(),
        flow: r.flow.as_str(),
        phase: r.phase.as_str(),
        verdict: r.verdict.as_str(),
        row: &e.row,
        reason: &e.reason,
        settle: &e.settle,
    };
    // Plain strings: serialising cannot fail; an empty object rather than a panic.
    let mut s = crate::export::json::escape_unsafe(&serde_json::to_string(&l).unwrap_or_else(|_| "{}".into()));
    s.push('\n');
    s
}

/// Writes every record; stops at the first write error.
pub fn write(
    estate: &super::estate::Estate,
    ev: &super::Evaluator<'_>,
    types: &[super::PasskeyType],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut failed: Option<std::io::Error> = None;
    estate.walk(ev, types, &mut |r| {
        if failed.is_none()
            && let Err(e) = out.write_all(line(&r, ev.matrix).as_bytes())
        {
            failed = Some(e);
        }
    });
    failed.map_or(Ok(()), Err)
}
