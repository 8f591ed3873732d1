//! The wizard TUI (`passkey-triage` with no command).
//!
//! - [`app`]: the state and `update(msg, now) -> Vec<Effect>`; no I/O.
//! - [`keymap`]: the one binding table; drives key handling, help and the footer.
//! - [`view`]: pure rendering, one module per region.
//! - [`screen`]: screens of their own (`report --view`).
//! - [`search`]: the `/` fuzzy index and the jump planner.
//! - [`store`]: the `SessionStore` trait the terminal loop saves and exports through;
//!   [`journal_store`]: the real one (session journal, exports, config).
//!
//! Only [`crate::term`] touches the terminal.

pub mod app;
pub mod input;
pub mod journal_store;
pub mod keymap;
pub mod screen;
pub mod search;
pub mod store;
pub mod text;
pub mod view;

pub use app::{App, Effect, Msg, Options};
pub use journal_store::JournalStore;
pub use store::{Exported, NoStore, SessionStore};
