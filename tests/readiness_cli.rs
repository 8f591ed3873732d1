//! `readiness` over a sample estate of our own making (tests/readiness/): a Graph managedDevice
//! inventory paged over two files and an Intune export CSV with a byte-order mark, a mixed
//! estate with old builds (Windows 10 1809, iOS 16, Android 13, macOS 12), missing and
//! non-numeric versions, and sign-in logs in two formats. Golden outputs for every format, the
//! contract's JSON checked by hand, and bad inputs (exit 2, one line naming the file).

mod io_support;

mod cli_support;

use cli_support::{Run, cli, finish};
use serde_json::Value;

const ESTATE: [&str; 10] = [
    "--devices",
    "tests/readiness/graph-page1.json",
    "--devices",
    "tests/readiness/graph-page2.json",
    "--devices",
    "tests/readiness/intune-export.csv",
    "--signin-log",
    "tests/readiness/signins-graph.json",
    "--signin-log",
    "tests/readiness/signins-az.json",
];

fn run(args: &[&str]) -> Run {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut c = cli(tmp.path());
    c.arg("readiness").args(args);
    finish(c)
}

fn ok(args: &[&str]) -> String {
    let r = run(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

fn estate(format: &str) -> String {
    let mut args = ESTATE.to_vec();
    args.extend(["--format", format]);
    ok(&args)
}

#[test]
fn golden_outputs() {
    insta::assert_snapshot!("readiness_text", estate("text"));
    insta::assert_snapshot!("readiness_markdown", estate("markdown"));
    insta::assert_snapshot!("readiness_json", estate("json"));
    insta::assert_snapshot!("readiness_csv", estate("csv"));
    insta::assert_snapshot!("readiness_ndjson", estate("ndjson"));
}

#[test]
fn the_contracts_json() {
    let v: Value = serde_json::from_str(&estate("json")).expect("json");
    assert_eq!(v["devices"], 15);
    assert_eq!(v["users"], 8);
    let results = v["results"].as_array().expect("results");
    // Four types × two flows × two phases.
    assert_eq!(results.len(), 16);
    for r in results {
        let keys: Vec<&str> = r.as_object().expect("object").keys().map(String::as_str).collect();
        for k in ["type", "flow", "phase", "ready", "blocked", "unknown", "not_applicable"] {
            assert!(keys.contains(&k), "{k} in {r}");
        }
        let sum: u64 =
            ["ready", "blocked", "unknown", "not_applicable"].iter().map(|k| r[k].as_u64().unwrap_or(0)).sum();
        // Same-device counts devices; cross-device counts users.
        let expected = if r["flow"] == "same-device" { 15 } else { 8 };
        assert_eq!(sum, expected, "{r}");
    }
    let blockers = v["blockers"].as_array().expect("blockers");
    assert!(!blockers.is_empty());
    let weight = |b: &Value| if b["flow"] == "same-device" { b["devices"].as_u64() } else { b["users"].as_u64() };
    for pair in blockers.windows(2) {
        assert!(weight(&pair[0]) >= weight(&pair[1]), "ordered by how many they block: {pair:?}");
    }
    for b in blockers {
        // Every blocker names its matrix row, a reason and its sources.
        assert!(b["row"].as_str().is_some_and(|r| !r.is_empty()), "{b}");
        assert!(b["reason"].as_str().is_some_and(|r| !r.is_empty()), "{b}");
        assert!(b["sources"].as_array().is_some_and(|s| !s.is_empty() && s[0]["url"].is_string()), "{b}");
    }
    // Windows 10 1809 (bob's desktop and the kiosk) can't use a security key at the sign-in
    // screen: it needs 1903.
    let old_windows = blockers
        .iter()
        .find(|b| b["row"] == "device-sign-in-security-key" && b["phase"] == "sign-in")
        .expect("the 1809 blocker");
    assert_eq!((old_windows["devices"].as_u64(), old_windows["users"].as_u64()), (Some(2), Some(1)));
    assert!(old_windows["reason"].as_str().unwrap_or("").contains("10.0.18362"));
}

#[test]
fn top_level_keys_are_exactly_the_contracts() {
    let v: Value = serde_json::from_str(&estate("json")).expect("json");
    let mut keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["blockers", "devices", "results", "users"]);
}

#[test]
fn unknowns_are_counted_with_what_settles_them() {
    let text = estate("text");
    // Frank's laptop (empty osVersion) and his phone (no OS version column value).
    assert!(text.contains("OS version missing on 2 devices (1 user): export with the OS version column"), "{text}");
    // Henry's Chromebook says "Chrome OS" where the version goes.
    assert!(text.contains("OS version not a version number on 1 device"), "{text}");
    // Dave and Henry have no phone in the inventory.
    assert!(text.contains("no phone in the inventory for 2 users"), "{text}");
    // Grace signs in with "Safari" (no version) and Safari on macOS has a minimum.
    assert!(text.contains("browser version missing from the sign-in logs on 1 device"), "{text}");
}

#[test]
fn the_sign_in_logs_change_the_verdict() {
    // Without logs, Bob's Android phone is read for its OS alone; with them, his Firefox blocks.
    let mut bare = ESTATE[..6].to_vec();
    bare.extend(["--format", "csv", "--passkey-type", "synced"]);
    let without = ok(&bare);
    let with = estate("csv");
    let bob_phone = |csv: &str| {
        csv.lines()
            .find(|l| l.contains("Galaxy A54") && l.contains(",synced,same-device,sign-in,"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert!(bob_phone(&without).contains(",ready,"), "{without}");
    assert!(bob_phone(&with).contains(",blocked,web-android-firefox,"), "{with}");
}

#[test]
fn passkey_type_filters_and_orders() {
    let v: Value = serde_json::from_str(&ok(&[
        "--devices",
        "tests/readiness/graph-page1.json",
        "--passkey-type",
        "windows-hello",
        "--passkey-type",
        "authenticator",
        "--format",
        "json",
    ]))
    .expect("json");
    let types: Vec<&str> =
        v["results"].as_array().expect("results").iter().filter_map(|r| r["type"].as_str()).collect();
    assert_eq!(types, ["authenticator"; 4].into_iter().chain(["windows-hello"; 4]).collect::<Vec<_>>());
}

#[test]
fn text_from_inputs_is_neutralised_and_csv_is_formula_safe() {
    let csv = estate("csv");
    assert!(!csv.contains('\u{1b}'), "escape from a device name reached the CSV");
    assert!(csv.contains("CONTOSO-KIOSK-01\u{fffd}[31m"));
    // The kiosk's model is a formula; the model isn't a column, but nothing may start with `=`.
    assert!(csv.lines().all(|l| l.split(',').all(|c| !c.starts_with('='))));
    for format in ["text", "markdown", "json", "ndjson"] {
        assert!(!estate(format).contains('\u{1b}'), "{format}");
    }
}

#[test]
fn stdin_and_csv_with_bom() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut c = cli(tmp.path());
    c.args(["readiness", "--devices", "-", "--format", "json"])
        .write_stdin(std::fs::read("tests/readiness/intune-export.csv").expect("fixture"));
    let r = finish(c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["devices"], 6);
}

#[test]
fn a_page_given_twice_counts_once() {
    let r = run(&[
        "--devices",
        "tests/readiness/graph-page1.json",
        "--devices",
        "tests/readiness/graph-page1.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["devices"], 5);
    assert!(r.stderr.contains("5 devices listed more than once counted once"), "{}", r.stderr);
}

/// Exit 2 and one line on stderr that names the file.
fn refused(args: &[&str], file: &str, words: &str) {
    let r = run(args);
    assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains(file) && r.stderr.contains(words), "{args:?}: {}", r.stderr);
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    refused(&["--devices", "tests/readiness/dup-key.json"], "dup-key.json:1:", "duplicate field `osVersion`");
    refused(&["--devices", "tests/readiness/truncated.json"], "truncated.json:", "");
    refused(&["--devices", "tests/readiness/bad-headers.csv"], "bad-headers.csv", "CSV headers not recognised");
    refused(&["--devices", "tests/readiness/signins-graph.json"], "signins-graph.json", "not a managedDevice");
    refused(&["--devices", "tests/readiness/intune-export.csv.missing"], "intune-export.csv.missing", "no such file");
    refused(&["--devices", "tests/readiness"], "tests/readiness", "not a regular file");
    refused(
        &["--devices", "tests/readiness/graph-page1.json", "--signin-log", "tests/readiness/graph-page2.json"],
        "graph-page2.json",
        "not a sign-in log",
    );
    refused(&["--devices", "-", "--signin-log", "-"], "standard input", "only once");
    #[cfg(unix)]
    refused(&["--devices", "/dev/zero"], "/dev/zero", "not a regular file");
}

#[test]
fn usage_errors_exit_2() {
    let r = run(&["--passkey-type", "password"]);
    assert_eq!(r.code, 2);
    let r = run(&["--devices", "tests/readiness/graph-page1.json", "--passkey-type", "password"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("password"));
    let r = run(&["--devices", "tests/readiness/graph-page1.json", "--view", "--format", "json"]);
    assert_eq!(r.code, 2);
}

#[test]
fn empty_or_blank_inventories_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (name, body) in [("empty.json", ""), ("blank.csv", "\u{feff}  \n\n")] {
        let path = tmp.path().join(name);
        std::fs::write(&path, body).expect("write");
        let p = path.to_string_lossy().into_owned();
        refused(&["--devices", &p], name, "it is empty");
    }
    // A field longer than the limit, in the CSV: refused at its line.
    let path = tmp.path().join("long.csv");
    std::fs::write(&path, format!("Device name,OS\nok,Windows\n{},Windows\n", "x".repeat(5000))).expect("write");
    refused(&["--devices", &path.to_string_lossy()], "long.csv:3:", "`Device name` is longer than 4096 bytes");
}

#[test]
fn a_row_whose_fields_dont_match_the_header_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    // An unquoted comma in a device name shifts every later column: the OS version would be read
    // as the user and the OS as the version. A row cut short loses its OS. Neither is guessed.
    let header = "Device ID,Device name,OS version,Primary user UPN,OS";
    for (name, row, fields) in
        [("shifted.csv", "2,GRACE-MAC, old,12.7.6,grace@contoso.com,macOS", 6), ("cut.csv", "2,GRACE-MAC,12.7.6", 3)]
    {
        for end in ["\n", "\r\n"] {
            let path = tmp.path().join(name);
            let body = format!("{header}{end}1,PC1,10.0.22631,ann@contoso.com,Windows{end}{row}{end}");
            std::fs::write(&path, body).expect("write");
            refused(
                &["--devices", &path.to_string_lossy()],
                &format!("{name}:3:"),
                &format!("{fields} fields where the header has 5"),
            );
        }
    }
}

#[test]
fn a_json_error_names_a_column_from_1() {
    // serde_json reports column 0 for an error on a line's first character (here, the line
    // break inside a string); a place is 1-based.
    refused(&["--devices", "tests/readiness/truncated.json"], "truncated.json:3:1:", "control character");
}

#[test]
fn a_device_of_no_known_os_is_unknown_not_guessed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let inventory = r#"[
      {"id":"1","deviceName":"ODD-1","operatingSystem":"Unknown","osVersion":"1.0","userPrincipalName":"ivy@contoso.com"},
      {"id":"2","deviceName":"Ivy's iPhone","operatingSystem":"iOS","osVersion":"18.1","userPrincipalName":"ivy@contoso.com"}
    ]"#;
    let mut c = cli(tmp.path());
    c.args(["readiness", "--devices", "-", "--passkey-type", "authenticator", "--format", "csv"])
        .write_stdin(inventory);
    let r = finish(c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = |id: &str, flow: &str| {
        r.stdout.lines().find(|l| l.contains(&format!(",{id},")) && l.contains(flow)).unwrap_or_default().to_string()
    };
    assert!(
        row("1", "same-device,sign-in").contains(",unknown,,operating system missing or not recognised,"),
        "{}",
        r.stdout
    );
    // The odd device might be Ivy's computer: her cross-device result is unknown, not "no computer".
    assert!(row("ivy@contoso.com", "cross-device,sign-in").contains(",unknown,"), "{}", r.stdout);
}

use io_support::Trickle;

#[test]
fn a_byte_order_mark_split_over_reads_is_still_dropped() {
    let mut json = b"\xEF\xBB\xBF".to_vec();
    json.extend(std::fs::read("tests/readiness/graph-page1.json").expect("fixture"));
    let csv = std::fs::read("tests/readiness/intune-export.csv").expect("fixture");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "the export has a BOM");
    for (what, bytes) in [("json", &json), ("csv", &csv)] {
        let mut n = 0;
        let got = passkey_triage::readiness::inventory::read("<stdin>", Trickle(bytes), &mut |_| n += 1);
        assert!(matches!(got, Ok(k) if k > 0), "{what}: {got:?}");
    }
    // A spreadsheet's `;`: the separator is told from the whole header line, not from the first read.
    let semicolons = "\u{feff}Device name;OS;OS version\r\nPC1;Windows;10.0.22631\r\n".as_bytes();
    let mut versions = Vec::new();
    let got = passkey_triage::readiness::inventory::read("<stdin>", Trickle(semicolons), &mut |d| {
        versions.push(d.os_version)
    });
    assert_eq!((got, versions), (Ok(1), vec![Some("10.0.22631".to_string())]));
}
