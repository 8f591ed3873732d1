//! Thin entry point: parse, dispatch, map errors to exit codes.

use std::io::Write;

use clap::Parser;

use passkey_triage::cli::{Cli, Command};
use passkey_triage::commands::{self, CliError, Context};
use passkey_triage::paths::Paths;
use passkey_triage::{exit, schema};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => usage_error(e),
    };
    let ctx = Context { paths: Paths::resolve(cli.data_dir.clone()), runbook_dirs: cli.runbooks.clone() };
    let stdout = std::io::stdout();
    let mut out = ClosedPipeAware { inner: stdout.lock(), closed: false };
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
        Some(Command::Import(a)) => commands::import::run(a, &mut std::io::stdin(), &mut out),
        Some(Command::Post(a)) => commands::post::run(&ctx, a, &mut out),
        Some(Command::Escalate(a)) => commands::escalate::run(&ctx, a, &mut out),
        Some(Command::Queue(a)) => commands::queue::run(&ctx, a, &mut out),
        Some(Command::Report(a)) => commands::report::run(&ctx, a, &mut out),
        Some(Command::Readiness(a)) => commands::readiness::run(&ctx, a, &mut std::io::stdin(), &mut out),
        None => commands::wizard::run(&ctx, &cli.wizard, &mut out),
    };
    let _ = out.flush();
    // A reader that stopped early (`lint | head`) is a normal end, as in ripgrep: exit 0 and say
    // nothing, whatever error the write turned into on its way up.
    if out.closed {
        std::process::exit(exit::OK);
    }
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // stderr is an output too: nothing from an input reaches the terminal raw.
            eprintln!("passkey-triage: {}", passkey_triage::text::sanitize_line(&e.to_string()));
            std::process::exit(e.code);
        }
    }
}

/// A command line clap refuses: help and version print as usual; anything else is bad input
/// (contract §3): exit 2 with one line on stderr that names the problem, not a usage block.
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    {
        e.exit();
    }
    // clap's message without its `error:` prefix, usage and "For more information" lines.
    let rendered = e.render().to_string();
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(|l| l.strip_prefix("error:").map_or(l, str::trim))
        .collect();
    let line = passkey_triage::text::sanitize_line(&parts.join(" "));
    eprintln!("passkey-triage: {line} (see --help)");
    std::process::exit(exit::BAD_INPUT);
}

/// Standard output that remembers whether the reader went away (`EPIPE`; Rust ignores SIGPIPE).
struct ClosedPipeAware<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeAware<W> {
    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if r.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
            self.closed = true;
        }
        r
    }
}

impl<W: Write> Write for ClosedPipeAware<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let r = self.inner.write_all(buf);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}
