//! Posting the ticket note to the help desk as an INTERNAL note: ServiceNow (the incident's work
//! notes), Jira Cloud and Data Center (a Service Management internal comment, or a comment
//! restricted or marked internal) and Zendesk (a private comment). Where the answer does not
//! confirm the note is internal, it is reported as "a comment" ([`Reach`]).
//!
//! A [`TicketSystem`] turns a note into requests and reads the answers; it never sees a secret.
//! The wire is a [`Transport`]: [`http::HttpTransport`] (ureq over rustls, proxies from the
//! environment) adds the base URL and the `Authorization` header. Settings come from the
//! `[ticketing]` section of config.toml and the environment ([`config`]); secrets only from the
//! environment or a credential command ([`credentials`]), held in [`Secret`], which never prints.

pub mod adf;
pub mod config;
pub mod credentials;
pub mod delivery;
pub mod http;
pub mod jira;
pub mod queue;
pub mod servicenow;
pub mod zendesk;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::text::sanitize_line;

/// A help-desk system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum System {
    #[serde(rename = "servicenow")]
    ServiceNow,
    Jira,
    Zendesk,
}

impl System {
    pub const ALL: [System; 3] = [System::ServiceNow, System::Jira, System::Zendesk];

    pub fn as_str(self) -> &'static str {
        match self {
            System::ServiceNow => "servicenow",
            System::Jira => "jira",
            System::Zendesk => "zendesk",
        }
    }
}

impl System {
    /// Checks a ticket id before anything is sent (it becomes part of a URL path or query).
    pub fn check_ticket(self, ticket: &str) -> Result<(), Failure> {
        match self {
            System::ServiceNow => servicenow::check_ticket(ticket),
            System::Jira => jira::check_ticket(ticket),
            System::Zendesk => zendesk::check_ticket(ticket),
        }
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for System {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        System::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{}` is not a ticketing system (servicenow, jira or zendesk)", sanitize_line(s)))
    }
}

/// How the note is written: the text `export --format markdown|text` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteFormat {
    Markdown,
    Text,
}

impl NoteFormat {
    pub fn export_format(self) -> crate::export::Format {
        match self {
            NoteFormat::Markdown => crate::export::Format::Markdown,
            NoteFormat::Text => crate::export::Format::Text,
        }
    }
}

impl FromStr for NoteFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(NoteFormat::Markdown),
            "text" | "txt" => Ok(NoteFormat::Text),
            _ => Err(format!("`{}` is not a note format (markdown or text)", sanitize_line(s))),
        }
    }
}

/// The note to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub format: NoteFormat,
}

/// A secret (password or token). Its `Debug` shows nothing, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself: only for building the `Authorization` header and for scrubbing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An HTTP request, relative to the configured base URL. Carries no credentials: the transport
/// adds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Path and query, starting with `/`, already percent-encoded.
    pub path: String,
    /// Extra headers (the transport adds `Authorization`, `Accept`, `Content-Type`, `User-Agent`).
    pub headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

/// An HTTP answer (the body is bounded by the transport).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// The `Location` header of a redirect, if any.
    pub location: Option<String>,
    /// The `Retry-After` header of a 429/503, if any.
    pub retry_after: Option<String>,
}

/// Sends requests. [`http::HttpTransport`] in the program; a fake in tests.
pub trait Transport {
    fn send(&self, request: &Request) -> Result<Response, TransportError>;

    /// Set when the work must stop at once (waits before a retry end early).
    fn cancel(&self) -> Option<&Cancel> {
        None
    }

    /// Sends `body` as is with this `Content-Type` (a file to attach; `request.body` is
    /// ignored). Transports that can't say so.
    fn send_bytes(&self, request: &Request, content_type: &str, body: &[u8]) -> Result<Response, TransportError> {
        let _ = (request, content_type, body);
        Err(TransportError::Other("this transport sends JSON only".into()))
    }
}

/// Set when a post must stop at once (a signal came): a credential command still running is
/// killed with what it started, a wait before a retry ends, and nobody waits for an answer.
/// Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    cancelled: Arc<AtomicBool>,
    /// Credential commands running under this token.
    commands: Arc<AtomicUsize>,
}

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Cancels, then waits (at most `max`) until no credential command under this token is left
    /// running: each is killed within a few milliseconds. A request on the wire is not waited for.
    pub fn cancel_and_settle(&self, max: Duration) {
        self.cancel();
        let end = Instant::now() + max;
        while self.commands.load(Ordering::SeqCst) > 0 && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Counts a credential command as running until the guard drops.
    pub(crate) fn command_running(&self) -> CommandGuard {
        self.commands.fetch_add(1, Ordering::SeqCst);
        CommandGuard(Arc::clone(&self.commands))
    }

    /// Sleeps for `time` unless cancelled first; false when cancelled.
    pub fn sleep(&self, time: Duration) -> bool {
        let end = Instant::now() + time;
        loop {
            if self.is_cancelled() {
                return false;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            std::thread::sleep(left.min(Duration::from_millis(20)));
        }
    }
}

/// Why a request got no HTTP answer. Each is one line and holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("no answer within {0} s (timeout)")]
    Timeout(u64),
    #[error("cannot find the host {0}")]
    HostNotFound(String),
    #[error("cannot connect to {0}")]
    ConnectFailed(String),
    #[error("the proxy refused: {0}")]
    Proxy(String),
    #[error("TLS failed: {0}")]
    Tls(String),
    #[error("{0}")]
    Other(String),
}

/// Held while a credential command runs (see [`Cancel::cancel_and_settle`]).
pub(crate) struct CommandGuard(Arc<AtomicUsize>);

impl Drop for CommandGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a successful post returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Posted {
    /// The note's address, when the system returns one.
    pub url: Option<String>,
    /// Who can read it, as far as the tool knows.
    pub reach: Reach,
}

/// Who can read a posted note, as far as the tool can know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reach {
    /// Agents only, by the API's own terms (work notes, a private or internal comment, a
    /// comment restricted to a role or group).
    Internal,
    /// A comment whose audience the answer did not confirm: never called internal.
    #[default]
    Comment,
}

impl Reach {
    /// "as an internal note" or "as a comment", for the line that reports the post.
    pub fn phrase(self) -> &'static str {
        match self {
            Reach::Internal => "as an internal note",
            Reach::Comment => "as a comment",
        }
    }
}

/// Why a post failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The ticket id is not one this system can have.
    BadTicket(String),
    /// No HTTP answer.
    Transport(TransportError),
    /// 401/403.
    Credentials(u16),
    /// 404, or a search that found nothing.
    NoSuchTicket(Option<u16>),
    /// 429.
    RateLimited { retry_after: Option<String> },
    /// 5xx.
    Server(u16),
    /// 3xx: the URL points somewhere else.
    Redirected { status: u16, location: Option<String> },
    /// Any other status, with the server's message when it gave one.
    Rejected { status: u16, message: Option<String> },
    /// A 2xx answer that was not what the API documents.
    BadAnswer(String),
    /// A failure with the server's own explanation (bounded, one line, neutralised).
    Detailed { failure: Box<Failure>, detail: String },
    /// The record found is not the ticket asked for: nothing was written.
    WrongRecord { found: String },
    /// Stopped on purpose (a signal came) before the answer.
    Abandoned,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadTicket(why) => write!(f, "{why}"),
            Failure::Transport(e) => write!(f, "{e}"),
            Failure::Credentials(s @ 403) => write!(f, "HTTP {s}: these credentials may not add notes to it"),
            Failure::Credentials(s) => write!(f, "HTTP {s}: the credentials were refused"),
            Failure::NoSuchTicket(Some(s)) => write!(f, "HTTP {s}: no such ticket"),
            Failure::NoSuchTicket(None) => write!(f, "no such ticket"),
            Failure::RateLimited { retry_after: Some(r) } => {
                write!(f, "HTTP 429: too many requests; retry after {}", sanitize_line(r))
            }
            Failure::RateLimited { retry_after: None } => write!(f, "HTTP 429: too many requests; retry later"),
            Failure::Server(s) => write!(f, "HTTP {s}: the server failed; retry later"),
            Failure::Redirected { status, location: Some(l) } => {
                write!(f, "HTTP {status}: redirected to {}; set the ticketing url to that address", sanitize_line(l))
            }
            Failure::Redirected { status, location: None } => write!(f, "HTTP {status}: redirected"),
            Failure::Rejected { status, message: Some(m) } => write!(f, "HTTP {status}: {}", sanitize_line(m)),
            Failure::Rejected { status, message: None } => write!(f, "HTTP {status}: refused"),
            Failure::BadAnswer(why) => write!(f, "unexpected answer: {}", sanitize_line(why)),
            Failure::Detailed { failure, detail } => write!(f, "{failure}; the server says: {}", sanitize_line(detail)),
            Failure::WrongRecord { found } => write!(
                f,
                "the search found record {} instead (the table may have no `number` field)",
                sanitize_line(found)
            ),
            Failure::Abandoned => write!(f, "abandoned before the answer"),
        }
    }
}

impl From<TransportError> for Failure {
    fn from(e: TransportError) -> Self {
        Failure::Transport(e)
    }
}

/// A failed post, naming the system and the ticket. Nothing was posted unless the failure came
/// after the system accepted the note (never the case for these systems' single write).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not post to {system} {}: {failure}", sanitize_line(ticket))]
pub struct PostError {
    pub system: System,
    pub ticket: String,
    pub failure: Failure,
}

/// One help-desk system's way of adding an internal note.
pub trait TicketSystem {
    fn system(&self) -> System;

    /// Adds `note` to `ticket` as an internal note.
    fn post_note(&self, http: &dyn Transport, ticket: &str, note: &Note) -> Result<Posted, Failure>;
}

/// The system's implementation, configured.
pub fn system_for(settings: &config::Settings) -> Box<dyn TicketSystem> {
    match settings.system {
        System::ServiceNow => Box::new(servicenow::ServiceNow { table: settings.servicenow_table.clone() }),
        System::Jira => Box::new(jira::Jira {
            mode: settings.jira_internal.clone(),
            data_center: settings.jira_deployment == config::JiraDeployment::Datacenter,
        }),
        System::Zendesk => Box::new(zendesk::Zendesk),
    }
}

/// Posts a note: checks the ticket id, then lets the system talk to the transport.
pub fn post(system: &dyn TicketSystem, http: &dyn Transport, ticket: &str, note: &Note) -> Result<Posted, PostError> {
    let fail = |failure| PostError { system: system.system(), ticket: ticket.to_string(), failure };
    system.system().check_ticket(ticket).map_err(fail)?;
    system.post_note(http, ticket, note).map_err(fail)
}

/// The failure a non-2xx status means (shared by every system). `message` is the server's own
/// explanation, if the system's error body had one.
pub fn failure_for_status(response: &Response, message: Option<String>) -> Failure {
    let failure = match response.status {
        401 | 403 => Failure::Credentials(response.status),
        404 => Failure::NoSuchTicket(Some(response.status)),
        429 => Failure::RateLimited { retry_after: response.retry_after.clone() },
        s @ 500..=599 => Failure::Server(s),
        s @ 300..=399 => Failure::Redirected { status: s, location: response.location.clone() },
        s => return Failure::Rejected { status: s, message: message.and_then(|m| short_message(&m)) },
    };
    match message.and_then(|m| short_message(&m)) {
        Some(detail) => Failure::Detailed { failure: Box::new(failure), detail },
        None => failure,
    }
}

/// Percent-encodes one path segment or query value (everything but unreserved characters).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A one-line, printable server message: control characters, escapes and bidirectional
/// overrides neutralised, at most [`SERVER_MESSAGE_KEPT`] characters. It is cut short for the
/// agent only after the secret has been masked in it ([`Auth::scrub_message`]): a secret cut in
/// two would no longer be recognised.
pub fn short_message(s: &str) -> Option<String> {
    let line = sanitize_line(s);
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let mut out: String = line.chars().take(SERVER_MESSAGE_KEPT).collect();
    if line.chars().count() > SERVER_MESSAGE_KEPT {
        out.push('…');
    }
    Some(out)
}

/// How much of a server's message is kept until the secret is masked in it.
pub const SERVER_MESSAGE_KEPT: usize = 4096;

/// The body as JSON, if it is JSON.
pub fn json_body(response: &Response) -> Option<serde_json::Value> {
    serde_json::from_slice(&response.body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems_and_formats_parse() {
        assert_eq!("ServiceNow".parse::<System>(), Ok(System::ServiceNow));
        assert_eq!("jira".parse::<System>(), Ok(System::Jira));
        assert!("freshservice".parse::<System>().is_err());
        assert_eq!("md".parse::<NoteFormat>(), Ok(NoteFormat::Markdown));
        assert!("json".parse::<NoteFormat>().is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("INC001"), "INC001");
        assert_eq!(encode_component("a/b c^d=e"), "a%2Fb%20c%5Ed%3De");
    }

    #[test]
    fn statuses_map_to_failures() {
        let r = |status| Response { status, body: Vec::new(), location: None, retry_after: None };
        let detailed = failure_for_status(&r(404), Some(format!("Issue \u{202e}gone\x1b[31m {}", "x".repeat(500))));
        let shown = detailed.to_string();
        assert!(shown.starts_with("HTTP 404: no such ticket; the server says: Issue "), "{shown}");
        assert!(!shown.chars().any(|c| c.is_control() || c == '\u{202e}'), "{shown:?}");
        // Bounded here; cut to a short line only once the secret is masked (Auth::scrub_message).
        assert!(shown.chars().count() < SERVER_MESSAGE_KEPT + 100, "bounded: {shown}");
        assert_eq!(failure_for_status(&r(401), None), Failure::Credentials(401));
        assert_eq!(failure_for_status(&r(404), None), Failure::NoSuchTicket(Some(404)));
        assert_eq!(failure_for_status(&r(503), None), Failure::Server(503));
        assert!(matches!(failure_for_status(&r(429), None), Failure::RateLimited { .. }));
        assert!(matches!(failure_for_status(&r(400), None), Failure::Rejected { status: 400, .. }));
    }
}
