//! Remediation that fits the call (issue 12): over every scenario world, the outcome as rendered for
//! that world's facts
//!
//! (a) names no platform the call doesn't involve (an iPhone user gets no Android or Windows step),
//! (b) stays short: a median of at most 4 remediation steps per outcome,
//! (c) quotes, for an OS-version outcome, the version the user gave and the documented minimum.
//!
//! Worlds: `tests/scenarios/*.json` and the public examples (`shared/examples/scenarios/`, found
//! beside an ancestor of the crate when present). Figures print with
//! `cargo test --test remediation_fit -- --nocapture`.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use passkey_triage::diagnose::diagnose;
use passkey_triage::engine::outcome::render;
use passkey_triage::engine::{Role, Walk};
use passkey_triage::runbook::RunbookSet;
use serde_json::Value;

/// Most steps an outcome may show, as a median over all worlds.
const MEDIAN_STEPS_BUDGET: f64 = 4.0;

/// The class whose outcomes are about an OS (or app) version being too old.
const OS_VERSION_CLASS: &str = "unsupported-client.os-version";

/// Words that name a platform, whole-word and case-sensitive (`Mac`, not `machine`).
const PLATFORM_WORDS: &[(&str, &[&str])] = &[
    ("ios", &["iOS", "iPhone", "iPhones", "iPad", "iPadOS", "Apple App Attest"]),
    ("android", &["Android", "Samsung", "Galaxy", "Google Play"]),
    ("windows", &["Windows", "%LocalAppData%", "dsregcmd", "WebAuthN/Operational", "Policy CSP"]),
    ("macos", &["macOS", "Mac", "Macs", "MacBook"]),
    ("linux", &["Linux"]),
    ("chromeos", &["ChromeOS", "Chrome OS", "Chromebook"]),
];

/// Names that contain a platform word without being about that platform: an Android app's name and
/// the Windows passkey dialog's own option label.
const NOT_ABOUT_A_PLATFORM: &[&str] = &["Link to Windows", "'iPhone, iPad, or Android device'"];

/// Outcomes whose documented way round is another platform, and which one: a security key can't be
/// registered on this platform, and the 2024 tables (S1-old) name Windows (Edge or Firefox) as the
/// place where USB, NFC and Bluetooth keys all register.
const WAY_ROUND_ON: &[(&str, &str)] = &[("client-support#o-registration-unsupported", "windows")];

const DESKTOP: &[&str] = &["windows", "macos", "linux", "chromeos"];
const PHONE: &[&str] = &["ios", "android"];

struct World {
    file: String,
    facts: Vec<(String, String)>,
    role: Role,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The public examples, if a `shared/examples/scenarios` folder sits beside the crate or one of its
/// ancestors (the repo's checkout or a worktree of it).
fn public_examples_dir() -> Option<PathBuf> {
    manifest_dir().ancestors().map(|a| a.join("shared").join("examples").join("scenarios")).find(|d| d.is_dir())
}

fn load_dir(dir: &Path, label: &str, out: &mut Vec<World>) {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("list a scenario folder").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let facts = doc
            .get("facts")
            .and_then(Value::as_object)
            .map(|f| f.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        let role = match doc.get("role").and_then(Value::as_str) {
            Some("tier1") => Role::Tier1,
            _ => Role::Tier2,
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        out.push(World { file: format!("{label}/{name}"), facts, role });
    }
}

/// Calls no scenario file makes, for outcomes about a version: the facts a caller would give.
const VERSION_CALLS: &[(&str, &str, &str)] = &[
    (
        "android 14 phone without the provider APIs, QR from Windows",
        "authenticator#o-android14-oem",
        r#"{"phase":"sign-in","flow":"cross-device","client.kind":"browser","client.os":"windows",
            "client.os_version":"10.0.22631","client.browser":"edge","client.browser_version":"124",
            "credential.type":"authenticator","phone.os":"android","phone.os_version":"14",
            "phone.bluetooth":"on","desktop.bluetooth":"available","phone.internet":"yes","desktop.internet":"yes",
            "qr.scan":"ok","authenticator.signed_in":"yes","authenticator.provider_listed":"no"}"#,
    ),
    (
        "android 14 phone without the provider APIs, same device",
        "authenticator#o-android14-oem",
        r#"{"phase":"sign-in","flow":"same-device","client.kind":"browser","client.os":"android",
            "client.os_version":"14.1","client.browser":"chrome","client.browser_version":"124",
            "credential.type":"authenticator","authenticator.signed_in":"yes","authenticator.provider_listed":"no"}"#,
    ),
    (
        "google play services too old",
        "client-support#o-os-version",
        r#"{"phase":"sign-in","flow":"same-device","client.kind":"browser","client.os":"android",
            "client.os_version":"14","client.browser":"chrome","client.browser_version":"124",
            "credential.type":"synced","credential.provider":"google-password-manager",
            "device.passkey_offered":"yes","entra.passkey_registered":"yes","picker.choice":"work",
            "policy.passkey_method":"enabled-for-user","policy.passkey_type_allowed":"yes","policy.aaguid_allowed":"yes",
            "policy.attestation_enforced":"no","ca.auth_strength":"satisfied","android.play_services_version":"20.1"}"#,
    ),
    (
        "authenticator for iOS too old for a profile with both types",
        "client-support#o-os-version",
        r#"{"phase":"sign-in","flow":"cross-device","client.kind":"browser","client.os":"macos",
            "client.os_version":"14.4","client.browser":"chrome","client.browser_version":"124",
            "credential.type":"authenticator","phone.os":"ios","phone.os_version":"17.5",
            "phone.bluetooth":"on","desktop.bluetooth":"available","phone.internet":"yes","desktop.internet":"yes",
            "qr.scan":"ok","network.hybrid_endpoints":"reachable","authenticator.signed_in":"yes",
            "authenticator.provider_enabled":"yes","device.passkey_offered":"yes","entra.passkey_registered":"yes",
            "picker.choice":"work","policy.passkey_method":"enabled-for-user","policy.passkey_type_allowed":"yes",
            "policy.aaguid_allowed":"yes","policy.attestation_enforced":"no","ca.auth_strength":"satisfied",
            "policy.profile_types":"both","authenticator.app_version":"6.8.1"}"#,
    ),
    (
        "authenticator for Android too old for a profile with both types",
        "client-support#o-os-version",
        r#"{"phase":"sign-in","flow":"cross-device","client.kind":"browser","client.os":"windows",
            "client.os_version":"10.0.22631","client.browser":"edge","client.browser_version":"124",
            "credential.type":"authenticator","phone.os":"android","phone.os_version":"15",
            "phone.bluetooth":"on","desktop.bluetooth":"available","phone.internet":"yes","desktop.internet":"yes",
            "qr.scan":"ok","network.hybrid_endpoints":"reachable","authenticator.signed_in":"yes",
            "authenticator.provider_enabled":"yes","authenticator.android_profile":"same-profile",
            "phone.unlock_changed":"no","device.passkey_offered":"yes","entra.passkey_registered":"yes",
            "picker.choice":"work","policy.passkey_method":"enabled-for-user","policy.passkey_type_allowed":"yes",
            "policy.aaguid_allowed":"yes","policy.attestation_enforced":"no","ca.auth_strength":"satisfied",
            "policy.profile_types":"both","authenticator.app_version":"6.2401.100"}"#,
    ),
    (
        "iphone below the authenticator minimum and an old app",
        "client-support#o-os-version",
        r#"{"phase":"sign-in","flow":"cross-device","client.kind":"browser","client.os":"windows",
            "client.os_version":"10.0.22631","client.browser":"edge","client.browser_version":"124",
            "credential.type":"authenticator","phone.os":"ios","phone.os_version":"16.4",
            "policy.profile_types":"both","authenticator.app_version":"6.8.1"}"#,
    ),
    (
        "safari too old on a mac",
        "client-support#o-browser-too-old",
        r#"{"phase":"sign-in","flow":"same-device","client.kind":"browser","client.os":"macos",
            "client.os_version":"13.5","client.browser":"safari","client.browser_version":"13.1",
            "credential.type":"synced","credential.provider":"icloud-keychain"}"#,
    ),
];

fn version_calls() -> Vec<World> {
    VERSION_CALLS
        .iter()
        .map(|(name, _, facts)| {
            let facts: serde_json::Map<String, Value> = serde_json::from_str(facts).expect("a version call's facts");
            World {
                file: format!("call/{name}"),
                facts: facts.into_iter().filter_map(|(k, v)| Some((k, v.as_str()?.to_string()))).collect(),
                role: Role::Tier2,
            }
        })
        .collect()
}

/// Scenario files and the version calls: what (a) and (c) look at.
fn worlds_and_version_calls() -> Vec<World> {
    let mut out = worlds();
    out.extend(version_calls());
    out
}

fn worlds() -> Vec<World> {
    let mut out = Vec::new();
    load_dir(&manifest_dir().join("tests").join("scenarios"), "scenarios", &mut out);
    if let Some(dir) = public_examples_dir() {
        load_dir(&dir, "public", &mut out);
    }
    assert!(out.len() >= 45, "only {} scenario worlds found", out.len());
    out
}

/// Worlds next to each scenario: the same call with the phone on the other OS or not known, and
/// with the computer on another OS or not known. Not every variant is a likely call, but whatever
/// the facts, the steps shown must fit them.
fn variants(base: &[World]) -> Vec<World> {
    let mut out = Vec::new();
    for w in base {
        let get = |k: &str| w.facts.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let with = |k: &str, v: Option<&str>, tag: &str| {
            let mut facts: Vec<(String, String)> = w.facts.iter().filter(|(key, _)| key != k).cloned().collect();
            if let Some(v) = v {
                facts.push((k.to_string(), v.to_string()));
            }
            World { file: format!("{} [{tag}]", w.file), facts, role: w.role }
        };
        let phone_like = matches!(get("client.os"), Some("ios" | "android"));
        if !phone_like {
            for os in ["ios", "android"] {
                if get("phone.os") != Some(os) {
                    out.push(with("phone.os", Some(os), &format!("phone.os={os}")));
                }
            }
            if get("phone.os").is_some() {
                out.push(with("phone.os", None, "no phone.os"));
            }
        }
        for os in DESKTOP.iter().chain(PHONE) {
            if get("client.os") != Some(os) && (!phone_like || PHONE.contains(os)) {
                out.push(with("client.os", Some(os), &format!("client.os={os}")));
            }
        }
        out.push(with("client.os", None, "no client.os"));
    }
    out
}

/// One world's outcome as the agent reads it.
struct Shown {
    file: String,
    outcome: String,
    class: String,
    walk: Walk,
    steps: Vec<String>,
    collect: Vec<String>,
}

fn shown(set: &RunbookSet) -> Vec<Shown> {
    shown_in(set, worlds())
}

fn shown_in(set: &RunbookSet, worlds: Vec<World>) -> Vec<Shown> {
    let now = DateTime::from_timestamp(1_760_000_000, 0).expect("a fixed time");
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for w in worlds {
        let walk = match diagnose(set, &w.facts, true, w.role, now) {
            Ok((walk, _)) => walk,
            Err(e) => {
                problems.push(format!("{}: {e}", w.file));
                continue;
            }
        };
        let Some((node, outcome)) = walk.outcome(set) else {
            problems.push(format!("{}: no outcome", w.file));
            continue;
        };
        let rendered = render(set, &walk, outcome);
        out.push(Shown {
            file: w.file,
            outcome: node.to_string(),
            class: outcome.class.clone(),
            steps: rendered.remediation.into_iter().map(|s| s.text).collect(),
            collect: rendered.collect,
            walk,
        });
    }
    assert!(problems.is_empty(), "worlds that don't end in an outcome:\n{}", problems.join("\n"));
    out
}

/// Whether `word` occurs in `text` as a whole word.
fn has_word(text: &str, word: &str) -> bool {
    let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(word).any(|(at, _)| {
        !is_word_char(text[..at].chars().next_back()) && !is_word_char(text[at + word.len()..].chars().next())
    })
}

/// The platforms a text names.
fn platforms_named(text: &str) -> Vec<&'static str> {
    let mut text = text.to_string();
    for name in NOT_ABOUT_A_PLATFORM {
        text = text.replace(name, " ");
    }
    PLATFORM_WORDS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| has_word(&text, w)))
        .map(|(platform, _)| *platform)
        .collect()
}

/// The platforms a call involves: the client's OS (any computer's while unknown), the phone's (iOS
/// or Android while unknown or absent) and the passkey's own (a Windows Hello passkey lives on a
/// Windows PC, S7; an iCloud Keychain passkey on Apple devices).
fn platforms_involved(walk: &Walk) -> Vec<&'static str> {
    let known = |key: &str| walk.fact(key).filter(|v| *v != "unknown");
    let mut out: Vec<&'static str> = match known("client.os") {
        Some(os) => DESKTOP.iter().chain(PHONE).copied().filter(|p| *p == os).collect(),
        None => DESKTOP.to_vec(),
    };
    match known("phone.os") {
        Some(os) => out.extend(PHONE.iter().copied().filter(|p| *p == os)),
        None => out.extend(PHONE),
    }
    if walk.fact("credential.type") == Some("windows-hello") {
        out.push("windows");
    }
    // An iCloud Keychain passkey lives on the user's Apple devices (its iPhone is part of the call).
    if walk.fact("credential.provider") == Some("icloud-keychain") {
        out.extend(["ios", "macos"]);
    }
    out
}

/// Every rendered step and collect item that names a platform the call doesn't involve.
fn mismatches(all: &[Shown]) -> Vec<String> {
    let mut out = Vec::new();
    for s in all {
        let mut involved = platforms_involved(&s.walk);
        involved.extend(WAY_ROUND_ON.iter().filter(|(o, _)| *o == s.outcome).map(|(_, p)| *p));
        let items = s.steps.iter().map(|t| ("step", t)).chain(s.collect.iter().map(|t| ("collect", t)));
        for (kind, text) in items {
            let foreign: Vec<&str> = platforms_named(text).into_iter().filter(|p| !involved.contains(p)).collect();
            if !foreign.is_empty() {
                out.push(format!(
                    "{} ({}; involves {involved:?}): {kind} names {foreign:?}: {text}",
                    s.file, s.outcome
                ));
            }
        }
    }
    out
}

fn median(xs: &mut [usize]) -> f64 {
    xs.sort_unstable();
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2] as f64,
        n => (xs[n / 2 - 1] + xs[n / 2]) as f64 / 2.0,
    }
}

fn builtin() -> RunbookSet {
    RunbookSet::builtin().expect("built-in runbooks")
}

/// Prints how many items over `all` name a platform the call doesn't involve; fails on any.
fn assert_platforms_fit(what: &str, all: &[Shown]) {
    let found = mismatches(all);
    println!("{} {what}: {} platform-mismatched step(s) or collect item(s)", all.len(), found.len());
    assert!(
        found.is_empty(),
        "{} item(s) name a platform the call doesn't involve:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// (a) No step or collect item names a platform outside the call.
#[test]
fn steps_name_only_the_platforms_of_the_call() {
    let set = builtin();
    assert_platforms_fit("world(s)", &shown_in(&set, worlds_and_version_calls()));
}

/// (a) again, over the neighbours of every scenario (another phone, another computer, OS unknown).
#[test]
fn steps_fit_the_platforms_of_neighbouring_calls() {
    let set = builtin();
    assert_platforms_fit("neighbouring world(s)", &shown_in(&set, variants(&worlds())));
}

/// (b) The median number of steps shown per outcome stays within the budget.
#[test]
fn outcomes_show_few_steps() {
    let set = builtin();
    let all = shown(&set);
    let mut counts: Vec<usize> = all.iter().map(|s| s.steps.len()).collect();
    let max = all.iter().max_by_key(|s| s.steps.len()).map(|s| (s.steps.len(), s.file.as_str(), s.outcome.as_str()));
    let med = median(&mut counts);
    println!("{} world(s): median {med} remediation step(s) shown, max {max:?}", all.len());
    assert!(all.iter().all(|s| !s.steps.is_empty()), "an outcome shows no step at all");
    assert!(med <= MEDIAN_STEPS_BUDGET, "median {med} steps shown per outcome, budget {MEDIAN_STEPS_BUDGET}");
}

/// Dotted numbers in a text (`17`, `10.0.19045`, `14.2`).
fn versions_in(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty() && t.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
        .collect()
}

/// The words a step quoting this version fact must name it by.
fn what_the_version_is_of<'w>(walk: &'w Walk, fact: &str) -> Option<&'w str> {
    let os = |key: &str| walk.fact(key).map(passkey_triage::engine::outcome::os_name);
    match fact {
        "phone.os_version" => os("phone.os"),
        "client.os_version" => os("client.os"),
        "android.play_services_version" => Some("Google Play services"),
        "authenticator.app_version" => Some("Authenticator"),
        _ => None,
    }
}

/// (c) An OS-version outcome quotes the user's version and the minimum in one step.
#[test]
fn os_version_outcomes_quote_the_version_and_the_minimum() {
    let set = builtin();
    let all = shown_in(&set, worlds_and_version_calls());
    let mut problems = Vec::new();
    let mut checked = 0;
    for s in all.iter().filter(|s| s.class == OS_VERSION_CLASS) {
        checked += 1;
        let Some((_, outcome)) = s.walk.outcome(&set) else { continue };
        // The minimum the matrix row reports, when the outcome names its area and a version fell short.
        let row = outcome.matrix.and_then(|area| passkey_triage::engine::outcome::deciding_row(&set, &s.walk, area));
        let given: Vec<&str> =
            ["client.os_version", "phone.os_version", "android.play_services_version", "authenticator.app_version"]
                .iter()
                .filter_map(|k| s.walk.fact(k))
                .filter(|v| *v != "unknown")
                .collect();
        let quotes = |t: &str| {
            let vs = versions_in(t);
            let has_given = given.iter().any(|g| vs.contains(g));
            let has_minimum = match row.as_ref().and_then(|r| r.below.as_ref()) {
                // The version is named for what it is: "iOS 16.7", not "iOS 6.8.1" for an app.
                Some((fact, have, minimum)) => {
                    vs.contains(&have.as_str())
                        && vs.contains(&minimum.as_str())
                        && what_the_version_is_of(&s.walk, fact).is_some_and(|name| t.contains(name))
                }
                // No row below its minimum: the step still names a minimum other than the user's version.
                None => vs.iter().any(|v| !given.contains(v)),
            };
            has_given && has_minimum
        };
        if given.is_empty() {
            problems.push(format!("{} ({}): the world gives no OS version to quote", s.file, s.outcome));
        } else if !s.steps.iter().any(|t| quotes(t)) {
            problems.push(format!(
                "{} ({}): no step quotes the version given {given:?} and the minimum{}:\n    {}",
                s.file,
                s.outcome,
                row.as_ref()
                    .and_then(|r| r.below.as_ref())
                    .map(|b| format!(" ({} {} < {})", b.0, b.1, b.2))
                    .unwrap_or_default(),
                s.steps.join("\n    ")
            ));
        } else if let Some(line) = s.steps.iter().find(|t| quotes(t)) {
            println!("{} ({}): {line}", s.file, s.outcome);
        }
    }
    assert!(checked >= 2, "only {checked} world(s) end in {OS_VERSION_CLASS}");
    assert!(
        problems.is_empty(),
        "{} OS-version outcome(s) don't quote the call:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The version calls end where they are meant to, so (a) and (c) keep looking at those outcomes.
#[test]
fn version_calls_reach_their_outcomes() {
    let set = builtin();
    let all = shown_in(&set, version_calls());
    for ((name, want, _), s) in VERSION_CALLS.iter().zip(&all) {
        assert_eq!(s.outcome, *want, "{name}: ended at {} instead", s.outcome);
    }
    let too_old = all.iter().find(|s| s.outcome == "client-support#o-browser-too-old").expect("the old Safari call");
    assert!(too_old.steps.iter().any(|t| t.contains("13.1") && t.contains("14")), "{:?}", too_old.steps);
}

/// The checker itself: it must see a platform where one is named, and only there.
#[test]
fn what_tier_2_should_collect_fits_the_passkey_type() {
    let set = builtin();
    let mut bad = Vec::new();
    for shown in shown_in(&set, worlds_and_version_calls()) {
        let kind = shown.walk.fact("credential.type").filter(|v| *v != "unknown");
        for item in &shown.collect {
            if kind.is_some_and(|k| k != "security-key") && item.starts_with("for a security key") {
                bad.push(format!("{} ({}, {kind:?}): {item}", shown.file, shown.outcome));
            }
        }
    }
    assert!(bad.is_empty(), "security-key items collected on other passkeys' calls:\n{}", bad.join("\n"));
}

#[test]
fn the_platform_checker_sees_what_it_should() {
    assert_eq!(platforms_named("On an iPhone, open Settings."), vec!["ios"]);
    assert_eq!(platforms_named("Delete %LocalAppData%\\Packages\\X and reboot."), vec!["windows"]);
    assert_eq!(
        platforms_named("Android: Settings > Passwords & accounts; Mac: Control Center"),
        vec!["android", "macos"]
    );
    assert!(platforms_named("Install Company Portal or Link to Windows.").is_empty());
    assert!(platforms_named("Check the machine; the macro runs; Chrome on this device.").is_empty());
    assert_eq!(versions_in("iOS 16.7; needs 17 or later (S1)."), vec!["16.7", "17"]);
}
