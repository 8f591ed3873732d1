//! `--user` picks the sign-in log entry for `diagnose --signin-log` as it does for `import`
//! (contract §8): a log holding two users' failures must not hand the newer one's facts to a
//! call about the other.

use assert_cmd::Command;
use serde_json::{Value, json};

fn two_users_log(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/signin_logs/cases/graph-v1-single-native-app.json"
    ))
    .expect("a Graph sign-in log sample");
    let v: Value = serde_json::from_str(&text).expect("json");
    let one = match &v {
        Value::Object(o) if o.contains_key("value") => v["value"][0].clone(),
        Value::Array(a) => a[0].clone(),
        _ => v.clone(),
    };
    let mut mateo = one.clone();
    mateo["userPrincipalName"] = json!("mateo@contoso.example");
    mateo["correlationId"] = json!("11111111-1111-4111-8111-111111111111");
    mateo["createdDateTime"] = json!("2026-11-18T10:00:00Z");
    let mut bob = one;
    bob["userPrincipalName"] = json!("bob@contoso.example");
    bob["correlationId"] = json!("22222222-2222-4222-8222-222222222222");
    bob["createdDateTime"] = json!("2026-11-18T12:00:00Z");
    let path = dir.join("two-users.json");
    std::fs::write(&path, json!({ "value": [mateo, bob] }).to_string()).expect("write");
    path
}

fn imported_upn(args: &[&str], log: &std::path::Path) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let session = dir.path().join("session.json");
    let out = Command::cargo_bin("passkey-triage")
        .expect("binary")
        .env("HOME", "/nonexistent")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .arg("diagnose")
        .arg("--signin-log")
        .arg(log)
        .args(args)
        .arg("--session-out")
        .arg(&session)
        .args(["--assume-unknown", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&session).expect("session written");
    let v: Value = serde_json::from_str(&text).expect("json");
    let upn = &v["walk"]["facts"]["user.upn"];
    upn["value"].as_str().or(upn.as_str()).map(str::to_string).unwrap_or_else(|| format!("no user.upn in {text}"))
}

#[test]
fn user_chooses_the_entry_like_import_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = two_users_log(dir.path());
    assert_eq!(imported_upn(&[], &log), "bob@contoso.example", "without --user: the newest failure");
    assert_eq!(imported_upn(&["--user", "mateo@contoso.example"], &log), "mateo@contoso.example");
    assert_eq!(imported_upn(&["--user", "MATEO@contoso.example"], &log), "mateo@contoso.example");
}
