//! What the pure core hands the edges: effects to carry out, chat counts, and where moment
//! offsets count from.

use crate::domain::{Event, Moment, Ts};

/// What the core asks the edges to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A finished moment: store it, announce it, maybe clip it. When a `MomentBuilding` came
    /// before it, this is the same moment, final.
    Moment(Moment),
    /// The open moment is convincing: show it at once, while it is still collecting triggers,
    /// and again each time a trigger changes its name, `+N`, time or score (same moment).
    MomentBuilding(Moment),
    /// Per-window chat counts (no text) for `chat_stats` and the panes.
    ChatStats(ChatStats),
    /// The channel went live (open a session, start recording) or offline (close it).
    Live {
        at: Ts,
        title: Option<String>,
        stream_id: Option<u64>,
        /// `at` is the platform's start; false: kicktui's guess (live said without one).
        start_known: bool,
    },
    Offline {
        at: Ts,
    },
    /// The live stream's real start, earlier than the guess it replaces (live was first said
    /// without one, by the stream probe while the API was blocked): offsets count from it.
    StartKnown {
        at: Ts,
        /// The guess it replaces: the session's offsets so far move by the difference.
        was: Ts,
        stream_id: Option<u64>,
    },
    ViewerSample {
        at: Ts,
        viewers: u32,
    },
    /// Subs, gifts, Kicks, donations, raids: for the `events` table and revenue.
    Notable {
        at: Ts,
        event: Event,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatStats {
    pub at: Ts,
    pub window_s: u32,
    pub messages: u32,
    pub chatters: u32,
    pub keyword_hits: u32,
    pub emote_hits: u32,
}

impl ChatStats {
    /// Its `chat_stats` row in `session_id`.
    pub fn row(&self, session_id: i64) -> crate::store::ChatStats {
        crate::store::ChatStats {
            session_id,
            at: self.at,
            window_s: f64::from(self.window_s),
            messages: self.messages,
            chatters: self.chatters,
            keyword_hits: self.keyword_hits,
            emote_hits: self.emote_hits,
        }
    }
}

/// Where moment offsets count from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetBase {
    /// Replay: seconds since the log's first event.
    FirstEvent,
    /// Live: stream uptime (since going live; the first event until then).
    StreamStart,
}
