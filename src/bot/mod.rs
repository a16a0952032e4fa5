//! The chat voice (optional, `[bot]`): kicktui posts to the stream's chat through Kick's
//! official API with a user token from `kicktui login kick` — "clip saved" confirmations,
//! answers to `!clip`, and advisor lines only after the streamer approved them. Everything
//! goes through one priority queue ([`queue::OutQueue`]).

pub mod login;
pub mod oauth;
mod poster;
pub mod queue;
pub mod token;

pub use poster::{BotEvent, BotHandle, BotSetup, spawn};
pub use queue::Priority;

#[cfg(test)]
mod tests;
