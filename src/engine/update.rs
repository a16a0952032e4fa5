//! What the engine tells a front end (headless printer or TUI). Snapshots are small and
//! batched, so a busy chat cannot flood the front end.

use crate::detect::velocity::VelocityStatus;
use crate::domain::{Event, Moment, Ts};
use crate::source::pusher::ChatState;

/// The state of the stream and chat once a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub at: Ts,
    pub channel: String,
    pub live: bool,
    /// Seconds since the stream went live.
    pub uptime_s: Option<f64>,
    pub viewers: Option<u32>,
    pub velocity: VelocityStatus,
    /// Keyword hits in the window, in config order.
    pub keywords: Vec<(String, usize)>,
    pub top_emote: Option<(String, u32)>,
    pub chat_messages: u64,
    pub malformed_frames: u64,
    /// A moment is being collected right now.
    pub moment_open: bool,
    /// That moment has a chat trigger (velocity, keywords, emotes): chat is spiking.
    pub chat_spike: bool,
}

impl Snapshot {
    pub fn keyword_total(&self) -> usize {
        self.keywords.iter().map(|k| k.1).sum()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    Snapshot(Snapshot),
    ChatState(ChatState),
    /// A moment, stored (its row id) or not (the store failed: say so, never pretend).
    Moment {
        id: Option<i64>,
        moment: Moment,
    },
    WentLive {
        at: Ts,
        title: Option<String>,
        session: Option<i64>,
    },
    WentOffline {
        at: Ts,
    },
    WaitingForLive,
    /// The channel API failed (the message says what kicktui does next); chat keeps running
    /// when its ids are known. `retry_s`: when it will try again, `None`: it will not.
    ApiTrouble {
        message: String,
        retry_s: Option<u64>,
    },
    /// The API answers again after trouble.
    ApiOk,
    /// A sub, gift, Kicks, donation or raid.
    Notable {
        at: Ts,
        event: Event,
    },
    /// Capture is on: every frame goes to this file.
    Capturing {
        path: String,
    },
    /// A plain line for the log (recording, warnings).
    Note(String),
    /// The engine has stopped; the last update.
    Finished(Summary),
}

/// What one run saw, for the line printed at shutdown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Distinct chat messages received (after de-duplication).
    pub chat_messages: u64,
    pub moments: u64,
    /// Moments the database refused.
    pub unsaved_moments: u64,
    pub malformed_frames: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Received {} chat messages, {} moments, {} malformed frames skipped",
            self.chat_messages, self.moments, self.malformed_frames
        )?;
        if self.unsaved_moments > 0 {
            write!(f, " ({} moments NOT SAVED)", self.unsaved_moments)?;
        }
        Ok(())
    }
}
