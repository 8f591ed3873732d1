//! The README's command table stays true to `--help`: one row per subcommand (and one for the
//! wizard), and each row names exactly the flags its `--help` lists (the global `--runbooks` and
//! `--data-dir` are said once, under the table).

use std::collections::BTreeSet;
use std::path::Path;

fn help(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passkey-triage"))
        .args(args)
        .arg("--help")
        .output()
        .expect("run passkey-triage");
    assert!(out.status.success(), "{args:?} --help");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// `--flag` words in a text.
fn flags(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_string)
        .collect()
}

/// The flags a `--help` lists as options (not those only mentioned in other flags' text).
fn help_flags(text: &str) -> BTreeSet<String> {
    let global = ["--help", "--version", "--runbooks", "--data-dir"];
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("--") || l.starts_with("-h,") || l.starts_with("-V,"))
        .flat_map(|l| flags(l.split("  ").next().unwrap_or("")))
        .filter(|f| !global.contains(&f.as_str()))
        .collect()
}

/// The README's command table: (subcommand, or "" for the wizard; the row's flags).
fn readme_rows() -> Vec<(String, BTreeSet<String>)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let table = readme.split("## Commands").nth(1).expect("a Commands section");
    table
        .lines()
        .skip_while(|l| !l.starts_with("| command"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let usage = row.split('`').nth(1).expect("the usage in code");
            let sub = usage.split_whitespace().nth(1).filter(|w| !w.starts_with('[')).unwrap_or("").to_string();
            (sub, flags(usage))
        })
        .collect()
}

#[test]
fn every_subcommand_has_one_row() {
    let top = help(&[]);
    let subs: BTreeSet<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|s| *s != "help")
        .map(str::to_string)
        .collect();
    let rows: Vec<String> = readme_rows().into_iter().map(|(s, _)| s).collect();
    let mut expected: Vec<String> = subs.into_iter().collect();
    expected.push(String::new());
    expected.sort();
    let mut got = rows.clone();
    got.sort();
    assert_eq!(got, expected, "one README row per subcommand and one for the wizard: {rows:?}");
}

#[test]
fn each_row_names_the_flags_its_help_lists() {
    for (sub, row_flags) in readme_rows() {
        let args: Vec<&str> = if sub.is_empty() { vec![] } else { vec![sub.as_str()] };
        let listed = help_flags(&help(&args));
        assert_eq!(row_flags, listed, "README row for `{sub}` vs its --help");
    }
}
