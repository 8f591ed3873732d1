//! The AADSTS table (`assets/aadsts.json`) knows every code a built-in runbook mentions: in any
//! text (`AADSTS53003`), keyword or condition on `error.code`.

use std::collections::BTreeSet;
use std::path::Path;

use passkey_triage::aadsts::Table;
use serde_json::Value;

/// `AADSTS` followed by digits, anywhere in a text.
fn codes_in_text(s: &str, out: &mut BTreeSet<String>) {
    let upper = s.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("AADSTS") {
        rest = &rest[i + 6..];
        let digits: String = rest.trim_start_matches([' ', ':']).chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            out.insert(digits);
        }
    }
}

/// Digit strings anywhere inside a value (a condition's `equals`, `in`, ...).
fn digit_strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            let t = s.trim().trim_start_matches("AADSTS");
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                out.insert(t.to_string());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| digit_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| digit_strings(x, out)),
        _ => {}
    }
}

fn walk(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => codes_in_text(s, out),
        Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
        Value::Object(o) => {
            if o.get("fact").and_then(Value::as_str) == Some("error.code") {
                digit_strings(v, out);
            }
            o.values().for_each(|x| walk(x, out));
        }
        _ => {}
    }
}

#[test]
fn every_code_a_runbook_mentions_is_in_the_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let mut mentioned = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "json") {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            walk(&v, &mut mentioned);
        }
    }
    assert!(mentioned.len() >= 5, "the runbooks mention codes: {mentioned:?}");
    let table = Table::builtin().unwrap();
    let missing: Vec<&String> = mentioned.iter().filter(|c| table.lookup(c).is_none()).collect();
    assert!(missing.is_empty(), "codes the runbooks mention but assets/aadsts.json lacks: {missing:?}");
}

#[test]
fn the_scan_finds_codes_in_text_and_conditions() {
    let mut out = BTreeSet::new();
    let v: Value = serde_json::json!({
        "text": "Error AADSTS50127 or aadsts: 220450, not AADSTS alone",
        "when": {"all": [{"fact": "error.code", "in": ["53003", "AADSTS135011"]}, {"fact": "phase", "equals": "1"}]}
    });
    walk(&v, &mut out);
    assert_eq!(out.into_iter().collect::<Vec<_>>(), ["135011", "220450", "50127", "53003"]);
}

#[test]
fn every_class_the_table_points_to_exists() {
    let set = passkey_triage::runbook::RunbookSet::builtin().unwrap();
    for c in Table::builtin().unwrap().codes {
        for class in &c.classes {
            assert!(set.vocab.has_class(class), "{}: unknown class {class}", c.code);
        }
        assert!(c.doc_url.starts_with("https://"), "{}", c.code);
    }
}

/// Issue 18: the entries the reference left short carry Microsoft Learn's names and text (E5):
/// 50072 and 50079 are named apart, 50158 is named, 53001 / 530032 / 530035 have text, 70043
/// and 50105 are there.
#[test]
fn entries_carry_the_official_names_and_text() {
    let table = Table::builtin().unwrap();
    let name = |c: &str| table.lookup(c).and_then(|e| e.name.clone()).unwrap_or_default();
    let text = |c: &str| table.lookup(c).and_then(|e| e.text.clone()).unwrap_or_default();
    assert_eq!(name("50072"), "UserStrongAuthEnrollmentRequiredInterrupt");
    assert_eq!(name("50079"), "UserStrongAuthEnrollmentRequired");
    assert_eq!(text("50072"), "User needs to enroll for second factor authentication (interactive).");
    assert!(text("50079").starts_with("Due to a configuration change made by the admin"), "{}", text("50079"));
    assert_eq!(name("50158"), "ExternalSecurityChallenge");
    assert_eq!(text("50158"), "External security challenge was not satisfied.");
    assert!(text("53001").starts_with("Conditional Access policy requires a domain joined device"));
    assert!(text("530032").starts_with("The tenant admin has configured a security policy that blocks this request."));
    assert!(text("530035").starts_with("Access has been blocked by security defaults."));
    assert_eq!(name("70043"), "BadTokenDueToSignInFrequency");
    assert!(text("70043").starts_with("The refresh token has expired or is invalid due to sign-in frequency checks"));
    assert_eq!(name("50105"), "EntitlementGrantsNotFound");
    assert_eq!(
        text("50105"),
        "The signed in user isn't assigned to a role for the signed in app. Assign the user to the app."
    );
    // No entry without text or a name, and no two codes share a name.
    let mut names = BTreeSet::new();
    for c in ["50072", "50079", "50158", "53001", "530032", "530035", "70043", "50105"] {
        assert!(!text(c).is_empty() && names.insert(name(c)), "{c}");
    }
}
