//! The queue's operations, whatever holds it: a folder ([`Queue`], the default) or the help
//! desk ([`super::ticketing::TicketQueue`]). The commands (`escalate`, `queue`, `open`,
//! `queue done`) and the wizard call these and print the same lines and formats for both.

use chrono::{DateTime, Utc};

use super::{Claimed, Entry, Put, Queue, QueueError, State, absolute};
use crate::session::Session;
use crate::session::journal::CorruptFile;

/// What [`QueueBackend::escalate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escalated {
    /// Put in the queue at `place`; on a retry, `already` says which steps were done before.
    Queued { place: String, already: Vec<String> },
    /// The same package was in the queue already, nothing was written.
    AlreadyQueued { place: String },
}

/// A package tier 2 took from the queue (claimed for the agent).
#[derive(Debug, Clone)]
pub struct Taken {
    /// The tier-1 session's id.
    pub id: String,
    /// Where the package came from, for the summary.
    pub source: String,
    pub json: Vec<u8>,
    /// What the claim did, one line.
    pub note: String,
    /// The claim this take created in a folder queue (its number), withdrawn if the open fails
    /// before a tier-2 session is saved. None when the agent held it already, or on a help desk.
    pub new_claim: Option<u64>,
}

/// A tier-2 queue.
pub trait QueueBackend {
    /// Where the queue is, for messages ("folder /srv/q", "servicenow group Tier 2").
    fn place(&self) -> String;

    /// Puts `session`'s escalation package (its JSON export) in the queue; safe to run again.
    fn escalate(&self, session: &Session) -> Result<Escalated, QueueError>;

    /// The packages, oldest call first (with `all`, those tier 2 finished too); what can't be
    /// read is returned apart.
    fn list(&self, all: bool) -> Result<(Vec<Entry>, Vec<CorruptFile>), QueueError>;

    /// `open ID`: claims a queued package for `agent` and returns it. `Ok(None)`: `query` is
    /// not a package of this queue. Someone else's claim is refused, naming them, unless
    /// `take_over`.
    fn take(
        &self,
        query: &str,
        agent: Option<&str>,
        take_over: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<Taken>, QueueError>;

    /// `open` failed after [`take`](Self::take) claimed the package and before a tier-2 session
    /// was saved: the claim it created is withdrawn, so the package is free again. A help desk
    /// keeps the assignment (the agent reassigns the ticket), so it does nothing there.
    fn withdraw(&self, _taken: &Taken) -> Result<(), QueueError> {
        Ok(())
    }

    /// After a tier-2 session on `package` was saved (the id `take` claimed, or the package the
    /// session continues): when it reached an outcome that does not escalate, the package leaves
    /// the queue (with the tier-2 session beside it). The line to print; None when nothing was
    /// to be done. Never fails the command (a problem is the line).
    fn finish(&self, package: &str, tier2: &Session) -> Option<String>;

    /// `queue done ID`: tier 2 says the package is finished (with its session if there is one).
    fn done(&self, query: &str, agent: &str, take_over: bool, tier2: Option<&Session>) -> Result<String, QueueError>;
}

/// Does this tier-2 session take its package out of the queue? Only an outcome that does not
/// escalate again: an `open --print` that answered nothing new reaches tier 1's escalation
/// again, and the package stays (claimed) until tier 2 works it or says `queue done`.
pub fn finishes(session: &Session) -> bool {
    !session.is_open() && session.outcome.as_ref().is_some_and(|o| !o.escalate)
}

fn held_line(id: &str, agent: &str, claimed: &Claimed) -> String {
    match claimed {
        Claimed::New(h) => match h.claim.as_ref().and_then(|c| c.took_over_from.clone()) {
            Some(from) => format!("Took over queued package {id} from {from}; it is claimed by {agent}"),
            None => format!("Claimed queued package {id} for {agent}"),
        },
        Claimed::Already(h) => {
            let since = h.since().map(|t| format!(" since {}", t.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
            format!("Queued package {id} is claimed by you ({agent}){since}")
        }
    }
}

/// The line for a package that stays in the queue after a tier-2 session.
pub fn stays_line(id: &str, session: &Session) -> String {
    let why = if session.is_open() { "tier 2 has not reached an outcome" } else { "tier 2's outcome escalates too" };
    format!("The package {id} stays claimed in the queue ({why}); when it is handled: passkey-triage queue done {id}")
}

impl QueueBackend for Queue {
    fn place(&self) -> String {
        format!("folder: {}", absolute(self.dir()))
    }

    fn escalate(&self, session: &Session) -> Result<Escalated, QueueError> {
        let json = crate::export::json::render(session);
        Ok(match self.put(&session.id, json.as_bytes())? {
            Put::Queued(p) => Escalated::Queued { place: absolute(&p), already: Vec::new() },
            Put::AlreadyQueued(p) => Escalated::AlreadyQueued { place: absolute(&p) },
        })
    }

    fn list(&self, all: bool) -> Result<(Vec<Entry>, Vec<CorruptFile>), QueueError> {
        Queue::list(self, all)
    }

    fn take(
        &self,
        query: &str,
        agent: Option<&str>,
        take_over: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<Taken>, QueueError> {
        let Some(found) = self.find(query)? else { return Ok(None) };
        if found.state == State::Done {
            return Err(QueueError::Refused(format!(
                "{} is done: tier 2 reached an outcome; the package and the tier-2 session are in {}",
                found.id,
                self.done_dir().display()
            )));
        }
        let Some(agent) = agent else {
            return Err(QueueError::Refused(format!(
                "{} is in the tier-2 queue and is claimed by name: give --agent NAME or set agent in config.toml",
                found.id
            )));
        };
        // Read and parsed before it is claimed: a damaged package is refused without leaving
        // it held by whoever tried to open it.
        let json = super::read_package(&found.file).map_err(|source| QueueError::Io {
            path: found.file.clone(),
            what: "cannot read",
            source,
        })?;
        match crate::session::journal::parse_session(&json) {
            Err(e) => return Err(QueueError::Refused(format!("{}: {e}", found.file.display()))),
            // The file's name is the id claimed and finished: one whose content says otherwise
            // would act on another package.
            Ok(package) => {
                if let Some(reason) = super::misnamed(&found.file, &package.id) {
                    return Err(QueueError::Refused(format!("{}: {reason}", found.file.display())));
                }
            }
        }
        let claimed = self.claim(&found.id, agent, take_over, now)?;
        let held = held_line(&found.id, agent, &claimed);
        let new_claim = match &claimed {
            Claimed::New(h) => Some(h.seq),
            Claimed::Already(_) => None,
        };
        Ok(Some(Taken {
            new_claim,
            note: match &found.other_reading {
                Some(other) => format!("{held}\n{other}"),
                None => held,
            },
            id: found.id,
            source: found.file.display().to_string(),
            json,
        }))
    }

    fn withdraw(&self, taken: &Taken) -> Result<(), QueueError> {
        match taken.new_claim {
            Some(seq) => Queue::withdraw(self, &taken.id, seq),
            None => Ok(()),
        }
    }

    fn finish(&self, package: &str, session: &Session) -> Option<String> {
        if !matches!(self.state(package), Some(State::Waiting | State::Claimed)) {
            return None;
        }
        // Only the holder's session moves it: a session continuing a copy opened from elsewhere
        // (no claim), or one whose package was taken over since, leaves it to its holder.
        let holder = self.holder(package);
        let held_by_this_agent = holder.as_ref().zip(session.agent.as_deref()).is_some_and(|(h, agent)| h.is(agent));
        if !held_by_this_agent {
            let why = match &holder {
                Some(h) => format!("it is claimed by {}, not by this session's agent", h.agent()),
                None => "nobody claimed it (this session was not opened from the queue)".to_string(),
            };
            return Some(format!(
                "The package {package} stays in the queue: {why}; to finish it: passkey-triage queue done {package}"
            ));
        }
        if !finishes(session) {
            return Some(stays_line(package, session));
        }
        let json = crate::export::json::render(session);
        Some(match self.complete(package, Some(json.as_bytes())) {
            Ok(done) => format!(
                "Tier 2 reached an outcome: package {package} moved to {} with tier-2 session {} beside it ({})",
                absolute(&done.package),
                session.id,
                done.session.as_deref().map(absolute).unwrap_or_default()
            ),
            Err(e) => format!("The package {package} stays in the queue: {e}"),
        })
    }

    fn done(&self, query: &str, agent: &str, take_over: bool, tier2: Option<&Session>) -> Result<String, QueueError> {
        let found = self.find(query)?.ok_or_else(|| QueueError::NotQueued(query.to_string()))?;
        if found.state == State::Done {
            return Err(QueueError::Refused(format!("{} is done already ({})", found.id, self.done_dir().display())));
        }
        // Only the holder says it is done (or whoever takes it over); a package nobody holds
        // is claimed on the way, so the history says who finished it.
        self.claim(&found.id, agent, take_over, chrono::Utc::now())?;
        let json = tier2.map(crate::export::json::render);
        let done = self.complete(&found.id, json.as_deref().map(str::as_bytes))?;
        Ok(match (&done.session, tier2) {
            (Some(s), Some(p)) => format!(
                "Package {} is done: moved to {} with tier-2 session {} beside it ({})",
                found.id,
                absolute(&done.package),
                p.id,
                absolute(s)
            ),
            _ => format!("Package {} is done: moved to {}", found.id, absolute(&done.package)),
        })
    }
}

/// The queue config.toml names: the folder (`queue_dir`, see [`super::resolve_dir`]) or the
/// help desk of `[ticketing]`. `config_file` names the file in messages.
pub fn for_config(
    paths: &crate::paths::Paths,
    config: &crate::config::Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Box<dyn QueueBackend>, String> {
    match config.queue.backend {
        super::config::BackendKind::Folder => {
            let dir = super::resolve_dir(paths, config.queue_dir.as_deref(), |k| env(k).map(Into::into));
            Ok(Box::new(Queue::at(dir)))
        }
        super::config::BackendKind::Ticketing => {
            let file = crate::text::sanitize_line(&paths.config_file().display().to_string());
            super::ticketing::TicketQueue::from_config(config, &file, env)
                .map(|q| Box::new(q) as Box<dyn QueueBackend>)
                .map_err(|e| e.to_string())
        }
    }
}
