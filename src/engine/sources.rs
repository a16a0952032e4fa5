//! The sources of one live run: the chat task and the live-status actor for the channel's
//! platform. Every platform feeds the engine the same way: chat events and frames on one
//! channel, the chat connection's state in a watch, live status and API trouble as news.

use std::path::Path;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::channel::{ApiNews, ApiRequest, ChannelActor, ChatIds};
use super::chat::ChatTask;
use super::feed::Feed;
use super::live::LiveSetup;
use super::stream_probe::StreamProbe;
use crate::config::Config;
use crate::kickapi::KickApi;
use crate::source::{ChatState, SourceMsg};
use crate::store::{Store, StoreHandle};

/// Chat messages the engine may be behind before a source waits.
pub(super) const SOURCE_QUEUE: usize = 4096;

/// What the engine reads from the sources, and the tasks to stop at the end.
pub struct Sources {
    pub source: mpsc::Receiver<SourceMsg>,
    pub chat_state: watch::Receiver<ChatState>,
    pub news: mpsc::Receiver<ApiNews>,
    /// Asks the status actor to look now (a live event in chat) or to look the ids up again.
    pub requests: mpsc::Sender<ApiRequest>,
    pub tasks: Vec<(&'static str, JoinHandle<()>)>,
}

/// Waits for each task to stop (after its cancellation), at most `limit` each.
pub async fn stop_tasks(tasks: Vec<(&'static str, JoinHandle<()>)>, limit: Duration) {
    for (name, task) in tasks {
        match tokio::time::timeout(limit, task).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("{name} failed: {e}"),
            Err(_) => tracing::warn!("{name} did not stop in time"),
        }
    }
}

impl Sources {
    /// Kick: the channel actor (ids, live status, viewers) and the chat socket.
    pub fn start_kick(
        setup: &LiveSetup,
        store: &StoreHandle,
        capture: bool,
        feed: &Feed,
        cancel: &CancellationToken,
    ) -> Sources {
        let cfg = &setup.cfg;
        let (ids, user_channel_id, user_chatroom_id) = known_ids(cfg, &setup.slug, &setup.data_dir);
        let (ids_tx, ids_rx) = watch::channel(ids);
        let (news_tx, news) = mpsc::channel(64);
        let (requests, req_rx) = mpsc::channel(16);
        let actor = ChannelActor {
            api: KickApi::new(&cfg.kick),
            slug: setup.slug.clone(),
            store: store.clone(),
            ids,
            user_channel_id,
            user_chatroom_id,
            poll_every: Duration::from_secs(u64::from(cfg.recorder.poll_interval_seconds)),
            ids_tx,
            news: news_tx,
            probe: cfg
                .recorder
                .probe_live
                .then(|| StreamProbe::from_config(&cfg.recorder, &setup.slug)),
        };
        let actor = super::supervised::channel_actor(actor, req_rx, feed.clone(), cancel.clone());

        let (source_tx, source) = mpsc::channel(SOURCE_QUEUE);
        let (state_tx, chat_state) = watch::channel(ChatState::Connecting { attempt: 0 });
        let chat = ChatTask {
            pusher_url: cfg.kick.pusher_url.clone(),
            config_path: setup.config_path.clone(),
            capture,
            ids: ids_rx,
            api: requests.clone(),
            tx: source_tx,
            state: state_tx,
            transport: cfg.kick.transport,
            centrifugo_url: cfg.kick.centrifugo_url.clone(),
            centrifugo_token_url: cfg.kick.centrifugo_token_url.clone(),
            refused_wait: super::chat::REFUSED_FIRST_WAIT,
        };
        let chat = super::supervised::chat(chat, feed.clone(), cancel.clone());
        Sources {
            source,
            chat_state,
            news,
            requests,
            tasks: vec![("chat task", chat), ("channel actor", actor)],
        }
    }
}

/// Ids from `[kick]` (or the flags), completed from the cache; and which the user gave.
fn known_ids(
    cfg: &Config,
    slug: &str,
    data_dir: &Path,
) -> (Option<ChatIds>, Option<u64>, Option<u64>) {
    let user_channel = (cfg.kick.channel_id != 0).then_some(cfg.kick.channel_id);
    let user_room = (cfg.kick.chatroom_id != 0).then_some(cfg.kick.chatroom_id);
    if let (Some(channel_id), Some(chatroom_id)) = (user_channel, user_room) {
        // Not used yet: the channel actor's first lookup says whether they are this
        // channel's (a config shared by several channels has one channel's ids).
        tracing::info!(
            "{slug}: ids from the config: channel {channel_id}, chatroom {chatroom_id} \
             (used if Kick's API does not answer)"
        );
        return (None, user_channel, user_room);
    }
    let cached = Store::open_in(data_dir)
        .and_then(|s| s.channel_ids("kick", slug))
        .map_err(|e| tracing::warn!("cannot read the channel cache: {e}"))
        .ok()
        .flatten();
    let ids = cached.and_then(|c| {
        let channel_id = user_channel.or(u64::try_from(c.channel_id?).ok())?;
        let chatroom_id = user_room.or(u64::try_from(c.chatroom_id?).ok())?;
        tracing::info!(
            "{slug}: ids from the cache ({}): channel {channel_id}, chatroom {chatroom_id}",
            c.updated_at.to_rfc3339()
        );
        Some(ChatIds {
            channel_id,
            chatroom_id,
        })
    });
    (ids, user_channel, user_room)
}
