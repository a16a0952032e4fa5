//! The TUI model (The Elm Architecture): `App` holds the state, `App::update(msg, now)` is the
//! only mutation and returns the `Cmd`s for the engine; `ui::draw` only reads.

mod advisor;
pub mod chord;
mod engage;
mod help;
pub mod history;
mod input;
pub mod keymap;
mod keymap_table;
mod moment_news;
pub mod moments;
pub mod msg;
pub mod state;
mod update;

pub use advisor::AdvisorView;
pub use input::MARK_AGAIN_S;
pub use keymap::{Action, Keymap};
pub use msg::{BanditArm, BanditView, ClipLength, ClipStatus, Cmd, Msg, RecState, RecordingView};
pub use state::{App, Popup, Storage, TuiContext};
pub use update::FLASH_MS;
