// TEMP STUB (not committed as final): replaced by the decode branch.
use crate::domain::{Event, MsgId, Ts};
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DedupKey {
    Message(MsgId),
    Gift(String),
    Kicks(String),
}
#[derive(Debug, PartialEq)]
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
    Error {
        code: Option<u16>,
        message: String,
    },
}
#[derive(Debug, PartialEq)]
pub enum Frame {
    Event {
        event: Event,
        at: Option<Ts>,
        key: Option<DedupKey>,
    },
    Control(Control),
    Ignored(String),
}
#[derive(Debug, thiserror::Error)]
#[error("bad frame")]
pub struct DecodeError;
pub fn decode_frame(_raw: &str) -> Result<Frame, DecodeError> {
    Err(DecodeError)
}
pub fn subscribe_frame(channel: &str) -> String {
    format!(
        "{{\"event\":\"pusher:subscribe\",\"data\":{{\"auth\":\"\",\"channel\":\"{channel}\"}}}}"
    )
}
pub fn pong_frame() -> String {
    "{\"event\":\"pusher:pong\",\"data\":{}}".into()
}
pub fn ping_frame() -> String {
    "{\"event\":\"pusher:ping\",\"data\":{}}".into()
}
pub fn channel_names(chatroom_id: u64, channel_id: u64) -> [String; 5] {
    [
        format!("chatrooms.{chatroom_id}.v2"),
        format!("chatrooms.{chatroom_id}"),
        format!("chatroom_{chatroom_id}"),
        format!("channel.{channel_id}"),
        format!("channel_{channel_id}"),
    ]
}
