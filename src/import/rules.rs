//! From one entry to the facts the log really says: rules 2-11 of
//! `shared/reference/signin-logs.md` §1.5 (normative). Anything the rules don't name gives no
//! fact: an unknown string is never a guess, and the log can't know the phase, the flow, the
//! phone or the tenant's policy.

use super::ImportedFact;
use super::record::{AuthStep, CaPolicy, Entry, Field};
use crate::vocab::Version;

/// "Windows Sign In", community-known first-party app id (rule 4).
const WINDOWS_SIGN_IN: &str = "38aa3b87-a06d-4817-b275-7a316988d93b";

/// Native apps named by app id (rule 7). `Microsoft Office` (d3590ed6…, shared by Word, Excel and
/// Outlook desktop) and the broker apps are deliberately absent: they don't say which app.
const NATIVE_APPS: [(&str, &str); 3] = [
    ("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "teams"),
    ("27922004-5251-4030-b22d-91ecd9a37ea4", "outlook"),
    ("ab9b8c07-8f02-4f72-87fa-80105867a763", "onedrive"),
];

/// Passkey AAGUIDs (`shared/reference/entra-passkey-facts.md` §7) for `Passkey (device-bound)`.
const AUTHENTICATOR_AAGUIDS: [&str; 2] =
    ["90a3ccdf-635c-4729-a248-9b709135078f", "de1e552d-db1d-4423-a619-566b625cdc84"];
const WINDOWS_HELLO_AAGUIDS: [&str; 3] = [
    "08987058-cadc-4b81-b6e1-30de50dcbe96",
    "9ddd1817-af5a-4672-a2b9-3e3dd95000a9",
    "6028b017-b1d4-4c02-b4b3-afcdafc96bb2",
];

/// Broker app not installed (AADSTS50127, rule 8).
const BROKER_NOT_INSTALLED: u64 = 50127;

/// The facts of one entry, in a fixed order, each with its source.
pub fn facts(e: &Entry) -> Vec<ImportedFact> {
    mapped(e).0
}

/// The facts of one entry, and the fields left out because they are longer than a fact may hold
/// (`<format>: <field> (N bytes)`), so whoever imports can say so.
pub fn mapped(e: &Entry) -> (Vec<ImportedFact>, Vec<String>) {
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    let fmt = e.format;
    // A value longer than any fact may hold (a forged or corrupt field) is not evidence: left out,
    // so the facts printed are always ones `diagnose` and the wizard accept.
    let mut push = |key: &'static str, value: String, field: &str| {
        let source = format!("{}: {field}", fmt.label());
        if value.len() <= crate::vocab::MAX_FACT_VALUE_BYTES {
            out.push(ImportedFact { key, value, source });
        } else {
            left_out.push(format!("{source} ({} bytes)", value.len()));
        }
    };
    // Rule 2: time verbatim (when it is RFC 3339), UPN lowercased, correlation id.
    if let Some(t) = &e.time
        && chrono::DateTime::parse_from_rfc3339(&t.value).is_ok()
    {
        push("signin.time", t.value.clone(), t.field);
    }
    if let Some(u) = &e.upn {
        push("user.upn", crate::text::sanitize_line(&u.value.to_lowercase()), u.field);
    }
    if let Some(c) = &e.correlation_id {
        push("signin.correlation_id", crate::text::sanitize_line(&c.value), c.field);
    }
    // Rule 3: the code in the contract's form; the failure reason is not what the user saw.
    let code = e.code();
    if let (Some(c), Some(f)) = (code, &e.error_code)
        && c != 0
    {
        push("error.code", format!("AADSTS{c}"), f.field);
    }
    // Rule 4.
    let kind = client_kind(e);
    if let Some((k, f)) = &kind {
        push("client.kind", k.to_string(), f);
    }
    let kind = kind.map(|(k, _)| k);
    let browser = e.browser.as_ref().and_then(|b| browser_family(&b.value).map(|fam| (fam, b)));
    // Rule 5.
    if let Some(os) = &e.os
        && let Some(name) = os_family(&os.value)
    {
        push("client.os", name.to_string(), os.field);
        let browser_named = browser.map(|(family, b)| (family, b.value.as_str()));
        if let Some(v) = os_version(name, &os.value, kind, browser_named, e.user_agent.as_ref()) {
            push("client.os_version", v, os.field);
        }
    }
    // Rule 6.
    if kind == Some("browser")
        && let Some((family, b)) = browser
    {
        push("client.browser", family.to_string(), b.field);
        if let Some(v) = trailing_version(&b.value) {
            push("client.browser_version", v, b.field);
        }
    }
    // Rule 7.
    if kind == Some("native-app")
        && let Some(app) = &e.app_id
        && let Some((_, name)) = NATIVE_APPS.iter().find(|(id, _)| app.value.eq_ignore_ascii_case(id))
    {
        push("client.app", name.to_string(), app.field);
    }
    // Rule 8.
    if code == Some(BROKER_NOT_INSTALLED)
        && let Some(f) = &e.error_code
    {
        push("client.broker", "missing".to_string(), f.field);
    }
    // Rule 9.
    if let Some(steps) = &e.auth_steps
        && let Some(t) = credential_type(&steps.value)
    {
        // The CSV names its column; the JSON formats the list, whose steps' method said so.
        let field = if fmt == super::Format::PortalCsv {
            steps.field.to_string()
        } else {
            format!("{}.authenticationMethod", steps.field)
        };
        push("credential.type", t.to_string(), &field);
    }
    // Rule 10.
    if let Some(p) = &e.ca_policies
        && let Some(s) = auth_strength(&p.value)
    {
        push("ca.auth_strength", s.to_string(), p.field);
    }
    (out, left_out)
}

/// Rule 4: `client.kind` and the field that said so.
fn client_kind(e: &Entry) -> Option<(&'static str, &'static str)> {
    if let Some(app) = &e.app_id
        && app.value.eq_ignore_ascii_case(WINDOWS_SIGN_IN)
    {
        return Some(("device-sign-in", app.field));
    }
    let c = e.client_app.as_ref()?;
    let v = c.value.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
    match v.as_str() {
        "browser" => Some(("browser", c.field)),
        "mobile apps and desktop clients" => Some(("native-app", c.field)),
        _ => None,
    }
}

/// Rule 5: the OS family, from a case-insensitive prefix (spaces ignored: `Mac OS`, `MacOs`).
pub fn os_family(raw: &str) -> Option<&'static str> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let table: [(&str, &str); 10] = [
        ("windows", "windows"),
        ("ipados", "ios"),
        ("ios", "ios"),
        ("macos", "macos"),
        ("macosx", "macos"),
        ("android", "android"),
        ("linux", "linux"),
        ("ubuntu", "linux"),
        ("chromeos", "chromeos"),
        ("cros", "chromeos"),
    ];
    table.iter().find(|(prefix, _)| s.starts_with(prefix)).map(|(_, name)| *name)
}

/// Rule 5: a version only for iOS, Android, macOS and ChromeOS; never for Windows (Windows 10 and
/// 11 both say 10). Frozen values of reduced user agents are not versions: `Android 10` from a
/// Chromium browser (`Android 10; K`), `10.15.7` on macOS from any browser (U1: every macOS
/// browser sends `Mac OS X 10_15_7`), and `14541.0.0` on ChromeOS from any browser (`CrOS x86_64
/// 14541.0.0`).
fn os_version(
    os: &str,
    raw: &str,
    kind: Option<&str>,
    browser: Option<(&str, &str)>,
    user_agent: Option<&Field<String>>,
) -> Option<String> {
    if !matches!(os, "ios" | "android" | "macos" | "chromeos") {
        return None;
    }
    let v = trailing_version(raw)?;
    let parsed = Version::parse(&v)?;
    let browser_sign_in = kind != Some("native-app") && kind != Some("device-sign-in");
    // Samsung Internet and Opera are Chromium too, but their family is `other`: the browser's
    // own name says so.
    let chromium = browser.is_some_and(|(family, named)| {
        let named = named.to_ascii_lowercase();
        matches!(family, "chrome" | "edge") || named.contains("samsung") || named.contains("opera")
    }) || user_agent.is_some_and(|ua| ua.value.contains("Chrome/") || ua.value.contains("; K)"));
    let is = |frozen: &[u64]| parsed.cmp_padded(&Version(frozen.to_vec())) == std::cmp::Ordering::Equal;
    if os == "android" && chromium && is(&[10]) {
        return None;
    }
    if os == "macos" && browser_sign_in && is(&[10, 15, 7]) {
        return None;
    }
    // Chromium's reduced user agent freezes the ChromeOS platform version too (`CrOS x86_64
    // 14541.0.0`, U1): every ChromeOS browser sends it.
    if os == "chromeos" && browser_sign_in && is(&[14541, 0, 0]) {
        return None;
    }
    Some(v)
}

/// The trailing dotted number of `Edge 124.0.0`, `Ios 18.2.1`, `Rich Client v3.14`; there must be
/// a name before it.
pub fn trailing_version(raw: &str) -> Option<String> {
    let mut words = raw.split_whitespace();
    let last = words.next_back()?;
    words.next_back()?;
    let last = last.strip_prefix(['v', 'V']).unwrap_or(last);
    Version::parse(last).map(|_| last.to_string())
}

/// Rule 6: browser family by its first word(s).
pub fn browser_family(raw: &str) -> Option<&'static str> {
    let s = raw.trim().to_ascii_lowercase();
    if s.is_empty() || s == "unknown" {
        return None;
    }
    let family = if s.starts_with("mobile safari") || s.starts_with("safari") {
        "safari"
    } else if s.starts_with("edge") || s.starts_with("microsoft edge") {
        "edge"
    } else if s.starts_with("chrome") {
        "chrome"
    } else if s.starts_with("firefox") {
        "firefox"
    } else {
        "other"
    };
    Some(family)
}

/// Rule 9 (§1.3): the type of the last passkey step. `Windows Hello for Business` is not a
/// passkey here; `Passkey (device-bound)` needs a known AAGUID in its detail to say more than
/// "a security key", and without any AAGUID says nothing.
pub fn credential_type(steps: &[AuthStep]) -> Option<&'static str> {
    steps.iter().rev().find_map(|s| {
        let method = s.method.as_ref()?.0.trim().to_ascii_lowercase();
        match method.as_str() {
            "fido2 security key" => Some(Some("security-key")),
            "passkey (microsoft authenticator)" => Some(Some("authenticator")),
            "passkey (synced)" => Some(Some("synced")),
            "passkey (windows hello)" => Some(Some("windows-hello")),
            "passkey (device-bound)" => {
                let detail = s.detail.as_ref().map(|d| d.0.to_ascii_lowercase()).unwrap_or_default();
                Some(find_aaguid(&detail).map(|g| {
                    if AUTHENTICATOR_AAGUIDS.contains(&g.as_str()) {
                        "authenticator"
                    } else if WINDOWS_HELLO_AAGUIDS.contains(&g.as_str()) {
                        "windows-hello"
                    } else {
                        "security-key"
                    }
                }))
            }
            _ => None,
        }
    })?
}

/// The first GUID in a text (lowercase input), e.g. `My Security Key - ee882879-…`.
fn find_aaguid(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let shape = [8, 4, 4, 4, 12];
    (0..b.len()).find_map(|start| {
        let mut i = start;
        for (n, len) in shape.iter().enumerate() {
            if n > 0 {
                if b.get(i) != Some(&b'-') {
                    return None;
                }
                i += 1;
            }
            let part = b.get(i..i + len)?;
            if !part.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            i += len;
        }
        // Not the middle of a longer hex run.
        let before_ok = start == 0 || !b[start - 1].is_ascii_hexdigit();
        let after_ok = b.get(i).is_none_or(|c| !c.is_ascii_hexdigit());
        (before_ok && after_ok).then(|| s[start..i].to_string())
    })
}

/// Rule 10: the authentication-strength outcome; nothing when the list is omitted or empty.
pub fn auth_strength(policies: &[CaPolicy]) -> Option<&'static str> {
    if policies.is_empty() {
        return None;
    }
    let result = |p: &CaPolicy| p.result.as_ref().map(|r| r.0.trim().to_ascii_lowercase()).unwrap_or_default();
    let strength_result = |p: &CaPolicy| {
        p.strength.as_ref().map(|s| s.result.as_ref().map(|r| r.0.trim().to_ascii_lowercase()).unwrap_or_default())
    };
    // v1.0 has no `authenticationStrength`; its grant control says so (unverified string).
    let grant_strength = |p: &CaPolicy| {
        p.grant_controls
            .iter()
            .flatten()
            .any(|g| g.0.trim().to_ascii_lowercase().starts_with("requireauthenticationstrength"))
    };
    let enforces = |p: &CaPolicy| strength_result(p).is_some() || grant_strength(p);
    let not_satisfied = policies.iter().any(|p| {
        result(p) == "failure"
            && match strength_result(p) {
                Some(r) => !matches!(r.as_str(), "satisfied" | "notset" | "skippedforproofup"),
                None => grant_strength(p),
            }
    });
    if not_satisfied {
        return Some("not-satisfied");
    }
    if policies.iter().any(|p| result(p) == "success" && enforces(p)) {
        return Some("satisfied");
    }
    Some("none")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::record::Loose;

    fn step(method: &str, detail: &str) -> AuthStep {
        AuthStep { method: Some(Loose(method.into())), detail: Some(Loose(detail.into())) }
    }

    #[test]
    fn os_and_versions() {
        assert_eq!(os_family("Windows10"), Some("windows"));
        assert_eq!(os_family("MacOs"), Some("macos"));
        assert_eq!(os_family("Mac OS X"), Some("macos"));
        assert_eq!(os_family("Ios 18.2.1"), Some("ios"));
        assert_eq!(os_family("iPadOS 17"), Some("ios"));
        assert_eq!(os_family("Chrome OS"), Some("chromeos"));
        assert_eq!(os_family("PlayStation"), None);
        assert_eq!(os_version("windows", "Windows 10", Some("browser"), Some(("edge", "Edge 131")), None), None);
        assert_eq!(os_version("android", "Android 10", Some("browser"), Some(("chrome", "Chrome 131")), None), None);
        assert_eq!(
            os_version("android", "Android 10", Some("browser"), Some(("firefox", "Firefox 133")), None),
            Some("10".into())
        );
        // Samsung Internet and Opera are Chromium: their "Android 10" is the frozen value too.
        for named in ["Samsung Browser 24.0", "Opera 80.1"] {
            assert_eq!(os_version("android", "Android 10", Some("browser"), Some(("other", named)), None), None);
        }
        assert_eq!(
            os_version("android", "Android 14", Some("browser"), Some(("chrome", "Chrome 131")), None),
            Some("14".into())
        );
        assert_eq!(os_version("macos", "MacOs 10.15.7", Some("browser"), Some(("safari", "Safari 17")), None), None);
        assert_eq!(
            os_version("macos", "MacOs 14.4", Some("browser"), Some(("safari", "Safari 17")), None),
            Some("14.4".into())
        );
        assert_eq!(os_version("ios", "Ios 18.2.1", None, None, None), Some("18.2.1".into()));
        assert_eq!(os_version("ios", "Ios", None, None, None), None);
    }

    #[test]
    fn browsers() {
        assert_eq!(browser_family("Mobile Safari"), Some("safari"));
        assert_eq!(browser_family("Edge 124.0.0"), Some("edge"));
        assert_eq!(browser_family("Chrome Mobile iOS 124.0"), Some("chrome"));
        assert_eq!(browser_family("IE 7.0"), Some("other"));
        assert_eq!(browser_family(""), None);
        assert_eq!(trailing_version("Edge 124.0.0").as_deref(), Some("124.0.0"));
        assert_eq!(trailing_version("Mobile Safari"), None);
        assert_eq!(trailing_version("Rich Client v3.14.1592.7").as_deref(), Some("3.14.1592.7"));
        assert_eq!(trailing_version("124.0"), None);
    }

    #[test]
    fn passkey_steps() {
        let aaguid = |g: &str| step("Passkey (device-bound)", &format!("Key - {g}"));
        assert_eq!(credential_type(&[aaguid("90a3ccdf-635c-4729-a248-9b709135078f")]), Some("authenticator"));
        assert_eq!(credential_type(&[aaguid("6028B017-B1D4-4C02-B4B3-AFCDAFC96BB2")]), Some("windows-hello"));
        assert_eq!(credential_type(&[aaguid("ee882879-721c-4913-9775-3dfcce97072a")]), Some("security-key"));
        assert_eq!(credential_type(&[step("Passkey (device-bound)", "My key")]), None);
        assert_eq!(
            credential_type(&[
                step("Passkey (synced)", ""),
                step("Password", ""),
                step("Windows Hello for Business", "")
            ]),
            Some("synced")
        );
        assert_eq!(credential_type(&[step("FIDO2 security key", ""), step("Passkey (synced)", "")]), Some("synced"));
        assert_eq!(credential_type(&[step("Password", "")]), None);
    }

    #[test]
    fn strengths() {
        let p = |result: &str, grant: &[&str], strength: Option<&str>| CaPolicy {
            result: Some(Loose(result.into())),
            grant_controls: Some(grant.iter().map(|g| Loose(g.to_string())).collect()),
            strength: strength.map(|s| crate::import::record::AuthStrength { result: Some(Loose(s.into())) }),
        };
        assert_eq!(auth_strength(&[]), None);
        assert_eq!(auth_strength(&[p("failure", &["Mfa"], None)]), Some("none"));
        assert_eq!(auth_strength(&[p("failure", &["RequireAuthenticationStrength"], None)]), Some("not-satisfied"));
        assert_eq!(auth_strength(&[p("failure", &[], Some("cannotSatisfy"))]), Some("not-satisfied"));
        assert_eq!(auth_strength(&[p("success", &[], Some("satisfied"))]), Some("satisfied"));
        assert_eq!(auth_strength(&[p("failure", &[], Some("notSet"))]), Some("none"));
        assert_eq!(auth_strength(&[p("notApplied", &["RequireAuthenticationStrength"], None)]), Some("none"));
    }
}
