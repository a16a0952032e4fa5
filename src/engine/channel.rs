//! The channel actor: every call to Kick's HTTP APIs for one channel. It finds the ids the
//! chat needs (`[kick]` overrides or flags > the `channel_cache` table > the channel API, then
//! cached), polls live status and viewers (the official API when credentials are set, else
//! the channel API), and reports trouble with the error's own retry delay. It never stops the
//! chat: when the API is blocked and the ids are known, chat runs on.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::kickapi::{ApiError, ChannelInfo, KickApi, LiveStatus};
use crate::store::{StoreHandle, WriteOp};
use crate::time::wall_now;

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
    /// A call failed. `need_ids`: the chat is still waiting for its ids.
    Trouble {
        error: ApiError,
        need_ids: bool,
    },
    /// A call worked after trouble.
    Recovered,
    /// No ids and no way to get them (e.g. 404): there is nothing to watch.
    Fatal(ApiError),
}

/// What the engine and the chat ask of the actor.
#[derive(Debug)]
pub enum ApiRequest {
    /// A live/offline event came in chat: look at the status now.
    PollNow,
    /// The chat was refused: look the ids up again (`None`: keep the current ones).
    Relookup(oneshot::Sender<Option<ChatIds>>),
}

pub struct ChannelActor {
    pub api: KickApi,
    pub slug: String,
    pub store: StoreHandle,
    /// Known ids (from the user or the cache), if any.
    pub ids: Option<ChatIds>,
    /// `[kick] channel_id` / `chatroom_id` or the flags: they win over any lookup.
    pub user_channel_id: Option<u64>,
    pub user_chatroom_id: Option<u64>,
    pub poll_every: Duration,
    pub ids_tx: watch::Sender<Option<ChatIds>>,
    pub news: mpsc::Sender<ApiNews>,
}

impl ChannelActor {
    pub async fn run(
        mut self,
        mut requests: mpsc::Receiver<ApiRequest>,
        cancel: CancellationToken,
    ) {
        let mut troubled = false;
        let mut next = Instant::now();
        // After an error, polls wait for its delay even when chat asks for one.
        let mut holding_off = false;
        // None: polling stopped (the API said not to retry).
        let mut polling = true;
        let mut listening = true;
        loop {
            let request = tokio::select! {
                _ = cancel.cancelled() => return,
                _ = sleep_until(next), if polling => None,
                r = requests.recv(), if listening => match r {
                    Some(r) => Some(r),
                    None => { listening = false; continue }
                },
            };
            match request {
                Some(ApiRequest::Relookup(reply)) => {
                    let fresh = if self.ids_from_user() {
                        None
                    } else {
                        self.lookup().await.ok().and(self.ids)
                    };
                    let _ = reply.send(fresh);
                    continue;
                }
                Some(ApiRequest::PollNow) if holding_off || !polling => continue,
                Some(ApiRequest::PollNow) | None => {}
            }
            let need_ids = self.ids.is_none();
            let result = if need_ids {
                self.lookup().await.map(|info| info.status())
            } else {
                self.status().await
            };
            match result {
                Ok(status) => {
                    if std::mem::take(&mut troubled) {
                        self.tell(ApiNews::Recovered).await;
                    }
                    holding_off = false;
                    next = Instant::now() + self.poll_every;
                    self.tell(ApiNews::Status(status)).await;
                }
                Err(error) => {
                    troubled = true;
                    let retry = error.retry_after();
                    tracing::warn!("kick api: {error}");
                    if need_ids && retry.is_none() {
                        self.tell(ApiNews::Fatal(error)).await;
                        return;
                    }
                    self.tell(ApiNews::Trouble { error, need_ids }).await;
                    match retry {
                        Some(d) => {
                            holding_off = true;
                            next = Instant::now() + d;
                        }
                        None => polling = false,
                    }
                }
            }
        }
    }

    fn ids_from_user(&self) -> bool {
        self.user_channel_id.is_some() && self.user_chatroom_id.is_some()
    }

    async fn tell(&self, news: ApiNews) {
        let _ = self.news.send(news).await;
    }

    /// The channel API: ids (published and cached) and status.
    async fn lookup(&mut self) -> Result<ChannelInfo, ApiError> {
        let info = self.api.channel(&self.slug).await?;
        let ids = ChatIds {
            channel_id: self.user_channel_id.unwrap_or(info.channel_id),
            chatroom_id: self.user_chatroom_id.unwrap_or(info.chatroom_id),
        };
        if self.ids != Some(ids) {
            tracing::info!(
                "{}: channel id {}, chatroom id {}",
                self.slug,
                ids.channel_id,
                ids.chatroom_id
            );
            if let Err(e) = self
                .store
                .enqueue(WriteOp::ChannelCache(info.cache_entry(wall_now())))
                .await
            {
                tracing::warn!("cannot cache the channel ids: {e}");
            }
        }
        if self.ids != Some(ids) {
            self.ids = Some(ids);
            self.ids_tx.send_replace(Some(ids));
        }
        Ok(info)
    }

    /// Live status: the official API first when it is configured, then the channel API.
    async fn status(&mut self) -> Result<LiveStatus, ApiError> {
        if self.api.has_official() {
            match self.api.official_status(&self.slug).await {
                Ok(s) => return Ok(s),
                Err(e) => tracing::info!("official api: {e}; trying the channel API"),
            }
        }
        self.lookup().await.map(|info| info.status())
    }
}
