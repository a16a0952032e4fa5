//! Platform-neutral events and moments: what every source produces and every sink consumes.

use serde::{Deserialize, Serialize};

pub use crate::time::Ts;

mod trigger_data;
pub use trigger_data::*;

/// Chat badges as bits: cheap to copy and test on the hot path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Badges(pub u16);

impl Badges {
    pub const BROADCASTER: Badges = Badges(1);
    pub const MODERATOR: Badges = Badges(1 << 1);
    pub const VIP: Badges = Badges(1 << 2);
    pub const OG: Badges = Badges(1 << 3);
    pub const FOUNDER: Badges = Badges(1 << 4);
    pub const SUBSCRIBER: Badges = Badges(1 << 5);
    pub const SUB_GIFTER: Badges = Badges(1 << 6);
    pub const VERIFIED: Badges = Badges(1 << 7);
    pub const STAFF: Badges = Badges(1 << 8);
    pub const BOT: Badges = Badges(1 << 9);

    /// Maps a Kick/Twitch badge type name; unknown names map to nothing.
    pub fn from_name(name: &str) -> Badges {
        match name {
            "broadcaster" => Self::BROADCASTER,
            "moderator" => Self::MODERATOR,
            "vip" => Self::VIP,
            "og" => Self::OG,
            "founder" => Self::FOUNDER,
            "subscriber" => Self::SUBSCRIBER,
            "sub_gifter" => Self::SUB_GIFTER,
            "verified" => Self::VERIFIED,
            "staff" => Self::STAFF,
            "bot" => Self::BOT,
            _ => Badges(0),
        }
    }

    pub fn contains(self, other: Badges) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn insert(&mut self, other: Badges) {
        self.0 |= other.0;
    }
}

/// A message id: UUIDs parse exactly, anything else is hashed (ids only need to compare).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgId(pub u128);

impl MsgId {
    pub fn parse(s: &str) -> MsgId {
        let mut v: u128 = 0;
        let mut digits = 0;
        for b in s.bytes() {
            if b == b'-' {
                continue;
            }
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return MsgId(hash_str(s) as u128 | 1 << 127),
            };
            digits += 1;
            if digits > 32 {
                return MsgId(hash_str(s) as u128 | 1 << 127);
            }
            v = v << 4 | d as u128;
        }
        MsgId(v)
    }
}

/// FNV-1a: a stable 64-bit hash for ids derived from names (stable across runs and builds).
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// An emote inside a chat message: its id and where its name sits in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmoteRef {
    pub id: u64,
    pub name_start: u32,
    pub name_end: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: Option<MsgId>,
    pub user_id: u64,
    pub username: String,
    pub badges: Badges,
    /// The text as sent; Kick emotes stay inline as `[emote:ID:NAME]`.
    pub text: String,
    pub emotes: Vec<EmoteRef>,
    pub is_reply: bool,
}

impl ChatMessage {
    pub fn emote_names(&self) -> impl Iterator<Item = &str> {
        self.emotes
            .iter()
            .filter_map(|e| self.text.get(e.name_start as usize..e.name_end as usize))
    }

    /// The text as a person reads it: Kick's `[emote:ID:NAME]` tags become NAME.
    pub fn readable_text(&self) -> String {
        let tags = kick_emotes(&self.text);
        if tags.is_empty() {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        let mut from = 0;
        for e in tags {
            let (name_start, name_end) = (e.name_start as usize, e.name_end as usize);
            let tag_start = self.text[from..name_start]
                .rfind("[emote:")
                .map_or(from, |i| from + i);
            out.push_str(&self.text[from..tag_start]);
            out.push_str(&self.text[name_start..name_end]);
            from = name_end + 1;
        }
        out.push_str(self.text.get(from..).unwrap_or_default());
        out
    }
}

/// Parses Kick's inline `[emote:ID:NAME]` tags.
pub fn kick_emotes(text: &str) -> Vec<EmoteRef> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = memchr::memmem::find(&bytes[from..], b"[emote:") {
        let start = from + pos;
        let id_start = start + 7;
        let Some(colon) = memchr::memchr(b':', &bytes[id_start..]) else {
            break;
        };
        let id_end = id_start + colon;
        let Some(close) = memchr::memchr(b']', &bytes[id_end..]) else {
            break;
        };
        let name_end = id_end + close;
        let id_text = &text[id_start..id_end];
        if !id_text.is_empty()
            && id_text.bytes().all(|b| b.is_ascii_digit())
            && name_end > id_end + 1
        {
            out.push(EmoteRef {
                id: id_text.parse().unwrap_or(0),
                name_start: (id_end + 1) as u32,
                name_end: name_end as u32,
            });
            from = name_end + 1;
        } else {
            from = start + 1;
        }
    }
    out
}

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

impl Event {
    /// False for money no one sends in one go (`bits=99999999999999`, a donation of 1e308):
    /// such an event is dropped and counted as malformed instead of making a score of 4e154
    /// and a revenue that swallows every real gift. Gifted subs are limited to 10,000.
    pub fn is_plausible(&self) -> bool {
        match self {
            Event::Kicks { amount, .. } | Event::Bits { amount, .. } => {
                f64::from(*amount) / 100.0 <= MAX_EVENT_USD
            }
            Event::Donation { amount_usd, .. } => {
                amount_usd.is_finite() && (0.0..=MAX_EVENT_USD).contains(amount_usd)
            }
            Event::GiftedSubs { count, .. } => *count <= 10_000,
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

/// One detector firing: what fired, when, how strongly, and the details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredTrigger")]
pub struct Trigger {
    #[serde(rename = "type")]
    pub kind: TriggerType,
    #[serde(skip)]
    pub at: Ts,
    /// Comparable across detectors: 1.0 is "just fired", larger is stronger.
    #[serde(skip)]
    pub strength: f64,
    pub data: TriggerData,
}

/// A trigger as stored: its data read leniently, whatever version wrote it.
#[derive(Deserialize)]
struct StoredTrigger {
    #[serde(rename = "type")]
    kind: TriggerType,
    #[serde(default)]
    data: serde_json::Value,
}

impl From<StoredTrigger> for Trigger {
    fn from(s: StoredTrigger) -> Trigger {
        Trigger {
            kind: s.kind,
            at: Ts::default(),
            strength: 0.0,
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

impl Moment {
    /// The banner's word for it: the type's, but bits are a CHEER on Twitch, not a donation.
    pub fn headline(&self) -> &'static str {
        let cheer = self.trigger_type == TriggerType::Donation
            && self.triggers.iter().any(|t| {
                t.kind == TriggerType::Donation
                    && matches!(&t.data, TriggerData::Donation(d) if d.bits.is_some())
            });
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
