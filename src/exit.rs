//! Process exit codes (documented in the README).

/// Success; for `diagnose`, classified.
pub const OK: i32 = 0;
/// `lint` found errors.
pub const FINDINGS: i32 = 1;
/// Bad input (unreadable file, invalid JSON, unknown fact, bad runbook) or usage error.
pub const BAD_INPUT: i32 = 2;
/// `diagnose` needs a fact that was not given.
pub const NEEDS_INPUT: i32 = 3;
/// The wizard could not save the session to the data folder: its answers went to a fallback
/// file (named on exit) or, failing that, to standard error as a facts file.
pub const NOT_SAVED: i32 = 4;
/// Wizard ended by SIGHUP (terminal closed).
pub const HANGUP: i32 = 129;
/// Wizard ended by Ctrl-C / SIGINT.
pub const INTERRUPTED: i32 = 130;
/// Wizard ended by SIGTERM.
pub const TERMINATED: i32 = 143;
