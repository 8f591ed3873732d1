//! One module per subcommand. Each returns the process exit code; errors carry theirs.

pub mod diagnose;
pub mod escalate;
pub mod export;
pub mod graph;
pub mod import;
pub mod lint;
pub mod matrix;
pub mod open;
pub mod post;
pub mod queue;
pub mod readiness;
pub mod report;
pub mod sessions;
pub mod wizard;

use std::path::{Path, PathBuf};

use crate::exit;
use crate::paths::Paths;
use crate::runbook::RunbookSet;

/// A failure with its exit code and a one-line message for stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

/// The longest error line printed (longer ones end in `…`).
pub const MAX_MESSAGE_CHARS: usize = 1000;

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        // One line a person reads: never a forged field's megabytes.
        Self { code: exit::BAD_INPUT, message: crate::text::clip_middle(&message.into(), MAX_MESSAGE_CHARS) }
    }
}

/// What every command needs: folders and the runbook search path.
#[derive(Debug, Clone)]
pub struct Context {
    pub paths: Paths,
    /// `--runbooks` folders, in order.
    pub runbook_dirs: Vec<PathBuf>,
}

impl Context {
    /// Folders that add to the built-ins, in precedence order (later wins).
    pub fn effective_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self.paths.config_runbooks().into_iter().collect();
        dirs.extend(self.runbook_dirs.iter().cloned());
        dirs
    }

    /// Loads the effective runbook set; any unparsable runbook is bad input (exit 2).
    pub fn load_set(&self) -> Result<RunbookSet, CliError> {
        let loaded = RunbookSet::load(&self.effective_dirs()).map_err(|f| CliError::bad_input(f.to_string()))?;
        if let Some(first) = loaded.errors.first() {
            return Err(CliError::bad_input(first.to_string()));
        }
        if loaded.set.entry().is_none() {
            return Err(CliError::bad_input("no runbook with id `triage`: nowhere to start"));
        }
        crate::aadsts::install(
            crate::aadsts::Table::load(&self.effective_dirs()).map_err(|e| CliError::bad_input(e.0))?,
        );
        Ok(loaded.set)
    }

    /// The set a walk runs on: [`Context::load_set`], the desk's own runbooks linted clean of
    /// errors, with the desk's priors over the runbooks'
    /// (contract §9.3), from `--priors FILE`, else config `priors`. A priors file that can't be
    /// used is bad input (exit 2).
    pub fn load_walk_set(&self, priors_flag: Option<&Path>) -> Result<RunbookSet, CliError> {
        let mut set = self.load_set()?;
        let overrides: Vec<String> = set
            .runbooks
            .iter()
            .filter(|rb| matches!(rb.file.origin, crate::runbook::Origin::File(_)))
            .map(|rb| rb.file.origin.to_string())
            .collect();
        // A desk's own runbooks are linted before any walk uses them: a `next` that goes nowhere
        // or a condition on a fact nobody defined is refused here, at its file:line:col, not
        // when (and only if) a call reaches it. The built-ins are linted clean by CI.
        if !overrides.is_empty() {
            let only: std::collections::HashSet<String> = overrides.iter().cloned().collect();
            let scope = crate::runbook::lint::LintScope { full_set: false };
            let findings = crate::runbook::lint::lint(&set, Some(&only), scope);
            if let Some(first) = findings.iter().find(|f| f.severity == crate::runbook::Severity::Error) {
                return Err(CliError::bad_input(first.to_string()));
            }
        }

        if let Some(file) = self.priors_file(priors_flag)? {
            let priors = crate::runbook::priors::read_priors_file(&file, &set).map_err(|e| CliError::bad_input(e.0))?;
            set.set_priors(priors);
        }
        Ok(set)
    }

    /// The priors file walks use: the flag, else config `priors`, else none.
    pub fn priors_file(&self, flag: Option<&Path>) -> Result<Option<PathBuf>, CliError> {
        if let Some(f) = flag {
            return Ok(Some(f.to_path_buf()));
        }
        let config = crate::config::Config::load(&self.paths).map_err(|e| CliError::bad_input(e.to_string()))?;
        Ok(config.priors)
    }
}

/// `--view` opens a dashboard: without a terminal on both ends it would fail deep in the
/// terminal setup with an OS error ("No such device or address"), so say what is wrong first.
pub(crate) fn view_needs_terminal(command: &str, prints: &str) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(CliError::bad_input(format!(
            "`{command} --view` needs a terminal; without --view it prints {prints} (--format)"
        )))
    }
}
