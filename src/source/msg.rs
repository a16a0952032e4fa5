//! What every chat source (Kick's Pusher or Centrifugo socket, Twitch IRC) tells the engine:
//! events, raw frames for capture, malformed frames, and the connection state the front ends
//! show. Platform-neutral on purpose.

use crate::domain::{Event, Ts};
use crate::time::wall_now;

/// What the status bar shows about the chat connection.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatState {
    Connecting {
        attempt: u32,
    },
    /// Connected and subscribed to every channel name; `reconnects`: how many times the
    /// connection was lost and made again since it first went live (so a quick reconnect the
    /// front ends never saw as `Reconnecting` still shows).
    Live {
        reconnects: u32,
    },
    /// Waiting until `until` before the next attempt, because of `reason`.
    Reconnecting {
        until: Ts,
        reason: String,
    },
}

impl ChatState {
    /// Live once more; `lives` counts the times a source went live (the first included).
    pub fn live_again(lives: &mut u32) -> ChatState {
        let reconnects = *lives;
        *lives += 1;
        ChatState::Live { reconnects }
    }
}

impl std::fmt::Display for ChatState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChatState::Connecting { attempt: 0 } => write!(f, "connecting"),
            ChatState::Connecting { attempt } => write!(f, "connecting (attempt {})", attempt + 1),
            ChatState::Live { reconnects: 0 } => write!(f, "live"),
            ChatState::Live { reconnects: 1 } => write!(f, "live (reconnected once)"),
            ChatState::Live { reconnects } => write!(f, "live (reconnected {reconnects}×)"),
            ChatState::Reconnecting { until, reason } => {
                let secs = (until.0 - wall_now().0).max(0) as f64 / 1000.0;
                write!(f, "reconnecting in {secs:.0} s ({reason})")
            }
        }
    }
}

/// What the source sends to the engine.
#[derive(Debug, PartialEq)]
pub enum SourceMsg {
    Event {
        at: Ts,
        event: Event,
    },
    /// A raw text frame as received (only with capture on).
    Frame {
        at: Ts,
        text: String,
    },
    Malformed {
        at: Ts,
        error: String,
    },
    /// What the platform says about the channel (a Twitch NOTICE: suspended, banned, …).
    Notice {
        text: String,
    },
}
