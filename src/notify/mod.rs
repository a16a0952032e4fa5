//! Alerts: Discord, a generic JSON webhook and a command, each with the events it asked for
//! (`[alerts]`). The notifier is one more subscriber of the engine's feed; each target has its
//! own bounded queue and worker, so a slow or failing target never holds up the engine, the
//! other targets, or the next update.

pub mod alert;
pub mod deliver;
pub mod secret;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Alerts;
use crate::engine::feed::{Feed, FeedRx};
use crate::engine::view::View;
use crate::supervise::{Restart, spawn_supervised};
use alert::Alert;
pub use deliver::{Backoff, Target};
use secret::SecretUrl;

pub const TASK: &str = "notifier";
/// Alerts a target may have waiting; more are skipped (with a line).
const QUEUE: usize = 64;

/// The targets `[alerts]` configures, each with its events.
pub fn targets(cfg: &Alerts) -> Vec<(Target, Vec<String>)> {
    let mut out = Vec::new();
    if let Some(u) = SecretUrl::new(&cfg.discord_webhook) {
        out.push((Target::Discord(u), cfg.discord_events.clone()));
    }
    if let Some(u) = SecretUrl::new(&cfg.webhook_url) {
        out.push((Target::Webhook(u), cfg.webhook_events.clone()));
    }
    if !cfg.command.is_empty() {
        out.push((
            Target::Command(cfg.command.clone()),
            cfg.command_events.clone(),
        ));
    }
    out
}

/// From the live engine: the notifier when any target is configured.
pub fn start(cfg: &Alerts, feed: &Feed, cancel: CancellationToken) -> Option<JoinHandle<()>> {
    spawn(targets(cfg), feed, Backoff::default(), cancel)
}

/// Supervised: a panic restarts it (with a fresh subscription: alerts in flight may be lost,
/// never repeated wrongly).
pub fn spawn(
    targets: Vec<(Target, Vec<String>)>,
    feed: &Feed,
    backoff: Backoff,
    cancel: CancellationToken,
) -> Option<JoinHandle<()>> {
    if targets.is_empty() {
        return None;
    }
    for (t, events) in &targets {
        tracing::info!("alerts: {t} gets {}", events.join(", "));
    }
    let feed = feed.clone();
    let stop = cancel.clone();
    // The first subscription is taken now: nothing published after `spawn` returns is missed.
    // With the view as of that moment: what the subscription brings comes after it.
    let subscribe = move |feed: &Feed| {
        let rx = feed.subscribe();
        let view = rx.view();
        (rx, view)
    };
    let mut first = Some(subscribe(&feed));
    let make = move || {
        let (rx, view) = first.take().unwrap_or_else(|| subscribe(&feed));
        let (targets, cancel) = (targets.clone(), stop.clone());
        async move { run(rx, view, targets, backoff, cancel).await }
    };
    Some(spawn_supervised(
        TASK,
        cancel,
        Restart::default(),
        make,
        |_, _| {},
    ))
}

struct Worker {
    events: Vec<String>,
    label: String,
    tx: mpsc::Sender<Alert>,
}

async fn run(
    mut feed: FeedRx,
    mut view: View,
    targets: Vec<(Target, Vec<String>)>,
    backoff: Backoff,
    cancel: CancellationToken,
) {
    let http = reqwest::Client::new();
    // The workers end with this run (a restart starts fresh ones).
    let run = cancel.child_token();
    let _stop = run.clone().drop_guard();
    let workers: Vec<Worker> = targets
        .into_iter()
        .map(|(target, events)| {
            let (tx, mut rx) = mpsc::channel::<Alert>(QUEUE);
            let (http, run) = (http.clone(), run.clone());
            let label = target.to_string();
            tokio::spawn(crate::supervise::scoped(TASK, async move {
                loop {
                    let alert = tokio::select! {
                        a = rx.recv() => match a { Some(a) => a, None => break },
                        () = run.cancelled() => break,
                    };
                    tokio::select! {
                        _ = deliver::deliver(&http, &target, &alert, backoff) => {}
                        () = run.cancelled() => break,
                    }
                }
            }));
            Worker { events, label, tx }
        })
        .collect();
    loop {
        let u = tokio::select! {
            u = feed.recv() => match u { Some(u) => u, None => break },
            () = run.cancelled() => break,
        };
        let pending = alert::from_update(&view, &u);
        view.apply(&u);
        let Some(pending) = pending else { continue };
        let alert = alert::complete(pending).await;
        for w in &workers {
            if !w.events.iter().any(|e| e == alert.event) {
                continue;
            }
            if w.tx.try_send(alert.clone()).is_err() {
                tracing::warn!(
                    "alerts: {} is behind; a {} alert was skipped",
                    w.label,
                    alert.event
                );
            }
        }
    }
    // The engine is gone: let the queued alerts go out until cancelled.
    drop(workers);
    run.cancelled().await;
}
