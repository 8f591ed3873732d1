//! Contract conformance found by the contract audit (diagnosis contract v3): `diagnose` on the
//! built-in library, through the binary.

mod cli_support;

use cli_support::{Run, cli, finish};

use serde_json::Value;

fn diagnose(args: &[&str], stdin: &str) -> Run {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut c = cli(tmp.path());
    c.arg("diagnose").args(args).write_stdin(stdin.to_string());
    finish(c)
}

/// Contract §3: exit 2 on bad input, one line on stderr that names the problem, nothing on stdout.
/// A flag value outside the ones `diagnose` takes (`--role tier3`, `--format yaml`), an unknown
/// flag or a missing `--facts` is bad input too: one line, not clap's usage block.
#[test]
fn usage_errors_are_one_line_on_stderr_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--facts", "-", "--role", "tier3"], "tier3"),
        (&["--facts", "-", "--format", "yaml"], "yaml"),
        (&["--facts", "-", "--bogus"], "--bogus"),
        (&[], "--facts"),
    ];
    for (args, names) in cases {
        let r = diagnose(args, r#"{"facts": {}}"#);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: one line expected:\n{}", r.stderr);
        assert!(r.stderr.ends_with('\n'), "{args:?}: {:?}", r.stderr);
        assert!(r.stderr.contains(names), "{args:?}: the line names the problem: {}", r.stderr);
        assert!(!r.stderr.contains('\u{1b}'), "{args:?}: no escape sequences: {:?}", r.stderr);
    }
    // Help and version still print as usual, on stdout, exit 0.
    for flag in ["--help", "--version"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut c = cli(tmp.path());
        c.arg(flag);
        let r = finish(c);
        assert_eq!(r.code, 0, "{flag}: {}", r.stderr);
        assert!(!r.stdout.is_empty() && r.stderr.is_empty(), "{flag}");
    }
}

/// Contract §1 (`error.code`: the AADSTS code as seen) and §10 (the caller reads it off the
/// screen): the error page shows the code with its text, `AADSTS53003: Access has been blocked by
/// Conditional Access policies.`; typed that way it is the same code as `53003`.
#[test]
fn an_aadsts_code_read_with_its_message_is_the_code() {
    let outcome = |code: &str| {
        let facts = serde_json::json!({"facts": {"error.code": code}}).to_string();
        let r = diagnose(&["--facts", "-", "--assume-unknown"], &facts);
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
        v["outcome"].as_str().unwrap_or_default().to_string()
    };
    let want = outcome("53003");
    assert_eq!(want, "policy#o-ca-53003");
    for seen in [
        "AADSTS53003",
        "AADSTS53003: Access has been blocked by Conditional Access policies.",
        "AADSTS53003 - Access has been blocked by Conditional Access policies",
        "Error code: 53003",
        "Error Code: AADSTS53003",
    ] {
        assert_eq!(outcome(seen), want, "{seen}");
    }
    // Not a code: another number, or digits run into letters.
    assert_ne!(outcome("530030"), want);
    assert_ne!(outcome("53003abc"), want);
}
