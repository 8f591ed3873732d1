//! Runbooks: the format (`model`), loading with precise error places (`load`, `position`), and
//! the linter (`lint`).

pub mod known;
pub mod lint;
pub mod load;
pub mod model;
pub mod placeholder;
pub mod position;
pub mod priors;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use load::{LoadedRunbook, RunbookSet};
pub use model::{Node, Runbook};

use position::{Pos, PositionIndex};

/// The runbook the walk starts in.
pub const ENTRY_RUNBOOK: &str = "triage";

/// Where a runbook or matrix came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded at build time from the repository's `runbooks/` (or `assets/`).
    Builtin(String),
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin(path) => write!(f, "{path}"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A source text and where it came from; positions are indexed on first use. Built-in texts
/// are borrowed from the binary, not copied.
#[derive(Debug)]
pub struct SourceFile {
    pub origin: Origin,
    pub text: Cow<'static, str>,
    index: OnceLock<PositionIndex>,
}

impl SourceFile {
    /// A leading byte-order mark (Windows editors add one) is dropped.
    pub fn new(origin: Origin, text: impl Into<Cow<'static, str>>) -> Self {
        let text = match text.into() {
            Cow::Borrowed(t) => Cow::Borrowed(t.strip_prefix('\u{feff}').unwrap_or(t)),
            Cow::Owned(t) => match t.strip_prefix('\u{feff}') {
                Some(rest) => Cow::Owned(rest.to_string()),
                None => Cow::Owned(t),
            },
        };
        Self { origin, text, index: OnceLock::new() }
    }

    /// Line and column of the value at a JSON pointer (or its nearest ancestor).
    pub fn pos(&self, pointer: &str) -> Option<Pos> {
        self.index.get_or_init(|| PositionIndex::build(&self.text)).find(pointer)
    }
}

/// A node address: `runbook#node`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeRef {
    pub runbook: String,
    pub node: String,
}

impl NodeRef {
    pub fn new(runbook: impl Into<String>, node: impl Into<String>) -> Self {
        Self { runbook: runbook.into(), node: node.into() }
    }

    /// Resolves a `next` written in `from_runbook`: `node` or `runbook#node`.
    pub fn resolve(from_runbook: &str, next: &str) -> Self {
        match model::split_target(next) {
            (Some(rb), node) => Self::new(rb, node),
            (None, node) => Self::new(from_runbook, node),
        }
    }

    /// Parses `runbook#node`.
    pub fn parse(s: &str) -> Option<Self> {
        let (rb, node) = s.split_once('#')?;
        (!rb.is_empty() && !node.is_empty()).then(|| Self::new(rb, node))
    }
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.runbook, self.node)
    }
}

impl Serialize for NodeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        NodeRef::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not runbook#node")))
    }
}

impl schemars::JsonSchema for NodeRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NodeRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[^#]+#[^#]+$"})
    }
}

/// A prior that can weigh anything: finite and above zero.
fn usable_prior(p: f64) -> bool {
    p.is_finite() && p > 0.0
}

impl RunbookSet {
    /// How common the outcome at `node` is relative to the others (contract §9.3): the desk's
    /// override when one is set, else the node's `prior`, else 1. Everything that weighs outcomes
    /// (the differential's ranking, the choice of the next question) reads priors here.
    pub fn prior(&self, node: &NodeRef) -> f64 {
        if let Some(&p) = self.priors.get(node) {
            return p;
        }
        match self.node(node) {
            Some(Node::Outcome(o)) => o.prior.filter(|p| usable_prior(*p)).unwrap_or(1.0),
            _ => 1.0,
        }
    }

    /// Sets the desk's priors (see [`priors::read_priors_file`], which checks them); a weight
    /// that is not finite and above zero is ignored. Replaces any set before.
    pub fn set_priors(&mut self, priors: BTreeMap<NodeRef, f64>) {
        self.priors = priors.into_iter().filter(|(_, p)| usable_prior(*p)).collect();
    }

    /// Whether a desk's priors are set.
    pub fn has_desk_priors(&self) -> bool {
        !self.priors.is_empty()
    }

    /// Every outcome node in the set, in runbook order.
    pub fn outcome_nodes(&self) -> impl Iterator<Item = NodeRef> + '_ {
        self.nodes().filter(|(_, n)| matches!(n, Node::Outcome(_))).map(|(r, _)| r)
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a runbook or matrix file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// `runbook#node` when the finding is about a node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn error(code: &'static str, file: &SourceFile, pointer: &str, message: impl Into<String>) -> Self {
        Self::at(Severity::Error, code, file, pointer, message)
    }

    pub fn warning(code: &'static str, file: &SourceFile, pointer: &str, message: impl Into<String>) -> Self {
        Self::at(Severity::Warning, code, file, pointer, message)
    }

    fn at(
        severity: Severity,
        code: &'static str,
        file: &SourceFile,
        pointer: &str,
        message: impl Into<String>,
    ) -> Self {
        let pos = file.pos(pointer);
        Self {
            severity,
            code,
            file: file.origin.to_string(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.col),
            node: None,
            message: crate::text::sanitize_line(&message.into()),
        }
    }

    /// A file or folder that could not be read (no position).
    pub fn io(file: &str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code: "io",
            file: crate::text::sanitize_line(file),
            line: None,
            column: None,
            node: None,
            message: crate::text::sanitize_line(&message.into()),
        }
    }

    pub fn with_node(mut self, node: &NodeRef) -> Self {
        self.node = Some(node.to_string());
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // `file` stays raw (lint matches it against the paths it was given); a file name can
        // hold control characters, so it is neutralised only here, on its way to a screen.
        let file = crate::text::sanitize_line(&self.file);
        let message = crate::text::sanitize_line(&self.message);
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: {sev}[{}]: {message}", self.code),
            _ => write!(f, "{file}: {sev}[{}]: {message}", self.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two outcomes, one with its own `prior`.
    fn two_outcomes() -> RunbookSet {
        let text = r#"{"schema": 1, "id": "triage", "title": "t", "as_of": "2026-01-10",
            "sources": [{"id": "S", "title": "s", "url": "https://learn.microsoft.com/"}],
            "start": "q", "nodes": [
            {"id": "q", "kind": "question", "fact": "flow", "prompt": "p", "help": "h", "options": [
                {"value": "same-device", "label": "s", "next": "o-common"},
                {"value": "cross-device", "label": "c", "next": "o-plain"}]},
            {"id": "o-common", "kind": "outcome", "class": "unclassified", "title": "t", "summary": "s",
             "escalate": true, "remediation": [], "prior": 3},
            {"id": "o-plain", "kind": "outcome", "class": "unclassified", "title": "t", "summary": "s",
             "escalate": true, "remediation": []}]}"#;
        let file = std::sync::Arc::new(SourceFile::new(Origin::Builtin("t.json".into()), text.to_string()));
        let rb = load::parse_json::<Runbook>(&file).unwrap_or_else(|e| panic!("{e}"));
        let (matrix, mfile) = load::builtin_matrix().unwrap_or_else(|e| panic!("{e}"));
        RunbookSet::new(vec![LoadedRunbook::new(rb, file)], matrix, mfile)
    }

    #[test]
    fn prior_is_the_desk_override_else_the_node_else_one() {
        let mut set = two_outcomes();
        let (common, plain) = (NodeRef::new("triage", "o-common"), NodeRef::new("triage", "o-plain"));
        assert_eq!(set.outcome_nodes().collect::<Vec<_>>(), vec![common.clone(), plain.clone()]);
        assert_eq!(set.prior(&common), 3.0);
        assert_eq!(set.prior(&plain), 1.0);
        assert_eq!(set.prior(&NodeRef::new("triage", "q")), 1.0);
        assert_eq!(set.prior(&NodeRef::new("no-such", "node")), 1.0);
        assert!(!set.has_desk_priors());

        set.set_priors(BTreeMap::from([(plain.clone(), 7.5), (common.clone(), f64::NAN)]));
        assert!(set.has_desk_priors());
        assert_eq!(set.prior(&plain), 7.5);
        // Not usable: the node's own prior stands.
        assert_eq!(set.prior(&common), 3.0);
        set.set_priors(BTreeMap::new());
        assert_eq!(set.prior(&plain), 1.0);
    }

    #[test]
    fn finding_display_neutralises_file_names() {
        let file = SourceFile::new(Origin::File(PathBuf::from("rb/evil\u{1b}]0;pwn\u{7}.json")), "{}");
        let shown = Finding::error("schema", &file, "", "bad").to_string();
        assert!(crate::text::is_clean(&shown), "{shown:?}");
        assert!(shown.starts_with("rb/evil\u{FFFD}]0;pwn\u{FFFD}.json:1:1: error[schema]: bad"), "{shown:?}");
    }
}
