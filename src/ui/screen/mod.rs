//! One file per screen. A screen owns its state, its keys (`key`), its geometry (what a click
//! hits, how far it scrolls) and its drawing (`render`); the app only routes to it.
//!
//! - Modes (one at a time, in [`Mode`](super::app::Mode)): [`start`], [`walk`] (the diagnosis:
//!   question, step, outcome), [`notes`], [`search`], [`matrix`], [`facts`], [`import`], and
//!   from search a question asked now ([`aside`]) or an outcome seen read-only ([`preview`]).
//! - Overlays (on top of a mode, in [`Overlay`](super::app::Overlay)): [`help`], [`confirm`],
//!   [`export`], [`post`].
//! - The report dashboard ([`report`], `report --view`): a screen of its own with its own
//!   loop (`term::run_report`), outside the wizard; likewise the rollout-readiness dashboard
//!   ([`readiness`], `readiness --view`, `term::run_dashboard`).
//!
//! The diagnosis is the screen every other one returns to, so its state
//! ([`walk::WalkScreen`]: highlighted answer, typed line, scroll) lives on the app and survives
//! notes, search and the matrix. Every other screen's state lives in its variant and goes when
//! the screen closes.
//!
//! A screen in a variant gets keys as `key(&mut self, Action, &KeyEvent, &mut App) -> Reply`.
//! It is taken out of its variant for the call (the app's `mode` reads `Walk` meanwhile), so it
//! may change anything else in the app, and it says in its [`Reply`] whether it stays (one that
//! closes may open another by setting `app.mode`).

pub mod aside;
pub mod confirm;
pub mod export;
pub mod facts;
pub mod help;
pub mod import;
pub mod matrix;
pub mod notes;
pub mod post;
pub mod preview;
pub mod readiness;
pub mod report;
pub mod search;
pub mod start;
pub mod walk;
pub mod why;

use super::app::Effect;

/// A screen's answer to a key, a click or a paste.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// For the terminal loop.
    pub effects: Vec<Effect>,
    /// The screen closes: the diagnosis (or the overlay help was opened over) shows again.
    pub close: bool,
}

impl Reply {
    /// Stays open, nothing to do.
    pub fn stay() -> Self {
        Self::default()
    }

    pub fn stay_with(effects: Vec<Effect>) -> Self {
        Self { effects, close: false }
    }

    pub fn close() -> Self {
        Self { effects: Vec::new(), close: true }
    }

    pub fn close_with(effects: Vec<Effect>) -> Self {
        Self { effects, close: true }
    }
}

/// Where a mouse click landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Answer or step result `i`.
    Choice(usize),
    /// Remediation step `i`.
    Check(usize),
    /// Search result `i`.
    Result(usize),
}
