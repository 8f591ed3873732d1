//! The command line (clap derive). `main.rs` parses and hands off to `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Diagnose why a user can't sign in to Microsoft Entra ID with a passkey, on a live call.
///
/// With no command, opens the wizard. Exit codes: 0 ok, 1 lint findings, 2 bad input or usage,
/// 3 diagnose needs more facts, 130/143/129 wizard ended by Ctrl-C/SIGTERM/SIGHUP.
#[derive(Debug, Parser)]
#[command(name = "passkey-triage", version, about, long_about = None)]
pub struct Cli {
    /// Extra runbook folder (or file); repeatable. Overrides built-ins with the same id.
    #[arg(long = "runbooks", value_name = "DIR", global = true)]
    pub runbooks: Vec<PathBuf>,

    /// Data folder for sessions and exports (default: $PASSKEY_TRIAGE_DATA_DIR, then the
    /// platform data folder).
    #[arg(long = "data-dir", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    #[command(flatten)]
    pub wizard: WizardArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options for the wizard (no command).
#[derive(Debug, Args, Default, Clone)]
pub struct WizardArgs {
    /// Ticket id, shown in the header and used for export file names.
    #[arg(long, value_name = "ID")]
    pub ticket: Option<String>,
    /// The user's sign-in name (UPN); with --signin-log, the entry is that user's (as `import --user`)
    #[arg(long, value_name = "UPN")]
    pub user: Option<String>,
    /// Your name, recorded in the session (default: `agent` in config.toml).
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// Facts file that pre-answers questions ({"facts": {...}}).
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// Sign-in log export whose entry pre-answers questions (see `import`); --facts wins over it.
    #[arg(long, value_name = "FILE")]
    pub signin_log: Option<PathBuf>,
    /// With --signin-log: the entry with this correlation id.
    #[arg(long, value_name = "ID", requires = "signin_log")]
    pub correlation_id: Option<String>,
    /// Answer questions whose fact is missing `unknown` instead of asking.
    #[arg(long)]
    pub assume_unknown: bool,
    /// Reopen an unfinished session (the newest if no id is given): an id, a unique prefix of
    /// one, or a session file.
    #[arg(
        long,
        value_name = "ID",
        num_args = 0..=1,
        default_missing_value = "",
        conflicts_with_all = ["facts", "assume_unknown", "signin_log"]
    )]
    pub resume: Option<String>,
    /// Who runs the call: tier1 (default: questions only an admin can answer are deferred to
    /// tier 2) or tier2 (every question is asked).
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<RoleArg>,
    /// The desk's priors file (`report --format priors`); default: `priors` in config.toml.
    #[arg(long, value_name = "FILE")]
    pub priors: Option<PathBuf>,
}

/// `--role` (contract §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Tier1,
    Tier2,
}

impl From<RoleArg> for crate::engine::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Tier1 => crate::engine::Role::Tier1,
            RoleArg::Tier2 => crate::engine::Role::Tier2,
        }
    }
}

/// Each command's arguments are built only when it is the one being run (`defer`), so the
/// wizard, which is most runs, starts without building the other commands.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Check runbooks (default: the effective set) for errors. Exit 0 clean, 1 findings, 2 I/O.
    Lint(LintArgs),
    /// Classify a failure from a facts file, without asking (see docs/diagnosis-contract.md).
    Diagnose(DiagnoseArgs),
    /// What the compatibility matrix says about a client combination.
    Matrix(MatrixArgs),
    /// Draw a runbook's decision tree (Mermaid or Graphviz dot).
    Graph(GraphArgs),
    /// List saved sessions, newest first.
    Sessions(SessionsArgs),
    /// Export a session as ticket notes or an escalation package.
    Export(ExportArgs),
    /// Open an escalation package (JSON export) in the wizard and continue from it (tier 2).
    Open(OpenArgs),
    /// Post the ticket note to the help desk (ServiceNow, Jira, Zendesk) as an internal note.
    Post(PostArgs),
    /// Put a session's escalation package in the tier-2 queue.
    Escalate(EscalateArgs),
    /// List the tier-2 queue, oldest first.
    Queue(QueueArgs),
    /// Failures by class, client and week over every saved session and the queue.
    Report(ReportArgs),
    /// Print the JSON schema for runbook files.
    Schema,
    /// Read a sign-in log export and print the facts it says, as a facts file (contract §8).
    Import(ImportArgs),
    /// Who can sign in with which passkey type, from the device inventory and sign-in logs.
    Readiness(ReadinessArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LintFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Runbook files or folders; checked on top of the built-ins.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: LintFormat,
    /// Warn when a runbook's or the matrix's `as_of` is older than this many days (0: never).
    #[arg(long, value_name = "N", default_value_t = crate::runbook::lint::MAX_AGE_DAYS)]
    pub max_age_days: u32,
    /// Golden scenarios (files or folders of `*.json`, contract §4): each must reach its
    /// `expect.class` through `diagnose --assume-unknown` on the runbooks checked; a miss is an error.
    #[arg(long, value_name = "FILE|DIR")]
    pub scenarios: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Json,
    Markdown,
    Text,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Facts file ({"facts": {...}}), or `-` for standard input.
    #[arg(long, value_name = "FILE|-", required_unless_present = "signin_log")]
    pub facts: Option<String>,
    /// Sign-in log export whose entry pre-answers questions (see `import`); a facts file given
    /// too wins over it.
    #[arg(long, value_name = "FILE|-")]
    pub signin_log: Option<String>,
    /// With --signin-log: the entry with this correlation id.
    #[arg(long, value_name = "ID", requires = "signin_log")]
    pub correlation_id: Option<String>,
    /// Answer every question whose fact is missing `unknown`.
    #[arg(long)]
    pub assume_unknown: bool,
    /// tier2 (default, unless the facts file says `"role"`) asks every question; tier1 defers
    /// questions only an admin can answer.
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<RoleArg>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Ticket id recorded in the session.
    #[arg(long, value_name = "ID")]
    pub ticket: Option<String>,
    /// Agent name recorded in the session.
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// User UPN recorded in the session; with --signin-log, the entry is that user's (as `import --user`).
    #[arg(long, value_name = "UPN")]
    pub user: Option<String>,
    /// Also write the whole session (JSON) to this file.
    #[arg(long, value_name = "FILE")]
    pub session_out: Option<PathBuf>,
    /// The desk's priors file (`report --format priors`); default: `priors` in config.toml.
    #[arg(long, value_name = "FILE")]
    pub priors: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args, Default)]
pub struct MatrixArgs {
    /// OS of the device signing in: windows, macos, linux, chromeos, ios, android.
    #[arg(long)]
    pub os: Option<String>,
    /// That OS's version, e.g. 17.5 or 10.0.22631.
    #[arg(long)]
    pub os_version: Option<String>,
    /// Browser: edge, chrome, firefox, safari, other.
    #[arg(long)]
    pub browser: Option<String>,
    /// Native app (e.g. outlook, teams); implies client.kind native-app.
    #[arg(long)]
    pub app: Option<String>,
    /// Broker on the device: installed or missing.
    #[arg(long)]
    pub broker: Option<String>,
    /// Passkey type: security-key, authenticator, synced, windows-hello.
    #[arg(long)]
    pub credential: Option<String>,
    /// Security-key transport: usb, nfc, ble.
    #[arg(long)]
    pub transport: Option<String>,
    /// Synced passkey provider: icloud-keychain, google-password-manager, third-party.
    #[arg(long)]
    pub provider: Option<String>,
    /// same-device or cross-device.
    #[arg(long)]
    pub flow: Option<String>,
    /// sign-in or registration.
    #[arg(long)]
    pub phase: Option<String>,
    /// Phone OS (cross-device or Authenticator): ios, android.
    #[arg(long)]
    pub phone_os: Option<String>,
    /// The phone's OS version, e.g. 17.5 or 14.
    #[arg(long)]
    pub phone_os_version: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GraphFormat {
    #[default]
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Runbook id (e.g. triage).
    pub runbook: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SessionsFormat {
    #[default]
    Text,
    Json,
    /// One JSON record per line, for log platforms (docs/report.md).
    Ndjson,
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: SessionsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExportFormat {
    #[default]
    Markdown,
    Text,
    Json,
}

impl From<ExportFormat> for crate::export::Format {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Markdown => Self::Markdown,
            ExportFormat::Text => Self::Text,
            ExportFormat::Json => Self::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Session id, a unique prefix of one, a session file, or a ticket id (its newest session).
    #[arg(value_name = "SESSION|TICKET")]
    pub session: String,
    /// Output format (default: `export_format` in config.toml, else markdown).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to this file (never overwritten: a suffix is added).
    #[arg(long, value_name = "FILE", conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Write into this folder with a name derived from the ticket.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Mask user names, emails (keeping the domain), IP addresses and device names.
    #[arg(long)]
    pub redact: bool,
    /// Don't redact, even if config.toml says `redact = true`.
    #[arg(long, conflicts_with = "redact")]
    pub no_redact: bool,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Escalation package: a JSON export, or the id (or a unique prefix) of a package in the
    /// tier-2 queue, which is then claimed for you.
    #[arg(value_name = "ID|FILE")]
    pub file: PathBuf,
    /// Your name, recorded in the new session (default: `agent` in config.toml).
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// Journal the new session and print a summary instead of opening the wizard (the
    /// default when standard input or output is not a terminal).
    #[arg(long)]
    pub print: bool,
    /// Who continues the call: tier2 (default: the deferred admin checks are asked) or tier1.
    #[arg(long, value_enum, value_name = "ROLE", default_value = "tier2")]
    pub role: RoleArg,
    /// Claim a queued package even though someone else holds it.
    #[arg(long)]
    pub take_over: bool,
    /// The desk's priors file (`report --format priors`); default: `priors` in config.toml.
    #[arg(long, value_name = "FILE")]
    pub priors: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// Session id (or a unique prefix), ticket id, or session file.
    #[arg(value_name = "SESSION")]
    pub session: String,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub action: Option<QueueAction>,
    /// Also list the packages tier 2 has finished.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}

#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// Tier 2 is done with a queued package: it leaves the queue, with your newest session
    /// continuing it (if any) beside it.
    Done(QueueDoneArgs),
}

#[derive(Debug, Args)]
pub struct QueueDoneArgs {
    /// The package: its id (or a unique prefix), or its ticket with the help-desk queue.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Your name (default: `agent` in config.toml).
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// Finish it even though someone else holds it.
    #[arg(long)]
    pub take_over: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RollupFormat {
    #[default]
    Text,
    Markdown,
    Csv,
    Json,
    /// The desk's priors file: how often sessions ended at each outcome (config `priors`).
    Priors,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only sessions started on or after this day (YYYY-MM-DD, UTC) or time (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only sessions started on or before this day (the whole day, UTC) or time (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: RollupFormat,
    /// Show the report as a dashboard in the terminal (keyboard only; q quits).
    #[arg(long, conflicts_with = "format")]
    pub view: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ImportFormat {
    /// A facts file: `{"facts": {...}, "sources": {...}}`.
    #[default]
    Json,
    /// One line per fact with its source, for reading.
    Text,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Sign-in log export (Graph JSON, admin center JSON or CSV, Log Analytics, diagnostic
    /// settings), or `-` for standard input. The format is detected.
    #[arg(value_name = "FILE|-")]
    pub file: String,
    /// Take the entry with this correlation id (the newest failed one when several share it).
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<String>,
    /// Only this user's entries (UPN, any case).
    #[arg(long, value_name = "UPN")]
    pub user: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ImportFormat,
}

#[derive(Debug, Args)]
pub struct PostArgs {
    /// Session id (or a unique prefix of one), a ticket id (its newest session), or a session
    /// file.
    pub session: String,
    /// Help desk: servicenow, jira or zendesk (default: `system` in [ticketing] of config.toml).
    #[arg(long, value_name = "SYSTEM")]
    pub system: Option<crate::ticketing::System>,
    /// Ticket to post to (default: the session's ticket).
    #[arg(long, value_name = "ID")]
    pub ticket: Option<String>,
    /// Note format: markdown or text (default: `format` in [ticketing]; else markdown for a Jira
    /// comment, text otherwise).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<crate::ticketing::NoteFormat>,
    /// Mask user names, emails (keeping the domain), IP addresses and device names.
    #[arg(long)]
    pub redact: bool,
    /// Don't redact, even if config.toml says `redact = true`.
    #[arg(long, conflicts_with = "redact")]
    pub no_redact: bool,
    /// Post although this session's note was already posted to that ticket.
    #[arg(long)]
    pub again: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReadinessFormat {
    #[default]
    Text,
    /// The rollout plan: phase one, out of scope, unknowns to settle.
    Markdown,
    /// One row per device (same-device) and per user (cross-device), each type and phase.
    Csv,
    /// The contract's totals and blockers (§11).
    Json,
    /// The CSV's rows as JSON lines, for Log Analytics or Power BI.
    Ndjson,
}

/// A passkey type (`credential.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PasskeyTypeArg {
    Authenticator,
    Synced,
    SecurityKey,
    WindowsHello,
}

impl PasskeyTypeArg {
    pub fn to_type(self) -> crate::readiness::PasskeyType {
        use crate::readiness::PasskeyType;
        match self {
            PasskeyTypeArg::Authenticator => PasskeyType::Authenticator,
            PasskeyTypeArg::Synced => PasskeyType::Synced,
            PasskeyTypeArg::SecurityKey => PasskeyType::SecurityKey,
            PasskeyTypeArg::WindowsHello => PasskeyType::WindowsHello,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReadinessArgs {
    /// Device inventory: Graph managedDevice JSON (a page per file) or the Intune admin center's
    /// device export (CSV); `-` for standard input. Repeatable; at least one.
    #[arg(long, value_name = "FILE", required = true)]
    pub devices: Vec<String>,
    /// Sign-in log, in any format `import` reads, for the browsers and apps really used.
    /// Repeatable.
    #[arg(long = "signin-log", value_name = "FILE")]
    pub signin_log: Vec<String>,
    /// Only these passkey types (repeatable; default all four).
    #[arg(long = "passkey-type", value_name = "TYPE", value_enum)]
    pub passkey_type: Vec<PasskeyTypeArg>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReadinessFormat,
    /// Show the results as a dashboard in the terminal (keyboard only; q quits).
    #[arg(long, conflicts_with = "format")]
    pub view: bool,
}
