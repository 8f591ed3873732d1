//! One device, or one user's computers and phones, against the compatibility matrix. Pure: the
//! matrix decides through [`Matrix::evaluate`] and its rows' conditions; nothing here restates a
//! compatibility rule. What this module adds is which facts a device gives, and how the
//! matrix's answers become `ready`, `blocked`, `unknown` or `not_applicable`:
//!
//! 1. a row that says the combination doesn't exist (`not-applicable`) → not applicable;
//! 2. the device's OS not recognised, or its version missing or not a version → unknown (contract
//!    §11: never guessed);
//! 3. an `unsupported` row, or a minimum version the device is known to be below → blocked, by
//!    that row;
//! 4. a minimum the inputs could give but didn't (the phone's OS version, the browser version),
//!    or a version too vague to compare → unknown, with what would settle it;
//! 5. otherwise ready. Minimums no inventory or log carries (Google Play services, the
//!    Authenticator app version) are kept as conditions for the plan, not guessed either way.

use std::cell::RefCell;
use std::collections::HashMap;

use super::usage::Client;
use super::{Device, Os, PasskeyType, Phase};
use crate::matrix::{Area, Matrix, Support, Verdict as MatrixVerdict};
use crate::vocab::Version;

/// Pairs of one user's computer × phone looked at, at most (the first ones of the inventory).
pub const MAX_COMPUTERS: usize = 4;
pub const MAX_PHONES: usize = 4;

/// Cached verdicts, at most; the cache starts over when full (the same facts recur: an estate
/// has few distinct OS × version × browser combinations).
const CACHE_LIMIT: usize = 65_536;

/// Why a result can't be told, and so what input would settle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Settle {
    /// The device's operating system is missing or not one the matrix knows.
    OsNotRecognised,
    /// No OS version for the device.
    OsVersionMissing,
    /// The OS version field holds no version number.
    OsVersionNotVersion,
    /// The user has a computer but no phone in the inventory (cross-device).
    NoPhone,
    /// The user's phone has no OS version.
    PhoneOsVersionMissing,
    /// A browser minimum applies and the logs give no browser version.
    BrowserVersionMissing,
    /// A version too vague to compare with the minimum (`17` against `17.1`).
    VersionTooVague,
    /// The browser is one the matrix doesn't list.
    BrowserNotListed,
}

impl Settle {
    pub const ALL: [Settle; 8] = [
        Settle::OsNotRecognised,
        Settle::OsVersionMissing,
        Settle::OsVersionNotVersion,
        Settle::NoPhone,
        Settle::PhoneOsVersionMissing,
        Settle::BrowserVersionMissing,
        Settle::VersionTooVague,
        Settle::BrowserNotListed,
    ];

    /// A stable name for CSV and NDJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Settle::OsNotRecognised => "os-not-recognised",
            Settle::OsVersionMissing => "os-version-missing",
            Settle::OsVersionNotVersion => "os-version-not-a-version",
            Settle::NoPhone => "no-phone",
            Settle::PhoneOsVersionMissing => "phone-os-version-missing",
            Settle::BrowserVersionMissing => "browser-version-missing",
            Settle::VersionTooVague => "version-too-vague",
            Settle::BrowserNotListed => "browser-not-listed",
        }
    }

    /// What is missing, as the start of a sentence ("OS version missing on 1,204 devices").
    pub fn what(self) -> &'static str {
        match self {
            Settle::OsNotRecognised => "operating system missing or not recognised",
            Settle::OsVersionMissing => "OS version missing",
            Settle::OsVersionNotVersion => "OS version not a version number",
            Settle::NoPhone => "no phone in the inventory",
            Settle::PhoneOsVersionMissing => "phone OS version missing",
            Settle::BrowserVersionMissing => "browser version missing from the sign-in logs",
            Settle::VersionTooVague => "version too vague to compare with the minimum",
            Settle::BrowserNotListed => "browser not in the compatibility matrix",
        }
    }

    /// The input that would settle it.
    pub fn settle(self) -> &'static str {
        match self {
            Settle::OsNotRecognised => {
                "export with the OS column (Graph operatingSystem); devices of other systems stay out of scope"
            }
            Settle::OsVersionMissing => "export with the OS version column (Graph osVersion)",
            Settle::OsVersionNotVersion => "export the OS version as a number (Graph osVersion, e.g. 10.0.19045.4291)",
            Settle::NoPhone => "add the users' phones to the inventory (enrolled personal devices count)",
            Settle::PhoneOsVersionMissing => "export the phones with the OS version column (Graph osVersion)",
            Settle::BrowserVersionMissing => {
                "give sign-in logs whose browser field carries the version (Graph deviceDetail.browser, e.g. Safari 17.1)"
            }
            Settle::VersionTooVague => "export the full OS version (all its parts)",
            Settle::BrowserNotListed => "test this browser before rollout, or steer its users to a listed one",
        }
    }
}

/// A blocked result: the matrix row that blocks, and the minimum when it is one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block {
    pub row: String,
    /// `client.os_version 10.0.18362` when a minimum version blocks.
    pub need: Option<String>,
}

/// One result for one device (same-device) or one user (cross-device).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Ready; the rows whose minimums no input carries (conditions for the plan).
    Ready(Vec<String>),
    Blocked(Block),
    Unknown(Settle),
    /// Not applicable: the row that says so, or none (e.g. cross-device for a security key).
    NotApplicable(Option<String>),
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Ready(_) => "ready",
            Verdict::Blocked(_) => "blocked",
            Verdict::Unknown(_) => "unknown",
            Verdict::NotApplicable(_) => "not_applicable",
        }
    }

    /// The order results of several clients or pairs combine in (lower wins) for one device.
    fn device_rank(&self) -> u8 {
        match self {
            Verdict::Blocked(_) => 0,
            Verdict::Unknown(_) => 1,
            Verdict::Ready(_) => 2,
            Verdict::NotApplicable(_) => 3,
        }
    }

    /// For a user's pairs: one pair that works is enough.
    fn user_rank(&self) -> u8 {
        match self {
            Verdict::Ready(_) => 0,
            Verdict::Unknown(_) => 1,
            Verdict::Blocked(_) => 2,
            Verdict::NotApplicable(_) => 3,
        }
    }
}

/// Minimum-version facts that an inventory or a sign-in log can give, and what settles each
/// when it is missing. Any other minimum is a condition.
fn derivable(fact: &str) -> Option<Settle> {
    match fact {
        "client.os_version" => Some(Settle::OsVersionMissing),
        "phone.os_version" => Some(Settle::PhoneOsVersionMissing),
        "client.browser_version" => Some(Settle::BrowserVersionMissing),
        _ => None,
    }
}

/// The platform's own synced-passkey provider, when it has one built in.
fn builtin_provider(os: Os) -> Option<&'static str> {
    match os {
        Os::Macos | Os::Ios => Some("icloud-keychain"),
        Os::Android => Some("google-password-manager"),
        _ => None,
    }
}

type Facts = Vec<(&'static str, String)>;

/// Evaluates against one matrix, remembering verdicts for facts already seen.
pub struct Evaluator<'m> {
    pub matrix: &'m Matrix,
    cache: RefCell<HashMap<Facts, Verdict>>,
}

impl<'m> Evaluator<'m> {
    pub fn new(matrix: &'m Matrix) -> Self {
        Evaluator { matrix, cache: RefCell::new(HashMap::new()) }
    }

    /// The matrix's answer for one set of facts, as a verdict (steps 1, 3, 4, 5).
    fn judge(&self, facts: Facts) -> Verdict {
        if let Some(v) = self.cache.borrow().get(&facts) {
            return v.clone();
        }
        let v = judge(self.matrix, &facts);
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(facts, v.clone());
        v
    }

    /// Same-device: the device signs in (or registers) with the passkey on itself, with each
    /// client it is seen signing in with (a browser the logs don't name when none).
    pub fn same_device(&self, d: &Device, clients: &[Client], t: PasskeyType, phase: Phase) -> Verdict {
        let Some(os) = d.os else { return Verdict::Unknown(Settle::OsNotRecognised) };
        // Authenticator runs on phones only (iOS 17+ / Android 14+): on a computer its passkey is
        // used through the QR code, never on the same device (facts §1d, S2).
        if t == PasskeyType::Authenticator && !os.is_phone() {
            return Verdict::NotApplicable(None);
        }
        let mut list: Vec<Client> =
            clients.iter().filter(|c| c.kind != "device-sign-in" || t == PasskeyType::SecurityKey).cloned().collect();
        if list.iter().all(|c| c.kind == "device-sign-in") {
            list.push(Client::any_browser());
        }
        // A security key also signs in at the Windows sign-in screen of the PC itself (keys are
        // registered in a browser, so not for registration).
        list.retain(|c| c.kind != "device-sign-in" || phase == Phase::SignIn);
        if list.is_empty() {
            list.push(Client::any_browser());
        }
        if t == PasskeyType::SecurityKey
            && phase == Phase::SignIn
            && os == Os::Windows
            && !list.iter().any(|c| c.kind == "device-sign-in")
        {
            list.push(Client { kind: "device-sign-in", browser: None, browser_version: None, app: None });
        }
        let verdicts = list.iter().map(|c| {
            let mut f = base(t, "same-device", phase);
            client_facts(&mut f, d, os, c);
            if t == PasskeyType::Synced
                && let Some(p) = builtin_provider(os)
            {
                f.push(("credential.provider", p.to_string()));
            }
            self.with_device_version(d, f)
        });
        combine(verdicts, Verdict::device_rank)
    }

    /// Step 2 after step 1: without a usable OS version, only "not applicable" can be told.
    fn with_device_version(&self, d: &Device, mut f: Facts) -> Verdict {
        match &d.os_version {
            Some(v) => {
                f.push(("client.os_version", v.clone()));
                self.judge(f)
            }
            None => match self.judge(f) {
                na @ Verdict::NotApplicable(_) => na,
                _ if d.os_version_raw.is_some() => Verdict::Unknown(Settle::OsVersionNotVersion),
                _ => Verdict::Unknown(Settle::OsVersionMissing),
            },
        }
    }

    /// Cross-device: one user signs in on a computer with the passkey on a phone. Ready when one
    /// of the user's computer × phone pairs works.
    pub fn cross_device(
        &self,
        computers: &[(&Device, &[Client])],
        phones: &[&Device],
        t: PasskeyType,
        phase: Phase,
    ) -> Verdict {
        if !t.has_cross_device() || computers.is_empty() {
            return Verdict::NotApplicable(None);
        }
        if phones.is_empty() {
            return Verdict::Unknown(Settle::NoPhone);
        }
        let mut pairs = Vec::new();
        for (computer, clients) in computers.iter().take(MAX_COMPUTERS) {
            let Some(os) = computer.os else {
                pairs.push(Verdict::Unknown(Settle::OsNotRecognised));
                continue;
            };
            for phone in phones.iter().take(MAX_PHONES) {
                let Some(phone_os) = phone.os else { continue };
                let mut list: Vec<Client> = clients.iter().filter(|c| c.kind != "device-sign-in").cloned().collect();
                if list.is_empty() {
                    list.push(Client::any_browser());
                }
                let verdicts = list.iter().map(|c| {
                    let mut f = base(t, "cross-device", phase);
                    client_facts(&mut f, computer, os, c);
                    f.push(("phone.os", phone_os.as_str().to_string()));
                    if t == PasskeyType::Synced
                        && let Some(p) = builtin_provider(phone_os)
                    {
                        f.push(("credential.provider", p.to_string()));
                    }
                    let phone_version = phone.os_version.clone();
                    if let Some(v) = &phone_version {
                        f.push(("phone.os_version", v.clone()));
                    }
                    match self.with_device_version(computer, f) {
                        Verdict::NotApplicable(r) => Verdict::NotApplicable(r),
                        _ if phone_version.is_none() => Verdict::Unknown(Settle::PhoneOsVersionMissing),
                        v => v,
                    }
                });
                pairs.push(combine(verdicts, Verdict::device_rank));
            }
        }
        combine(pairs.into_iter(), Verdict::user_rank)
    }
}

fn base(t: PasskeyType, flow: &str, phase: Phase) -> Facts {
    vec![("credential.type", t.as_str().to_string()), ("flow", flow.to_string()), ("phase", phase.as_str().to_string())]
}

fn client_facts(f: &mut Facts, d: &Device, os: Os, c: &Client) {
    f.push(("client.os", os.as_str().to_string()));
    f.push(("client.kind", c.kind.to_string()));
    if let Some(j) = d.join_type {
        f.push(("device.join_type", j.to_string()));
    }
    if let Some(b) = c.browser {
        f.push(("client.browser", b.to_string()));
    }
    if let Some(v) = &c.browser_version {
        f.push(("client.browser_version", v.clone()));
    }
    if let Some(a) = c.app {
        f.push(("client.app", a.to_string()));
    }
}

/// The best-ranked verdict (conditions of ready ones merged); not applicable when there is none.
fn combine(verdicts: impl Iterator<Item = Verdict>, rank: fn(&Verdict) -> u8) -> Verdict {
    let mut best: Option<Verdict> = None;
    let mut conditions: Vec<String> = Vec::new();
    for v in verdicts {
        if let Verdict::Ready(c) = &v {
            for id in c {
                if !conditions.contains(id) {
                    conditions.push(id.clone());
                }
            }
        }
        if best.as_ref().is_none_or(|b| rank(&v) < rank(b)) {
            best = Some(v);
        }
    }
    match best {
        Some(Verdict::Ready(_)) => Verdict::Ready(conditions),
        Some(v) => v,
        None => Verdict::NotApplicable(None),
    }
}

/// The matrix's evaluations of every area, read as one verdict.
fn judge(m: &Matrix, facts: &Facts) -> Verdict {
    let lookup = |k: &str| facts.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone());
    let evals: Vec<_> = Area::ALL.iter().map(|a| m.evaluate(*a, &lookup)).collect();
    let deciding = |want: MatrixVerdict| evals.iter().filter(move |e| e.verdict == want).filter_map(|e| e.rows.first());
    // A combination that doesn't exist wins over any other row that also refuses it (Firefox on
    // Android doesn't make a Windows Hello passkey on Android any less impossible).
    let impossible = evals
        .iter()
        .filter(|e| e.verdict == MatrixVerdict::Unsupported)
        .flat_map(|e| e.rows.iter())
        .find(|r| r.support == Support::NotApplicable);
    if let Some(r) = impossible {
        return Verdict::NotApplicable(Some(r.id.clone()));
    }
    if let Some(r) = deciding(MatrixVerdict::Unsupported).next() {
        return Verdict::Blocked(Block { row: r.id.clone(), need: None });
    }
    if let Some(r) = deciding(MatrixVerdict::BelowMinimum).next() {
        let need = r.first_below_minimum(&lookup).map(|(fact, min)| format!("{fact} {min}"));
        return Verdict::Blocked(Block { row: r.id.clone(), need });
    }
    let mut conditions = Vec::new();
    for row in evals.iter().flat_map(|e| e.rows.iter()) {
        for (fact, min) in &row.min_versions {
            match lookup(fact) {
                None => match derivable(fact) {
                    Some(settle) => return Verdict::Unknown(settle),
                    None => {
                        if !conditions.contains(&row.id) {
                            conditions.push(row.id.clone());
                        }
                    }
                },
                Some(have) => {
                    let (Some(have), Some(min)) = (Version::parse(&have), Version::parse(min)) else {
                        return Verdict::Unknown(Settle::VersionTooVague);
                    };
                    if have.below(&min).is_none() {
                        return Verdict::Unknown(Settle::VersionTooVague);
                    }
                }
            }
        }
    }
    if lookup("client.browser").as_deref() == Some("other") {
        return Verdict::Unknown(Settle::BrowserNotListed);
    }
    Verdict::Ready(conditions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> Matrix {
        serde_json::from_str(include_str!("../../assets/compat-matrix.json")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn device(os: Os, version: Option<&str>) -> Device {
        Device {
            id: "d".into(),
            os: Some(os),
            os_version: version.map(str::to_string),
            os_version_raw: version.map(str::to_string),
            ..Device::default()
        }
    }

    #[test]
    fn the_windows_sign_in_screen_needs_1903_for_a_security_key() {
        let m = matrix();
        let ev = Evaluator::new(&m);
        let old = device(Os::Windows, Some("10.0.17763.2686"));
        match ev.same_device(&old, &[], PasskeyType::SecurityKey, Phase::SignIn) {
            Verdict::Blocked(b) => {
                assert_eq!(b.row, "device-sign-in-security-key");
                assert_eq!(b.need.as_deref(), Some("client.os_version 10.0.18362"));
            }
            v => panic!("{v:?}"),
        }
        let new = device(Os::Windows, Some("10.0.19045.4291"));
        assert!(matches!(ev.same_device(&new, &[], PasskeyType::SecurityKey, Phase::SignIn), Verdict::Ready(_)));
    }

    #[test]
    fn never_guessed() {
        let m = matrix();
        let ev = Evaluator::new(&m);
        let iphone_no_version = device(Os::Ios, None);
        assert_eq!(
            ev.same_device(&iphone_no_version, &[], PasskeyType::Authenticator, Phase::SignIn),
            Verdict::Unknown(Settle::OsVersionMissing)
        );
        let mac = device(Os::Macos, None);
        // Authenticator runs on phones: on a Mac its passkey is cross-device only.
        assert_eq!(ev.same_device(&mac, &[], PasskeyType::Authenticator, Phase::SignIn), Verdict::NotApplicable(None));
        // Windows Hello passkeys don't exist on a Mac, whatever its version.
        assert_eq!(
            ev.same_device(&mac, &[], PasskeyType::WindowsHello, Phase::SignIn),
            Verdict::NotApplicable(Some("web-windows-hello-not-windows".into()))
        );
        let iphone = device(Os::Ios, Some("16.7"));
        match ev.same_device(&iphone, &[], PasskeyType::Authenticator, Phase::SignIn) {
            Verdict::Blocked(b) => assert_eq!(b.row, "authenticator-same-device-ios"),
            v => panic!("{v:?}"),
        }
        let android = device(Os::Android, Some("14"));
        match ev.same_device(&android, &[], PasskeyType::Authenticator, Phase::SignIn) {
            Verdict::Ready(conditions) => assert!(conditions.contains(&"os-android-play-services".to_string())),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn cross_device_needs_one_working_pair() {
        let m = matrix();
        let ev = Evaluator::new(&m);
        let pc = device(Os::Windows, Some("10.0.22631"));
        let old_phone = device(Os::Ios, Some("16.7"));
        let new_phone = device(Os::Android, Some("14"));
        let computers: [(&Device, &[Client]); 1] = [(&pc, &[])];
        match ev.cross_device(&computers, &[&old_phone], PasskeyType::Authenticator, Phase::SignIn) {
            Verdict::Blocked(b) => assert_eq!(b.row, "authenticator-phone-ios"),
            v => panic!("{v:?}"),
        }
        assert!(matches!(
            ev.cross_device(&computers, &[&old_phone, &new_phone], PasskeyType::Authenticator, Phase::SignIn),
            Verdict::Ready(_)
        ));
        assert_eq!(
            ev.cross_device(&computers, &[], PasskeyType::Authenticator, Phase::SignIn),
            Verdict::Unknown(Settle::NoPhone)
        );
        assert_eq!(
            ev.cross_device(&computers, &[&new_phone], PasskeyType::SecurityKey, Phase::SignIn),
            Verdict::NotApplicable(None)
        );
    }
}
