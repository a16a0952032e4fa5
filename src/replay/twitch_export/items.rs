//! One exported Twitch chat item → events: a TwitchDownloader comment or a chat-downloader
//! message. Pure; times come from the item (plus the video's start for TwitchDownloader).

use serde::Deserialize;
use serde_json::Value;

use crate::domain::{Badges, ChatMessage, EmoteRef, Event, MsgId, Ts, hash_str};
use crate::source::twitch::map::{ANONYMOUS_GIFTER, GiftFolder, parse_emotes};

/// A TwitchDownloader comment (`comments[]`).
#[derive(Deserialize)]
pub struct Comment {
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    pub content_offset_seconds: f64,
    #[serde(default)]
    pub commenter: Option<Commenter>,
    pub message: CommentMessage,
}

#[derive(Deserialize)]
pub struct Commenter {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Deserialize)]
pub struct CommentMessage {
    pub body: String,
    #[serde(default)]
    pub bits_spent: Option<u64>,
    #[serde(default)]
    pub emoticons: Option<Vec<Emoticon>>,
    #[serde(default)]
    pub fragments: Option<Vec<Fragment>>,
    #[serde(default)]
    pub user_badges: Option<Vec<Badge>>,
    #[serde(default)]
    pub user_notice_params: Option<Value>,
}

#[derive(Deserialize)]
pub struct Emoticon {
    #[serde(rename = "_id")]
    pub id: String,
    pub begin: usize,
    pub end: usize,
}

#[derive(Deserialize)]
pub struct Fragment {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub emoticon: Option<Value>,
}

#[derive(Deserialize)]
pub struct Badge {
    #[serde(rename = "_id", default)]
    pub id: String,
}

/// The time of a comment: the video's start plus its offset, else its own `created_at`.
pub fn comment_time(c: &Comment, video_start: Option<Ts>) -> Result<Ts, String> {
    if !c.content_offset_seconds.is_finite() || c.content_offset_seconds < 0.0 {
        return Err(format!(
            "bad content_offset_seconds {}",
            c.content_offset_seconds
        ));
    }
    if let Some(start) = video_start {
        return Ok(start.plus_secs(c.content_offset_seconds));
    }
    c.created_at
        .as_deref()
        .and_then(Ts::parse_rfc3339)
        .ok_or_else(|| "a comment with no time (no video.created_at, no created_at)".into())
}

/// The display name when it is the login with other capitals, else the login.
fn name(display: Option<&str>, login: Option<&str>) -> String {
    match (display, login) {
        (Some(d), Some(l)) if d.eq_ignore_ascii_case(l) => d.into(),
        (_, Some(l)) if !l.is_empty() => l.into(),
        (Some(d), _) => d.into(),
        _ => String::new(),
    }
}

pub fn comment_events(c: &Comment, gifts: &mut GiftFolder) -> Result<Vec<Event>, String> {
    let who = c.commenter.as_ref();
    let username = name(
        who.and_then(|w| w.display_name.as_deref()),
        who.and_then(|w| w.name.as_deref()),
    );
    if username.is_empty() {
        return Err("a comment with no commenter".into());
    }
    let m = &c.message;
    if let Some(kind) = m
        .user_notice_params
        .as_ref()
        .and_then(|p| p.get("msg-id"))
        .and_then(Value::as_str)
    {
        let p = m.user_notice_params.as_ref();
        let num = |k: &str| p.and_then(|p| p.get(k)).and_then(as_u32);
        return Ok(notice(kind, &username, num, gifts).into_iter().collect());
    }
    let mut badges = Badges::default();
    for b in m.user_badges.iter().flatten() {
        badges.insert(Badges::from_name(&b.id));
    }
    let emotes = match &m.emoticons {
        Some(list) if !list.is_empty() => {
            let tag: Vec<String> = list
                .iter()
                .map(|e| format!("{}:{}-{}", e.id, e.begin, e.end))
                .collect();
            parse_emotes(&tag.join("/"), &m.body)
        }
        _ => fragment_emotes(m.fragments.as_deref().unwrap_or(&[])),
    };
    let user_id = who
        .and_then(|w| w.id.as_deref())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| hash_str(&username.to_ascii_lowercase()));
    let mut out = vec![Event::Chat(ChatMessage {
        id: c.id.as_deref().map(MsgId::parse),
        user_id,
        username: username.clone(),
        badges,
        text: m.body.clone(),
        emotes,
        is_reply: false,
    })];
    if let Some(amount) = m.bits_spent.filter(|b| *b > 0) {
        let amount = amount.min(u32::MAX as u64) as u32;
        out.push(Event::Bits { username, amount });
    }
    Ok(out)
}

/// Emotes from `fragments` (the text is the fragments joined; emote fragments carry ids).
fn fragment_emotes(fragments: &[Fragment]) -> Vec<EmoteRef> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for f in fragments {
        let end = at + f.text.len();
        let id = f
            .emoticon
            .as_ref()
            .and_then(|e| e.get("emoticon_id"))
            .and_then(|id| {
                id.as_str()
                    .map(String::from)
                    .or_else(|| Some(id.to_string()))
            });
        if let Some(id) = id {
            out.push(EmoteRef {
                id: id.parse().unwrap_or_else(|_| hash_str(&id)),
                name_start: at as u32,
                name_end: end as u32,
            });
        }
        at = end;
    }
    out
}

fn as_u32(v: &Value) -> Option<u32> {
    let n = v
        .as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))?;
    Some(n.min(u32::MAX as u64) as u32)
}

/// A USERNOTICE kind (Twitch's `msg-id` or chat-downloader's `message_type`) → its event.
fn notice(
    kind: &str,
    user: &str,
    num: impl Fn(&str) -> Option<u32>,
    gifts: &mut GiftFolder,
) -> Option<Event> {
    let anon = kind.starts_with("anon");
    let gifter = || {
        if anon {
            ANONYMOUS_GIFTER.to_string()
        } else {
            user.to_string()
        }
    };
    let first = |keys: &[&str]| keys.iter().find_map(|k| num(k));
    match kind {
        "sub" | "resub" | "subscription" | "resubscription" => Some(Event::Subscription {
            username: user.into(),
            months: first(&["msg-param-cumulative-months", "cumulative_months"])
                .unwrap_or(1)
                .max(1),
        }),
        k if k.contains("mystery") => {
            let count = first(&[
                "msg-param-mass-gift-count",
                "mass_gift_count",
                "number_of_gifted_subs",
            ])
            .unwrap_or(1)
            .max(1);
            let g = gifter();
            gifts.announced(&format!("by:{}", g.to_ascii_lowercase()), count);
            Some(Event::GiftedSubs { gifter: g, count })
        }
        k if k.ends_with("subgift") || k.ends_with("subscription_gift") => {
            let g = gifter();
            (!gifts.absorb(&format!("by:{}", g.to_ascii_lowercase()))).then_some(
                Event::GiftedSubs {
                    gifter: g,
                    count: 1,
                },
            )
        }
        "raid" => Some(Event::Raid {
            from: user.into(),
            viewers: first(&["msg-param-viewerCount", "number_of_raiders", "viewer_count"])
                .unwrap_or(0),
        }),
        _ => None,
    }
}

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
    let us = item.timestamp.ok_or("a message with no timestamp")?;
    let at = Ts(us.div_euclid(1000));
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
