//! `readiness --format csv`: the NDJSON records as one table (RFC 4180 quoting), streamed:
//! `record,id,name,user,os,os_version,type,flow,phase,verdict,row,reason,settle`. Cells are
//! neutralised and formula-safe as `report`'s CSV ([`crate::report::csv::cell`]).

use std::io::Write;

use super::estate::Record;
use crate::report::csv::cell;

pub const HEADER: &str = "record,id,name,user,os,os_version,type,flow,phase,verdict,row,reason,settle\n";

/// One row, newline included.
pub fn line(r: &Record<'_>, m: &crate::matrix::Matrix) -> String {
    let subject = r.subject_columns();
    let e = r.explain(m);
    let mut cells: Vec<String> = subject.iter().map(|c| cell(c)).collect();
    for c in [r.passkey.as_str(), r.flow.as_str(), r.phase.as_str(), r.verdict.as_str()] {
        cells.push(cell(c));
    }
    for c in [&e.row, &e.reason, &e.settle] {
        cells.push(cell(c));
    }
    let mut s = cells.join(",");
    s.push('\n');
    s
}

/// Writes the header and every record; stops at the first write error.
pub fn write(
    estate: &super::estate::Estate,
    ev: &super::Evaluator<'_>,
    types: &[super::PasskeyType],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    out.write_all(HEADER.as_bytes())?;
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
