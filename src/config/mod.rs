//! Typed configuration: defaults (the seed settings plus ours), lookup and validation.
//! The repository's `config.toml` is the documented default; a test keeps them equal.

mod advisor;
mod detection;
mod engage;
mod fronts;
mod keys;
mod load;
mod redact;
mod secret;
mod twitch;
mod validate;

pub use advisor::{Advisor, Bot, Provider};
pub use detection::{
    Chat, Emotes, Events, Keywords, Moments, Peaks, Velocity, VelocityMode, Viewers,
};
pub use engage::{Bandit, Engagement, Revenue, same_activity};
pub use fronts::{ALERT_EVENTS, Alerts, Server};
pub use keys::{KeyList, Keys};
pub use load::{ConfigError, ConfigSource, load, resolve_data_dir};
pub use secret::SecretString;
pub use twitch::Twitch;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub general: General,
    pub kick: Kick,
    pub chat: Chat,
    pub velocity: Velocity,
    pub keywords: Keywords,
    pub emotes: Emotes,
    pub events: Events,
    pub viewers: Viewers,
    pub moments: Moments,
    pub recorder: Recorder,
    pub keys: Keys,
    pub clips: Clips,
    pub server: Server,
    pub alerts: Alerts,
    pub engagement: Engagement,
    pub revenue: Revenue,
    pub bandit: Bandit,
    pub peaks: Peaks,
    pub twitch: Twitch,
    pub advisor: Advisor,
    pub bot: Bot,
}

impl Config {
    /// The original script's fixed rules (> 5 msg/s, keyword ≥ 3, emote ≥ 10, no filtering,
    /// every trigger a moment): the reference the defaults are measured against.
    pub fn seed_rules() -> Config {
        let mut c = Config::default();
        c.velocity.mode = VelocityMode::Fixed;
        c.keywords.relative = false;
        c.keywords.min_chatters = 1;
        c.emotes.relative = false;
        c.emotes.min_chatters = 1;
        c.chat.warmup_seconds = 0;
        c.chat.raid_damping_seconds = 0;
        c.chat.bots.clear();
        c.chat.ignore_commands = false;
        c.moments.min_chat_kinds = 1;
        c.peaks.enabled = false;
        c.chat.clip_commands.clear();
        c
    }

    /// The rule-based chat moments kicktui had before the peak model (z-score velocity,
    /// keywords and emotes that must agree), for comparison.
    pub fn rules() -> Config {
        let mut c = Config::default();
        c.peaks.enabled = false;
        c
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct General {
    /// Empty: the platform data dir. `--data-dir` / `$KICKTUI_DATA` win over this.
    pub data_dir: String,
    /// Privacy: chat text is never stored unless this is on.
    pub store_chat_text: bool,
    pub log_level: String,
}

impl Default for General {
    fn default() -> Self {
        General {
            data_dir: String::new(),
            store_chat_text: false,
            log_level: "info".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Kick {
    pub api_base: String,
    pub official_api_base: String,
    pub oauth_base: String,
    pub pusher_url: String,
    /// 0: look the id up through the channel API (and cache it).
    pub channel_id: u64,
    pub chatroom_id: u64,
    pub client_id: String,
    pub client_secret: SecretString,
    /// The chat's realtime transport: `auto` (Pusher; Centrifugo when Pusher refuses the
    /// app key or never connects), `pusher` or `centrifugo`.
    pub transport: ChatTransport,
    /// Kick's Centrifugo socket (kick-protocol.md §1.6).
    pub centrifugo_url: String,
    /// Where Centrifugo's anonymous connection token comes from.
    pub centrifugo_token_url: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatTransport {
    #[default]
    Auto,
    Pusher,
    Centrifugo,
}

impl Default for Kick {
    fn default() -> Self {
        Kick {
            api_base: "https://kick.com".into(),
            official_api_base: "https://api.kick.com".into(),
            oauth_base: "https://id.kick.com".into(),
            pusher_url: "wss://ws-us2.pusher.com/app/32cbd69e4b950bf97679?protocol=7&client=js&version=8.4.0&flash=false".into(),
            channel_id: 0,
            chatroom_id: 0,
            client_id: String::new(),
            client_secret: SecretString::default(),
            transport: ChatTransport::Auto,
            centrifugo_url: "wss://realtime.us-east-1.platform.kick.com/connection/websocket"
                .into(),
            centrifugo_token_url: "https://web.kick.com/api/v1/realtime/auth/connection".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recorder {
    pub enabled: bool,
    /// Template; `{channel}` is replaced. Tests use `hls://http://127.0.0.1:PORT/live.m3u8`.
    pub stream_url: String,
    /// Hand streamlink the channel API's `playback_url` instead (when its Kick plugin is blocked).
    pub use_playback_url: bool,
    /// Seed `RECORDER_POLL_INTERVAL`: seconds between live-status polls.
    pub poll_interval_seconds: u32,
    /// Seed `RECORDER_HEALTH_INTERVAL`: seconds between health lines in headless mode.
    pub health_interval_seconds: u32,
    /// Seed `MIN_GROWTH_RATE_MB`: MB/min below which a recording is flagged.
    pub min_growth_mb_per_min: f64,
    pub streamlink: String,
    pub ffmpeg: String,
    pub ffprobe: String,
    /// A recording that does not grow for max(this, 5 × segment length) is stalled and restarted.
    pub stall_seconds: u32,
    /// streamlink gets SIGTERM on stop, then SIGKILL after this many seconds.
    pub stop_timeout_seconds: u32,
    /// `--hls-live-edge` for restarts: the oldest segment the playlist still has, so no gap.
    pub restart_live_edge: u32,
    /// Backoff between restarts that keep failing: 1, 2, 4 … up to this many seconds.
    pub max_backoff_seconds: u32,
    /// Extra streamlink options, e.g. `["--webbrowser-executable", "/usr/bin/chromium"]`.
    pub streamlink_args: Vec<String>,
    /// When Kick's API is blocked or unreachable and the chat has said nothing about live
    /// state, ask streamlink about `stream_url` every `poll_interval_seconds` instead.
    pub probe_live: bool,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            enabled: true,
            stream_url: "https://kick.com/{channel}".into(),
            use_playback_url: false,
            poll_interval_seconds: 60,
            health_interval_seconds: 60,
            min_growth_mb_per_min: 1.0,
            streamlink: "streamlink".into(),
            ffmpeg: "ffmpeg".into(),
            ffprobe: "ffprobe".into(),
            stall_seconds: 20,
            stop_timeout_seconds: 5,
            restart_live_edge: 99,
            max_backoff_seconds: 30,
            streamlink_args: Vec::new(),
            probe_live: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Clips {
    /// Run after each clip is ready: an argv (no shell), `{path}` replaced by the clip's path.
    pub on_ready: Vec<String>,
    /// A "clip now" key press means what the viewer saw this many seconds before the newest
    /// recorded content (they react to a player that is behind live).
    pub reaction_delay_seconds: u32,
    /// Quitting while live without being asked (headless, a signal): cut the session's
    /// pending clips now (within the quit budget) or leave them for `kicktui clip --pending`.
    pub cut_at_quit: bool,
}

impl Default for Clips {
    fn default() -> Self {
        Clips {
            on_ready: Vec::new(),
            reaction_delay_seconds: 3,
            cut_at_quit: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_config_toml_equals_the_built_in_defaults() {
        let text = include_str!("../../config.toml");
        let parsed = load::parse_str(text, "config.toml").expect("shipped config parses");
        assert_eq!(parsed, Config::default());
    }

    /// One official API credential without the other turned that route off without a word.
    #[test]
    fn half_the_kick_credentials_are_refused() {
        let mut c = Config::default();
        c.kick.client_id = "abc123".into();
        let err = validate::validate(&c).unwrap_err();
        assert_eq!(err.0, "kick.client_secret");
        c.kick.client_secret = "s3cret".into();
        assert!(validate::validate(&c).is_ok());
    }

    /// They made a folder named " " or "$HOME" in the working directory.
    #[test]
    fn a_blank_or_variable_data_dir_is_refused() {
        for bad in [" ", "$HOME/ktdata"] {
            let mut c = Config::default();
            c.general.data_dir = bad.into();
            assert_eq!(
                validate::validate(&c).unwrap_err().0,
                "general.data_dir",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn shipped_config_mentions_every_seed_setting() {
        let text = include_str!("../../config.toml");
        for seed in [
            "CHAT_VELOCITY_THRESHOLD",
            "CHAT_WINDOW_SECONDS",
            "CLIP_KEYWORDS",
            "KEYWORD_THRESHOLD",
            "EMOTE_SPAM_THRESHOLD",
            "RECORDER_POLL_INTERVAL",
            "RECORDER_HEALTH_INTERVAL",
            "MIN_GROWTH_RATE_MB",
        ] {
            assert!(text.contains(seed), "config.toml does not document {seed}");
        }
    }
}
