//! Jira: an issue is in tier 2's queue by a label (Jira has no assignment group); the claim is
//! the assignee (account id; an e-mail is looked up); `updated` is the version.
//!
//! - `GET /rest/api/3/issue/{key}?fields=assignee,labels,updated,attachment`
//! - `POST /rest/api/3/issue/{key}/attachments` (multipart `file`, `X-Atlassian-Token: no-check`)
//! - `GET /rest/api/3/attachment/content/{id}?redirect=false`
//! - `PUT /rest/api/3/issue/{key}` with `{"update": {"labels": [{"add"|"remove": label}]}}`
//! - `PUT /rest/api/3/issue/{key}/assignee` with `{"accountId": id | null}`
//! - `GET /rest/api/3/issue/{key}/comment?orderBy=-created&maxResults=100` (the marker)
//! - `GET /rest/api/3/search/jql?jql=labels = "L" AND statusCategory != Done ORDER BY created ASC&nextPageToken=…`
//! - `GET /rest/api/3/issue/{key}/transitions`, then `POST` the one to a Done status

use serde_json::{Value, json};

use super::{
    Attachment, Desk, PAGE_SIZE, PREFIX, Page, Person, Ticket, checked_id, get, json_of, send_bytes_ok, send_ok,
    text_of, time_of, with_json,
};
use crate::queue::config::Release;
use crate::ticketing::{
    Failure, Method, Note, Request, Response, System, Transport, encode_component, json_body, short_message,
};

pub struct JiraDesk {
    /// The label that puts an issue in tier 2's queue.
    pub label: String,
}

const FIELDS: &str = "assignee,labels,updated,created,attachment";

impl JiraDesk {
    fn issue(&self, v: &Value) -> Result<Ticket, Failure> {
        let key = checked_id(&text_of(v.get("key")).unwrap_or_default())?;
        let f = v.get("fields").cloned().unwrap_or(Value::Null);
        let assignee = f.get("assignee").filter(|a| !a.is_null()).and_then(|a| {
            let id = text_of(a.get("accountId")).or_else(|| text_of(a.get("name")))?;
            let name = text_of(a.get("displayName")).or_else(|| text_of(a.get("emailAddress"))).unwrap_or(id.clone());
            Some(Person { id, name })
        });
        let in_group = f
            .get("labels")
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(self.label.as_str())));
        let attachments = f
            .get("attachment")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|a| {
                        let name = text_of(a.get("filename"))?;
                        let id = checked_id(&text_of(a.get("id"))?).ok()?;
                        name.starts_with(PREFIX).then(|| Attachment {
                            name,
                            download: format!("/rest/api/3/attachment/content/{id}?redirect=false"),
                            created: text_of(a.get("created")).and_then(|t| time_of(&t)),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Ticket {
            record: key.clone(),
            key,
            assignee,
            in_group,
            version: text_of(f.get("updated")).unwrap_or_default(),
            attachments,
        })
    }

    fn labels(&self, http: &dyn Transport, ticket: &Ticket, op: &str) -> Result<(), Failure> {
        let body = json!({ "update": { "labels": [ { op: self.label } ] } });
        send_ok(http, &with_json(Method::Put, format!("/rest/api/3/issue/{}", ticket.record), body), error_message)
            .map(|_| ())
    }

    fn assignee(&self, http: &dyn Transport, ticket: &Ticket, id: Option<&str>) -> Result<(), Failure> {
        let body = json!({ "accountId": id });
        let path = format!("/rest/api/3/issue/{}/assignee", ticket.record);
        send_ok(http, &with_json(Method::Put, path, body), error_message).map(|_| ())
    }
}

impl Desk for JiraDesk {
    fn system(&self) -> System {
        System::Jira
    }

    fn read(&self, http: &dyn Transport, key: &str) -> Result<Ticket, Failure> {
        let path = format!("/rest/api/3/issue/{}?fields={FIELDS}", encode_component(key));
        self.issue(&json_of(&send_ok(http, &get(path), error_message)?)?)
    }

    fn person(&self, http: &dyn Transport, login: &str) -> Result<Person, Failure> {
        if !login.contains('@') {
            return Ok(Person { id: checked_id(login)?, name: login.to_string() });
        }
        let path = format!("/rest/api/3/user/search?query={}&maxResults=2", encode_component(login));
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let user = v.as_array().and_then(|l| {
            l.iter()
                .find(|u| text_of(u.get("emailAddress")).is_some_and(|e| e.eq_ignore_ascii_case(login)))
                .or(l.first())
        });
        let user = user.ok_or_else(|| Failure::BadAnswer(format!("no Jira user `{login}`")))?;
        let id = checked_id(&text_of(user.get("accountId")).unwrap_or_default())?;
        let name = text_of(user.get("displayName")).unwrap_or_else(|| login.to_string());
        Ok(Person { id, name })
    }

    fn has_note(&self, http: &dyn Transport, ticket: &Ticket, marker: &str) -> Result<bool, Failure> {
        // Newest first; a retry follows the first attempt closely, so one page is enough.
        let path = format!("/rest/api/3/issue/{}/comment?orderBy=-created&maxResults=100", ticket.record);
        let r = send_ok(http, &get(path), error_message)?;
        // The marker is plain text inside the comment's body, whatever its format.
        Ok(String::from_utf8_lossy(&r.body).contains(marker))
    }

    fn attach(
        &self,
        http: &dyn Transport,
        ticket: &Ticket,
        name: &str,
        bytes: &[u8],
        _: &Note,
    ) -> Result<bool, Failure> {
        let boundary = format!("passkey-triage-boundary-{:08x}", crate::session::id_nonce());
        let mut body = Vec::with_capacity(bytes.len() + 256);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/json\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request {
            method: Method::Post,
            path: format!("/rest/api/3/issue/{}/attachments", ticket.record),
            headers: vec![("X-Atlassian-Token", "no-check".into())],
            body: None,
        };
        let content_type = format!("multipart/form-data; boundary={boundary}");
        send_bytes_ok(http, &request, &content_type, &body, error_message).map(|_| false)
    }

    fn to_group(&self, http: &dyn Transport, ticket: &Ticket) -> Result<(), Failure> {
        self.labels(http, ticket, "add")?;
        self.assignee(http, ticket, None)
    }

    fn assign(&self, http: &dyn Transport, ticket: &Ticket, person: &Person) -> Result<(), Failure> {
        self.assignee(http, ticket, Some(&person.id))
    }

    fn first_assignment_since(&self, http: &dyn Transport, before: &Ticket) -> Result<Option<Person>, Failure> {
        let Some(since) = time_of(&before.version) else { return Ok(None) };
        // Oldest first, in pages; a ticket's history is short, and only its end matters.
        let mut start = 0usize;
        for _ in 0..20 {
            let path = format!("/rest/api/3/issue/{}/changelog?startAt={start}&maxResults=100", before.record);
            let v = json_of(&send_ok(http, &get(path), error_message)?)?;
            let values = v.get("values").and_then(Value::as_array).cloned().unwrap_or_default();
            for entry in &values {
                if text_of(entry.get("created")).and_then(|t| time_of(&t)).is_none_or(|t| t <= since) {
                    continue;
                }
                let items = entry.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
                if let Some(item) = items.iter().find(|i| text_of(i.get("fieldId")).as_deref() == Some("assignee")) {
                    let Some(id) = text_of(item.get("to")) else { continue };
                    let name = text_of(item.get("toString")).unwrap_or(id.clone());
                    return Ok(Some(Person { id, name }));
                }
            }
            let last = v.get("isLast").and_then(Value::as_bool).unwrap_or(true);
            if last || values.is_empty() {
                break;
            }
            start += values.len();
        }
        Ok(None)
    }

    fn release(&self, http: &dyn Transport, ticket: &Ticket, release: &Release) -> Result<(), Failure> {
        match release {
            Release::None => Ok(()),
            Release::Resolve => {
                let path = format!("/rest/api/3/issue/{}/transitions", ticket.record);
                let v = json_of(&send_ok(http, &get(path.clone()), error_message)?)?;
                let done = v.get("transitions").and_then(Value::as_array).and_then(|ts| {
                    ts.iter().find(|t| {
                        t.get("to").and_then(|to| to.get("statusCategory")).and_then(|c| c.get("key"))
                            == Some(&Value::from("done"))
                    })
                });
                let id = done.and_then(|t| text_of(t.get("id"))).ok_or_else(|| {
                    Failure::BadAnswer("no transition to a Done status is open to these credentials".into())
                })?;
                send_ok(http, &with_json(Method::Post, path, json!({ "transition": { "id": id } })), error_message)
                    .map(|_| ())
            }
            // Another queue's label: the tier-2 label goes, that one comes.
            Release::Group(label) => {
                let body = json!({ "update": { "labels": [ { "remove": self.label }, { "add": label } ] } });
                send_ok(
                    http,
                    &with_json(Method::Put, format!("/rest/api/3/issue/{}", ticket.record), body),
                    error_message,
                )?;
                self.assignee(http, ticket, None)
            }
        }
    }

    fn page(&self, http: &dyn Transport, all: bool, cursor: Option<&str>) -> Result<Page, Failure> {
        let open = if all { "" } else { " AND statusCategory != Done" };
        let jql = format!("labels = \"{}\"{open} ORDER BY created ASC", self.label.replace('"', ""));
        let mut path =
            format!("/rest/api/3/search/jql?jql={}&fields={FIELDS}&maxResults={PAGE_SIZE}", encode_component(&jql));
        if let Some(c) = cursor {
            path.push_str(&format!("&nextPageToken={}", encode_component(c)));
        }
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let issues = v
            .get("issues")
            .and_then(Value::as_array)
            .ok_or_else(|| Failure::BadAnswer("no `issues` list in the search answer".into()))?;
        let tickets = issues.iter().map(|i| self.issue(i)).collect::<Result<Vec<_>, _>>()?;
        // The last page may carry no token at all, or `isLast`.
        let last = v.get("isLast").and_then(Value::as_bool).unwrap_or(false);
        let next = text_of(v.get("nextPageToken")).filter(|t| !t.is_empty() && !last);
        Ok(Page { tickets, next })
    }
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
        parts.extend(map.iter().filter_map(|(k, m)| m.as_str().map(|m| format!("{k}: {m}"))));
    }
    short_message(&parts.join("; "))
}
