//! The tier-2 queue's requests to each help desk: read a ticket with its package attachments,
//! attach a file, reassign to the tier-2 group, assign to an agent, release, and page through
//! the group's tickets. [`Desk`] is one system's way; `queue::ticketing` holds the logic (retry
//! safety, claims) once for all three. Notes go through the posting code ([`super::post`]).

pub mod jira;
pub mod servicenow;
pub mod zendesk;

use chrono::{DateTime, Utc};

use super::{Failure, Method, Note, Request, Response, System, Transport, failure_for_status, json_body};

/// Attachments the queue writes are named `passkey-triage-<id>.json` (a package) and
/// `passkey-triage-<id>.tier2.json` (tier 2's session on package `<id>`).
pub const PREFIX: &str = "passkey-triage-";

/// A person in the help desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// What the system assigns by (sys_id, account id, user id).
    pub id: String,
    /// What a message shows (user name, display name, e-mail).
    pub name: String,
}

/// A file on a ticket, as the queue reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    /// The path (under the base URL) that downloads it.
    pub download: String,
    pub created: Option<DateTime<Utc>>,
}

/// A ticket, as the queue reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The ticket as the desk names it (INC0012345, HELP-12, 4512).
    pub key: String,
    /// What the API addresses it by (sys_id, key, id).
    pub record: String,
    pub assignee: Option<Person>,
    /// Is it with the tier-2 group?
    pub in_group: bool,
    /// Changes with every write (sys_mod_count, updated, updated_at): a write between our read
    /// and our re-read shows here.
    pub version: String,
    /// The queue's attachments (named [`PREFIX`]…), any order.
    pub attachments: Vec<Attachment>,
}

impl Ticket {
    /// The newest package: its id (the tier-1 session's) and attachment.
    pub fn package(&self) -> Option<(String, &Attachment)> {
        self.attachments
            .iter()
            .filter_map(|a| {
                let id = a.name.strip_prefix(PREFIX)?.strip_suffix(".json")?;
                (!id.ends_with(".tier2") && crate::session::is_valid_id(id)).then(|| (id.to_string(), a))
            })
            .max_by(|(ia, a), (ib, b)| a.created.cmp(&b.created).then_with(|| ia.cmp(ib)))
    }

    pub fn has(&self, name: &str) -> bool {
        self.attachments.iter().any(|a| a.name == name)
    }
}

/// One page of the tier-2 group's tickets and where the next starts.
pub struct Page {
    pub tickets: Vec<Ticket>,
    pub next: Option<String>,
}

/// What the queue asks of one help desk. Every answer outside 2xx is a [`Failure`] naming the
/// server's own message.
pub trait Desk {
    fn system(&self) -> System;

    /// The ticket with its queue attachments (and whether it is with `group`).
    fn read(&self, http: &dyn Transport, key: &str) -> Result<Ticket, Failure>;

    /// The person `login` names (ServiceNow user name, Jira account id or e-mail, Zendesk
    /// e-mail).
    fn person(&self, http: &dyn Transport, login: &str) -> Result<Person, Failure>;

    /// Does a note on the ticket carry `marker`?
    fn has_note(&self, http: &dyn Transport, ticket: &Ticket, marker: &str) -> Result<bool, Failure>;

    /// Attaches `bytes` as `name`. Zendesk attaches through a comment: `note` is posted with it
    /// (returns true when it was).
    fn attach(
        &self,
        http: &dyn Transport,
        ticket: &Ticket,
        name: &str,
        bytes: &[u8],
        note: &Note,
    ) -> Result<bool, Failure>;

    /// Reassigns the ticket to the tier-2 group, with nobody assigned.
    fn to_group(&self, http: &dyn Transport, ticket: &Ticket) -> Result<(), Failure>;

    /// Assigns the ticket to `person` (a claim). Where the system can refuse a write to a ticket
    /// changed since `ticket.version` (Zendesk's safe update), it does: [`Failure::Rejected`]
    /// with 409.
    fn assign(&self, http: &dyn Transport, ticket: &Ticket, person: &Person) -> Result<(), Failure>;

    /// The first assignment written after `before` was read, where the system keeps that
    /// history (Jira's changelog): of two agents claiming at once, that one wins. None when
    /// there is none or the system can't say.
    fn first_assignment_since(&self, http: &dyn Transport, before: &Ticket) -> Result<Option<Person>, Failure> {
        let _ = (http, before);
        Ok(None)
    }

    /// The newest claimant other than `me` that the desk recorded (ServiceNow: the claim work
    /// notes [`Desk::assign`] writes), so one whose write overwrote another's claim can give it
    /// back. None when the system keeps no such record.
    fn other_claimant(&self, http: &dyn Transport, ticket: &Ticket, me: &Person) -> Result<Option<Person>, Failure> {
        let _ = (http, ticket, me);
        Ok(None)
    }

    /// Releases the ticket as config.toml says.
    fn release(
        &self,
        http: &dyn Transport,
        ticket: &Ticket,
        release: &crate::queue::config::Release,
    ) -> Result<(), Failure>;

    /// One page of the group's tickets (open ones; with `all`, the finished too), oldest first
    /// where the system can sort. `cursor`: the previous page's `next`.
    fn page(&self, http: &dyn Transport, all: bool, cursor: Option<&str>) -> Result<Page, Failure>;
}

/// Sends and refuses anything outside 2xx, with the system's message.
pub fn send_ok(
    http: &dyn Transport,
    request: &Request,
    message: fn(&Response) -> Option<String>,
) -> Result<Response, Failure> {
    let r = http.send(request)?;
    if (200..300).contains(&r.status) { Ok(r) } else { Err(failure_for_status(&r, message(&r))) }
}

/// [`send_ok`] with a raw body.
pub fn send_bytes_ok(
    http: &dyn Transport,
    request: &Request,
    content_type: &str,
    body: &[u8],
    message: fn(&Response) -> Option<String>,
) -> Result<Response, Failure> {
    let r = http.send_bytes(request, content_type, body)?;
    if (200..300).contains(&r.status) { Ok(r) } else { Err(failure_for_status(&r, message(&r))) }
}

/// The JSON of a 2xx answer, or what was wrong with it.
pub fn json_of(r: &Response) -> Result<serde_json::Value, Failure> {
    json_body(r).ok_or_else(|| Failure::BadAnswer("the answer is not JSON".into()))
}

/// A GET.
pub fn get(path: String) -> Request {
    Request { method: Method::Get, path, headers: Vec::new(), body: None }
}

/// A request with a JSON body.
pub fn with_json(method: Method, path: String, body: serde_json::Value) -> Request {
    Request { method, path, headers: Vec::new(), body: Some(body) }
}

/// A string field, or a number shown as one.
pub fn text_of(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An id the queue puts in a path: letters, digits, `-`, `_`, `.`, `:`, at most 128.
pub fn checked_id(s: &str) -> Result<String, Failure> {
    let ok = !s.is_empty()
        && s.len() <= 128
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok { Ok(s.to_string()) } else { Err(Failure::BadAnswer("an id in the answer is not an id".into())) }
}

/// A timestamp in RFC 3339, or ServiceNow's `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn time_of(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().map(|n| n.and_utc()))
        .or_else(|| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z").ok().map(|d| d.with_timezone(&Utc)))
}

/// Pages the queue reads before it stops (100 tickets a page: 100,000 tickets).
pub const MAX_PAGES: usize = 1000;
/// Tickets a page asks for.
pub const PAGE_SIZE: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, secs: i64) -> Attachment {
        Attachment { name: name.into(), download: "/x".into(), created: DateTime::from_timestamp(secs, 0) }
    }

    #[test]
    fn the_newest_package_is_the_one_opened() {
        let t = Ticket {
            key: "INC1".into(),
            record: "a".into(),
            assignee: None,
            in_group: true,
            version: "1".into(),
            attachments: vec![
                file("passkey-triage-20260120T090000Z-0001.json", 10),
                file("passkey-triage-20260121T090000Z-0002.json", 20),
                file("passkey-triage-20260121T090000Z-0002.tier2.json", 30),
                file("passkey-triage-../x.json", 40),
            ],
        };
        assert_eq!(t.package().map(|(id, _)| id).as_deref(), Some("20260121T090000Z-0002"));
        assert!(t.has("passkey-triage-20260121T090000Z-0002.tier2.json"));
    }

    #[test]
    fn the_systems_timestamps_read() {
        let want = DateTime::parse_from_rfc3339("2026-01-21T10:00:00Z").map(|d| d.with_timezone(&Utc)).ok();
        assert_eq!(time_of("2026-01-21 10:00:00"), want);
        assert_eq!(time_of("2026-01-21T10:00:00.000+0000"), want);
        assert_eq!(time_of("2026-01-21T10:00:00Z"), want);
        assert!(checked_id("../etc").is_err() && checked_id("9d385017c611228701d22104cc95c371").is_ok());
    }
}
