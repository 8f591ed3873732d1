//! Sign-in log import (contract §8): read Entra sign-in log entries in whatever format the agent
//! has, pick the one the call is about, and turn it into the facts the log really says.
//!
//! - [`input`]: a regular file or standard input, capped.
//! - [`detect`]: which format a file is in, and streaming its entries one at a time.
//! - one module per format: [`graph`] (Graph `signIn` v1.0/beta and the admin center's JSON),
//!   [`portal_csv`], [`log_analytics`] (query API and `az monitor log-analytics query`),
//!   [`diagnostic`] (diagnostic-settings records).
//! - [`select`]: which entry (normative rule 1 of `shared/reference/signin-logs.md` §1.5).
//! - [`rules`]: entry to facts (rules 2-11).
//!
//! No terminal, no clock. Memory stays bounded whatever the file's size: entries are looked at one
//! by one and only the best few candidates are kept, and [`limit`] refuses a field, a row or an
//! entry over its bound before a parser buffers it.

pub mod detect;
pub mod diagnostic;
pub mod graph;
pub mod input;
pub mod limit;
pub mod log_analytics;
pub mod portal_csv;
pub mod record;
pub mod rules;
pub mod select;

use std::io::Read;

use serde::Serialize;
use serde::ser::SerializeMap;

pub use record::Entry;
pub use select::Query;

/// The formats the importer reads. The label starts each `sources` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Graph `signIn` v1.0 (also the admin center's JSON download, which has no beta fields).
    #[default]
    GraphV1,
    /// Graph `signIn` beta.
    GraphBeta,
    /// The admin center's CSV download.
    PortalCsv,
    /// Log Analytics query API (`tables`/`columns`/`rows`).
    LogAnalytics,
    /// `az monitor log-analytics query` (an array of objects, every value a string).
    AzMonitor,
    /// Diagnostic settings (Event Hub, storage): `{time, operationName, category, properties}`.
    DiagnosticSettings,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::GraphV1 => "graph-v1.0",
            Format::GraphBeta => "graph-beta",
            Format::PortalCsv => "portal-csv",
            Format::LogAnalytics => "log-analytics",
            Format::AzMonitor => "az-monitor",
            Format::DiagnosticSettings => "diagnostic-settings",
        }
    }
}

/// What the importer expects, for "not a sign-in log" messages.
pub const EXPECTED_FORMATS: &str = "expected Graph signIn JSON (v1.0 or beta: an object, an array or {\"value\": [...]}), \
the admin center's download (JSON or CSV), Log Analytics SigninLogs (query API {\"tables\": [...]} or \
`az monitor log-analytics query` output) or diagnostic-settings records";

/// Why an import failed; every message is one line naming the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Input(String),
    #[error("{name}: not a sign-in log: {detail}; {EXPECTED_FORMATS}")]
    NotSignInLog { name: String, detail: String },
    #[error("{name}{place}: {message}")]
    Syntax { name: String, place: String, message: String },
    #[error("{name}: CSV headers not recognised: {detail}")]
    CsvHeaders { name: String, detail: String },
    #[error("{name}: no sign-in entries: the list is empty")]
    Empty { name: String },
    #[error("{name}: none of the {read} entries read has a correlation id, so none can match `{wanted}`")]
    NoCorrelationIds { name: String, read: usize, wanted: String },
    #[error(
        "{name}: all {read} entries are non-interactive sign-ins (the non-interactive download); import the interactive sign-ins (InteractiveSignIns_…) instead"
    )]
    NoInteractive { name: String, read: usize },
    #[error("{name}: no entry matches {wanted} ({read} read, {interactive} of them interactive)")]
    NoMatch { name: String, wanted: String, read: usize, interactive: usize },
}

/// One fact with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFact {
    pub key: &'static str,
    pub value: String,
    /// `<format>: <field>`, e.g. `graph-v1.0: deviceDetail.browser`.
    pub source: String,
}

/// The result of an import: the chosen entry's facts, and what else was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub facts: Vec<ImportedFact>,
    /// The chosen entry.
    pub entry: Entry,
    /// The best candidates, best first (the chosen one first), for a picker.
    pub candidates: Vec<Entry>,
    /// How many entries matched the query (all of them, not only those kept).
    pub matched: usize,
    /// How many sign-in entries the input held.
    pub read: usize,
    /// The chosen entry's fields left out as longer than a fact may hold (`<format>: <field> (N
    /// bytes)`): each worth a warning, since the call then asks what the log could have said.
    pub left_out: Vec<String>,
}

/// Reads `reader` (named `name` in messages), picks the entry for `query`, and maps it. Keeps at
/// most `keep` candidates (at least one).
pub fn import(name: &str, reader: impl Read, query: &Query, keep: usize) -> Result<Imported, ImportError> {
    import_download(name, reader, query, keep, Download::Unknown)
}

/// Which sign-ins a download holds. The admin center's interactive and non-interactive downloads
/// have the same CSV columns (and JSON fields without `isInteractive`): only the file's name
/// (`NonInteractiveSignIns_….csv`, `ApplicationSignIns_…`, `MSISignIns_…`) tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    /// Standard input, a paste, or a name that doesn't say.
    Unknown,
    /// A download of sign-ins that are not interactive: entries that don't say are taken as not.
    NotInteractive,
}

impl Download {
    /// From a file name as the admin center writes it (case ignored).
    pub fn from_name(spec: &str) -> Self {
        let name = std::path::Path::new(spec).file_name().map(|n| n.to_string_lossy().to_ascii_lowercase());
        let not = name.is_some_and(|n| {
            ["noninteractive", "non-interactive", "applicationsignins", "msisignins"].iter().any(|k| n.contains(k))
        });
        if not { Download::NotInteractive } else { Download::Unknown }
    }
}

/// [`import`] of a download whose kind is known from its name.
pub fn import_download(
    name: &str,
    reader: impl Read,
    query: &Query,
    keep: usize,
    download: Download,
) -> Result<Imported, ImportError> {
    let mut selector = select::Selector::new(query.clone(), keep);
    detect::read_entries(name, reader, &mut |mut e| {
        if download == Download::NotInteractive && e.interactive.is_none() {
            e.interactive = Some(false);
        }
        selector.offer(e)
    })?;
    let picked = selector.finish(name)?;
    let (facts, left_out) = rules::mapped(&picked.best);
    Ok(Imported {
        facts,
        left_out,
        entry: picked.best,
        candidates: picked.candidates,
        matched: picked.matched,
        read: picked.read,
    })
}

/// Opens `spec` (a path or `-`) and imports it.
pub fn import_file(
    spec: &str,
    stdin: &mut dyn std::io::Read,
    query: &Query,
    keep: usize,
) -> Result<Imported, ImportError> {
    let mut input = input::open(spec, stdin).map_err(ImportError::Input)?;
    import_download(&input.name, &mut input.reader, query, keep, Download::from_name(spec))
}

impl Imported {
    /// One warning line per field left out, for standard error.
    pub fn warnings(&self) -> impl Iterator<Item = String> + '_ {
        self.left_out.iter().map(|f| format!("{f} left out: longer than a fact may hold"))
    }

    /// The facts file the contract prints: `{"facts": {...}, "sources": {...}}`, in the order
    /// the facts were found, pretty-printed, ending with a newline. Control and bidi characters
    /// are written as escapes.
    pub fn to_facts_json(&self) -> String {
        struct Ordered<'a>(&'a [ImportedFact], bool);
        impl Serialize for Ordered<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for f in self.0 {
                    m.serialize_entry(f.key, if self.1 { &f.source } else { &f.value })?;
                }
                m.end()
            }
        }
        #[derive(Serialize)]
        struct File<'a> {
            facts: Ordered<'a>,
            sources: Ordered<'a>,
        }
        let file = File { facts: Ordered(&self.facts, false), sources: Ordered(&self.facts, true) };
        // Plain strings in maps: serialising cannot fail; fall back to an empty file, never panic.
        let raw = serde_json::to_string_pretty(&file).unwrap_or_else(|_| "{\"facts\": {}}".to_string());
        let mut out = crate::export::json::escape_unsafe(&raw);
        out.push('\n');
        out
    }
}
