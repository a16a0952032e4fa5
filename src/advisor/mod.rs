//! The co-pilot: an optional language model that reads the stream's state every few minutes
//! and answers through tools (suggest an activity, a talking point, a moment to mark, a chat
//! line). The model advises, the streamer decides: every tool call is validated, free text is
//! only shown, and nothing is acted on without a key press in the front end.
//!
//! Off by default. [`spawn`] starts the actor; it reads the engine's latest
//! [`View`](crate::engine::view::View), sends [`Advice`] on a channel, records each call in the
//! `advice` table and tracks whether a suggestion was followed. A live run starts it through
//! `engine::copilot`, which puts its advice and status on the feed.

mod actor;
mod api;
pub mod budget;
pub mod follow;
pub mod input;
pub mod key;
pub mod provider;
mod recent_chat;
mod record;
pub mod show;
pub mod tools;

pub use actor::spawn;

/// The status note while the hour's calls are spent.
pub const NO_CALLS_LEFT: &str = "no calls left this hour";
/// The status note while the stream is offline: no calls on the interval.
pub const WAITING_FOR_LIVE: &str = "waits for the stream to go live";
/// The note after an answer (`advice at 14:02:11`): a resting state, not news.
pub const ADVICE_AT: &str = "advice at";
pub use api::{Advice, AdvisorCmd, AdvisorHandle, AdvisorSetup, AdvisorStatus, is_loopback};
pub use key::ApiKey;
pub use recent_chat::RecentChat;
pub use tools::ToolCall;

use std::path::Path;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::engine::feed::Feed;
use crate::store::{Store, StoreHandle};

/// Starts the advisor when `[advisor]` is on: `None` when it is off or cannot start (no key:
/// one log line says so). Advice arrives on the receiver.
pub fn start(
    c: &Config,
    data_dir: &Path,
    feed: &Feed,
    store: Option<StoreHandle>,
    cancel: CancellationToken,
) -> Option<(AdvisorHandle, mpsc::Receiver<Advice>)> {
    let mut setup = match AdvisorSetup::from_config(c) {
        Ok(Some(s)) => s,
        Ok(None) => return None,
        Err(why) => {
            tracing::warn!("{why}");
            return None;
        }
    };
    setup.earlier_calls = calls_last_hour(data_dir);
    let (tx, rx) = mpsc::channel(8);
    match spawn(setup, feed.view(), store, tx, cancel) {
        Ok(h) => {
            tracing::info!(
                "advisor on: {} model {} every {} s, at most {} calls an hour",
                c.advisor.provider.as_str(),
                c.advisor.model(),
                c.advisor.interval_seconds,
                c.advisor.max_calls_per_hour
            );
            Some((h, rx))
        }
        Err(why) => {
            tracing::warn!("advisor: {why}");
            None
        }
    }
}

/// The calls stored in the last hour: a restart keeps to `max_calls_per_hour`.
fn calls_last_hour(data_dir: &Path) -> Vec<crate::domain::Ts> {
    let since = crate::time::wall_now().plus_secs(-3600.0);
    match Store::open_in(data_dir).and_then(|s| s.advice_times_since(since)) {
        Ok(times) => times,
        Err(e) => {
            tracing::warn!(
                "advisor: the last hour's calls could not be read ({e}); counting from now"
            );
            Vec::new()
        }
    }
}

#[cfg(test)]
mod actor_tests;
