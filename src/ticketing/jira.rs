//! Jira Cloud. Either the platform REST API v3, `POST /rest/api/3/issue/{key}/comment` with an
//! Atlassian Document Format body (optionally visible to one role or group), or — for Jira
//! Service Management, where a platform comment is public — the internal comment
//! `POST /rest/servicedeskapi/request/{key}/comment` with `{"body", "public": false}`.

use serde_json::json;

use super::config::JiraInternal;
use super::{
    Failure, Method, Note, NoteFormat, Posted, Request, Response, System, TicketSystem, Transport, adf,
    encode_component, failure_for_status, json_body, short_message,
};

pub struct Jira {
    pub mode: JiraInternal,
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
        let request = match &self.mode {
            JiraInternal::ServiceDesk => Request {
                method: Method::Post,
                path: format!("/rest/servicedeskapi/request/{key}/comment"),
                headers: Vec::new(),
                body: Some(json!({ "body": note.text, "public": false })),
            },
            mode => {
                let doc = match note.format {
                    NoteFormat::Markdown => adf::from_markdown(&note.text),
                    NoteFormat::Text => adf::from_text(&note.text),
                };
                let mut body = json!({ "body": doc });
                let visibility = match mode {
                    JiraInternal::Role(name) => Some(json!({ "type": "role", "value": name })),
                    JiraInternal::Group(name) => Some(json!({ "type": "group", "value": name })),
                    _ => None,
                };
                if let (Some(v), Some(obj)) = (visibility, body.as_object_mut()) {
                    obj.insert("visibility".into(), v);
                }
                Request {
                    method: Method::Post,
                    path: format!("/rest/api/3/issue/{key}/comment"),
                    headers: Vec::new(),
                    body: Some(body),
                }
            }
        };
        let r = http.send(&request)?;
        if !(200..300).contains(&r.status) {
            return Err(failure_for_status(&r, error_message(&r)));
        }
        // Platform: `self`; Service Management: `_links.self`.
        let url = json_body(&r).and_then(|v| {
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
        });
        Ok(Posted { url })
    }
}

/// Platform: `{"errorMessages": [...], "errors": {field: msg}}`; Service Management:
/// `{"errorMessage": "..."}`.
fn error_message(r: &Response) -> Option<String> {
    let v = json_body(r)?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = v.get("errorMessage").and_then(|m| m.as_str()) {
        parts.push(m.to_string());
    }
    if let Some(list) = v.get("errorMessages").and_then(|m| m.as_array()) {
        parts.extend(list.iter().filter_map(|m| m.as_str()).map(str::to_string));
    }
    if let Some(map) = v.get("errors").and_then(|m| m.as_object()) {
        parts.extend(map.iter().filter_map(|(k, m)| m.as_str().map(|m| format!("{k}: {m}"))));
    }
    short_message(&parts.join("; "))
}
