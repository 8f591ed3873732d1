//! ServiceNow Table API: find the record by number, then add the note to its `work_notes`
//! (agents only; `comments` would reach the caller).
//!
//! `GET /api/now/table/{table}?sysparm_query=number={number}&sysparm_fields=sys_id,number&sysparm_limit=1`
//! then `PATCH /api/now/table/{table}/{sys_id}` with `{"work_notes": note}` and
//! `X-no-response-body: true` (no echo of the whole record). The record found must carry the
//! ticket's number: the Table API drops a query part it can't use (a table without `number`)
//! and returns rows anyway, and a note must not land on whichever came first.

use serde_json::json;

use super::http::send_retrying;
use super::{
    Failure, Method, Note, Posted, Reach, Request, System, TicketSystem, Transport, encode_component,
    failure_for_status, json_body, short_message,
};

pub struct ServiceNow {
    /// The table the tickets live in (`incident` by default).
    pub table: String,
}

/// Checks a ticket id before anything is sent.
pub fn check_ticket(ticket: &str) -> Result<(), Failure> {
    // Record numbers are letters and digits (INC0012345); `^` or `=` would change the query.
    let ok = !ticket.is_empty() && ticket.len() <= 40 && ticket.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Failure::BadTicket("a ServiceNow number is letters and digits, e.g. INC0012345".into()))
    }
}

impl TicketSystem for ServiceNow {
    fn system(&self) -> System {
        System::ServiceNow
    }

    fn post_note(&self, http: &dyn Transport, ticket: &str, note: &Note) -> Result<Posted, Failure> {
        let table = encode_component(&self.table);
        let find = Request {
            method: Method::Get,
            path: format!(
                "/api/now/table/{table}?sysparm_query={}&sysparm_fields=sys_id%2Cnumber&sysparm_limit=1",
                encode_component(&format!("number={ticket}"))
            ),
            headers: Vec::new(),
            body: None,
        };
        let found = send_retrying(http, &find)?;
        if !(200..300).contains(&found.status) {
            return Err(failure_for_status(&found, error_message(&found)));
        }
        let first = json_body(&found).and_then(|v| v.get("result")?.as_array()?.first().cloned());
        if let Some(record) = &first {
            let number = record.get("number").and_then(|n| n.as_str()).unwrap_or_default();
            if !number.eq_ignore_ascii_case(ticket) {
                let found = if number.is_empty() { "without a number".to_string() } else { number.to_string() };
                return Err(Failure::WrongRecord { found: short_message(&found).unwrap_or_default() });
            }
        }
        let sys_id = first.and_then(|r| r.get("sys_id")?.as_str().map(str::to_string));
        let sys_id = match sys_id {
            Some(id) if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()) => id,
            Some(_) => return Err(Failure::BadAnswer("the record's sys_id is not an id".into())),
            None if json_body(&found).is_some_and(|v| v.get("result").is_some_and(|r| r.is_array())) => {
                return Err(Failure::NoSuchTicket(None));
            }
            None => return Err(Failure::BadAnswer("no `result` list in the search answer".into())),
        };
        let patch = Request {
            method: Method::Patch,
            path: format!("/api/now/table/{table}/{sys_id}"),
            headers: vec![("X-no-response-body", "true".into())],
            body: Some(json!({ "work_notes": note.text })),
        };
        let done = send_retrying(http, &patch)?;
        if (200..300).contains(&done.status) {
            Ok(Posted { url: None, reach: Reach::Internal })
        } else {
            Err(failure_for_status(&done, error_message(&done)))
        }
    }
}

/// `{"error": {"message": "...", "detail": "..."}}`.
pub fn error_message(r: &super::Response) -> Option<String> {
    let v = json_body(r)?;
    let e = v.get("error")?;
    let msg = e.get("message").and_then(|m| m.as_str()).unwrap_or_default();
    let detail = e.get("detail").and_then(|m| m.as_str()).unwrap_or_default();
    short_message(&if detail.is_empty() { msg.to_string() } else { format!("{msg}: {detail}") })
}
