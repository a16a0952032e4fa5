//! Pusher frames shaped exactly like Kick's (kick-protocol.md §1.3, §2): every server frame's
//! `data` is a JSON-encoded *string*. Pure functions, reusable by any test that needs a frame.

mod chat;
mod events;

pub use chat::{Badge, Chat, ReplyTo, chat, chat_data, chat_message_sent_info};
pub use events::*;

use chrono::SecondsFormat;
use serde_json::{Value, json};

use crate::time::Ts;

/// Event names as Kick sends them (with or without the `App\Events\` prefix, per §1.4).
pub mod name {
    pub const CHAT: &str = "App\\Events\\ChatMessageEvent";
    pub const SUBSCRIPTION: &str = "App\\Events\\SubscriptionEvent";
    pub const CHANNEL_SUBSCRIPTION: &str = "App\\Events\\ChannelSubscriptionEvent";
    pub const NEW_SUBSCRIBER_UPDATED: &str = "App\\Events\\NewSubscriberUpdatedEvent";
    pub const NEW_ACTIVITY_FEED: &str = "App\\Events\\NewActivityFeedEvent";
    pub const CHAT_MESSAGE_SENT: &str = "App\\Events\\ChatMessageSentEvent";
    pub const GIFTED_SUBS: &str = "GiftedSubscriptionsEvent";
    pub const GIFTS_LEADERBOARD: &str = "GiftsLeaderboardUpdated";
    pub const KICKS_GIFTED: &str = "KicksGifted";
    pub const KICKS_LEADERBOARD: &str = "KicksLeaderboardUpdated";
    pub const STREAM_HOST: &str = "App\\Events\\StreamHostEvent";
    pub const STREAMER_IS_LIVE: &str = "App\\Events\\StreamerIsLive";
    pub const STOP_STREAM: &str = "App\\Events\\StopStreamBroadcast";
    pub const MESSAGE_DELETED: &str = "App\\Events\\MessageDeletedEvent";
    pub const USER_BANNED: &str = "App\\Events\\UserBannedEvent";
    pub const PINNED_DELETED: &str = "App\\Events\\PinnedMessageDeletedEvent";
}

/// `chatrooms.{id}.v2`: chat, subs, raids, moderation.
pub fn chat_channel(chatroom_id: u64) -> String {
    format!("chatrooms.{chatroom_id}.v2")
}

/// `chatrooms.{id}` (v1, legacy host events).
pub fn chatroom_v1_channel(chatroom_id: u64) -> String {
    format!("chatrooms.{chatroom_id}")
}

/// `chatroom_{id}`: gifted subs and the legacy info line.
pub fn chatroom_channel(chatroom_id: u64) -> String {
    format!("chatroom_{chatroom_id}")
}

/// `channel.{id}`: live / offline transitions.
pub fn live_channel(channel_id: u64) -> String {
    format!("channel.{channel_id}")
}

/// `channel_{id}`: Kicks, leaderboards, sub duplicates.
pub fn channel_events_channel(channel_id: u64) -> String {
    format!("channel_{channel_id}")
}

/// The five public channels a client subscribes to (KickLib's set, §0).
pub fn all_channels(channel_id: u64, chatroom_id: u64) -> [String; 5] {
    [
        chat_channel(chatroom_id),
        chatroom_v1_channel(chatroom_id),
        chatroom_channel(chatroom_id),
        live_channel(channel_id),
        channel_events_channel(channel_id),
    ]
}

/// A server frame: `data` is serialized into a string, as Pusher does.
pub fn frame(event: &str, channel: Option<&str>, data: &Value) -> String {
    frame_with_data_string(event, channel, &data.to_string())
}

/// A server frame whose `data` string is given verbatim (e.g. `"[]"` or invalid JSON).
pub fn frame_with_data_string(event: &str, channel: Option<&str>, data: &str) -> String {
    let mut f = json!({ "event": event, "data": data });
    if let Some(c) = channel {
        f["channel"] = Value::from(c);
    }
    f.to_string()
}

pub fn connection_established(socket_id: &str, activity_timeout_secs: u64) -> String {
    let data = json!({ "socket_id": socket_id, "activity_timeout": activity_timeout_secs });
    frame("pusher:connection_established", None, &data)
}

pub fn subscription_succeeded(channel: &str) -> String {
    frame_with_data_string(
        "pusher_internal:subscription_succeeded",
        Some(channel),
        "{}",
    )
}

/// What Pusher answers a private/presence subscribe without valid auth.
pub fn subscription_error(channel: &str) -> String {
    let data = json!({ "type": "AuthError", "error": "Invalid signature", "status": 401 });
    frame("pusher:subscription_error", Some(channel), &data)
}

pub fn ping() -> String {
    frame_with_data_string("pusher:ping", None, "{}")
}

pub fn pong() -> String {
    frame_with_data_string("pusher:pong", None, "{}")
}

/// `pusher:error` with string data (the usual form).
pub fn error(code: u16, message: &str) -> String {
    frame(
        "pusher:error",
        None,
        &json!({ "code": code, "message": message }),
    )
}

/// `pusher:error` with *object* data, as some servers send it (§1.3: accept both).
pub fn error_object(code: u16, message: &str) -> String {
    json!({ "event": "pusher:error", "data": { "code": code, "message": message } }).to_string()
}

/// The reason Pusher gives for a close code (used in close frames and `pusher:error`).
pub fn close_reason(code: u16) -> &'static str {
    match code {
        1000 => "Normal closure",
        1001 => "Going away",
        4000 => "Application only accepts SSL connections, reconnect using wss://",
        4001 => "Application does not exist",
        4003 => "Application disabled",
        4004 => "Application is over connection quota",
        4005 => "Path not found",
        4006 => "Invalid version string format",
        4007 => "Unsupported protocol version",
        4008 => "No protocol version supplied",
        4009 => "Connection is unauthorized",
        4100 => "Over capacity",
        4200 => "Generic reconnect immediately",
        4201 => "Pong reply not received",
        4202 => "Closed after inactivity",
        4301 => "Client event rejected due to rate limit",
        _ => "Closed by server",
    }
}

/// `2026-09-27T16:11:55+00:00` (chat `created_at`, ban `expires_at`).
pub fn time_offset_seconds(at: Ts) -> String {
    at.to_datetime()
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// `2026-09-27T18:00:00.000000Z` (Laravel model timestamps).
pub fn time_micros_z(at: Ts) -> String {
    at.to_datetime()
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `2026-09-27T16:12:16.212275837Z` (Go services: Kicks, goals).
pub fn time_nanos_z(at: Ts) -> String {
    at.to_datetime().to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// `2026-09-27 16:00:00` (the channel API's livestream `start_time` / `created_at`, UTC).
pub fn time_sql(at: Ts) -> String {
    at.to_datetime().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `2026-09-27T16:00:00Z` (the official API's `start_time`).
pub fn time_z(at: Ts) -> String {
    at.to_datetime().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A UUID-shaped string (version 4 bits set) from 128 bits, for message ids.
pub fn uuid_from(bits: u128) -> String {
    let versioned = (bits & !(0xf << 76)) | (0x4 << 76);
    let b = (versioned & !(0x3 << 62)) | (0x2 << 62);
    let h = format!("{b:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A frame and its decoded `data`, for the frame tests.
#[cfg(test)]
pub(crate) fn decode(frame: &str) -> (Value, Value) {
    let f: Value = serde_json::from_str(frame).unwrap();
    let data: Value = serde_json::from_str(f["data"].as_str().unwrap()).unwrap();
    (f, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_frames_carry_string_data() {
        let (f, d) = decode(&connection_established("123.456", 120));
        assert_eq!(f["event"], "pusher:connection_established");
        assert_eq!(d["socket_id"], "123.456");
        assert_eq!(d["activity_timeout"], 120);
        let (f, d) = decode(&subscription_succeeded("chatrooms.1.v2"));
        assert_eq!(f["channel"], "chatrooms.1.v2");
        assert_eq!(d, json!({}));
        let (_, d) = decode(&error(4201, close_reason(4201)));
        assert_eq!(d["code"], 4201);
        let f: Value = serde_json::from_str(&error_object(4001, "x")).unwrap();
        assert_eq!(f["data"]["code"], 4001);
    }

    #[test]
    fn times_use_kicks_formats() {
        let at = Ts::parse_rfc3339("2026-09-27T16:11:55.25Z").unwrap();
        assert_eq!(time_offset_seconds(at), "2026-09-27T16:11:55+00:00");
        assert_eq!(time_micros_z(at), "2026-09-27T16:11:55.250000Z");
        assert_eq!(time_nanos_z(at), "2026-09-27T16:11:55.250000000Z");
        assert_eq!(time_sql(at), "2026-09-27 16:11:55");
        assert_eq!(time_z(at), "2026-09-27T16:11:55Z");
    }

    #[test]
    fn uuids_look_like_v4() {
        let u = uuid_from(u128::MAX);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
        assert_ne!(uuid_from(1), uuid_from(2));
    }

    #[test]
    fn five_channels() {
        let c = all_channels(26869410, 4567890);
        assert_eq!(c[0], "chatrooms.4567890.v2");
        assert_eq!(c[3], "channel.26869410");
        assert_eq!(c[4], "channel_26869410");
    }
}
