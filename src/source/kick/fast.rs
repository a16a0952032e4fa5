//! The fast path: a `ChatMessageEvent` frame shaped exactly as Kick sends it, read straight
//! from the raw bytes with no JSON parse and no unescape of `data`.
//!
//! Keys are matched in place, in Kick's order (id, chatroom_id, content, type, created_at,
//! sender{id, username, slug, identity{color, badges…}}), so each `id`/`type`/`username` is
//! the one at the expected nesting, never one from `metadata.original_sender` or `badges_v2`.
//! Matching in place (rather than searching for keys) needs no search at all and cannot
//! pick a key from the wrong object. Anything else returns `None` and the typed decoder
//! takes over.
//!
//! Deliberate trade: what follows `badges` (`badges_v2`, `metadata`, `thread_parent_id`,
//! about half the frame) is skipped unread. Only the frame's end is checked, so truncation
//! falls back; but a frame corrupted only in that tail is accepted here while the typed
//! decoder rejects it. Kick's frames come from a JSON encoder, so this costs nothing real.

use std::borrow::Cow;

use super::unescape::inner_str;
use super::{DedupKey, Frame, emotes_into};
use crate::domain::{Badges, ChatMessage, Event, MsgId};
use crate::time::Ts;

/// The frame up to the opening quote of the message id.
const PREFIX: &[u8] = br#"{"event":"App\\Events\\ChatMessageEvent","data":"{\"id\":\""#;

pub(super) fn decode(raw: &str) -> Option<Frame> {
    let mut msg = ChatMessage {
        id: None,
        user_id: 0,
        username: String::new(),
        badges: Badges::default(),
        text: String::new(),
        emotes: Vec::new(),
        is_reply: false,
    };
    let (at, id) = decode_into(raw, &mut msg)?;
    Some(Frame::Event {
        event: Event::Chat(msg),
        at,
        key: Some(DedupKey::Message(id)),
    })
}

/// `decode` into an existing message, reusing its strings' buffers: replay decodes millions
/// of frames into recycled batches, with no allocation per frame. Returns the payload time
/// and the message id; on `None` the message is left half-written (the caller replaces it).
pub(super) fn decode_into(raw: &str, msg: &mut ChatMessage) -> Option<(Option<Ts>, MsgId)> {
    let raw = raw.trim_start_matches(JSON_WS);
    let mut c = Cursor {
        raw,
        b: raw.as_bytes(),
        i: 0,
    };
    c.lit(PREFIX)?;
    let id = match c.uuid() {
        Some(id) => id,
        None => MsgId::parse(&c.string()?),
    };
    c.lit(br#",\"chatroom_id\":"#)?;
    c.uint()?;
    c.lit(br#",\"content\":\""#)?;
    set(&mut msg.text, &c.string()?);
    c.lit(br#",\"type\":\""#)?;
    let is_reply = c.string()? == "reply";
    c.lit(br#",\"created_at\":\""#)?;
    let at = Ts::parse_rfc3339(&c.string()?);
    c.lit(br#",\"sender\":{\"id\":"#)?;
    let user_id = c.uint()?;
    c.lit(br#",\"username\":\""#)?;
    set(&mut msg.username, &c.string()?);
    c.lit(br#",\"slug\":\""#)?;
    c.string()?;
    c.lit(br#",\"identity\":{\"color\":\""#)?;
    c.string()?;
    c.lit(br#",\"badges\":["#)?;
    let badges = c.badges()?;
    // The end is checked last: touching it first costs a cache miss before any work.
    if data_end(raw.trim_end_matches(JSON_WS).as_bytes())? < c.i {
        return None;
    }
    msg.id = Some(id);
    msg.user_id = user_id;
    msg.badges = badges;
    msg.is_reply = is_reply;
    emotes_into(&msg.text, &mut msg.emotes);
    Some((at, id))
}

/// Overwrites `s` with `v`, keeping its buffer.
fn set(s: &mut String, v: &str) {
    s.clear();
    s.push_str(v);
}

/// Hex digit values; 0xFF for anything else.
const HEX: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

const JSON_WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// Where the `data` string closes, given that the frame ends `…}"}` or
/// `…}","channel":"<name>"}` (Kick's order). `None` for any other ending.
fn data_end(b: &[u8]) -> Option<usize> {
    let body = b.strip_suffix(b"\"}")?;
    const CHANNEL: &[u8] = br#"","channel":""#;
    let quote = memchr::memrchr(b'"', body);
    let end = match quote {
        Some(q)
            if body[..=q].ends_with(CHANNEL)
                && body[q + 1..]
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-')) =>
        {
            q + 1 - CHANNEL.len()
        }
        _ => body.len(),
    };
    // The closing quote follows the payload's final `}`, so it is not an escaped one.
    (end > 0 && b.get(end - 1) == Some(&b'}')).then_some(end)
}

struct Cursor<'a> {
    raw: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    /// Consumes `s` if the input continues with it.
    fn lit(&mut self, s: &[u8]) -> Option<()> {
        if self.b.get(self.i..)?.starts_with(s) {
            self.i += s.len();
            Some(())
        } else {
            None
        }
    }

    /// An inner string whose opening `\"` was just consumed.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let (v, next) = inner_str(self.raw, self.i)?;
        self.i = next;
        Some(v)
    }

    /// A canonical lowercase/uppercase UUID followed by the closing `\"`: the same value as
    /// `MsgId::parse`, without its per-byte dash test. `None` (nothing consumed) otherwise.
    fn uuid(&mut self) -> Option<MsgId> {
        let s = self.b.get(self.i..self.i + 38)?;
        if &s[36..] != br#"\""# || [8, 13, 18, 23].iter().any(|&k| s[k] != b'-') {
            return None;
        }
        let mut v: u128 = 0;
        for (k, &c) in s[..36].iter().enumerate() {
            if !matches!(k, 8 | 13 | 18 | 23) {
                let d = HEX[usize::from(c)];
                if d > 15 {
                    return None;
                }
                v = v << 4 | u128::from(d);
            }
        }
        self.i += 38;
        Some(MsgId(v))
    }

    /// A JSON non-negative integer that fits a u64 (no leading zeros, no fraction).
    fn uint(&mut self) -> Option<u64> {
        let digits = self.b.get(self.i..)?;
        let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || (n > 1 && digits[0] == b'0') {
            return None;
        }
        let mut v: u64 = 0;
        for &d in &digits[..n] {
            v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        self.i += n;
        // A fraction or exponent would make it a float: let serde decide.
        (!matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E'))).then_some(v)
    }

    /// `badges` entries after the opening `[`: flat objects whose first key is `type`.
    fn badges(&mut self) -> Option<Badges> {
        let mut set = Badges::default();
        if self.lit(b"]").is_some() {
            return Some(set);
        }
        loop {
            self.lit(br#"{\"type\":\""#)?;
            set.insert(Badges::from_name(&self.string()?));
            while self.lit(b"}").is_none() {
                self.lit(br#",\""#)?;
                if self.string()? == "type" {
                    return None; // a duplicate key: serde rejects it, so must we
                }
                self.lit(b":")?;
                self.scalar()?;
            }
            if self.lit(b"]").is_some() {
                return Some(set);
            }
            self.lit(b",")?;
        }
    }

    /// A string, integer, `true`, `false` or `null` (badge fields are never nested).
    fn scalar(&mut self) -> Option<()> {
        if self.lit(br#"\""#).is_some() {
            return self.string().map(drop);
        }
        for word in [&b"true"[..], b"false", b"null"] {
            if self.lit(word).is_some() {
                return Some(());
            }
        }
        self.lit(b"-");
        self.uint().map(drop)
    }
}
