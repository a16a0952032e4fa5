//! Twitch's sources for a live run: the IRC chat task and the status actor, both supervised
//! (a panic restarts them with backoff), feeding the engine the same channels as Kick's.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::channel::ApiRequest;
use super::feed::Feed;
use super::live::LiveSetup;
use super::sources::{SOURCE_QUEUE, Sources};
use super::stream_probe::StreamProbe;
use super::supervised::{forward, publish_last, tell};
use super::twitch_status::TwitchStatus;
use crate::config::Config;
use crate::source::twitch::{TwitchOptions, TwitchSource};
use crate::source::{ChatState, SourceMsg};
use crate::supervise::{Restart, spawn_supervised};
use crate::twitchapi::Helix;

/// The config the recorder and the stream probe use for a Twitch channel: `[twitch]
/// stream_url` for `login`, and no playback URL from an API (Helix has none).
pub fn twitch_media_config(cfg: &Config, login: &str) -> Config {
    let mut c = cfg.clone();
    c.recorder.stream_url = cfg.twitch.stream_url_for(login);
    c.recorder.use_playback_url = false;
    c
}

impl Sources {
    /// Twitch: anonymous IRC chat and the status actor (Helix, the stream probe, or
    /// `assume_live`).
    pub fn start_twitch(
        setup: &LiveSetup,
        capture: bool,
        feed: &Feed,
        cancel: &CancellationToken,
    ) -> Sources {
        let cfg = &setup.cfg;
        let login = setup.slug.as_str();
        let (news_tx, news) = mpsc::channel(64);
        let (requests, req_rx) = mpsc::channel(16);
        let media = twitch_media_config(cfg, login);
        let status = TwitchStatus {
            login: login.to_string(),
            helix: Helix::new(&cfg.twitch).map(Arc::new),
            probe: cfg.recorder.probe_live.then(|| {
                StreamProbe::from_config(&media.recorder, login).with_url_key("[twitch] stream_url")
            }),
            assume_live: cfg.twitch.assume_live,
            poll_every: std::time::Duration::from_secs(u64::from(
                cfg.recorder.poll_interval_seconds,
            )),
            news: news_tx,
            feed: feed.clone(),
            unknown_said: false,
            helix_refused: false,
            unknown_shown: false,
        };
        let status = supervised_status(status, req_rx, feed.clone(), cancel.clone());

        let (source_tx, source) = mpsc::channel(SOURCE_QUEUE);
        let (state_tx, chat_state) = watch::channel(ChatState::Connecting { attempt: 0 });
        let opts = TwitchOptions::from_config(&cfg.twitch, login, capture);
        let chat = supervised_chat(opts, source_tx, state_tx, feed.clone(), cancel.clone());
        Sources {
            source,
            chat_state,
            news,
            requests,
            tasks: vec![("chat task", chat), ("twitch status", status)],
        }
    }
}

fn supervised_status(
    status: TwitchStatus,
    requests: mpsc::Receiver<ApiRequest>,
    feed: Feed,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    // Every run takes the queue in turn; a run that panics lets go of it.
    let requests = Arc::new(Mutex::new(requests));
    let run_cancel = cancel.clone();
    let make = move || {
        let run = status.clone().run(requests.clone(), run_cancel.clone());
        let cancel = run_cancel.clone();
        async move {
            run.await;
            cancel.cancelled().await;
        }
    };
    spawn_supervised(
        "twitch status",
        cancel,
        Restart::default(),
        make,
        tell(feed, "Twitch status actor"),
    )
}

fn supervised_chat(
    opts: TwitchOptions,
    tx: mpsc::Sender<SourceMsg>,
    state: watch::Sender<ChatState>,
    feed: Feed,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    let state = Arc::new(state);
    let run_cancel = cancel.clone();
    let make = move || {
        // Each run has its own state watch, forwarded to the engine's one.
        let (state_tx, state_rx) = watch::channel(state.borrow().clone());
        let run = TwitchSource::new(opts.clone(), tx.clone(), state_tx).run(run_cancel.clone());
        let (state, cancel) = (state.clone(), run_cancel.clone());
        async move {
            let last = state_rx.clone();
            tokio::select! {
                exit = run => tracing::info!("twitch chat ended: {exit:?}"),
                () = async { forward(state_rx, &state).await; std::future::pending().await } => {}
            }
            // The last state may not have been forwarded yet.
            publish_last(&last, &state);
            cancel.cancelled().await;
        }
    };
    spawn_supervised(
        "chat task",
        cancel,
        Restart::default(),
        make,
        tell(feed, "chat task"),
    )
}
