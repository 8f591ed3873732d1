//! A help desk in memory behind a recording server (see `ticketing_support`): the endpoints the
//! tier-2 queue and the note posting use on ServiceNow, Jira and Zendesk, with their state
//! (tickets, assignees, groups, attachments, notes), paging, their error bodies, and switches
//! to drop a connection after a write or fail a request.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::ticketing_support::{Recorded, Reply, Server};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sys {
    ServiceNow,
    Jira,
    Zendesk,
}

impl Sys {
    pub fn name(self) -> &'static str {
        match self {
            Sys::ServiceNow => "servicenow",
            Sys::Jira => "jira",
            Sys::Zendesk => "zendesk",
        }
    }

    /// The n-th ticket's key as the system writes it.
    pub fn key(self, n: usize) -> String {
        match self {
            Sys::ServiceNow => format!("INC{:07}", 10000 + n),
            Sys::Jira => format!("HELP-{}", 100 + n),
            Sys::Zendesk => format!("{}", 4500 + n),
        }
    }
}

#[derive(Debug, Clone)]
pub struct File {
    pub id: String,
    pub name: String,
    pub bytes: Vec<u8>,
    pub seq: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Ticket {
    pub key: String,
    pub record: String,
    pub group: Option<String>,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    pub version: u64,
    pub created: u64,
    pub resolved: bool,
    pub files: Vec<File>,
    pub notes: Vec<String>,
    /// Jira: (clock, assignee id) of each assignment, oldest first.
    pub history: Vec<(u64, Option<String>)>,
    /// The clock at the last write.
    pub updated: u64,
}

/// Jira's timestamps: the emulator's clock in milliseconds after a fixed instant.
pub fn jira_time(clock: u64) -> String {
    let t = chrono::DateTime::parse_from_rfc3339("2026-01-21T10:00:00Z").expect("time")
        + chrono::Duration::milliseconds(clock as i64);
    t.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()
}

/// (id, login, display name)
pub type User = (&'static str, &'static str, &'static str);

pub const USERS: [User; 3] = [
    ("u-ana", "ana@example.com", "Ana Tier1"),
    ("u-bo", "bo@example.com", "Bo Tier2"),
    ("u-cy", "cy@example.com", "Cy Tier2"),
];
pub const GROUPS: [(&str, &str); 2] = [("g-t2", "Passkey Tier 2"), ("g-sd", "Service Desk")];

#[derive(Default)]
pub struct State {
    pub tickets: BTreeMap<String, Ticket>,
    pub seq: u64,
    pub uploads: BTreeMap<String, (String, Vec<u8>)>,
    /// Drop the connection after applying the next request whose method+path contains this.
    pub drop_after: Option<String>,
    /// Answer the next request whose method+path contains this with this reply (not applied).
    pub fail: Option<(String, Reply)>,
    pub base: String,
}

pub struct Desk {
    pub sys: Sys,
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl Desk {
    pub fn start(sys: Sys, tickets: usize, tls: bool) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        {
            let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
            for n in 0..tickets {
                s.seq += 1;
                let key = sys.key(n);
                let record = match sys {
                    Sys::ServiceNow => format!("{:032x}", n + 1),
                    _ => key.clone(),
                };
                let created = s.seq;
                s.tickets.insert(key.clone(), Ticket { key, record, created, version: 1, ..Ticket::default() });
            }
        }
        let st = Arc::clone(&state);
        let server = Server::with_handler(
            move |r: &Recorded| {
                let mut s = st.lock().unwrap_or_else(|p| p.into_inner());
                let what = format!("{} {}", r.method, r.target);
                if let Some((pat, reply)) = s.fail.clone()
                    && what.contains(&pat)
                {
                    s.fail = None;
                    return reply;
                }
                let reply = handle(sys, &mut s, r);
                if let Some(pat) = s.drop_after.clone()
                    && what.contains(&pat)
                {
                    s.drop_after = None;
                    return Reply::dropped();
                }
                reply
            },
            tls,
        );
        let base = if tls { server.https_url() } else { server.url() };
        state.lock().unwrap_or_else(|p| p.into_inner()).base = base;
        Self { sys, server, state }
    }

    pub fn url(&self) -> String {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).base.clone()
    }

    pub fn ticket(&self, key: &str) -> Ticket {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).tickets.get(key).cloned().expect("ticket")
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Percent-decoding of a query value (`+` stays `+`).
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn split(target: &str) -> (String, BTreeMap<String, String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let q = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (path.to_string(), q)
}

fn user(id: &str) -> Option<User> {
    USERS.iter().copied().find(|u| u.0 == id)
}

fn not_found(sys: Sys) -> Reply {
    match sys {
        Sys::ServiceNow => Reply::json(
            404,
            r#"{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}"#,
        ),
        Sys::Jira => Reply::json(
            404,
            r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#,
        ),
        Sys::Zendesk => Reply::json(404, r#"{"error":"RecordNotFound","description":"Not found"}"#),
    }
}

fn handle(sys: Sys, s: &mut State, r: &Recorded) -> Reply {
    let (path, q) = split(&r.target);
    match sys {
        Sys::ServiceNow => servicenow(s, r, &path, &q),
        Sys::Jira => jira(s, r, &path, &q),
        Sys::Zendesk => zendesk(s, r, &path, &q),
    }
}

// --- ServiceNow ---

fn sn_conditions(query: &str) -> Vec<(String, String, String)> {
    query
        .split('^')
        .filter(|c| !c.starts_with("ORDERBY"))
        .filter_map(|c| {
            for op in ["STARTSWITH", "LIKE", "="] {
                if let Some((f, v)) = c.split_once(op) {
                    return Some((f.to_string(), op.to_string(), v.to_string()));
                }
            }
            None
        })
        .collect()
}

fn sn_record(t: &Ticket, display: bool) -> Value {
    let f = |v: String, d: String| if display { json!({ "value": v, "display_value": d }) } else { json!(v) };
    let who = t.assignee.clone().unwrap_or_default();
    let who_name = user(&who).map(|u| u.2.to_string()).unwrap_or_default();
    let group = t.group.clone().unwrap_or_default();
    json!({
        "sys_id": f(t.record.clone(), t.record.clone()),
        "number": f(t.key.clone(), t.key.clone()),
        "assigned_to": f(who, who_name),
        "assignment_group": f(group.clone(), group),
        "sys_mod_count": f(t.version.to_string(), t.version.to_string()),
        "sys_created_on": f(format!("2026-01-20 09:{:02}:{:02}", (t.created / 60) % 60, t.created % 60), String::new()),
    })
}

fn servicenow(s: &mut State, r: &Recorded, path: &str, q: &BTreeMap<String, String>) -> Reply {
    let query = q.get("sysparm_query").cloned().unwrap_or_default();
    let conds = sn_conditions(&query);
    let cond = |f: &str| conds.iter().find(|c| c.0 == f).map(|c| c.2.clone());
    let result = |rows: Vec<Value>| Reply::json(200, &json!({ "result": rows }).to_string());
    match (r.method.as_str(), path) {
        ("GET", "/api/now/table/sys_user_group") => {
            let name = cond("name").unwrap_or_default();
            result(GROUPS.iter().filter(|g| g.1 == name).map(|g| json!({"sys_id": g.0, "name": g.1})).collect())
        }
        ("GET", "/api/now/table/sys_user") => {
            let login = cond("user_name").unwrap_or_default();
            result(
                USERS
                    .iter()
                    .filter(|u| u.1.split('@').next() == Some(login.as_str()))
                    .map(|u| json!({"sys_id": u.0, "user_name": login, "name": u.2}))
                    .collect(),
            )
        }
        ("GET", "/api/now/table/sys_journal_field") => {
            let id = cond("element_id").unwrap_or_default();
            let like = cond("value").unwrap_or_default();
            let t = s.tickets.values().find(|t| t.record == id);
            // Newest first, as ORDERBYDESCsys_created_on asks.
            result(
                t.map(|t| {
                    t.notes
                        .iter()
                        .rev()
                        .filter(|n| n.contains(&like))
                        .map(|n| json!({"sys_id": "j1", "value": n}))
                        .collect()
                })
                .unwrap_or_default(),
            )
        }
        ("GET", "/api/now/table/incident") => {
            let display = q.get("sysparm_display_value").is_some_and(|v| v == "all");
            if let Some(number) = cond("number") {
                return result(s.tickets.get(&number).map(|t| vec![sn_record(t, display)]).unwrap_or_default());
            }
            let group = cond("assignment_group").unwrap_or_default();
            let active = cond("active").is_some();
            let limit: usize = q.get("sysparm_limit").and_then(|v| v.parse().ok()).unwrap_or(10000);
            let offset: usize = q.get("sysparm_offset").and_then(|v| v.parse().ok()).unwrap_or(0);
            let mut rows: Vec<&Ticket> = s
                .tickets
                .values()
                .filter(|t| t.group.as_deref() == Some(group.as_str()) && !(active && t.resolved))
                .collect();
            rows.sort_by_key(|t| t.created);
            result(rows.into_iter().skip(offset).take(limit).map(|t| sn_record(t, display)).collect())
        }
        ("PATCH", p) if p.starts_with("/api/now/table/incident/") => {
            let id = p.rsplit('/').next().unwrap_or_default().to_string();
            let body = r.json();
            let Some(t) = s.tickets.values_mut().find(|t| t.record == id) else { return not_found(Sys::ServiceNow) };
            if let Some(n) = body.get("work_notes").and_then(Value::as_str) {
                t.notes.push(n.to_string());
            }
            if let Some(g) = body.get("assignment_group").and_then(Value::as_str) {
                t.group = Some(g.to_string());
            }
            if let Some(a) = body.get("assigned_to").and_then(Value::as_str) {
                t.assignee = (!a.is_empty()).then(|| a.to_string());
            }
            if body.get("state").and_then(Value::as_str) == Some("6") {
                t.resolved = true;
            }
            t.version += 1;
            Reply::empty(200)
        }
        ("GET", "/api/now/attachment") => {
            let id = cond("table_sys_id").unwrap_or_default();
            let prefix = cond("file_name").unwrap_or_default();
            let t = s.tickets.values().find(|t| t.record == id);
            result(
                t.map(|t| {
                    t.files
                        .iter()
                        .filter(|f| f.name.starts_with(&prefix))
                        .map(|f| json!({"sys_id": f.id, "file_name": f.name, "sys_created_on": format!("2026-01-21 10:00:{:02}", f.seq % 60)}))
                        .collect()
                })
                .unwrap_or_default(),
            )
        }
        ("POST", "/api/now/attachment/file") => {
            let id = q.get("table_sys_id").cloned().unwrap_or_default();
            let name = q.get("file_name").cloned().unwrap_or_default();
            s.seq += 1;
            let seq = s.seq;
            let Some(t) = s.tickets.values_mut().find(|t| t.record == id) else { return not_found(Sys::ServiceNow) };
            let fid = format!("a{seq:031x}");
            t.files.push(File { id: fid.clone(), name: name.clone(), bytes: r.body.clone(), seq });
            Reply::json(201, &json!({"result": {"sys_id": fid, "file_name": name}}).to_string())
        }
        ("GET", p) if p.starts_with("/api/now/attachment/") && p.ends_with("/file") => {
            let id = p.trim_start_matches("/api/now/attachment/").trim_end_matches("/file");
            match s.tickets.values().flat_map(|t| t.files.iter()).find(|f| f.id == id) {
                Some(f) => Reply::bytes(200, &f.bytes),
                None => not_found(Sys::ServiceNow),
            }
        }
        _ => Reply::json(400, r#"{"error":{"message":"Invalid request","detail":"not emulated"},"status":"failure"}"#),
    }
}

// --- Jira ---

fn jira_issue(t: &Ticket, base: &str) -> Value {
    let assignee = t.assignee.as_deref().and_then(user).map(|u| json!({"accountId": u.0, "displayName": u.2}));
    json!({
        "key": t.key,
        "fields": {
            "assignee": assignee,
            "labels": t.labels,
            "updated": jira_time(t.updated),
            "created": format!("2026-01-20T09:00:00.000+0000"),
            "attachment": t.files.iter().map(|f| json!({
                "id": f.id, "filename": f.name, "created": format!("2026-01-21T10:{:02}:{:02}.000+0000", (f.seq / 60) % 60, f.seq % 60),
                "content": format!("{base}/rest/api/3/attachment/content/{}", f.id)
            })).collect::<Vec<_>>(),
        }
    })
}

fn jira(s: &mut State, r: &Recorded, path: &str, q: &BTreeMap<String, String>) -> Reply {
    let parts: Vec<&str> = path.trim_start_matches("/rest/api/3/").split('/').collect();
    let base = s.base.clone();
    match (r.method.as_str(), parts.as_slice()) {
        ("GET", ["user", "search"]) => {
            let email = q.get("query").cloned().unwrap_or_default();
            let users: Vec<Value> = USERS
                .iter()
                .filter(|u| u.1 == email)
                .map(|u| json!({"accountId": u.0, "displayName": u.2, "emailAddress": u.1}))
                .collect();
            Reply::json(200, &Value::from(users).to_string())
        }
        ("GET", ["search", "jql"]) => {
            let jql = q.get("jql").cloned().unwrap_or_default();
            let label = jql.split('"').nth(1).unwrap_or_default().to_string();
            let open = jql.contains("statusCategory != Done");
            let max: usize = q.get("maxResults").and_then(|v| v.parse().ok()).unwrap_or(50).min(100);
            let start: usize =
                q.get("nextPageToken").and_then(|v| v.strip_prefix("tok-")).and_then(|v| v.parse().ok()).unwrap_or(0);
            let mut rows: Vec<&Ticket> =
                s.tickets.values().filter(|t| t.labels.contains(&label) && !(open && t.resolved)).collect();
            rows.sort_by_key(|t| t.created);
            let total = rows.len();
            let issues: Vec<Value> = rows.into_iter().skip(start).take(max).map(|t| jira_issue(t, &base)).collect();
            let mut body = json!({ "issues": issues, "isLast": start + max >= total });
            if start + max < total {
                body["nextPageToken"] = json!(format!("tok-{}", start + max));
            }
            Reply::json(200, &body.to_string())
        }
        ("GET", ["issue", key]) => match s.tickets.get(*key) {
            Some(t) => Reply::json(200, &jira_issue(t, &base).to_string()),
            None => not_found(Sys::Jira),
        },
        ("PUT", ["issue", key]) => {
            let body = r.json();
            let Some(t) = s.tickets.get_mut(*key) else { return not_found(Sys::Jira) };
            for op in body["update"]["labels"].as_array().cloned().unwrap_or_default() {
                if let Some(l) = op.get("add").and_then(Value::as_str)
                    && !t.labels.iter().any(|x| x == l)
                {
                    t.labels.push(l.to_string());
                }
                if let Some(l) = op.get("remove").and_then(Value::as_str) {
                    t.labels.retain(|x| x != l);
                }
            }
            t.version += 1;
            Reply::empty(204)
        }
        ("PUT", ["issue", key, "assignee"]) => {
            let body = r.json();
            s.seq += 1;
            let clock = s.seq;
            let Some(t) = s.tickets.get_mut(*key) else { return not_found(Sys::Jira) };
            t.assignee = body.get("accountId").and_then(Value::as_str).map(str::to_string);
            t.history.push((clock, t.assignee.clone()));
            t.version += 1;
            t.updated = clock;
            Reply::empty(204)
        }
        ("GET", ["issue", key, "changelog"]) => match s.tickets.get(*key) {
            Some(t) => {
                let start: usize = q.get("startAt").and_then(|v| v.parse().ok()).unwrap_or(0);
                let values: Vec<Value> = t
                    .history
                    .iter()
                    .skip(start)
                    .take(100)
                    .map(|(clock, who)| {
                        let name = who.as_deref().and_then(user).map(|u| u.2);
                        json!({"created": jira_time(*clock), "items": [{"field": "assignee", "fieldId": "assignee", "to": who, "toString": name}]})
                    })
                    .collect();
                let last = start + 100 >= t.history.len();
                Reply::json(200, &json!({"values": values, "isLast": last, "startAt": start}).to_string())
            }
            None => not_found(Sys::Jira),
        },
        ("GET", ["issue", key, "comment"]) => match s.tickets.get(*key) {
            Some(t) => {
                let comments: Vec<Value> = t.notes.iter().rev().map(|n| json!({"body": n})).collect();
                Reply::json(200, &json!({"comments": comments}).to_string())
            }
            None => not_found(Sys::Jira),
        },
        ("POST", ["issue", key, "comment"]) => {
            let body = r.json();
            let Some(t) = s.tickets.get_mut(*key) else { return not_found(Sys::Jira) };
            t.notes.push(body["body"].to_string());
            Reply::json(
                201,
                &json!({"id": "1", "self": format!("{base}/rest/api/3/issue/{key}/comment/1")}).to_string(),
            )
        }
        ("POST", ["issue", key, "attachments"]) => {
            if r.header("x-atlassian-token") != Some("no-check") {
                return Reply::json(403, r#"{"errorMessages":["XSRF check failed"]}"#);
            }
            let body = r.body.clone();
            let text = String::from_utf8_lossy(&body).into_owned();
            let name =
                text.split("filename=\"").nth(1).and_then(|x| x.split('"').next()).unwrap_or_default().to_string();
            let content =
                text.split("\r\n\r\n").nth(1).and_then(|x| x.rsplit_once("\r\n--")).map(|x| x.0).unwrap_or_default();
            s.seq += 1;
            let seq = s.seq;
            let Some(t) = s.tickets.get_mut(*key) else { return not_found(Sys::Jira) };
            let id = format!("{}", 10000 + seq);
            t.files.push(File { id: id.clone(), name: name.clone(), bytes: content.as_bytes().to_vec(), seq });
            Reply::json(200, &json!([{"id": id, "filename": name}]).to_string())
        }
        ("GET", ["attachment", "content", id]) => {
            match s.tickets.values().flat_map(|t| t.files.iter()).find(|f| f.id == *id) {
                Some(f) => Reply::bytes(200, &f.bytes),
                None => not_found(Sys::Jira),
            }
        }
        ("GET", ["issue", _key, "transitions"]) => Reply::json(
            200,
            r#"{"transitions":[{"id":"11","to":{"statusCategory":{"key":"indeterminate"}}},{"id":"31","to":{"statusCategory":{"key":"done"}}}]}"#,
        ),
        ("POST", ["issue", key, "transitions"]) => {
            let Some(t) = s.tickets.get_mut(*key) else { return not_found(Sys::Jira) };
            if r.json()["transition"]["id"] == "31" {
                t.resolved = true;
            }
            Reply::empty(204)
        }
        _ => Reply::json(400, r#"{"errorMessages":["not emulated"],"errors":{}}"#),
    }
}

// --- Zendesk ---

fn zd_ticket(t: &Ticket) -> Value {
    json!({
        "id": t.key.parse::<u64>().unwrap_or(0),
        "assignee_id": t.assignee.as_deref().map(zd_user_id),
        "group_id": t.group.as_deref().map(zd_group_id),
        "updated_at": format!("2026-01-21T10:00:{:02}Z-v{}", t.version % 60, t.version),
        "status": if t.resolved { "solved" } else { "open" },
    })
}

fn zd_user_id(id: &str) -> u64 {
    match id {
        "u-ana" => 901,
        "u-bo" => 902,
        _ => 903,
    }
}

fn zd_user_of(n: u64) -> Option<User> {
    USERS.iter().copied().find(|u| zd_user_id(u.0) == n)
}

fn zd_group_id(g: &str) -> u64 {
    if g == "g-t2" { 77 } else { 78 }
}

fn zendesk(s: &mut State, r: &Recorded, path: &str, q: &BTreeMap<String, String>) -> Reply {
    let parts: Vec<&str> = path.trim_start_matches("/api/v2/").split('/').collect();
    let base = s.base.clone();
    match (r.method.as_str(), parts.as_slice()) {
        ("GET", ["groups.json"]) => {
            let groups: Vec<Value> = GROUPS.iter().map(|g| json!({"id": zd_group_id(g.0), "name": g.1})).collect();
            Reply::json(200, &json!({"groups": groups, "meta": {"has_more": false}}).to_string())
        }
        ("GET", ["users", "search.json"]) => {
            let email = q.get("query").cloned().unwrap_or_default();
            let users: Vec<Value> = USERS
                .iter()
                .filter(|u| u.1 == email)
                .map(|u| json!({"id": zd_user_id(u.0), "email": u.1, "name": u.2}))
                .collect();
            Reply::json(200, &json!({"users": users}).to_string())
        }
        ("GET", ["users", file]) => {
            let n: u64 = file.trim_end_matches(".json").parse().unwrap_or(0);
            match zd_user_of(n) {
                Some(u) => Reply::json(200, &json!({"user": {"id": n, "name": u.2, "email": u.1}}).to_string()),
                None => not_found(Sys::Zendesk),
            }
        }
        ("GET", ["search", "export"]) => {
            let query = q.get("query").cloned().unwrap_or_default();
            let group = query.split("group:").nth(1).and_then(|x| x.split(' ').next()).unwrap_or_default().to_string();
            let open = query.contains("status<solved");
            let size: usize = q.get("page[size]").and_then(|v| v.parse().ok()).unwrap_or(100).min(1000);
            let after: usize =
                q.get("page[after]").and_then(|v| v.strip_prefix("c")).and_then(|v| v.parse().ok()).unwrap_or(0);
            let rows: Vec<&Ticket> = s
                .tickets
                .values()
                .filter(|t| t.group.as_deref().map(zd_group_id).map(|g| g.to_string()) == Some(group.clone()))
                .filter(|t| !(open && t.resolved))
                .collect();
            let total = rows.len();
            let results: Vec<Value> = rows.into_iter().skip(after).take(size).map(zd_ticket).collect();
            let more = after + size < total;
            let meta = json!({"has_more": more, "after_cursor": if more { json!(format!("c{}", after + size)) } else { Value::Null }});
            Reply::json(200, &json!({"results": results, "meta": meta}).to_string())
        }
        ("POST", ["uploads.json"]) => {
            s.seq += 1;
            let token = format!("tok{}", s.seq);
            let name = q.get("filename").cloned().unwrap_or_default();
            s.uploads.insert(token.clone(), (name, r.body.clone()));
            Reply::json(201, &json!({"upload": {"token": token}}).to_string())
        }
        ("GET", ["tickets", file]) => {
            let key = file.trim_end_matches(".json");
            match s.tickets.get(key) {
                Some(t) => Reply::json(200, &json!({"ticket": zd_ticket(t)}).to_string()),
                None => not_found(Sys::Zendesk),
            }
        }
        ("GET", ["tickets", key, "comments.json"]) => match s.tickets.get(*key) {
            Some(t) => {
                // Newest first: notes and files interleaved by their order.
                let mut comments: Vec<(u64, Value)> = t
                    .notes
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        (i as u64, json!({"body": n, "created_at": "2026-01-21T10:00:00Z", "attachments": []}))
                    })
                    .collect();
                for f in &t.files {
                    comments.push((
                        f.seq,
                        json!({"body": "", "created_at": format!("2026-01-21T10:{:02}:{:02}Z", (f.seq / 60) % 60, f.seq % 60), "attachments": [
                            {"file_name": f.name, "content_url": format!("{base}/attachments/token/{}/?name={}", f.id, f.name)}
                        ]}),
                    ));
                }
                let list: Vec<Value> = comments.into_iter().rev().map(|c| c.1).collect();
                Reply::json(200, &json!({"comments": list}).to_string())
            }
            None => not_found(Sys::Zendesk),
        },
        ("PUT", ["tickets", file]) => {
            let key = file.trim_end_matches(".json").to_string();
            let body = r.json();
            let tk = &body["ticket"];
            let uploads: Vec<(String, Vec<u8>)> = tk["comment"]["uploads"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(|t| t.as_str().and_then(|t| s.uploads.get(t).cloned()))
                .collect();
            s.seq += 1;
            let seq = s.seq;
            let Some(t) = s.tickets.get_mut(&key) else { return not_found(Sys::Zendesk) };
            if t.resolved && tk.get("status").is_none() {
                return Reply::json(
                    422,
                    r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"status":[{"description":"Status: closed prevents ticket update"}]}}"#,
                );
            }
            if tk.get("safe_update") == Some(&json!(true)) && tk["updated_stamp"] != zd_ticket(t)["updated_at"] {
                return Reply::json(
                    409,
                    r#"{"error":"UpdateConflict","description":"Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."}"#,
                );
            }
            if let Some(body) = tk["comment"]["body"].as_str() {
                t.notes.push(body.to_string());
            }
            for (i, (name, bytes)) in uploads.into_iter().enumerate() {
                t.files.push(File { id: format!("f{seq}-{i}"), name, bytes, seq });
            }
            if let Some(g) = tk.get("group_id") {
                t.group = g.as_u64().map(|g| if g == 77 { "g-t2".to_string() } else { "g-sd".to_string() });
            }
            if let Some(a) = tk.get("assignee_id") {
                t.assignee = a.as_u64().and_then(zd_user_of).map(|u| u.0.to_string());
            }
            if tk.get("status") == Some(&json!("solved")) {
                t.resolved = true;
            }
            t.version += 1;
            Reply::json(200, &json!({"ticket": zd_ticket(t)}).to_string())
        }
        _ if path.starts_with("/attachments/token/") => {
            let id = path.trim_start_matches("/attachments/token/").trim_end_matches('/');
            match s.tickets.values().flat_map(|t| t.files.iter()).find(|f| f.id == id) {
                Some(f) => Reply::bytes(200, &f.bytes),
                None => not_found(Sys::Zendesk),
            }
        }
        _ => Reply::json(400, r#"{"error":"InvalidEndpoint","description":"not emulated"}"#),
    }
}
