//! Centrifugo's JSON protocol as Kick's realtime servers speak it (kick-protocol.md §1.6):
//! the commands the client sends and what one line from the server means. Several commands
//! or replies may share one WebSocket frame, one JSON object per line. Pure, no I/O.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::source::json_error::without_values;

/// What one line from the server means.
#[derive(Debug, PartialEq)]
pub enum Reply<'a> {
    /// `{}`: the server's heartbeat; answer `{}`.
    Ping,
    /// The reply to `connect`: the token's lifetime and the heartbeat interval, in seconds.
    Connected {
        ttl: Option<u64>,
        ping: Option<u64>,
    },
    Subscribed {
        id: u32,
    },
    Refreshed {
        ttl: Option<u64>,
    },
    /// An error reply to command `id`.
    Error {
        id: Option<u32>,
        code: u16,
        message: String,
    },
    /// A publication: `data` is the Pusher-shaped `{"event", "data"}` pair, untouched.
    Publication {
        channel: String,
        data: &'a str,
    },
    /// The server ends the connection.
    Disconnect {
        code: u16,
        reason: String,
    },
    /// Anything else (joins, leaves, unknown replies): ignored.
    Other,
}

#[derive(Deserialize)]
struct Line<'a> {
    id: Option<u32>,
    connect: Option<Lifetime>,
    subscribe: Option<IgnoredAny>,
    refresh: Option<Lifetime>,
    error: Option<ErrorBody>,
    #[serde(borrow)]
    push: Option<Push<'a>>,
}

#[derive(Deserialize)]
struct Lifetime {
    ttl: Option<u64>,
    ping: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: Option<u32>,
    #[serde(alias = "reason")]
    message: Option<String>,
}

#[derive(Deserialize)]
struct Push<'a> {
    channel: Option<String>,
    #[serde(borrow, rename = "pub")]
    publication: Option<Publication<'a>>,
    disconnect: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct Publication<'a> {
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

fn code(c: Option<u32>) -> u16 {
    c.and_then(|c| u16::try_from(c).ok()).unwrap_or(0)
}

/// Reads one line (already split off its frame, not empty).
pub fn parse_line(line: &str) -> Result<Reply<'_>, String> {
    let l: Line = serde_json::from_str(line)
        .map_err(|e| format!("not a Centrifugo reply: {}", without_values(&e)))?;
    if let Some(push) = l.push {
        if let Some(d) = push.disconnect {
            return Ok(Reply::Disconnect {
                code: code(d.code),
                reason: d.message.unwrap_or_default(),
            });
        }
        let channel = push.channel.unwrap_or_default();
        return match push.publication.and_then(|p| p.data) {
            Some(data) => Ok(Reply::Publication {
                channel,
                data: data.get(),
            }),
            None => Ok(Reply::Other),
        };
    }
    if let Some(e) = l.error {
        return Ok(Reply::Error {
            id: l.id,
            code: code(e.code),
            message: e.message.unwrap_or_default(),
        });
    }
    Ok(match (l.id, l.connect, l.subscribe, l.refresh) {
        (_, Some(c), _, _) => Reply::Connected {
            ttl: c.ttl,
            ping: c.ping,
        },
        (Some(id), None, Some(_), _) => Reply::Subscribed { id },
        (_, None, None, Some(r)) => Reply::Refreshed { ttl: r.ttl },
        (None, None, None, None) if line.trim() == "{}" => Reply::Ping,
        _ => Reply::Other,
    })
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

pub fn connect_cmd(id: u32, token: &str) -> String {
    format!(
        r#"{{"connect":{{"token":{},"name":"js"}},"id":{id}}}"#,
        json_str(token)
    )
}

pub fn subscribe_cmd(id: u32, channel: &str) -> String {
    format!(
        r#"{{"subscribe":{{"channel":{},"flag":0}},"id":{id}}}"#,
        json_str(channel)
    )
}

pub fn refresh_cmd(id: u32, token: &str) -> String {
    format!(r#"{{"refresh":{{"token":{}}},"id":{id}}}"#, json_str(token))
}

/// The client's answer to a heartbeat.
pub const PONG: &str = "{}";

/// The Pusher-shaped frame inside a publication: `{"event", "data"}` as it came, or, when a
/// server sends it as a JSON string, that string.
pub fn inner_frame(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.starts_with('"')
        && let Ok(s) = serde_json::from_str::<String>(raw)
    {
        return s.into();
    }
    raw.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read() {
        assert_eq!(parse_line("{}"), Ok(Reply::Ping));
        assert_eq!(
            parse_line(
                r#"{"id":1,"connect":{"client":"c","version":"6.9.2 PRO","expires":true,"ttl":1800,"ping":25}}"#
            ),
            Ok(Reply::Connected {
                ttl: Some(1800),
                ping: Some(25)
            })
        );
        assert_eq!(
            parse_line(r#"{"id":2,"subscribe":{}}"#),
            Ok(Reply::Subscribed { id: 2 })
        );
        assert_eq!(
            parse_line(r#"{"id":9,"refresh":{"expires":true,"ttl":1700}}"#),
            Ok(Reply::Refreshed { ttl: Some(1700) })
        );
        assert_eq!(
            parse_line(r#"{"id":1,"error":{"code":109,"message":"token expired"}}"#),
            Ok(Reply::Error {
                id: Some(1),
                code: 109,
                message: "token expired".into()
            })
        );
        assert_eq!(
            parse_line(r#"{"push":{"disconnect":{"code":3005,"reason":"expired"}}}"#),
            Ok(Reply::Disconnect {
                code: 3005,
                reason: "expired".into()
            })
        );
        assert!(parse_line("not json").is_err());
        assert_eq!(
            parse_line(r#"{"push":{"channel":"x","join":{}}}"#),
            Ok(Reply::Other)
        );
    }

    #[test]
    fn a_publication_carries_the_pusher_pair_untouched() {
        let line = r#"{"push":{"channel":"chatrooms.1.v2","pub":{"data":{"event":"App\\Events\\ChatMessageEvent","data":"{\"id\":\"x\"}"},"offset":7}}}"#;
        let Ok(Reply::Publication { channel, data }) = parse_line(line) else {
            panic!("not a publication")
        };
        assert_eq!(channel, "chatrooms.1.v2");
        assert_eq!(
            inner_frame(data),
            r#"{"event":"App\\Events\\ChatMessageEvent","data":"{\"id\":\"x\"}"}"#
        );
        let stringly =
            r#"{"push":{"channel":"c","pub":{"data":"{\"event\":\"E\",\"data\":\"{}\"}"}}}"#;
        let Ok(Reply::Publication { data, .. }) = parse_line(stringly) else {
            panic!("not a publication")
        };
        assert_eq!(inner_frame(data), r#"{"event":"E","data":"{}"}"#);
    }

    #[test]
    fn commands_are_json() {
        for cmd in [
            connect_cmd(1, "t\"k"),
            subscribe_cmd(2, "channel.1"),
            refresh_cmd(3, "t"),
        ] {
            let v: serde_json::Value = serde_json::from_str(&cmd).expect("JSON");
            assert!(v["id"].is_u64());
        }
        let v: serde_json::Value = serde_json::from_str(&connect_cmd(1, "t\"k")).unwrap();
        assert_eq!(v["connect"]["token"], "t\"k");
    }
}
