//! Every non-chat event frame kicktui cares about (§2.2–2.15), on the channel §1.4 names.

use serde_json::{Value, json};

use super::{
    channel_events_channel, chat_channel, chatroom_channel, frame, frame_with_data_string,
    live_channel, name, time_micros_z, time_nanos_z, time_offset_seconds,
};
use crate::time::Ts;

/// `App\Events\SubscriptionEvent` (§2.2): the one to count.
pub fn subscription(chatroom_id: u64, username: &str, months: u32) -> String {
    let data = json!({ "chatroom_id": chatroom_id, "username": username, "months": months });
    frame(name::SUBSCRIPTION, Some(&chat_channel(chatroom_id)), &data)
}

/// `App\Events\ChannelSubscriptionEvent` (§2.4), a duplicate carrying the user id.
pub fn channel_subscription(channel_id: u64, user_id: u64, username: &str) -> String {
    let data = json!({ "user_ids": [user_id], "username": username, "channel_id": channel_id });
    let channel = channel_events_channel(channel_id);
    frame(name::CHANNEL_SUBSCRIPTION, Some(&channel), &data)
}

/// `App\Events\NewSubscriberUpdatedEvent`: seen live, payload undocumented; this shape is a
/// guess, and clients must ignore the event anyway (§1.5).
pub fn new_subscriber_updated(channel_id: u64, username: &str, months: u32) -> String {
    let data = json!({ "channel_id": channel_id, "username": username, "months": months });
    let channel = channel_events_channel(channel_id);
    frame(name::NEW_SUBSCRIBER_UPDATED, Some(&channel), &data)
}

/// `App\Events\NewActivityFeedEvent`: undocumented payload (a guess), ignored by clients.
pub fn new_activity_feed(channel_id: u64, username: &str, at: Ts) -> String {
    let data = json!({
        "channel_id": channel_id, "type": "subscription", "username": username,
        "created_at": time_micros_z(at),
    });
    let channel = channel_events_channel(channel_id);
    frame(name::NEW_ACTIVITY_FEED, Some(&channel), &data)
}

/// `GiftedSubscriptionsEvent` (§2.3, 2026 form: no prefix, on `chatroom_{id}`).
pub fn gifted_subscriptions(
    chatroom_id: u64,
    correlation_id: &str,
    gifter: &str,
    gifted: &[String],
    gifter_total: u32,
) -> String {
    let data = json!({
        "chatroom_id": chatroom_id, "correlation_id": correlation_id,
        "gifted_usernames": gifted, "gifter_username": gifter,
        "gifted_total": gifted.len(), "gifter_total": gifter_total, "chunk_details": null,
    });
    frame(
        name::GIFTED_SUBS,
        Some(&chatroom_channel(chatroom_id)),
        &data,
    )
}

/// `GiftsLeaderboardUpdated` (§2.15), sent after gifted subs.
pub fn gifts_leaderboard_updated(
    channel_id: u64,
    gifter_id: u64,
    gifter: &str,
    quantity: u32,
) -> String {
    let entry = json!({ "user_id": gifter_id, "username": gifter, "quantity": quantity });
    let data = json!({
        "leaderboard": [entry], "weekly_leaderboard": [entry], "monthly_leaderboard": [entry],
        "gifter_id": gifter_id, "gifter_username": gifter, "gifted_quantity": quantity,
    });
    let channel = channel_events_channel(channel_id);
    frame(name::GIFTS_LEADERBOARD, Some(&channel), &data)
}

/// One Kicks gift (§2.6).
#[derive(Clone, Debug, PartialEq)]
pub struct Kicks {
    pub transaction_id: String,
    pub user_id: u64,
    pub username: String,
    /// In Kicks (about one cent each).
    pub amount: u32,
    pub message: String,
    pub at: Ts,
}

impl Kicks {
    /// The catalogue entry Kick uses for an amount (`gift_id`, `name`, `type`, `tier`).
    fn gift(&self) -> Value {
        let (id, name, kind, tier) = match self.amount {
            0..=1 => ("hell_yeah", "Hell Yeah", "BASIC", "BASIC"),
            2..=50 => ("hype", "Hype", "BASIC", "BASIC"),
            51..=100 => ("skull_emoji", "Skull Emoji", "LEVEL_UP", "MID"),
            101..=500 => ("rage_quit", "Rage Quit", "LEVEL_UP", "MID"),
            _ => ("full_send", "Full Send", "LEVEL_UP", "HIGH"),
        };
        let mut g = json!({
            "gift_id": id, "name": name, "amount": self.amount, "type": kind, "tier": tier,
            "character_limit": 150,
        });
        if kind == "LEVEL_UP" {
            // Nanoseconds (600 s), as captured.
            g["pinned_time"] = json!(600_000_000_000u64);
        }
        g
    }
}

/// `KicksGifted` on `channel_{id}`: the one to count.
pub fn kicks_gifted(channel_id: u64, k: &Kicks) -> String {
    let gift = k.gift();
    let mut data = json!({
        "gift_transaction_id": k.transaction_id,
        "message": k.message,
        "sender": {
            "id": k.user_id, "username": k.username, "username_color": "#4CFF75",
            "profile_picture": "https://kick.com/img/default-profile-pictures/default-avatar-1.webp",
        },
        "gift": gift,
        "created_at": time_nanos_z(k.at),
    });
    if gift.get("pinned_time").is_some() {
        data["expires_at"] = time_nanos_z(k.at.plus_secs(600.0)).into();
    }
    let channel = channel_events_channel(channel_id);
    frame(name::KICKS_GIFTED, Some(&channel), &data)
}

/// `KicksLeaderboardUpdated`, the duplicate that follows every Kicks gift.
pub fn kicks_leaderboard_updated(
    channel_id: u64,
    user_id: u64,
    username: &str,
    quantity: u32,
) -> String {
    let entry = json!([{ "user_id": user_id, "username": username, "quantity": quantity }]);
    let data = json!({
        "gifts_lifetime": entry, "gifts_week": entry, "gifts_month": entry,
        "gifts_enabled": true, "gifts_week_enabled": true, "gifts_month_enabled": true,
    });
    let channel = channel_events_channel(channel_id);
    frame(name::KICKS_LEADERBOARD, Some(&channel), &data)
}

/// `App\Events\StreamHostEvent` (§2.12): a raid.
pub fn stream_host(chatroom_id: u64, host: &str, viewers: u32, message: Option<&str>) -> String {
    let data = json!({
        "chatroom_id": chatroom_id, "optional_message": message,
        "number_viewers": viewers, "host_username": host,
    });
    frame(name::STREAM_HOST, Some(&chat_channel(chatroom_id)), &data)
}

/// `App\Events\StreamerIsLive` on `channel.{id}` (§2.13).
pub fn streamer_is_live(channel_id: u64, livestream_id: u64, title: &str, at: Ts) -> String {
    let data = json!({ "livestream": {
        "id": livestream_id, "channel_id": channel_id, "session_title": title,
        "source": null, "created_at": time_micros_z(at),
    }});
    frame(
        name::STREAMER_IS_LIVE,
        Some(&live_channel(channel_id)),
        &data,
    )
}

/// `App\Events\StopStreamBroadcast` on `channel.{id}` (§2.13).
pub fn stop_stream_broadcast(channel_id: u64, livestream_id: u64) -> String {
    let data = json!({ "livestream": {
        "id": livestream_id, "channel": { "id": channel_id, "is_banned": false },
    }});
    frame(name::STOP_STREAM, Some(&live_channel(channel_id)), &data)
}

/// `App\Events\MessageDeletedEvent` (§2.7).
pub fn message_deleted(chatroom_id: u64, event_id: &str, message_id: &str) -> String {
    let data = json!({
        "id": event_id, "message": { "id": message_id },
        "aiModerated": false, "violatedRules": [],
    });
    frame(
        name::MESSAGE_DELETED,
        Some(&chat_channel(chatroom_id)),
        &data,
    )
}

/// `App\Events\UserBannedEvent` (§2.8); `minutes: None` is a permanent ban.
pub fn user_banned(
    chatroom_id: u64,
    event_id: &str,
    user_id: u64,
    username: &str,
    minutes: Option<u32>,
    at: Ts,
) -> String {
    let mut data = json!({
        "id": event_id,
        "user": { "id": user_id, "username": username, "slug": username.to_lowercase() },
        "banned_by": { "id": 0, "username": "BotRix", "slug": "botrix" },
        "permanent": minutes.is_none(),
    });
    if let Some(m) = minutes {
        data["duration"] = m.into();
        data["expires_at"] = time_offset_seconds(at.plus_secs(f64::from(m) * 60.0)).into();
    }
    frame(name::USER_BANNED, Some(&chat_channel(chatroom_id)), &data)
}

/// `App\Events\PinnedMessageDeletedEvent`: its `data` is the string `"[]"` (§2.9).
pub fn pinned_message_deleted(chatroom_id: u64) -> String {
    let channel = chat_channel(chatroom_id);
    frame_with_data_string(name::PINNED_DELETED, Some(&channel), "[]")
}

/// A chat frame whose `data` string is cut off mid-JSON.
pub fn malformed_chat(chatroom_id: u64) -> String {
    let channel = chat_channel(chatroom_id);
    frame_with_data_string(
        name::CHAT,
        Some(&channel),
        "{\"id\":\"9b1f\",\"content\":\"cut",
    )
}

/// An event name no client knows (Kick adds them without notice; clients must ignore it).
pub fn unknown_event(channel: &str) -> String {
    let data = json!({ "id": "x1", "note": "an event kicktui has never seen" });
    frame("App\\Events\\BrandNewFeatureEvent", Some(channel), &data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::frames::decode;

    #[test]
    fn each_event_goes_on_its_documented_channel() {
        let at = Ts(1_790_525_536_212);
        let k = Kicks {
            transaction_id: "t".into(),
            user_id: 1,
            username: "Donor".into(),
            amount: 500,
            message: "GG".into(),
            at,
        };
        let cases = [
            (subscription(7, "a", 1), "chatrooms.7.v2"),
            (channel_subscription(9, 1, "a"), "channel_9"),
            (
                gifted_subscriptions(7, "c", "g", &["x".into()], 3),
                "chatroom_7",
            ),
            (kicks_gifted(9, &k), "channel_9"),
            (kicks_leaderboard_updated(9, 1, "a", 5), "channel_9"),
            (stream_host(7, "r", 250, None), "chatrooms.7.v2"),
            (streamer_is_live(9, 5, "t", at), "channel.9"),
            (stop_stream_broadcast(9, 5), "channel.9"),
        ];
        for (f, channel) in cases {
            let (f, _) = decode(&f);
            assert_eq!(f["channel"], channel, "{f}");
        }
    }

    #[test]
    fn payload_fields_match_the_samples() {
        let (f, d) = decode(&gifted_subscriptions(7, "700", "G", &["l1".into()], 9));
        assert_eq!(f["event"], "GiftedSubscriptionsEvent");
        assert_eq!(d["gifted_total"], 1);
        assert!(d["chunk_details"].is_null());
        let k = Kicks {
            transaction_id: "t".into(),
            user_id: 1,
            username: "Donor".into(),
            amount: 500,
            message: "GG".into(),
            at: Ts(1_790_525_536_212),
        };
        let (_, d) = decode(&kicks_gifted(9, &k));
        assert_eq!(d["gift"]["amount"], 500);
        assert_eq!(d["created_at"], "2026-09-27T16:12:16.212000000Z");
        assert_eq!(d["expires_at"], "2026-09-27T16:22:16.212000000Z");
        let (_, d) = decode(&user_banned(7, "e", 1, "S", Some(1), Ts(0)));
        assert_eq!(d["duration"], 1);
        assert_eq!(d["permanent"], false);
    }

    #[test]
    fn odd_data_strings_are_kept_verbatim() {
        let f: Value = serde_json::from_str(&pinned_message_deleted(7)).unwrap();
        assert_eq!(f["data"], "[]");
        let f: Value = serde_json::from_str(&malformed_chat(7)).unwrap();
        assert!(serde_json::from_str::<Value>(f["data"].as_str().unwrap()).is_err());
    }
}
