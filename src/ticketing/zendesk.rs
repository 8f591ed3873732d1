//! Zendesk Support: a private comment, added by updating the ticket
//! (`PUT /api/v2/tickets/{id}.json` with `{"ticket": {"comment": {"body", "public": false}}}`).

use serde_json::json;

use super::http::send_retrying;
use super::{
    Failure, Method, Note, Posted, Reach, Request, Response, System, TicketSystem, Transport, failure_for_status,
    json_body, short_message,
};

pub struct Zendesk;

/// Checks a ticket id before anything is sent.
pub fn check_ticket(ticket: &str) -> Result<(), Failure> {
    let ok = !ticket.is_empty() && ticket.len() <= 20 && ticket.bytes().all(|b| b.is_ascii_digit());
    if ok { Ok(()) } else { Err(Failure::BadTicket("a Zendesk ticket id is a number, e.g. 4512".into())) }
}

impl TicketSystem for Zendesk {
    fn system(&self) -> System {
        System::Zendesk
    }

    fn post_note(&self, http: &dyn Transport, ticket: &str, note: &Note) -> Result<Posted, Failure> {
        let request = Request {
            method: Method::Put,
            path: format!("/api/v2/tickets/{ticket}.json"),
            headers: Vec::new(),
            body: Some(json!({ "ticket": { "comment": { "body": note.text, "public": false } } })),
        };
        let r = send_retrying(http, &request)?;
        if (200..300).contains(&r.status) {
            Ok(Posted { url: None, reach: Reach::Internal })
        } else {
            Err(failure_for_status(&r, error_message(&r)))
        }
    }
}

/// `{"error": "...", "description": "...", "details": {field: [{"description": "..."}]}}` (or
/// `error` as an object with `title`/`message`). The details say why, e.g. a 422's "Status:
/// closed prevents ticket update", so they come first.
pub fn error_message(r: &Response) -> Option<String> {
    let v = json_body(r)?;
    let error = match v.get("error") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(o) => o.get("message").or_else(|| o.get("title")).and_then(|m| m.as_str()).unwrap_or_default().to_string(),
        None => String::new(),
    };
    let description = v.get("description").and_then(|d| d.as_str()).unwrap_or_default();
    let details: Vec<&str> = v
        .get("details")
        .and_then(|d| d.as_object())
        .into_iter()
        .flat_map(|fields| fields.values())
        .filter_map(|list| list.as_array())
        .flatten()
        .filter_map(|d| d.get("description").and_then(|m| m.as_str()))
        .take(5)
        .collect();
    let head = match (error.is_empty(), description.is_empty()) {
        (false, false) => format!("{error}: {description}"),
        (false, true) => error,
        _ => description.to_string(),
    };
    let parts: Vec<&str> = details.into_iter().chain([head.as_str()]).filter(|p| !p.is_empty()).collect();
    short_message(&parts.join("; "))
}
