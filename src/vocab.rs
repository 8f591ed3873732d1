//! The fact vocabulary and failure taxonomy of the diagnosis contract
//! (`docs/diagnosis-contract.md`, binding). Runbooks may declare more facts; these must exist exactly.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod releases;

/// The answer every enumerated fact accepts: "the user can't tell".
pub const UNKNOWN: &str = "unknown";

/// What a fact's value looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "type", content = "values")]
pub enum FactType {
    /// One of a fixed list of values (plus `unknown`).
    Enum(Vec<String>),
    /// A dotted version number, compared numerically (`17.10` > `17.9`).
    Version,
    /// Free text.
    Text,
}

/// One fact of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactDef {
    pub key: String,
    pub ty: FactType,
    pub meaning: String,
    /// Who can answer a question for it (contract §1.7).
    pub asked_of: Audience,
}

/// Who can answer a question (contract §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// The user on the phone, from their own screens.
    Caller,
    /// The tier-1 agent, from the user's Security info / authentication methods or the sign-in log.
    Agent,
    /// Tier 2 / the identity or network team: tenant configuration and infrastructure.
    Admin,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Caller, Audience::Agent, Audience::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Caller => "caller",
            Audience::Agent => "agent",
            Audience::Admin => "admin",
        }
    }

    /// What the agent does with a question asked of this audience, as the question screen says it.
    pub fn instruction(self) -> &'static str {
        match self {
            Audience::Caller => "Ask the caller",
            Audience::Agent => "Look it up",
            Audience::Admin => "Admin check",
        }
    }

    /// Who checks an open item, as a heading over a group of them.
    pub fn heading(self) -> &'static str {
        match self {
            Audience::Caller => "The caller can check",
            Audience::Agent => "The agent can look up",
            Audience::Admin => "An admin (tier 2, identity or network team) must check",
        }
    }

    /// The contract's default for a contract fact (§1.7); `None` for facts it doesn't list.
    pub fn contract_default(key: &str) -> Option<Audience> {
        const AGENT: [&str; 4] = ["entra.passkey_registered", "user.upn", "signin.correlation_id", "signin.time"];
        if AGENT.contains(&key) {
            return Some(Audience::Agent);
        }
        if key.starts_with("policy.") || key == "ca.auth_strength" || key == "network.hybrid_endpoints" {
            return Some(Audience::Admin);
        }
        Vocabulary::is_contract_fact(key).then_some(Audience::Caller)
    }
}

/// Contract facts: (key, values or "version"/"text", meaning).
const CONTRACT_FACTS: &[(&str, &[&str], &str)] = &[
    ("phase", &["sign-in", "registration"], "failing at sign-in, or while registering a passkey"),
    (
        "flow",
        &["same-device", "cross-device"],
        "passkey on the device being signed in on, or on a phone via QR + Bluetooth",
    ),
    (
        "client.kind",
        &["browser", "native-app", "device-sign-in"],
        "web sign-in, a native app, or the Windows sign-in screen",
    ),
    ("client.os", &["windows", "macos", "linux", "chromeos", "ios", "android"], "OS of the device being signed in on"),
    ("client.os_version", &["#version"], "version of the OS being signed in on"),
    ("client.browser", &["edge", "chrome", "firefox", "safari", "other"], "browser, when client.kind = browser"),
    ("client.browser_version", &["#version"], "browser version"),
    ("client.app", &["#text"], "native app name, e.g. outlook, teams, onedrive, word, custom"),
    ("client.broker", &["installed", "missing"], "authentication broker on the client device"),
    (
        "credential.type",
        &["security-key", "authenticator", "synced", "windows-hello"],
        "which kind of passkey the user is trying to use",
    ),
    ("credential.transport", &["usb", "nfc", "ble"], "how a security key connects"),
    (
        "credential.provider",
        &["icloud-keychain", "google-password-manager", "third-party"],
        "where a synced passkey lives",
    ),
    ("phone.os", &["ios", "android"], "OS of the phone holding the passkey"),
    ("phone.os_version", &["#version"], "version of the phone's OS"),
    ("phone.bluetooth", &["on", "off"], "Bluetooth on the phone"),
    (
        "desktop.bluetooth",
        &["available", "off", "no-adapter", "blocked-by-policy"],
        "Bluetooth on the computer, and whether the browser/OS may use it",
    ),
    ("phone.internet", &["yes", "no"], "the phone is online"),
    ("desktop.internet", &["yes", "no"], "the computer is online"),
    ("qr.scan", &["ok", "no-qr-shown", "wrong-camera", "not-recognized"], "how the QR step went"),
    (
        "network.hybrid_endpoints",
        &["reachable", "blocked"],
        "the hybrid tunnel endpoints pass the network without interception",
    ),
    ("device.passkey_offered", &["yes", "no"], "the device's passkey picker offers a passkey for this work account"),
    ("entra.passkey_registered", &["yes", "no"], "Security info lists a matching passkey"),
    ("authenticator.signed_in", &["yes", "no"], "Microsoft Authenticator is signed in to the work account"),
    (
        "authenticator.provider_enabled",
        &["yes", "no"],
        "Authenticator is an enabled passkey provider in the phone's settings",
    ),
    ("picker.choice", &["work", "personal"], "which entry the user picked in the passkey chooser"),
    (
        "policy.passkey_method",
        &["enabled-for-user", "disabled", "not-targeted", "excluded"],
        "Passkey (FIDO2) method state for this user",
    ),
    ("policy.passkey_type_allowed", &["yes", "no"], "the user's passkey profile allows this passkey type"),
    ("policy.aaguid_allowed", &["yes", "no"], "key restrictions allow this authenticator model"),
    ("policy.attestation_enforced", &["yes", "no"], "the profile enforces attestation"),
    ("ca.auth_strength", &["satisfied", "not-satisfied", "none"], "Conditional Access authentication strength outcome"),
    ("error.code", &["#text"], "AADSTS code as seen (AADSTS53003 or 53003)"),
    ("error.message", &["#text"], "error text as the user saw it"),
    ("user.upn", &["#text"], "the user's sign-in name"),
    ("signin.correlation_id", &["#text"], "correlation id of the failed sign-in"),
    ("signin.time", &["#text"], "time of the failed sign-in (RFC 3339)"),
];

/// The failure classes of the contract, with their meaning.
pub const CONTRACT_CLASSES: &[(&str, &str)] = &[
    ("cross-device.phone-bluetooth-off", "phone Bluetooth off"),
    ("cross-device.desktop-bluetooth-unavailable", "computer has no usable Bluetooth for the browser"),
    ("cross-device.qr-handoff", "QR hand-off did not complete"),
    ("cross-device.connectivity", "a device offline, or hybrid endpoints blocked/intercepted"),
    ("orphaned-passkey", "passkey still offered on the device but no longer registered in Entra"),
    ("stale-registration", "Entra still lists the passkey but the device no longer has it"),
    ("unsupported-client.browser", "browser/OS/passkey-type combination not supported"),
    ("unsupported-client.os-version", "OS version below the documented minimum"),
    ("unsupported-client.native-app", "native app path not supported"),
    ("unsupported-client.transport", "security-key transport not supported on this platform"),
    ("policy.method-not-enabled", "passkey method disabled, user not targeted, or excluded"),
    ("policy.passkey-type-not-allowed", "passkey profile does not allow this passkey type"),
    ("policy.key-restriction", "authenticator model (AAGUID) not allowed"),
    ("policy.attestation", "attestation enforcement blocks this passkey (registration)"),
    ("policy.conditional-access", "Conditional Access authentication strength not satisfied"),
    ("authenticator.signed-out", "Authenticator signed out of the work account"),
    ("authenticator.provider-disabled", "Authenticator not enabled as a passkey provider on the phone"),
    ("picker.wrong-passkey", "the user picked a personal / other passkey instead of the work one"),
    ("unclassified", "no known cause found: escalate to tier 2 with everything collected"),
];

/// The fact vocabulary in force: the contract's facts plus any a runbook declares.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    facts: BTreeMap<String, FactDef>,
    classes: BTreeMap<String, String>,
}

/// The longest value one fact may have, in bytes. The longest a person reads off a screen (an
/// error message) is a few hundred; anything longer is not evidence but a flood, refused where
/// facts come in (facts files, sessions, packages, answers).
pub const MAX_FACT_VALUE_BYTES: usize = 4096;

/// Why a fact assignment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("unknown fact key `{0}`")]
    UnknownKey(String),
    #[error("`{key}`: a value of {len} bytes is longer than {MAX_FACT_VALUE_BYTES} bytes (the limit for one fact)")]
    TooLong { key: String, len: usize },
    /// Within the limit as given, over it once control characters are shown as symbols.
    #[error(
        "`{key}`: with its control characters neutralised the value takes {len} bytes, more than {MAX_FACT_VALUE_BYTES} bytes (the limit for one fact)"
    )]
    TooLongNeutralised { key: String, len: usize },
    #[error("`{key}`: `{value}` is not one of {allowed}")]
    BadValue { key: String, value: String, allowed: String },
    #[error("`{key}`: `{value}` is not a version (expected dotted numbers such as 17.5)")]
    BadVersion { key: String, value: String },
    /// A version that no release of the OS has (iOS 1, Android 90).
    #[error("`{key}`: {why}")]
    OutOfRange {
        key: String,
        value: String,
        /// "iOS 1 doesn't exist: iOS versions run from 9 to 27, e.g. 17.5".
        why: String,
        /// Past the newest release we know (it may be newer than our table), not before the first.
        above: bool,
    },
    /// A release name two OS families share (Windows 10 and 11 both have 21H2).
    #[error("`{key}`: {value} exists for {choices}: say which (e.g. \"Windows 11 {value}\") or give the build")]
    Ambiguous { key: String, value: String, choices: String },
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::contract()
    }
}

impl Vocabulary {
    /// Exactly the contract's facts and classes.
    pub fn contract() -> Self {
        let facts = CONTRACT_FACTS
            .iter()
            .map(|(key, values, meaning)| {
                let ty = match values {
                    ["#version"] => FactType::Version,
                    ["#text"] => FactType::Text,
                    vs => FactType::Enum(vs.iter().map(|v| v.to_string()).collect()),
                };
                let asked_of = Audience::contract_default(key).unwrap_or(Audience::Caller);
                (key.to_string(), FactDef { key: key.to_string(), ty, meaning: meaning.to_string(), asked_of })
            })
            .collect();
        let classes = CONTRACT_CLASSES.iter().map(|(c, m)| (c.to_string(), m.to_string())).collect();
        Self { facts, classes }
    }

    /// Adds a runbook-declared fact. Contract facts cannot be redefined: returns false then.
    pub fn declare_fact(&mut self, def: FactDef) -> bool {
        if CONTRACT_FACTS.iter().any(|(k, _, _)| *k == def.key) {
            return false;
        }
        self.facts.insert(def.key.clone(), def);
        true
    }

    /// Adds a runbook-declared class (runbooks may emit more classes than the contract's).
    pub fn declare_class(&mut self, class: &str, meaning: &str) {
        self.classes.entry(class.to_string()).or_insert_with(|| meaning.to_string());
    }

    pub fn fact(&self, key: &str) -> Option<&FactDef> {
        self.facts.get(key)
    }

    pub fn facts(&self) -> impl Iterator<Item = &FactDef> {
        self.facts.values()
    }

    /// Who answers questions for this fact (runbook-declared facts say it themselves).
    pub fn audience(&self, key: &str) -> Audience {
        self.facts.get(key).map(|d| d.asked_of).unwrap_or(Audience::Caller)
    }

    pub fn is_contract_fact(key: &str) -> bool {
        CONTRACT_FACTS.iter().any(|(k, _, _)| *k == key)
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.classes.contains_key(class)
    }

    /// What a contract class means, without building a vocabulary.
    pub fn contract_class_meaning(class: &str) -> Option<&'static str> {
        CONTRACT_CLASSES.iter().find(|(c, _)| *c == class).map(|(_, m)| *m)
    }

    pub fn class_meaning(&self, class: &str) -> Option<&str> {
        self.classes.get(class).map(String::as_str)
    }

    /// Checks one value for one fact. `unknown` is accepted for every fact.
    pub fn check(&self, key: &str, value: &str) -> Result<(), FactError> {
        let def = self.facts.get(key).ok_or_else(|| FactError::UnknownKey(key.to_string()))?;
        if value.len() > MAX_FACT_VALUE_BYTES {
            return Err(FactError::TooLong { key: key.to_string(), len: value.len() });
        }
        if value == UNKNOWN {
            return Ok(());
        }
        match &def.ty {
            FactType::Enum(values) if values.iter().any(|v| v == value) => Ok(()),
            FactType::Enum(values) => Err(FactError::BadValue {
                key: key.to_string(),
                value: value.to_string(),
                allowed: format!("{}, unknown", values.join(", ")),
            }),
            FactType::Version if Version::parse(value).is_some() => Ok(()),
            FactType::Version => Err(FactError::BadVersion { key: key.to_string(), value: value.to_string() }),
            FactType::Text => Ok(()),
        }
    }
}

impl Vocabulary {
    /// A value as a person or a facts file spells it, in the form the contract compares: an
    /// enumerated value in any letter case (`Windows` → `windows`); for an OS version, a Windows
    /// release name (`1809` → `10.0.17763`, `Windows 11 22H2` → `10.0.22621`) or a macOS name
    /// (`Sonoma` → `14`), and refused when no release of the OS has it (iOS 1). `lookup` gives
    /// the facts known so far (the OS the version belongs to). Err: why, as [`Vocabulary::check`].
    pub fn normalize(
        &self,
        key: &str,
        value: &str,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, FactError> {
        let value = value.trim();
        let def = self.facts.get(key).ok_or_else(|| FactError::UnknownKey(key.to_string()))?;
        if value.len() > MAX_FACT_VALUE_BYTES {
            return Err(FactError::TooLong { key: key.to_string(), len: value.len() });
        }
        if value.eq_ignore_ascii_case(UNKNOWN) {
            return Ok(UNKNOWN.to_string());
        }
        match &def.ty {
            FactType::Enum(values) => {
                let canonical = values.iter().find(|v| v.eq_ignore_ascii_case(value)).map(String::as_str);
                let v = canonical.unwrap_or(value);
                self.check(key, v).map(|()| v.to_string())
            }
            FactType::Version => match os_fact_of(key) {
                Some(os_fact) => {
                    let os = lookup(os_fact).filter(|o| o != UNKNOWN);
                    crate::vocab::releases::Releases::builtin().normalize(key, value, os.as_deref())
                }
                None => self.check(key, value).map(|()| value.to_string()),
            },
            // Free text from outside is one line with nothing a terminal would act on; the limit
            // holds for what is kept (a neutralised character takes three bytes).
            FactType::Text => {
                let line = crate::text::sanitize_line(value);
                if line.len() > MAX_FACT_VALUE_BYTES {
                    return Err(FactError::TooLongNeutralised { key: key.to_string(), len: line.len() });
                }
                Ok(line)
            }
        }
    }
}

impl Vocabulary {
    /// [`Vocabulary::normalize`] for a value a file gives (a facts file, an imported sign-in
    /// log): a dotted number past the newest release we know (iOS 28 next year, a ChromeOS
    /// platform version such as 15917.0.0) is still a version (contract §1: dotted numbers,
    /// compared numerically). The wizard refuses it, where it is most likely a slip of the
    /// keyboard (iOS 170); one before the first release (iOS 1) is refused everywhere.
    pub fn normalize_given(
        &self,
        key: &str,
        value: &str,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, FactError> {
        match self.normalize(key, value, lookup) {
            Err(FactError::OutOfRange { above: true, .. }) if Version::parse(value).is_some() => {
                Ok(value.trim().to_string())
            }
            other => other,
        }
    }
}

/// The OS fact an OS-version fact belongs to.
pub fn os_fact_of(version_key: &str) -> Option<&'static str> {
    match version_key {
        "client.os_version" => Some("client.os"),
        "phone.os_version" => Some("phone.os"),
        _ => None,
    }
}

/// A dotted version number such as `10.0.22631` or `17.5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(pub Vec<u64>);

impl Version {
    /// Parses `17`, `17.5`, `10.0.22631`; surrounding spaces are ignored. Anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        s.split('.')
            .map(|part| {
                if part.is_empty() || part.len() > 18 || !part.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    part.parse::<u64>().ok()
                }
            })
            .collect::<Option<Vec<_>>>()
            .map(Version)
    }

    /// Compares numerically, treating missing parts as 0 (`17` == `17.0`).
    pub fn cmp_padded(&self, other: &Version) -> Ordering {
        let n = self.0.len().max(other.0.len());
        for i in 0..n {
            let a = self.0.get(i).copied().unwrap_or(0);
            let b = other.0.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }

    /// Is this version below `minimum`, judged only at the precision the user gave?
    /// `16` is below `17.1`, but `17` is not known to be below `17.1` (the user said "17"),
    /// so a vague answer never condemns a client. `None` means "can't tell".
    pub fn below(&self, minimum: &Version) -> Option<bool> {
        let shared = self.0.len().min(minimum.0.len());
        for i in 0..shared {
            match self.0[i].cmp(&minimum.0[i]) {
                Ordering::Less => return Some(true),
                Ordering::Greater => return Some(false),
                Ordering::Equal => {}
            }
        }
        if self.0.len() >= minimum.0.len() {
            return Some(false);
        }
        // Equal on what the user gave; the minimum is more precise. If its remaining parts are
        // all zero the user's version meets it (`17` vs `17.0`); otherwise we can't tell.
        if minimum.0[shared..].iter().all(|p| *p == 0) { Some(false) } else { None }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|p| p.to_string()).collect();
        f.write_str(&parts.join("."))
    }
}

/// Text facts that [`same_value`] compares in a normalised form, so a runbook may test them with
/// `equals` / `one_of`; every other text fact is free text that no rule compares exactly
/// (contract §10, lint `free-text-equality`).
pub fn compares_normalised(fact: &str) -> bool {
    matches!(fact, "error.code" | "client.app")
}

/// Compares two fact values; AADSTS codes compare in normalised form (`AADSTS53003` = `53003`),
/// app names ignore case and surrounding spaces (`Outlook` = `outlook`).
pub fn same_value(fact: &str, have: &str, want: &str) -> bool {
    match fact {
        "error.code" => normalize_error_code(have) == normalize_error_code(want),
        "client.app" => have.trim().eq_ignore_ascii_case(want.trim()),
        _ => have == want,
    }
}

/// A cited document (runbooks and the compatibility matrix both cite them).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// Normalises an AADSTS code as users report it: `AADSTS53003`, `aadsts 53003`, `53003` → `53003`;
/// also as the error page shows it, with a label or its text (`Error code: 53003`,
/// `AADSTS53003: Access has been blocked by Conditional Access policies.`) → `53003`.
pub fn normalize_error_code(raw: &str) -> String {
    let lower = raw.trim().to_ascii_lowercase();
    let seps = [' ', '\t', ':', '-'];
    // The label the error page's troubleshooting details put before the code.
    let rest = ["error code", "error"]
        .iter()
        .find_map(|label| lower.strip_prefix(label).filter(|r| r.starts_with(seps)))
        .unwrap_or(&lower);
    let rest = rest.trim_start_matches(seps);
    let rest = rest.strip_prefix("aadsts").unwrap_or(rest).trim_start_matches(seps).trim();
    // The code followed by its text: the digits up to a separator (`53003abc` is not a code).
    // Digits after the separator mean the code itself was split (`5300 3`), not followed by text.
    let separator = |c: char| c.is_whitespace() || matches!(c, ':' | '-' | ',' | ';' | '(' | '\u{2013}' | '\u{2014}');
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let tail = rest.get(digits..).unwrap_or_default();
    let text_follows =
        tail.starts_with(separator) && !tail.trim_start_matches(separator).starts_with(|c: char| c.is_ascii_digit());
    if digits > 0 && text_follows { rest.get(..digits).unwrap_or(rest).to_string() } else { rest.to_string() }
}

/// An AADSTS code as typed: digits, with or without the `AADSTS` prefix (`AADSTS53003`,
/// `aadsts 53003`, `53003`). Its digits, or None when it isn't one (`abc`, `AADSTS`).
pub fn parse_error_code(raw: &str) -> Option<String> {
    let code = normalize_error_code(raw);
    (!code.is_empty() && code.len() <= 12 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lint's notion of a comparable text fact follows `same_value`.
    #[test]
    fn normalised_text_facts_are_those_same_value_normalises() {
        let vocab = Vocabulary::contract();
        let text: Vec<&str> = vocab.facts().filter(|d| d.ty == FactType::Text).map(|d| d.key.as_str()).collect();
        assert!(text.contains(&"error.message") && text.contains(&"client.app"), "{text:?}");
        for fact in text {
            assert_eq!(compares_normalised(fact), same_value(fact, " Some Text ", "some text"), "{fact}");
        }
    }

    #[test]
    fn versions_compare_numerically() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(v("17.10").cmp_padded(&v("17.9")), Ordering::Greater);
        assert_eq!(v("17").cmp_padded(&v("17.0")), Ordering::Equal);
        assert_eq!(v("16.7").below(&v("17")), Some(true));
        assert_eq!(v("17").below(&v("17")), Some(false));
        assert_eq!(v("17").below(&v("17.1")), None);
        assert_eq!(v("14").below(&v("14.0")), Some(false));
        assert_eq!(v("10.0.17763").below(&v("10.0.18362")), Some(true));
        assert_eq!(v("10").below(&v("10.0.18362")), None);
        assert!(Version::parse("17.x").is_none());
        assert!(Version::parse("").is_none());
        assert!(Version::parse("1..2").is_none());
        assert!(Version::parse("-1").is_none());
    }

    #[test]
    fn contract_vocabulary_checks_values() {
        let v = Vocabulary::contract();
        assert!(v.check("flow", "cross-device").is_ok());
        assert!(v.check("flow", "unknown").is_ok());
        assert!(matches!(v.check("flow", "sideways"), Err(FactError::BadValue { .. })));
        assert!(matches!(v.check("nope", "x"), Err(FactError::UnknownKey(_))));
        assert!(matches!(v.check("phone.os_version", "seventeen"), Err(FactError::BadVersion { .. })));
        assert!(v.check("phone.os_version", "unknown").is_ok());
        assert_eq!(CONTRACT_CLASSES.len(), 19);
    }

    #[test]
    fn contract_audiences() {
        let v = Vocabulary::contract();
        assert_eq!(v.audience("phase"), Audience::Caller);
        assert_eq!(v.audience("qr.scan"), Audience::Caller);
        assert_eq!(v.audience("error.message"), Audience::Caller);
        assert_eq!(v.audience("entra.passkey_registered"), Audience::Agent);
        assert_eq!(v.audience("signin.time"), Audience::Agent);
        assert_eq!(v.audience("policy.aaguid_allowed"), Audience::Admin);
        assert_eq!(v.audience("ca.auth_strength"), Audience::Admin);
        assert_eq!(v.audience("network.hybrid_endpoints"), Audience::Admin);
        assert_eq!(Audience::contract_default("native.works_in_browser"), None);
    }

    #[test]
    fn error_codes_normalise() {
        assert_eq!(normalize_error_code("AADSTS53003"), "53003");
        assert_eq!(
            normalize_error_code("AADSTS53003: Access has been blocked by Conditional Access policies."),
            "53003"
        );
        assert_eq!(normalize_error_code("Error Code: 53003"), "53003");
        assert_eq!(normalize_error_code("53003abc"), "53003abc");
        assert_eq!(parse_error_code("AADSTS53003 - Access has been blocked").as_deref(), Some("53003"));
        assert_eq!(parse_error_code("errors 53003"), None);
        assert_eq!(normalize_error_code(" aadsts 53003 "), "53003");
        assert_eq!(normalize_error_code("53003"), "53003");
        assert_eq!(parse_error_code("AADSTS53003").as_deref(), Some("53003"));
        assert_eq!(parse_error_code(" aadsts: 50127 ").as_deref(), Some("50127"));
        assert_eq!(parse_error_code("abc"), None);
        assert_eq!(parse_error_code("AADSTS"), None);
        assert_eq!(parse_error_code("5300 3"), None);
    }
}
