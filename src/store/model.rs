//! What the writer is asked to store: one plain struct per kind of row.

use serde_json::json;

use crate::domain::{Event, Moment, MomentSource, TriggerType, Ts};

/// Where a moment's clip stands. Stored as its `as_str` name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ClipStatus {
    /// Not asked for yet (every moment is clipped when the stream ends).
    #[default]
    Pending,
    Queued,
    /// Asked for before its window was recorded.
    Waiting,
    Cutting,
    Done,
    /// Cut, but shorter than asked (the recording had a hole).
    Short,
    Failed,
    /// No recording covers the moment.
    NoRecording,
    /// The person at the keys said not to clip it (`x`): no run cuts it by itself.
    Skipped,
}

impl ClipStatus {
    pub const ALL: [ClipStatus; 9] = [
        ClipStatus::Pending,
        ClipStatus::Queued,
        ClipStatus::Waiting,
        ClipStatus::Cutting,
        ClipStatus::Done,
        ClipStatus::Short,
        ClipStatus::Failed,
        ClipStatus::NoRecording,
        ClipStatus::Skipped,
    ];

    /// Cut (in full or short), failed, never cuttable or skipped: no later run cuts it by
    /// itself.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ClipStatus::Done
                | ClipStatus::Short
                | ClipStatus::Failed
                | ClipStatus::NoRecording
                | ClipStatus::Skipped
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClipStatus::Pending => "pending",
            ClipStatus::Queued => "queued",
            ClipStatus::Waiting => "waiting",
            ClipStatus::Cutting => "cutting",
            ClipStatus::Done => "done",
            ClipStatus::Short => "short",
            ClipStatus::Failed => "failed",
            ClipStatus::NoRecording => "no_recording",
            ClipStatus::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<ClipStatus> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewSession {
    pub channel: String,
    /// `kick` or `twitch`.
    pub platform: String,
    pub started_at: Ts,
    pub title: Option<String>,
    /// When the platform says the stream went live, if known.
    pub stream_started_at: Option<Ts>,
    /// The platform's id of the stream, if known.
    pub stream_id: Option<u64>,
}

/// A moment ready to insert, its JSON already serialized (off the writer thread).
#[derive(Clone, Debug, PartialEq)]
pub struct MomentInsert {
    pub session_id: i64,
    pub at: Ts,
    pub offset_s: f64,
    pub trigger_type: TriggerType,
    /// Compact JSON: the main trigger's data.
    pub trigger_data: String,
    /// Compact JSON array: every trigger as `{"type", "at", "strength", "data"}`.
    pub triggers: String,
    pub score: f64,
    pub source: MomentSource,
    pub clip_start_offset_s: f64,
    pub clip_end_offset_s: f64,
}

impl MomentInsert {
    pub fn from_moment(session_id: i64, m: &Moment) -> MomentInsert {
        let triggers: Vec<serde_json::Value> = m
            .triggers
            .iter()
            .map(|t| {
                json!({
                    "type": t.kind.as_str(),
                    "at": t.at.to_rfc3339(),
                    "strength": t.strength,
                    "data": t.data,
                })
            })
            .collect();
        MomentInsert {
            session_id,
            at: m.at,
            offset_s: m.offset_s,
            trigger_type: m.trigger_type,
            trigger_data: m.trigger_data().to_string(),
            triggers: serde_json::Value::Array(triggers).to_string(),
            score: m.score,
            source: m.source,
            // The clip window is wall time; offsets follow the moment's own offset.
            clip_start_offset_s: m.offset_s + m.clip_start.secs_since(m.at),
            clip_end_offset_s: m.offset_s + m.clip_end.secs_since(m.at),
        }
    }
}

/// Chat counts for one window (the detectors' 10 s). Never any message text.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatStats {
    pub session_id: i64,
    /// The end of the window.
    pub at: Ts,
    pub window_s: f64,
    pub messages: u32,
    pub chatters: u32,
    pub keyword_hits: u32,
    pub emote_hits: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ViewerSample {
    pub session_id: i64,
    pub at: Ts,
    pub viewers: u32,
}

/// A sub, gift, Kicks, donation, bits or raid. `amount` is in the unit named by
/// `data.unit` (`subs`, `kicks`, `usd`, `bits`, `viewers`).
///
/// `data` must never hold chat text: the message a viewer sends with Kicks or a donation is
/// dropped by [`NewEvent::from_event`] and must not be added by any other path.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub session_id: i64,
    pub at: Ts,
    /// `Event::name()`.
    pub kind: String,
    pub username: Option<String>,
    pub amount: f64,
    pub data: serde_json::Value,
}

impl NewEvent {
    /// The row for an event worth keeping, or `None` (chat, bans, viewers… live elsewhere).
    pub fn from_event(session_id: i64, at: Ts, ev: &Event) -> Option<NewEvent> {
        let (user, amount, data) = match ev {
            Event::Subscription { username, months } => {
                (username, 1.0, json!({"unit": "subs", "months": months}))
            }
            Event::GiftedSubs { gifter, count } => (
                gifter,
                f64::from(*count),
                json!({"unit": "subs", "gifted": true}),
            ),
            Event::Kicks { sender, amount, .. } => {
                (sender, f64::from(*amount), json!({"unit": "kicks"}))
            }
            Event::Donation {
                username,
                amount_usd,
                ..
            } => (username, *amount_usd, json!({"unit": "usd"})),
            Event::Bits { username, amount } => {
                (username, f64::from(*amount), json!({"unit": "bits"}))
            }
            Event::Raid { from, viewers } => {
                (from, f64::from(*viewers), json!({"unit": "viewers"}))
            }
            _ => return None,
        };
        Some(NewEvent {
            session_id,
            at,
            kind: ev.name().to_string(),
            username: Some(user.clone()),
            amount,
            data,
        })
    }
}

/// The money event a stored `events` row of `kind` with `amount` from `who` was (what
/// [`NewEvent::from_event`] wrote, without the message): `None` for another kind, or an
/// amount no event carries.
pub(super) fn money_event(kind: &str, amount: f64, who: String) -> Option<Event> {
    let n = amount.clamp(0.0, f64::from(u32::MAX)) as u32;
    let ev = match kind {
        "subscription" => Event::Subscription {
            username: who,
            months: 1,
        },
        "gifted_subs" => Event::GiftedSubs {
            gifter: who,
            count: n,
        },
        "kicks" => Event::Kicks {
            sender: who,
            amount: n,
            message: String::new(),
        },
        "bits" => Event::Bits {
            username: who,
            amount: n,
        },
        "donation" if amount.is_finite() && amount > 0.0 => Event::Donation {
            username: who,
            amount_usd: amount,
            message: String::new(),
        },
        _ => return None,
    };
    ev.is_plausible().then_some(ev)
}

/// One stretch of an activity (a bandit arm) and, once finished, its reward.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivitySegment {
    pub session_id: i64,
    pub name: String,
    pub started_at: Ts,
    pub ended_at: Option<Ts>,
    pub reward: Option<f64>,
    /// Mean engagement score (0–100) over the segment.
    pub engagement: Option<f64>,
}

/// Ids from the platform API, cached so a later start can skip the lookup.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelIds {
    pub platform: String,
    pub slug: String,
    pub channel_id: Option<i64>,
    pub chatroom_id: Option<i64>,
    pub user_id: Option<i64>,
    pub updated_at: Ts,
}

/// A recording part as the recorder starts it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRecording {
    pub session_id: i64,
    pub part: u32,
    pub path: String,
    pub started_at: Ts,
}

/// Changes to a recording part; `None` fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingUpdate {
    pub id: i64,
    pub ended_at: Option<Ts>,
    pub bytes: Option<u64>,
    pub status: Option<String>,
    pub first_byte_at: Option<Ts>,
    pub pdt_first_at: Option<Ts>,
}
