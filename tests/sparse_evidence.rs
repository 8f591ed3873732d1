//! Facts files from tier 1 or a log are rarely whole worlds. A single known fault, with the context
//! that makes it one (a hand-off fault needs a cross-device sign-in, an Authenticator state an
//! Authenticator passkey), must still be classified when everything else is missing. Without its
//! context a fault is not assumed to apply (contract §9.1: a route never reads "not known yet" as
//! an answer), so the context is part of each case.

mod cli_support;

use cli_support::{cli, finish};

fn class_of(facts: &str) -> String {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--facts", "-", "--assume-unknown"]).write_stdin(format!("{{\"facts\": {facts}}}"));
    let r = finish(c);
    assert_eq!(r.code, 0, "{facts}: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
    v["class"].as_str().expect("class").to_string()
}

#[test]
fn one_known_fault_is_enough() {
    let cases = [
        (r#"{"flow": "cross-device", "phone.bluetooth": "off"}"#, "cross-device.phone-bluetooth-off"),
        (
            r#"{"flow": "cross-device", "desktop.bluetooth": "blocked-by-policy"}"#,
            "cross-device.desktop-bluetooth-unavailable",
        ),
        (r#"{"qr.scan": "wrong-camera"}"#, "cross-device.qr-handoff"),
        (r#"{"flow": "cross-device", "desktop.internet": "no"}"#, "cross-device.connectivity"),
        (r#"{"flow": "cross-device", "network.hybrid_endpoints": "blocked"}"#, "cross-device.connectivity"),
        (r#"{"credential.type": "authenticator", "authenticator.signed_in": "no"}"#, "authenticator.signed-out"),
        (
            r#"{"credential.type": "authenticator", "authenticator.provider_enabled": "no"}"#,
            "authenticator.provider-disabled",
        ),
        (r#"{"credential.transport": "ble", "client.os": "android"}"#, "unsupported-client.transport"),
        (
            r#"{"client.kind": "browser", "client.os": "android", "client.browser": "firefox"}"#,
            "unsupported-client.browser",
        ),
        (r#"{"policy.passkey_method": "excluded"}"#, "policy.method-not-enabled"),
        (r#"{"policy.aaguid_allowed": "no"}"#, "policy.key-restriction"),
        (r#"{"ca.auth_strength": "not-satisfied"}"#, "policy.conditional-access"),
        (r#"{"device.passkey_offered": "yes", "entra.passkey_registered": "no"}"#, "orphaned-passkey"),
        (r#"{"picker.choice": "personal"}"#, "picker.wrong-passkey"),
        (r#"{}"#, "unclassified"),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(facts, want)| {
            let got = class_of(facts);
            (got != *want).then(|| format!("{facts}: expected {want}, got {got}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A question a known fact answers is not asked (issue 17 item 6): registering in Microsoft
/// Authenticator itself, the sign-in helper (broker) is installed, so the walk moves on to the OS
/// version.
#[test]
fn the_broker_is_not_asked_inside_authenticator() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--facts", "-", "--role", "tier1", "--format", "json"]).write_stdin(
        r#"{"facts": {"flow": "same-device", "phase": "registration", "client.kind": "native-app",
            "client.os": "ios", "credential.type": "authenticator", "client.app": "authenticator"}}"#,
    );
    let r = finish(c);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["fact"], "client.os_version", "{v}");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--facts", "-", "--role", "tier1", "--assume-unknown", "--format", "json"]).write_stdin(
        r#"{"facts": {"flow": "same-device", "phase": "registration", "client.kind": "native-app",
            "client.os": "ios", "credential.type": "authenticator", "client.app": "authenticator"}}"#,
    );
    let r = finish(c);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let broker: Vec<&serde_json::Value> =
        v["path"].as_array().expect("path").iter().filter(|p| p["fact"] == "client.broker").collect();
    assert!(!broker.is_empty() && broker.iter().all(|p| p["answer"] == "installed" && p["source"] == "derived"), "{v}");
}
