//! `lint [PATH...]`: check runbooks; exit 0 clean (warnings allowed), 1 errors, 2 I/O.

use std::collections::HashSet;
use std::io::Write;

use super::{CliError, Context};
use crate::cli::{LintArgs, LintFormat};
use crate::exit;
use crate::runbook::lint::{LintScope, lint, stale_content};
use crate::runbook::load::{MESSAGES_FILE, read_runbook_file, runbook_files};
use crate::runbook::{Finding, RunbookSet, Severity};

pub fn run(ctx: &Context, args: &LintArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let full_set = args.paths.is_empty();
    let mut dirs = ctx.effective_dirs();
    let mut selected: Option<HashSet<String>> = None;
    if !full_set {
        let mut sel = HashSet::new();
        for p in &args.paths {
            if !p.exists() {
                return Err(CliError::bad_input(format!("{}: no such file or folder", p.display())));
            }
            // A desk's message catalog is linted with the folder it is in (or on its own).
            let catalog_file = p.file_name().is_some_and(|n| n == MESSAGES_FILE);
            let folder = if catalog_file { p.parent().map(|d| d.to_path_buf()).unwrap_or_default() } else { p.clone() };
            let catalog = folder.join(MESSAGES_FILE);
            let has_catalog = folder.is_dir() && std::fs::symlink_metadata(&catalog).is_ok();
            if has_catalog {
                sel.insert(catalog.display().to_string());
            }
            if !catalog_file {
                let files = runbook_files(p).map_err(|e| CliError::bad_input(format!("{}: {e}", p.display())))?;
                if files.is_empty() && !has_catalog {
                    return Err(CliError::bad_input(format!("{}: no .json runbooks here", p.display())));
                }
                for f in files {
                    sel.insert(f.display().to_string());
                }
            }
            dirs.push(folder);
        }
        selected = Some(sel);
    }
    let loaded = RunbookSet::load(&dirs).map_err(|f| CliError::bad_input(f.to_string()))?;
    let mut findings: Vec<Finding> = loaded.errors.clone();
    // Files named on the command line that failed to parse were reported by load; make sure a
    // parse failure in a named file is not hidden behind another file's.
    if let Some(sel) = &selected {
        findings.retain(|f| sel.contains(&f.file) || f.code == "io");
        for path in sel.iter().filter(|p| !p.ends_with(MESSAGES_FILE)) {
            if !findings.iter().any(|f| &f.file == path)
                && let Err(e) = read_runbook_file(std::path::Path::new(path))
            {
                findings.push(*e);
            }
        }
    }
    // A file that can't be read is an I/O error (exit 2), not a finding about its content.
    if let Some(io) = findings.iter().find(|f| f.code == "io") {
        return Err(CliError::bad_input(io.to_string()));
    }
    findings.extend(lint(&loaded.set, selected.as_ref(), LintScope { full_set }));
    // A file named on the command line whose runbook id a later PATH also has is replaced in the
    // set above (later wins): lint it again with its own PATH last, so it is checked too.
    if let Some(sel) = &selected {
        let in_set: HashSet<String> = loaded.set.runbooks.iter().map(|rb| rb.file.origin.to_string()).collect();
        for p in &args.paths {
            let files: HashSet<String> = runbook_files(p)
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.display().to_string())
                .filter(|f| sel.contains(f) && !in_set.contains(f) && !findings.iter().any(|x| &x.file == f))
                .collect();
            if files.is_empty() {
                continue;
            }
            let mut own = ctx.effective_dirs();
            own.push(p.clone());
            let again = RunbookSet::load(&own).map_err(|f| CliError::bad_input(f.to_string()))?;
            findings.extend(again.errors.iter().filter(|f| files.contains(&f.file)).cloned());
            findings.extend(lint(&again.set, Some(&files), LintScope { full_set }));
        }
    }
    findings.extend(aadsts_findings(&dirs));
    let mut scenarios = 0usize;
    for path in &args.scenarios {
        let (count, found) = scenario_findings(&loaded.set, path)?;
        scenarios += count;
        findings.extend(found);
    }
    let today = chrono::Utc::now().date_naive();
    findings.extend(stale_content(&loaded.set, selected.as_ref(), today, args.max_age_days));
    findings.dedup();
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let io = |e: std::io::Error| CliError::bad_input(format!("cannot write output: {e}"));
    match args.format {
        LintFormat::Text => {
            for f in &findings {
                writeln!(out, "{f}").map_err(io)?;
            }
            let checked = if full_set {
                loaded.set.runbooks.len()
            } else {
                selected.as_ref().map_or(0, |s| s.iter().filter(|f| !f.ends_with(MESSAGES_FILE)).count())
            };
            let with_scenarios =
                if args.scenarios.is_empty() { String::new() } else { format!(", {scenarios} scenario(s) walked") };
            writeln!(out, "{checked} runbook(s) checked{with_scenarios}: {errors} error(s), {warnings} warning(s)")
                .map_err(io)?;
        }
        LintFormat::Json => {
            let doc = serde_json::json!({ "errors": errors, "warnings": warnings, "findings": findings });
            writeln!(out, "{}", crate::export::json::escape_unsafe(&doc.to_string())).map_err(io)?;
        }
    }
    Ok(if errors > 0 { exit::FINDINGS } else { exit::OK })
}

/// An `aadsts.json` override beside the runbooks that can't be used (see `crate::aadsts`).
fn aadsts_findings(dirs: &[std::path::PathBuf]) -> Vec<Finding> {
    dirs.iter()
        .map(|d| d.join(crate::aadsts::FILE_NAME))
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let e = crate::aadsts::Table::load(&[p.parent()?.to_path_buf()]).err()?;
            Some(Finding {
                severity: Severity::Error,
                code: "aadsts",
                file: p.display().to_string(),
                line: None,
                column: None,
                node: None,
                message: e.0,
            })
        })
        .collect()
}

/// The largest scenario file read (a facts file).
const MAX_SCENARIO_BYTES: u64 = 1024 * 1024;

/// Golden scenarios (contract §4): each file's facts walked as `diagnose --assume-unknown` does,
/// as the scenario's `role` (default tier 2); a class other than `expect.class` is an error
/// naming both. A file that can't be read is an I/O error (exit 2).
fn scenario_findings(set: &RunbookSet, path: &std::path::Path) -> Result<(usize, Vec<Finding>), CliError> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| CliError::bad_input(format!("{}: {e}", path.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter(|p| !p.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b".")))
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".expect.json")))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        return Err(CliError::bad_input(format!("{}: no .json scenarios here", path.display())));
    }
    let mut out = Vec::new();
    let count = files.len();
    for file in files {
        let (name, text) = crate::facts_file::read(&file, &mut std::io::empty(), MAX_SCENARIO_BYTES)
            .map_err(|e| CliError::bad_input(e.to_string()))?;
        let finding = |message: String| Finding {
            severity: Severity::Error,
            code: "scenario",
            file: crate::text::sanitize_line(&name),
            line: None,
            column: None,
            node: None,
            message: crate::text::sanitize_line(&message),
        };
        let parsed = match crate::facts_file::parse_file(&name, &text, &set.vocab) {
            Ok(p) => p,
            Err(e) => {
                out.push(finding(e.to_string()));
                continue;
            }
        };
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let Some(expect) = value.get("expect").and_then(|e| e.get("class")).and_then(|c| c.as_str()) else {
            out.push(finding("no `expect.class`: a golden scenario says the class it must reach".to_string()));
            continue;
        };
        let role = parsed.role.unwrap_or(crate::engine::Role::Tier2);
        let options = crate::engine::WalkOptions { assume_unknown: true, skip_steps: true, role, ..Default::default() };
        let walk = match crate::facts_file::Known::from_file(parsed).start(set, options, chrono::Utc::now()) {
            Ok(w) => w,
            Err(e) => {
                out.push(finding(format!("the walk stopped: {e}")));
                continue;
            }
        };
        match walk.outcome(set) {
            Some((_, o)) if o.class == expect => {}
            Some((node, o)) => out.push(finding(format!("expected `{expect}`, reached `{}` at {node}", o.class))),
            None => out.push(finding(format!("expected `{expect}`, reached no outcome"))),
        }
    }
    Ok((count, out))
}
