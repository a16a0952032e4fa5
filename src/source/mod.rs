//! Sources: turn the outside world into platform-neutral `Event`s.

pub mod dedup;
pub mod kick;
pub mod pusher;
pub mod reconnect;
