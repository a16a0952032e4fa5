//! `App\Events\ChatMessageEvent` (§2.1) and the legacy info line sent alongside subs (§2.15).

use serde_json::{Value, json};

use super::{chat_channel, chatroom_channel, frame, name, time_offset_seconds};
use crate::time::Ts;

/// A `sender.identity.badges[]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Badge {
    /// `subscriber`, `moderator`, `vip`, `og`, `founder`, `broadcaster`, `sub_gifter`, `verified`.
    pub kind: String,
    pub text: String,
    /// Months for `subscriber`, gifts for `sub_gifter`.
    pub count: Option<u32>,
}

impl Badge {
    pub fn new(kind: &str, text: &str, count: Option<u32>) -> Badge {
        Badge {
            kind: kind.into(),
            text: text.into(),
            count,
        }
    }

    pub fn subscriber(months: u32) -> Badge {
        Badge::new("subscriber", "Subscriber", Some(months))
    }

    pub fn moderator() -> Badge {
        Badge::new("moderator", "Moderator", None)
    }

    pub fn vip() -> Badge {
        Badge::new("vip", "VIP", None)
    }

    pub fn sub_gifter(gifts: u32) -> Badge {
        Badge::new("sub_gifter", "Sub Gifter", Some(gifts))
    }

    fn sort_order(&self) -> u32 {
        match self.kind.as_str() {
            "broadcaster" => 14,
            "moderator" => 12,
            "vip" => 11,
            "og" => 10,
            "subscriber" => 9,
            "founder" => 8,
            "sub_gifter" => 7,
            _ => 5,
        }
    }
}

/// The message a reply answers (`type:"reply"`, §2.1).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplyTo {
    pub message_id: String,
    pub content: String,
    pub user_id: u64,
    pub username: String,
}

/// One chat message. `Chat::new` fills the common fields; set the rest directly.
#[derive(Clone, Debug, PartialEq)]
pub struct Chat {
    pub id: String,
    pub chatroom_id: u64,
    pub user_id: u64,
    pub username: String,
    /// Text with inline emotes: `[emote:37226:KEKW]`.
    pub content: String,
    pub created_at: Ts,
    pub color: String,
    pub badges: Vec<Badge>,
    /// `badges_v2` level badge; `None` leaves `badges_v2` empty.
    pub level: Option<u32>,
    pub reply_to: Option<ReplyTo>,
    /// `false` drops `metadata` entirely, as bot messages do.
    pub with_metadata: bool,
}

impl Chat {
    pub fn new(id: &str, chatroom_id: u64, user_id: u64, username: &str, content: &str) -> Chat {
        Chat {
            id: id.into(),
            chatroom_id,
            user_id,
            username: username.into(),
            content: content.into(),
            created_at: Ts(0),
            color: "#E9113C".into(),
            badges: Vec::new(),
            level: None,
            reply_to: None,
            with_metadata: true,
        }
    }
}

/// The decoded `data` object of a chat frame.
pub fn chat_data(c: &Chat) -> Value {
    let badges: Vec<Value> = c
        .badges
        .iter()
        .map(|b| {
            let mut v = json!({ "type": b.kind, "text": b.text, "sort_order": b.sort_order() });
            if let Some(n) = b.count {
                v["count"] = n.into();
            }
            v
        })
        .collect();
    let badges_v2: Vec<Value> = c
        .level
        .map(|level| {
            json!({
                "name": "level", "badge_type": "global",
                "image_url": format!("https://ext.cdn.kick.com/chat/badges/level-{level}.png"),
                "metadata": { "level": level }, "selected": true, "sort_order": 1,
            })
        })
        .into_iter()
        .collect();
    let mut data = json!({
        "id": c.id,
        "chatroom_id": c.chatroom_id,
        "content": c.content,
        "type": if c.reply_to.is_some() { "reply" } else { "message" },
        "created_at": time_offset_seconds(c.created_at),
        "sender": {
            "id": c.user_id,
            "username": c.username,
            "slug": c.username.to_lowercase(),
            "identity": { "color": c.color, "badges": badges, "badges_v2": badges_v2 },
        },
    });
    if c.with_metadata {
        let mut meta = json!({ "message_ref": c.created_at.0.to_string() });
        if let Some(r) = &c.reply_to {
            meta["original_sender"] = json!({ "id": r.user_id, "username": r.username });
            meta["original_message"] = json!({ "id": r.message_id, "content": r.content });
        }
        data["metadata"] = meta;
    }
    if let Some(r) = &c.reply_to {
        data["thread_parent_id"] = Value::from(r.message_id.as_str());
    }
    data
}

/// The chat frame on `chatrooms.{id}.v2`.
pub fn chat(c: &Chat) -> String {
    frame(
        name::CHAT,
        Some(&chat_channel(c.chatroom_id)),
        &chat_data(c),
    )
}

/// The legacy `ChatMessageSentEvent` info line (`action:"subscribe"`) on `chatroom_{id}`.
pub fn chat_message_sent_info(
    chatroom_id: u64,
    message_id: &str,
    user_id: u64,
    username: &str,
    months: u32,
    at: Ts,
) -> String {
    let data = json!({
        "message": {
            "id": message_id, "message": "", "type": "info", "action": "subscribe",
            "months_subscribed": months, "chatroom_id": chatroom_id,
            "created_at": at.0.div_euclid(1000),
        },
        "user": { "id": user_id, "username": username, "slug": username.to_lowercase() },
    });
    frame(
        name::CHAT_MESSAGE_SENT,
        Some(&chatroom_channel(chatroom_id)),
        &data,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::frames::decode;

    #[test]
    fn chat_frame_matches_the_documented_shape() {
        let mut c = Chat::new("8f0c1d2e", 4567890, 1234567, "SomeViewer", "CLIP THAT");
        c.created_at = Ts::parse_rfc3339("2026-09-27T16:11:55Z").unwrap();
        c.badges = vec![Badge::subscriber(14), Badge::moderator()];
        c.level = Some(23);
        let (f, d) = decode(&chat(&c));
        assert_eq!(f["event"], "App\\Events\\ChatMessageEvent");
        assert_eq!(f["channel"], "chatrooms.4567890.v2");
        assert_eq!(d["type"], "message");
        assert_eq!(d["created_at"], "2026-09-27T16:11:55+00:00");
        assert_eq!(d["sender"]["slug"], "someviewer");
        let badges = &d["sender"]["identity"]["badges"];
        assert_eq!(badges[0]["count"], 14);
        assert!(badges[1].get("count").is_none());
        assert_eq!(
            d["sender"]["identity"]["badges_v2"][0]["metadata"]["level"],
            23
        );
        assert_eq!(d["metadata"]["message_ref"], "1790525515000");
        assert!(d.get("thread_parent_id").is_none());
    }

    #[test]
    fn replies_carry_thread_and_original() {
        let mut c = Chat::new("b", 1, 2, "u", "yes");
        c.reply_to = Some(ReplyTo {
            message_id: "a".into(),
            content: "really?".into(),
            user_id: 3,
            username: "v".into(),
        });
        let (_, d) = decode(&chat(&c));
        assert_eq!(d["type"], "reply");
        assert_eq!(d["thread_parent_id"], "a");
        assert_eq!(d["metadata"]["original_message"]["content"], "really?");
        assert_eq!(d["metadata"]["original_sender"]["username"], "v");
    }

    #[test]
    fn bot_messages_have_no_metadata() {
        let mut c = Chat::new("b", 1, 2, "BotRix", "!rules");
        c.with_metadata = false;
        let (_, d) = decode(&chat(&c));
        assert!(d.get("metadata").is_none());
    }
}
