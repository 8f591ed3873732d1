//! Issue 10, failure 8: temporary files left by a crash (kill -9 during a save or an export)
//! are removed at the next start: only this program's, only old ones.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use common::*;
use passkey_triage::config::Config;
use passkey_triage::export::Format;
use passkey_triage::paths::Paths;
use passkey_triage::session::journal::INDEX_FILE as INDEX;
use passkey_triage::session::journal::Journal;
use passkey_triage::ui::{JournalStore, SessionStore};

fn touch(p: &Path, age: Duration) {
    std::fs::write(p, "partial").expect("write");
    let f = std::fs::File::options().write(true).open(p).expect("open");
    f.set_modified(SystemTime::now() - age).expect("mtime");
}

const HOURS_2: Duration = Duration::from_secs(7200);

#[test]
fn old_temporary_files_of_ours_go_others_stay() {
    let home = tempfile::tempdir().expect("tempdir");
    let paths = Paths { config_dir: home.path().join("config"), data_dir: home.path().join("data") };
    let sessions = paths.sessions_dir();
    let exports = paths.exports_dir();
    std::fs::create_dir_all(&sessions).expect("dir");
    std::fs::create_dir_all(&exports).expect("dir");
    // What a killed save or export leaves, now and before this version.
    touch(&sessions.join(".passkey-triage-a1B2c3.tmp"), HOURS_2);
    touch(&sessions.join(".Xy12Zq.tmp"), HOURS_2);
    touch(&exports.join(".passkey-triage-d4E5f6.tmp"), HOURS_2);
    // A save in progress right now, and files that are not ours.
    touch(&sessions.join(".passkey-triage-g7H8i9.tmp"), Duration::ZERO);
    touch(&sessions.join(".someone-else.tmp"), HOURS_2);
    touch(&exports.join(".Xy12Zq.tmp"), HOURS_2);
    touch(&exports.join("notes.tmp"), HOURS_2);

    // The next wizard: its first save cleans the sessions folder, its first export the export
    // folder.
    let mut store = JournalStore::with_config(&paths, Config::default());
    let set = fixture_set();
    let s = escalated_session(&set);
    store.save(&s).expect("save");
    let _ = store.farewell(&s);
    store.export(&s, Format::Markdown, &set).expect("export");
    std::fs::remove_file(paths.sessions_dir().join(format!("{}.json", s.id))).expect("rm");
    let _ = std::fs::remove_file(paths.sessions_dir().join(INDEX));
    for e in std::fs::read_dir(&exports).expect("read").filter_map(Result::ok) {
        if e.file_name().to_string_lossy().ends_with(".md") {
            std::fs::remove_file(e.path()).expect("rm");
        }
    }
    drop(store);
    let mut left: Vec<String> = std::fs::read_dir(&sessions)
        .expect("read")
        .chain(std::fs::read_dir(&exports).expect("read"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".Xy12Zq.tmp", ".passkey-triage-g7H8i9.tmp", ".someone-else.tmp", "notes.tmp"]);
}

#[test]
fn export_cleans_the_folder_it_writes_to_and_names_its_temps() {
    let home = tempfile::tempdir().expect("tempdir");
    let paths = Paths { config_dir: home.path().join("config"), data_dir: home.path().join("data") };
    let s = escalated_session(&fixture_set());
    Journal::open(&paths).save(&s).expect("save");
    let out = home.path().join("out");
    std::fs::create_dir_all(&out).expect("dir");
    touch(&out.join(".passkey-triage-a1B2c3.tmp"), HOURS_2);
    Command::cargo_bin("passkey-triage")
        .expect("binary")
        .env("PASSKEY_TRIAGE_CONFIG_DIR", home.path().join("config"))
        .env("PASSKEY_TRIAGE_DATA_DIR", home.path().join("data"))
        .args(["export", &s.id, "--out-dir"])
        .arg(&out)
        .assert()
        .success();
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("read")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["INC0012345.md"]);
}
