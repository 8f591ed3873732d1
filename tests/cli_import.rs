//! `import` through the binary: the public samples (`tests/signin_logs/public`, copies of
//! `shared/examples/signin-logs`, compared with the originals when `../shared` is present) print
//! exactly their facts, each with a source; our own cases (`tests/signin_logs/cases/*.expect.json`)
//! cover every format and edge, and every bad input exits 2 with one line and nothing on stdout.

mod io_support;

mod cli_support;

use std::path::Path;

use cli_support::{Run, cli, finish, root};
use serde_json::{Map, Value};

fn import(tmp: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut c = cli(tmp);
    c.arg("import").args(args);
    if let Some(s) = stdin {
        c.write_stdin(s.to_vec());
    }
    finish(c)
}

fn read_json(rel: &str) -> Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The facts and sources of a successful run; sources name exactly the facts, each
/// `<format>: <field>`.
fn facts_and_sources(r: &Run, what: &str) -> (Map<String, Value>, Map<String, Value>) {
    assert_eq!(r.code, 0, "{what}: {}", r.stderr);
    assert!(r.stderr.is_empty(), "{what}: {}", r.stderr);
    let out: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.stdout));
    let facts = out["facts"].as_object().cloned().unwrap_or_default();
    let sources = out["sources"].as_object().cloned().unwrap_or_default();
    let fk: Vec<&String> = facts.keys().collect();
    let sk: Vec<&String> = sources.keys().collect();
    assert_eq!(fk, sk, "{what}: a source for each fact, no more");
    for (k, s) in &sources {
        let s = s.as_str().unwrap_or_default();
        let (format, field) = s.split_once(": ").unwrap_or_else(|| panic!("{what}: {k}: source `{s}`"));
        assert!(!format.is_empty() && !field.is_empty(), "{what}: {k}: source `{s}`");
    }
    (facts, sources)
}

#[test]
fn public_samples_print_exactly_their_facts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("tests/signin_logs/public");
    let shared = root().join("../shared/examples/signin-logs");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".expect.json") else { continue };
        n += 1;
        let expect = read_json(&format!("tests/signin_logs/public/{name}"));
        let input = format!("tests/signin_logs/public/{}", expect["input"].as_str().unwrap());
        if shared.is_dir() {
            for f in [name.clone(), expect["input"].as_str().unwrap().to_string()] {
                let ours = std::fs::read(dir.join(&f)).unwrap();
                let theirs = std::fs::read(shared.join(&f)).unwrap();
                assert!(ours == theirs, "{f} differs from shared/examples/signin-logs");
            }
        }
        let r = import(tmp.path(), &[&input], None);
        let (facts, _) = facts_and_sources(&r, stem);
        assert_eq!(Some(&facts), expect["facts"].as_object(), "{stem}");
    }
    assert!(n >= 3, "the public samples are there");
}

#[test]
fn own_cases_cover_every_format_and_edge() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("tests/signin_logs/cases");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".expect.json"))
        .collect();
    names.sort();
    let mut formats = std::collections::BTreeSet::new();
    for name in &names {
        let expect = read_json(&format!("tests/signin_logs/cases/{name}"));
        let input = format!("tests/signin_logs/cases/{}", expect["input"].as_str().unwrap());
        let mut args: Vec<String> = vec![input];
        args.extend(expect["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = import(tmp.path(), &args, None);
        match expect["exit"].as_i64() {
            Some(code) => {
                assert_eq!(r.code as i64, code, "{name}: {}", r.stdout);
                assert!(r.stdout.is_empty(), "{name}: nothing on stdout: {}", r.stdout);
                assert_eq!(r.stderr.lines().count(), 1, "{name}: one line: {}", r.stderr);
                let want = expect["error"].as_str().unwrap();
                assert!(r.stderr.contains(want), "{name}: `{want}` not in: {}", r.stderr);
            }
            None => {
                let (facts, sources) = facts_and_sources(&r, name);
                assert_eq!(Some(&facts), expect["facts"].as_object(), "{name}");
                for s in sources.values() {
                    formats.insert(s.as_str().unwrap_or_default().split(": ").next().unwrap_or_default().to_string());
                }
                if let Some(f) = expect["format"].as_str() {
                    assert!(
                        sources.values().all(|s| s.as_str().is_some_and(|s| s.starts_with(f))),
                        "{name}: {sources:?}"
                    );
                }
            }
        }
    }
    let all = ["az-monitor", "diagnostic-settings", "graph-beta", "graph-v1.0", "log-analytics", "portal-csv"];
    assert_eq!(formats.iter().map(String::as_str).collect::<Vec<_>>(), all, "every format has a case");
}

#[test]
fn reads_standard_input_and_says_which_entry_in_text() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(root().join("tests/signin_logs/public/11.csv")).unwrap();
    let r = import(tmp.path(), &["-"], Some(&bytes));
    let (facts, _) = facts_and_sources(&r, "stdin");
    assert_eq!(facts["error.code"], "AADSTS50074");
    let r = import(tmp.path(), &["-", "--format", "text"], Some(&bytes));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("client.os               android  (portal-csv: Operating System)"), "{}", r.stdout);
    assert!(r.stdout.ends_with("2 of 2 entries matched; the newest failed one was taken.\n"), "{}", r.stdout);
}

#[test]
fn a_correlation_id_picks_among_rows_and_the_newest_failed_of_them() {
    let tmp = tempfile::tempdir().unwrap();
    let f = "tests/signin_logs/public/01.json";
    let r = import(tmp.path(), &[f, "--correlation-id", " 0DD6A32C-C059-4534-97BF-C82D73D9C869 "], None);
    let (facts, _) = facts_and_sources(&r, "01");
    assert_eq!(facts["error.code"], "AADSTS500121");
    assert_eq!(facts["signin.time"], "2026-11-18T14:03:52Z");
}

#[test]
fn folders_devices_and_missing_files_are_refused_unread() {
    let tmp = tempfile::tempdir().unwrap();
    for (arg, want) in [
        ("tests/signin_logs", "tests/signin_logs: cannot read: a folder, not a regular file"),
        ("tests/signin_logs/none.json", "tests/signin_logs/none.json: cannot read"),
    ] {
        let r = import(tmp.path(), &[arg], None);
        assert_eq!(r.code, 2);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(want), "{}", r.stderr);
    }
    #[cfg(unix)]
    {
        let r = import(tmp.path(), &["/dev/zero"], None);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""));
        assert!(r.stderr.contains("/dev/zero: cannot read: a device, not a regular file"), "{}", r.stderr);
    }
}

#[test]
fn hostile_text_is_escaped_in_the_facts_file() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = "{\"correlationId\": \"c\\u001b[2J\\u202e\", \"userPrincipalName\": \"a\\u009b@b.c\", \"status\": {\"errorCode\": 1}}";
    let r = import(tmp.path(), &["-"], Some(evil.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.chars().any(|c| c.is_control() && c != '\n'), "{:?}", r.stdout);
    assert!(!r.stdout.contains('\u{202e}'));
    let (facts, _) = facts_and_sources(&r, "evil");
    assert_eq!(facts["error.code"], "AADSTS1");
}

/// `diagnose --signin-log SAMPLE --facts USER_ADDS --assume-unknown` reaches each public
/// sample's class.
#[test]
fn diagnose_with_a_signin_log_reaches_each_samples_class() {
    let tmp = tempfile::tempdir().unwrap();
    for n in ["01", "11", "13"] {
        let expect = read_json(&format!("tests/signin_logs/public/{n}.expect.json"));
        let adds = tmp.path().join(format!("adds{n}.json"));
        std::fs::write(&adds, serde_json::json!({"facts": expect["user_adds"]}).to_string()).unwrap();
        let log = format!("tests/signin_logs/public/{}", expect["input"].as_str().unwrap());
        let mut c = cli(tmp.path());
        c.args(["diagnose", "--signin-log", &log, "--facts"]).arg(&adds).arg("--assume-unknown");
        let r = finish(c);
        assert_eq!(r.code, 0, "{n}: {}", r.stderr);
        let out: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(out["class"], expect["expect"]["class"], "{n}: {out}");
    }
    // Without the caller's facts, the log's facts answer questions on the path as `imported`.
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--signin-log", "tests/signin_logs/public/01.json", "--assume-unknown"]);
    let out: Value = serde_json::from_str(&finish(c).stdout).unwrap();
    let os = out["path"].as_array().unwrap().iter().find(|p| p["fact"] == "client.os").cloned();
    assert_eq!(os.map(|p| p["source"].clone()), Some(Value::from("imported")), "{out}");
}

/// The session records imported facts as imported, with their source field; a facts file given
/// too wins over the log; a facts file carrying `sources` (import's own output) is imported too.
#[test]
fn imported_facts_keep_their_source_and_a_facts_file_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let over = tmp.path().join("over.json");
    std::fs::write(&over, r#"{"facts": {"client.browser": "chrome", "phase": "sign-in"}}"#).unwrap();
    let session = tmp.path().join("s.json");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--signin-log", "tests/signin_logs/public/01.json", "--facts"])
        .arg(&over)
        .args(["--assume-unknown", "--session-out"])
        .arg(&session);
    let r = finish(c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&session).unwrap()).unwrap();
    let facts = &s["walk"]["facts"];
    assert_eq!(facts["client.browser"]["value"], "chrome");
    assert_eq!(facts["client.browser"]["provenance"], "facts-file");
    assert_eq!(facts["phase"]["provenance"], "facts-file");
    assert_eq!(facts["client.os"]["provenance"], "imported");
    assert_eq!(facts["client.os"]["via"], "graph-v1.0: deviceDetail.operatingSystem");
    assert_eq!(facts["error.code"]["via"], "graph-v1.0: status.errorCode");

    let imported = finish({
        let mut c = cli(tmp.path());
        c.args(["import", "tests/signin_logs/public/13.json"]);
        c
    });
    let session = tmp.path().join("s2.json");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--facts", "-", "--assume-unknown", "--session-out"]).arg(&session);
    c.write_stdin(imported.stdout);
    let r = finish(c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&session).unwrap()).unwrap();
    assert_eq!(s["walk"]["facts"]["credential.type"]["provenance"], "imported");
    assert_eq!(
        s["walk"]["facts"]["credential.type"]["via"],
        "log-analytics: AuthenticationDetails.authenticationMethod"
    );
}

#[test]
fn diagnose_flags_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut c = cli(tmp.path());
        c.arg("diagnose").args(args);
        finish(c)
    };
    let r = run(&["--signin-log", "-", "--facts", "-"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.contains("can't both read standard input"), "{}", r.stderr);
    let r = run(&["--correlation-id", "x", "--facts", "tests/signin_logs/public/01.json"]);
    assert_eq!(r.code, 2, "--correlation-id needs --signin-log: {}", r.stderr);
    let r = run(&["--signin-log", "tests/signin_logs/cases/bad-french.csv"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.contains("in French"), "{}", r.stderr);
    let r = run(&["--signin-log", "tests/signin_logs/public/01.json", "--correlation-id", "nope"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(
        r.stderr.contains("no entry matches correlation id `nope` (2 read, 2 of them interactive)"),
        "{}",
        r.stderr
    );
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, r#"{"facts": {"phase": "sign-in"}, "sources": {"flow": "graph: x"}}"#).unwrap();
    let r = run(&["--facts", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`sources` names `flow`, which is not among the facts"), "{}", r.stderr);
}

/// The wizard starts with the log's facts known (imported, with their source), the facts file on
/// top, and the user taken from the log when not given.
#[test]
fn the_wizard_starts_with_the_logs_facts() {
    use passkey_triage::cli::WizardArgs;
    use passkey_triage::commands::{Context, wizard};
    use passkey_triage::engine::Provenance;
    use passkey_triage::paths::Paths;
    use passkey_triage::ui::store::NoStore;

    let tmp = tempfile::tempdir().unwrap();
    let ctx = Context {
        paths: Paths { config_dir: tmp.path().join("config"), data_dir: tmp.path().join("data") },
        runbook_dirs: Vec::new(),
    };
    let over = tmp.path().join("over.json");
    std::fs::write(&over, r#"{"facts": {"client.os": "android"}}"#).unwrap();
    let args = WizardArgs {
        signin_log: Some(root().join("tests/signin_logs/public/01.json")),
        correlation_id: Some("0dd6a32c-c059-4534-97bf-c82d73d9c869".into()),
        facts: Some(over),
        ..WizardArgs::default()
    };
    let app = wizard::prepare(&ctx, &args, &mut NoStore).unwrap_or_else(|e| panic!("{e}"));
    let facts = &app.session.walk.facts;
    assert_eq!(facts["error.code"].provenance, Provenance::Imported);
    assert_eq!(facts["error.code"].via.as_deref(), Some("graph-v1.0: status.errorCode"));
    assert_eq!((facts["client.os"].value.as_str(), facts["client.os"].provenance), ("android", Provenance::FactsFile));
    assert_eq!(app.session.user.as_deref(), Some("avery.chen@contoso.example"));

    let args =
        WizardArgs { signin_log: Some(root().join("tests/signin_logs/cases/bad-text.txt")), ..WizardArgs::default() };
    let e = wizard::prepare(&ctx, &args, &mut NoStore).err().map(|e| (e.code, e.message)).unwrap_or_default();
    assert_eq!(e.0, 2);
    assert!(e.1.contains("not a sign-in log"), "{}", e.1);
}

/// Every export shows the official meaning of an imported code; an unknown code gets none.
#[test]
fn exports_show_the_codes_official_meaning() {
    let tmp = tempfile::tempdir().unwrap();
    let session = tmp.path().join("s.json");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--signin-log", "tests/signin_logs/public/01.json", "--assume-unknown", "--session-out"])
        .arg(&session);
    assert_eq!(finish(c).code, 0);
    let export = |format: &str, file: &Path| {
        let mut c = cli(tmp.path());
        c.arg("export").arg(file).args(["--format", format]);
        let r = finish(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let md = export("markdown", &session);
    assert!(
        md.contains("## Error code\n\n- AADSTS500121: Authentication failed during strong authentication request."),
        "{md}"
    );
    assert!(
        md.contains("([reference](https://learn.microsoft.com/entra/architecture/security-operations-user-accounts))")
    );
    let text = export("text", &session);
    assert!(
        text.contains("ERROR CODE\n  AADSTS500121: Authentication failed during strong authentication request.\n"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&export("json", &session)).unwrap();
    assert_eq!(json["error_code_meaning"]["code"], "AADSTS500121");
    assert_eq!(json["walk"]["facts"]["error.code"]["via"], "graph-v1.0: status.errorCode");

    let unknown = tmp.path().join("u.json");
    std::fs::write(&unknown, r#"{"facts": {"error.code": "AADSTS4242"}}"#).unwrap();
    let session = tmp.path().join("s2.json");
    let mut c = cli(tmp.path());
    c.args(["diagnose", "--facts"]).arg(&unknown).args(["--assume-unknown", "--session-out"]).arg(&session);
    assert_eq!(finish(c).code, 0);
    assert!(!export("markdown", &session).contains("## Error code"));
    assert!(!export("text", &session).contains("ERROR CODE"));
    let json: Value = serde_json::from_str(&export("json", &session)).unwrap();
    assert!(json.get("error_code_meaning").is_none());
}

/// An `aadsts.json` in a runbook folder overrides codes for every command, and isn't taken for a
/// runbook; a broken one is a lint error and bad input elsewhere.
#[test]
fn an_aadsts_override_beside_the_runbooks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rb");
    std::fs::create_dir_all(&dir).unwrap();
    let table = r#"{"codes": [{"code": "500121", "name": "LocalName", "text": "Our own words.", "doc_url": "https://intranet.example/500121", "points_to": "ours"}]}"#;
    std::fs::write(dir.join("aadsts.json"), table).unwrap();
    let session = tmp.path().join("s.json");
    let mut c = cli(tmp.path());
    c.arg("--runbooks").arg(&dir);
    c.args(["diagnose", "--signin-log", "tests/signin_logs/public/01.json", "--assume-unknown", "--session-out"])
        .arg(&session);
    let r = finish(c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&session).unwrap()).unwrap();
    assert_eq!(s["error_code_meaning"]["name"], "LocalName");
    let mut c = cli(tmp.path());
    c.arg("lint").arg(&dir);
    let r = finish(c);
    assert!(
        r.stdout.contains("no .json runbooks") || r.stderr.contains("no .json runbooks"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    std::fs::write(dir.join("aadsts.json"), r#"{"codes": [{"code": "x"}]}"#).unwrap();
    let mut c = cli(tmp.path());
    c.arg("--runbooks").arg(&dir).args(["diagnose", "--facts", "tests/signin_logs/public/01.expect.json"]);
    let r = finish(c);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{}", r.stderr);
    assert!(r.stderr.contains("aadsts.json"), "{}", r.stderr);
    let mut c = cli(tmp.path());
    c.arg("--runbooks").arg(&dir).arg("lint");
    let r = finish(c);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("aadsts.json"), "{}", r.stdout);
}

/// Issue 18: an error code that can't be one (-1, 1e308, 2^64, `true`, text) is an error at its
/// place, not "no failure", in every format that carries one.
#[test]
fn impossible_error_codes_are_errors_at_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    for code in ["-1", "1e308", "18446744073709551616", "true", "\"12ab\"", "2147483648"] {
        let graph = format!("{{\"correlationId\": \"c\",\n \"status\": {{\"errorCode\": {code}}}}}");
        let la = format!("[{{\"CorrelationId\": \"c\", \"ResultType\": {code}}}]");
        let status_text = format!(
            "[{{\"CorrelationId\": \"c\", \"Status\": {}}}]",
            serde_json::to_string(&format!("{{\"errorCode\": {code}}}")).unwrap()
        );
        for input in [graph, la, status_text] {
            let r = import(tmp.path(), &["-"], Some(input.as_bytes()));
            assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{input}: {}", r.stderr);
            assert_eq!(r.stderr.lines().count(), 1, "{input}: {}", r.stderr);
            assert!(r.stderr.contains("<stdin>:"), "{input}: {}", r.stderr);
            assert!(r.stderr.contains("is not a whole number from 0 to 2147483647"), "{input}: {}", r.stderr);
        }
    }
    // The CSV: the row is named.
    let csv = std::fs::read_to_string(root().join("tests/signin_logs/public/11.csv")).unwrap();
    let bad = csv.replacen(",Interrupted,50074,", ",Interrupted,-1,", 1);
    assert_ne!(bad, csv);
    let r = import(tmp.path(), &["-"], Some(bad.as_bytes()));
    assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{}", r.stderr);
    assert!(r.stderr.contains("<stdin>: row 1: `Sign-in error code` `-1` is not a whole number"), "{}", r.stderr);
    // Still fine: 0, a large real code, a code as a string.
    for code in ["0", "7000112", "\"50126\""] {
        let graph = format!("{{\"correlationId\": \"c\", \"status\": {{\"errorCode\": {code}}}}}");
        let r = import(tmp.path(), &["-"], Some(graph.as_bytes()));
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
    }
}

/// Issue 18: the admin center CSV's `Multifactor authentication auth method` gives
/// `credential.type` by rule 9 (its detail's AAGUID for `Passkey (device-bound)`); its
/// `Conditional Access` column (the overall CA status) gives no fact (rule 10: the CSV → nothing).
#[test]
fn the_csvs_mfa_method_gives_the_credential_type_and_ca_status_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(root().join("tests/signin_logs/public/11.csv")).unwrap();
    let row = "Android 10,FALSE,FALSE,,,,,multiFactorAuthentication";
    assert!(csv.contains(row));
    let with = |method: &str, detail: &str| {
        csv.replacen(row, &format!("Android 10,FALSE,FALSE,,Success,{method},{detail},multiFactorAuthentication"), 1)
    };
    for (method, detail, want) in [
        ("Passkey (device-bound)", "Authenticator - 90a3ccdf-635c-4729-a248-9b709135078f", Some("authenticator")),
        ("Passkey (device-bound)", "", None),
        ("FIDO2 security key", "YubiKey 5", Some("security-key")),
        ("Passkey (synced)", "", Some("synced")),
        ("Windows Hello for Business", "", None),
        ("Text message", "", None),
    ] {
        let r = import(tmp.path(), &["-"], Some(with(method, detail).as_bytes()));
        let (facts, sources) = facts_and_sources(&r, method);
        assert_eq!(facts.get("credential.type").and_then(Value::as_str), want, "{method} {detail}");
        if want.is_some() {
            assert_eq!(sources["credential.type"], "portal-csv: Multifactor authentication auth method");
        }
        assert!(!facts.keys().any(|k| k.starts_with("ca.")), "{facts:?}");
    }
}

/// Issue 18: a non-interactive download (same columns as the interactive one) is recognised by
/// its name, and said to be one, rather than read as interactive sign-ins.
#[test]
fn a_non_interactive_download_is_not_taken_as_interactive() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = std::fs::read(root().join("tests/signin_logs/public/11.csv")).unwrap();
    // The JSON download without `isInteractive` (the entries don't say).
    let json =
        br#"[{"correlationId": "c1", "createdDateTime": "2026-11-18T14:03:52Z", "status": {"errorCode": 50074}}]"#
            .to_vec();
    for (name, bytes) in
        [("NonInteractiveSignIns_2026-11-23_2026-11-24.csv", &csv), ("NonInteractiveSignIns_2026-11-18.json", &json)]
    {
        let file = tmp.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let r = import(tmp.path(), &[file.to_str().unwrap()], None);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("entries are non-interactive sign-ins (the non-interactive download)"),
            "{}",
            r.stderr
        );
    }
    // The interactive download under its own name still imports.
    let file = tmp.path().join("InteractiveSignIns_2026-11-23_2026-11-24.csv");
    std::fs::write(&file, &csv).unwrap();
    assert_eq!(import(tmp.path(), &[file.to_str().unwrap()], None).code, 0);
}

use io_support::Trickle;

/// The byte-order mark is dropped and the CSV header line read whole however the reads split
/// them (a pipe may deliver a byte at a time), for JSON and CSV alike.
#[test]
fn a_byte_order_mark_split_over_reads_is_still_dropped() {
    use passkey_triage::import::{Query, import as import_lib};
    let csv = std::fs::read(root().join("tests/signin_logs/public/11.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "the sample has a BOM");
    let mut json = b"\xEF\xBB\xBF".to_vec();
    json.extend(std::fs::read(root().join("tests/signin_logs/public/13.json")).unwrap());
    // A spreadsheet's `;`: the separator is told from the whole header line, not from the first read.
    let semicolons = std::fs::read(root().join("tests/signin_logs/cases/portal-semicolons.csv")).unwrap();
    for (what, bytes, code) in
        [("csv", &csv, "AADSTS50074"), ("json", &json, "AADSTS53003"), ("semicolons", &semicolons, "AADSTS50074")]
    {
        let got = import_lib("<stdin>", Trickle(bytes), &Query::default(), 1);
        let facts = got.map(|i| i.facts.into_iter().map(|f| (f.key, f.value)).collect::<Vec<_>>());
        let error_code = facts.as_ref().ok().and_then(|f| f.iter().find(|(k, _)| *k == "error.code").cloned());
        assert_eq!(error_code.map(|(_, v)| v).as_deref(), Some(code), "{what}: {facts:?}");
    }
}
