//! Sources: turn the outside world into platform-neutral `Event`s.

pub mod centrifugo;
pub mod channel_ref;
pub mod dedup;
pub mod json_error;
pub mod kick;
mod link;
mod msg;
pub mod pusher;
pub mod reconnect;
pub mod socket;
pub mod state_log;
pub mod twitch;

pub use channel_ref::{ChannelRef, Platform};
pub use msg::{ChatState, SourceMsg};
