//! A session file read for what the queue and the report need, and nothing else.
//!
//! [`Digest`] borrows its strings from the file's bytes where it can and skips the parts it does
//! not need (runbooks, notes, checklist, sources), so reading 100,000 sessions costs little more
//! than reading their bytes. It is deliberately tolerant of what later versions of format 1 add:
//! statuses and provenances are plain strings (the lead's `deferred` and `skipped` read as they
//! come), and the contract's §7 `differential`, when the export carries it, is picked up.
//! A newer `format` is refused, as [`super::journal::read_session`] does.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::SESSION_FORMAT;

/// A string from the file: borrowed when the JSON held it without escapes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The parts of a session (or escalation package) that the queue and the report read.
#[derive(Debug, Clone, Deserialize)]
pub struct Digest<'a> {
    pub format: u64,
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow, default)]
    pub ticket: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub agent: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub user: Option<Text<'a>>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    /// `open`, `classified`, `escalated`, `resolved` (kept as written).
    #[serde(borrow)]
    pub status: Text<'a>,
    #[serde(borrow, default)]
    pub continued_from: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub outcome: Option<OutcomeDigest<'a>>,
    #[serde(borrow)]
    pub walk: WalkDigest<'a>,
    /// Contract §7, when the export carries it.
    #[serde(borrow, default)]
    pub differential: Option<Vec<Alternative<'a>>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OutcomeDigest<'a> {
    #[serde(borrow)]
    pub node: Text<'a>,
    #[serde(borrow)]
    pub class: Text<'a>,
    #[serde(default)]
    pub escalate: bool,
    #[serde(default)]
    pub resolved_on_call: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WalkDigest<'a> {
    #[serde(borrow, default)]
    pub facts: BTreeMap<Text<'a>, FactDigest<'a>>,
    #[serde(borrow, default)]
    pub path: Vec<PathDigest<'a>>,
    #[serde(borrow, default)]
    pub options: Option<OptionsDigest<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OptionsDigest<'a> {
    /// `tier1` / `tier2`: present in sessions written since contract v2, which also write the
    /// differential (and leave it out when it is empty).
    #[serde(borrow, default)]
    pub role: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FactDigest<'a> {
    #[serde(borrow)]
    pub value: Text<'a>,
    #[serde(borrow, default)]
    pub provenance: Option<Text<'a>>,
    /// Set when the fact came from an earlier session (tier 1), not this one.
    #[serde(borrow, default)]
    pub via: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PathDigest<'a> {
    /// `question`, `step` or `route`.
    #[serde(borrow)]
    pub kind: Text<'a>,
    #[serde(borrow, default)]
    pub fact: Option<Text<'a>>,
    #[serde(borrow)]
    pub answer: Text<'a>,
    #[serde(borrow)]
    pub provenance: Text<'a>,
}

/// One line of the differential: this value of this fact would have ended in that class.
#[derive(Debug, Clone, Deserialize)]
pub struct Alternative<'a> {
    #[serde(borrow)]
    pub fact: Text<'a>,
    #[serde(borrow, default)]
    pub value: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub class: Option<Text<'a>>,
}

/// Facts whose questions are asked of the agent or of tier 2, not of the caller (contract §1.7
/// defaults); every other fact, including runbook-declared ones, counts as asked of the caller.
fn asked_of_someone_else(fact: &str) -> bool {
    matches!(fact, "entra.passkey_registered" | "user.upn" | "signin.correlation_id" | "signin.time")
        || fact.starts_with("policy.")
        || matches!(fact, "ca.auth_strength" | "network.hybrid_endpoints")
}

impl<'a> Digest<'a> {
    /// Parses session JSON; the error is one line saying what is wrong.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err("empty file (truncated?)".into());
        }
        // The same refusal as `sessions`, `open` and `export` (serde would keep one of the two).
        if let Err(d) = crate::input::check_unique_keys(bytes) {
            return Err(format!("not a session file: {d}"));
        }
        let newer = |f: &dyn fmt::Display| {
            format!("session format {f} is not one this version reads (format {SESSION_FORMAT}); update passkey-triage")
        };
        let d: Digest<'a> = match serde_json::from_slice(bytes) {
            Ok(d) => d,
            Err(e) => {
                // A newer format may lack what this one needs: say that, not "missing field".
                #[derive(Deserialize)]
                struct Probe {
                    format: Option<serde_json::Value>,
                }
                if let Ok(Probe { format: Some(f) }) = serde_json::from_slice::<Probe>(bytes)
                    && f.as_u64().is_none_or(|n| n > u64::from(SESSION_FORMAT))
                {
                    return Err(newer(&f));
                }
                return Err(if e.is_eof() {
                    format!("truncated session file: {e}")
                } else {
                    format!("not a session file: {e}")
                });
            }
        };
        if d.format == 0 || d.format > u64::from(SESSION_FORMAT) {
            return Err(newer(&d.format));
        }
        Ok(d)
    }

    /// The failure class, once the session reached an outcome.
    pub fn class(&self) -> Option<&str> {
        self.outcome.as_ref().map(|o| o.class.as_str())
    }

    /// Reached an outcome (whatever it is).
    pub fn is_finished(&self) -> bool {
        self.status.as_str() != "open" && self.outcome.is_some()
    }

    pub fn is_escalated(&self) -> bool {
        self.status.as_str() == "escalated"
    }

    pub fn is_resolved(&self) -> bool {
        self.status.as_str() == "resolved"
    }

    /// A fact's value, if recorded.
    pub fn fact(&self, key: &str) -> Option<&str> {
        self.walk.facts.get(key).map(|f| f.value.as_str())
    }

    /// Questions the caller answered on this call, `unknown` included: path entries that are
    /// questions answered here (`asked`), about a fact the caller is asked (contract §1.7), and
    /// not carried over from a tier-1 session; each fact once (a later question on a known fact
    /// is followed, not asked).
    pub fn caller_questions(&self) -> u32 {
        let mut seen = std::collections::HashSet::new();
        let n = self
            .walk
            .path
            .iter()
            .filter(|p| p.kind.as_str() == "question" && p.provenance.as_str() == "asked")
            .filter(|p| match &p.fact {
                Some(f) => {
                    seen.insert(f.as_str())
                        && !asked_of_someone_else(f)
                        && self.walk.facts.get(f.as_str()).is_none_or(|entry| entry.via.is_none())
                }
                None => true,
            })
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Call duration to the outcome in whole seconds (None while open; never negative).
    pub fn duration_seconds(&self) -> Option<u64> {
        let end = self.ended_at.filter(|_| self.is_finished())?;
        Some(u64::try_from((end - self.started_at).num_seconds()).unwrap_or(0))
    }

    /// The facts still to check, each once: the facts of the §7 differential, then the facts
    /// tier 1 deferred to tier 2 (§5). A session from before contract v2 (no `role`, no
    /// differential), or one without an outcome yet (no differential computed), also lists the
    /// questions answered `unknown` (not those skipped as unable to change the outcome).
    pub fn open_checks(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        // A package may carry many entries: each fact checked once against a set, not the list.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut push = |f: &str| {
            if seen.insert(f.to_string()) {
                out.push(f.to_string());
            }
        };
        for a in self.differential.iter().flatten() {
            push(&a.fact);
        }
        let v2 = self.walk.options.as_ref().is_some_and(|o| o.role.is_some());
        let unknowns_count = self.differential.is_none() && !(v2 && self.is_finished());
        for p in &self.walk.path {
            let Some(fact) = &p.fact else { continue };
            let deferred = p.provenance.as_str() == "deferred";
            let unknown = unknowns_count && p.answer.as_str() == "unknown" && p.provenance.as_str() != "skipped";
            if p.kind.as_str() == "question" && (deferred || unknown) {
                push(fact);
            }
        }
        out
    }
}

/// Reads a session file into `buf` (cleared first): a regular file of at most
/// [`super::journal::MAX_SESSION_BYTES`], checked on the opened handle. The error is one line.
pub fn read_session_bytes(path: &std::path::Path, buf: &mut Vec<u8>) -> Result<(), String> {
    use std::io::Read;
    buf.clear();
    let max = super::journal::MAX_SESSION_BYTES;
    // Opened without blocking and checked after opening: a FIFO put in its place can't hang us.
    let file = crate::input::open_regular(path, max).map_err(|e| e.kind.to_string())?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0));
    // The size may change under us (a file being written on a share): never read past the limit.
    file.take(max + 1).read_to_end(buf).map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > max {
        return Err("too large for a session file".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKAGE: &str = r#"{
      "format": 1, "id": "20260120T090000Z-0001", "ticket": "INC\u001b1", "agent": "Bo", "user": null,
      "started_at": "2026-01-20T09:00:00Z", "ended_at": "2026-01-20T09:04:00Z", "utc_offset_minutes": 0,
      "runbooks": {"hash": "x", "runbooks": [], "matrix_as_of": "2026-01-01"},
      "walk": {
        "facts": {
          "client.os": {"value": "windows", "provenance": "asked", "at": "2026-01-20T09:00:20Z"},
          "flow": {"value": "unknown", "provenance": "asked", "at": "2026-01-20T09:00:30Z"},
          "phase": {"value": "sign-in", "provenance": "asked", "at": "2026-01-20T09:00:10Z", "via": "tier-1 session y"},
          "entra.passkey_registered": {"value": "yes", "provenance": "asked", "at": "2026-01-20T09:00:40Z"},
          "policy.passkey_method": {"value": "unknown", "provenance": "deferred", "at": "2026-01-20T09:00:50Z"}
        },
        "path": [
          {"node": "t#q1", "kind": "question", "fact": "phase", "answer": "sign-in", "provenance": "asked", "at": "2026-01-20T09:00:10Z"},
          {"node": "t#q2", "kind": "question", "fact": "client.os", "answer": "windows", "provenance": "asked", "at": "2026-01-20T09:00:20Z"},
          {"node": "t#q3", "kind": "question", "fact": "flow", "answer": "unknown", "provenance": "asked", "at": "2026-01-20T09:00:30Z"},
          {"node": "t#q4", "kind": "question", "fact": "entra.passkey_registered", "answer": "yes", "provenance": "asked", "at": "2026-01-20T09:00:40Z"},
          {"node": "t#q5", "kind": "question", "fact": "policy.passkey_method", "answer": "unknown", "provenance": "deferred", "at": "2026-01-20T09:00:50Z"},
          {"node": "t#q6", "kind": "question", "fact": "qr.scan", "answer": "unknown", "provenance": "skipped", "at": "2026-01-20T09:00:50Z"},
          {"node": "t#s1", "kind": "step", "answer": "worked", "provenance": "asked", "at": "2026-01-20T09:01:00Z"}
        ],
        "position": {"state": "finished", "node": "t#o"}
      },
      "status": "escalated",
      "outcome": {"node": "t#o", "class": "unclassified", "title": "t", "escalate": true, "resolved_on_call": false}
    }"#;

    #[test]
    fn reads_what_the_queue_and_report_need() {
        let d = Digest::parse(PACKAGE.as_bytes()).expect("parses");
        assert_eq!(d.id.as_str(), "20260120T090000Z-0001");
        assert_eq!(d.ticket.as_deref(), Some("INC\u{1b}1"));
        assert_eq!(d.class(), Some("unclassified"));
        assert!(d.is_finished() && d.is_escalated());
        assert_eq!(d.fact("client.os"), Some("windows"));
        // client.os and flow: phase came from tier 1, entra.* is the agent's, policy.* deferred.
        assert_eq!(d.caller_questions(), 2);
        assert_eq!(d.duration_seconds(), Some(240));
        assert_eq!(d.open_checks(), vec!["flow".to_string(), "policy.passkey_method".to_string()]);
    }

    #[test]
    fn the_differential_wins_when_present() {
        let with = PACKAGE.replacen(
            "\"status\"",
            r#""differential": [{"fact": "policy.passkey_method", "value": "disabled", "class": "policy.method-not-enabled", "outcome": "p#o"},
                                {"fact": "policy.passkey_method", "value": "excluded", "class": "policy.method-not-enabled", "outcome": "p#o"}],
               "status""#,
            1,
        );
        let d = Digest::parse(with.as_bytes()).expect("parses");
        assert_eq!(d.open_checks(), vec!["policy.passkey_method".to_string()]);
    }

    #[test]
    fn since_v2_an_absent_differential_is_an_empty_one() {
        let v2 = PACKAGE.replacen("\"path\": [", "\"options\": {\"role\": \"tier1\"}, \"path\": [", 1);
        let d = Digest::parse(v2.as_bytes()).expect("parses");
        // `flow` was answered unknown, but no differential means no answer would change the class.
        assert_eq!(d.open_checks(), vec!["policy.passkey_method".to_string()]);
    }

    #[test]
    fn refuses_what_is_not_a_session() {
        for (bytes, want) in [
            ("", "empty file"),
            ("{\"format\": 1", "truncated"),
            ("[]", "not a session file"),
            ("{\"format\": 1, \"format\": 1}", "duplicate key `format` at line 1"),
        ] {
            let e = Digest::parse(bytes.as_bytes()).err().unwrap_or_default();
            assert!(e.contains(want), "{bytes}: {e}");
        }
        // In a nested object too, as `sessions` and `open` refuse it.
        let fact = r#""flow": {"value": "unknown", "provenance": "asked", "at": "2026-01-20T09:00:30Z"},"#;
        let twice = PACKAGE.replacen(fact, &format!("{fact}\n{fact}"), 1);
        let e = Digest::parse(twice.as_bytes()).err().unwrap_or_default();
        assert!(e.contains("duplicate key `flow` at line"), "{e}");
        let newer = PACKAGE.replacen("\"format\": 1", "\"format\": 2", 1);
        let e = Digest::parse(newer.as_bytes()).err().unwrap_or_default();
        assert!(e.contains("session format 2"), "{e}");
    }
}
