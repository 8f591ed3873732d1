//! The committed JSON schemas (`assets/*.schema.json`) must equal the ones generated from the Rust
//! types, and runbooks that point at the schema with `"$schema"` must load and validate.
//!
//! To regenerate the committed files after changing the model:
//!
//! ```sh
//! UPDATE_SCHEMA=1 cargo test --test schema
//! ```

use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check_committed(rel: &str, generated: &str) {
    let path = root().join(rel);
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v != "0") {
        std::fs::write(&path, generated).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    assert!(
        committed == generated,
        "{rel} is out of date with the Rust types (or missing).\n\
         Regenerate it with:  UPDATE_SCHEMA=1 cargo test --test schema\n\
         and commit the result."
    );
}

#[test]
fn runbook_schema_is_committed_and_current() {
    check_committed("assets/runbook.schema.json", &passkey_triage::schema::runbook_schema());
}

#[test]
fn matrix_schema_is_committed_and_current() {
    check_committed("assets/compat-matrix.schema.json", &passkey_triage::schema::matrix_schema());
}

#[test]
fn schema_command_prints_the_runbook_schema() {
    let out = assert_cmd::Command::cargo_bin("passkey-triage")
        .unwrap()
        .arg("schema")
        .env("PASSKEY_TRIAGE_CONFIG_DIR", root().join("target/none"))
        .env("PASSKEY_TRIAGE_DATA_DIR", root().join("target/none"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), passkey_triage::schema::runbook_schema());
}

// ---------------------------------------------------------------------------------------------
// A small validator for the subset of JSON Schema 2020-12 that schemars emits (type, properties,
// required, additionalProperties, items, $ref into $defs, oneOf, anyOf, const, enum). Enough to
// show what an editor will accept, without another dependency.

fn type_ok(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        other => panic!("validator does not know type {other}"),
    }
}

fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let Some(s) = schema.as_object() else { return };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("unexpected $ref {r}"));
        validate(root, &root["$defs"][name], v, at, errs);
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_ok(t, v) => errs.push(format!("{at}: expected {t}")),
        Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap_or(""), v)) => {
            errs.push(format!("{at}: expected one of {ts:?}"))
        }
        _ => {}
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errs.push(format!("{at}: expected {c}"));
    }
    if let Some(Value::Array(e)) = s.get("enum")
        && !e.contains(v)
    {
        errs.push(format!("{at}: {v} not in {e:?}"));
    }
    for (kw, want_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(Value::Array(alts)) = s.get(kw) {
            let ok = alts
                .iter()
                .filter(|alt| {
                    let mut e = Vec::new();
                    validate(root, alt, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if (want_one && ok != 1) || (!want_one && ok == 0) {
                errs.push(format!("{at}: {ok} alternatives of {kw} match"));
            }
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(req)) = s.get("required") {
            for r in req {
                let r = r.as_str().unwrap_or_default();
                if !obj.contains_key(r) {
                    errs.push(format!("{at}: missing required `{r}`"));
                }
            }
        }
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, val, &format!("{at}/{k}"), errs),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errs.push(format!("{at}: unknown property `{k}`"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            validate(root, items, item, &format!("{at}/{i}"), errs);
        }
    }
}

fn schema_errors(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    validate(schema, schema, doc, "", &mut errs);
    errs
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

fn runbook_schema_value() -> Value {
    serde_json::from_str(&passkey_triage::schema::runbook_schema()).unwrap()
}

#[test]
fn fixture_runbooks_point_at_the_committed_schema_and_validate() {
    let schema = runbook_schema_value();
    let dir = root().join("tests/fixtures/core/runbooks");
    let files = json_files(&dir);
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        // The pointer resolves, relative to the runbook file, to the committed schema.
        let pointer = doc["$schema"].as_str().unwrap_or_else(|| panic!("{}: no \"$schema\"", f.display()));
        let target = f.parent().unwrap().join(pointer);
        let committed: Value = serde_json::from_str(
            &std::fs::read_to_string(&target)
                .unwrap_or_else(|e| panic!("{}: \"$schema\" {pointer} does not resolve: {e}", f.display())),
        )
        .unwrap();
        assert_eq!(committed, schema, "{}: \"$schema\" points at another schema", f.display());
        // The schema accepts the runbook, and so does the loader (which knows `$schema`).
        assert_eq!(schema_errors(&schema, &doc), Vec::<String>::new(), "{}", f.display());
        let rb = passkey_triage::runbook::load::read_runbook_file(&f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rb.runbook.json_schema.as_deref(), Some(pointer));
    }
}

#[test]
fn builtin_runbooks_validate_against_the_schema() {
    let schema = runbook_schema_value();
    for (name, text) in passkey_triage::runbook::load::BUILTIN_RUNBOOKS {
        let doc: Value = serde_json::from_str(text).unwrap();
        assert_eq!(schema_errors(&schema, &doc), Vec::<String>::new(), "runbooks/{name}");
    }
}

#[test]
fn builtin_matrix_validates_against_the_matrix_schema() {
    let schema: Value = serde_json::from_str(&passkey_triage::schema::matrix_schema()).unwrap();
    let doc: Value = serde_json::from_str(passkey_triage::runbook::load::BUILTIN_MATRIX).unwrap();
    assert_eq!(schema_errors(&schema, &doc), Vec::<String>::new());
}

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let schema = runbook_schema_value();
    let good: Value = serde_json::from_str(
        r#"{"$schema": "../assets/runbook.schema.json", "schema": 1, "id": "x", "title": "t", "as_of": "2026-01-01",
            "start": "o", "nodes": [{"id": "o", "kind": "outcome", "class": "unclassified", "title": "t",
            "summary": "s", "escalate": false, "remediation": []}]}"#,
    )
    .unwrap();
    assert_eq!(schema_errors(&schema, &good), Vec::<String>::new());
    let cases: &[(&str, &str, Value)] = &[
        ("unknown top-level field", "/colour", Value::String("red".into())),
        ("unknown node kind", "/nodes/0/kind", Value::String("teleport".into())),
        ("unknown node field", "/nodes/0/colour", Value::String("red".into())),
        ("schema is not a number", "/schema", Value::String("one".into())),
        ("node kind given as an object", "/nodes/0/kind", serde_json::json!({"outcome": null})),
        ("node kind given as a number", "/nodes/0/kind", serde_json::json!(5)),
    ];
    for (what, pointer, value) in cases {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(if parent.is_empty() { "" } else { parent }).unwrap()[key] = value.clone();
        assert!(!schema_errors(&schema, &doc).is_empty(), "schema accepts {what}");
        let file = passkey_triage::runbook::SourceFile::new(
            passkey_triage::runbook::Origin::File("case.json".into()),
            doc.to_string(),
        );
        assert!(
            passkey_triage::runbook::load::parse_json::<passkey_triage::runbook::Runbook>(&file).is_err(),
            "loader accepts {what}"
        );
    }
    let mut no_start = good.clone();
    no_start.as_object_mut().unwrap().remove("start");
    assert!(!schema_errors(&schema, &no_start).is_empty(), "schema accepts a runbook without start");
    // The cases above serialize keys in order, so `kind` comes after `id`; a node that starts
    // with `kind` takes the loader's other path.
    let kind_first = |kind: &str| {
        format!(
            r#"{{"schema": 1, "id": "x", "title": "t", "as_of": "2026-01-01", "start": "o", "nodes": [{{"kind": {kind},
                "id": "o", "class": "unclassified", "title": "t", "summary": "s", "escalate": false, "remediation": []}}]}}"#
        )
    };
    let parse = |text: String| {
        let file =
            passkey_triage::runbook::SourceFile::new(passkey_triage::runbook::Origin::File("case.json".into()), text);
        passkey_triage::runbook::load::parse_json::<passkey_triage::runbook::Runbook>(&file)
    };
    assert!(parse(kind_first(r#""outcome""#)).is_ok(), "the kind-first form of the good runbook loads");
    for bad in [r#"{"outcome": null}"#, "5", r#""teleport""#, "null"] {
        assert!(parse(kind_first(bad)).is_err(), "loader accepts kind {bad} as the first key");
    }
}

#[test]
fn the_worked_example_in_the_format_guide_is_valid() {
    use std::sync::Arc;

    use passkey_triage::runbook::lint::{LintScope, lint};
    use passkey_triage::runbook::load::{builtin_matrix, parse_json, read_runbook_file};
    use passkey_triage::runbook::{LoadedRunbook, Origin, Runbook, RunbookSet, Severity, SourceFile};

    let guide = std::fs::read_to_string(root().join("docs/runbook-format.md")).unwrap();
    let after = guide.split("## A worked example").nth(1).expect("the guide has a worked example");
    let block = after.split("```json\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a ```json block");
    let doc: Value = serde_json::from_str(block).unwrap_or_else(|e| panic!("the example is not JSON: {e}"));
    assert_eq!(schema_errors(&runbook_schema_value(), &doc), Vec::<String>::new());

    let file = Arc::new(SourceFile::new(Origin::File("docs/runbook-format.md#example".into()), block.to_string()));
    let example = LoadedRunbook::new(parse_json::<Runbook>(&file).unwrap_or_else(|e| panic!("{e}")), file);
    let dir = root().join("tests/fixtures/core/runbooks");
    let mut rbs: Vec<LoadedRunbook> =
        ["triage.json", "fx-cross.json"].iter().map(|f| read_runbook_file(&dir.join(f)).unwrap()).collect();
    rbs.push(example);
    let (m, mfile) = builtin_matrix().unwrap();
    let set = RunbookSet::new(rbs, m, mfile);
    // Only the example: the built-in matrix refers to facts the library runbooks declare.
    let only: std::collections::HashSet<String> = ["docs/runbook-format.md#example".to_string()].into();
    let findings = lint(&set, Some(&only), LintScope { full_set: false });
    let errors: Vec<String> =
        findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.to_string()).collect();
    assert_eq!(errors, Vec::<String>::new());
    // As the guide says: unreachable until `triage` links to it.
    assert!(findings.iter().any(|f| f.code == "unreachable" && f.message.contains("`picker`")), "{findings:?}");
}

#[test]
fn the_format_guide_lists_every_lint_code() {
    let guide = std::fs::read_to_string(root().join("docs/runbook-format.md")).unwrap();
    let mut codes: Vec<String> = Vec::new();
    for src in ["src/runbook/lint.rs", "src/runbook/lint/order.rs", "src/runbook/load.rs"] {
        let text = std::fs::read_to_string(root().join(src)).unwrap();
        // Codes are the first string literal of Finding::error/warning(...) and `code: "..."`.
        for part in text.split("Finding::error(").skip(1).chain(text.split("Finding::warning(").skip(1)) {
            if let Some(code) = part.trim_start().strip_prefix('"').and_then(|r| r.split('"').next()) {
                codes.push(code.to_string());
            }
        }
        for part in text.split("code: \"").skip(1) {
            codes.push(part.split('"').next().unwrap().to_string());
        }
    }
    // parse_json classifies serde errors into these.
    codes.extend(["unknown-field", "unknown-variant", "missing-field", "schema"].map(String::from));
    codes.sort();
    codes.dedup();
    assert!(codes.len() >= 25, "{codes:?}");
    for code in codes {
        assert!(
            guide.contains(&format!("| `{code}` |")),
            "docs/runbook-format.md does not document lint code `{code}`"
        );
    }
}
