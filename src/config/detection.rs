//! Detection settings: chat windows, the velocity / keyword / emote rules, events, viewer
//! spikes, how triggers become moments, and the peak model.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Chat {
    /// Seed `CHAT_WINDOW_SECONDS`: the rolling window for velocity and keywords.
    pub window_seconds: u32,
    /// Messages from these users (case-insensitive) are not counted.
    pub bots: Vec<String>,
    /// Messages starting with `!` are commands, not reactions.
    pub ignore_commands: bool,
    /// Chat triggers are damped this long after a raid.
    pub raid_damping_seconds: u32,
    /// No chat trigger this long after the first line or after going live (greeting floods).
    pub warmup_seconds: u32,
    /// Viewers asking for a clip (`!clip`): each counts once per 30 s window…
    pub clip_commands: Vec<String>,
    /// …and this many different viewers asking is a trigger.
    pub clip_min_viewers: u32,
}

impl Default for Chat {
    fn default() -> Self {
        Chat {
            window_seconds: 10,
            bots: [
                "nightbot",
                "streamelements",
                "streamlabs",
                "moobot",
                "fossabot",
                "sery_bot",
                "botrix",
                "kickbot",
                "wizebot",
                "kicklet",
            ]
            .map(String::from)
            .to_vec(),
            ignore_commands: true,
            raid_damping_seconds: 90,
            warmup_seconds: 180,
            clip_commands: vec!["!clip".into()],
            clip_min_viewers: 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VelocityMode {
    /// Relative to the channel's own recent chat (z-score).
    Baseline,
    /// The seed rule: more than `threshold` msg/s over the window.
    Fixed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Velocity {
    pub mode: VelocityMode,
    /// Seed `CHAT_VELOCITY_THRESHOLD`, msg/s over the window (fixed mode).
    pub threshold: f64,
    /// Baseline mode: the history the window is compared with.
    pub baseline_seconds: u32,
    /// Baseline mode: how many standard deviations above the baseline fires.
    pub z_threshold: f64,
    /// Baseline mode: and at least this many times the baseline rate.
    pub min_ratio: f64,
    /// Baseline mode: and at least this many msg/s, so a near-silent chat cannot fire.
    pub floor: f64,
}

impl Default for Velocity {
    fn default() -> Self {
        Velocity {
            mode: VelocityMode::Baseline,
            threshold: 5.0,
            baseline_seconds: 300,
            z_threshold: 3.0,
            min_ratio: 2.0,
            floor: 0.5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Keywords {
    /// Seed `CLIP_KEYWORDS`: case-insensitive phrases.
    pub phrases: Vec<String>,
    /// Seed `KEYWORD_THRESHOLD`: hits of one phrase in the window.
    pub threshold: u32,
    /// Hits must come from this many different chatters.
    pub min_chatters: u32,
    /// Also require well above how often this chat normally says the phrase (false: seed rule).
    pub relative: bool,
}

impl Default for Keywords {
    fn default() -> Self {
        Keywords {
            phrases: [
                "CLIP",
                "CLIP THAT",
                "NO WAY",
                "LMAO",
                "OMG",
                "INSANE",
                "WTF",
            ]
            .map(String::from)
            .to_vec(),
            threshold: 3,
            min_chatters: 2,
            relative: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Emotes {
    /// Seed `EMOTE_SPAM_THRESHOLD`: the same emote this many times…
    pub threshold: u32,
    /// …within this many seconds.
    pub window_seconds: u32,
    /// From at least this many chatters.
    pub min_chatters: u32,
    /// Also require well above this chat's usual repetition (false: seed rule).
    pub relative: bool,
}

impl Default for Emotes {
    fn default() -> Self {
        Emotes {
            threshold: 10,
            window_seconds: 5,
            min_chatters: 3,
            relative: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Events {
    /// This many subs (gifted subs count each) within `sub_burst_seconds` is a moment.
    pub sub_burst_count: u32,
    pub sub_burst_seconds: u32,
    /// One Kicks gift (or donation) worth at least this many dollars is a moment.
    pub donation_min_usd: f64,
    /// A raid with at least this many viewers is a moment.
    pub raid_min_viewers: u32,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            sub_burst_count: 5,
            sub_burst_seconds: 60,
            donation_min_usd: 5.0,
            raid_min_viewers: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Viewers {
    /// A sample this many times the recent median is a spike (the seed used 4×).
    pub spike_ratio: f64,
    /// And at least this many viewers more than the median.
    pub min_increase: u32,
    /// How many recent samples make the median.
    pub baseline_samples: u32,
}

impl Default for Viewers {
    fn default() -> Self {
        Viewers {
            spike_ratio: 1.5,
            min_increase: 50,
            baseline_samples: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Moments {
    /// Triggers within this many seconds of a moment's first trigger join it; then it is closed.
    pub merge_seconds: u32,
    /// After a moment closes, no new auto moment for this long.
    pub cooldown_seconds: u32,
    /// Clip window: chat reacts 15–30 s after the moment, so the pre-roll is long.
    pub pre_roll_seconds: u32,
    pub post_roll_seconds: u32,
    /// Clip window around a sub, gift, donation or raid: the event is the moment itself and the
    /// streamer's reaction follows it, so most of the clip comes after.
    pub event_pre_roll_seconds: u32,
    pub event_post_roll_seconds: u32,
    /// A moment made of chat triggers alone needs this many kinds of them (velocity, keyword,
    /// emote) to agree: one signal alone is mostly conversation, not a reaction…
    pub min_chat_kinds: u32,
    /// …unless that one is this strong (1.0 = just fired).
    pub strong_single: f64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            merge_seconds: 30,
            cooldown_seconds: 45,
            pre_roll_seconds: 45,
            post_roll_seconds: 10,
            event_pre_roll_seconds: 15,
            event_post_roll_seconds: 45,
            min_chat_kinds: 2,
            strong_single: 3.0,
        }
    }
}

/// Chat peaks scored by the built-in model: what makes chat moments by default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Peaks {
    /// false: chat moments come from the velocity, keyword and emote rules instead.
    pub enabled: bool,
    /// The message-count window, seconds.
    pub window_seconds: u32,
    /// A peak is the highest window of the last this many seconds…
    pub lookback_seconds: u32,
    /// …and of the next this many (so a moment is decided this long after its peak).
    pub confirm_seconds: u32,
    /// The usual window count is taken over this much history.
    pub baseline_seconds: u32,
    /// Peaks scored at least this (0–1, how likely a clipper keeps it) become moments; on a
    /// quiet chat the bar is lower (down to 0.35 for 0.5, see `detect::peak`).
    pub min_probability: f64,
    /// …and rank among the top this many peaks of the last hour (0: no limit), so a busy
    /// chat, where many peaks pass, still gives about this many chat moments an hour.
    pub top_per_hour: u32,
    /// Moments at least this far apart.
    pub min_gap_seconds: u32,
    /// Chat reacts after the fact: the moment is placed this long before the window's end.
    pub lead_seconds: u32,
    /// A window this many times the highest seen so far, from many chatters typing the same
    /// thing, fires at once, even in the warm-up.
    pub surge_ratio: f64,
    pub surge_min_chatters: u32,
}

impl Default for Peaks {
    fn default() -> Self {
        Peaks {
            enabled: true,
            window_seconds: 15,
            lookback_seconds: 120,
            confirm_seconds: 10,
            baseline_seconds: 600,
            min_probability: 0.5,
            top_per_hour: 10,
            min_gap_seconds: 60,
            lead_seconds: 18,
            surge_ratio: 8.0,
            surge_min_chatters: 25,
        }
    }
}
