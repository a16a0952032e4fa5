//! The engine's fan-out: every update goes to any number of subscribers (the TUI, the
//! headless printer, the metrics server, the notifier) through a `broadcast`, and the latest
//! [`View`] sits in a `watch`. Publishing never waits: a subscriber that falls behind loses
//! the updates it missed and gets [`Update::Resync`] with the whole view instead, then the
//! updates still buffered, except the state the view already folded in (each update is
//! numbered; the view knows its last): a donation is not shown twice, but a note, a clip or
//! a live alert still comes.

use tokio::sync::{broadcast, mpsc, watch};

use super::update::Update;
use super::view::View;

/// Updates a subscriber may be behind before it has to resync.
pub const FEED_CAPACITY: usize = 4096;

/// The engine's side.
#[derive(Clone)]
pub struct Feed {
    view: watch::Sender<View>,
    tx: broadcast::Sender<(u64, Update)>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed::new()
    }
}

impl Feed {
    pub fn new() -> Feed {
        let (tx, _) = broadcast::channel(FEED_CAPACITY);
        Feed {
            view: watch::Sender::new(View::default()),
            tx,
        }
    }

    /// Subscribe before the engine starts to see everything from the first update on.
    pub fn subscribe(&self) -> FeedRx {
        FeedRx {
            view: self.view.subscribe(),
            rx: self.tx.subscribe(),
            held: 0,
        }
    }

    /// The latest view (for a new client's snapshot and `/api/state`).
    pub fn view(&self) -> watch::Receiver<View> {
        self.view.subscribe()
    }

    /// Hands an update to every subscriber; never waits.
    pub fn send(&self, u: Update) {
        // The view follows quietly: subscribers read it when they need it.
        let mut seq = 0;
        self.view.send_if_modified(|v| {
            v.apply(&u);
            v.seq += 1;
            seq = v.seq;
            false
        });
        // No subscriber is not an error: headless tests and tools run without one.
        let _ = self.tx.send((seq, u));
    }

    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}

/// A subscriber's side.
pub struct FeedRx {
    view: watch::Receiver<View>,
    rx: broadcast::Receiver<(u64, Update)>,
    /// The last update the resync's view held: of the ones the broadcast still replays up to
    /// it, the state it folded in is skipped (a donation shown twice, offsets moved twice).
    held: u64,
}

impl FeedRx {
    /// The next update; after falling behind, the whole view. `None` once the engine is gone
    /// and everything it sent was read.
    pub async fn recv(&mut self) -> Option<Update> {
        loop {
            match self.rx.recv().await {
                Ok((seq, u)) if self.already_held(seq, &u) => {}
                Ok((_, u)) => return Some(u),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::debug!("a front end fell {n} updates behind; it resyncs");
                    return Some(self.resync());
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Replayed state the last view already folded in.
    fn already_held(&self, seq: u64, u: &Update) -> bool {
        seq <= self.held && u.folded_by_view()
    }

    fn resync(&mut self) -> Update {
        Update::Resync(Box::new(self.view()))
    }

    /// The latest view, for a subscriber that starts from it: the state it folded in that the
    /// subscription also brings (sent between subscribing and this) is not delivered twice.
    pub fn view(&mut self) -> View {
        let view = self.view.borrow().clone();
        self.held = view.seq;
        view
    }

    /// An update already sent, without waiting (`None`: none is waiting, or the feed ended).
    pub fn try_recv(&mut self) -> Option<Update> {
        use broadcast::error::TryRecvError;
        loop {
            match self.rx.try_recv() {
                Ok((seq, u)) if self.already_held(seq, &u) => {}
                Ok((_, u)) => return Some(u),
                Err(TryRecvError::Lagged(_)) => return Some(self.resync()),
                Err(TryRecvError::Empty | TryRecvError::Closed) => return None,
            }
        }
    }

    /// For front ends that read an `mpsc` (the TUI loop, the printer thread): a task moves
    /// updates over, waiting on the front end, never on the engine.
    pub fn into_mpsc(mut self, capacity: usize) -> mpsc::Receiver<Update> {
        let (tx, rx) = mpsc::channel(capacity);
        tokio::spawn(async move {
            while let Some(u) = self.recv().await {
                if tx.send(u).await.is_err() {
                    break;
                }
            }
        });
        rx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::update::Snapshot;

    #[tokio::test]
    async fn every_subscriber_gets_every_update_in_order() {
        let feed = Feed::new();
        let mut a = feed.subscribe();
        let mut b = feed.subscribe();
        feed.send(Update::WaitingForLive);
        feed.send(Update::Note("x".into()));
        drop(feed);
        for rx in [&mut a, &mut b] {
            assert_eq!(rx.recv().await, Some(Update::WaitingForLive));
            assert_eq!(rx.recv().await, Some(Update::Note("x".into())));
            assert_eq!(rx.recv().await, None);
        }
    }

    #[tokio::test]
    async fn a_slow_subscriber_resyncs_and_never_holds_up_the_engine() {
        let feed = Feed::new();
        let mut slow = feed.subscribe();
        let mut fast = feed.subscribe();
        for i in 0..(FEED_CAPACITY as u64 + 10) {
            feed.send(Update::Snapshot(Snapshot {
                chat_messages: i,
                ..Snapshot::default()
            }));
            // The fast one keeps up.
            assert!(matches!(fast.recv().await, Some(Update::Snapshot(_))));
        }
        match slow.recv().await {
            Some(Update::Resync(v)) => {
                assert_eq!(v.snapshot.chat_messages, FEED_CAPACITY as u64 + 9)
            }
            other => panic!("expected a resync, got {other:?}"),
        }
    }

    /// After a resync, the revenue points the broadcast still held are not replayed (the
    /// view has them: a donation would show twice); a note among them still comes (the view
    /// holds no notes), and so does the next new update.
    #[tokio::test]
    async fn a_resync_is_followed_only_by_what_its_view_did_not_fold_in() {
        let feed = Feed::new();
        let mut slow = feed.subscribe();
        for i in 0..(FEED_CAPACITY as u64 + 10) {
            feed.send(Update::Revenue(crate::engine::view::RevenuePoint {
                id: format!("p{i}"),
                ..Default::default()
            }));
        }
        feed.send(Update::Note("in the gap".into()));
        assert!(matches!(slow.recv().await, Some(Update::Resync(_))));
        assert_eq!(slow.recv().await, Some(Update::Note("in the gap".into())));
        assert_eq!(slow.try_recv(), None, "no revenue point twice");
        feed.send(Update::Note("after".into()));
        assert_eq!(slow.recv().await, Some(Update::Note("after".into())));
    }

    /// A subscriber that starts from the view (the metrics hub) does not get the state the
    /// view already holds a second time, when it was sent between subscribing and reading.
    #[tokio::test]
    async fn the_view_a_subscriber_starts_from_is_not_followed_by_its_own_state() {
        let feed = Feed::new();
        let mut rx = feed.subscribe();
        feed.send(Update::Revenue(crate::engine::view::RevenuePoint {
            id: "p1".into(),
            ..Default::default()
        }));
        feed.send(Update::Note("a note".into()));
        assert_eq!(rx.view().revenue.len(), 1);
        assert_eq!(rx.recv().await, Some(Update::Note("a note".into())));
        assert_eq!(rx.try_recv(), None, "p1 once, in the view");
    }
}
