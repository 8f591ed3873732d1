//! Claims: who works on a queued package. Each claim is a NEW file
//! `claims/<id>.<n>` (`n` = 1, 2, …) created exclusively; the highest `n` holds the package.
//! Taking over creates `n + 1`, so two agents racing for a package can't both win (one
//! `create_new` fails), nothing is ever overwritten, and the files are the package's history.
//! No locks: SMB shares break them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::fs::create_exclusive;

/// One claim file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub agent: String,
    pub at: DateTime<Utc>,
    /// The holder this claim took the package from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_over_from: Option<String>,
}

/// The current claim on a package: the file with the highest number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub seq: u64,
    pub file: PathBuf,
    /// None while the file is being written (or if it is damaged): someone holds it anyway.
    pub claim: Option<Claim>,
    /// The file's modification time, for a claim that can't be read.
    pub modified: Option<DateTime<Utc>>,
}

impl Holder {
    /// Who, for messages.
    pub fn agent(&self) -> &str {
        self.claim.as_ref().map_or("someone (their claim is being written or damaged)", |c| c.agent.as_str())
    }

    /// Since when.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.claim.as_ref().map(|c| c.at).or(self.modified)
    }

    /// Is this claim `agent`'s? Names compare without regard to case or surrounding spaces.
    pub fn is(&self, agent: &str) -> bool {
        self.claim.as_ref().is_some_and(|c| same_agent(&c.agent, agent))
    }
}

pub fn same_agent(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The holder of `id`'s package in `claims_dir`, if anyone claimed it.
pub fn holder(claims_dir: &Path, id: &str) -> Option<Holder> {
    let prefix = format!("{id}.");
    // A `claims/` that is a link is not read (claiming through it is refused too).
    if !std::fs::symlink_metadata(claims_dir).is_ok_and(|m| m.file_type().is_dir()) {
        return None;
    }
    let entries = std::fs::read_dir(claims_dir).ok()?;
    let best = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let seq = name.to_str()?.strip_prefix(&prefix)?.parse::<u64>().ok()?;
            Some((seq, e.path()))
        })
        .max_by_key(|(seq, _)| *seq)?;
    let (seq, file) = best;
    let bytes = super::read_small(&file).ok();
    let claim = bytes.and_then(|b| serde_json::from_slice::<Claim>(&b).ok());
    let modified = std::fs::symlink_metadata(&file).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from);
    Some(Holder { seq, file, claim, modified })
}

/// What a claim attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// A new claim file is ours.
    New(Holder),
    /// We held it already.
    Already(Holder),
}

/// Why a claim failed.
#[derive(Debug)]
pub enum ClaimError {
    /// Someone else holds it (and no take-over was asked).
    Held(Holder),
    Io(PathBuf, std::io::Error),
    /// `claims/` is a link or not a folder: nothing is written through it.
    NotFollowed(PathBuf, &'static str),
}

/// Claims `id` for `agent`: a new claim unless `agent` holds it already; someone else's claim is
/// [`ClaimError::Held`] unless `take_over`. Races are settled by the exclusive create: the
/// loser reads the winner's claim and decides again.
pub fn claim(
    claims_dir: &Path,
    id: &str,
    agent: &str,
    take_over: bool,
    now: DateTime<Utc>,
) -> Result<Claimed, ClaimError> {
    super::fs::real_dir(claims_dir).map_err(|e| match std::fs::symlink_metadata(claims_dir) {
        Ok(m) if !m.file_type().is_dir() => {
            ClaimError::NotFollowed(claims_dir.to_path_buf(), super::fs::kind_of(m.file_type()))
        }
        _ => ClaimError::Io(claims_dir.to_path_buf(), e),
    })?;
    // A few rounds: each lost race means someone else just claimed, which is then decided on.
    for _ in 0..8 {
        let current = holder(claims_dir, id);
        let took_over_from = match &current {
            Some(h) if h.is(agent) => return Ok(Claimed::Already(h.clone())),
            Some(h) if !take_over => return Err(ClaimError::Held(h.clone())),
            Some(h) => Some(h.agent().to_string()),
            None => None,
        };
        let seq = current.as_ref().map_or(Some(1), |h| h.seq.checked_add(1));
        let Some(seq) = seq else {
            return Err(ClaimError::Io(claims_dir.to_path_buf(), std::io::Error::other("claim numbers exhausted")));
        };
        let file = claims_dir.join(format!("{id}.{seq}"));
        let claim = Claim { agent: agent.trim().to_string(), at: now, took_over_from };
        let json = serde_json::to_vec(&claim).map_err(|e| ClaimError::Io(file.clone(), std::io::Error::other(e)))?;
        match create_exclusive(&file, &json) {
            Ok(()) => return Ok(Claimed::New(Holder { seq, file, claim: Some(claim), modified: Some(now) })),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(ClaimError::Io(file, e)),
        }
    }
    match holder(claims_dir, id) {
        Some(h) if h.is(agent) => Ok(Claimed::Already(h)),
        Some(h) => Err(ClaimError::Held(h)),
        None => Err(ClaimError::Io(claims_dir.to_path_buf(), std::io::Error::other("could not create a claim"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn claim_refuse_take_over() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("claims");
        let id = "20260120T090000Z-0001";
        assert!(holder(&dir, id).is_none());
        let first = claim(&dir, id, "Ana", false, t("2026-01-21T10:00:00Z"));
        assert!(matches!(first, Ok(Claimed::New(ref h)) if h.seq == 1));
        // Ana again: she holds it already, whatever the case of her name.
        assert!(matches!(claim(&dir, id, " ana ", false, t("2026-01-21T10:05:00Z")), Ok(Claimed::Already(_))));
        match claim(&dir, id, "Bo", false, t("2026-01-21T11:00:00Z")) {
            Err(ClaimError::Held(h)) => {
                assert_eq!(h.agent(), "Ana");
                assert_eq!(h.since(), Some(t("2026-01-21T10:00:00Z")));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let taken = claim(&dir, id, "Bo", true, t("2026-01-21T11:00:00Z"));
        match taken {
            Ok(Claimed::New(h)) => {
                assert_eq!(h.seq, 2);
                assert_eq!(h.claim.and_then(|c| c.took_over_from).as_deref(), Some("Ana"));
            }
            other => panic!("expected a take-over, got {other:?}"),
        }
        assert_eq!(holder(&dir, id).map(|h| h.agent().to_string()).as_deref(), Some("Bo"));
        // Another package's claims don't count.
        assert!(holder(&dir, "20260120T090000Z-000").is_none());
    }

    #[test]
    fn a_claim_being_written_still_holds() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("claims");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("x.1"), b"");
        let h = holder(&dir, "x");
        assert!(h.as_ref().is_some_and(|h| h.claim.is_none() && h.since().is_some()));
        assert!(matches!(claim(&dir, "x", "Bo", false, Utc::now()), Err(ClaimError::Held(_))));
        assert!(matches!(claim(&dir, "x", "Bo", true, Utc::now()), Ok(Claimed::New(h)) if h.seq == 2));
    }
}
