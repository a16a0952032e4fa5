//! The engine's side of the front-end channel. Snapshots are best effort (a slow front end
//! just sees fewer); everything else (moments, state changes) is queued locally when the
//! channel is full and handed over as room appears, so the engine never waits on a slow
//! terminal and never loses a moment.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use super::update::Update;

/// Beyond this many waiting updates, only moments are still kept.
const MAX_PENDING: usize = 4096;

pub struct Front {
    tx: mpsc::Sender<Update>,
    pending: VecDeque<Update>,
    dropped: u64,
}

impl Front {
    pub fn new(tx: mpsc::Sender<Update>) -> Front {
        Front {
            tx,
            pending: VecDeque::new(),
            dropped: 0,
        }
    }

    /// The latest state; skipped while the front end is behind.
    pub fn snapshot(&mut self, u: Update) {
        if self.pending.is_empty() {
            let _ = self.tx.try_send(u);
        }
    }

    /// An update the front end must see, in order.
    pub fn send(&mut self, u: Update) {
        if !self.pending.is_empty() {
            self.queue(u);
            return;
        }
        match self.tx.try_send(u) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(u)) => self.queue(u),
        }
    }

    fn queue(&mut self, u: Update) {
        if self.pending.len() >= MAX_PENDING && !matches!(u, Update::Moment { .. }) {
            self.dropped += 1;
            if self.dropped.is_power_of_two() {
                tracing::warn!("front end is behind: {} updates dropped", self.dropped);
            }
            return;
        }
        self.pending.push_back(u);
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Waits for room and hands over the oldest waiting update (for the engine's select).
    pub async fn drain_one(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        match self.tx.reserve().await {
            Ok(permit) => {
                if let Some(u) = self.pending.pop_front() {
                    permit.send(u);
                }
            }
            // No front end any more: nothing to hand over.
            Err(_) => self.pending.clear(),
        }
    }

    /// At shutdown: everything waiting, but never longer than `limit`.
    pub async fn flush(&mut self, limit: Duration) {
        let _ = tokio::time::timeout(limit, async {
            while self.has_pending() {
                self.drain_one().await;
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_channel_keeps_important_updates_in_order() {
        let (tx, mut rx) = mpsc::channel(1);
        let mut f = Front::new(tx);
        f.send(Update::WaitingForLive);
        f.send(Update::Note("a".into()));
        f.snapshot(Update::ApiOk);
        f.send(Update::Note("b".into()));
        assert!(f.has_pending());
        assert_eq!(rx.recv().await, Some(Update::WaitingForLive));
        f.drain_one().await;
        assert_eq!(rx.recv().await, Some(Update::Note("a".into())));
        f.flush(Duration::from_secs(1)).await;
        assert_eq!(rx.recv().await, Some(Update::Note("b".into())));
        assert!(!f.has_pending());
    }
}
