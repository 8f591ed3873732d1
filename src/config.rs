//! The optional config file, `config.toml` in the config folder (`PASSKEY_TRIAGE_CONFIG_DIR`
//! overrides the platform folder):
//!
//! ```toml
//! agent = "Ana Agent"          # recorded in sessions when --agent is not given
//! export_format = "markdown"   # markdown | text | json: default for `export` and the wizard's `e`
//! export_dir = "/srv/notes"    # where the wizard writes exports (default: <data>/exports)
//! redact = false               # redact exports unless --no-redact
//! queue_dir = "//srv/share/q"  # the tier-2 queue (default: <data>/queue; PASSKEY_TRIAGE_QUEUE_DIR wins)
//! priors = "priors.json"       # the desk's own priors (`report --format priors`), for every walk
//!
//! [ticketing]                  # `passkey-triage post`: see `ticketing::config`
//! system = "servicenow"
//! url = "https://contoso.service-now.com"
//! ```
//!
//! A missing file means defaults. A file that does not parse is an error naming the file and
//! line:column; unknown keys are errors too (typos would otherwise be silently ignored).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::export::Format;
use crate::paths::Paths;

/// Config files larger than this are refused unread (a real one is a few lines).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The agent's name.
    #[serde(default)]
    pub agent: Option<String>,
    /// Default export format.
    #[serde(default)]
    pub export_format: Option<Format>,
    /// Export folder (relative paths are relative to the config folder).
    #[serde(default)]
    pub export_dir: Option<PathBuf>,
    /// Redact exports by default.
    #[serde(default)]
    pub redact: bool,

    // --- [ticketing]: posting the note to the help desk (owned by `src/ticketing/`) ---
    /// The `[ticketing]` section (see `ticketing::config`).
    #[serde(default)]
    pub ticketing: crate::ticketing::config::TicketingConfig,

    /// The tier-2 queue folder (relative paths are relative to the config folder).
    #[serde(default)]
    pub queue_dir: Option<PathBuf>,

    /// The `[queue]` section: folder or help desk (see `queue::config`).
    #[serde(default)]
    pub queue: crate::queue::config::QueueConfig,

    /// The desk's priors file (`report --format priors`; relative paths are relative to the
    /// config folder), over the runbooks' `prior` in every walk (see `runbook::priors`).
    #[serde(default)]
    pub priors: Option<PathBuf>,
}

/// A config file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{place}: {message}")]
pub struct ConfigError {
    pub file: String,
    /// `:line:col` or empty.
    pub place: String,
    pub message: String,
}

impl Config {
    /// Reads `config.toml` from the config folder; defaults when there is none.
    pub fn load(paths: &Paths) -> Result<Self, ConfigError> {
        let mut c = Self::load_file(&paths.config_file())?;
        if let Some(d) = &c.export_dir
            && d.is_relative()
        {
            c.export_dir = Some(paths.config_dir.join(d));
        }
        if let Some(d) = &c.queue_dir
            && d.is_relative()
        {
            c.queue_dir = Some(paths.config_dir.join(d));
        }
        if let Some(p) = &c.priors
            && p.is_relative()
        {
            c.priors = Some(paths.config_dir.join(p));
        }
        Ok(c)
    }

    /// Reads one config file; defaults when it does not exist. Anything but a regular file of
    /// at most [`MAX_CONFIG_BYTES`] (a FIFO, `/dev/zero`, a folder) is an error, never a hang.
    pub fn load_file(path: &Path) -> Result<Self, ConfigError> {
        let text = match crate::input::read_text(path, MAX_CONFIG_BYTES) {
            Ok(t) => t,
            Err(e) if e.is_not_found() && path.symlink_metadata().is_err() => return Ok(Self::default()),
            Err(e) => return Err(ConfigError { file: e.file, place: String::new(), message: e.kind.to_string() }),
        };
        Self::parse(&crate::text::sanitize_line(&path.display().to_string()), &text)
    }

    /// Parses config text; `name` is used in errors.
    pub fn parse(name: &str, text: &str) -> Result<Self, ConfigError> {
        let mut c: Config = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|s| {
                    let before = text.get(..s.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
                    format!(":{line}:{col}")
                })
                .unwrap_or_default();
            ConfigError { file: name.to_string(), place, message: crate::text::sanitize_line(e.message().trim()) }
        })?;
        c.agent = c.agent.map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
        Ok(c)
    }

    /// Where exports go when no folder is given: the configured folder, else `<data>/exports`.
    pub fn export_dir(&self, paths: &Paths) -> PathBuf {
        self.export_dir.clone().unwrap_or_else(|| paths.exports_dir())
    }

    /// The export format: the flag, else the configured default, else Markdown.
    pub fn export_format(&self, flag: Option<Format>) -> Format {
        flag.or(self.export_format).unwrap_or_default()
    }

    /// Whether to redact: `--redact` forces it, `--no-redact` turns the configured default off.
    pub fn redact(&self, redact_flag: bool, no_redact_flag: bool) -> bool {
        redact_flag || (self.redact && !no_redact_flag)
    }

    /// The agent: the flag, else the configured name.
    /// A name that can't be one (see [`check_agent_name`]) is an error naming where it came from.
    pub fn agent(&self, flag: Option<&str>) -> Result<Option<String>, String> {
        if let Some(name) = flag.map(str::trim).filter(|a| !a.is_empty()) {
            check_agent_name(name).map_err(|e| format!("--agent: {e}"))?;
            return Ok(Some(name.to_string()));
        }
        match &self.agent {
            Some(name) => {
                check_agent_name(name).map_err(|e| format!("agent in config.toml: {e}"))?;
                Ok(Some(name.clone()))
            }
            None => Ok(None),
        }
    }
}

/// An agent name is a person's name or a help-desk login; longer than this is not one (and a
/// claim naming it would outgrow what the queue reads back of a claim file).
pub const MAX_AGENT_BYTES: usize = 200;

/// Refuses an agent name (already trimmed) that is too long, holds control or invisible
/// characters, or has no letter or digit: claims compare names, so one that looks empty or
/// looks like someone else's would lock a package to nobody anyone can see.
pub fn check_agent_name(name: &str) -> Result<(), String> {
    if name.len() > MAX_AGENT_BYTES {
        return Err(format!("an agent name is at most {MAX_AGENT_BYTES} bytes; this one is {}", name.len()));
    }
    if let Some(c) = name.chars().find(|c| crate::text::is_hostile(*c)) {
        return Err(format!(
            "an agent name is one line of visible text; U+{:04X} is a control or invisible character",
            u32::from(c)
        ));
    }
    if !name.chars().any(char::is_alphanumeric) {
        return Err("an agent name needs a letter or digit".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_defaults() {
        let c =
            Config::parse("c.toml", "agent = \"Ana\"\nexport_format = \"text\"\nredact = true\n").unwrap_or_default();
        assert_eq!(c.agent.as_deref(), Some("Ana"));
        assert_eq!(c.export_format, Some(Format::Text));
        assert!(c.redact);
        assert_eq!(c.export_format(None), Format::Text);
        assert_eq!(c.export_format(Some(Format::Json)), Format::Json);
        assert!(c.redact(false, false));
        assert!(!c.redact(false, true));
        assert_eq!(Config::parse("c.toml", "").ok(), Some(Config::default()));
        let c = Config::parse("c.toml", "priors = \"desk/priors.json\"\n").unwrap_or_default();
        assert_eq!(c.priors.as_deref(), Some(Path::new("desk/priors.json")));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let e = Config::parse("c.toml", "agent = \"A\"\nagent = \"B\"\n").err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().starts_with("c.toml:2:"));
    }

    #[test]
    fn errors_name_the_place() {
        let e = Config::parse("c.toml", "agent = \"Ana\"\nredcat = true\n").err().map(|e| e.to_string());
        let e = e.unwrap_or_default();
        assert!(e.starts_with("c.toml:2:1: "), "{e}");
        let e = Config::parse("c.toml", "export_format = \"pdf\"\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("c.toml:1:"), "{e}");
    }
}
