//! Export files: names derived from any ticket id stay inside the chosen folder, writes never
//! overwrite, and `--out FILE` gets a suffix instead of replacing.

mod common;

use std::path::{Component, Path};

use common::*;
use passkey_triage::export::filename::{MAX_STEM, export_stem, join_inside, numbered, sanitize_stem};
use passkey_triage::export::{self, Format};
use proptest::prelude::*;

fn assert_plain_name(name: &str) {
    assert!(!name.is_empty());
    assert!(!name.contains(".."), "{name:?}");
    assert!(!name.chars().any(|c| c.is_control() || matches!(c, '/' | '\\' | ':')), "{name:?}");
    let comps: Vec<Component> = Path::new(name).components().collect();
    assert!(matches!(comps.as_slice(), [Component::Normal(_)]), "{name:?}");
}

fn ticket_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[./\\\\:a-zA-Z0-9\\x00-\\x1f ~*?<>|\"-]{0,80}",
        Just("../../../etc/passwd".to_string()),
        Just("..\\..\\Windows\\System32".to_string()),
        Just("C:\\evil".to_string()),
        Just("/absolute/path".to_string()),
        Just("NUL".to_string()),
        Just("..".to_string()),
        Just("\u{202e}gpj.exe".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No ticket id, however hostile, yields a name that leaves the folder.
    #[test]
    fn no_ticket_id_escapes_the_folder(ticket in ticket_strategy(), n in 1u32..20) {
        let set = fixture_set();
        let mut s = open_session(&set);
        s.ticket = Some(ticket.clone());
        let stem = export_stem(&s);
        prop_assert!(stem.len() <= MAX_STEM + "ticket-".len(), "{stem}");
        for f in Format::ALL {
            let name = numbered(&stem, n, f.extension());
            assert_plain_name(&name);
            let dir = Path::new("/exports/folder");
            let joined = join_inside(dir, &name);
            prop_assert!(joined.as_deref().and_then(Path::parent) == Some(dir), "{name:?}");
        }
        if let Some(st) = sanitize_stem(&ticket) {
            prop_assert!(st.chars().count() <= MAX_STEM + "ticket-".len());
            prop_assert!(st.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        }
    }
}

#[test]
fn hostile_tickets_are_written_inside_the_folder_and_never_overwrite() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let mut s = escalated_session(&set);
    for ticket in ["../../escape", "/etc/passwd", "a\\..\\b", "\u{1b}[2J..", "..", ""] {
        s.ticket = Some(ticket.into());
        let p = export::write_into_dir(&out, &s, Format::Markdown, "x").expect("write");
        assert_eq!(p.parent(), Some(out.as_path()), "{ticket:?} -> {}", p.display());
    }
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2J.md",
            "a_b.md",
            "escape.md",
            "etc_passwd.md",
            "session-20260120T140200Z-3f2a-2.md",
            "session-20260120T140200Z-3f2a.md"
        ]
    );
    // Nothing outside `out/` besides `out` itself.
    let top: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, ["out"]);
}

#[test]
fn writes_add_suffixes_instead_of_overwriting() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = escalated_session(&set);
    let a = export::write_into_dir(tmp.path(), &s, Format::Text, "first").expect("1");
    let b = export::write_into_dir(tmp.path(), &s, Format::Text, "second").expect("2");
    let c = export::write_into_dir(tmp.path(), &s, Format::Text, "third").expect("3");
    assert_eq!(a.file_name().and_then(|n| n.to_str()), Some("INC0012345.txt"));
    assert_eq!(b.file_name().and_then(|n| n.to_str()), Some("INC0012345-2.txt"));
    assert_eq!(c.file_name().and_then(|n| n.to_str()), Some("INC0012345-3.txt"));
    assert_eq!(std::fs::read_to_string(&a).ok().as_deref(), Some("first"));

    let chosen = tmp.path().join("notes.md");
    std::fs::write(&chosen, "keep me").expect("write");
    let d = export::write_to_file(&chosen, "new").expect("out");
    assert_eq!(d, tmp.path().join("notes-2.md"));
    assert_eq!(std::fs::read_to_string(&chosen).ok().as_deref(), Some("keep me"));

    // A dangling symlink at the target name is not followed or replaced either.
    #[cfg(unix)]
    {
        let link = tmp.path().join("INC0012345.json");
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), &link).expect("symlink");
        let e = export::write_into_dir(tmp.path(), &s, Format::Json, "{}").expect("json");
        assert_eq!(e.file_name().and_then(|n| n.to_str()), Some("INC0012345-2.json"));
        assert!(!tmp.path().join("elsewhere").exists());
    }
    // No temporary files are left behind.
    let leftovers = std::fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn export_to_folder_returns_path_and_text() {
    let set = fixture_set();
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = escalated_session(&set);
    let (p, text) =
        export::export_to_folder(&s, Format::Markdown, Default::default(), None, tmp.path()).expect("export");
    assert_eq!(p, tmp.path().join("INC0012345.md"));
    assert_eq!(std::fs::read_to_string(&p).expect("read"), text);
    let seq = export::clipboard::osc52_sequence(&text).expect("fits");
    assert!(
        seq.starts_with("\u{1b}]52;") && passkey_triage::text::is_clean(&seq[1..].replace(['\u{1b}', '\u{7}'], ""))
    );
}
