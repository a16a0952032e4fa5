//! The fan-out to WebSocket clients. One task follows the engine's feed and keeps its own
//! [`View`]; each message is serialized once and offered to every client's bounded queue.
//! Offering never waits: a client whose queue is full has stopped reading and is dropped, so
//! neither the other clients nor the engine ever slow down.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::messages::{self, Context, History, Msg};
use super::recording::Tracker;
use crate::engine::feed::FeedRx;
use crate::engine::update::Update;
use crate::engine::view::View;

/// One client's side of the hub.
pub struct Joined {
    pub id: u64,
    /// The snapshot, sent before anything from the queue.
    pub initial: Vec<Utf8Bytes>,
    pub rx: mpsc::Receiver<Utf8Bytes>,
    /// Cancelled when the hub drops this client.
    pub dropped: CancellationToken,
}

struct ClientTx {
    id: u64,
    tx: mpsc::Sender<Utf8Bytes>,
    dropped: CancellationToken,
}

/// Chart points kept for a new client: 30 minutes at one a tick (2 s).
pub const HISTORY_POINTS: usize = 900;

#[derive(Default)]
struct Inner {
    view: View,
    clients: Vec<ClientTx>,
    next_id: u64,
    last_context: Context,
    history: History,
    recording: Tracker,
}

pub struct Hub {
    inner: Mutex<Inner>,
    queue: usize,
    /// Connected clients, shared with the server's handle (it outlives a restarted hub).
    count: Arc<watch::Sender<usize>>,
}

fn encode(m: &Msg) -> Option<Utf8Bytes> {
    match serde_json::to_string(m) {
        Ok(s) => Some(Utf8Bytes::from(s)),
        Err(e) => {
            tracing::warn!("metrics: cannot encode a message: {e}");
            None
        }
    }
}

impl Hub {
    pub fn new(view: View, queue: usize, count: Arc<watch::Sender<usize>>) -> Hub {
        let last_context = messages::context_of(&view);
        let recording = Tracker::new(&view);
        Hub {
            inner: Mutex::new(Inner {
                view,
                last_context,
                recording,
                ..Inner::default()
            }),
            queue,
            count,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new client: the snapshot of the hub's own view, then every message after it (no
    /// gap, no duplicate: both are taken under the same lock).
    pub fn join(&self) -> Joined {
        let mut inner = self.lock();
        let history =
            (!inner.history.chat_velocity.is_empty()).then(|| Msg::History(inner.history.clone()));
        // Last, so the snapshot still opens with `stream_state` as it always has.
        let recording = inner.recording.current(&inner.view);
        let initial = messages::snapshot(&inner.view, recording)
            .iter()
            .chain(history.iter())
            .filter_map(encode)
            .collect();
        let (tx, rx) = mpsc::channel(self.queue);
        let dropped = CancellationToken::new();
        let id = inner.next_id;
        inner.next_id += 1;
        inner.clients.push(ClientTx {
            id,
            tx,
            dropped: dropped.clone(),
        });
        self.count.send_replace(inner.clients.len());
        Joined {
            id,
            initial,
            rx,
            dropped,
        }
    }

    pub fn leave(&self, id: u64) {
        let mut inner = self.lock();
        inner.clients.retain(|c| c.id != id);
        self.count.send_replace(inner.clients.len());
    }

    /// `GET /api/state`.
    pub fn state_json(&self) -> serde_json::Value {
        let inner = self.lock();
        messages::api_state(&inner.view, inner.recording.current(&inner.view))
    }

    /// Follows one update and sends what it brings.
    pub fn publish(&self, u: &Update) {
        let mut inner = self.lock();
        let mut out = match u {
            Update::Resync(v) => {
                let old = std::mem::replace(&mut inner.view, (**v).clone());
                messages::for_resync(&old, &inner.view)
            }
            _ => {
                inner.view.apply(u);
                messages::for_update(&inner.view, u)
            }
        };
        // A new activity, suggestion, stream or Kicks total goes out at once (the Kicks with
        // their `metrics_update`); the line's metrics wait for the tick.
        let context = messages::context_of(&inner.view);
        let last = &inner.last_context;
        let new_stream = context.session != last.session;
        if new_stream
            || context.kicks_today != last.kicks_today
            || (&context.activity, &context.suggestion) != (&last.activity, &last.suggestion)
        {
            // Before a resync's donations: a page clears its money when the session changes.
            let at = if new_stream { 0 } else { out.len() };
            out.insert(at, Msg::Context(context.clone()));
            inner.last_context = context;
        }
        // A new state or part at once; its size and rate with the tick.
        let Inner {
            view, recording, ..
        } = &mut *inner;
        out.extend(recording.on_update(view, crate::time::wall_now()));
        Self::send(&mut inner, &out, &self.count);
    }

    /// Every 2 s: `stream_state` and `metrics_update`, `context` if its line changed and
    /// `recording` if anything of it did.
    pub fn tick(&self) {
        let mut inner = self.lock();
        let state = messages::stream_state(&inner.view);
        if let Msg::StreamState(s) = &state {
            let h = &mut inner.history;
            for (points, v) in [
                (&mut h.chat_velocity, s.chat_velocity),
                (&mut h.engagement_score, s.engagement_score),
            ] {
                points.push(v);
                if points.len() > HISTORY_POINTS {
                    points.remove(0);
                }
            }
        }
        let mut out = vec![state, messages::metrics(&inner.view)];
        let context = messages::context_of(&inner.view);
        if context != inner.last_context {
            out.push(Msg::Context(context.clone()));
            inner.last_context = context;
        }
        let Inner {
            view, recording, ..
        } = &mut *inner;
        out.extend(recording.on_tick(view, crate::time::wall_now()));
        Self::send(&mut inner, &out, &self.count);
    }

    fn send(inner: &mut Inner, msgs: &[Msg], count: &watch::Sender<usize>) {
        if msgs.is_empty() || inner.clients.is_empty() {
            return;
        }
        let encoded: Vec<Utf8Bytes> = msgs.iter().filter_map(encode).collect();
        let before = inner.clients.len();
        inner.clients.retain(|c| {
            for m in &encoded {
                match c.tx.try_send(m.clone()) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        tracing::info!("metrics: a client stopped reading; dropped it");
                        c.dropped.cancel();
                        return false;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => return false,
                }
            }
            true
        });
        if inner.clients.len() != before {
            count.send_replace(inner.clients.len());
        }
    }

    /// Follows the feed until `cancel`; ticks every `tick`. After the engine is gone the last
    /// state is still served.
    pub async fn run(
        &self,
        mut feed: FeedRx,
        tick: Duration,
        inspect: Option<fn(&Update)>,
        cancel: CancellationToken,
    ) {
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + tick, tick);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut open = true;
        loop {
            tokio::select! {
                u = feed.recv(), if open => match u {
                    Some(u) => {
                        if let Some(f) = inspect {
                            f(&u);
                        }
                        self.publish(&u);
                    }
                    None => open = false,
                },
                _ = every.tick() => self.tick(),
                () = cancel.cancelled() => break,
            }
        }
        // Tell the clients to close.
        for c in self.lock().clients.drain(..) {
            c.dropped.cancel();
        }
        self.count.send_replace(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::update::Update;

    fn snapshot(line: &str, suggestion: &str) -> Update {
        let mut view = View::default();
        view.snapshot.engage.context = Some(line.into());
        view.snapshot.engage.suggestion = Some(suggestion.into());
        Update::Snapshot(view.snapshot)
    }

    fn types(rx: &mut mpsc::Receiver<Utf8Bytes>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(m) = rx.try_recv() {
            let v: serde_json::Value = serde_json::from_str(m.as_str()).unwrap_or_default();
            out.push(v["type"].as_str().unwrap_or("?").to_string());
        }
        out
    }

    /// The line carries the chat rate, so it changes every second: it rides the 2 s tick,
    /// while a new suggestion goes out at once.
    #[test]
    fn context_goes_out_at_once_for_a_suggestion_and_with_the_tick_for_the_line() {
        let hub = Hub::new(View::default(), 64, Arc::new(watch::channel(0).0));
        let mut joined = hub.join();
        hub.publish(&snapshot("12 msg/min", "talk"));
        assert!(types(&mut joined.rx).contains(&"context".to_string()));
        hub.publish(&snapshot("13 msg/min", "talk"));
        hub.publish(&snapshot("14 msg/min", "talk"));
        assert!(!types(&mut joined.rx).contains(&"context".to_string()));
        hub.tick();
        assert_eq!(
            types(&mut joined.rx),
            ["stream_state", "metrics_update", "context"]
        );
        hub.tick();
        assert_eq!(types(&mut joined.rx), ["stream_state", "metrics_update"]);
        // A new client gets the two ticks' chart points, after the rest of the snapshot.
        let late = hub.join();
        let last: serde_json::Value = late
            .initial
            .last()
            .and_then(|m| serde_json::from_str(m.as_str()).ok())
            .unwrap_or_default();
        assert_eq!(last["type"], "history");
        assert_eq!(
            last["data"]["chatVelocity"].as_array().map(Vec::len),
            Some(2)
        );
        hub.publish(&snapshot("14 msg/min", "gaming"));
        assert!(types(&mut joined.rx).contains(&"context".to_string()));
    }

    fn point(id: &str, cumulative: f64) -> Update {
        Update::Revenue(crate::engine::view::RevenuePoint {
            id: id.into(),
            cumulative,
            ..Default::default()
        })
    }

    /// A second stream in one run: its session goes out at once in `context`, and a page
    /// opened now sees none of the last stream's money.
    #[test]
    fn a_new_stream_is_told_at_once_and_starts_with_no_money() {
        let live = |session| Update::WentLive {
            at: crate::domain::Ts(0),
            title: None,
            session: Some(session),
            source: crate::kickapi::LiveSource::Api,
            resumed: false,
        };
        let hub = Hub::new(View::default(), 64, Arc::new(watch::channel(0).0));
        hub.publish(&live(1));
        hub.publish(&point("a", 5.0));
        let mut joined = hub.join();
        hub.publish(&live(2));
        let sent: Vec<serde_json::Value> = std::iter::from_fn(|| joined.rx.try_recv().ok())
            .filter_map(|m| serde_json::from_str(m.as_str()).ok())
            .collect();
        assert!(
            sent.iter()
                .any(|m| m["type"] == "context" && m["data"]["session"] == 2),
            "{sent:?}"
        );
        let state = hub.state_json();
        assert_eq!(state["revenue"], serde_json::json!([]), "{state}");
        assert_eq!(state["donations"], serde_json::json!([]), "{state}");
    }

    /// The hub fell behind the feed and resyncs: its clients get what the gap held (two
    /// donations and a moment), not only the state, and nothing they had already.
    #[test]
    fn a_resync_sends_what_the_gap_held_once() {
        let hub = Hub::new(View::default(), 64, Arc::new(watch::channel(0).0));
        let mut joined = hub.join();
        hub.publish(&point("a", 5.0));
        types(&mut joined.rx);
        let mut ahead = View::default();
        for u in [&point("a", 5.0), &point("b", 7.0), &point("c", 9.0)] {
            ahead.apply(u);
        }
        let mut m = crate::engine::core::Core::new(
            &crate::config::Config::default(),
            crate::engine::core::OffsetBase::FirstEvent,
        )
        .mark(crate::domain::Ts(60_000), None);
        m.score = 3.0;
        ahead.apply(&Update::Moment {
            id: Some(4),
            moment: m,
        });
        hub.publish(&Update::Resync(Box::new(ahead)));
        assert_eq!(
            types(&mut joined.rx),
            [
                "stream_state",
                "metrics_update",
                "revenue_point",
                "revenue_point",
                "donation",
                "donation",
                "moment"
            ]
        );
    }
}
