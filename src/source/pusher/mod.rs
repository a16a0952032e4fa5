//! The Kick chat source: a Pusher protocol 7 client that really reconnects. It subscribes to
//! the five channel names, answers pings, pings on silence and drops a dead socket, follows
//! the close-code policy, resubscribes after every reconnect, de-duplicates by id, and marks
//! each gap so the velocity baseline does not read it as a quiet chat.

mod conn;

use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::dedup::Dedup;
use super::reconnect::{Backoff, CloseAction, close_action};
use super::{ChatState, SourceMsg};
use crate::domain::Event;
use crate::time::wall_now;

/// Where to connect and what to subscribe to.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub url: String,
    pub channels: Vec<String>,
}

/// A fresh look-up of the connection parameters, asked for once after a 4000–4099 close.
/// `None` keeps the current ones (they are then tried once more as they are).
pub type Refresh = Box<dyn FnMut() -> BoxFuture<'static, Option<Target>> + Send>;

/// Why [`PusherSource::run`] returned.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceExit {
    Cancelled,
    /// The engine dropped its receiver.
    EngineGone,
    /// Refused twice with 4000–4099 (before and after a fresh look-up); `ChatState` says why.
    Refused {
        why: String,
    },
}

#[derive(Clone, Debug)]
pub struct PusherOptions {
    pub url: String,
    pub channels: Vec<String>,
    pub connect_timeout: Duration,
    /// How long to wait for `pusher:pong` after our own ping.
    pub pong_timeout: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub capture: bool,
}

impl PusherOptions {
    pub fn new(url: &str, channels: Vec<String>) -> PusherOptions {
        PusherOptions {
            url: url.to_string(),
            channels,
            connect_timeout: Duration::from_secs(10),
            pong_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            capture: false,
        }
    }
}

pub struct PusherSource {
    opts: PusherOptions,
    tx: mpsc::Sender<SourceMsg>,
    state: watch::Sender<ChatState>,
    dedup: Dedup,
    down: bool,
    refresh: Option<Refresh>,
}

impl PusherSource {
    pub fn new(
        opts: PusherOptions,
        tx: mpsc::Sender<SourceMsg>,
        state: watch::Sender<ChatState>,
    ) -> Self {
        PusherSource {
            opts,
            tx,
            state,
            dedup: Dedup::new(20_000),
            down: false,
            refresh: None,
        }
    }

    /// How to look the connection parameters up again after a 4000–4099 close.
    pub fn with_refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// Runs until cancelled, the engine is gone, or Kick refuses the connection twice.
    pub async fn run(mut self, cancel: CancellationToken) -> SourceExit {
        let seed = wall_now().0 as u64 ^ std::process::id() as u64;
        let mut backoff = Backoff::new(self.opts.backoff_base, self.opts.backoff_cap, seed);
        let mut refused_once = false;
        loop {
            self.state.send_replace(ChatState::Connecting {
                attempt: backoff.attempt(),
            });
            let ended = tokio::select! {
                _ = cancel.cancelled() => return SourceExit::Cancelled,
                e = self.connect_once() => e,
            };
            self.mark_down().await;
            if self.tx.is_closed() {
                return SourceExit::EngineGone;
            }
            if ended.established {
                backoff.reset();
                refused_once = false;
            }
            let action = match close_action(ended.code) {
                // A server that says "reconnect now" before ever greeting us gets backoff.
                CloseAction::Immediate if !ended.established => CloseAction::Retry,
                a => a,
            };
            if action == CloseAction::Fatal {
                let why = format!(
                    "Kick refused the chat connection ({}); check [kick] pusher_url \
                     (Kick may have changed its Pusher app key)",
                    ended.reason
                );
                if refused_once {
                    tracing::error!("{why}");
                    self.state
                        .send_replace(ChatState::Stopped { why: why.clone() });
                    return SourceExit::Refused { why };
                }
                refused_once = true;
                tracing::warn!("{why}; looking the connection parameters up once more");
                self.state.send_replace(ChatState::Reconnecting {
                    until: wall_now(),
                    reason: format!("{}; looking up again", ended.reason),
                });
                if let Some(refresh) = self.refresh.as_mut() {
                    let fresh = tokio::select! {
                        _ = cancel.cancelled() => return SourceExit::Cancelled,
                        t = refresh() => t,
                    };
                    if let Some(t) = fresh {
                        self.opts.url = t.url;
                        self.opts.channels = t.channels;
                    }
                }
                continue;
            }
            let delay = backoff.delay_for(action).unwrap_or(backoff.cap);
            tracing::warn!(
                "chat connection lost ({}); reconnecting in {:.1} s",
                ended.reason,
                delay.as_secs_f64()
            );
            let until = wall_now().plus_ms(delay.as_millis() as i64);
            self.state.send_replace(ChatState::Reconnecting {
                until,
                reason: ended.reason,
            });
            tokio::select! {
                _ = cancel.cancelled() => return SourceExit::Cancelled,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    async fn mark_down(&mut self) {
        if !self.down {
            self.down = true;
            let _ = self
                .tx
                .send(SourceMsg::Event {
                    at: wall_now(),
                    event: Event::SourceDown,
                })
                .await;
        }
    }
}
