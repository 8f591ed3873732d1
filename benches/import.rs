//! Sign-in log import (divan): a generated 50,000-entry Graph beta export (`{"value": [...]}`,
//! about 2 KB an entry, as Graph and the admin center's JSON download write them), streamed
//! through detection, selection and the rules; and one public sample, for the per-call cost.
//!
//! ```sh
//! cargo bench --bench import
//! ```
//!
//! The run leaves the generated files in `target/signin-log-{5000,50000}.json`, for comparing with
//! Python's `json` module and for peak memory (README, "Performance").

use std::io::Write;
use std::path::{Path, PathBuf};

use divan::{Bencher, black_box};
use passkey_triage::import::{Query, import, import_file};

fn main() {
    for n in [5_000, ENTRIES] {
        let path = generated(n);
        if !path.is_file() {
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
            let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("target/ is writable"));
            f.write_all(&generate(n)).expect("target/ is writable");
        }
    }
    divan::main();
}

const ENTRIES: usize = 50_000;

fn generated(n: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join(format!("signin-log-{n}.json"))
}

/// A Graph beta export of `n` entries, newest first; one in seven failed, 200 users.
pub fn generate(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 2400);
    out.extend_from_slice(
        b"{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\",\"value\":[",
    );
    for i in 0..n {
        if i > 0 {
            out.push(b',');
        }
        let code = match i % 7 {
            3 => 50074,
            5 => 500121,
            6 => 53003,
            _ => 0,
        };
        let secs = 86_400 * 30 - (i as u64 * 50);
        let (d, h, m, s) = (1 + secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
        let entry = serde_json::json!({
            "id": format!("{i:08x}-1111-4111-8111-111111111111"),
            "createdDateTime": format!("2026-11-{d:02}T{h:02}:{m:02}:{s:02}Z"),
            "userDisplayName": format!("User {}", i % 200),
            "userPrincipalName": format!("user{}@contoso.example", i % 200),
            "userId": "9fddb5fe-f121-4709-8c1d-5c6a1f99f50d",
            "appId": "4765445b-32c6-49b0-83e6-1d93765276ca",
            "appDisplayName": "OfficeHome",
            "ipAddress": "203.0.113.24",
            "clientAppUsed": "Browser",
            "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
            "correlationId": format!("{i:08x}-c059-4534-97bf-c82d73d9c869"),
            "conditionalAccessStatus": if code == 0 { "success" } else { "failure" },
            "isInteractive": true,
            "signInEventTypes": ["interactiveUser"],
            "authenticationRequirement": "multiFactorAuthentication",
            "riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none",
            "riskEventTypes": [], "riskEventTypes_v2": [],
            "resourceDisplayName": "OfficeHome",
            "resourceId": "4765445b-32c6-49b0-83e6-1d93765276ca",
            "status": {"errorCode": code, "failureReason": if code == 0 { "Other." } else { "Strong Authentication is required." }, "additionalDetails": null},
            "deviceDetail": {"deviceId": "", "displayName": "", "operatingSystem": "Windows10", "browser": "Edge 124.0.0",
                             "isCompliant": false, "isManaged": false, "trustType": ""},
            "location": {"city": "Seattle", "state": "Washington", "countryOrRegion": "US",
                         "geoCoordinates": {"altitude": null, "latitude": 47.60621, "longitude": -122.33207}},
            "authenticationDetails": [
                {"authenticationStepDateTime": "2026-11-18T14:03:40Z", "authenticationMethod": "Password",
                 "authenticationMethodDetail": "Password in the cloud", "succeeded": true,
                 "authenticationStepResultDetail": "Correct password", "authenticationStepRequirement": "Primary authentication"},
                {"authenticationStepDateTime": "2026-11-18T14:03:52Z", "authenticationMethod": "Passkey (device-bound)",
                 "authenticationMethodDetail": "Authenticator - 90a3ccdf-635c-4729-a248-9b709135078f", "succeeded": code == 0,
                 "authenticationStepResultDetail": "MFA completed in Azure AD", "authenticationStepRequirement": "Multi-factor authentication"}
            ],
            "appliedConditionalAccessPolicies": [
                {"id": "50a74cff-026f-4c84-aa8f-f5f8d837115f", "displayName": "CA001 - Require MFA for all users",
                 "enforcedGrantControls": ["Mfa"], "enforcedSessionControls": [], "result": if code == 0 { "success" } else { "failure" },
                 "conditionsSatisfied": 3, "conditionsNotSatisfied": 0},
                {"id": "f11fc8de-3eb4-49c8-8f8d-e0e973e1d036", "displayName": "CA002 - Block legacy authentication",
                 "enforcedGrantControls": ["Block"], "enforcedSessionControls": [], "result": "notApplied",
                 "conditionsSatisfied": 1, "conditionsNotSatisfied": 2}
            ]
        });
        serde_json::to_writer(&mut out, &entry).expect("writing to a Vec cannot fail");
    }
    out.extend_from_slice(b"]}\n");
    out
}

/// The whole file from disk, as `passkey-triage import FILE` reads it.
#[divan::bench(sample_count = 10)]
fn graph_export_50000_entries(bencher: Bencher) {
    let path = generated(ENTRIES);
    let spec = path.to_string_lossy().into_owned();
    bencher.bench(|| {
        let imported = import_file(black_box(&spec), &mut std::io::empty(), &Query::default(), 1);
        assert!(imported.is_ok_and(|i| i.read == ENTRIES));
    });
}

/// The same with a correlation id (its two rows found among 50,000).
#[divan::bench(sample_count = 10)]
fn graph_export_50000_entries_by_correlation_id(bencher: Bencher) {
    let path = generated(ENTRIES);
    let spec = path.to_string_lossy().into_owned();
    let query = Query { correlation_id: Some("0000bf68-c059-4534-97bf-c82d73d9c869".into()), user: None };
    bencher.bench(|| black_box(import_file(black_box(&spec), &mut std::io::empty(), &query, 1)));
}

/// One public sample from memory: the cost of an import on a live call.
#[divan::bench]
fn public_sample_01(bencher: Bencher) {
    let text = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/signin_logs/public/01.json"))
        .expect("the public sample is there");
    bencher.bench(|| import("01.json", black_box(text.as_slice()), &Query::default(), 1));
}
