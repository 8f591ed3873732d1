//! The ticket note as the Atlassian Document Format body a Jira comment gets: the whole
//! Markdown note of the escalated fixture call, node for node (reviewable as a snapshot).

mod common;

use common::*;
use passkey_triage::export::{Format, render};
use passkey_triage::ticketing::adf;

#[test]
fn the_markdown_note_as_adf() {
    let note = render(&escalated_session(&fixture_set()), Format::Markdown, Default::default());
    insta::assert_json_snapshot!(adf::from_markdown(&note));
}

#[test]
fn the_text_note_as_adf_keeps_every_line() {
    let note = render(&escalated_session(&fixture_set()), Format::Text, Default::default());
    let doc = adf::from_text(&note);
    let mut lines = Vec::new();
    for p in doc["content"].as_array().into_iter().flatten() {
        for n in p["content"].as_array().into_iter().flatten() {
            if let Some(t) = n["text"].as_str() {
                lines.push(t.to_string());
            }
        }
    }
    let expected: Vec<&str> = note.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines, expected);
}
