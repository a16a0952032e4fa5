//! One chat socket, whatever its protocol: the reconnect loop (backoff with jitter, the
//! close-code policy, one fresh look-up after a refusal, giving up on a socket that never
//! connects) around the [`Link`] every transport sends through (`link.rs`).
//! A [`Transport`] (Pusher, Centrifugo) only speaks its protocol.

use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

pub use super::link::Link;
use super::reconnect::{ASKED_NOW_AFTER, Backoff, CloseAction, HEALTHY_AFTER};
use super::{ChatState, SourceMsg};
use crate::time::wall_now;

/// Where to connect and what to subscribe to.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub url: String,
    pub channels: Vec<String>,
}

/// A fresh look-up of the connection parameters, asked for once after a refusal.
/// `None` keeps the current ones (they are then tried once more as they are).
pub type Refresh = Box<dyn FnMut() -> BoxFuture<'static, Option<Target>> + Send>;

/// Why [`ChatSource::run`] returned.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceExit {
    Cancelled,
    /// The engine dropped its receiver.
    EngineGone,
    /// Refused twice (before and after a fresh look-up); `ChatState` says why.
    Refused {
        why: String,
    },
    /// `give_up_after` attempts in a row never got connected.
    Gone {
        why: String,
    },
}

#[derive(Clone, Debug)]
pub struct SourceOptions {
    pub url: String,
    pub channels: Vec<String>,
    pub connect_timeout: Duration,
    /// How long to wait for an answer to our ping (Pusher) or for the server's next
    /// heartbeat past its interval (Centrifugo).
    pub pong_timeout: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub capture: bool,
    /// Stop with [`SourceExit::Gone`] after this many failed attempts in a row (none of them
    /// got as far as the server's greeting); `None`: retry forever.
    pub give_up_after: Option<u32>,
    /// A connection that greeted and lasted this long was a good one: the backoff and the
    /// refusal count start over, and a "reconnect now" close is taken at its word.
    pub healthy_after: Duration,
}

impl SourceOptions {
    pub fn new(url: &str, channels: Vec<String>) -> SourceOptions {
        SourceOptions {
            url: url.to_string(),
            channels,
            connect_timeout: Duration::from_secs(10),
            pong_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            capture: false,
            give_up_after: None,
            healthy_after: HEALTHY_AFTER,
        }
    }
}

/// How one connection ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Ended {
    pub code: Option<u16>,
    pub reason: String,
    /// It got as far as the server's greeting (so the backoff starts over).
    pub established: bool,
    /// The server refused the chat's own subscription: a refusal, like a refused key (the
    /// ids are looked up again, then the other transport or a wait), not a working link.
    pub chat_refused: bool,
}

impl Ended {
    pub fn new(code: Option<u16>, reason: impl Into<String>, established: bool) -> Ended {
        Ended {
            code,
            reason: reason.into(),
            established,
            chat_refused: false,
        }
    }

    pub fn chat_refused(reason: impl Into<String>) -> Ended {
        Ended {
            chat_refused: true,
            ..Ended::new(None, reason, false)
        }
    }
}

/// A realtime protocol: connect, greet, subscribe, keep the socket alive, read until it ends.
pub trait Transport: Send {
    /// For logs and the chat state: `Pusher`, `Centrifugo`.
    fn name(&self) -> &'static str;
    /// What a close code (or protocol error code) means for the next attempt.
    fn close_action(&self, code: Option<u16>) -> CloseAction;
    /// What the user can check when the server refuses us, e.g. `[kick] pusher_url`.
    fn refused_hint(&self) -> &'static str;
    /// One connection, start to end.
    fn connect_once<'a>(
        &'a mut self,
        target: &'a Target,
        link: &'a mut Link,
    ) -> BoxFuture<'a, Ended>;
}

/// A transport plus the reconnect policy around it.
pub struct ChatSource {
    transport: Box<dyn Transport>,
    target: Target,
    opts: SourceOptions,
    link: Link,
    refresh: Option<Refresh>,
    /// Tries in a row that never connected, on any transport: a long outage is logged at
    /// growing intervals, not once per try.
    failed_tries: u32,
}

impl ChatSource {
    pub fn new(
        transport: Box<dyn Transport>,
        opts: SourceOptions,
        tx: mpsc::Sender<SourceMsg>,
        state: watch::Sender<ChatState>,
    ) -> ChatSource {
        let link = Link::new(tx, state, &opts);
        ChatSource {
            transport,
            target: Target {
                url: opts.url.clone(),
                channels: opts.channels.clone(),
            },
            opts,
            link,
            refresh: None,
            failed_tries: 0,
        }
    }

    /// How to look the connection parameters up again after a refusal.
    pub fn with_refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    pub fn transport(&self) -> &'static str {
        self.transport.name()
    }

    /// Another transport, or other channels (ids looked up again), on `target` (same
    /// de-duplication; the gap stays open).
    pub fn switch(
        &mut self,
        transport: Box<dyn Transport>,
        target: Target,
        refresh: Option<Refresh>,
    ) {
        self.transport = transport;
        self.target = target;
        self.refresh = refresh;
    }

    /// Runs until cancelled, the engine is gone, the server refuses twice, or the socket is
    /// gone for good (`give_up_after`).
    pub async fn run(&mut self, cancel: &CancellationToken) -> SourceExit {
        let seed = wall_now().0 as u64 ^ u64::from(std::process::id());
        let mut backoff = Backoff::new(self.opts.backoff_base, self.opts.backoff_cap, seed);
        let mut refused_once = false;
        let mut failed_in_a_row = 0u32;
        loop {
            self.link.state.send_replace(ChatState::Connecting {
                attempt: backoff.attempt(),
            });
            self.link.up_since = None;
            let ended = tokio::select! {
                _ = cancel.cancelled() => return SourceExit::Cancelled,
                e = self.transport.connect_once(&self.target, &mut self.link) => e,
            };
            self.link.mark_down().await;
            if self.link.tx.is_closed() {
                return SourceExit::EngineGone;
            }
            // Counted from the greeting: a slow connect is not time the server kept us.
            let lasted = self.link.up_since.map(|t| t.elapsed());
            let healthy = ended.established && lasted.is_some_and(|d| d >= self.opts.healthy_after);
            if healthy {
                backoff.reset();
                refused_once = false;
            }
            if ended.established {
                failed_in_a_row = 0;
                self.failed_tries = 0;
            } else {
                failed_in_a_row += 1;
                self.failed_tries = self.failed_tries.saturating_add(1);
            }
            let action = match self.transport.close_action(ended.code) {
                _ if ended.chat_refused => CloseAction::Fatal,
                // "Reconnect now" right after connecting (or before the greeting) gets
                // backoff: taken at its word, it could be a loop as fast as the network.
                CloseAction::Immediate if !healthy => CloseAction::Retry,
                a => a,
            };
            let name = self.transport.name();
            if action == CloseAction::Fatal {
                let hint = if ended.chat_refused {
                    "check the channel's chatroom id ([kick] chatroom_id or --chatroom-id)"
                } else {
                    self.transport.refused_hint()
                };
                let why = format!(
                    "Kick refused the chat connection ({name}: {}); {hint}",
                    ended.reason
                );
                if refused_once {
                    // The chat task says what comes next (the other transport, or a wait).
                    return SourceExit::Refused { why };
                }
                refused_once = true;
                tracing::warn!("{why}; looking the connection parameters up once more");
                self.link.state.send_replace(ChatState::Reconnecting {
                    until: wall_now(),
                    reason: format!("{}; looking up again", ended.reason),
                });
                if let Some(refresh) = self.refresh.as_mut() {
                    let fresh = tokio::select! {
                        _ = cancel.cancelled() => return SourceExit::Cancelled,
                        t = refresh() => t,
                    };
                    if let Some(t) = fresh {
                        self.target = t;
                    }
                }
                continue;
            }
            if self
                .opts
                .give_up_after
                .is_some_and(|n| failed_in_a_row >= n)
            {
                let why = format!(
                    "the {name} socket did not connect {failed_in_a_row} times in a row ({})",
                    ended.reason
                );
                // The chat task says it, with what it does next.
                tracing::debug!("{why}");
                return SourceExit::Gone { why };
            }
            // Asked to come back at once after a connection that lasted a while (no tight
            // loop, but not `healthy_after` either): seconds, not the backoff an outage grew.
            let asked_now = self.transport.close_action(ended.code) == CloseAction::Immediate
                && lasted.is_some_and(|d| d >= ASKED_NOW_AFTER);
            let delay = match action {
                CloseAction::Retry if asked_now => backoff.delay_asked_now(),
                _ => backoff.delay_for(action).unwrap_or(backoff.cap),
            };
            if let Some(many) = super::state_log::retry_said(self.failed_tries) {
                tracing::warn!(
                    // Headless prints the chat state's own line: the file keeps this one.
                    target: crate::logging::SHOWN,
                    "chat connection lost ({name}: {}); reconnecting in {:.1} s{many}",
                    ended.reason,
                    delay.as_secs_f64()
                );
            }
            let until = wall_now().plus_ms(delay.as_millis() as i64);
            self.link.state.send_replace(ChatState::Reconnecting {
                until,
                reason: ended.reason,
            });
            tokio::select! {
                _ = cancel.cancelled() => return SourceExit::Cancelled,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// The connection was dropped from outside (to join other channels): a gap opens, as
    /// for any drop, and closes when the next connection is up.
    pub async fn went_down(&mut self) {
        self.link.mark_down().await;
    }

    /// Tells the front ends what the chat is doing (e.g. switching transports).
    pub fn say(&self, state: ChatState) {
        self.link.state.send_replace(state);
    }
}

/// Why a connection attempt failed, naming the server (host and port only: Kick's URL holds
/// its app key): a wrong `irc_url` or a blocked host shows in the status line, not only in
/// `doctor`. `error`: `None` when the attempt timed out.
pub fn connect_failure(url: &str, error: Option<&dyn std::fmt::Display>) -> String {
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host,
            })
        })
        .unwrap_or_else(|| "the chat server".into());
    match error {
        Some(e) => format!("cannot connect to {host}: {e}"),
        None => format!("{host} did not answer in time"),
    }
}

/// `close code 4001: App key … does not exist`, from the close frame or a protocol error.
pub fn describe(code: Option<u16>, error: &Option<(u16, String)>, reason: &str) -> String {
    let reason = match (reason.trim(), error) {
        ("", Some((_, m))) => m.as_str(),
        (r, _) => r,
    };
    match (code, reason.is_empty()) {
        (Some(c), true) => format!("close code {c}"),
        (Some(c), false) => format!("close code {c}: {reason}"),
        (None, _) => reason.to_string(),
    }
}

#[cfg(test)]
#[path = "socket_tests.rs"]
mod tests;
