//! Where files live. Each folder: command-line flag, then environment variable, then the
//! platform folder from `directories` (Windows: %APPDATA%, macOS: ~/Library, Linux: XDG).

use std::path::PathBuf;

pub const ENV_CONFIG_DIR: &str = "PASSKEY_TRIAGE_CONFIG_DIR";
pub const ENV_DATA_DIR: &str = "PASSKEY_TRIAGE_DATA_DIR";

/// The resolved folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Config folder: `config.toml` and a `runbooks/` folder that adds to the built-ins.
    pub config_dir: PathBuf,
    /// Data folder: sessions (`sessions/`) and exports (`exports/`).
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolves the folders from flags and the environment.
    pub fn resolve(data_dir_flag: Option<PathBuf>) -> Self {
        Self::resolve_with(data_dir_flag, |k| std::env::var_os(k).map(PathBuf::from))
    }

    /// Same, with the environment injected (for tests).
    pub fn resolve_with(data_dir_flag: Option<PathBuf>, env: impl Fn(&str) -> Option<PathBuf>) -> Self {
        let dirs = directories::ProjectDirs::from("", "", "passkey-triage");
        let config_dir = env(ENV_CONFIG_DIR)
            .filter(|p| !p.as_os_str().is_empty())
            .or_else(|| dirs.as_ref().map(|d| d.config_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(".passkey-triage/config"));
        let data_dir = data_dir_flag
            .or_else(|| env(ENV_DATA_DIR).filter(|p| !p.as_os_str().is_empty()))
            .or_else(|| dirs.as_ref().map(|d| d.data_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(".passkey-triage/data"));
        Self { config_dir, data_dir }
    }

    /// The config folder's `runbooks/`, if it exists.
    pub fn config_runbooks(&self) -> Option<PathBuf> {
        let p = self.config_dir.join("runbooks");
        p.is_dir().then_some(p)
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir.join("sessions")
    }

    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_platform() {
        let env = |k: &str| match k {
            ENV_DATA_DIR => Some(PathBuf::from("/env/data")),
            ENV_CONFIG_DIR => Some(PathBuf::from("/env/config")),
            _ => None,
        };
        let p = Paths::resolve_with(Some("/flag".into()), env);
        assert_eq!(p.data_dir, PathBuf::from("/flag"));
        assert_eq!(p.config_dir, PathBuf::from("/env/config"));
        let p = Paths::resolve_with(None, env);
        assert_eq!(p.data_dir, PathBuf::from("/env/data"));
    }
}
