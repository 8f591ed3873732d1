//! Issue 10, failure 5: text layout is linear in the text's length. A one-word note of 1 MB took
//! 0.4 s, 4 MB 7.5 s and 10 MB never finished (each broken-off line copied the rest of the
//! word). Without timing anything, the test counts the bytes the export allocates: linear work
//! allocates about 4x as much for 4x the text, quadratic work about 16x.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use common::*;
use passkey_triage::export::{self, Format, Options};

struct Counting;

static ALLOCATED: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated while exporting a session whose notes are one word of `n` characters.
fn allocated_for(n: usize, format: Format, redact: bool) -> u64 {
    let set = fixture_set();
    let mut s = escalated_session(&set);
    s.notes = "é".repeat(n);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let out = export::render(&s, format, Options { redact });
    let used = ALLOCATED.load(Ordering::Relaxed) - before;
    assert!(out.len() >= n, "the note is all there");
    used
}

#[test]
fn long_words_are_laid_out_in_linear_work() {
    for format in Format::ALL {
        for redact in [false, true] {
            let small = allocated_for(64 * 1024, format, redact);
            let large = allocated_for(256 * 1024, format, redact);
            let ratio = large as f64 / small as f64;
            assert!(ratio < 6.0, "{format:?} redact={redact}: 4x the text allocated {ratio:.1}x ({small} -> {large})");
        }
    }
}

#[test]
fn text_lines_stay_within_the_width() {
    let set = fixture_set();
    let mut s = escalated_session(&set);
    s.notes = format!("{}\n  indented {}", "w".repeat(1000), "é".repeat(250));
    let out = export::render(&s, Format::Text, Options::default());
    assert!(out.lines().all(|l| l.chars().count() <= 100));
    let notes: String = out.lines().filter(|l| l.trim_start().starts_with('w')).map(str::trim).collect();
    assert_eq!(notes, "w".repeat(1000), "the word is cut, nothing lost");
}
