//! Wires the live engine for one channel: the store writer, the platform's sources (chat and
//! live status, see `sources.rs`), the optional capture, and the engine task; then shuts them
//! down in order, so queued writes are committed and the session is closed.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::capture::Capture;
use super::core::{Core, OffsetBase};
use super::feed::Feed;
use super::media::{self, Media};
use super::runner::{Command, Engine, EngineEnd, Inputs};
use super::sessions::Sessions;
use super::sources::{Sources, stop_tasks};
use super::update::{Summary, Update};
use crate::config::Config;
use crate::source::Platform;
use crate::store::{self, StoreError, StoreWriter};

/// How long each task gets to stop before kicktui goes on without it.
const STOP_LIMIT: Duration = Duration::from_secs(5);
/// At quit, alerts already due (the last clips' `clip_ready`) get this long to go out.
const ALERTS_AT_QUIT: Duration = Duration::from_secs(10);

pub struct LiveSetup {
    pub cfg: Config,
    /// Re-read for a fresh Pusher URL after Kick refuses the connection (`None`: the
    /// built-in defaults or a generated config; nothing to re-read).
    pub config_path: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// The channel's platform: which chat task and status actor run, and what is stored.
    pub platform: Platform,
    /// A validated channel name for that platform (a Kick slug or a Twitch login).
    pub slug: String,
    pub capture: Option<PathBuf>,
}

impl LiveSetup {
    /// The channel as the front ends name it: a Twitch login is told apart from a Kick slug.
    pub fn channel_label(&self) -> String {
        match self.platform {
            Platform::Twitch => format!("twitch:{}", self.slug),
            Platform::Kick => self.slug.clone(),
        }
    }
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

/// Runs until `cancel` (a signal), a `Quit` command, or a fatal API answer.
pub async fn run(
    mut setup: LiveSetup,
    feed: Feed,
    commands: mpsc::Receiver<Command>,
    cancel: CancellationToken,
) -> Result<EngineEnd, LiveError> {
    let db = store::db_path(&setup.data_dir);
    let platform = setup.platform;
    let records = setup.cfg.recorder.enabled;
    // Off the async workers: SQLite, and up to 5 s waiting for a streamlink a kill left.
    let recovered = {
        let (db, slug, feed) = (db.clone(), setup.slug.clone(), feed.clone());
        let repair =
            move || super::recovery::after_crash(&db, platform.as_str(), &slug, records, &feed);
        tokio::task::spawn_blocking(repair)
            .await
            .unwrap_or_else(|e| {
                tracing::error!("repairing the previous run's rows failed: {e}");
                Default::default()
            })
    };
    let writer = StoreWriter::spawn(&db)?;
    let store = writer.handle();
    let voice_off = kick_only_chat_voice(&mut setup.cfg, platform);
    let cfg = &setup.cfg;
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
    // More front ends, each a supervised feed subscriber that stops with the tasks: the
    // metrics server and dashboard (`[server]`), and alerts (`[alerts]`).
    let _server = crate::serve::start(cfg, &feed, tasks.clone());
    let alerts = crate::notify::start(&cfg.alerts, &feed, tasks.clone());
    // The co-pilot (`[advisor]`, `[bot]`): takes its own commands out of the stream.
    if voice_off {
        feed.send(Update::Note(format!(
            "The chat voice ([bot]) posts to Kick chat only: it is off for {platform}:{}",
            setup.slug
        )));
    }
    let copilot =
        super::copilot::start(cfg, &setup.data_dir, &feed, &store, commands, tasks.clone());
    feed.send(Update::Note(format!("Watching {platform}:{}", setup.slug)));
    let Sources {
        source,
        chat_state,
        news,
        requests,
        tasks: source_tasks,
    } = match platform {
        Platform::Kick => Sources::start_kick(&setup, &store, capture.is_some(), &feed, &tasks),
        Platform::Twitch => Sources::start_twitch(&setup, capture.is_some(), &feed, &tasks),
    };
    let (capture, capture_thread) = capture.unzip();
    let tools = match tools {
        // A stop while it runs is not held up by it (its child is killed with it).
        Some(mut check) => tokio::select! {
            r = &mut check => r.unwrap_or_else(|e| Err(format!("the tool check failed: {e}"))),
            () = cancel.cancelled() => {
                check.abort();
                Err("stopped during the tool check".into())
            }
        },
        None => Ok(()),
    };
    let media_cfg = match platform {
        Platform::Kick => cfg.clone(),
        Platform::Twitch => super::twitch_sources::twitch_media_config(cfg, &setup.slug),
    };
    let media = Media::new(
        &media_cfg,
        setup.data_dir.clone(),
        &setup.slug,
        store.clone(),
        requests.clone(),
        tools,
    );
    feed.send(media.announce());
    let engine = Engine {
        core: Core::new(cfg, OffsetBase::StreamStart),
        // What the dashboard's title says.
        channel: setup.channel_label(),
        sessions: Sessions::new(store.clone(), &setup.slug, platform.as_str()),
        store: store.clone(),
        feed: feed.clone(),
        media,
        capture,
        api: requests.clone(),
        summary: Summary::default(),
        viewers: None,
        live_state: Default::default(),
        dropped_writes: 0,
        building: None,
        clip_when_final: None,
        spike_window_ms: i64::from(cfg.chat.window_seconds) * 1000,
        engage: super::engage::EngageHook::new(
            cfg,
            &setup.data_dir,
            &bandit_key(platform, &setup.slug),
            crate::time::wall_now(),
        )
        .with_recovered(recovered),
        advisor_chat: copilot.chat_lines,
        wake: Default::default(),
    };
    let inputs = Inputs {
        source,
        chat_state,
        api: news,
        commands: copilot.commands,
    };
    let end = engine.run(inputs, cancel).await;

    if let Some(alerts) = alerts {
        let notes = feed.clone();
        alerts
            .drain(ALERTS_AT_QUIT, move |line| notes.send(Update::Note(line)))
            .await;
    }
    tasks.cancel();
    stop_tasks(source_tasks, STOP_LIMIT).await;
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

/// The channel's entry in `bandit_state.json`: Kick channels by name (as always), Twitch ones
/// as `twitch:name`, so a Kick and a Twitch channel of the same name learn apart.
fn bandit_key(platform: Platform, slug: &str) -> String {
    match platform {
        Platform::Kick => slug.to_string(),
        Platform::Twitch => format!("twitch:{slug}"),
    }
}

/// The chat voice posts through Kick's API: on a Twitch channel it would post to another
/// platform's chat, so it is turned off there (`true`: it was on).
fn kick_only_chat_voice(cfg: &mut Config, platform: Platform) -> bool {
    let off = cfg.bot.enabled && platform == Platform::Twitch;
    if off {
        cfg.bot.enabled = false;
    }
    off
}

#[cfg(test)]
mod chat_voice_tests {
    use super::*;

    #[test]
    fn the_chat_voice_is_kick_only() {
        let mut cfg = Config::default();
        cfg.bot.enabled = true;
        let (mut twitch, mut kick) = (cfg.clone(), cfg);
        let off = kick_only_chat_voice(&mut twitch, Platform::Twitch);
        assert!(off && !twitch.bot.enabled);
        let off = kick_only_chat_voice(&mut kick, Platform::Kick);
        assert!(!off && kick.bot.enabled);
    }
}

#[cfg(test)]
#[test]
fn kick_and_twitch_channels_of_one_name_learn_apart() {
    assert_eq!(bandit_key(Platform::Kick, "nova"), "nova");
    assert_eq!(bandit_key(Platform::Twitch, "nova"), "twitch:nova");
}
