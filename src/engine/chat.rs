//! The chat task: waits for the channel ids, then runs the chat socket on the five channel
//! names. The one place that chooses the realtime transport: `[kick] transport = "pusher"`,
//! `"centrifugo"`, or `"auto"` (Pusher first; Centrifugo when Pusher refuses twice or never
//! connects, saying so in the log and the chat state; back to Pusher if Centrifugo never
//! connects and Pusher was not refused). Refused every way, it waits (30 s, doubling up to
//! 10 minutes) and starts over: chat never stops for good while kicktui runs.
//!
//! Its "fresh look-up" after a refusal re-reads the transport's URL from the config file
//! (the user may have put in a new app key) and asks the channel actor for the ids again.
//! Kick's realtime negotiation endpoint (kick-protocol.md §1.2) is not called: it is
//! unconfirmed and behind the same Cloudflare as the channel API.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::channel::{ApiRequest, ChatIds};
use crate::config::{self, ChatTransport};
use crate::source::centrifugo::Centrifugo;
use crate::source::kick::channel_names;
use crate::source::pusher::Pusher;
use crate::source::socket::{ChatSource, Refresh, SourceExit, SourceOptions, Target, Transport};
use crate::source::{ChatState, SourceMsg};
use crate::time::wall_now;

/// How long a fresh look-up may take before the current parameters are tried again.
const RELOOKUP_LIMIT: Duration = Duration::from_secs(20);
/// `auto`: a socket that fails this many times in a row without connecting is gone for
/// good, and the other transport is tried (about a minute with the default backoff).
const GIVE_UP_AFTER: u32 = 6;
/// The pause before the other transport is tried.
const SWITCH_PAUSE: Duration = Duration::from_secs(1);
/// Refused every way: chat tries again after this (doubling)…
pub const REFUSED_FIRST_WAIT: Duration = Duration::from_secs(30);
/// …and a connection that ran this long before the next refusal starts the doubling over.
const WORKED_FOR: Duration = Duration::from_secs(300);

pub struct ChatTask {
    pub pusher_url: String,
    /// The config file to re-read for the transport's URL (`None`: nothing to re-read).
    pub config_path: Option<PathBuf>,
    pub capture: bool,
    pub ids: watch::Receiver<Option<ChatIds>>,
    pub api: mpsc::Sender<ApiRequest>,
    pub tx: mpsc::Sender<SourceMsg>,
    pub state: watch::Sender<ChatState>,
    /// `[kick] transport`, `centrifugo_url`, `centrifugo_token_url`.
    pub transport: ChatTransport,
    pub centrifugo_url: String,
    pub centrifugo_token_url: String,
    /// Refused every way: the first wait before chat tries again (doubling after).
    pub refused_wait: Duration,
}

/// One of the two transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pusher,
    Centrifugo,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Pusher => "Pusher",
            Kind::Centrifugo => "Centrifugo",
        })
    }
}

impl Kind {
    fn other(self) -> Kind {
        match self {
            Kind::Pusher => Kind::Centrifugo,
            Kind::Centrifugo => Kind::Pusher,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// This transport's URL in a `[kick]` section.
    fn url(self, kick: &config::Kick) -> &str {
        match self {
            Kind::Pusher => &kick.pusher_url,
            Kind::Centrifugo => &kick.centrifugo_url,
        }
    }
}

pub fn target(url: &str, ids: ChatIds) -> Target {
    Target {
        url: url.to_string(),
        channels: channel_names(ids.chatroom_id, ids.channel_id).to_vec(),
    }
}

impl ChatTask {
    fn url(&self, kind: Kind) -> &str {
        match kind {
            Kind::Pusher => &self.pusher_url,
            Kind::Centrifugo => &self.centrifugo_url,
        }
    }

    fn transport_of(&self, kind: Kind) -> Box<dyn Transport> {
        match kind {
            Kind::Pusher => Box::new(Pusher),
            Kind::Centrifugo => Box::new(Centrifugo::new(&self.centrifugo_token_url)),
        }
    }

    fn refresher(&self, kind: Kind, current: Target) -> Refresh {
        refresher(kind, current, self.config_path.clone(), self.api.clone())
    }

    pub async fn run(mut self, cancel: CancellationToken) -> SourceExit {
        let mut ids = tokio::select! {
            _ = cancel.cancelled() => return SourceExit::Cancelled,
            ids = self.ids.wait_for(Option::is_some) => match ids.ok().and_then(|i| *i) {
                Some(ids) => ids,
                // The channel actor is gone without ids: it has said why.
                None => return SourceExit::Cancelled,
            },
        };
        let auto = self.transport == ChatTransport::Auto;
        let mut kind = match self.transport {
            ChatTransport::Centrifugo => Kind::Centrifugo,
            ChatTransport::Auto | ChatTransport::Pusher => Kind::Pusher,
        };
        let current = target(self.url(kind), ids);
        let mut opts = SourceOptions::new(&current.url, current.channels.clone());
        opts.capture = self.capture;
        opts.give_up_after = auto.then_some(GIVE_UP_AFTER);
        let refresh = self.refresher(kind, current);
        let mut source = ChatSource::new(
            self.transport_of(kind),
            opts,
            self.tx.clone(),
            self.state.clone(),
        )
        .with_refresh(refresh);
        tracing::info!("chat transport: {kind}");
        let mut refused = [false; 2];
        let mut refusals = 0u32;
        // Switches in a row with neither transport working (no network): said at growing
        // intervals, not every half minute.
        let mut switches = 0u32;
        loop {
            let ran = std::time::Instant::now();
            let exit = tokio::select! {
                exit = source.run(&cancel) => exit,
                new = other_ids(&mut self.ids, ids) => {
                    // The ids the chat joined with were another channel's (the config's,
                    // while the API was blocked): the channel's own chat from now on.
                    ids = new;
                    tracing::info!(
                        "chat joins channel {}, chatroom {} (the ids changed)",
                        ids.channel_id,
                        ids.chatroom_id
                    );
                    let t = target(self.url(kind), ids);
                    let refresh = self.refresher(kind, t.clone());
                    source.went_down().await;
                    source.switch(self.transport_of(kind), t, Some(refresh));
                    continue;
                }
            };
            let why = match &exit {
                SourceExit::Refused { why } => {
                    refused[kind.index()] = true;
                    why.clone()
                }
                SourceExit::Gone { why } if auto => why.clone(),
                _ => return exit,
            };
            // Working a good while before this: an earlier refusal is history.
            if ran.elapsed() >= WORKED_FOR {
                refusals = 0;
                switches = 0;
            }
            let next = if auto { kind.other() } else { kind };
            let mut t = target(self.url(next), ids);
            if refused[next.index()] {
                // Refused every way (or refused that way and this one never connects): a
                // refusal can pass (Kick's side, a new app key put in the config), so chat
                // waits and tries again rather than stopping for the rest of the stream.
                refusals += 1;
                let wait = refused_wait(self.refused_wait, refusals);
                tracing::error!("{why}; trying again in {} s", wait.as_secs());
                let reason = match exit {
                    SourceExit::Refused { .. } => format!("refused: {why}"),
                    _ => why.clone(),
                };
                source.say(ChatState::Reconnecting {
                    until: wall_now().plus_ms(wait.as_millis() as i64),
                    reason,
                });
                tokio::select! {
                    _ = cancel.cancelled() => return SourceExit::Cancelled,
                    _ = tokio::time::sleep(wait) => {}
                }
                refused = [false; 2];
                // The URL as the config says now, the ids as the channel gives them now.
                let mut fresh = self.refresher(next, t.clone());
                tokio::select! {
                    _ = cancel.cancelled() => return SourceExit::Cancelled,
                    found = tokio::time::timeout(RELOOKUP_LIMIT, fresh()) => {
                        if let Ok(Some(found)) = found {
                            t = found;
                        }
                    }
                }
            } else {
                switches = switches.saturating_add(1);
                if switches.is_power_of_two() {
                    let many = if switches > 1 {
                        format!(" ({switches} switches in a row without a connection)")
                    } else {
                        String::new()
                    };
                    tracing::warn!("{why}; switching the chat to {next}{many}");
                } else {
                    tracing::debug!("{why}; switching the chat to {next}");
                }
                source.say(ChatState::Reconnecting {
                    until: wall_now().plus_ms(SWITCH_PAUSE.as_millis() as i64),
                    reason: format!("{kind} unavailable; switching to {next}"),
                });
                // Long enough for the front ends to show the switch.
                tokio::select! {
                    _ = cancel.cancelled() => return SourceExit::Cancelled,
                    _ = tokio::time::sleep(SWITCH_PAUSE) => {}
                }
            }
            // The ids as the channel actor has them now (a look-up again may have brought
            // others): the chat joins with them, and they are no news for the watch above.
            if let Some(now) = *self.ids.borrow_and_update() {
                ids = now;
            }
            t.channels = target(&t.url, ids).channels;
            let refresh = self.refresher(next, t.clone());
            source.switch(self.transport_of(next), t, Some(refresh));
            kind = next;
        }
    }
}

/// The wait after chat was refused every way, the `n`th time running: `first`, doubling, at
/// most 10 minutes.
fn refused_wait(first: Duration, n: u32) -> Duration {
    first
        .saturating_mul(1 << n.saturating_sub(1).min(5))
        .min(Duration::from_secs(600))
}

/// The next ids the channel actor gives that differ from `now`; never, once it is gone.
async fn other_ids(rx: &mut watch::Receiver<Option<ChatIds>>, now: ChatIds) -> ChatIds {
    loop {
        if rx.changed().await.is_err() {
            return std::future::pending().await;
        }
        if let Some(ids) = *rx.borrow_and_update()
            && ids != now
        {
            return ids;
        }
    }
}

fn refresher(
    kind: Kind,
    current: Target,
    config_path: Option<PathBuf>,
    api: mpsc::Sender<ApiRequest>,
) -> Refresh {
    Box::new(move || {
        let (current, config_path, api) = (current.clone(), config_path.clone(), api.clone());
        Box::pin(async move {
            let url = match config_path.as_deref().map(|p| crate::config::load(Some(p))) {
                Some(Ok((cfg, _))) => kind.url(&cfg.kick).to_string(),
                Some(Err(e)) => {
                    tracing::warn!("cannot re-read the config: {e}");
                    current.url.clone()
                }
                None => current.url.clone(),
            };
            let (reply, answer) = oneshot::channel();
            let ids = match api.send(ApiRequest::Relookup(reply)).await {
                Ok(()) => tokio::time::timeout(RELOOKUP_LIMIT, answer)
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .flatten(),
                Err(_) => None,
            };
            let channels = match ids {
                Some(ids) => target(&url, ids).channels,
                None => current.channels.clone(),
            };
            Some(Target { url, channels })
        })
    })
}
