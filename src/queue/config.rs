//! The `[queue]` section of config.toml: where the tier-2 queue lives.
//!
//! ```toml
//! [queue]
//! backend = "ticketing"          # folder (default: queue_dir, a shared folder) | ticketing
//! tier2_group = "Passkey Tier 2" # the group tier 2 works from, as the desk names it
//! release = "resolve"            # when tier 2 is done: none (default) | resolve | group:NAME
//! jira_label = "passkey-tier2"   # Jira: the label that puts an issue in tier 2's queue
//! ```

use serde::Deserialize;

use crate::text::sanitize_line;

/// Which queue the commands work on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// A folder (`queue_dir`), possibly an SMB share.
    #[default]
    Folder,
    /// The help desk of `[ticketing]`: the ticket reassigned to `tier2_group`.
    Ticketing,
}

/// What happens to the ticket when tier 2 is done with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Release {
    /// It stays assigned to the tier-2 agent (the desk's own rules take over).
    #[default]
    None,
    /// Resolved (ServiceNow state 6, Jira transition named like "Resolve"/"Done", Zendesk `solved`).
    Resolve,
    /// Handed back to this group, unassigned.
    Group(String),
}

impl TryFrom<String> for Release {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("none") {
            Ok(Release::None)
        } else if t.eq_ignore_ascii_case("resolve") {
            Ok(Release::Resolve)
        } else if let Some(name) = t.strip_prefix("group:").map(str::trim).filter(|n| !n.is_empty()) {
            Ok(Release::Group(name.to_string()))
        } else {
            Err(format!("`{}` is not a release value (none, resolve or group:NAME)", sanitize_line(t)))
        }
    }
}

/// The `[queue]` section as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    #[serde(default)]
    pub backend: BackendKind,
    /// The tier-2 group's name (needed by the ticketing backend).
    #[serde(default)]
    pub tier2_group: Option<String>,
    #[serde(default)]
    pub release: Release,
    /// Jira has no assignment group: an issue is in tier 2's queue by this label (default: the
    /// group's name with spaces as `-`).
    #[serde(default)]
    pub jira_label: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_parses_and_refuses_typos() {
        #[derive(Deserialize)]
        struct Wrap {
            queue: QueueConfig,
        }
        let w: Result<Wrap, _> = toml::from_str(
            "[queue]\nbackend = \"ticketing\"\ntier2_group = \"T2\"\nrelease = \"group:Service Desk\"\n",
        );
        let q = w.map(|w| w.queue).unwrap_or_default();
        assert_eq!(q.backend, BackendKind::Ticketing);
        assert_eq!(q.release, Release::Group("Service Desk".into()));
        assert!(toml::from_str::<Wrap>("[queue]\nbackend = \"share\"\n").is_err());
        assert!(toml::from_str::<Wrap>("[queue]\nrelease = \"close\"\n").is_err());
        assert!(toml::from_str::<Wrap>("[queue]\ngroup = \"x\"\n").is_err());
    }
}
