//! Wizard rendering speed: one frame at 200×60 into a TestBackend (target: under 1 ms).
//! Run with `cargo bench --bench ui`.

#[path = "../tests/ui_support/mod.rs"]
mod ui_support;

use divan::Bencher;
use passkey_triage::ui::app::{App, Msg};
use passkey_triage::ui::frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ui_support::*;

fn main() {
    divan::main();
}

const W: u16 = 200;
const H: u16 = 60;

fn question() -> App {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, 'w');
    a
}

fn outcome() -> App {
    let mut a = app();
    to_escalation(&mut a);
    ch(&mut a, 'w');
    a
}

fn matrix() -> App {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '2');
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'm');
    a
}

fn search() -> App {
    let mut a = app();
    ch(&mut a, '/');
    typed(&mut a, "blue");
    a
}

fn bench_frame(bencher: Bencher, make: fn() -> App) {
    let mut app = make();
    app.update(Msg::Resize(W, H), t1());
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    // Alternate two states so every frame has changes to diff and write.
    let mut other = make();
    ch(&mut other, 'j');
    other.update(Msg::Resize(W, H), t1());
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        let a = if flip { &app } else { &other };
        terminal.draw(|f| frame::render(a, f)).expect("draw");
    });
}

#[divan::bench]
fn frame_question_200x60(bencher: Bencher) {
    bench_frame(bencher, question);
}

#[divan::bench]
fn frame_outcome_200x60(bencher: Bencher) {
    bench_frame(bencher, outcome);
}

#[divan::bench]
fn frame_matrix_200x60(bencher: Bencher) {
    bench_frame(bencher, matrix);
}

#[divan::bench]
fn frame_search_200x60(bencher: Bencher) {
    bench_frame(bencher, search);
}

/// A key press through `update` plus the frame it causes.
#[divan::bench]
fn key_and_frame_200x60(bencher: Bencher) {
    let mut app = question();
    app.update(Msg::Resize(W, H), t1());
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    bencher.bench_local(|| {
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Up);
        terminal.draw(|f| frame::render(&app, f)).expect("draw");
    });
}
