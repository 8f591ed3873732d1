//! `graph RUNBOOK`: the decision tree for reviewers.

use std::io::Write;

use super::{CliError, Context};
use crate::cli::{GraphArgs, GraphFormat};

pub fn run(ctx: &Context, args: &GraphArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let set = ctx.load_set()?;
    let rb = set.get(&args.runbook).ok_or_else(|| {
        let ids: Vec<&str> = set.runbooks.iter().map(|r| r.id()).collect();
        CliError::bad_input(format!("no runbook `{}` (have: {})", args.runbook, ids.join(", ")))
    })?;
    let body = match args.format {
        GraphFormat::Mermaid => crate::graph::mermaid(rb),
        GraphFormat::Dot => crate::graph::dot(rb),
    };
    // The gate every drawing leaves through: nothing from a runbook reaches the terminal raw.
    let body = crate::text::sanitize_text(&body);
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(crate::exit::OK)
}
