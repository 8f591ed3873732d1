//! Properties of the importer: any bytes give a result or a one-line error, never a panic; every
//! fact it emits is a valid contract value with a source; the rules' "never" hold whatever the
//! strings.

use passkey_triage::import::{Query, import};
use passkey_triage::vocab::Vocabulary;
use proptest::prelude::*;

const NEVER: [&str; 6] =
    ["phase", "flow", "phone.os", "phone.os_version", "credential.provider", "policy.passkey_method"];

fn os_strings() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Windows10".to_string()),
        Just("Windows 11".to_string()),
        Just("MacOs".to_string()),
        Just("Ios 18.2.1".to_string()),
        Just("Android 10".to_string()),
        Just("Android 14".to_string()),
        Just("ChromeOS 120".to_string()),
        "\\PC{0,20}",
    ]
}

fn browser_strings() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Edge 124.0.0".to_string()),
        Just("Chrome 124.0.0".to_string()),
        Just("Mobile Safari".to_string()),
        Just("Firefox 139.0".to_string()),
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_give_a_result_or_one_line(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Err(e) = import("x", bytes.as_slice(), &Query::default(), 3) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn any_prefix_of_a_real_export_gives_a_result_or_one_line(cut in 0usize..3000) {
        let text = include_bytes!("signin_logs/public/01.json");
        let cut = cut.min(text.len());
        if let Err(e) = import("x", &text[..cut], &Query::default(), 1) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn every_fact_is_valid_and_sourced(
        os in os_strings(),
        browser in browser_strings(),
        client in prop_oneof![Just("Browser"), Just("Mobile Apps and Desktop clients"), Just("IMAP")],
        code in prop_oneof![Just(0u64), Just(50127), Just(53003), 1u64..10_000_000],
        ua in "\\PC{0,40}",
    ) {
        let entry = serde_json::json!({
            "createdDateTime": "2026-11-18T14:03:52Z", "userPrincipalName": "A@B.example", "correlationId": "c",
            "clientAppUsed": client, "userAgent": ua, "status": {"errorCode": code},
            "deviceDetail": {"operatingSystem": os, "browser": browser},
        });
        let text = serde_json::to_vec(&entry).unwrap_or_default();
        let imported = import("x", text.as_slice(), &Query::default(), 1);
        prop_assert!(imported.is_ok());
        let vocab = Vocabulary::contract();
        for f in imported.map(|i| i.facts).unwrap_or_default() {
            prop_assert!(vocab.check(f.key, &f.value).is_ok(), "{} = {}", f.key, f.value);
            prop_assert!(f.source.starts_with("graph-beta: "), "{}", f.source);
            prop_assert!(!NEVER.contains(&f.key));
            if f.key == "client.os_version" {
                prop_assert!(!os.to_lowercase().starts_with("windows"));
            }
            if f.key == "client.browser" || f.key == "client.browser_version" {
                prop_assert_eq!(client, "Browser");
            }
        }
    }
}
