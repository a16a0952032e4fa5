//! What a detector found, typed: built by the detectors, put into words by `present`.
//!
//! Its JSON (`replay --format json`, `moments.triggers` and `trigger_data` in SQLite) is an
//! external interface and stays exactly as it was when detectors wrote `json!` by hand: the
//! same keys, sorted; integers stay integers; rates rounded to two places by the detector.
//! Anything stored in a shape this version does not know is kept as it is ([`TriggerData::Other`]).

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::TriggerType;

/// The details of one trigger. Fields in alphabetical order, as the JSON has them.
#[derive(Clone, Debug, PartialEq)]
pub enum TriggerData {
    /// Chat velocity (`chat_velocity`): msg/s over the window against the channel's baseline.
    Velocity(VelocityData),
    /// A local maximum of the message count (`chat_velocity`, `"detector": "peak"`).
    Peak(PeakData),
    /// A flood far above anything seen so far (`chat_velocity`, `"detector": "surge"`).
    Surge(SurgeData),
    Keyword(KeywordData),
    /// Viewers typing a clip command (`keyword`, `"clip_command": true`).
    ClipRequests(ClipRequestsData),
    Emote(EmoteData),
    SubBurst(SubBurstData),
    Donation(DonationData),
    Raid(RaidData),
    ViewerSpike(ViewerSpikeData),
    Manual(ManualData),
    /// Stored by another version in a shape this one does not know: kept, shown as it is.
    Other(Value),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VelocityData {
    /// msg/s the window usually has.
    pub baseline: f64,
    pub chatters: u32,
    /// msg/s over the window.
    pub rate: f64,
    pub window_s: usize,
    pub z: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeakData {
    /// Messages the window usually has.
    pub baseline: f64,
    pub chatters: u32,
    /// Messages in the window at its peak.
    pub count: u32,
    /// How sure the model is that this is a moment, 0..1.
    pub p: f64,
    pub window_s: usize,
    /// Inside the last moment's gap but far bigger than it: a reaction of its own, which
    /// the moments' cooldown lets through.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_reaction: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurgeData {
    pub chatters: u32,
    /// The highest window count seen before.
    pub highest_before: u32,
    pub highest_rate_before: f64,
    pub rate: f64,
    /// Share of the messages holding the most used word.
    pub same_word_share: f64,
    pub window_s: usize,
    /// As [`PeakData::new_reaction`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_reaction: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeywordData {
    pub count: usize,
    pub keyword: String,
}

/// The clip command as the JSON names it, whichever command the viewers typed.
pub const CLIP_COMMAND: &str = "!clip";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClipRequestsData {
    /// Distinct viewers who asked.
    pub viewers: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmoteData {
    pub chatters: usize,
    /// Messages holding the emote (once per message).
    pub count: u32,
    pub emote: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubBurstData {
    /// Whoever gifted the subs that completed the burst.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gifter: Option<String>,
    pub subs: u32,
    pub window_s: u32,
    /// Seconds from the burst's first sub to the one that completed it (its clip starts
    /// before the first); 0 for one gift of many.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub span_s: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonationData {
    /// Rounded to cents.
    pub amount_usd: f64,
    /// Twitch bits it was paid in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
    /// Kick Kicks it was paid in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kicks: Option<u32>,
    pub username: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaidData {
    pub from: String,
    pub viewers: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewerSpikeData {
    /// The median of the recent samples.
    pub baseline: u32,
    pub viewers: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ManualData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a mark the co-pilot made is told from one the streamer made: its note's start.
const ADVISOR_NOTE: &str = "advisor: ";

impl ManualData {
    /// The note of a mark the co-pilot made for `reason`.
    pub fn advisor_note(reason: &str) -> String {
        format!("{ADVISOR_NOTE}{reason}")
    }

    /// The co-pilot's reason, when the co-pilot made this mark.
    pub fn advisor_reason(&self) -> Option<&str> {
        self.note.as_deref()?.strip_prefix(ADVISOR_NOTE)
    }
}

impl TriggerData {
    /// A chat peak far bigger than the last moment, inside its gap: a reaction of its own.
    pub fn new_reaction(&self) -> bool {
        match self {
            TriggerData::Peak(d) => d.new_reaction,
            TriggerData::Surge(d) => d.new_reaction,
            _ => false,
        }
    }

    /// How many chatters carried a chat peak or surge.
    pub fn crowd(&self) -> Option<u32> {
        match self {
            TriggerData::Peak(d) => Some(d.chatters),
            TriggerData::Surge(d) => Some(d.chatters),
            _ => None,
        }
    }

    /// The JSON object as stored and printed.
    pub fn to_json(&self) -> Value {
        let (fields, tag) = match self {
            TriggerData::Velocity(d) => (to_value(d), None),
            TriggerData::Peak(d) => (to_value(d), Some(("detector", Value::from("peak")))),
            TriggerData::Surge(d) => (to_value(d), Some(("detector", Value::from("surge")))),
            TriggerData::Keyword(d) => (to_value(d), None),
            TriggerData::ClipRequests(d) => {
                let mut v = to_value(d);
                if let Value::Object(m) = &mut v {
                    m.insert("keyword".into(), CLIP_COMMAND.into());
                }
                (v, Some(("clip_command", Value::Bool(true))))
            }
            TriggerData::Emote(d) => (to_value(d), None),
            TriggerData::SubBurst(d) => (to_value(d), None),
            TriggerData::Donation(d) => (to_value(d), None),
            TriggerData::Raid(d) => (to_value(d), None),
            TriggerData::ViewerSpike(d) => (to_value(d), None),
            TriggerData::Manual(d) => (to_value(d), None),
            TriggerData::Other(v) => return v.clone(),
        };
        match (fields, tag) {
            (Value::Object(mut m), Some((k, v))) => {
                m.insert(k.into(), v);
                Value::Object(m)
            }
            (v, _) => v,
        }
    }

    /// Reads stored JSON back, leniently: typed only when it is exactly a shape this version
    /// writes (it would write the same JSON again), else kept as [`TriggerData::Other`].
    pub fn from_json(kind: TriggerType, v: Value) -> TriggerData {
        let tag = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
        let typed = match kind {
            TriggerType::ChatVelocity => match tag("detector").as_str() {
                Some("peak") => parse(&v).map(TriggerData::Peak),
                Some("surge") => parse(&v).map(TriggerData::Surge),
                _ => parse(&v).map(TriggerData::Velocity),
            },
            TriggerType::Keyword if tag("clip_command") == Value::Bool(true) => {
                parse(&v).map(TriggerData::ClipRequests)
            }
            TriggerType::Keyword => parse(&v).map(TriggerData::Keyword),
            TriggerType::EmoteSpam => parse(&v).map(TriggerData::Emote),
            TriggerType::ViewerSpike => parse(&v).map(TriggerData::ViewerSpike),
            TriggerType::SubBurst => parse(&v).map(TriggerData::SubBurst),
            TriggerType::Donation => parse(&v).map(TriggerData::Donation),
            TriggerType::Raid => parse(&v).map(TriggerData::Raid),
            TriggerType::Manual => parse(&v).map(TriggerData::Manual),
        };
        match typed {
            Some(d) if d.to_json() == v => d,
            _ => TriggerData::Other(v),
        }
    }
}

fn to_value<T: Serialize>(d: &T) -> Value {
    // Plain structs of numbers and strings: serializing them cannot fail.
    serde_json::to_value(d).unwrap_or_else(|_| Value::Object(Map::new()))
}

fn parse<T: DeserializeOwned>(v: &Value) -> Option<T> {
    T::deserialize(v).ok()
}

impl Serialize for TriggerData {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// Compact JSON, as `replay --format text` and the details popup show it.
impl fmt::Display for TriggerData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_json().fmt(f)
    }
}

#[cfg(test)]
#[path = "trigger_data_tests.rs"]
mod tests;
