//! The [`Link`] every chat transport sends through: de-duplication by id, a
//! `SourceDown`/`SourceUp` pair around each gap, malformed frames counted, capture.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::dedup::Dedup;
use super::kick::{DecodeError, Frame};
use super::socket::SourceOptions;
use super::{ChatState, SourceMsg};
use crate::domain::Event;
use crate::time::{Ts, wall_now};

/// What flows to the engine, shared by every transport (and kept across a switch of
/// transport, so de-duplication and the open gap carry over).
pub struct Link {
    pub(super) tx: mpsc::Sender<SourceMsg>,
    pub(super) state: watch::Sender<ChatState>,
    dedup: Dedup,
    down: bool,
    /// Times this source went live (the first time included).
    lives: u32,
    pub capture: bool,
    pub connect_timeout: Duration,
    pub pong_timeout: Duration,
    /// When the current connection came up (greeted and subscribed): how long it lasted
    /// decides whether it was a good one.
    pub(super) up_since: Option<tokio::time::Instant>,
}

impl Link {
    pub(super) fn new(
        tx: mpsc::Sender<SourceMsg>,
        state: watch::Sender<ChatState>,
        opts: &SourceOptions,
    ) -> Link {
        Link {
            tx,
            state,
            dedup: Dedup::new(20_000),
            // Not connected yet is a gap too: the first connection ends it.
            down: true,
            lives: 0,
            capture: opts.capture,
            connect_timeout: opts.connect_timeout,
            pong_timeout: opts.pong_timeout,
            up_since: None,
        }
    }

    /// Sends a raw frame for the capture file when capture is on; returns the receive time.
    pub async fn received(&mut self, text: &str) -> Ts {
        let at = wall_now();
        if self.capture {
            let frame = SourceMsg::Frame {
                at,
                text: text.to_string(),
            };
            let _ = self.tx.send(frame).await;
        }
        at
    }

    /// Connected and subscribed: the chat is live again (closing an open gap). Once per
    /// connection: a transport may say so at the chat's acknowledgement and at each event.
    pub async fn up(&mut self, at: Ts) {
        if self.up_since.is_some() {
            return;
        }
        self.up_since = Some(tokio::time::Instant::now());
        self.state
            .send_replace(ChatState::live_again(&mut self.lives));
        if std::mem::replace(&mut self.down, false) {
            let _ = self
                .tx
                .send(SourceMsg::Event {
                    at,
                    event: Event::SourceUp,
                })
                .await;
        }
    }

    /// A decoded event frame: delivered the first time its id is seen. False when the engine
    /// is gone. Control frames are the transport's business and are ignored here.
    pub async fn deliver(&mut self, at: Ts, frame: Result<Frame, DecodeError>) -> bool {
        match frame {
            Ok(Frame::Event { event, key, .. }) => {
                if key.as_ref().is_none_or(|k| self.dedup.first_time(k)) {
                    return self.tx.send(SourceMsg::Event { at, event }).await.is_ok();
                }
                true
            }
            Ok(Frame::Control(_) | Frame::Ignored(_)) => true,
            Err(e) => {
                self.malformed(at, e.to_string()).await;
                true
            }
        }
    }

    /// A frame that could not be read: counted by the engine, skipped.
    pub async fn malformed(&mut self, at: Ts, error: String) {
        let _ = self.tx.send(SourceMsg::Malformed { at, error }).await;
    }

    pub(super) async fn mark_down(&mut self) {
        if !self.down {
            self.down = true;
            let _ = self
                .tx
                .send(SourceMsg::Event {
                    at: wall_now(),
                    event: Event::SourceDown,
                })
                .await;
        }
    }
}
