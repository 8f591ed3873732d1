//! Whatever a session file holds (it may have been edited or damaged), exporting it never
//! panics, the text stays free of control characters, and text lines stay within 100 columns.

mod common;

use chrono::{DateTime, Utc};
use common::*;
use passkey_triage::export::{self, Format, Options};
use proptest::prelude::*;

fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
    let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
    prop_oneof![min..=max, Just(min), Just(max), 1_700_000_000i64..1_900_000_000]
        .prop_map(|s| DateTime::<Utc>::from_timestamp(s, 0).unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn exports_of_odd_sessions_never_panic(
        started in any_time(),
        ended in proptest::option::of(any_time()),
        done in any_time(),
        offset in any::<i32>(),
        notes in any::<String>(),
        ticket in proptest::option::of(any::<String>()),
        user in proptest::option::of(any::<String>()),
        value in any::<String>(),
        answer in any::<String>(),
        redact in any::<bool>(),
    ) {
        let set = fixture_set();
        let mut s = escalated_session(&set);
        s.started_at = started;
        s.ended_at = ended;
        s.utc_offset_minutes = offset;
        s.notes = notes;
        s.ticket = ticket;
        s.user = user;
        if let Some(f) = s.walk.facts.get_mut("device.name") {
            f.value = value;
            f.at = done;
        }
        s.walk.path[0].answer = answer;
        s.walk.path[0].at = done;
        s.checklist.done[0] = Some(done);
        s.checklist.done.truncate(1);
        for f in Format::ALL {
            let out = export::render(&s, f, Options { redact });
            prop_assert!(passkey_triage::text::is_clean(&out));
            if f == Format::Text {
                for l in out.lines() {
                    prop_assert!(l.chars().count() <= 100, "{}", l);
                }
            }
        }
    }
}

/// A package can carry a long differential (the red team sent 200,000 entries, well under the
/// size limit): grouping its open checks is linear. Quadratic, 100,000 entries took minutes;
/// the guard is generous, not a timing figure.
#[test]
fn a_long_differential_exports_without_hanging() {
    let set = fixture_set();
    let mut s = escalated_session(&set);
    let template = s.differential.first().cloned().expect("an escalation has a differential");
    s.differential = (0..100_000)
        .map(|i| {
            let mut a = template.clone();
            a.fact = format!("f{i}");
            a.class = format!("c{}", i % 7);
            a
        })
        .collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for f in [Format::Text, Format::Markdown] {
            let out = export::render(&s, f, Options::default());
            let _ = tx.send(out.contains("f99999"));
        }
    });
    for _ in 0..2 {
        let listed = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("export finished within a minute");
        assert!(listed);
    }
}
