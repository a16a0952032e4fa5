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

use std::path::Path;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::Config;

/// Starts the chat voice when `[bot]` is on (warning once when there is no login yet).
/// Posted / failed messages arrive on the receiver.
pub fn start(
    c: &Config,
    data_dir: &Path,
    cancel: CancellationToken,
) -> Option<(BotHandle, mpsc::Receiver<BotEvent>)> {
    let setup = BotSetup::from_config(c, data_dir)?;
    if let Err(e) = token::load(&setup.token_path) {
        tracing::warn!("chat voice: {e}");
    }
    let (tx, rx) = mpsc::channel(32);
    Some((spawn(setup, tx, cancel), rx))
}

#[cfg(test)]
pub(crate) mod tests;
