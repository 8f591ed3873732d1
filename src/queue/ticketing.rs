//! The tier-2 queue on the help desk (`[queue] backend = "ticketing"`): an escalation is the
//! ticket itself, with the package attached (`passkey-triage-<id>.json`), an internal note and
//! the ticket reassigned to the tier-2 group; a claim is the ticket assigned to the tier-2
//! agent; done is tier 2's session attached beside the package (`passkey-triage-<id>.tier2.json`)
//! and the ticket released as config.toml says. Every step looks before it writes, so a retry
//! (after a dropped connection, a timeout) repeats nothing: the attachment by its name, the
//! note by a marker in its text. The requests are each system's [`Desk`].

use chrono::{DateTime, Utc};

use super::backend::{Escalated, QueueBackend, Taken, finishes, stays_line};
use super::config::Release;
use super::{Entry, QueueError, State};
use crate::config::Config;
use crate::export::{Format, Options, render_with};
use crate::session::Session;
use crate::session::digest::Digest;
use crate::session::journal::CorruptFile;
use crate::text::sanitize_line;
use crate::ticketing::config::Settings;
use crate::ticketing::http::HttpTransport;
use crate::ticketing::queue::{Desk, PREFIX, Ticket};
use crate::ticketing::{Failure, Note, System, Transport, system_for};

/// The help desk as the tier-2 queue.
pub struct TicketQueue {
    settings: Settings,
    http: Box<dyn Transport>,
    desk: Box<dyn Desk>,
    group: String,
    release: Release,
    redact: bool,
}

/// The package's attachment name.
fn package_name(id: &str) -> String {
    format!("{PREFIX}{id}.json")
}

/// Tier 2's session on package `id`.
fn tier2_name(id: &str) -> String {
    format!("{PREFIX}{id}.tier2.json")
}

impl TicketQueue {
    /// From config.toml: `[queue] tier2_group` and the `[ticketing]` settings (which may run
    /// the credential command).
    pub fn from_config(config: &Config, file: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let group = config
            .queue
            .tier2_group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .ok_or_else(|| format!("[queue] backend = \"ticketing\" needs tier2_group = \"NAME\" in {file}"))?
            .to_string();
        let settings = Settings::resolve(&config.ticketing, None, None, file, env).map_err(|e| e.to_string())?;
        let http = HttpTransport::new(&settings).map_err(|e| format!("{}: {e}", settings.system))?;
        let desk: Box<dyn Desk> = match settings.system {
            System::ServiceNow => {
                Box::new(crate::ticketing::queue::servicenow::ServiceNowDesk::new(&settings.servicenow_table, &group))
            }
            System::Jira => {
                let label = config.queue.jira_label.clone().unwrap_or_else(|| group.replace(char::is_whitespace, "-"));
                Box::new(crate::ticketing::queue::jira::JiraDesk { label })
            }
            System::Zendesk => {
                Box::new(crate::ticketing::queue::zendesk::ZendeskDesk::new(&group, settings.url.as_str()))
            }
        };
        Ok(Self {
            settings,
            http: Box::new(http),
            desk,
            group,
            release: config.queue.release.clone(),
            redact: config.redact,
        })
    }

    fn system(&self) -> System {
        self.desk.system()
    }

    /// One line naming the system and ticket, with any form of the secret replaced.
    fn fail(&self, ticket: &str, failure: &Failure) -> QueueError {
        let line = format!("{} {}: {failure}", self.system(), sanitize_line(ticket));
        QueueError::Refused(self.settings.auth.scrub_message(&line))
    }

    fn read(&self, ticket: &str) -> Result<Ticket, QueueError> {
        self.system().check_ticket(ticket).map_err(|f| self.fail(ticket, &f))?;
        self.desk.read(self.http.as_ref(), ticket).map_err(|f| self.fail(ticket, &f))
    }

    fn download(&self, ticket: &Ticket, name: &str) -> Result<Vec<u8>, Failure> {
        let a = ticket
            .attachments
            .iter()
            .filter(|a| a.name == name)
            .max_by_key(|a| a.created)
            .ok_or_else(|| Failure::BadAnswer(format!("no attachment {name}")))?;
        let r = crate::ticketing::queue::send_ok(
            self.http.as_ref(),
            &crate::ticketing::queue::get(a.download.clone()),
            |_| None,
        )?;
        Ok(r.body)
    }

    fn json(&self, session: &Session) -> String {
        render_with(session, Format::Json, Options { redact: self.redact }, None)
    }

    /// The note, ending with `marker` (how a retry finds it).
    fn note(&self, session: &Session, marker: &str) -> Note {
        let text = render_with(session, self.settings.format.export_format(), Options { redact: self.redact }, None);
        Note { text: format!("{}\n\n{marker}\n", text.trim_end()), format: self.settings.format }
    }

    /// Posts `note` unless a note with `marker` is there already (then false).
    fn post_once(&self, ticket: &Ticket, note: &Note, marker: &str) -> Result<bool, QueueError> {
        let http = self.http.as_ref();
        if self.desk.has_note(http, ticket, marker).map_err(|f| self.fail(&ticket.key, &f))? {
            return Ok(false);
        }
        crate::ticketing::post(system_for(&self.settings).as_ref(), http, &ticket.key, note)
            .map_err(|e| self.fail(&ticket.key, &e.failure))?;
        Ok(true)
    }

    /// Tier 2's part: its session (or a record of who said done) attached beside the package,
    /// the note, the release. Each step skipped when a retry finds it done.
    fn complete(
        &self,
        ticket: &Ticket,
        package: &str,
        tier2: Option<&Session>,
        agent: &str,
    ) -> Result<String, QueueError> {
        let http = self.http.as_ref();
        let name = tier2_name(package);
        let (json, marker, note) = match tier2 {
            Some(s) => {
                let marker = format!("[passkey-triage tier 2 {}]", s.id);
                let note = self.note(s, &marker);
                (self.json(s), marker, note)
            }
            None => {
                let marker = format!("[passkey-triage done {package}]");
                let record =
                    serde_json::json!({ "format": 1, "done": { "package": package, "by": agent, "at": Utc::now() } });
                let text = format!("Tier 2 ({agent}) is done with escalation package {package}.\n\n{marker}\n");
                (record.to_string(), marker, Note { text: sanitize_line_keep(&text), format: self.settings.format })
            }
        };
        let mut noted = false;
        if !ticket.has(&name) {
            noted = self
                .desk
                .attach(http, ticket, &name, json.as_bytes(), &note)
                .map_err(|f| self.fail(&ticket.key, &f))?;
        }
        if !noted {
            self.post_once(ticket, &note, &marker)?;
        }
        self.desk.release(http, ticket, &self.release).map_err(|f| self.fail(&ticket.key, &f))?;
        let released = match &self.release {
            Release::None => String::new(),
            Release::Resolve => ", resolved".into(),
            Release::Group(g) => format!(", handed to {g}"),
        };
        Ok(format!("{} {}: tier-2 record attached as {name}, note posted{released}", self.system(), ticket.key))
    }

    fn holder_refusal(&self, ticket: &str, holder: &str) -> QueueError {
        QueueError::Refused(format!(
            "{} is claimed by {}; add --take-over to take it over",
            sanitize_line(ticket),
            sanitize_line(holder)
        ))
    }
}

/// Note text from our own words: control characters out, lines kept.
fn sanitize_line_keep(s: &str) -> String {
    s.lines().map(sanitize_line).collect::<Vec<_>>().join("\n")
}

impl QueueBackend for TicketQueue {
    fn place(&self) -> String {
        format!("{} group {}", self.system(), self.group)
    }

    fn escalate(&self, session: &Session) -> Result<Escalated, QueueError> {
        let ticket = session.ticket.as_deref().map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
            QueueError::Refused(format!(
                "session {} has no ticket: the help-desk queue escalates a ticket (start the call with --ticket)",
                session.id
            ))
        })?;
        let http = self.http.as_ref();
        let t = self.read(ticket)?;
        if t.has(&tier2_name(&session.id)) {
            return Err(QueueError::Refused(format!(
                "session {} was escalated before and tier 2 has finished it ({} {ticket})",
                session.id,
                self.system()
            )));
        }
        let marker = format!("[passkey-triage escalation {}]", session.id);
        let note = self.note(session, &marker);
        let name = package_name(&session.id);
        let mut already = Vec::new();
        let mut noted = false;
        let json = self.json(session);
        if t.has(&name) {
            // The same package again is a retry; a different one (the session changed since) is
            // not attached beside it: tier 2 works from the first, as with the folder.
            let attached = self.download(&t, &name).map_err(|f| self.fail(ticket, &f))?;
            if attached != json.as_bytes() {
                return Err(QueueError::Refused(format!(
                    "{} {ticket}: a different package of session {} is attached already ({name}); it is not replaced (tier 2 works from it)",
                    self.system(),
                    session.id
                )));
            }
            already.push(format!("package attached as {name}"));
        } else {
            noted = self.desk.attach(http, &t, &name, json.as_bytes(), &note).map_err(|f| self.fail(ticket, &f))?;
        }
        if !noted && !self.post_once(&t, &note, &marker)? {
            already.push("note posted".to_string());
        }
        if t.in_group {
            already.push(format!("with group {}", self.group));
        } else {
            self.desk.to_group(http, &t).map_err(|f| self.fail(ticket, &f))?;
        }
        let place = format!("{} {}, group {}", self.system(), t.key, self.group);
        Ok(if already.len() == 3 { Escalated::AlreadyQueued { place } } else { Escalated::Queued { place, already } })
    }

    fn list(&self, all: bool) -> Result<(Vec<Entry>, Vec<CorruptFile>), QueueError> {
        let http = self.http.as_ref();
        let mut entries = Vec::new();
        let mut corrupt = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..crate::ticketing::queue::MAX_PAGES {
            let page = self
                .desk
                .page(http, all, cursor.as_deref())
                .map_err(|f| self.fail(&format!("group {}", self.group), &f))?;
            for t in &page.tickets {
                let Some((id, attachment)) = t.package() else { continue };
                let done = t.has(&tier2_name(&id));
                if done && !all {
                    continue;
                }
                let file = format!("{} {}: {}", self.system(), t.key, attachment.name);
                let bytes = match self.download(t, &attachment.name) {
                    Ok(b) => b,
                    Err(f) => {
                        corrupt.push(CorruptFile { path: file.into(), reason: f.to_string() });
                        continue;
                    }
                };
                let d = match Digest::parse(&bytes) {
                    Ok(d) => d,
                    Err(reason) => {
                        corrupt.push(CorruptFile { path: file.into(), reason });
                        continue;
                    }
                };
                let tier2_class = if done {
                    self.download(t, &tier2_name(&id))
                        .ok()
                        .and_then(|b| Digest::parse(&b).ok().and_then(|d| d.class().map(str::to_string)))
                } else {
                    None
                };
                let state = match (done, &t.assignee) {
                    (true, _) => State::Done,
                    (false, Some(_)) => State::Claimed,
                    (false, None) => State::Waiting,
                };
                entries.push(Entry {
                    id: d.id.to_string(),
                    ticket: Some(t.key.clone()),
                    user: d.user.as_ref().map(|u| u.to_string()),
                    agent: d.agent.as_ref().map(|a| a.to_string()),
                    class: d.class().map(str::to_string),
                    status: d.status.to_string(),
                    state,
                    open_checks: d.open_checks(),
                    started: d.started_at,
                    claimed_by: t.assignee.as_ref().filter(|_| !done).map(|p| p.name.clone()),
                    claimed_at: None,
                    file,
                    tier2_session: done.then(|| format!("{} {}: {}", self.system(), t.key, tier2_name(&id))),
                    tier2_class,
                });
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        entries.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.id.cmp(&b.id)));
        Ok((entries, corrupt))
    }

    fn take(
        &self,
        query: &str,
        agent: Option<&str>,
        take_over: bool,
        _now: DateTime<Utc>,
    ) -> Result<Option<Taken>, QueueError> {
        let ticket = query.trim();
        // Not a ticket of this system: `open` reads it as a file, as always.
        if self.system().check_ticket(ticket).is_err() || std::path::Path::new(ticket).is_file() {
            return Ok(None);
        }
        let http = self.http.as_ref();
        let t = self.read(ticket)?;
        let Some((id, attachment)) = t.package() else {
            return Err(QueueError::Refused(format!("{} {ticket} carries no escalation package", self.system())));
        };
        let name = attachment.name.clone();
        if t.has(&tier2_name(&id)) {
            return Err(QueueError::Refused(format!(
                "{ticket} is done: tier 2 reached an outcome on package {id} ({} is attached)",
                tier2_name(&id)
            )));
        }
        let Some(agent) = agent else {
            return Err(QueueError::Refused(format!(
                "{ticket} is in the tier-2 queue and is claimed by name: give --agent NAME (your {} user) or set agent in config.toml",
                self.system()
            )));
        };
        let me = self.desk.person(http, agent).map_err(|f| self.fail(ticket, &f))?;
        let note = match &t.assignee {
            Some(p) if p.id == me.id => {
                format!("Queued package {id} ({} {ticket}) is claimed by you ({agent})", self.system())
            }
            Some(p) if !take_over => return Err(self.holder_refusal(ticket, &p.name)),
            holder => {
                let from = holder.as_ref().map(|p| p.name.clone());
                match self.desk.assign(http, &t, &me) {
                    Ok(()) => {}
                    // Zendesk's safe update: someone wrote since we read; read again below.
                    Err(Failure::Rejected { status: 409, .. }) => {}
                    Err(f) => return Err(self.fail(ticket, &f)),
                }
                // Read again: of two agents writing at once, only one wins. Where the desk keeps
                // the history, the first claim after our read wins (one who overwrote it gives
                // it back); elsewhere the one the ticket shows, and on ServiceNow only when no
                // other write came between (it counts them).
                let after = self.read(ticket)?;
                match self.desk.first_assignment_since(http, &t).map_err(|f| self.fail(ticket, &f))? {
                    Some(w) if w.id == me.id => {}
                    Some(w) => {
                        if after.assignee.as_ref().is_some_and(|p| p.id == me.id) {
                            let _ = self.desk.assign(http, &after, &w);
                        }
                        return Err(self.holder_refusal(ticket, &w.name));
                    }
                    None => {
                        // ServiceNow counts writes: more than ours means another came between.
                        let ours = t.version.parse::<u64>().ok().map(|v| v + 1);
                        let jumped = self.system() == System::ServiceNow
                            && ours.is_some()
                            && after.version.parse::<u64>().ok() != ours;
                        let again = || {
                            QueueError::Refused(format!(
                                "{ticket}: another agent claimed it at the same moment; run open again to see who holds it"
                            ))
                        };
                        match &after.assignee {
                            Some(p) if p.id == me.id && !jumped => {}
                            // Ours overwrote a claim made after our read: it goes back to them.
                            Some(p) if p.id == me.id => {
                                let other =
                                    self.desk.other_claimant(http, &after, &me).map_err(|f| self.fail(ticket, &f))?;
                                return Err(match other {
                                    Some(o) => {
                                        self.desk.assign(http, &after, &o).map_err(|f| self.fail(ticket, &f))?;
                                        self.holder_refusal(ticket, &o.name)
                                    }
                                    None => again(),
                                });
                            }
                            Some(_) if jumped => return Err(again()),
                            Some(p) => return Err(self.holder_refusal(ticket, &p.name)),
                            None => return Err(again()),
                        }
                    }
                }
                match from {
                    Some(f) => format!(
                        "Took over queued package {id} ({} {ticket}) from {f}; it is claimed by {agent}",
                        self.system()
                    ),
                    None => format!("Claimed queued package {id} ({} {ticket}) for {agent}", self.system()),
                }
            }
        };
        let json = self.download(&t, &name).map_err(|f| self.fail(ticket, &f))?;
        Ok(Some(Taken { id, source: format!("{} {ticket}: {name}", self.system()), json, note, new_claim: None }))
    }

    fn finish(&self, package: &str, session: &Session) -> Option<String> {
        let ticket = session.ticket.as_deref().map(str::trim).filter(|t| self.system().check_ticket(t).is_ok())?;
        let t = match self.read(ticket) {
            Ok(t) => t,
            Err(e) => return Some(format!("The package {package} stays in the queue: {e}")),
        };
        if t.package().map(|(id, _)| id).as_deref() != Some(package) || t.has(&tier2_name(package)) {
            return None;
        }
        if !finishes(session) {
            return Some(stays_line(ticket, session));
        }
        let agent = session.agent.as_deref().unwrap_or("tier 2");
        Some(match self.complete(&t, package, Some(session), agent) {
            Ok(line) => format!("Tier 2 reached an outcome: package {package} is done on {line}"),
            Err(e) => format!("The package {package} stays in the queue: {e}"),
        })
    }

    fn done(&self, query: &str, agent: &str, take_over: bool, tier2: Option<&Session>) -> Result<String, QueueError> {
        let ticket = query.trim();
        let t = self.read(ticket)?;
        let (package, _) = t.package().ok_or_else(|| QueueError::NotQueued(ticket.to_string()))?;
        if t.has(&tier2_name(&package)) {
            return Err(QueueError::Refused(format!(
                "{ticket} is done already ({} is attached)",
                tier2_name(&package)
            )));
        }
        let me = self.desk.person(self.http.as_ref(), agent).map_err(|f| self.fail(ticket, &f))?;
        if let Some(p) = &t.assignee
            && p.id != me.id
            && !take_over
        {
            return Err(self.holder_refusal(ticket, &p.name));
        }
        let tier2 = tier2.filter(|s| s.continued_from.as_deref() == Some(package.as_str()));
        let line = self.complete(&t, &package, tier2, agent)?;
        Ok(format!("Package {package} is done: {line}"))
    }
}
