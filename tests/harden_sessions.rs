//! Issue 10, failures 1 and 2: nothing lost. Resuming a redacted package or a copy that keeps
//! another session's id continues as a NEW session and never writes over the original; a
//! second wizard on a session is refused with who holds it; `sessions` warns about ids held by
//! several files.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;
use passkey_triage::config::Config;
use passkey_triage::paths::Paths;
use passkey_triage::session::journal::Journal;
use passkey_triage::session::lock::{Holder, SessionLock};
use passkey_triage::ui::{JournalStore, SessionStore};

fn paths(root: &Path) -> Paths {
    Paths { config_dir: root.join("config"), data_dir: root.join("data") }
}

fn cmd(home: &Path) -> Command {
    fixture_cli(home)
}

/// A journaled session; returns its id and file.
fn journaled(home: &Path) -> (String, std::path::PathBuf) {
    let set = fixture_set();
    let s = escalated_session(&set);
    let file = Journal::open(&paths(home)).save(&s).expect("save");
    (s.id, file)
}

#[test]
fn resuming_a_redacted_package_or_a_copy_never_writes_over_the_original() {
    let home = tempfile::tempdir().expect("tempdir");
    let (id, file) = journaled(home.path());
    let original = std::fs::read(&file).expect("read");
    let pkg = home.path().join("pkg.json");
    cmd(home.path()).args(["export", &id, "--format", "json", "--redact", "--out"]).arg(&pkg).assert().success();
    let copy = home.path().join("data/sessions/copy-of-it.json");
    std::fs::copy(&file, &copy).expect("copy");

    for resumed in [pkg.clone(), copy.clone()] {
        let mut store = JournalStore::with_config(&paths(home.path()), Config::default());
        let mut s = store.load(Some(resumed.to_str().expect("utf-8"))).expect("load");
        assert_ne!(s.id, id, "{}", resumed.display());
        assert_eq!(s.continued_from.as_deref(), Some(id.as_str()));
        let notices = store.take_notices();
        assert!(notices.len() == 1 && notices[0].contains("continuing as new session"), "{notices:?}");
        // What the wizard does next: a note, a save, `q`.
        s.notes.push_str("\ntier 2 was here");
        store.save(&s).expect("save");
        let lines = store.farewell(&s);
        assert!(lines[0].contains(&s.id), "{lines:?}");
        assert_eq!(std::fs::read(&file).expect("read"), original, "the original session is untouched");
    }
    // The redacted copy keeps saying so.
    let (sessions, _) = Journal::open(&paths(home.path())).list();
    assert_eq!(sessions.len(), 4, "original, its copy, two continuations");

    // `sessions` warns that two files claim one id.
    let out = cmd(home.path()).arg("sessions").output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(err.contains(&format!("warning: session id {id} is in 2 files")), "{err}");
}

#[test]
fn a_second_wizard_on_one_session_is_refused_and_told_who_holds_it() {
    let home = tempfile::tempdir().expect("tempdir");
    let (id, file) = journaled(home.path());
    let mut a = JournalStore::with_config(&paths(home.path()), Config::default());
    a.set_agent(Some("Ana Agent".into()));
    let session_a = a.load(Some(&id)).expect("A resumes");
    let mut b = JournalStore::with_config(&paths(home.path()), Config::default());
    let e = b.load(Some(&id)).expect_err("B is refused");
    assert!(e.starts_with(&format!("session {id} is open in another wizard: Ana Agent (pid ")), "{e}");
    // Nor can B write it through the start screen's path (save without load).
    assert!(b.save(&session_a).is_err());
    let mut b2 = JournalStore::with_config(&paths(home.path()), Config::default());
    assert!(b2.save(&session_a).is_err());
    let lines = b2.farewell(&session_a);
    assert!(
        lines[0].starts_with(&format!("Could not save session {id}: session {id} is open in another")),
        "{lines:?}"
    );
    assert!(b2.lost(), "the wizard then prints the notes rather than lose them");
    // The real binary says the same at start, before it needs a terminal: exit 2, one line.
    let out = cmd(home.path()).args(["--resume", &id]).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("is open in another wizard: Ana Agent"), "{err}");
    // When A is done, B may go on.
    let _ = a.farewell(&session_a);
    drop(a);
    assert!(b.load(Some(&id)).is_ok());
    assert!(file.exists());
}

#[test]
fn a_lock_left_by_a_killed_wizard_is_taken_over() {
    let home = tempfile::tempdir().expect("tempdir");
    let (id, _) = journaled(home.path());
    let dir = home.path().join("data/sessions");
    let dead = Holder { holder: "Bo".into(), pid: 999_999, host: "elsewhere".into(), since: chrono::Utc::now() };
    std::fs::write(dir.join(format!("{id}.lock")), serde_json::to_vec(&dead).expect("json")).expect("write");
    let mut store = JournalStore::with_config(&paths(home.path()), Config::default());
    assert!(store.load(Some(&id)).is_ok());
    // And the held lock really holds.
    let me = Holder::me(None, chrono::Utc::now());
    assert!(SessionLock::acquire(&dir, &id, &me).is_err());
}

/// Issue 18: a link planted at `<id>.lock` is never followed: resuming the session refuses it
/// (exit 2, naming the link) and the link's target keeps its bytes.
#[cfg(unix)]
#[test]
fn a_link_planted_at_the_lock_name_is_refused_and_its_target_untouched() {
    let home = tempfile::tempdir().expect("tempdir");
    let (id, _) = journaled(home.path());
    let dir = home.path().join("data/sessions");
    let precious = home.path().join("precious.txt");
    std::fs::write(&precious, b"the agent's own file").expect("write");
    std::os::unix::fs::symlink(&precious, dir.join(format!("{id}.lock"))).expect("symlink");

    let out = cmd(home.path()).args(["--resume", &id]).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{id}.lock: cannot lock: is a symbolic link, not followed")), "{err}");
    assert_eq!(std::fs::read(&precious).expect("read"), b"the agent's own file");

    // The store refuses to save that session rather than follow the link.
    let mut store = JournalStore::with_config(&paths(home.path()), Config::default());
    assert!(store.load(Some(&id)).is_err());
    assert_eq!(std::fs::read(&precious).expect("read"), b"the agent's own file");
}

/// Issue 18: the journal's other writes don't follow links either: a link planted at the index
/// or at a session's file is replaced by the file (renamed into place), its target untouched.
#[cfg(unix)]
#[test]
fn journal_writes_replace_planted_links_and_leave_their_targets_alone() {
    let home = tempfile::tempdir().expect("tempdir");
    let (id, file) = journaled(home.path());
    let dir = home.path().join("data/sessions");
    let precious = home.path().join("precious.txt");
    std::fs::write(&precious, b"keep").expect("write");
    let index = dir.join(passkey_triage::session::journal::INDEX_FILE);
    let _ = std::fs::remove_file(&index);
    std::os::unix::fs::symlink(&precious, &index).expect("symlink");
    let journal = Journal::open(&paths(home.path()));
    let (list, _) = journal.list();
    assert_eq!(list.len(), 1);
    assert_eq!(std::fs::read(&precious).expect("read"), b"keep");
    // The session's own file as a link to a copy of itself: saving replaces the link.
    let copy = home.path().join("copy.json");
    std::fs::copy(&file, &copy).expect("copy");
    std::fs::remove_file(&file).expect("rm");
    std::os::unix::fs::symlink(&copy, &file).expect("symlink");
    let before = std::fs::read(&copy).expect("read");
    let mut s = journal.load(&id).expect("load");
    s.notes.push_str("\nmore");
    journal.save(&s).expect("save");
    assert_eq!(std::fs::read(&copy).expect("read"), before, "the link's target is untouched");
    assert!(!file.symlink_metadata().expect("meta").file_type().is_symlink());
}
