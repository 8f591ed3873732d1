//! Claims: who works on a queued package. Each claim is a NEW file
//! `claims/<id>.<n>` (`n` = 1, 2, …) created exclusively; the highest `n` holds the package.
//! Taking over creates `n + 1`, so two agents racing for a package can't both win (one
//! `create_new` fails), nothing is ever overwritten, and the files are the package's history
//! (moved to `done/<id>.claims` when the package is finished, see [`retire`]).
//! No locks: SMB shares break them.

use std::collections::HashMap;
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

/// A claim's file name, `<id>.<n>`: the package id and the claim number.
fn parse_claim_name(name: &str) -> Option<(&str, u64)> {
    let (id, seq) = name.rsplit_once('.')?;
    let seq = seq.parse::<u64>().ok()?;
    crate::session::is_valid_id(id).then_some((id, seq))
}

/// Is `claims_dir` a real folder (not a link)? A `claims/` that is a link is never read
/// (claiming through it is refused too).
fn is_real_dir(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_dir())
}

/// Reads claim file `seq` of a package into the holder it names.
fn read_holder(file: PathBuf, seq: u64) -> Holder {
    let bytes = super::read_small(&file).ok();
    let claim = bytes.and_then(|b| serde_json::from_slice::<Claim>(&b).ok());
    let modified = std::fs::symlink_metadata(&file).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from);
    Holder { seq, file, claim, modified }
}

/// The holder of `id`'s package in `claims_dir`, if anyone claimed it.
pub fn holder(claims_dir: &Path, id: &str) -> Option<Holder> {
    if !is_real_dir(claims_dir) {
        return None;
    }
    let entries = std::fs::read_dir(claims_dir).ok()?;
    let seq = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let (of, seq) = parse_claim_name(name.to_str()?)?;
            (of == id).then_some(seq)
        })
        .max()?;
    Some(read_holder(claims_dir.join(format!("{id}.{seq}")), seq))
}

/// Every package's newest claim number, from one read of `claims/`: listing the queue looks each
/// package up here instead of reading the folder again per package (quadratic over a busy share).
#[derive(Debug, Default)]
pub struct ClaimIndex {
    dir: PathBuf,
    newest: HashMap<String, u64>,
}

impl ClaimIndex {
    /// Reads `claims_dir` once (empty when it is missing, a link or unreadable).
    pub fn read(claims_dir: &Path) -> Self {
        let mut newest: HashMap<String, u64> = HashMap::new();
        if is_real_dir(claims_dir)
            && let Ok(entries) = std::fs::read_dir(claims_dir)
        {
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name();
                let Some((id, seq)) = name.to_str().and_then(parse_claim_name) else { continue };
                let best = newest.entry(id.to_string()).or_insert(seq);
                *best = (*best).max(seq);
            }
        }
        Self { dir: claims_dir.to_path_buf(), newest }
    }

    /// Does anyone hold `id`? (Nothing read beyond the folder listing.)
    pub fn is_claimed(&self, id: &str) -> bool {
        self.newest.contains_key(id)
    }

    /// The holder of `id`: its newest claim file, read.
    pub fn holder(&self, id: &str) -> Option<Holder> {
        let seq = *self.newest.get(id)?;
        Some(read_holder(self.dir.join(format!("{id}.{seq}")), seq))
    }
}

/// The claims of a package tier 2 finished, kept beside it in `done/` once `claims/` no longer
/// holds them (see [`retire`]).
pub fn retired_file(done_dir: &Path, id: &str) -> PathBuf {
    done_dir.join(format!("{id}.claims"))
}

/// Claim histories are a few claims of a few hundred bytes; anything larger is not one.
const MAX_HISTORY_BYTES: u64 = 1024 * 1024;

/// Who held a finished package last, from the history [`retire`] kept in `done/`.
pub fn retired_holder(done_dir: &Path, id: &str) -> Option<Holder> {
    let file = retired_file(done_dir, id);
    let bytes = super::fs::read_regular_nofollow(&file, MAX_HISTORY_BYTES).ok()?;
    let history: Vec<Claim> = serde_json::from_slice(&bytes).ok()?;
    let seq = u64::try_from(history.len()).ok()?;
    let claim = history.into_iter().last()?;
    Some(Holder { seq, file, claim: Some(claim), modified: None })
}

/// Package `id` is finished (its queued copy is gone): its claims leave `claims/` so the folder
/// doesn't grow with every package ever handled. The history is first written, whole, to
/// `done/<id>.claims`; then exactly the claim files read are deleted, inside `claims/` only
/// (never through a link). Anything unexpected (a claim still being written, a history already
/// there with other content, a link) leaves every claim where it is: cleaning up is optional.
pub fn retire(claims_dir: &Path, done_dir: &Path, id: &str) {
    if !is_real_dir(claims_dir) || !is_real_dir(done_dir) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(claims_dir) else { return };
    let mut seqs: Vec<u64> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name();
            let (of, seq) = parse_claim_name(name.to_str()?)?;
            (of == id).then_some(seq)
        })
        .collect();
    if seqs.is_empty() {
        return;
    }
    seqs.sort_unstable();
    let mut history = Vec::with_capacity(seqs.len());
    for seq in &seqs {
        match read_holder(claims_dir.join(format!("{id}.{seq}")), *seq).claim {
            Some(claim) => history.push(claim),
            None => return,
        }
    }
    let Ok(json) = serde_json::to_vec(&history) else { return };
    if super::fs::write_new_or_same(done_dir, &retired_file(done_dir, id), &json).is_err() {
        return;
    }
    let names: Vec<String> = seqs.iter().map(|seq| format!("{id}.{seq}")).collect();
    let _ = super::fs::remove_in_dir(claims_dir, &names);
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
    fn one_read_of_the_folder_and_finished_claims_move_to_done() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("claims");
        let done = tmp.path().join("done");
        let _ = std::fs::create_dir_all(&done);
        let (a, b) = ("20260120T090000Z-000a", "20260120T090000Z-000b");
        let now = t("2026-01-21T10:00:00Z");
        assert!(claim(&dir, a, "Ana", false, now).is_ok());
        assert!(claim(&dir, a, "Bo", true, now).is_ok());
        assert!(claim(&dir, b, "Cy", false, now).is_ok());
        let _ = std::fs::write(dir.join("not-a-claim"), b"x");
        let index = ClaimIndex::read(&dir);
        assert!(index.is_claimed(a) && index.is_claimed(b) && !index.is_claimed("other"));
        assert_eq!(index.holder(a).map(|h| (h.seq, h.agent().to_string())), Some((2, "Bo".to_string())));

        retire(&dir, &done, a);
        assert!(holder(&dir, a).is_none(), "a's claims left claims/");
        assert_eq!(holder(&dir, b).map(|h| h.agent().to_string()).as_deref(), Some("Cy"));
        assert!(dir.join("not-a-claim").is_file());
        let last = retired_holder(&done, a);
        assert_eq!(last.map(|h| (h.seq, h.agent().to_string())), Some((2, "Bo".to_string())));

        // A claim still being written is left alone, with the rest of that package's claims.
        let _ = std::fs::write(dir.join(format!("{b}.2")), b"");
        retire(&dir, &done, b);
        assert!(dir.join(format!("{b}.1")).is_file() && dir.join(format!("{b}.2")).is_file());
        assert!(!retired_file(&done, b).exists());
    }

    #[cfg(unix)]
    #[test]
    fn retiring_deletes_nothing_through_a_link() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outside = tmp.path().join("outside");
        let done = tmp.path().join("done");
        let _ = std::fs::create_dir_all(&outside);
        let _ = std::fs::create_dir_all(&done);
        let id = "20260120T090000Z-000a";
        let _ = std::fs::write(outside.join(format!("{id}.1")), br#"{"agent":"Ana","at":"2026-01-21T10:00:00Z"}"#);
        let claims = tmp.path().join("claims");
        let _ = std::os::unix::fs::symlink(&outside, &claims);
        retire(&claims, &done, id);
        assert!(outside.join(format!("{id}.1")).is_file());
        // Even asked directly, the folder is not opened through the link.
        assert!(super::super::fs::remove_in_dir(&claims, &[format!("{id}.1")]).is_err());
        assert!(outside.join(format!("{id}.1")).is_file());
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
