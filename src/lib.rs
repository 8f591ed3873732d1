//! passkey-triage: diagnose Microsoft Entra ID passkey sign-in failures from JSON runbooks.
//!
//! Layers, each one hop from here:
//! - [`vocab`]: the contract's facts and failure classes.
//! - [`runbook`]: the runbook format, loading (with file:line:col errors) and the linter.
//! - [`matrix`]: the compatibility matrix as data and its evaluation.
//! - [`messages`]: documented on-screen messages and the facts they imply (contract §10).
//! - [`engine`]: the pure walk (facts with provenance, path, back, restart). No I/O, no clock.
//! - [`diagnose`]: non-interactive classification and its reports.
//! - [`commands`]: one module per subcommand; [`cli`] is the clap definition.

pub mod aadsts;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnose;
pub mod engine;
pub mod exit;
pub mod export;
pub mod facts_file;
pub mod fuzzing;
pub mod graph;
pub mod import;
pub mod input;
pub mod matrix;
pub mod messages;
pub mod paths;
pub mod queue;
pub mod readiness;
pub mod report;
pub mod runbook;
pub mod schema;
pub mod session;
pub mod term;
pub mod text;
pub mod ticketing;
pub mod ui;
pub mod vocab;
