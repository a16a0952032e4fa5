//! Alerts: Discord, a generic JSON webhook and a command, each with the events it asked for
//! (`[alerts]`). The notifier is one more subscriber of the engine's feed; each target has its
//! own bounded queue and worker, so a slow or failing target never holds up the engine, the
//! other targets, or the next update.

pub mod alert;
pub mod deliver;
pub mod secret;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
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
/// At quit, a wait longer than this is said.
const QUIET_WAIT: Duration = Duration::from_secs(1);

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
pub fn start(cfg: &Alerts, feed: &Feed, cancel: CancellationToken) -> Option<Notifier> {
    spawn(targets(cfg), feed, Backoff::default(), cancel)
}

/// Supervised: a panic restarts it (with a fresh subscription: alerts in flight may be lost,
/// never repeated wrongly).
pub fn spawn(
    targets: Vec<(Target, Vec<String>)>,
    feed: &Feed,
    backoff: Backoff,
    cancel: CancellationToken,
) -> Option<Notifier> {
    if targets.is_empty() {
        return None;
    }
    for (t, events) in &targets {
        tracing::info!("alerts: {t} gets {}", events.join(", "));
    }
    let queues: Vec<Queue> = targets
        .iter()
        .map(|(t, _)| Queue {
            label: t.to_string(),
            waiting: Arc::new(AtomicUsize::new(0)),
        })
        .collect();
    let quit = CancellationToken::new();
    let (done_tx, done) = watch::channel(false);
    let feed = feed.clone();
    let stop = cancel.clone();
    // The first subscription is taken now: nothing published after `spawn` returns is missed.
    // With the view as of that moment: what the subscription brings comes after it.
    let subscribe = move |feed: &Feed| {
        let mut rx = feed.subscribe();
        let view = rx.view();
        (rx, view)
    };
    let mut first = Some(subscribe(&feed));
    let shared = (queues.clone(), quit.clone(), Arc::new(done_tx));
    let make = move || {
        let (rx, view) = first.take().unwrap_or_else(|| subscribe(&feed));
        let (targets, cancel) = (targets.clone(), stop.clone());
        let (queues, quit, done) = shared.clone();
        let ends = Ends { cancel, quit, done };
        async move {
            run(
                rx,
                view,
                targets.into_iter().zip(queues).collect(),
                backoff,
                ends,
            )
            .await
        }
    };
    spawn_supervised(TASK, cancel, Restart::default(), make, |_, _| {});
    Some(Notifier { quit, done, queues })
}

/// How the lines of [`Notifier::drain`] start (a closed TUI prints them).
pub const DRAIN_PREFIX: &str = "Alerts:";

/// A front end's note into the log: the alerts' last words at quit (waiting, lost) as a
/// warning, as they were when the alerts logged them; the rest as information. The SHOWN
/// target: headless stderr does not repeat what stdout just said.
pub fn log_note(line: &str) {
    if line.starts_with(DRAIN_PREFIX) {
        tracing::warn!(target: crate::logging::SHOWN, "{line}");
    } else {
        tracing::info!("{line}");
    }
}

/// The live engine's hold on the notifier: at quit the alerts already due still go out.
pub struct Notifier {
    quit: CancellationToken,
    done: watch::Receiver<bool>,
    queues: Vec<Queue>,
}

impl Notifier {
    /// Whether every worker has sent what it held within `limit`.
    async fn sent_within(&mut self, limit: Duration) -> bool {
        tokio::time::timeout(limit, self.done.wait_for(|d| *d))
            .await
            .is_ok()
    }

    /// Sends what the engine published before it ended (the last clips' `clip_ready`), for up
    /// to `limit`; then says, per target, what was not sent. `say` puts a line on the
    /// screen (after the TUI has closed, the log alone would leave the wait unexplained).
    pub async fn drain(mut self, limit: Duration, say: impl Fn(String)) {
        self.quit.cancel();
        // Usually done at once; a wait the user would notice is said.
        let quick = QUIET_WAIT.min(limit);
        if self.sent_within(quick).await {
            return;
        }
        let rest = limit - quick;
        let line = format!(
            "{DRAIN_PREFIX} sending the last ones (up to {} s in all)…",
            limit.as_secs()
        );
        // The front end logs what it is told to say (once; this logged it twice).
        say(line);
        if self.sent_within(rest).await {
            return;
        }
        for q in &self.queues {
            match q.waiting.load(Ordering::Relaxed) {
                0 => {}
                n => {
                    let line = format!(
                        "{DRAIN_PREFIX} {n} not sent to {}: kicktui quit before they went out \
                         (earlier failed tries are in the log)",
                        q.label
                    );
                    say(line);
                }
            }
        }
    }
}

/// A target's count of alerts queued or being sent.
#[derive(Clone)]
struct Queue {
    label: String,
    waiting: Arc<AtomicUsize>,
}

struct Worker {
    events: Vec<String>,
    queue: Queue,
    tx: mpsc::Sender<Alert>,
}

/// How a run ends: `cancel` stops everything at once; `quit` sends what is due first, then
/// sets `done`.
struct Ends {
    cancel: CancellationToken,
    quit: CancellationToken,
    done: Arc<watch::Sender<bool>>,
}

/// The client alerts are posted with (the tests post with it too).
pub fn http_client() -> reqwest::Client {
    // Some webhook hosts refuse a request that says nothing of its sender.
    reqwest::Client::builder()
        .user_agent(concat!("kicktui/", env!("CARGO_PKG_VERSION")))
        // A host that cannot be reached is a plain failure (retried in full), not a request
        // that may have arrived.
        .connect_timeout(std::time::Duration::from_secs(10))
        // A webhook URL is where the alert goes; a redirect loop made 55 requests an alert.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

async fn run(
    mut feed: FeedRx,
    mut view: View,
    targets: Vec<((Target, Vec<String>), Queue)>,
    backoff: Backoff,
    ends: Ends,
) {
    let http = http_client();
    // A run after a panic starts with empty queues: what the last one held is gone.
    for (_, q) in &targets {
        q.waiting.store(0, Ordering::Relaxed);
    }
    // The workers end with this run (a restart starts fresh ones).
    let run = ends.cancel.child_token();
    let _stop = run.clone().drop_guard();
    let mut handles = Vec::new();
    let workers: Vec<Worker> = targets
        .into_iter()
        .map(|((target, events), queue)| {
            let (tx, mut rx) = mpsc::channel::<Alert>(QUEUE);
            let (http, run, waiting) = (http.clone(), run.clone(), queue.waiting.clone());
            handles.push(tokio::spawn(crate::supervise::scoped(TASK, async move {
                loop {
                    let alert = tokio::select! {
                        a = rx.recv() => match a { Some(a) => a, None => break },
                        () = run.cancelled() => break,
                    };
                    tokio::select! {
                        _ = deliver::deliver(&http, &target, &alert, backoff) => {}
                        () = run.cancelled() => break,
                    }
                    done_one(&waiting);
                }
            })));
            Worker { events, queue, tx }
        })
        .collect();
    loop {
        let u = tokio::select! {
            u = feed.recv() => match u { Some(u) => u, None => break },
            () = run.cancelled() => return,
            // The engine has ended: what it published is already queued on `feed`.
            () = ends.quit.cancelled() => match feed.try_recv() { Some(u) => u, None => break },
        };
        let pending = alert::from_update(&view, &u);
        view.apply(&u);
        let Some(pending) = pending else { continue };
        let alert = alert::complete(pending).await;
        for w in &workers {
            if !w.events.iter().any(|e| e == alert.event) {
                continue;
            }
            w.queue.waiting.fetch_add(1, Ordering::Relaxed);
            if w.tx.try_send(alert.clone()).is_err() {
                done_one(&w.queue.waiting);
                tracing::warn!(
                    "alerts: {} is behind; a {} alert was skipped",
                    w.queue.label,
                    alert.event
                );
            }
        }
    }
    // Closed queues: each worker sends what it holds, then ends.
    drop(workers);
    for h in handles {
        let _ = h.await;
    }
    ends.done.send_replace(true);
    run.cancelled().await;
}

/// Never below zero, even if a restarted run's reset races an old worker's last count.
fn done_one(waiting: &AtomicUsize) {
    let _ = waiting.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
        Some(n.saturating_sub(1))
    });
}
