//! Wires the live engine for one channel: the store writer, the channel actor (ids, status),
//! the chat task (Pusher), the optional capture, and the engine task; then shuts them down in
//! order, so queued writes are committed and the session is closed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::capture::Capture;
use super::channel::{ChannelActor, ChatIds};
use super::chat::ChatTask;
use super::core::{Core, OffsetBase};
use super::feed::Feed;
use super::media::{self, Media};
use super::runner::{Command, Engine, EngineEnd, Inputs};
use super::sessions::Sessions;
use super::update::{Summary, Update};
use crate::config::Config;
use crate::kickapi::KickApi;
use crate::source::ChatState;
use crate::store::{self, Store, StoreError, StoreWriter};

/// How long each task gets to stop before kicktui goes on without it.
const STOP_LIMIT: Duration = Duration::from_secs(5);

pub struct LiveSetup {
    pub cfg: Config,
    /// Re-read for a fresh Pusher URL after Kick refuses the connection (`None`: the
    /// built-in defaults or a generated config; nothing to re-read).
    pub config_path: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// A validated Kick channel name.
    pub slug: String,
    pub capture: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot open the capture file {path}: {source}")]
    Capture {
        path: PathBuf,
        source: std::io::Error,
    },
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
        tracing::info!("{slug}: ids from the config: channel {channel_id}, chatroom {chatroom_id}");
        let ids = ChatIds {
            channel_id,
            chatroom_id,
        };
        return (Some(ids), user_channel, user_room);
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

/// Runs until `cancel` (a signal), a `Quit` command, or a fatal API answer.
pub async fn run(
    setup: LiveSetup,
    feed: Feed,
    commands: mpsc::Receiver<Command>,
    cancel: CancellationToken,
) -> Result<EngineEnd, LiveError> {
    let db = store::db_path(&setup.data_dir);
    let writer = StoreWriter::spawn(&db)?;
    let store = writer.handle();
    let cfg = &setup.cfg;
    let (ids, user_channel_id, user_chatroom_id) = known_ids(cfg, &setup.slug, &setup.data_dir);
    let capture = match &setup.capture {
        Some(path) => {
            let started = Capture::start(path).map_err(|source| LiveError::Capture {
                path: path.clone(),
                source,
            })?;
            tracing::info!("capturing every chat frame to {}", path.display());
            feed.send(Update::Capturing {
                path: path.display().to_string(),
            });
            Some(started)
        }
        None => None,
    };

    // Checked while the other tasks start: a missing program turns recording off, nothing else.
    let tools = cfg
        .recorder
        .enabled
        .then(|| tokio::spawn(media::check_tools(cfg.recorder.clone())));

    let tasks = CancellationToken::new();
    let (ids_tx, ids_rx) = watch::channel(ids);
    let (news_tx, news_rx) = mpsc::channel(64);
    let (req_tx, req_rx) = mpsc::channel(16);
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
    };
    let actor = tokio::spawn(actor.run(req_rx, tasks.clone()));

    let (source_tx, source_rx) = mpsc::channel(4096);
    let (state_tx, state_rx) = watch::channel(ChatState::Connecting { attempt: 0 });
    let chat = ChatTask {
        pusher_url: cfg.kick.pusher_url.clone(),
        config_path: setup.config_path.clone(),
        capture: capture.is_some(),
        ids: ids_rx,
        api: req_tx.clone(),
        tx: source_tx,
        state: state_tx,
    };
    let chat = tokio::spawn(chat.run(tasks.clone()));

    let (capture, capture_thread) = capture.unzip();
    let tools = match tools {
        Some(check) => check
            .await
            .unwrap_or_else(|e| Err(format!("the tool check failed: {e}"))),
        None => Ok(()),
    };
    let media = Media::new(
        cfg,
        setup.data_dir.clone(),
        &setup.slug,
        store.clone(),
        req_tx.clone(),
        tools,
    );
    feed.send(media.announce());
    let engine = Engine {
        core: Core::new(cfg, OffsetBase::StreamStart),
        channel: setup.slug.clone(),
        sessions: Sessions::new(store.clone(), &setup.slug, "kick"),
        store: store.clone(),
        feed: feed.clone(),
        media,
        capture,
        api: req_tx,
        summary: Summary::default(),
        viewers: None,
        api_live: None,
        dropped_writes: 0,
        spike_window_ms: i64::from(cfg.chat.window_seconds) * 1000,
        engage: super::engage::EngageHook::new(
            cfg,
            &setup.data_dir,
            &setup.slug,
            "kick",
            crate::time::wall_now(),
        ),
    };
    let inputs = Inputs {
        source: source_rx,
        chat_state: state_rx,
        api: news_rx,
        commands,
    };
    let end = engine.run(inputs, cancel).await;

    tasks.cancel();
    match tokio::time::timeout(STOP_LIMIT, chat).await {
        Ok(Ok(exit)) => tracing::info!("chat task ended: {exit:?}"),
        Ok(Err(e)) => tracing::error!("chat task failed: {e}"),
        Err(_) => tracing::warn!("chat task did not stop in time"),
    }
    if tokio::time::timeout(STOP_LIMIT, actor).await.is_err() {
        tracing::warn!("channel actor did not stop in time");
    }
    if let Some(thread) = capture_thread {
        let joined = tokio::task::spawn_blocking(move || thread.join()).await;
        if !matches!(joined, Ok(Ok(()))) {
            tracing::error!("the capture writer failed; the capture file may be incomplete");
        }
    }
    // Last resort: nothing kicktui started may outlive it.
    crate::media::children::kill_all();
    drop(store);
    match writer.shutdown_async().await {
        Ok(stats) => tracing::info!("store: {} writes, {} failed", stats.ops, stats.failed),
        Err(e) => tracing::error!("store shutdown: {e}"),
    }
    Ok(end)
}
