//! The Twitch live-status actor: polls Helix and tells the engine what changed as ordinary
//! source events (`Live`, `Offline`, `Viewers`) on the chat's channel, and keeps the latest full
//! status in a `watch` (title and `started_at`, so offsets are stream uptime).

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::{Helix, HelixError};
use crate::domain::Event;
use crate::kickapi::LiveStatus;
use crate::source::SourceMsg;
use crate::time::wall_now;

/// Why [`HelixPoller::run`] returned.
#[derive(Clone, Debug, PartialEq)]
pub enum PollerExit {
    Cancelled,
    EngineGone,
    /// Helix said not to ask again (bad credentials, bad name): the error says what to fix.
    Stopped(HelixError),
}

pub struct HelixPoller {
    pub helix: Helix,
    pub login: String,
    pub poll_every: Duration,
}

impl HelixPoller {
    pub fn new(helix: Helix, login: &str, poll_every: Duration) -> HelixPoller {
        HelixPoller {
            helix,
            login: login.to_string(),
            poll_every,
        }
    }

    /// Polls until cancelled. Events go out on changes only (and `Viewers` on every live
    /// poll); a failed poll waits for the error's own delay and keeps the last status.
    pub async fn run(
        self,
        tx: mpsc::Sender<SourceMsg>,
        status: watch::Sender<Option<LiveStatus>>,
        cancel: CancellationToken,
    ) -> PollerExit {
        let mut was_live: Option<bool> = None;
        loop {
            let polled = tokio::select! {
                _ = cancel.cancelled() => return PollerExit::Cancelled,
                r = self.helix.status(&self.login) => r,
            };
            let wait = match polled {
                Ok(s) => {
                    // The status first, so whoever reacts to an event reads the fresh one.
                    let events = changes(was_live, &s);
                    was_live = Some(s.is_live);
                    status.send_replace(Some(s));
                    for event in events {
                        let at = wall_now();
                        if tx.send(SourceMsg::Event { at, event }).await.is_err() {
                            return PollerExit::EngineGone;
                        }
                    }
                    self.poll_every
                }
                Err(e) => {
                    tracing::warn!("twitch helix: {e}");
                    match e.retry_after() {
                        Some(d) => d.max(self.poll_every),
                        None => return PollerExit::Stopped(e),
                    }
                }
            };
            tokio::select! {
                _ = cancel.cancelled() => return PollerExit::Cancelled,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

/// What a poll means for the engine, given whether the channel was live before (None: unknown).
pub fn changes(was_live: Option<bool>, s: &LiveStatus) -> Vec<Event> {
    let mut out = Vec::new();
    match (was_live, s.is_live) {
        (Some(true), true) | (None | Some(false), false) => {}
        (None | Some(false), true) => out.push(Event::Live {
            title: s.title.clone(),
            started_at: s.started_at,
        }),
        (Some(true), false) => out.push(Event::Offline),
    }
    if s.is_live
        && let Some(count) = s.viewers
    {
        out.push(Event::Viewers { count });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_become_events() {
        let live = LiveStatus {
            is_live: true,
            viewers: Some(10),
            title: Some("t".into()),
            ..LiveStatus::default()
        };
        let off = LiveStatus::default();
        assert_eq!(changes(None, &off), vec![]);
        assert!(matches!(
            changes(None, &live)[..],
            [Event::Live { .. }, Event::Viewers { count: 10 }]
        ));
        assert_eq!(
            changes(Some(true), &live),
            vec![Event::Viewers { count: 10 }]
        );
        assert_eq!(changes(Some(true), &off), vec![Event::Offline]);
        assert_eq!(changes(Some(false), &off), vec![]);
    }
}
