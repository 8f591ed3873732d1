//! A desk's priors file (contract §9.3): how common each outcome is at this desk, written by
//! `report --format priors` from its sessions and read back through config `priors = FILE` or
//! `--priors FILE`. It overrides the outcome nodes' `prior` on the loaded set
//! ([`super::RunbookSet::set_priors`]); the runbook files are never changed.
//!
//! ```json
//! {"schema": "passkey-triage/priors/v1", "generated": "2026-01-20T14:09:30Z", "sessions": 412,
//!  "priors": {"cross-device#o-phone-bt-off": 3.1, "triage#o-unclassified": 0.4}}
//! ```
//!
//! `generated` and `sessions` are for people; only `priors` is read. An outcome the file does not
//! name keeps its node's `prior`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::Node;
use super::{NodeRef, RunbookSet};
use crate::text::sanitize_line;

/// The `schema` a priors file carries.
pub const PRIORS_SCHEMA: &str = "passkey-triage/priors/v1";

/// Priors files larger than this are refused unread (one line per outcome node: a few KB).
pub const MAX_PRIORS_BYTES: u64 = 1024 * 1024;

/// The file as written (`report --format priors`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorsFile {
    pub schema: &'static str,
    /// The end time of the newest session read that reached an outcome (never the clock: the
    /// same sessions give the same file); absent when none was counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<DateTime<Utc>>,
    /// Sessions counted: those that ended at an outcome node of the runbooks loaded.
    pub sessions: u64,
    /// `runbook#node` → weight, for every outcome node; their mean is 1.
    pub priors: BTreeMap<String, f64>,
}

/// The file as read: weights kept as JSON values so a wrong one can be named by its key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriorsFile {
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    generated: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    sessions: Option<serde_json::Value>,
    priors: BTreeMap<String, serde_json::Value>,
}

/// A priors file that can't be used: one line naming the file and the place (`line:col` or the
/// key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PriorsError(pub String);

/// Reads a priors file for `set`: a regular file of at most [`MAX_PRIORS_BYTES`], no key twice
/// in one object, every key an outcome node of `set` and every weight a finite number above 0.
pub fn read_priors_file(path: &Path, set: &RunbookSet) -> Result<BTreeMap<NodeRef, f64>, PriorsError> {
    let text = crate::input::read_text(path, MAX_PRIORS_BYTES)
        .map_err(|e| PriorsError(format!("priors file {}: {}", e.file, e.kind)))?;
    parse_priors(&sanitize_line(&path.display().to_string()), &text, set)
}

/// Parses priors text; `name` is used in errors.
pub fn parse_priors(name: &str, text: &str, set: &RunbookSet) -> Result<BTreeMap<NodeRef, f64>, PriorsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail =
        |place: String, message: String| PriorsError(sanitize_line(&format!("priors file {name}{place}: {message}")));
    if let Err(d) = crate::input::check_unique_keys(text.as_bytes()) {
        return Err(fail(
            format!(":{}:{}", d.line, d.column.max(1)),
            format!("`{}` is given twice in one object", d.key),
        ));
    }
    let raw: RawPriorsFile = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.rfind(" at line ").map_or(message.as_str(), |i| &message[..i]).to_string();
        fail(format!(":{}:{}", e.line(), e.column().max(1)), message)
    })?;
    if let Some(schema) = raw.schema.as_deref()
        && schema != PRIORS_SCHEMA
    {
        return Err(fail(String::new(), format!("schema `{schema}` is not `{PRIORS_SCHEMA}`")));
    }
    let mut out = BTreeMap::new();
    for (key, value) in raw.priors {
        let at = format!(": `{key}`");
        let node = NodeRef::parse(&key).ok_or_else(|| fail(at.clone(), "not `runbook#node`".into()))?;
        if !matches!(set.node(&node), Some(Node::Outcome(_))) {
            return Err(fail(at, "no such outcome node in the runbooks loaded".into()));
        }
        let weight = value
            .as_f64()
            .filter(|w| w.is_finite() && *w > 0.0)
            .ok_or_else(|| fail(at, format!("weight {value} is not a number above 0")))?;
        out.insert(node, weight);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> RunbookSet {
        RunbookSet::builtin().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_weights_by_outcome() {
        let set = set();
        let first = set.outcome_nodes().next().unwrap_or_else(|| NodeRef::new("", ""));
        let text = format!(r#"{{"schema": "{PRIORS_SCHEMA}", "sessions": 3, "priors": {{"{first}": 2.5}}}}"#);
        let p = parse_priors("p.json", &text, &set).unwrap_or_default();
        assert_eq!(p.get(&first), Some(&2.5));
    }

    #[test]
    fn refusals_name_the_file_and_key() {
        let set = set();
        let first = set.outcome_nodes().next().unwrap_or_else(|| NodeRef::new("", ""));
        let start = set.entry().unwrap_or_else(|| NodeRef::new("", ""));
        let cases = [
            (format!(r#"{{"priors": {{"{first}": 0}}}}"#), format!("priors file p.json: `{first}`: weight 0 is")),
            (format!(r#"{{"priors": {{"{first}": -1}}}}"#), format!("priors file p.json: `{first}`: weight -1 is")),
            (format!(r#"{{"priors": {{"{first}": "2"}}}}"#), format!("priors file p.json: `{first}`: weight \"2\"")),
            (format!(r#"{{"priors": {{"{start}": 1}}}}"#), format!("priors file p.json: `{start}`: no such outcome")),
            (r#"{"priors": {"nowhere": 1}}"#.to_string(), "priors file p.json: `nowhere`: not `runbook#node`".into()),
            (format!(r#"{{"priors": {{"{first}": 1, "{first}": 2}}}}"#), "priors file p.json:1:".to_string()),
            (r#"{"priors": {}, "extra": 1}"#.to_string(), "priors file p.json:1:".into()),
            (r#"{"schema": "v0", "priors": {}}"#.to_string(), "priors file p.json: schema `v0`".into()),
            ("{".to_string(), "priors file p.json:1:".into()),
        ];
        for (text, want) in cases {
            let e = parse_priors("p.json", &text, &set).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.starts_with(&want), "{text}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
