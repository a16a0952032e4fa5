//! One TwitchDownloader comment → events, and the USERNOTICE kinds every export shares. Pure;
//! times come from the comment plus the video's start.

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
    // Negative, infinite or beyond a year: not an offset into a VOD.
    let offset = c.content_offset_seconds;
    if !(0.0..=366.0 * 86_400.0).contains(&offset) {
        return Err(format!("bad content_offset_seconds {offset}"));
    }
    if let Some(start) = video_start {
        return Ok(start.plus_secs(offset));
    }
    c.created_at
        .as_deref()
        .and_then(Ts::parse_rfc3339)
        .ok_or_else(|| "a comment with no time (no video.created_at, no created_at)".into())
}

/// The display name when it is the login with other capitals, else the login.
pub(super) fn name(display: Option<&str>, login: Option<&str>) -> String {
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

pub(super) fn as_u32(v: &Value) -> Option<u32> {
    let n = v
        .as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))?;
    Some(n.min(u32::MAX as u64) as u32)
}

/// A USERNOTICE kind (Twitch's `msg-id` or chat-downloader's `message_type`) → its event.
pub(super) fn notice(
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
            let key = format!("by:{}", g.to_ascii_lowercase());
            let event = Event::GiftedSubs { gifter: g, count };
            // One the core refuses as garbage must not swallow the gifter's real gifts.
            if event.is_plausible() {
                gifts.announce(&key, count);
            }
            Some(event)
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
