//! One chat-downloader message (a JSON array element or a JSONL line) → events. Pure; the
//! time is the message's own `timestamp` (microseconds).

use serde::Deserialize;
use serde_json::Value;

use super::items::{as_u32, name, notice};
use crate::domain::{Badges, ChatMessage, Event, MsgId, Ts, hash_str};
use crate::source::twitch::map::{GiftFolder, parse_emotes};

/// A chat-downloader message (JSON array element or JSONL line).
#[derive(Deserialize)]
pub struct CdItem {
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// Microseconds since the epoch.
    #[serde(default)]
    pub timestamp: Option<i64>,
    #[serde(default)]
    pub author: Option<CdAuthor>,
    #[serde(default)]
    pub message_type: Option<String>,
    #[serde(default)]
    pub emotes: Option<Vec<CdEmote>>,
    #[serde(default)]
    pub bits: Option<Value>,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
pub struct CdAuthor {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub badges: Option<Vec<Value>>,
}

#[derive(Deserialize)]
pub struct CdEmote {
    pub id: Value,
    #[serde(default)]
    pub locations: Vec<String>,
}

pub fn cd_events(item: &CdItem, gifts: &mut GiftFolder) -> Result<(Ts, Vec<Event>), String> {
    let us = match item.timestamp {
        Some(us) => us,
        // A JSON array of kicktui's own plain lines, taken for chat-downloader's.
        None if item.rest.contains_key("ts") => {
            return Err(
                "no timestamp: this looks like plain {\"ts\", \"user\", \"text\"} \
                        lines in a JSON array; write one object per line (JSON Lines) instead"
                    .into(),
            );
        }
        None => return Err("a message with no timestamp".into()),
    };
    let at = Ts::plausible(us.div_euclid(1000))
        .ok_or_else(|| format!("a timestamp out of range ({us} µs)"))?;
    let a = item.author.as_ref();
    let user = name(
        a.and_then(|a| a.display_name.as_deref()),
        a.and_then(|a| a.name.as_deref()),
    );
    let kind = item.message_type.as_deref().unwrap_or("text_message");
    if kind != "text_message" {
        let num = |k: &str| item.rest.get(k).and_then(as_u32);
        let ev = match kind {
            "ban_user" | "timeout_user" | "clear_user_chat" => {
                let secs = num("ban_duration");
                Some(Event::Ban {
                    username: user,
                    permanent: secs.is_none(),
                    duration_min: secs.map(|s| s.div_ceil(60)),
                })
            }
            "delete_message" => item
                .rest
                .get("target_message_id")
                .and_then(Value::as_str)
                .map(|id| Event::MessageDeleted {
                    message_id: MsgId::parse(id),
                }),
            k => notice(k, &user, num, gifts),
        };
        return Ok((at, ev.into_iter().collect()));
    }
    if user.is_empty() {
        return Err("a message with no author".into());
    }
    let text = item
        .message
        .clone()
        .ok_or("a text_message with no message")?;
    let mut badges = Badges::default();
    for b in a.and_then(|a| a.badges.as_ref()).into_iter().flatten() {
        if let Some(n) = b.get("name").and_then(Value::as_str) {
            badges.insert(Badges::from_name(n));
        }
    }
    let tag: Vec<String> = item
        .emotes
        .iter()
        .flatten()
        .map(|e| {
            let id = e.id.as_str().map_or_else(|| e.id.to_string(), String::from);
            format!("{id}:{}", e.locations.join(","))
        })
        .collect();
    let user_id = a
        .and_then(|a| a.id.as_ref())
        .and_then(|id| id.as_u64().or_else(|| id.as_str()?.parse().ok()))
        .unwrap_or_else(|| hash_str(&user.to_ascii_lowercase()));
    let mut out = vec![Event::Chat(ChatMessage {
        id: item.message_id.as_deref().map(MsgId::parse),
        user_id,
        username: user.clone(),
        badges,
        emotes: parse_emotes(&tag.join("/"), &text),
        text,
        is_reply: false,
    })];
    if let Some(amount) = item.bits.as_ref().and_then(as_u32).filter(|b| *b > 0) {
        out.push(Event::Bits {
            username: user,
            amount,
        });
    }
    Ok((at, out))
}
