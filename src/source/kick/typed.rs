//! The reference decoder: serde for the frame, then again for the `data` payload. Complete
//! and lenient where Kick is inconsistent; the fast path must agree with it.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::model::{
    Banned, Chat, ConnEstablished, Deleted, Gifted, Hosted, KicksGifted, Live, Stamped, Stopped,
    StreamHost, Subscription,
};
use super::{Control, DecodeError, DedupKey, Frame, emotes_of};
use crate::domain::{Badges, ChatMessage, Event, MsgId};

#[derive(Deserialize)]
struct RawFrame<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    channel: Option<String>,
}

pub(super) fn decode(raw: &str) -> Result<Frame, DecodeError> {
    let frame: RawFrame = serde_json::from_str(raw).map_err(DecodeError::Frame)?;
    let name = frame
        .event
        .strip_prefix(r"App\Events\")
        .unwrap_or(&frame.event);
    let data = frame.data.as_ref();
    let event = |event: Event| Frame::Event {
        event,
        at: None,
        key: None,
    };
    Ok(match name {
        "ChatMessageEvent" => chat(payload(name, data)?),
        "SubscriptionEvent" => {
            let s: Subscription = payload(name, data)?;
            event(Event::Subscription {
                username: s.username,
                // 100 years and more is no sub's age: read as a first month.
                months: s.months.filter(|m| (1..1200).contains(m)).unwrap_or(1),
            })
        }
        "GiftedSubscriptionsEvent" => {
            let g: Gifted = payload(name, data)?;
            let listed = g.gifted_usernames.map_or(0, |v| v.len());
            let listed = u32::try_from(listed).unwrap_or(u32::MAX);
            Frame::Event {
                event: Event::GiftedSubs {
                    gifter: g.gifter_username.unwrap_or_else(|| "Anonymous".to_owned()),
                    count: listed.max(g.gifted_total.unwrap_or(0)),
                },
                at: None,
                key: g.correlation_id.map(|id| DedupKey::Gift(id.0)),
            }
        }
        "KicksGifted" => {
            let k: KicksGifted = payload(name, data)?;
            Frame::Event {
                event: Event::Kicks {
                    sender: k.sender.username,
                    amount: k
                        .gift
                        .amount
                        .and_then(|a| u32::try_from(a).ok())
                        .ok_or_else(|| DecodeError::Data {
                            event: name.to_owned(),
                            error: serde::de::Error::custom("gift.amount: not a number of Kicks"),
                        })?,
                    message: k.message.unwrap_or_default(),
                },
                at: k.created_at,
                key: k.gift_transaction_id.map(|id| DedupKey::Kicks(id.0)),
            }
        }
        "MessageDeletedEvent" => {
            let d: Deleted = payload(name, data)?;
            event(Event::MessageDeleted {
                message_id: MsgId::parse(&d.message.id.0),
            })
        }
        "UserBannedEvent" => {
            let b: Banned = payload(name, data)?;
            event(Event::Ban {
                username: b.user.username,
                permanent: b.permanent.unwrap_or(false),
                duration_min: b.duration,
            })
        }
        "StreamHostEvent" => {
            let h: StreamHost = payload(name, data)?;
            event(Event::Raid {
                from: h.host_username,
                viewers: h.number_viewers.unwrap_or(0),
            })
        }
        "StreamHostedEvent" => {
            let h: Hosted = payload(name, data)?;
            event(Event::Raid {
                from: h.user.username,
                viewers: h.message.viewers.unwrap_or(0),
            })
        }
        "StreamerIsLive" => {
            let l: Live = payload(name, data)?;
            event(Event::Live {
                stream_id: l.livestream.id.as_ref().and_then(serde_json::Value::as_u64),
                title: l.livestream.session_title,
                started_at: l.livestream.created_at,
            })
        }
        "StopStreamBroadcast" => {
            let s: Stopped = payload(name, data)?;
            let stream_id = s
                .livestream
                .and_then(|l| l.id)
                .as_ref()
                .and_then(serde_json::Value::as_u64);
            event(Event::Offline {
                ended_at: None,
                stream_id,
            })
        }
        "ChatroomUpdatedEvent" | "ChatSettingsChanged" => {
            let s: Stamped = payload(name, data)?;
            Frame::Event {
                event: Event::ChatModeChanged,
                at: s.created_at,
                key: None,
            }
        }
        "pusher:connection_established" => {
            let c: ConnEstablished = payload(name, data)?;
            Frame::Control(Control::ConnectionEstablished {
                socket_id: c.socket_id,
                activity_timeout_s: c.activity_timeout.unwrap_or(120),
            })
        }
        "pusher:ping" => Frame::Control(Control::Ping),
        "pusher:pong" => Frame::Control(Control::Pong),
        "pusher_internal:subscription_succeeded" => match frame.channel {
            Some(channel) => Frame::Control(Control::SubscriptionSucceeded { channel }),
            None => {
                return Err(DecodeError::Missing {
                    event: name.to_owned(),
                    field: "channel",
                });
            }
        },
        "pusher:subscription_error" => Frame::Control(Control::SubscriptionError {
            channel: frame.channel,
            message: lenient_error(data).1,
        }),
        "pusher:error" => {
            let (code, message) = lenient_error(data);
            Frame::Control(Control::Error { code, message })
        }
        _ => Frame::Ignored(name.to_owned()),
    })
}

fn chat(c: Chat<'_>) -> Frame {
    let mut badges = Badges::default();
    for kind in c.sender.identity.map(|i| i.badges).unwrap_or_default() {
        badges.insert(Badges::from_name(&kind));
    }
    let id = c.id.map(|id| MsgId::parse(&id.0));
    let text = c.content.into_owned();
    let user_id = c
        .sender
        .id
        .unwrap_or_else(|| id_from_name(&c.sender.username));
    Frame::Event {
        event: Event::Chat(ChatMessage {
            id,
            user_id,
            username: c.sender.username.into_owned(),
            badges,
            emotes: emotes_of(&text),
            text,
            is_reply: c.kind.as_deref() == Some("reply"),
        }),
        at: c.created_at,
        key: id.map(DedupKey::Message),
    }
}

/// A sender whose id is not a number still counts as one chatter: an id made from the name,
/// with the top bit set so it never equals a real one.
fn id_from_name(name: &str) -> u64 {
    // FNV-1a: stable across runs, unlike the std hasher.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h | 1 << 63
}

/// The payload of an event that needs fields: `data` must be a JSON object, either encoded
/// in a string (the normal case) or inline. `"[]"`, a number or no data at all is an error.
fn payload<'a, T: Deserialize<'a>>(event: &str, data: Option<&'a Value>) -> Result<T, DecodeError> {
    let bad = |error| DecodeError::Data {
        event: event.to_owned(),
        error,
    };
    match data {
        Some(Value::String(s)) if s.trim_start().starts_with('{') => {
            serde_json::from_str(s).map_err(bad)
        }
        Some(v @ Value::Object(_)) => T::deserialize(v).map_err(bad),
        _ => Err(DecodeError::NotAnObject {
            event: event.to_owned(),
        }),
    }
}

/// `pusher:error` / `pusher:subscription_error`: whatever explains the error, never an
/// error itself (an unreadable error frame is still worth reporting).
fn lenient_error(data: Option<&Value>) -> (Option<u16>, String) {
    let parsed;
    let obj = match data {
        Some(Value::Object(m)) => Some(m),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => {
                parsed = m;
                Some(&parsed)
            }
            _ => return (None, s.clone()),
        },
        _ => None,
    };
    let Some(obj) = obj else {
        return (None, String::new());
    };
    let code = obj
        .get("code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok());
    let message = ["message", "error", "type"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    (code, message)
}
