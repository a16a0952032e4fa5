//! Kick over Pusher: what one raw text frame means (`decode_frame`), and the few frames the
//! client sends. Pure functions, no I/O. See kick-protocol.md §1.3–§2.
//!
//! Two decoders give the same answers on well-formed frames: `decode_frame_typed` (serde,
//! complete, the reference) and a fast path for the common chat frame that reads the raw
//! bytes directly and hands anything unfamiliar to the typed one. `decode_frame` is fast
//! path first.

mod fast;
mod lenient;
mod model;
mod typed;
mod unescape;

#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod test_gen;

use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::domain::{ChatMessage, EmoteRef, Event, MsgId, kick_emotes};
use crate::source::json_error::without_values;
use crate::time::Ts;

/// What one raw Pusher text frame means.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// A platform event. `at` is the payload's own time (`created_at`) when it has one.
    Event {
        event: Event,
        at: Option<Ts>,
        key: Option<DedupKey>,
    },
    Control(Control),
    /// Known-but-unused events (the duplicates of §1.5, leaderboards, polls, pins…) and
    /// unknown event names: ignored, never an error. The name has `App\Events\` stripped.
    Ignored(String),
}

/// Connection-level frames the socket loop acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control {
    ConnectionEstablished {
        socket_id: String,
        activity_timeout_s: u64,
    },
    Ping,
    Pong,
    SubscriptionSucceeded {
        channel: String,
    },
    SubscriptionError {
        channel: Option<String>,
        message: String,
    },
    /// `pusher:error`; `data` may be a JSON string or an object.
    Error {
        code: Option<u16>,
        message: String,
    },
}

/// Keys for de-duplicating across channel aliases and reconnects.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DedupKey {
    Message(MsgId),
    /// `correlation_id`: a big gift may arrive in several chunks; count it once.
    Gift(String),
    /// `gift_transaction_id`.
    Kicks(String),
}

/// A malformed frame: not JSON, no `event`, bad `data` JSON, wrong field types.
#[derive(Debug, thiserror::Error)]
/// Shown without the values serde quotes (a viewer's text): see `json_error`.
pub enum DecodeError {
    #[error("not a chat frame: {}", without_values(.0))]
    Frame(serde_json::Error),
    #[error("{event}: data is not a JSON object")]
    NotAnObject { event: String },
    #[error("{event}: bad data: {}", without_values(.error))]
    Data {
        event: String,
        error: serde_json::Error,
    },
    #[error("{event}: missing {field}")]
    Missing { event: String, field: &'static str },
}

/// Decodes one frame: the fast path when it recognises the shape, else the typed decoder.
pub fn decode_frame(raw: &str) -> Result<Frame, DecodeError> {
    match fast::decode(raw) {
        Some(frame) => Ok(frame),
        None => typed::decode(raw),
    }
}

/// The reference decoder (serde only). Same results as `decode_frame`, slower.
pub fn decode_frame_typed(raw: &str) -> Result<Frame, DecodeError> {
    typed::decode(raw)
}

/// The fast path alone: `None` when it does not recognise the frame (then `decode_frame`
/// uses the typed decoder). Useful to count fallbacks.
pub fn decode_frame_fast(raw: &str) -> Option<Frame> {
    fast::decode(raw)
}

/// The fast path for a chat frame into an existing message, reusing its buffers (replay's
/// recycled batches). Returns the payload time and message id, as `Frame::Event`'s `at` and
/// `DedupKey::Message` would be; `None` (the message then half-written) when the fast path
/// does not recognise the frame, and the caller decodes it with `decode_frame` instead.
pub fn decode_chat_into(raw: &str, msg: &mut ChatMessage) -> Option<(Option<Ts>, MsgId)> {
    fast::decode_into(raw, msg)
}

/// `pusher:subscribe` for a public channel (client frames carry `data` as an object).
pub fn subscribe_frame(channel: &str) -> String {
    format!(
        r#"{{"event":"pusher:subscribe","data":{{"auth":"","channel":{}}}}}"#,
        json_str(channel)
    )
}

pub fn unsubscribe_frame(channel: &str) -> String {
    format!(
        r#"{{"event":"pusher:unsubscribe","data":{{"channel":{}}}}}"#,
        json_str(channel)
    )
}

pub fn pong_frame() -> String {
    r#"{"event":"pusher:pong","data":{}}"#.to_owned()
}

pub fn ping_frame() -> String {
    r#"{"event":"pusher:ping","data":{}}"#.to_owned()
}

/// The five public channels of §1.4: `chatrooms.{c}.v2`, `chatrooms.{c}`, `chatroom_{c}`,
/// `channel.{ch}`, `channel_{ch}` (chatroom id and channel id are different numbers).
pub fn channel_names(chatroom_id: u64, channel_id: u64) -> [String; 5] {
    [
        format!("chatrooms.{chatroom_id}.v2"),
        format!("chatrooms.{chatroom_id}"),
        format!("chatroom_{chatroom_id}"),
        format!("channel.{channel_id}"),
        format!("channel_{channel_id}"),
    ]
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

static EMOTE_TAG: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"[emote:"));

/// `kick_emotes`, skipped cheaply for the many messages without any tag.
fn emotes_of(text: &str) -> Vec<EmoteRef> {
    let mut out = Vec::new();
    emotes_into(text, &mut out);
    out
}

/// `emotes_of` into `out` (cleared first), keeping its buffer when there is no tag.
fn emotes_into(text: &str, out: &mut Vec<EmoteRef>) {
    out.clear();
    if EMOTE_TAG.find(text.as_bytes()).is_some() {
        *out = kick_emotes(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_are_valid_pusher_json() {
        let v: serde_json::Value = serde_json::from_str(&subscribe_frame("chatrooms.4567890.v2"))
            .expect("subscribe is JSON");
        assert_eq!(v["event"], "pusher:subscribe");
        assert_eq!(v["data"]["channel"], "chatrooms.4567890.v2");
        assert_eq!(v["data"]["auth"], "");
        let odd: serde_json::Value =
            serde_json::from_str(&subscribe_frame("a\"b\\c")).expect("escaped");
        assert_eq!(odd["data"]["channel"], "a\"b\\c");
        let un: serde_json::Value =
            serde_json::from_str(&unsubscribe_frame("channel_1")).expect("unsubscribe is JSON");
        assert_eq!(un["event"], "pusher:unsubscribe");
        assert_eq!(un["data"]["channel"], "channel_1");
        for (f, name) in [(pong_frame(), "pusher:pong"), (ping_frame(), "pusher:ping")] {
            let v: serde_json::Value = serde_json::from_str(&f).expect("JSON");
            assert_eq!(v["event"], name);
            assert!(v["data"].is_object());
        }
    }

    #[test]
    fn our_own_ping_and_pong_decode_as_control() {
        assert_eq!(
            decode_frame(&ping_frame()).ok(),
            Some(Frame::Control(Control::Ping))
        );
        assert_eq!(
            decode_frame(&pong_frame()).ok(),
            Some(Frame::Control(Control::Pong))
        );
    }

    #[test]
    fn five_channel_names() {
        assert_eq!(
            channel_names(4567890, 668),
            [
                "chatrooms.4567890.v2",
                "chatrooms.4567890",
                "chatroom_4567890",
                "channel.668",
                "channel_668"
            ]
        );
    }
}
