//! Thin entry point: parse, dispatch, map errors to exit codes.

use std::io::Write;

use clap::Parser;

use passkey_triage::cli::{Cli, Command};
use passkey_triage::commands::{self, CliError, Context};
use passkey_triage::paths::Paths;
use passkey_triage::{exit, schema};

fn main() {
    let cli = Cli::parse();
    let ctx = Context { paths: Paths::resolve(cli.data_dir.clone()), runbook_dirs: cli.runbooks.clone() };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result: Result<i32, CliError> = match &cli.command {
        Some(Command::Lint(a)) => commands::lint::run(&ctx, a, &mut out),
        Some(Command::Diagnose(a)) => commands::diagnose::run(&ctx, a, &mut std::io::stdin(), &mut out),
        Some(Command::Matrix(a)) => commands::matrix::run(&ctx, a, &mut out),
        Some(Command::Graph(a)) => commands::graph::run(&ctx, a, &mut out),
        Some(Command::Schema) => out
            .write_all(schema::runbook_schema().as_bytes())
            .map(|_| exit::OK)
            .map_err(|e| CliError::bad_input(e.to_string())),
        Some(Command::Sessions(a)) => commands::sessions::run(&ctx, a, &mut out),
        Some(Command::Export(a)) => commands::export::run(&ctx, a, &mut out),
        Some(Command::Open(a)) => commands::open::run(&ctx, a, &mut out),
        Some(Command::Escalate(a)) => commands::escalate::run(&ctx, a, &mut out),
        Some(Command::Queue(a)) => commands::queue::run(&ctx, a, &mut out),
        Some(Command::Report(a)) => commands::report::run(&ctx, a, &mut out),
        None => commands::wizard::run(&ctx, &cli.wizard, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("passkey-triage: {e}");
            std::process::exit(e.code);
        }
    }
}
