//! The fuzz targets of `src/fuzzing.rs` (the same functions `fuzz/` runs with cargo-fuzz),
//! driven inside `cargo test` with a fixed budget: random bytes, and real inputs (facts files,
//! runbooks, sessions, packages, config, sign-in logs of every format) mutated by byte flips, insertions, deletions, splices
//! and truncations. Any panic fails the test with the input that caused it.

mod common;

use common::*;
use passkey_triage::fuzzing;
use proptest::prelude::*;

/// Inputs each target starts from.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in
        ["tests/fixtures/facts", "tests/fixtures/sessions", "tests/signin_logs/public", "tests/signin_logs/cases"]
    {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.filter_map(Result::ok) {
                if let Ok(b) = std::fs::read(e.path())
                    && e.path().is_file()
                {
                    out.push(b);
                }
            }
        }
    }
    let set = fixture_set();
    let mut s = escalated_session(&set);
    s.notes.push_str(HOSTILE);
    out.push(serde_json::to_vec_pretty(&s).unwrap_or_default());
    out.push(passkey_triage::export::render(&s, passkey_triage::export::Format::Json, Default::default()).into_bytes());
    out.push(b"agent = \"Ana\"\nexport_format = \"text\"\nexport_dir = \"/x\"\nredact = true\n".to_vec());
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Splice(usize, usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (
            any::<usize>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..8),
                Just(b"\"id\":\"x\",".to_vec()),
                Just(b"{".to_vec()),
                Just(b"[[[[[[[[".to_vec()),
                Just("\u{1b}]0;x\u{7}\u{202e}\u{200b}".as_bytes().to_vec()),
            ]
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), any::<usize>(), 1usize..64).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut data: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = data.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if let Some(x) = data.get_mut(i % len) {
                    *x ^= b | 1;
                }
            }
            Mutation::Insert(i, v) => {
                let at = i % (data.len() + 1);
                data.splice(at..at, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = i % len;
                let end = (at + n).min(data.len());
                if at < end {
                    data.drain(at..end);
                }
            }
            Mutation::Splice(a, b, n) => {
                let (from, to) = (a % len, b % (data.len() + 1));
                let piece: Vec<u8> = data.iter().skip(from).take(*n).copied().collect();
                data.splice(to..to, piece);
            }
            Mutation::Truncate(i) => data.truncate(i % len),
        }
    }
    data
}

proptest! {
    // The CI budget: 200 mutated and 100 random inputs per target, a few seconds in all.
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_never_panic(seed in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let data = apply(seeds[seed % seeds.len()].clone(), &muts);
        for (_, target) in fuzzing::TARGETS {
            target(&data);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        for (_, target) in fuzzing::TARGETS {
            target(&data);
        }
    }
}

#[test]
fn every_seed_goes_through_every_target() {
    for s in seeds() {
        for (_, target) in fuzzing::TARGETS {
            target(&s);
        }
    }
}
