use crate::domain::{Event, MsgId, Ts};
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DedupKey {
    Message(MsgId),
    Gift(String),
    Kicks(String),
}
pub enum Control {
    Ping,
}
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
