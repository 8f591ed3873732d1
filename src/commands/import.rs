//! `import`: a sign-in log export in, a facts file out (contract §8). Nothing on standard output
//! unless the import succeeded.

use std::io::{Read, Write};

use super::CliError;
use crate::cli::{ImportArgs, ImportFormat};
use crate::exit;
use crate::import::{Imported, Query, import_file};

pub fn run(args: &ImportArgs, stdin: &mut dyn Read, out: &mut dyn Write) -> Result<i32, CliError> {
    let query = query(args.correlation_id.as_deref(), args.user.as_deref());
    let imported = import_file(&args.file, stdin, &query, 1).map_err(|e| CliError::bad_input(e.to_string()))?;
    for w in imported.warnings() {
        let line = crate::text::clip_middle(&crate::text::sanitize_line(&format!("{}: {w}", args.file)), 400);
        eprintln!("passkey-triage: warning: {line}");
    }
    let body = match args.format {
        ImportFormat::Json => imported.to_facts_json(),
        ImportFormat::Text => to_text(&imported),
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(exit::OK)
}

/// The selection from the flags; blank values count as not given.
pub fn query(correlation_id: Option<&str>, user: Option<&str>) -> Query {
    let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    Query { correlation_id: given(correlation_id), user: given(user) }
}

/// `key  value  (source)` lines, then which entry was taken out of how many.
fn to_text(imported: &Imported) -> String {
    let clean = crate::text::sanitize_line;
    let width = imported.facts.iter().map(|f| f.key.len()).max().unwrap_or(0);
    let mut s = String::new();
    for f in &imported.facts {
        s.push_str(&format!("{:<width$}  {}  ({})\n", f.key, clean(&f.value), clean(&f.source)));
    }
    let n = imported.read;
    let entries = if n == 1 { "entry" } else { "entries" };
    let which = if imported.entry.failed() { "the newest failed one" } else { "none failed: the newest" };
    s.push_str(&format!("{} of {n} {entries} matched; {which} was taken.\n", imported.matched));
    s
}
