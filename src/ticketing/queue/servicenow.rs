//! ServiceNow: the ticket's record in `table` (by its number), its attachments (Attachment API),
//! `assignment_group` / `assigned_to` set by sys_id (groups from `sys_user_group`, people from
//! `sys_user` by `user_name`), work notes for the note, `sys_mod_count` as the version.
//!
//! - `GET /api/now/table/{table}?sysparm_query=number={n}&sysparm_display_value=all&…`
//! - `GET /api/now/attachment?sysparm_query=table_name={table}^table_sys_id={id}^file_nameSTARTSWITHpasskey-triage-`
//! - `POST /api/now/attachment/file?table_name=…&table_sys_id=…&file_name=…` (the bytes as body)
//! - `PATCH /api/now/table/{table}/{sys_id}` with `assignment_group`, `assigned_to`, `state`
//! - `GET /api/now/table/sys_journal_field?sysparm_query=element_id={id}^element=work_notes^valueLIKE{marker}`
//! - `GET /api/now/table/{table}?sysparm_query=assignment_group={g}^active=true^ORDERBYsys_created_on&sysparm_limit=100&sysparm_offset=…`

use std::cell::OnceCell;

use serde_json::{Value, json};

use super::{
    Attachment, Desk, PAGE_SIZE, PREFIX, Page, Person, Ticket, checked_id, get, json_of, send_bytes_ok, send_ok,
    text_of, time_of, with_json,
};
use crate::queue::config::Release;
use crate::ticketing::{
    Failure, Method, Note, Response, System, Transport, encode_component, json_body, short_message,
};

pub struct ServiceNowDesk {
    pub table: String,
    pub group: String,
    group_id: OnceCell<String>,
}

impl ServiceNowDesk {
    pub fn new(table: &str, group: &str) -> Self {
        Self { table: table.to_string(), group: group.to_string(), group_id: OnceCell::new() }
    }

    /// The tier-2 group's sys_id (looked up once).
    fn group_id(&self, http: &dyn Transport) -> Result<String, Failure> {
        if let Some(id) = self.group_id.get() {
            return Ok(id.clone());
        }
        let id = self.group_named(http, &self.group)?;
        Ok(self.group_id.get_or_init(|| id).clone())
    }

    fn group_named(&self, http: &dyn Transport, name: &str) -> Result<String, Failure> {
        let path = format!(
            "/api/now/table/sys_user_group?sysparm_query={}&sysparm_fields=sys_id%2Cname&sysparm_limit=1",
            encode_component(&format!("name={name}"))
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let row =
            first_row(&v)?.ok_or_else(|| Failure::BadAnswer(format!("no group named `{name}` in sys_user_group")))?;
        // The API ignores a query it can't apply and returns rows anyway: check the name.
        if text_of(row.get("name")).as_deref() != Some(name) {
            return Err(Failure::BadAnswer(format!("no group named `{name}` in sys_user_group")));
        }
        checked_id(&text_of(row.get("sys_id")).unwrap_or_default())
    }

    fn record(&self, v: &Value) -> Result<Ticket, Failure> {
        let sys_id = checked_id(&value(v, "sys_id").unwrap_or_default())?;
        let assignee = value(v, "assigned_to")
            .filter(|s| !s.is_empty())
            .map(|id| Person { name: display(v, "assigned_to").filter(|n| !n.is_empty()).unwrap_or(id.clone()), id });
        let group = value(v, "assignment_group").unwrap_or_default();
        Ok(Ticket {
            key: value(v, "number").unwrap_or_default(),
            record: sys_id,
            assignee,
            in_group: self.group_id.get().is_some_and(|g| *g == group),
            version: value(v, "sys_mod_count").unwrap_or_default(),
            attachments: Vec::new(),
        })
    }

    fn attachments(&self, http: &dyn Transport, sys_id: &str) -> Result<Vec<Attachment>, Failure> {
        let query = format!("table_name={}^table_sys_id={sys_id}^file_nameSTARTSWITH{PREFIX}", self.table);
        let path = format!(
            "/api/now/attachment?sysparm_query={}&sysparm_fields=sys_id%2Cfile_name%2Csys_created_on&sysparm_limit=100",
            encode_component(&query)
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let rows = v.get("result").and_then(Value::as_array).ok_or_else(|| no_result("attachment"))?;
        rows.iter()
            .filter_map(|r| {
                let name = text_of(r.get("file_name"))?;
                name.starts_with(PREFIX).then_some((name, r))
            })
            .map(|(name, r)| {
                let id = checked_id(&text_of(r.get("sys_id")).unwrap_or_default())?;
                let created = text_of(r.get("sys_created_on")).and_then(|t| time_of(&t));
                Ok(Attachment { name, download: format!("/api/now/attachment/{id}/file"), created })
            })
            .collect()
    }

    fn patch(&self, http: &dyn Transport, ticket: &Ticket, body: Value) -> Result<(), Failure> {
        let mut r = with_json(Method::Patch, format!("/api/now/table/{}/{}", self.table, ticket.record), body);
        r.headers.push(("X-no-response-body", "true".into()));
        send_ok(http, &r, error_message).map(|_| ())
    }

    const FIELDS: &'static str = "sys_id%2Cnumber%2Cassigned_to%2Cassignment_group%2Csys_mod_count%2Csys_created_on";
}

impl Desk for ServiceNowDesk {
    fn system(&self) -> System {
        System::ServiceNow
    }

    fn read(&self, http: &dyn Transport, key: &str) -> Result<Ticket, Failure> {
        self.group_id(http)?;
        let path = format!(
            "/api/now/table/{}?sysparm_query={}&sysparm_fields={}&sysparm_display_value=all&sysparm_limit=1",
            self.table,
            encode_component(&format!("number={key}")),
            Self::FIELDS
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let row = first_row(&v)?.ok_or(Failure::NoSuchTicket(None))?;
        let mut t = self.record(row)?;
        // The API ignores a query it can't apply and returns rows anyway: the number must match.
        if !t.key.eq_ignore_ascii_case(key) {
            return Err(Failure::NoSuchTicket(None));
        }
        t.attachments = self.attachments(http, &t.record)?;
        Ok(t)
    }

    fn person(&self, http: &dyn Transport, login: &str) -> Result<Person, Failure> {
        let path = format!(
            "/api/now/table/sys_user?sysparm_query={}&sysparm_fields=sys_id%2Cuser_name%2Cname&sysparm_limit=1",
            encode_component(&format!("user_name={login}"))
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let row = first_row(&v)?.filter(|r| text_of(r.get("user_name")).is_some_and(|u| u.eq_ignore_ascii_case(login)));
        let row = row.ok_or_else(|| Failure::BadAnswer(format!("no user `{login}` in sys_user")))?;
        let id = checked_id(&text_of(row.get("sys_id")).unwrap_or_default())?;
        let name = text_of(row.get("name")).filter(|n| !n.is_empty()).unwrap_or_else(|| login.to_string());
        Ok(Person { id, name })
    }

    fn has_note(&self, http: &dyn Transport, ticket: &Ticket, marker: &str) -> Result<bool, Failure> {
        let query = format!("element_id={}^element=work_notes^valueLIKE{marker}", ticket.record);
        let path = format!(
            "/api/now/table/sys_journal_field?sysparm_query={}&sysparm_fields=sys_id%2Cvalue&sysparm_limit=1",
            encode_component(&query)
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        // Checked here too: an ignored condition would return any note.
        Ok(v.get("result")
            .and_then(Value::as_array)
            .is_some_and(|rows| rows.iter().any(|r| text_of(r.get("value")).is_some_and(|t| t.contains(marker)))))
    }

    fn attach(
        &self,
        http: &dyn Transport,
        ticket: &Ticket,
        name: &str,
        bytes: &[u8],
        _: &Note,
    ) -> Result<bool, Failure> {
        let path = format!(
            "/api/now/attachment/file?table_name={}&table_sys_id={}&file_name={}",
            self.table,
            ticket.record,
            encode_component(name)
        );
        let r = get(path);
        let r = crate::ticketing::Request { method: Method::Post, ..r };
        send_bytes_ok(http, &r, "application/json", bytes, error_message).map(|_| false)
    }

    fn to_group(&self, http: &dyn Transport, ticket: &Ticket) -> Result<(), Failure> {
        let group = self.group_id(http)?;
        self.patch(http, ticket, json!({ "assignment_group": group, "assigned_to": "" }))
    }

    fn assign(&self, http: &dyn Transport, ticket: &Ticket, person: &Person) -> Result<(), Failure> {
        // The claim is recorded in the same write, so an agent whose write overwrote this one
        // can find whom to give the ticket back to (`other_claimant`).
        let note = format!("{CLAIM_MARKER} {} ({})]", crate::text::sanitize_line(&person.name), person.id);
        self.patch(http, ticket, json!({ "assigned_to": person.id, "work_notes": note }))
    }

    fn other_claimant(&self, http: &dyn Transport, ticket: &Ticket, me: &Person) -> Result<Option<Person>, Failure> {
        let query = format!(
            "element_id={}^element=work_notes^valueSTARTSWITH{CLAIM_MARKER}^ORDERBYDESCsys_created_on",
            ticket.record
        );
        let path = format!(
            "/api/now/table/sys_journal_field?sysparm_query={}&sysparm_fields=value&sysparm_limit=10",
            encode_component(&query)
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let rows = v.get("result").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok(rows.iter().filter_map(|r| claimant(&text_of(r.get("value"))?)).find(|p| p.id != me.id))
    }

    fn release(&self, http: &dyn Transport, ticket: &Ticket, release: &Release) -> Result<(), Failure> {
        match release {
            Release::None => Ok(()),
            // 6 = Resolved in the incident table.
            Release::Resolve => self.patch(http, ticket, json!({ "state": "6" })),
            Release::Group(name) => {
                let group = self.group_named(http, name)?;
                self.patch(http, ticket, json!({ "assignment_group": group, "assigned_to": "" }))
            }
        }
    }

    fn page(&self, http: &dyn Transport, all: bool, cursor: Option<&str>) -> Result<Page, Failure> {
        let group = self.group_id(http)?;
        let offset: usize = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
        let active = if all { "" } else { "^active=true" };
        let query = format!("assignment_group={group}{active}^ORDERBYsys_created_on");
        let path = format!(
            "/api/now/table/{}?sysparm_query={}&sysparm_fields={}&sysparm_display_value=all&sysparm_limit={PAGE_SIZE}&sysparm_offset={offset}",
            self.table,
            encode_component(&query),
            Self::FIELDS
        );
        let v = json_of(&send_ok(http, &get(path), error_message)?)?;
        let rows = v.get("result").and_then(Value::as_array).ok_or_else(|| no_result("ticket"))?;
        let mut tickets = Vec::with_capacity(rows.len());
        for row in rows {
            let mut t = self.record(row)?;
            t.in_group = true;
            t.attachments = self.attachments(http, &t.record)?;
            tickets.push(t);
        }
        let next = (rows.len() >= PAGE_SIZE).then(|| (offset + rows.len()).to_string());
        Ok(Page { tickets, next })
    }
}

/// How a claim's work note starts: `[passkey-triage claim by NAME (SYS_ID)]`.
const CLAIM_MARKER: &str = "[passkey-triage claim by";

/// The person a claim note names.
fn claimant(note: &str) -> Option<Person> {
    let rest = note.trim().strip_prefix(CLAIM_MARKER)?.strip_suffix(")]")?;
    let (name, id) = rest.rsplit_once(" (")?;
    Some(Person { id: checked_id(id).ok()?, name: name.trim().to_string() })
}

fn no_result(what: &str) -> Failure {
    Failure::BadAnswer(format!("no `result` list in the {what} answer"))
}

fn first_row(v: &Value) -> Result<Option<&Value>, Failure> {
    let rows = v.get("result").and_then(Value::as_array).ok_or_else(|| no_result("search"))?;
    Ok(rows.first())
}

/// A field's value, plain or as `sysparm_display_value=all` gives it (`{value, display_value}`).
fn value(row: &Value, field: &str) -> Option<String> {
    let f = row.get(field)?;
    text_of(f.get("value")).or_else(|| text_of(Some(f)))
}

fn display(row: &Value, field: &str) -> Option<String> {
    text_of(row.get(field)?.get("display_value"))
}

/// `{"error": {"message": "...", "detail": "..."}}`.
pub fn error_message(r: &Response) -> Option<String> {
    let v = json_body(r)?;
    let e = v.get("error")?;
    let msg = e.get("message").and_then(|m| m.as_str()).unwrap_or_default();
    let detail = e.get("detail").and_then(|m| m.as_str()).unwrap_or_default();
    short_message(&if detail.is_empty() { msg.to_string() } else { format!("{msg}: {detail}") })
}
