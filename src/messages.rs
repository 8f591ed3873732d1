//! The catalog of documented on-screen messages (contract v3 §10), as data in
//! `assets/messages.json`: what a caller reads off the screen, mapped to the facts it implies.
//! Pure: the catalog is built into the binary and matched here; no I/O.
//!
//! A caller never reads a message exactly as documented ("A passkey already exists for this
//! account" for the documented "already exists"), so matching ignores letter case, quotes and
//! punctuation, and takes either text containing the other.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The built-in catalog's text.
pub static BUILTIN_MESSAGES: &str = include_str!("../assets/messages.json");

/// Typed text shorter than this (once normalised) matches a message only by containing it whole:
/// "ex" is part of too many messages to mean one.
const MIN_PART: usize = 4;

/// Where a message is documented.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageSource {
    pub title: String,
    /// Empty when the message has no public page (then `unverified` is set).
    pub url: String,
}

/// One documented message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub id: String,
    /// The message as documented: the canonical `error.message` value when picked.
    pub text: String,
    /// How the wizard lists it.
    pub shown_as: String,
    /// The contract facts it implies (key → value).
    pub facts: BTreeMap<String, String>,
    pub source: MessageSource,
    /// No Microsoft source confirms the text.
    #[serde(default)]
    pub unverified: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(rename = "schema")]
    _schema: u32,
    #[serde(default, rename = "about")]
    _about: Option<String>,
    messages: Vec<Message>,
}

/// The messages in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub messages: Vec<Message>,
}

impl Catalog {
    /// The built-in catalog (`assets/messages.json`), parsed once. A catalog that can't be read
    /// is empty here; `Catalog::parse` says why (the tests and `lint` do).
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| Catalog::parse(BUILTIN_MESSAGES).unwrap_or_default())
    }

    /// Parses a catalog file's text (duplicate keys are refused).
    pub fn parse(text: &str) -> Result<Catalog, String> {
        crate::input::check_unique_keys(text.as_bytes())
            .map_err(|d| format!("{}:{}: `{}` is given twice in one object", d.line, d.column.max(1), d.key))?;
        let file: CatalogFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Catalog { messages: file.messages })
    }

    /// The messages `typed` names: any letter case, with or without quotes and punctuation, a
    /// part of the message or the message within a longer sentence. Catalog order.
    pub fn matches(&self, typed: &str) -> Vec<&Message> {
        let typed = normalize(typed);
        if typed.is_empty() {
            return Vec::new();
        }
        self.messages
            .iter()
            .filter(|m| {
                let text = normalize(&m.text);
                !text.is_empty()
                    && (typed.contains(&text) || (typed.chars().count() >= MIN_PART && text.contains(&typed)))
            })
            .collect()
    }

    /// The one message `text` names, when exactly one does: what the engine derives facts from
    /// (provenance `derived`, the entry named as the rule). Several or none: None.
    pub fn derive(&self, text: &str) -> Option<&Message> {
        match self.matches(text).as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// What is wrong with a catalog file's entries, one line each (empty when nothing): ids
    /// unique and non-empty, a text that matches something, facts that are contract facts with
    /// a value of their vocabulary (never `unknown`: it implies nothing), and a source (an
    /// `https://` page unless the entry is marked unverified).
    pub fn problems(&self, vocab: &crate::vocab::Vocabulary) -> Vec<String> {
        let mut out = Vec::new();
        for (i, m) in self.messages.iter().enumerate() {
            let at = format!("messages[{i}] (`{}`)", m.id);
            if m.id.trim().is_empty() {
                out.push(format!("messages[{i}]: `id` is empty"));
            } else if self.messages[..i].iter().any(|e| e.id == m.id) {
                out.push(format!("{at}: the id is listed twice"));
            }
            if normalize(&m.text).is_empty() {
                out.push(format!("{at}: `text` has no letters or digits to match"));
            }
            if m.shown_as.trim().is_empty() {
                out.push(format!("{at}: `shown_as` is empty"));
            }
            if m.facts.is_empty() {
                out.push(format!("{at}: `facts` is empty: the message would imply nothing"));
            }
            for (k, v) in &m.facts {
                if !crate::vocab::Vocabulary::is_contract_fact(k) {
                    out.push(format!("{at}: `{k}` is not a contract fact"));
                } else if v == crate::vocab::UNKNOWN {
                    out.push(format!("{at}: `{k}` = unknown implies nothing"));
                } else if let Err(e) = vocab.check(k, v) {
                    out.push(format!("{at}: {e}"));
                }
            }
            if m.source.title.trim().is_empty() {
                out.push(format!("{at}: `source.title` is empty"));
            }
            if !m.unverified && !m.source.url.starts_with("https://") {
                out.push(format!(
                    "{at}: a verified message needs an https:// `source.url` (or `\"unverified\": true`)"
                ));
            }
        }
        out
    }

    /// Adds a desk's catalog over this one: an entry with the same id replaces the built-in one,
    /// a new id is added at the end.
    pub fn merge(&mut self, other: Catalog) {
        for m in other.messages {
            match self.messages.iter_mut().find(|e| e.id == m.id) {
                Some(e) => *e = m,
                None => self.messages.push(m),
            }
        }
    }
}

/// Lower case, letters and digits only, words separated by one space: `"Couldn't sign you in."`
/// → `couldnt sign you in`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || matches!(c, '-' | '_' | '/' | '.' | ',' | ':' | ';' | '!' | '?') {
            space = true;
        }
        // Quotes and apostrophes vanish: "couldn't" and "couldnt" are one word.
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;

    #[test]
    fn the_builtin_catalog_parses_and_its_facts_are_vocabulary_values() {
        let c = Catalog::parse(BUILTIN_MESSAGES).expect("assets/messages.json parses");
        assert_eq!(&c, Catalog::builtin());
        assert!(c.messages.len() >= 4);
        let vocab = Vocabulary::contract();
        assert_eq!(c.problems(&vocab), Vec::<String>::new());
    }

    #[test]
    fn problems_name_each_bad_entry_and_merge_replaces_by_id() {
        let vocab = Vocabulary::contract();
        let bad = Catalog::parse(
            r#"{"schema": 1, "messages": [
              {"id": "a", "text": "!!", "shown_as": "x", "facts": {"flow": "sideways"}, "source": {"title": "t", "url": "http://x"}},
              {"id": "a", "text": "ok text", "shown_as": "x", "facts": {"no.such": "1", "phase": "unknown"}, "source": {"title": "", "url": ""}, "unverified": true}
            ]}"#,
        )
        .expect("parses");
        let p = bad.problems(&vocab).join("\n");
        for needle in [
            "no letters",
            "flow",
            "https://",
            "listed twice",
            "`no.such` is not a contract fact",
            "unknown implies nothing",
            "source.title",
        ] {
            assert!(p.contains(needle), "{needle} missing from:\n{p}");
        }
        let mut c = Catalog::builtin().clone();
        let n = c.messages.len();
        let mut mine = Catalog::builtin().clone();
        mine.messages.truncate(1);
        mine.messages[0].shown_as = "ours".to_string();
        let mut new = mine.messages[0].clone();
        new.id = "desk-only".to_string();
        mine.messages.push(new);
        c.merge(mine);
        assert_eq!(c.messages.len(), n + 1);
        assert_eq!(c.messages[0].shown_as, "ours");
        assert_eq!(c.messages[n].id, "desk-only");
    }

    #[test]
    fn a_message_as_the_caller_reads_it_matches_its_entry() {
        let c = Catalog::builtin();
        let ids = |t: &str| c.matches(t).iter().map(|m| m.id.as_str()).collect::<Vec<_>>();
        assert_eq!(ids("A passkey already exists for this account"), ["already-exists"]);
        assert_eq!(ids("ALREADY EXISTS"), ["already-exists"]);
        assert_eq!(ids("'already exists'"), ["already-exists"]);
        assert_eq!(ids("\"Device couldn’t connect\""), ["device-couldnt-connect"]);
        assert_eq!(ids("device couldnt connect."), ["device-couldnt-connect"]);
        assert_eq!(ids("notallowed"), ["not-allowed-error"]);
        assert_eq!(ids("couldn"), ["device-couldnt-connect", "couldnt-sign-you-in"]);
        assert!(ids("").is_empty() && ids("ex").is_empty() && ids("the printer is on fire").is_empty());
        let m = c.derive("A passkey already exists for this account").expect("one match");
        assert_eq!(m.facts.get("entra.passkey_registered").map(String::as_str), Some("no"));
        assert_eq!(c.derive("couldn"), None);
        assert_eq!(c.derive("nothing like it"), None);
    }

    #[test]
    fn parse_refuses_duplicate_keys_and_unknown_fields() {
        let e = Catalog::parse(r#"{"schema": 1, "schema": 1, "messages": []}"#).expect_err("dup");
        assert!(e.contains("given twice"), "{e}");
        let e = Catalog::parse(r#"{"schema": 1, "messages": [], "x": 1}"#).expect_err("field");
        assert!(e.contains("unknown field"), "{e}");
    }
}
