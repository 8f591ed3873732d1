//! JSON schemas generated from the Rust types, so the committed schema can't drift.

/// The runbook schema, pretty-printed (the content of `assets/runbook.schema.json`).
pub fn runbook_schema() -> String {
    let schema = schemars::schema_for!(crate::runbook::model::Runbook);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// The compatibility-matrix schema (`assets/compat-matrix.schema.json`).
pub fn matrix_schema() -> String {
    let schema = schemars::schema_for!(crate::matrix::Matrix);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
