//! One replay input line → events. Three kinds, auto-detected per line: a capture line
//! `{"recv", "frame"}`, a raw Pusher frame `{"event", "data", "channel"}`, and a plain line
//! `{"ts", "user", "text", "type"?}`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::domain::{Badges, ChatMessage, Event, Ts, hash_str};
use crate::source::kick::{DedupKey, Frame, decode_chat_into, decode_frame};

/// What a line held. `at: None` means "no time of its own: use the previous line's".
#[derive(Debug, PartialEq)]
pub enum LineItem {
    Event {
        at: Option<Ts>,
        event: Event,
        key: Option<DedupKey>,
    },
    /// A protocol frame, an ignored event, or a blank line.
    Nothing,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LineError {
    #[error("not a JSON object: {0}")]
    Json(String),
    #[error("bad capture time {0:?}")]
    Time(String),
    #[error("bad frame: {0}")]
    Frame(String),
    #[error("line is none of capture, Pusher frame or plain chat")]
    Unknown,
    #[error("plain line: {0}")]
    Plain(String),
}

#[derive(Deserialize)]
struct Capture<'a> {
    #[serde(borrow)]
    recv: Cow<'a, str>,
    #[serde(borrow)]
    frame: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PlainTs<'a> {
    Num(f64),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

#[derive(Deserialize)]
struct Plain<'a> {
    #[serde(borrow)]
    ts: PlainTs<'a>,
    #[serde(borrow, default)]
    user: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    count: Option<f64>,
    amount: Option<f64>,
    viewers: Option<f64>,
}

pub fn parse_line(line: &str) -> Result<LineItem, LineError> {
    // A byte-order mark (files saved by some Windows editors) is not part of the line.
    let line = line.trim().trim_start_matches('\u{feff}');
    if line.is_empty() {
        return Ok(LineItem::Nothing);
    }
    if line.starts_with("{\"event\"") {
        return frame_item(line, None);
    }
    if line.starts_with("{\"recv\"") {
        return capture(line);
    }
    // Keys in another order: look at which ones the object has.
    let probe: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    if probe.contains_key("frame") && probe.contains_key("recv") {
        capture(line)
    } else if probe.contains_key("event") {
        frame_item(line, None)
    } else if probe.contains_key("ts") {
        plain(line)
    } else {
        Err(LineError::Unknown)
    }
}

/// `parse_line`, reusing what `item` holds: a chat message left there by an earlier line
/// keeps its buffers when this line is a chat frame the fast path reads (replay recycles its
/// batches, so the common frame costs no allocation). On `Err`, `item` is left in any state.
pub fn parse_line_into(line: &str, item: &mut LineItem) -> Result<(), LineError> {
    let line = line.trim();
    if line.starts_with("{\"event\"")
        && let LineItem::Event {
            at,
            event: Event::Chat(msg),
            key,
        } = item
        && let Some((t, id)) = decode_chat_into(line, msg)
    {
        *at = t;
        *key = Some(DedupKey::Message(id));
        return Ok(());
    }
    *item = parse_line(line)?;
    Ok(())
}

fn capture(line: &str) -> Result<LineItem, LineError> {
    let c: Capture = serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    let at = Ts::parse_rfc3339(&c.recv).ok_or_else(|| LineError::Time(c.recv.to_string()))?;
    frame_item(c.frame.get(), Some(at))
}

fn frame_item(raw: &str, recv: Option<Ts>) -> Result<LineItem, LineError> {
    match decode_frame(raw).map_err(|e| LineError::Frame(e.to_string()))? {
        Frame::Event { event, at, key } => Ok(LineItem::Event {
            at: recv.or(at),
            event,
            key,
        }),
        Frame::Control(_) | Frame::Ignored(_) => Ok(LineItem::Nothing),
    }
}

/// Unix seconds (milliseconds if the number is too large to be seconds) or RFC 3339. Past
/// the year 5000 in milliseconds it is no time at all (microseconds, or garbage).
fn plain_ts(ts: &PlainTs) -> Option<Ts> {
    match ts {
        PlainTs::Num(n) if n.is_finite() => Ts::plausible(if *n > 1e11 {
            n.round() as i64
        } else {
            Ts::from_secs_f64(*n).0
        }),
        PlainTs::Num(_) => None,
        PlainTs::Text(s) => Ts::parse_rfc3339(s).or_else(|| {
            s.parse::<f64>()
                .ok()
                .and_then(|n| plain_ts(&PlainTs::Num(n)))
        }),
    }
}

fn whole(v: Option<f64>, what: &str) -> Result<u32, LineError> {
    match v {
        Some(n) if n.is_finite() && n >= 0.0 && n <= u32::MAX as f64 => Ok(n.round() as u32),
        _ => Err(LineError::Plain(format!("needs a non-negative \"{what}\""))),
    }
}

fn plain(line: &str) -> Result<LineItem, LineError> {
    let p: Plain = serde_json::from_str(line).map_err(|e| LineError::Plain(e.to_string()))?;
    let at = plain_ts(&p.ts).ok_or_else(|| {
        LineError::Plain(
            "bad \"ts\" (unix seconds or milliseconds, or RFC 3339 such as 2026-12-05T03:42:01Z)"
                .into(),
        )
    })?;
    let user = p.user.unwrap_or_default().into_owned();
    let event = match p.kind.as_deref().unwrap_or("chat") {
        "chat" => {
            let text = p
                .text
                .ok_or_else(|| LineError::Plain("chat line needs \"text\"".into()))?;
            Event::Chat(ChatMessage {
                id: None,
                user_id: hash_str(&user),
                username: user,
                badges: Badges::default(),
                text: text.into_owned(),
                emotes: Vec::new(),
                is_reply: false,
            })
        }
        "sub" => Event::Subscription {
            username: user,
            months: whole(p.count.or(Some(1.0)), "count")?,
        },
        "gift" => Event::GiftedSubs {
            gifter: user,
            count: whole(p.count, "count")?,
        },
        "donation" => match p.amount {
            Some(a) if a.is_finite() && a >= 0.0 => Event::Donation {
                username: user,
                amount_usd: a,
                message: p.text.unwrap_or_default().into_owned(),
            },
            _ => {
                return Err(LineError::Plain(
                    "donation needs a non-negative \"amount\"".into(),
                ));
            }
        },
        "raid" => Event::Raid {
            from: user,
            viewers: whole(p.viewers.or(p.count), "viewers")?,
        },
        "viewers" => Event::Viewers {
            count: whole(p.count.or(p.viewers), "count")?,
        },
        other => return Err(LineError::Plain(format!("unknown type {other:?}"))),
    };
    Ok(LineItem::Event {
        at: Some(at),
        event,
        key: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(line: &str) -> (Option<Ts>, Event) {
        match parse_line(line) {
            Ok(LineItem::Event { at, event, .. }) => (at, event),
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn plain_lines_of_every_type() {
        let (at, e) = ev(r#"{"ts": 1700000000.5, "user": "Bob", "text": "KEKW"}"#);
        assert_eq!(at, Some(Ts(1_700_000_000_500)));
        assert!(matches!(e, Event::Chat(m) if m.text == "KEKW" && m.username == "Bob"));
        let (at, _) = ev(r#"{"text": "hi", "user": "a", "ts": "2026-02-27T10:30:00Z"}"#);
        assert_eq!(at, Ts::parse_rfc3339("2026-02-27T10:30:00Z"));
        assert!(matches!(
            ev(r#"{"ts":1,"user":"a","type":"sub"}"#).1,
            Event::Subscription { months: 1, .. }
        ));
        assert!(matches!(
            ev(r#"{"ts":1,"user":"a","type":"gift","count":5}"#).1,
            Event::GiftedSubs { count: 5, .. }
        ));
        assert!(matches!(
            ev(r#"{"ts":1,"user":"a","type":"donation","amount":2.5}"#).1,
            Event::Donation {
                amount_usd: 2.5,
                ..
            }
        ));
        assert!(matches!(
            ev(r#"{"ts":1,"user":"a","type":"raid","viewers":300}"#).1,
            Event::Raid { viewers: 300, .. }
        ));
        assert!(matches!(
            ev(r#"{"ts":1,"type":"viewers","count":42}"#).1,
            Event::Viewers { count: 42 }
        ));
        let (at, _) = ev(r#"{"ts":1700000000123,"user":"a","text":"ms"}"#);
        assert_eq!(at, Some(Ts(1_700_000_000_123)));
    }

    /// Decoding into a recycled item gives what a fresh decode gives, whatever the item held.
    #[test]
    fn parse_line_into_a_reused_item_equals_parse_line() {
        let mut lines: Vec<String> = include_str!("../../tests/fixtures/kick/frames.jsonl")
            .lines()
            .chain(include_str!("../../tests/fixtures/kick/malformed.jsonl").lines())
            .map(str::to_owned)
            .collect();
        lines.extend((0..24).map(|i| crate::bench::kick_chat_frame(i, 1_790_000_000)));
        lines.push(r#"{"ts": 1, "user": "a", "text": "KEKW"}"#.into());
        let mut item = LineItem::Nothing;
        for _ in 0..2 {
            for line in &lines {
                let want = parse_line(line);
                let got = parse_line_into(line, &mut item).map(|()| &item);
                assert_eq!(got.ok(), want.as_ref().ok(), "{line}");
            }
        }
    }

    /// An absurd `created_at` is no time (the line takes the previous one's), not a time that
    /// carries every later line to the year 292 million.
    #[test]
    fn a_kick_frame_from_an_absurd_time_has_no_time() {
        let frame = crate::bench::kick_chat_frame(1, 1_790_000_000);
        let ok = ev(&frame).0;
        assert!(ok.is_some_and(|t| t.0 > 1_700_000_000_000), "{frame}");
        let at = frame
            .find("created_at")
            .expect("the frame has a created_at");
        // The payload is JSON in a string: its quotes are escaped.
        let end = at + frame[at..].find("+00:00").expect("an offset") + "+00:00".len();
        let start = at + frame[at..].find(':').expect("a colon") + 1;
        for absurd in ["9223372036854775807", "-9223372036854775808", "1e300"] {
            let line = format!("{}{absurd}{}", &frame[..start], &frame[end + 2..]);
            let (at, e) = ev(&line);
            assert_eq!(at, None, "{line}");
            assert!(matches!(e, Event::Chat(_)), "the message is kept");
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_cost_the_first_line() {
        let (at, _) = ev("\u{feff}{\"ts\": 12.5, \"user\": \"a\", \"text\": \"hi\"}");
        assert_eq!(at, Some(Ts(12_500)));
    }

    #[test]
    fn unreadable_lines_are_errors_not_panics() {
        for bad in [
            "not json",
            "{\"ts\": \"yesterday\", \"text\": \"x\"}",
            "{\"ts\": 1, \"type\": \"gift\"}",
            "{\"ts\": 1, \"type\": \"party\"}",
            "{\"ts\": 1}",
            "{\"foo\": 1}",
            "[1,2]",
            "{\"recv\": \"nope\", \"frame\": {}}",
            "{\"ts\": 1, \"user\": \"a\", \"text\": \"x\"",
            // Microseconds, or garbage: past the year 5000 it is no time.
            "{\"ts\": 1e19, \"user\": \"a\", \"text\": \"x\"}",
            "{\"ts\": 1700000000000000, \"user\": \"a\", \"text\": \"x\"}",
        ] {
            assert!(parse_line(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_line("   "), Ok(LineItem::Nothing));
    }
}
