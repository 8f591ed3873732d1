//! The tier-2 queue on the help desk (stub).
use super::backend::{Escalated, QueueBackend, Taken};
use super::{Entry, QueueError};
use crate::session::Session;
use crate::session::journal::CorruptFile;

pub struct TicketQueue;

impl TicketQueue {
    pub fn from_config(
        _config: &crate::config::Config,
        _file: &str,
        _env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        Err("not yet".into())
    }
}

impl QueueBackend for TicketQueue {
    fn place(&self) -> String {
        String::new()
    }
    fn escalate(&self, _s: &Session) -> Result<Escalated, QueueError> {
        Err(QueueError::Refused("x".into()))
    }
    fn list(&self, _all: bool) -> Result<(Vec<Entry>, Vec<CorruptFile>), QueueError> {
        Err(QueueError::Refused("x".into()))
    }
    fn take(
        &self,
        _q: &str,
        _a: Option<&str>,
        _t: bool,
        _n: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Taken>, QueueError> {
        Err(QueueError::Refused("x".into()))
    }
    fn finish(&self, _s: &Session) -> Option<String> {
        None
    }
    fn done(&self, _q: &str, _a: &str, _t: bool, _s: Option<&Session>) -> Result<String, QueueError> {
        Err(QueueError::Refused("x".into()))
    }
}
