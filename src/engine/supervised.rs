//! The chat task and the channel actor under [`spawn_supervised`]: a panic is logged, shown
//! to the front ends, and the task starts again with backoff while everything else (the
//! engine, the recording) goes on. A task that returns stopped on purpose (cancelled, or Kick
//! refused the app key and the state says so) and is not restarted.
//!
//! Each run gets its own state / ids watch and request queue, forwarded to the ones the engine
//! holds: a dead run takes its ends with it, the engine's stay.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::channel::{ApiRequest, ChannelActor, ChatIds};
use super::chat::ChatTask;
use super::feed::Feed;
use super::update::Update;
use crate::supervise::{Ended, Restart, spawn_supervised};

/// For tests through the binary: `KICKTUI_FAULT=chat_panic:FILE` panics the first chat run
/// once FILE exists.
const FAULT_ENV: &str = "KICKTUI_FAULT";

pub(super) fn tell(feed: Feed, name: &'static str) -> impl FnMut(&Ended, Duration) + Send {
    move |ended, delay| {
        let why = match ended {
            Ended::Panicked(why) => format!("crashed ({why})"),
            Ended::Returned => "stopped".into(),
        };
        feed.send(Update::Note(format!(
            "The {name} {why}; restarting in {} s",
            delay.as_secs().max(1)
        )));
    }
}

/// Forwards every change of `inner` to `outer` until `inner`'s sender is gone.
pub(super) async fn forward<T: Clone>(mut inner: watch::Receiver<T>, outer: &watch::Sender<T>) {
    while inner.changed().await.is_ok() {
        outer.send_replace(inner.borrow_and_update().clone());
    }
}

/// Hands `outer` the run's last value if forwarding has not yet (a run ending at once).
pub(super) fn publish_last<T: Clone + PartialEq>(
    last: &watch::Receiver<T>,
    outer: &watch::Sender<T>,
) {
    let value = last.borrow().clone();
    outer.send_if_modified(|v| {
        let changed = *v != value;
        *v = value;
        changed
    });
}

pub fn chat(task: ChatTask, feed: Feed, cancel: CancellationToken) -> JoinHandle<()> {
    let ChatTask {
        pusher_url,
        config_path,
        capture,
        ids,
        api,
        tx,
        state,
        transport,
        centrifugo_url,
        centrifugo_token_url,
        refused_wait,
    } = task;
    let state = Arc::new(state);
    let mut fault = crate::supervise::fault_env()
        .and_then(|v| Some(PathBuf::from(v.strip_prefix("chat_panic:")?)));
    let run_cancel = cancel.clone();
    let make = move || {
        let (state_tx, state_rx) = watch::channel(state.borrow().clone());
        let run = ChatTask {
            pusher_url: pusher_url.clone(),
            config_path: config_path.clone(),
            capture,
            ids: ids.clone(),
            api: api.clone(),
            tx: tx.clone(),
            state: state_tx,
            transport,
            centrifugo_url: centrifugo_url.clone(),
            centrifugo_token_url: centrifugo_token_url.clone(),
            refused_wait,
        }
        .run(run_cancel.clone());
        let (state, cancel) = (state.clone(), run_cancel.clone());
        let panic_after = fault.take();
        async move {
            let last = state_rx.clone();
            let watch_state = async {
                if let Some(trigger) = panic_after {
                    let forwarding = forward(state_rx, &state);
                    tokio::pin!(forwarding);
                    while !trigger.exists() {
                        tokio::select! {
                            () = &mut forwarding => break,
                            () = tokio::time::sleep(Duration::from_millis(100)) => {}
                        }
                    }
                    panic!("injected by {FAULT_ENV}");
                }
                forward(state_rx, &state).await;
                std::future::pending::<()>().await;
            };
            tokio::select! {
                exit = run => tracing::info!("chat task ended: {exit:?}"),
                () = watch_state => {}
            }
            // The last state (e.g. why chat stopped) may not have been forwarded yet.
            publish_last(&last, &state);
            // On purpose: stays stopped until kicktui stops.
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

pub fn channel_actor(
    actor: ChannelActor,
    mut requests: mpsc::Receiver<ApiRequest>,
    feed: Feed,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    let ChannelActor {
        api,
        slug,
        store,
        ids: _,
        user_channel_id,
        user_chatroom_id,
        poll_every,
        ids_tx,
        news,
        probe,
    } = actor;
    let ids_tx = Arc::new(ids_tx);
    // The engine's and the chat task's request queue outlives every run; a request waits
    // for the first run's queue.
    let (current, mut slot) = watch::channel::<Option<mpsc::Sender<ApiRequest>>>(None);
    let stop = cancel.clone();
    tokio::spawn(async move {
        loop {
            let req = tokio::select! {
                r = requests.recv() => r,
                () = stop.cancelled() => None,
            };
            let Some(req) = req else { return };
            let tx = match slot.wait_for(Option::is_some).await {
                Ok(tx) => tx.clone(),
                Err(_) => return,
            };
            if let Some(tx) = tx {
                let _ = tx.send(req).await;
            }
        }
    });
    let run_cancel = cancel.clone();
    let make = move || {
        let (req_tx, req_rx) = mpsc::channel(16);
        current.send_replace(Some(req_tx));
        let known: Option<ChatIds> = *ids_tx.borrow();
        let (inner_tx, inner_rx) = watch::channel(known);
        let run = ChannelActor {
            api: api.clone(),
            slug: slug.clone(),
            store: store.clone(),
            ids: known,
            user_channel_id,
            user_chatroom_id,
            poll_every,
            ids_tx: inner_tx,
            news: news.clone(),
            probe: probe.clone(),
        }
        .run(req_rx, run_cancel.clone());
        let (outer, cancel) = (ids_tx.clone(), run_cancel.clone());
        async move {
            tokio::select! {
                () = run => {}
                () = async { forward(inner_rx, &outer).await; std::future::pending().await } => {}
            }
            cancel.cancelled().await;
        }
    };
    spawn_supervised(
        "channel actor",
        cancel,
        Restart::default(),
        make,
        tell(feed, "channel actor"),
    )
}
