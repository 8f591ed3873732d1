//! The journal: atomic saves, listing newest first, loading by id / prefix / path, and files
//! that are not sessions (truncated, garbage, foreign) being reported, skipped and left alone.

mod common;

use std::path::Path;

use common::*;
use passkey_triage::session::journal::{Journal, JournalError, parse_session};
use passkey_triage::session::{SESSION_FORMAT, Status};
use proptest::prelude::*;

fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    v.sort();
    v
}

#[test]
fn save_then_load_round_trips_and_leaves_no_temp_files() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(tmp.path().join("sessions"));
    let mut s = open_session(&set);
    let path = journal.save(&s).expect("save");
    assert_eq!(path, tmp.path().join("sessions/20260120T160000Z-00ff.json"));
    // Every step re-saves; the file always holds the latest state.
    step(&mut s, &set, "authenticator", at(16, 2, 0));
    journal.save(&s).expect("save again");
    let back = journal.load(&s.id).expect("load");
    assert_eq!(back, s);
    assert_eq!(journal.load("20260120T16").expect("prefix"), s);
    assert_eq!(journal.load(&path.display().to_string()).expect("path"), s);
    let names: Vec<String> = snapshot_dir(journal.dir()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, vec!["20260120T160000Z-00ff.json".to_string()]);
}

#[test]
fn list_is_newest_first_with_class_and_status() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(tmp.path());
    for s in [resolved_session(&set), escalated_session(&set), open_session(&set)] {
        journal.save(&s).expect("save");
    }
    let (list, corrupt) = journal.list();
    assert!(corrupt.is_empty());
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["20260120T160000Z-00ff", "20260120T140200Z-3f2a", "20260120T090000Z-0001"]);
    assert_eq!(list[1].class.as_deref(), Some("unclassified"));
    assert_eq!(list[1].status, Status::Escalated);
    assert_eq!(list[1].ticket.as_deref(), Some("INC0012345"));
    assert_eq!(list[0].status, Status::Open);
    assert_eq!(list[2].status, Status::Resolved);
    assert_eq!(journal.latest_open().map(|s| s.id), Some("20260120T160000Z-00ff".to_string()));
    assert_eq!(journal.resume(None).map(|s| s.id).ok(), Some("20260120T160000Z-00ff".to_string()));
    assert!(matches!(journal.load("2026"), Err(JournalError::Ambiguous { .. })));
    assert!(matches!(journal.load("nope"), Err(JournalError::NotFound { .. })));
}

#[test]
fn truncated_and_garbage_files_are_reported_skipped_and_untouched() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(tmp.path());
    let good = escalated_session(&set);
    journal.save(&good).expect("save");
    let full = serde_json::to_string_pretty(&good).expect("json");
    std::fs::write(tmp.path().join("20260121T000000Z-0001.json"), &full[..full.len() / 2]).expect("write");
    std::fs::write(tmp.path().join("20260121T000000Z-0002.json"), b"\x00\xff\xfegarbage\x1b[2J").expect("write");
    std::fs::write(tmp.path().join("20260121T000000Z-0003.json"), b"").expect("write");
    std::fs::write(tmp.path().join("20260121T000000Z-0004.json"), br#"{"format": 99, "id": "x"}"#).expect("write");
    std::fs::write(tmp.path().join("20260121T000000Z-0005.json"), b"[1, 2, 3]").expect("write");
    std::fs::create_dir(tmp.path().join("folder.json")).expect("mkdir");
    std::fs::write(tmp.path().join("notes.txt"), b"not a session").expect("write");
    let before = snapshot_dir(tmp.path());

    let (list, corrupt) = journal.list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, good.id);
    let mut reported: Vec<String> =
        corrupt.iter().map(|c| c.path.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    reported.sort();
    assert_eq!(
        reported,
        [
            "20260121T000000Z-0001.json",
            "20260121T000000Z-0002.json",
            "20260121T000000Z-0003.json",
            "20260121T000000Z-0004.json",
            "20260121T000000Z-0005.json",
            "folder.json"
        ]
    );
    let reasons: Vec<String> = corrupt.iter().map(|c| c.to_string()).collect();
    assert!(reasons.iter().any(|r| r.contains("truncated")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("format 99")), "{reasons:?}");
    for r in &reasons {
        assert!(passkey_triage::text::is_clean(r) && !r.contains('\n'), "{r:?}");
    }
    // Loading a broken one directly is an error, not a panic.
    assert!(matches!(journal.load("20260121T000000Z-0002"), Err(JournalError::Corrupt(_))));
    // A new session whose id collides with a broken file refuses to overwrite it.
    let mut clash = open_session(&set);
    clash.id = "20260121T000000Z-0001".into();
    assert!(matches!(journal.save(&clash), Err(JournalError::WouldOverwrite { .. })));
    // Nothing was changed or deleted (the listing's cache, the index, may be new).
    let after: Vec<_> = snapshot_dir(tmp.path())
        .into_iter()
        .filter(|(n, _)| n != passkey_triage::session::journal::INDEX_FILE)
        .collect();
    assert_eq!(after, before);
}

#[test]
fn missing_folder_lists_nothing_and_bad_ids_are_refused() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(tmp.path().join("does-not-exist"));
    let (list, corrupt) = journal.list();
    assert!(list.is_empty() && corrupt.is_empty());
    assert!(matches!(journal.resume(None), Err(JournalError::NoOpenSession { .. })));
    let mut s = open_session(&set);
    s.id = "../escape".into();
    assert!(matches!(journal.save(&s), Err(JournalError::BadId(_))));
    assert!(!tmp.path().join("escape.json").exists());
}

#[test]
fn newer_formats_are_refused_with_a_clear_reason() {
    let set = fixture_set();
    let mut v = serde_json::to_value(open_session(&set)).expect("value");
    v["format"] = serde_json::json!(SESSION_FORMAT + 1);
    let e = parse_session(v.to_string().as_bytes()).err().unwrap_or_default();
    assert!(e.contains("format 2"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever bytes a session file holds, reading it never panics.
    #[test]
    fn parsing_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_session(&bytes);
    }

    /// Any prefix of a real session file (a torn write) is reported, never half-loaded.
    #[test]
    fn every_truncation_is_an_error(cut in 0usize..10_000) {
        let set = fixture_set();
        let full = serde_json::to_string(&escalated_session(&set)).expect("json");
        let cut = cut % full.len();
        prop_assert!(parse_session(&full.as_bytes()[..cut]).is_err());
    }
}

#[test]
fn background_writer_ends_with_the_newest_state_on_disk() {
    use passkey_triage::session::journal::JournalWriter;
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = open_session(&set);
    let mut writer = JournalWriter::new(Journal::at(tmp.path()));
    assert_eq!(writer.flush(), Ok(None));
    writer.submit(&s);
    step(&mut s, &set, "authenticator", at(16, 2, 0));
    writer.submit(&s);
    for i in 0..20 {
        s.notes = format!("note {i}");
        writer.submit(&s);
    }
    let path = writer.flush().expect("flush").expect("written");
    assert_eq!(Journal::at(tmp.path()).load(&path.display().to_string()).expect("load"), s);
    s.notes = "after drop".into();
    writer.submit(&s);
    drop(writer);
    assert_eq!(Journal::at(tmp.path()).load(&s.id).expect("load").notes, "after drop");

    // Write errors are reported, not fatal.
    let mut bad = s.clone();
    bad.id = "../nope".into();
    let mut writer = JournalWriter::new(Journal::at(tmp.path()));
    writer.submit(&bad);
    assert!(writer.flush().is_err());
    assert!(writer.last_error().is_some_and(|e| e.contains("not a valid session id")));
}

#[test]
fn the_documented_example_is_a_valid_session() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/session-format.md"))
        .expect("docs/session-format.md");
    let json = doc.split("```json\n").nth(1).and_then(|r| r.split("\n```").next()).expect("example block");
    let s = parse_session(json.as_bytes()).expect("example parses");
    assert_eq!(s.format, SESSION_FORMAT);
    assert_eq!(s.status, Status::Resolved);
    // And it is what this version writes for that session.
    let set = fixture_set();
    let mut expected = resolved_session(&set);
    expected.notes = "User restarted Authenticator; works again.".into();
    assert_eq!(s, expected);
}

/// The start screen's list: the newest unfinished calls among the newest files only, so that
/// months of saved calls don't slow the start; an unreadable file among them is reported.
#[test]
fn recent_unfinished_looks_only_through_the_newest_files() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(tmp.path());
    // Day 1..=9 at 16:00: odd days open, even days resolved.
    let mut open_ids = Vec::new();
    for day in 1..=9u32 {
        let mut s = if day % 2 == 1 { open_session(&set) } else { resolved_session(&set) };
        s.id = format!("202601{day:02}T160000Z-00{day:02}");
        s.started_at += chrono::Duration::days(i64::from(day));
        if s.is_open() {
            open_ids.push(s.id.clone());
        }
        journal.save(&s).expect("save");
    }
    open_ids.reverse(); // newest first: days 9, 7, 5, 3, 1
    let ids = |v: Vec<passkey_triage::session::Session>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();

    let (open, corrupt) = journal.recent_unfinished(10, 100);
    assert!(corrupt.is_empty());
    assert_eq!(ids(open), open_ids, "all of them, newest first");
    let (open, _) = journal.recent_unfinished(2, 100);
    assert_eq!(ids(open), open_ids[..2], "at most max");
    // The newest 4 files are days 9, 8, 7, 6: two open calls.
    let (open, _) = journal.recent_unfinished(10, 4);
    assert_eq!(ids(open), open_ids[..2], "only the newest files");

    // A broken file among the newest is reported (and left alone); one further back is not read.
    std::fs::write(tmp.path().join("20260110T000000Z-dead.json"), b"{\"format\": 1, \"id\": ").expect("write");
    std::fs::write(tmp.path().join("20251231T000000Z-beef.json"), b"garbage").expect("write");
    let (open, corrupt) = journal.recent_unfinished(10, 4);
    assert_eq!(ids(open), open_ids[..2], "the broken file, days 9, 8 and 7");
    let names: Vec<String> =
        corrupt.iter().map(|c| c.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["20260110T000000Z-dead.json"]);
    assert!(corrupt[0].reason.contains("truncated"), "{}", corrupt[0].reason);
    // Looking at nothing finds nothing (and doesn't panic).
    assert!(journal.recent_unfinished(10, 0).0.is_empty());
    assert!(journal.recent_unfinished(0, 100).0.is_empty());
}
