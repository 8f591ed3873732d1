//! The wizard's real store (`JournalStore`) on a temporary data folder: journal writes, the
//! export key's files (never overwritten), resume and the start screen's list, corrupt files,
//! a failing journal, the config's defaults.

mod ui_support;

use passkey_triage::config::Config;
use passkey_triage::export::Format;
use passkey_triage::paths::Paths;
use passkey_triage::session::Status;
use passkey_triage::session::journal::Journal;
use passkey_triage::ui::{JournalStore, SessionStore};
use ui_support::*;

fn paths(root: &std::path::Path) -> Paths {
    Paths { config_dir: root.join("config"), data_dir: root.join("data") }
}

fn store(root: &std::path::Path, config: Config) -> JournalStore {
    JournalStore::with_config(&paths(root), config)
}

#[test]
fn saves_in_the_background_and_says_where_on_farewell() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut st = store(tmp.path(), Config::default());
    assert!(st.persists());
    let mut a = app();
    ch(&mut a, '1');
    assert_eq!(st.save(&a.session), Ok(()));
    let lines = st.farewell(&a.session);
    let file = tmp.path().join("data/sessions/20261125T140000Z-0001.json");
    assert_eq!(
        lines,
        [format!(
            "Session 20261125T140000Z-0001 saved to {}; resume it with: passkey-triage --resume 20261125T140000Z-0001",
            file.display()
        )]
    );
    assert!(!st.lost());
    let saved = Journal::open(&paths(tmp.path())).load("20261125T140000Z-0001").expect("journaled");
    assert_eq!(saved, a.session);
}

#[test]
fn exports_never_overwrite_and_follow_the_config() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = Config {
        agent: Some("Ana Agent".into()),
        export_format: Some(Format::Json),
        export_dir: Some(tmp.path().join("notes")),
        redact: true,
        ..Config::default()
    };
    let mut st = store(tmp.path(), config);
    assert_eq!(st.export_format(), Some(Format::Json));
    assert!(st.export_redacts());
    assert_eq!(st.default_agent().as_deref(), Some("Ana Agent"));
    let mut a = app();
    to_escalation(&mut a);
    let first = st.export(&a.session, Format::Markdown, &a.set).expect("export");
    assert_eq!(first.path, tmp.path().join("notes/INC0012345.md"));
    let text = std::fs::read_to_string(&first.path).expect("file");
    assert_eq!(text, first.text);
    assert!(
        text.contains("\\[user\\]@contoso.com") && !text.contains("zoë.ñúñez-åström@"),
        "redacted per config:\n{text}"
    );
    let second = st.export(&a.session, Format::Markdown, &a.set).expect("export");
    assert_eq!(second.path, tmp.path().join("notes/INC0012345-2.md"));
    assert_eq!(std::fs::read_to_string(&first.path).expect("first"), text, "never overwritten");
    let json = st.export(&a.session, Format::Json, &a.set).expect("export");
    assert_eq!(json.path, tmp.path().join("notes/INC0012345.json"));
    // The farewell lists every file exported.
    st.save(&a.session).expect("save");
    let lines = st.farewell(&a.session);
    assert!(lines[0].contains("ticket notes: passkey-triage export 20261125T140000Z-0001"), "{lines:?}");
    assert_eq!(lines[1..], [first.path, second.path, json.path].map(|p| format!("Exported: {}", p.display())));

    // Without config the folder is <data>/exports and the format Markdown.
    let tmp2 = tempfile::tempdir().expect("tempdir");
    let mut st = store(tmp2.path(), Config::default());
    assert_eq!(st.export_format(), Some(Format::Markdown));
    let e = st.export(&a.session, Format::Text, &a.set).expect("export");
    assert_eq!(e.path, tmp2.path().join("data/exports/INC0012345.txt"));
}

#[test]
fn resume_and_the_start_screen_skip_corrupt_files_without_touching_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let journal = Journal::open(&paths(tmp.path()));
    let older = unfinished_session("20261125T120000Z-00aa", "INC-A");
    let newer = unfinished_session("20261125T130000Z-00bb", "INC-B");
    let mut done = app();
    to_resolved(&mut done);
    done.session.id = "20261125T135000Z-00cc".into();
    for s in [&older, &newer, &done.session] {
        journal.save(s).expect("save");
    }
    let bad = tmp.path().join("data/sessions/20261125T235959Z-dead.json");
    std::fs::write(&bad, "{\"format\": 1, \"id\": ").expect("write");

    let mut st = store(tmp.path(), Config::default());
    let list = st.unfinished(5);
    assert_eq!(list.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [newer.id.as_str(), older.id.as_str()]);
    assert!(list.iter().all(|s| s.status == Status::Open));
    assert_eq!(st.unfinished(1).len(), 1);
    assert_eq!(st.load(None).expect("newest open"), newer);
    assert_eq!(st.load(Some("20261125T120000Z")).expect("by prefix"), older);
    let skipped = st.take_skipped();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].starts_with(&bad.display().to_string()) && skipped[0].contains("truncated"), "{skipped:?}");
    assert!(st.take_skipped().is_empty());
    let e = st.load(Some("20261125T235959Z-dead")).expect_err("corrupt");
    assert!(e.contains("20261125T235959Z-dead.json") && !e.contains('\n'), "{e}");
    assert_eq!(std::fs::read_to_string(&bad).expect("left as it is"), "{\"format\": 1, \"id\": ");

    let empty = tempfile::tempdir().expect("tempdir");
    let e = store(empty.path(), Config::default()).load(None).expect_err("nothing open");
    assert!(e.starts_with("no unfinished session in"), "{e}");
}

#[test]
fn a_journal_that_cannot_be_written_is_reported_not_lost_silently() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The data folder is a file: nothing can be written below it.
    std::fs::write(tmp.path().join("data"), "not a folder").expect("write");
    let mut st = store(tmp.path(), Config::default());
    let mut a = app();
    ch(&mut a, '1');
    let _ = st.save(&a.session);
    let lines = st.farewell(&a.session);
    assert!(lines[0].starts_with("Could not save session 20261125T140000Z-0001: "), "{lines:?}");
    assert!(st.lost());
    // The error is there for the status line too, and the next save reports it.
    assert!(st.save_error().is_some());
    assert!(st.save(&a.session).is_err());
}
