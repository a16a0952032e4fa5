//! The channel actor: every call to Kick's HTTP APIs for one channel. It finds the ids the
//! chat needs (`[kick]` overrides or flags > the `channel_cache` table > the channel API, then
//! cached), polls live status and viewers (the official API when credentials are set, else
//! the channel API), and reports trouble with the error's own retry delay. It never stops the
//! chat: when the API is blocked and the ids are known, chat runs on.
//!
//! While the API fails and the chat socket has said nothing about live state, live status
//! comes from the stream itself ([`StreamProbe`], every `poll_interval_seconds`, and at once
//! when the recorder asks "still live?"), as the same `ApiNews::Status` the API gives, marked
//! with its [`crate::kickapi::LiveSource`].

use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::stream_probe::{Probe, StreamProbe};
use crate::kickapi::{ApiError, KickApi, LiveStatus};
use crate::store::StoreHandle;

/// The two ids the Pusher channel names are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChatIds {
    pub channel_id: u64,
    pub chatroom_id: u64,
}

/// What the actor tells the engine.
#[derive(Debug)]
pub enum ApiNews {
    Status(LiveStatus),
    /// A call failed. `need_ids`: the chat is still waiting for its ids. `repeat`: the same
    /// failure as the last few, not logged again (see `RepeatLog`).
    Trouble {
        error: ApiError,
        need_ids: bool,
        repeat: bool,
    },
    /// A call worked after trouble.
    Recovered,
    /// No ids and no way to get them (e.g. 404): there is nothing to watch.
    Fatal(ApiError),
    /// Something the streamer should read (said once).
    Note(String),
}

/// What the engine and the chat ask of the actor.
#[derive(Debug)]
pub enum ApiRequest {
    /// Look at the status now (the recorder asks whether the stream is still live).
    PollNow,
    /// The chat socket said live or offline: look now. Its word stands (no periodic stream
    /// probe) until the API answers again.
    SocketSaid { live: bool },
    /// The chat was refused: look the ids up again (`None`: keep the current ones).
    Relookup(oneshot::Sender<Option<ChatIds>>),
}

/// Polls the channel's live status and looks its ids up, for the engine and the chat.
pub struct ChannelActor {
    pub api: KickApi,
    pub slug: String,
    pub store: StoreHandle,
    /// Known ids (from the cache, or the user's once the first lookup failed), if any.
    pub ids: Option<ChatIds>,
    /// `[kick] channel_id` / `chatroom_id` or the flags: used while Kick's API does not answer
    /// (both given), or to fill in what the lookup leaves out (one given). When the API
    /// answers with other ids, they were another channel's, and the API's are used.
    pub user_channel_id: Option<u64>,
    pub user_chatroom_id: Option<u64>,
    pub poll_every: Duration,
    pub ids_tx: watch::Sender<Option<ChatIds>>,
    pub news: mpsc::Sender<ApiNews>,
    /// Live status from the stream while the APIs fail (`None`: `[recorder] probe_live` off).
    pub probe: Option<StreamProbe>,
}

/// What one run has learnt and said; a run the supervisor restarts starts over.
#[derive(Default)]
struct RunMemory {
    /// The channel's ban has been said.
    said_banned: bool,
    /// The user's ids were found to be another channel's, and that has been said.
    said_other_ids: bool,
    /// The channel API has answered once (so the user's ids were checked against it).
    ids_checked: bool,
    /// That check failed: not before this (the failure's own wait; a blocked API asked at
    /// every poll stays blocked).
    check_ids_after: Option<Instant>,
    /// Kick refused `[kick] client_id` / `client_secret`: said once, not used again this run.
    official_refused: bool,
}

/// A run of the actor.
struct Running {
    actor: ChannelActor,
    memory: RunMemory,
}

/// What has been logged about the stream probe (so a steady answer is logged once).
#[derive(Default)]
struct ProbeLog {
    announced: bool,
    last: Option<String>,
}

/// What woke the actor.
enum Wake {
    Poll,
    Probe,
    Request(ApiRequest),
}

impl ChannelActor {
    pub async fn run(self, requests: mpsc::Receiver<ApiRequest>, cancel: CancellationToken) {
        Running {
            actor: self,
            memory: RunMemory::default(),
        }
        .run(requests, cancel)
        .await;
    }
}

impl Running {
    async fn run(mut self, mut requests: mpsc::Receiver<ApiRequest>, cancel: CancellationToken) {
        let mut troubled = false;
        let mut next = Instant::now();
        // After an error, polls wait for its delay even when chat asks for one.
        let mut holding_off = false;
        // false: polling stopped (the API said not to retry).
        let mut polling = true;
        let mut listening = true;
        // The chat socket has said live or offline since the API last answered.
        let mut socket_said = false;
        // When the next periodic stream probe runs (only while the API fails).
        let mut probe_at: Option<Instant> = None;
        let mut probing = ProbeLog::default();
        let mut trouble_log = super::repeat_log::RepeatLog::default();
        loop {
            let wake = tokio::select! {
                _ = cancel.cancelled() => return,
                _ = sleep_until(next), if polling => Wake::Poll,
                _ = sleep_until(probe_at.unwrap_or(next)), if probe_at.is_some() => Wake::Probe,
                r = requests.recv(), if listening => match r {
                    Some(r) => Wake::Request(r),
                    None => { listening = false; continue }
                },
            };
            let api_down = holding_off || !polling;
            match wake {
                Wake::Request(ApiRequest::Relookup(reply)) => {
                    // The user's ids too (they may be another channel's), unless the API is
                    // in its wait after an error (they are what the chat has meanwhile).
                    let fresh = if self.ids_from_user() && api_down {
                        None
                    } else {
                        self.lookup().await.ok().and(self.actor.ids)
                    };
                    let _ = reply.send(fresh);
                    continue;
                }
                Wake::Request(ApiRequest::SocketSaid { live }) => {
                    socket_said = true;
                    probe_at = None;
                    tracing::info!(
                        "{}: the chat socket says {}",
                        self.actor.slug,
                        if live { "live" } else { "offline" }
                    );
                    if api_down {
                        continue;
                    }
                }
                Wake::Request(ApiRequest::PollNow) | Wake::Probe if api_down => {
                    // The API is not answering: ask the stream instead.
                    if self.actor.probe.is_some() {
                        self.probe_now(&mut probing).await;
                        probe_at = (!socket_said).then(|| Instant::now() + self.actor.poll_every);
                    }
                    continue;
                }
                Wake::Probe => {
                    probe_at = None;
                    continue;
                }
                Wake::Request(ApiRequest::PollNow) | Wake::Poll => {}
            }
            let need_ids = self.actor.ids.is_none();
            // Given ids: `status` checks them and, blocked, still asks the official API.
            let result = if need_ids && !self.ids_from_user() {
                self.lookup().await.map(|info| info.status())
            } else {
                self.status().await
            };
            match result {
                Ok(status) => {
                    if std::mem::take(&mut troubled) {
                        trouble_log.clear();
                        self.tell(ApiNews::Recovered).await;
                    }
                    holding_off = false;
                    socket_said = false;
                    probe_at = None;
                    probing = ProbeLog::default();
                    next = Instant::now() + self.actor.poll_every;
                    self.tell(ApiNews::Status(status)).await;
                }
                Err(error) => {
                    troubled = true;
                    let need_ids = need_ids && !self.use_user_ids();
                    let (said, retry) = super::api_news::trouble_words(&error, need_ids);
                    let line = trouble_log.line(&said);
                    let repeat = line.is_none();
                    if let Some(line) = line {
                        tracing::warn!(target: crate::logging::SHOWN, "Kick API: {line}");
                    }
                    if need_ids && retry.is_none() {
                        self.tell(ApiNews::Fatal(error)).await;
                        return;
                    }
                    let news = ApiNews::Trouble {
                        error,
                        need_ids,
                        repeat,
                    };
                    self.tell(news).await;
                    match retry {
                        Some(d) => {
                            holding_off = true;
                            next = Instant::now() + d;
                        }
                        None => polling = false,
                    }
                    if self.actor.probe.is_some() && !socket_said && probe_at.is_none() {
                        probe_at = Some(Instant::now());
                    }
                }
            }
        }
    }

    /// Probes the stream once and passes on what it found (a log line when that changes).
    async fn probe_now(&mut self, log: &mut ProbeLog) {
        let Some(probe) = self.actor.probe.as_mut() else {
            return;
        };
        let found = probe.probe().await;
        let url = probe.url().to_string();
        if !log.announced {
            log.announced = true;
            tracing::warn!(
                "{}: Kick's API is not answering; live status now comes from the stream \
                 itself (streamlink on {url} every {} s)",
                self.actor.slug,
                self.actor.poll_every.as_secs()
            );
        }
        let said = match &found {
            Probe::Live { .. } => "live".to_string(),
            Probe::Offline { why } => format!("offline ({why})"),
            Probe::Unknown { why } => format!("unknown ({why})"),
        };
        if log.last.as_deref() != Some(said.as_str()) {
            match found {
                Probe::Unknown { .. } => {
                    tracing::warn!("{}: stream probe: {said}", self.actor.slug)
                }
                _ => tracing::info!("{}: stream probe: {said}", self.actor.slug),
            }
            log.last = Some(said);
        }
        if let Some(status) = found.status() {
            self.tell(ApiNews::Status(status)).await;
        }
    }

    async fn tell(&self, news: ApiNews) {
        let _ = self.actor.news.send(news).await;
    }
}

#[path = "channel_calls.rs"]
mod calls;
