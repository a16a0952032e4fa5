//! A local fake Kick for tests and `kicktui demo`: the channel API, the official API with
//! OAuth, the Pusher socket and the Centrifugo socket, on one loopback port, driven through
//! [`FakeControl`].
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! use kicktui::fake::{FakeConfig, FakeKick};
//! let kick = FakeKick::start(FakeConfig::default()).await?;
//! let control = kick.control();
//! control.wait_subscribed().await;
//! control.chat("viewer1", "CLIP THAT");
//! # Ok(()) }
//! ```

mod api;
mod centrifugo;
mod control;
pub mod frames;
pub mod kick_chat;
pub mod llm;
mod script;
mod server;
mod socket;
mod state;
mod stats;
pub mod twitch;

pub use control::FakeControl;
pub use script::{Action, Script, ScriptError, Step};
pub use server::FakeKick;
pub use stats::{ConnId, FakeStats, SentFrame};

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::time::Ts;

/// Kick's current public Pusher app key (§1.1).
pub const KICK_APP_KEY: &str = "32cbd69e4b950bf97679";

#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Port 0 picks a free one.
    pub bind: SocketAddr,
    /// Connections to any other key are closed with 4001, like a retired key.
    pub app_key: String,
    /// The first one is the channel a [`FakeControl`] drives by default.
    pub channels: Vec<FakeChannel>,
    /// Sent in `connection_established` (Kick: 120).
    pub activity_timeout_secs: u64,
    /// The server pings after this long without a frame from the client; `None` never pings.
    pub server_ping_after: Option<Duration>,
    /// Close with 4201 when a server ping goes unanswered this long.
    pub pong_timeout: Duration,
    /// Centrifugo: the heartbeat interval sent in the `connect` reply (Kick: 25 s); a
    /// heartbeat not answered before the next one closes the connection with 3012.
    pub centrifugo_ping: Duration,
    /// Centrifugo: how long a connection token lives (Kick: ~30 min); a connection whose
    /// token runs out without a `refresh` is closed with 3005.
    pub centrifugo_token_ttl: Duration,
    /// Credentials the OAuth endpoint accepts.
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl: Duration,
    /// Seeds socket ids, message ids and tokens, so runs are repeatable.
    pub seed: u64,
    /// How many event frames the ledger keeps (oldest dropped first).
    pub ledger_limit: usize,
}

impl Default for FakeConfig {
    /// Kick's real timings (the demo); tests shorten them.
    fn default() -> Self {
        FakeConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            app_key: KICK_APP_KEY.into(),
            channels: vec![FakeChannel::new(
                "clavicular",
                26_869_410,
                4_567_890,
                27_001_234,
            )],
            activity_timeout_secs: 120,
            server_ping_after: Some(Duration::from_secs(120)),
            pong_timeout: Duration::from_secs(30),
            centrifugo_ping: Duration::from_secs(25),
            centrifugo_token_ttl: Duration::from_secs(1800),
            client_id: "01KICKTUIDEMOCLIENT".into(),
            client_secret: "demo-secret".into(),
            token_ttl: Duration::from_secs(7200),
            seed: 0x6b69_636b,
            ledger_limit: 100_000,
        }
    }
}

/// A channel as the fake's API reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeChannel {
    pub slug: String,
    /// Display name (the slug with its capitals).
    pub username: String,
    pub channel_id: u64,
    pub chatroom_id: u64,
    pub user_id: u64,
    /// The stream title; kept while offline, as Kick does.
    pub title: String,
    pub playback_url: String,
    pub followers: u64,
    /// `None`: offline.
    pub live: Option<FakeLive>,
    /// `is_banned` in the channel JSON.
    pub banned: bool,
}

impl FakeChannel {
    pub fn new(slug: &str, channel_id: u64, chatroom_id: u64, user_id: u64) -> FakeChannel {
        FakeChannel {
            slug: slug.to_lowercase(),
            username: slug.into(),
            channel_id,
            chatroom_id,
            user_id,
            title: "Just chatting".into(),
            playback_url: format!(
                "https://fa723fc1b171.us-west-2.playback.live-video.net/api/video/v1/us-west-2.196233775518.channel.{slug}.m3u8"
            ),
            followers: 12_345,
            live: None,
            banned: false,
        }
    }

    /// The same channel, live since `started_at` with `viewers` watching.
    pub fn live(mut self, title: &str, viewers: u32, started_at: Ts) -> FakeChannel {
        self.title = title.into();
        self.live = Some(FakeLive {
            livestream_id: 129_000_000 + self.channel_id % 1_000_000,
            viewers,
            started_at,
        });
        self
    }

    /// The five Pusher channel names for this channel (§1.4).
    pub fn pusher_channels(&self) -> [String; 5] {
        frames::all_channels(self.channel_id, self.chatroom_id)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FakeLive {
    pub livestream_id: u64,
    pub viewers: u32,
    pub started_at: Ts,
}

/// How the channel API (or the official API) fails, when switched on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiFailure {
    #[default]
    None,
    /// 403 with Cloudflare's HTML "Just a moment..." challenge page.
    Cloudflare,
    /// 403 `{"error":"Request blocked by security policy.","reference":"…"}`.
    Blocked,
    /// 429 with `Retry-After: retry_after` (seconds) when given.
    RateLimited { retry_after: Option<u64> },
    /// 500 `{"message":"Server Error"}`.
    ServerError,
}

/// How new connections are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refuse {
    /// WebSocket upgrades get HTTP 503; the API still answers.
    Upgrade,
    /// Every TCP connection is closed as soon as it is accepted (API included).
    Tcp,
}
