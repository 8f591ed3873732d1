//! The wizard TUI (`passkey-triage` with no command).
//!
//! - [`app`]: the shared state and `update(msg, now) -> Vec<Effect>`, routing to the screens;
//!   no I/O. [`message`]: what goes in and out.
//! - [`screen`]: one file per screen, owning its state, keys, geometry and drawing.
//! - [`frame`]: one frame: header, the screen in front, side panel, status line, footer.
//! - [`keymap`]: the one binding table; drives key handling, help, the footer and every text
//!   that names a key ([`keymap::key_for`]).
//! - [`view`]: the drawing kit (layout, theme, pre-wrapped lines); [`scroll`], [`input`],
//!   [`text`], [`marks`]: the small parts screens share.
//! - [`search`]: the `/` fuzzy index and the jump planner.
//! - [`store`]: the `SessionStore` trait the terminal loop saves and exports through;
//!   [`journal_store`]: the real one (session journal, exports, config).
//!
//! Only [`crate::term`] touches the terminal.
//!
//! # Adding a screen
//!
//! 1. One file under `ui/screen/`: a struct with the screen's state, `key(&mut self, Action,
//!    &KeyEvent, &mut App) -> Reply` (say `Reply::close()` to leave), `render(&self, &App,
//!    &mut Frame, Rect, &Theme)`, and its geometry if it scrolls ([`scroll::Scroll`]) or takes
//!    clicks. Text that names a key asks [`keymap::key_for`].
//! 2. One set of keymap entries: a `Screen` variant, its title, a binding table and its arm
//!    in `screen_table`. Help and the footer follow from the table.
//! 3. One enum arm: a variant of [`app::Mode`] (a screen in front) or [`app::Overlay`] (a
//!    pop-up) carrying the struct, and its arms in `App::base_screen`/`screen`, `App::on_key`
//!    and `frame::render`. The screen that opens it sets `app.mode` / `app.overlay`.

pub mod app;
pub mod frame;
pub mod input;
pub mod journal_store;
pub mod keymap;
pub mod marks;
pub mod message;
pub mod screen;
pub mod scroll;
pub mod search;
pub mod store;
pub mod text;
pub mod view;

pub use app::{App, Effect, Msg, Options};
pub use journal_store::JournalStore;
pub use store::{Exported, NoStore, SessionStore};
