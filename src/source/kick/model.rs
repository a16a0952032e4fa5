//! Serde shapes of the event payloads we read (kick-protocol.md §2). Only the fields we use;
//! everything else (badges_v2, metadata, images…) is skipped, whatever its type.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

use super::lenient;
use crate::time::Ts;

#[derive(Deserialize)]
pub(super) struct Chat<'a> {
    pub id: Option<IdText>,
    #[serde(borrow)]
    pub content: Cow<'a, str>,
    #[serde(rename = "type", default, deserialize_with = "lenient::text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "opt_ts")]
    pub created_at: Option<Ts>,
    #[serde(borrow)]
    pub sender: Sender<'a>,
}

#[derive(Deserialize)]
pub(super) struct Sender<'a> {
    /// `None`: not a number (the name stands in for it).
    #[serde(default, deserialize_with = "lenient::number")]
    pub id: Option<u64>,
    #[serde(borrow)]
    pub username: Cow<'a, str>,
    pub identity: Option<Identity>,
}

#[derive(Deserialize)]
pub(super) struct Identity {
    #[serde(default, deserialize_with = "lenient::badges")]
    pub badges: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Subscription {
    pub username: String,
    #[serde(default, deserialize_with = "lenient::count")]
    pub months: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct Gifted {
    pub gifter_username: Option<String>,
    /// Counted, never read: no allocation per name.
    pub gifted_usernames: Option<Vec<IgnoredAny>>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub gifted_total: Option<u32>,
    pub correlation_id: Option<IdText>,
}

#[derive(Deserialize)]
pub(super) struct KicksGifted {
    pub gift_transaction_id: Option<IdText>,
    pub message: Option<String>,
    pub sender: Named,
    pub gift: Gift,
    #[serde(default, deserialize_with = "opt_ts")]
    pub created_at: Option<Ts>,
}

#[derive(Deserialize)]
pub(super) struct Gift {
    #[serde(default, deserialize_with = "lenient::number")]
    pub amount: Option<u64>,
}

#[derive(Deserialize)]
pub(super) struct Named {
    pub username: String,
}

#[derive(Deserialize)]
pub(super) struct Deleted {
    pub message: WithId,
}

#[derive(Deserialize)]
pub(super) struct WithId {
    pub id: IdText,
}

#[derive(Deserialize)]
pub(super) struct Banned {
    pub user: Named,
    pub permanent: Option<bool>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub duration: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct StreamHost {
    pub host_username: String,
    #[serde(default, deserialize_with = "lenient::count")]
    pub number_viewers: Option<u32>,
}

/// Legacy `StreamHostedEvent` (camelCase inside `message`).
#[derive(Deserialize)]
pub(super) struct Hosted {
    pub user: Named,
    pub message: HostedMessage,
}

#[derive(Deserialize)]
pub(super) struct HostedMessage {
    #[serde(rename = "numberOfViewers")]
    pub viewers: Option<u32>,
}

/// `StopStreamBroadcast`: only the broadcast's id is read.
#[derive(Deserialize)]
pub(super) struct Stopped {
    #[serde(default)]
    pub livestream: Option<StoppedStream>,
}

#[derive(Deserialize)]
pub(super) struct StoppedStream {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub(super) struct Live {
    pub livestream: Livestream,
}

#[derive(Deserialize)]
pub(super) struct Livestream {
    /// A number; anything else is no id (the event still counts).
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub session_title: Option<String>,
    #[serde(default, deserialize_with = "opt_ts")]
    pub created_at: Option<Ts>,
}

/// Any payload whose only use to us is its own time.
#[derive(Deserialize)]
pub(super) struct Stamped {
    #[serde(default, deserialize_with = "opt_ts")]
    pub created_at: Option<Ts>,
}

#[derive(Deserialize)]
pub(super) struct ConnEstablished {
    pub socket_id: String,
    pub activity_timeout: Option<u64>,
}

/// An id that Kick sends as a string, occasionally as a number.
pub(super) struct IdText(pub String);

impl<'de> Deserialize<'de> for IdText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IdText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id (string or integer)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<IdText, E> {
                Ok(IdText(s.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<IdText, E> {
                Ok(IdText(n.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<IdText, E> {
                Ok(IdText(n.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `created_at`: RFC 3339 text (unparseable text is `None`), or unix seconds in older
/// payloads, or null.
fn opt_ts<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ts>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Ts>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a time (RFC 3339 string or unix seconds)")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Option<Ts>, E> {
            Ok(Ts::parse_rfc3339(s))
        }
        // Out of the plausible range (an absurd number) is no time, like unparseable text.
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Option<Ts>, E> {
            Ok(i64::try_from(n)
                .ok()
                .and_then(|n| Ts::plausible(n.saturating_mul(1000))))
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Option<Ts>, E> {
            Ok(Ts::plausible(n.saturating_mul(1000)))
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<Option<Ts>, E> {
            // The cast saturates; NaN would read as 1970.
            Ok(n.is_finite()
                .then(|| Ts::from_secs_f64(n))
                .and_then(|t| Ts::plausible(t.0)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<Ts>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<Ts>, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Option<Ts>, D2::Error> {
            d.deserialize_any(V)
        }
    }
    d.deserialize_any(V)
}
