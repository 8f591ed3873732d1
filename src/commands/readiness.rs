//! `passkey-triage readiness --devices FILE... [--signin-log FILE]... [--passkey-type TYPE]...
//! [--format text|markdown|csv|json|ndjson] [--view]` (contract §11): reads the inventory and the
//! logs, then hands the estate to `readiness` for evaluation and output.

use std::collections::HashSet;
use std::io::{BufWriter, Read, Write};

use super::{CliError, Context};
use crate::cli::{ReadinessArgs, ReadinessFormat};
use crate::exit;
use crate::readiness::usage::Usage;
use crate::readiness::{self, Device, Estate, Evaluator, PasskeyType, Summary, inventory};

pub fn run(ctx: &Context, args: &ReadinessArgs, stdin: &mut dyn Read, out: &mut dyn Write) -> Result<i32, CliError> {
    if args.view {
        super::view_needs_terminal("readiness", "the readiness results")?;
    }
    let dashes = args.devices.iter().chain(&args.signin_log).filter(|s| *s == "-").count();
    if dashes > 1 {
        return Err(CliError::bad_input("standard input (`-`) can be given only once"));
    }
    let set = ctx.load_set()?;
    let types = passkey_types(args);
    let devices = read_devices(&args.devices, stdin)?;
    let mut usage = Usage::new(&devices);
    for spec in &args.signin_log {
        usage.read_file(spec, stdin).map_err(CliError::bad_input)?;
    }
    let estate = Estate::new(devices, usage);
    let ev = Evaluator::new(&set.matrix);
    let werr = |e: std::io::Error| CliError::bad_input(format!("cannot write output: {e}"));
    if args.view {
        let summary = Summary::build(&estate, &ev, &types);
        let mut view =
            crate::ui::screen::readiness::ReadinessView::new(summary, crate::commands::wizard::no_color_requested());
        return crate::term::run_dashboard(&mut view).map_err(|e| CliError::bad_input(format!("terminal error: {e}")));
    }
    match args.format {
        ReadinessFormat::Csv | ReadinessFormat::Ndjson => {
            let mut w = BufWriter::with_capacity(1 << 16, out);
            if args.format == ReadinessFormat::Csv {
                readiness::csv::write(&estate, &ev, &types, &mut w).map_err(werr)?;
            } else {
                readiness::ndjson::write(&estate, &ev, &types, &mut w).map_err(werr)?;
            }
            w.flush().map_err(werr)?;
        }
        f => {
            let summary = Summary::build(&estate, &ev, &types);
            let body = match f {
                ReadinessFormat::Markdown => readiness::markdown::render(&summary),
                ReadinessFormat::Json => readiness::json::render(&summary),
                _ => readiness::text::render(&summary),
            };
            out.write_all(body.as_bytes()).map_err(werr)?;
        }
    }
    Ok(exit::OK)
}

/// The types asked for, in the contract's order, each once; all four by default.
fn passkey_types(args: &ReadinessArgs) -> Vec<PasskeyType> {
    let asked: Vec<PasskeyType> = args.passkey_type.iter().map(|t| t.to_type()).collect();
    PasskeyType::ALL.into_iter().filter(|t| asked.is_empty() || asked.contains(t)).collect()
}

/// Every device of every file; a device listed twice (the same page given twice, overlapping
/// exports) counts once, and stderr says how many were dropped.
fn read_devices(specs: &[String], stdin: &mut dyn Read) -> Result<Vec<Device>, CliError> {
    let mut devices = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut twice = 0u64;
    for spec in specs {
        inventory::read_file(spec, stdin, &mut |d| {
            if d.id.is_empty() || seen.insert(d.id.clone()) {
                devices.push(d);
            } else {
                twice += 1;
            }
        })
        .map_err(CliError::bad_input)?;
    }
    if twice > 0 {
        eprintln!(
            "passkey-triage: {} listed more than once counted once",
            readiness::plural(twice, "device", "devices")
        );
    }
    Ok(devices)
}
