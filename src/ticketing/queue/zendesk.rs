//! Zendesk: a file is uploaded, then attached by an internal comment (`public: false`) that
//! carries the note and moves the ticket to the group, in one update; the claim is the
//! assignee, written with `safe_update` so a ticket changed since it was read is refused (409).
//!
//! - `GET /api/v2/tickets/{id}.json`, `GET /api/v2/tickets/{id}/comments.json?sort_order=desc`
//! - `POST /api/v2/uploads.json?filename=…` (the bytes), then `PUT /api/v2/tickets/{id}.json`
//!   with `{"ticket": {"comment": {"body", "public": false, "uploads": [token]}, "group_id", "assignee_id": null}}`
//! - `PUT /api/v2/tickets/{id}.json` with `{"ticket": {"assignee_id", "safe_update": true, "updated_stamp"}}`
//! - `GET /api/v2/groups.json`, `GET /api/v2/users/search.json?query=…`
//! - `GET /api/v2/search/export?query=type:ticket group:{id} status<solved&filter[type]=ticket&page[size]=100`
//!   (cursor pages; the search index may lag a new ticket by a minute or two)

use std::cell::OnceCell;

use serde_json::{Value, json};

use super::{
    Attachment, Desk, PAGE_SIZE, PREFIX, Page, Person, Ticket, checked_id, get, json_of, send_bytes_ok, send_ok,
    text_of, time_of, with_json,
};
use crate::queue::config::Release;
use crate::ticketing::{
    Failure, Method, Note, Request, Response, System, Transport, encode_component, json_body, short_message,
};

pub struct ZendeskDesk {
    pub group: String,
    group_id: OnceCell<String>,
    /// The base URL: attachments' `content_url` must be under it.
    base: String,
}

impl ZendeskDesk {
    pub fn new(group: &str, base: &str) -> Self {
        Self { group: group.to_string(), group_id: OnceCell::new(), base: base.to_string() }
    }

    fn group_id(&self, http: &dyn Transport) -> Result<String, Failure> {
        if let Some(id) = self.group_id.get() {
            return Ok(id.clone());
        }
        let id = self.group_named(http, &self.group)?;
        Ok(self.group_id.get_or_init(|| id).clone())
    }

    fn group_named(&self, http: &dyn Transport, name: &str) -> Result<String, Failure> {
        let mut path = "/api/v2/groups.json?page[size]=100".to_string();
        for _ in 0..super::MAX_PAGES {
            let v = json_of(&send_ok(http, &get(path.clone()), error_message)?)?;
            let found = v.get("groups").and_then(Value::as_array).and_then(|gs| {
                gs.iter().find(|g| text_of(g.get("name")).is_some_and(|n| n.eq_ignore_ascii_case(name)))
            });
            if let Some(g) = found {
                return checked_id(&text_of(g.get("id")).unwrap_or_default());
            }
            let more = v.get("meta").and_then(|m| m.get("has_more")).and_then(Value::as_bool).unwrap_or(false);
            match text_of(v.get("meta").and_then(|m| m.get("after_cursor"))).filter(|_| more) {
                Some(c) => path = format!("/api/v2/groups.json?page[size]=100&page[after]={}", encode_component(&c)),
                None => break,
            }
        }
        Err(Failure::BadAnswer(format!("no Zendesk group named `{name}`")))
    }

    fn ticket_of(&self, t: &Value) -> Result<Ticket, Failure> {
        let id = checked_id(&text_of(t.get("id")).unwrap_or_default())?;
        let assignee = text_of(t.get("assignee_id")).map(|a| Person { name: a.clone(), id: a });
        let group = text_of(t.get("group_id")).unwrap_or_default();
        Ok(Ticket {
            key: id.clone(),
            record: id,
            assignee,
            in_group: self.group_id.get().is_some_and(|g| *g == group),
            version: text_of(t.get("updated_at")).unwrap_or_default(),
            attachments: Vec::new(),
        })
    }

    /// The queue's files on the ticket, from its comments (newest first, one page).
    fn attachments(&self, http: &dyn Transport, id: &str) -> Result<Vec<Attachment>, Failure> {
        let path = format!("/api/v2/tickets/{id}/comments.json?sort_order=desc&page[size]=100");
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let mut out = Vec::new();
        for c in v.get("comments").and_then(Value::as_array).into_iter().flatten() {
            let created = text_of(c.get("created_at")).and_then(|t| time_of(&t));
            for a in c.get("attachments").and_then(Value::as_array).into_iter().flatten() {
                let Some(name) = text_of(a.get("file_name")).filter(|n| n.starts_with(PREFIX)) else { continue };
                let url = text_of(a.get("content_url")).unwrap_or_default();
                // Only from the desk itself: the credentials go with the download.
                let Some(path) = url.strip_prefix(&self.base).filter(|p| p.starts_with('/')) else { continue };
                out.push(Attachment { name, download: path.to_string(), created });
            }
        }
        Ok(out)
    }

    /// A name for a person id: the user's name, else the id.
    fn name_of(&self, http: &dyn Transport, person: &mut Person) {
        let path = format!("/api/v2/users/{}.json", person.id);
        if let Ok(v) = send_ok(http, &get(path), error_message).and_then(|r| json_of(&r))
            && let Some(n) = text_of(v.get("user").and_then(|u| u.get("name").or_else(|| u.get("email"))))
        {
            person.name = n;
        }
    }

    fn update(&self, http: &dyn Transport, ticket: &Ticket, body: Value) -> Result<(), Failure> {
        let path = format!("/api/v2/tickets/{}.json", ticket.record);
        send_ok(http, &with_json(Method::Put, path, json!({ "ticket": body })), error_message).map(|_| ())
    }
}

impl Desk for ZendeskDesk {
    fn system(&self) -> System {
        System::Zendesk
    }

    fn read(&self, http: &dyn Transport, key: &str) -> Result<Ticket, Failure> {
        self.group_id(http)?;
        let v = json_of(&send_ok(http, &get(format!("/api/v2/tickets/{key}.json")), error_message)?)?;
        let mut t = self.ticket_of(v.get("ticket").unwrap_or(&Value::Null))?;
        if let Some(p) = t.assignee.as_mut() {
            self.name_of(http, p);
        }
        t.attachments = self.attachments(http, &t.record)?;
        Ok(t)
    }

    fn person(&self, http: &dyn Transport, login: &str) -> Result<Person, Failure> {
        let path = format!("/api/v2/users/search.json?query={}", encode_component(login));
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let user = v
            .get("users")
            .and_then(Value::as_array)
            .and_then(|us| us.iter().find(|u| text_of(u.get("email")).is_some_and(|e| e.eq_ignore_ascii_case(login))));
        let user = user.ok_or_else(|| Failure::BadAnswer(format!("no Zendesk user with e-mail `{login}`")))?;
        let id = checked_id(&text_of(user.get("id")).unwrap_or_default())?;
        Ok(Person { id, name: text_of(user.get("name")).unwrap_or_else(|| login.to_string()) })
    }

    fn has_note(&self, http: &dyn Transport, ticket: &Ticket, marker: &str) -> Result<bool, Failure> {
        let path = format!("/api/v2/tickets/{}/comments.json?sort_order=desc&page[size]=100", ticket.record);
        let r = send_ok(http, &get(path), error_message)?;
        Ok(String::from_utf8_lossy(&r.body).contains(marker))
    }

    fn attach(
        &self,
        http: &dyn Transport,
        ticket: &Ticket,
        name: &str,
        bytes: &[u8],
        note: &Note,
    ) -> Result<bool, Failure> {
        let upload = Request {
            method: Method::Post,
            path: format!("/api/v2/uploads.json?filename={}", encode_component(name)),
            headers: Vec::new(),
            body: None,
        };
        let r = send_bytes_ok(http, &upload, "application/binary", bytes, error_message)?;
        let token = text_of(json_of(&r)?.get("upload").and_then(|u| u.get("token")))
            .ok_or_else(|| Failure::BadAnswer("no upload token".into()))?;
        let body = json!({ "comment": { "body": note.text, "public": false, "uploads": [token] } });
        self.update(http, ticket, body).map(|()| true)
    }

    fn to_group(&self, http: &dyn Transport, ticket: &Ticket) -> Result<(), Failure> {
        let group = self.group_id(http)?;
        self.update(http, ticket, json!({ "group_id": group.parse::<u64>().ok(), "assignee_id": null }))
    }

    fn assign(&self, http: &dyn Transport, ticket: &Ticket, person: &Person) -> Result<(), Failure> {
        let body = json!({
            "assignee_id": person.id.parse::<u64>().ok(),
            "safe_update": true,
            "updated_stamp": ticket.version,
        });
        self.update(http, ticket, body)
    }

    fn release(&self, http: &dyn Transport, ticket: &Ticket, release: &Release) -> Result<(), Failure> {
        match release {
            Release::None => Ok(()),
            Release::Resolve => self.update(http, ticket, json!({ "status": "solved" })),
            Release::Group(name) => {
                let group = self.group_named(http, name)?;
                self.update(http, ticket, json!({ "group_id": group.parse::<u64>().ok(), "assignee_id": null }))
            }
        }
    }

    fn page(&self, http: &dyn Transport, all: bool, cursor: Option<&str>) -> Result<Page, Failure> {
        let group = self.group_id(http)?;
        let open = if all { "" } else { " status<solved" };
        let query = format!("type:ticket group:{group}{open}");
        let mut path = format!(
            "/api/v2/search/export?query={}&filter[type]=ticket&page[size]={PAGE_SIZE}",
            encode_component(&query)
        );
        if let Some(c) = cursor {
            path.push_str(&format!("&page[after]={}", encode_component(c)));
        }
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let rows = v
            .get("results")
            .and_then(Value::as_array)
            .ok_or_else(|| Failure::BadAnswer("no `results` list in the search answer".into()))?;
        let mut tickets = Vec::with_capacity(rows.len());
        for row in rows {
            let mut t = self.ticket_of(row)?;
            t.in_group = true;
            if let Some(p) = t.assignee.as_mut() {
                self.name_of(http, p);
            }
            t.attachments = self.attachments(http, &t.record)?;
            tickets.push(t);
        }
        let meta = v.get("meta");
        let more = meta.and_then(|m| m.get("has_more")).and_then(Value::as_bool).unwrap_or(false);
        let next = text_of(meta.and_then(|m| m.get("after_cursor"))).filter(|c| more && !c.is_empty());
        Ok(Page { tickets, next })
    }
}

/// `{"error": "...", "description": "...", "details": {field: [{"description"}]}}` (or `error`
/// as an object with `title`/`message`).
pub fn error_message(r: &Response) -> Option<String> {
    let v = json_body(r)?;
    let error = match v.get("error") {
        Some(Value::String(s)) => s.clone(),
        Some(o) => o.get("message").or_else(|| o.get("title")).and_then(|m| m.as_str()).unwrap_or_default().to_string(),
        None => String::new(),
    };
    let mut parts: Vec<String> =
        [error, text_of(v.get("description")).unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect();
    if let Some(details) = v.get("details").and_then(Value::as_object) {
        for list in details.values().filter_map(Value::as_array) {
            parts.extend(list.iter().filter_map(|d| text_of(d.get("description"))));
        }
    }
    short_message(&parts.join(": "))
}
