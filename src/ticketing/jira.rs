//! Jira Cloud (REST v3) and Jira Data Center / Server (REST v2). A note is internal by one of:
//!
//! - Jira Service Management's internal comment, `POST /rest/servicedeskapi/request/{key}/comment`
//!   with `{"body", "public": false}` (`jira_internal = "servicedesk"`, and by default whenever
//!   `GET /rest/servicedeskapi/request/{key}` says the issue is a customer request);
//! - a platform comment, `POST /rest/api/{3|2}/issue/{key}/comment` (an Atlassian Document
//!   Format body on Cloud, the text on Data Center), restricted to a role or group
//!   (`visibility`), and always carrying the `sd.public.comment` property with
//!   `{"internal": true}`, which Service Management reads to keep a comment from customers
//!   (a platform comment is public there otherwise: `jsdPublic` defaults to true).
//!
//! An unrestricted platform comment is reported as internal only when the answer's `jsdPublic`
//! is false; otherwise it is "a comment": the tool can't know who sees it.

use serde_json::json;

use super::config::JiraInternal;
use super::http::send_retrying;
use super::{
    Failure, Method, Note, NoteFormat, Posted, Reach, Request, Response, System, TicketSystem, Transport, adf,
    encode_component, failure_for_status, json_body, short_message,
};

pub struct Jira {
    pub mode: JiraInternal,
    /// Data Center or Server: REST v2 (the comment body is text, not a document).
    pub data_center: bool,
}

/// Checks a ticket id before anything is sent.
pub fn check_ticket(ticket: &str) -> Result<(), Failure> {
    // An issue key (PROJ-123) or a numeric id.
    let numeric = !ticket.is_empty() && ticket.bytes().all(|b| b.is_ascii_digit());
    let key = ticket.split_once('-').is_some_and(|(p, n)| {
        p.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
    });
    if (numeric || key) && ticket.len() <= 64 {
        Ok(())
    } else {
        Err(Failure::BadTicket("a Jira issue is a key like HELP-123 (or a numeric id)".into()))
    }
}

impl TicketSystem for Jira {
    fn system(&self) -> System {
        System::Jira
    }

    fn post_note(&self, http: &dyn Transport, ticket: &str, note: &Note) -> Result<Posted, Failure> {
        let key = encode_component(ticket);
        match &self.mode {
            JiraInternal::ServiceDesk => service_desk_comment(http, &key, note),
            JiraInternal::Role(name) => {
                self.platform_comment(http, &key, note, Some(json!({ "type": "role", "value": name })))
            }
            JiraInternal::Group(name) => {
                self.platform_comment(http, &key, note, Some(json!({ "type": "group", "value": name })))
            }
            JiraInternal::Platform => {
                // Is it a customer request? Then Service Management's own internal comment.
                let probe = Request {
                    method: Method::Get,
                    path: format!("/rest/servicedeskapi/request/{key}"),
                    headers: Vec::new(),
                    body: None,
                };
                let r = send_retrying(http, &probe)?;
                match r.status {
                    200..=299 => service_desk_comment(http, &key, note),
                    // Not a customer request (or no Service Management on the site).
                    400 | 404 => self.platform_comment(http, &key, note, None),
                    _ => Err(failure_for_status(&r, error_message(&r))),
                }
            }
        }
    }
}

/// The property Jira Service Management reads to keep a comment from customers.
pub fn internal_property() -> serde_json::Value {
    json!([{ "key": "sd.public.comment", "value": { "internal": true } }])
}

/// Service Management's internal comment.
fn service_desk_comment(http: &dyn Transport, key: &str, note: &Note) -> Result<Posted, Failure> {
    let request = Request {
        method: Method::Post,
        path: format!("/rest/servicedeskapi/request/{key}/comment"),
        headers: Vec::new(),
        body: Some(json!({ "body": note.text, "public": false })),
    };
    let r = send_retrying(http, &request)?;
    if !(200..300).contains(&r.status) {
        return Err(failure_for_status(&r, error_message(&r)));
    }
    // The API documents `public` in the answer; a comment it says is public is not called internal.
    let public = json_body(&r).and_then(|v| v.get("public")?.as_bool()) == Some(true);
    Ok(Posted { url: comment_url(&r), reach: if public { Reach::Comment } else { Reach::Internal } })
}

impl Jira {
    /// A platform comment, restricted to `visibility` when given, with the internal property.
    fn platform_comment(
        &self,
        http: &dyn Transport,
        key: &str,
        note: &Note,
        visibility: Option<serde_json::Value>,
    ) -> Result<Posted, Failure> {
        let body = if self.data_center {
            json!(note.text)
        } else {
            match note.format {
                NoteFormat::Markdown => adf::from_markdown(&note.text),
                NoteFormat::Text => adf::from_text(&note.text),
            }
        };
        let restricted = visibility.is_some();
        let mut payload = json!({ "body": body, "properties": internal_property() });
        if let (Some(v), Some(obj)) = (visibility, payload.as_object_mut()) {
            obj.insert("visibility".into(), v);
        }
        let version = if self.data_center { 2 } else { 3 };
        let request = Request {
            method: Method::Post,
            path: format!("/rest/api/{version}/issue/{key}/comment"),
            headers: Vec::new(),
            body: Some(payload),
        };
        let r = send_retrying(http, &request)?;
        if !(200..300).contains(&r.status) {
            return Err(failure_for_status(&r, error_message(&r)));
        }
        let not_public = json_body(&r).and_then(|v| v.get("jsdPublic")?.as_bool()) == Some(false);
        let reach = if restricted || not_public { Reach::Internal } else { Reach::Comment };
        Ok(Posted { url: comment_url(&r), reach })
    }
}

/// The comment's address. Platform: `self`; Service Management: `_links.self`.
fn comment_url(r: &Response) -> Option<String> {
    json_body(r).and_then(|v| {
        v.get("self")
            .or_else(|| v.get("_links").and_then(|l| l.get("self")))
            .and_then(|s| s.as_str())
            .filter(|s| {
                // Kept only as returned: an address, not text to show cut short.
                (s.starts_with("https://") || s.starts_with("http://"))
                    && s.len() <= 500
                    && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            })
            .map(crate::text::sanitize_line)
    })
}

/// Platform: `{"errorMessages": [...], "errors": {field: msg}}`; Service Management:
/// `{"errorMessage": "..."}`.
pub fn error_message(r: &Response) -> Option<String> {
    let v = json_body(r)?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = v.get("errorMessage").and_then(|m| m.as_str()) {
        parts.push(m.to_string());
    }
    if let Some(list) = v.get("errorMessages").and_then(|m| m.as_array()) {
        parts.extend(list.iter().filter_map(|m| m.as_str()).map(str::to_string));
    }
    if let Some(map) = v.get("errors").and_then(|m| m.as_object()) {
        parts.extend(map.iter().take(10).filter_map(|(k, m)| m.as_str().map(|m| format!("{k}: {m}"))));
    }
    short_message(&parts.join("; "))
}
