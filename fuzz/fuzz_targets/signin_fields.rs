//! cargo-fuzz target: `passkey_triage::fuzzing::signin_fields`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| passkey_triage::fuzzing::signin_fields(data));
