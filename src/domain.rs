//! Platform-neutral events and moments: what every source produces and every sink consumes.

use serde::{Deserialize, Serialize};

pub use crate::time::Ts;

mod chat;
mod trigger_data;
pub use chat::*;
pub use trigger_data::*;

/// Everything a source can report, independent of Kick or Twitch.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Chat(ChatMessage),
    Subscription {
        username: String,
        months: u32,
    },
    GiftedSubs {
        gifter: String,
        count: u32,
    },
    /// Kick's paid gift; `amount` is in Kicks (about one cent each).
    Kicks {
        sender: String,
        amount: u32,
        message: String,
    },
    /// A donation in dollars (plain logs, webhooks).
    Donation {
        username: String,
        amount_usd: f64,
        message: String,
    },
    /// Twitch cheers.
    Bits {
        username: String,
        amount: u32,
    },
    Raid {
        from: String,
        viewers: u32,
    },
    MessageDeleted {
        message_id: MsgId,
    },
    Ban {
        username: String,
        permanent: bool,
        duration_min: Option<u32>,
    },
    Live {
        title: Option<String>,
        started_at: Option<Ts>,
        /// The platform's id of this broadcast (Kick's livestream id, Twitch's stream id):
        /// two streams that started within a minute of each other are still two.
        stream_id: Option<u64>,
    },
    /// `ended_at`: when the stream ended, if the source knows (the API's first "offline",
    /// confirmed later); else it ended when the event came.
    Offline {
        ended_at: Option<Ts>,
        /// The broadcast that ended, when the source says (Kick's frame does): a late frame
        /// about an earlier broadcast must not end the one that is live now.
        stream_id: Option<u64>,
    },
    Viewers {
        count: u32,
    },
    /// Slow / emote-only / sub-only mode changed: the chat baseline is not comparable across it.
    ChatModeChanged,
    /// The chat source lost its connection: until `SourceUp`, silence is not a quiet chat.
    SourceDown,
    SourceUp,
}

/// Money a single event can plausibly carry; past it the field is garbage (a broken or
/// hostile frame), not a fortune: $1,000,000 however it is paid.
pub const MAX_EVENT_USD: f64 = 1_000_000.0;

/// Viewers a stream or a raid can plausibly have: the biggest streams ever peaked near 7
/// million. Past it the count is garbage (a saturated or hostile field), not a spike.
pub const MAX_VIEWERS: u32 = 20_000_000;

impl Event {
    /// False for money no one sends in one go (`bits=99999999999999`, a donation of 1e308):
    /// such an event is dropped and counted as malformed instead of making a score of 4e154
    /// and a revenue that swallows every real gift. Gifted subs are limited to 10,000, viewers
    /// and raids to `MAX_VIEWERS`.
    pub fn is_plausible(&self) -> bool {
        match self {
            Event::Kicks { amount, .. } | Event::Bits { amount, .. } => {
                f64::from(*amount) / 100.0 <= MAX_EVENT_USD
            }
            Event::Donation { amount_usd, .. } => {
                amount_usd.is_finite() && (0.0..=MAX_EVENT_USD).contains(amount_usd)
            }
            Event::GiftedSubs { count, .. } => (1..=10_000).contains(count),
            Event::Viewers { count } | Event::Raid { viewers: count, .. } => *count <= MAX_VIEWERS,
            _ => true,
        }
    }

    /// Short stable name, used in replay stats and the `events` table.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Chat(_) => "chat",
            Event::Subscription { .. } => "subscription",
            Event::GiftedSubs { .. } => "gifted_subs",
            Event::Kicks { .. } => "kicks",
            Event::Donation { .. } => "donation",
            Event::Bits { .. } => "bits",
            Event::Raid { .. } => "raid",
            Event::MessageDeleted { .. } => "message_deleted",
            Event::Ban { .. } => "ban",
            Event::Live { .. } => "live",
            Event::Offline { .. } => "offline",
            Event::Viewers { .. } => "viewers",
            Event::ChatModeChanged => "chat_mode_changed",
            Event::SourceDown => "source_down",
            Event::SourceUp => "source_up",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerType {
    ChatVelocity,
    Keyword,
    EmoteSpam,
    ViewerSpike,
    SubBurst,
    Donation,
    Raid,
    Manual,
}

impl TriggerType {
    pub const ALL: [TriggerType; 8] = [
        TriggerType::ChatVelocity,
        TriggerType::Keyword,
        TriggerType::EmoteSpam,
        TriggerType::ViewerSpike,
        TriggerType::SubBurst,
        TriggerType::Donation,
        TriggerType::Raid,
        TriggerType::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TriggerType::ChatVelocity => "chat_velocity",
            TriggerType::Keyword => "keyword",
            TriggerType::EmoteSpam => "emote_spam",
            TriggerType::ViewerSpike => "viewer_spike",
            TriggerType::SubBurst => "sub_burst",
            TriggerType::Donation => "donation",
            TriggerType::Raid => "raid",
            TriggerType::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<TriggerType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The banner's headline, e.g. `CHAT SPIKE`.
    pub fn headline(self) -> &'static str {
        match self {
            TriggerType::ChatVelocity => "CHAT SPIKE",
            TriggerType::Keyword => "KEYWORD BURST",
            TriggerType::EmoteSpam => "EMOTE SPAM",
            TriggerType::ViewerSpike => "VIEWER SPIKE",
            TriggerType::SubBurst => "SUB BURST",
            TriggerType::Donation => "DONATION",
            TriggerType::Raid => "RAID",
            TriggerType::Manual => "MARKED MOMENT",
        }
    }
}

/// A stored kind (`chat_velocity`, or `cheer`) in people's words: the banner's headline, lower
/// case (`chat spike`).
pub fn kind_phrase(kind: &str) -> String {
    TriggerType::parse(kind).map_or(kind.replace('_', " "), |t| t.headline().to_lowercase())
}

/// One detector firing: what fired, when, how strongly, and the details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredTrigger")]
pub struct Trigger {
    #[serde(rename = "type")]
    pub kind: TriggerType,
    // Written by the store itself (`MomentInsert`), read back through `StoredTrigger`.
    #[serde(skip_serializing)]
    pub at: Ts,
    /// Comparable across detectors: 1.0 is "just fired", larger is stronger.
    #[serde(skip_serializing)]
    pub strength: f64,
    pub data: TriggerData,
}

/// A trigger as stored (`store::MomentInsert` writes `at` as RFC 3339 and `strength`): read
/// leniently, whatever version wrote it; a missing or odd time or strength is the default.
#[derive(Deserialize)]
struct StoredTrigger {
    #[serde(rename = "type")]
    kind: TriggerType,
    #[serde(default)]
    at: serde_json::Value,
    #[serde(default)]
    strength: serde_json::Value,
    #[serde(default)]
    data: serde_json::Value,
}

impl From<StoredTrigger> for Trigger {
    fn from(s: StoredTrigger) -> Trigger {
        Trigger {
            kind: s.kind,
            at: s
                .at
                .as_str()
                .and_then(Ts::parse_rfc3339)
                .unwrap_or_default(),
            strength: s.strength.as_f64().filter(|x| x.is_finite()).unwrap_or(0.0),
            data: TriggerData::from_json(s.kind, s.data),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MomentSource {
    Auto,
    Manual,
}

impl MomentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MomentSource::Auto => "auto",
            MomentSource::Manual => "manual",
        }
    }
}

/// A moment worth clipping: one or more triggers close together.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub at: Ts,
    /// Seconds since the stream went live (or since the log began, in replay).
    pub offset_s: f64,
    pub trigger_type: TriggerType,
    pub triggers: Vec<Trigger>,
    pub score: f64,
    pub source: MomentSource,
    pub clip_start: Ts,
    pub clip_end: Ts,
}

impl Trigger {
    /// Its kind as people say it: `cheer` for Twitch bits, else the type's name.
    pub fn kind_word(&self) -> &'static str {
        if self.is_cheer() {
            "cheer"
        } else {
            self.kind.as_str()
        }
    }

    fn is_cheer(&self) -> bool {
        self.kind == TriggerType::Donation
            && matches!(&self.data, TriggerData::Donation(d) if d.bits.is_some())
    }
}

impl Moment {
    /// The banner's word for it: the type's, but bits are a CHEER on Twitch, not a donation.
    pub fn headline(&self) -> &'static str {
        // The main trigger's, as stored (`trigger_data`): the list and report say the same.
        let cheer = self
            .triggers
            .iter()
            .find(|t| t.kind == self.trigger_type)
            .is_some_and(Trigger::is_cheer);
        if cheer {
            "CHEER"
        } else {
            self.trigger_type.headline()
        }
    }

    /// `trigger_data` as stored: the main trigger's data.
    pub fn trigger_data(&self) -> serde_json::Value {
        self.triggers
            .iter()
            .find(|t| t.kind == self.trigger_type)
            .map(|t| t.data.to_json())
            .unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests;
