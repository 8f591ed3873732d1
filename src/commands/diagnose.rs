//! `diagnose`: classify from a facts file (contract section 3).

use std::io::{Read, Write};

use chrono::Utc;

use super::{CliError, Context};
use crate::cli::{DiagnoseArgs, ReportFormat};
use crate::diagnose::{diagnose, to_markdown, to_text};
use crate::facts_file;

/// Reads the facts text from a file or `-` (standard input).
pub fn read_facts_text(spec: &str, stdin: &mut dyn Read) -> Result<(String, String), CliError> {
    if spec == "-" {
        let mut s = String::new();
        stdin.read_to_string(&mut s).map_err(|e| CliError::bad_input(format!("<stdin>: cannot read: {e}")))?;
        Ok(("<stdin>".to_string(), s))
    } else {
        let text = std::fs::read(spec).map_err(|e| CliError::bad_input(format!("{spec}: cannot read: {e}")))?;
        let text = String::from_utf8(text).map_err(|_| CliError::bad_input(format!("{spec}: not UTF-8 text")))?;
        Ok((spec.to_string(), text))
    }
}

pub fn run(ctx: &Context, args: &DiagnoseArgs, stdin: &mut dyn Read, out: &mut dyn Write) -> Result<i32, CliError> {
    let set = ctx.load_set()?;
    let (name, text) = read_facts_text(&args.facts, stdin)?;
    let facts = facts_file::parse(&name, &text, &set.vocab).map_err(|e| CliError::bad_input(e.to_string()))?;
    let (walk, report) = diagnose(&set, &facts, args.assume_unknown, Utc::now())
        .map_err(|e| CliError::bad_input(format!("runbooks: {e}")))?;
    let body = match args.format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string(&report).map_err(|e| CliError::bad_input(e.to_string()))?;
            s.push('\n');
            s
        }
        ReportFormat::Markdown => to_markdown(&set, &walk, &report),
        ReportFormat::Text => to_text(&set, &walk, &report),
    };
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(report.exit_code())
}
