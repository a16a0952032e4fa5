//! Defensive readers for Kick's JSON: missing or oddly typed fields become `None`; only the
//! ids kicktui cannot work without are errors.

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::store::ChannelIds;
use crate::time::Ts;

/// A channel from `/api/v2/channels/{slug}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelInfo {
    /// For `channel.{id}` / `channel_{id}`.
    pub channel_id: u64,
    /// For `chatrooms.{id}.v2` / `chatroom_{id}`.
    pub chatroom_id: u64,
    /// The broadcaster's user id (the official API's `broadcaster_user_id`).
    pub user_id: Option<u64>,
    pub slug: String,
    pub is_live: bool,
    pub viewers: Option<u32>,
    pub title: Option<String>,
    pub started_at: Option<Ts>,
    /// The HLS master playlist (may carry a `?token=`).
    pub playback_url: Option<String>,
    pub livestream_id: Option<u64>,
    /// Kick has banned the channel: it cannot go live until the ban ends.
    pub is_banned: bool,
}

/// Where a live status came from, for the status bar and headless lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LiveSource {
    /// Nothing has said yet (or every route is failing).
    #[default]
    Unknown,
    /// Kick's channel API (`kick.com/api/v2/channels/…`).
    Api,
    /// Kick's official API (`api.kick.com`, client credentials).
    OfficialApi,
    /// `StreamerIsLive` / `StopStreamBroadcast` on the chat socket.
    Socket,
    /// streamlink asked about the stream itself (the APIs are blocked or unreachable).
    StreamProbe,
    /// Twitch's Helix API (`/helix/streams`).
    TwitchApi,
    /// `[twitch] assume_live`: the user says the channel is live.
    Assumed,
}

impl LiveSource {
    /// `API`, `official API`, `chat socket`, `stream probe`, `unknown`.
    pub fn label(self) -> &'static str {
        match self {
            LiveSource::Unknown => "unknown",
            LiveSource::Api => "API",
            LiveSource::OfficialApi => "official API",
            LiveSource::Socket => "chat socket",
            LiveSource::StreamProbe => "stream probe",
            LiveSource::TwitchApi => "Twitch API",
            LiveSource::Assumed => "assumed live",
        }
    }
}

impl LiveSource {
    /// ` (via chat socket)`, ` (via stream probe)`: said when live status did not come from
    /// the usual API; empty otherwise.
    pub fn via(self) -> String {
        match self {
            LiveSource::Socket | LiveSource::StreamProbe => format!(" (via {})", self.label()),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
#[test]
fn via_names_only_what_is_not_the_usual_api() {
    assert_eq!(LiveSource::StreamProbe.via(), " (via stream probe)");
    assert_eq!(LiveSource::Socket.via(), " (via chat socket)");
    for usual in [
        LiveSource::Api,
        LiveSource::OfficialApi,
        LiveSource::TwitchApi,
        LiveSource::Unknown,
    ] {
        assert_eq!(usual.via(), "");
    }
}

impl std::fmt::Display for LiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether a channel is live, from any of the status routes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStatus {
    pub is_live: bool,
    pub viewers: Option<u32>,
    pub title: Option<String>,
    pub started_at: Option<Ts>,
    /// Only the channel API knows it.
    pub livestream_id: Option<u64>,
    /// The HLS playlist (channel API only), for `[recorder] use_playback_url`.
    pub playback_url: Option<String>,
    /// Which route said so.
    pub source: LiveSource,
}

impl ChannelInfo {
    pub fn status(&self) -> LiveStatus {
        LiveStatus {
            is_live: self.is_live,
            viewers: self.viewers,
            title: self.title.clone(),
            started_at: self.started_at,
            livestream_id: self.livestream_id,
            playback_url: self.playback_url.clone(),
            source: LiveSource::Api,
        }
    }

    /// The row for the store's `channel_cache`, so a later start can skip the lookup.
    pub fn cache_entry(&self, now: Ts) -> ChannelIds {
        ChannelIds {
            platform: "kick".into(),
            slug: self.slug.clone(),
            channel_id: i64::try_from(self.channel_id).ok(),
            chatroom_id: i64::try_from(self.chatroom_id).ok(),
            user_id: self.user_id.and_then(|id| i64::try_from(id).ok()),
            updated_at: now,
        }
    }
}

/// An id sent as a number or a numeric string.
fn id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A count; negative or fractional values are not counts, huge ones saturate.
fn count(v: &Value) -> Option<u32> {
    id(v).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Kick's timestamps: `2026-09-27 16:00:00` (UTC), ISO 8601 with or without an offset and
/// fraction, or unix seconds/milliseconds. Year-one placeholders (`0001-01-01T00:00:00Z`,
/// the official API's "not live") and anything before 1971 are `None`.
pub fn parse_kick_time(v: &Value) -> Option<Ts> {
    let ts = match v {
        Value::Number(n) => {
            let n = n.as_f64()?;
            if n > 1e12 {
                Ts(n as i64)
            } else {
                Ts::from_secs_f64(n)
            }
        }
        Value::String(s) => {
            let s = s.trim();
            Ts::parse_rfc3339(s).or_else(|| {
                ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
                    .iter()
                    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                    .map(|t| Ts::from_datetime(&t.and_utc()))
            })?
        }
        _ => return None,
    };
    // 1971-01-01: earlier values are placeholders, not stream starts.
    Ts::plausible(ts.0).filter(|t| t.0 >= 31_536_000_000)
}

/// Reads the `/api/v2/channels/{slug}` object. `asked` fills a missing `slug`.
pub fn channel_info(v: &Value, asked: &str) -> Result<ChannelInfo, String> {
    if !v.is_object() {
        return Err("the channel answer is not a JSON object".into());
    }
    let channel_id = id(&v["id"]).ok_or("the channel answer has no channel id (`id`)")?;
    let chatroom_id = id(&v["chatroom"]["id"])
        .or_else(|| id(&v["chatroom_id"]))
        .ok_or("the channel answer has no chatroom id (`chatroom.id`)")?;
    let live = v.get("livestream").filter(|l| l.is_object());
    let status = live.map(livestream_status).unwrap_or_default();
    Ok(ChannelInfo {
        channel_id,
        chatroom_id,
        user_id: id(&v["user_id"]).or_else(|| id(&v["user"]["id"])),
        slug: text(&v["slug"]).unwrap_or_else(|| asked.to_string()),
        is_live: status.is_live,
        viewers: status.viewers,
        title: status.title,
        started_at: status.started_at,
        playback_url: text(&v["playback_url"]),
        livestream_id: status.livestream_id,
        is_banned: v["is_banned"].as_bool().unwrap_or(false),
    })
}

/// A livestream object, from the channel answer or `/livestream`'s `data`.
fn livestream_status(l: &Value) -> LiveStatus {
    LiveStatus {
        // Present means live unless it says otherwise.
        is_live: l["is_live"].as_bool().unwrap_or(true),
        viewers: count(&l["viewer_count"]).or_else(|| count(&l["viewers"])),
        title: text(&l["session_title"]),
        started_at: parse_kick_time(&l["start_time"]).or_else(|| parse_kick_time(&l["created_at"])),
        livestream_id: id(&l["id"]),
        playback_url: None,
        source: LiveSource::Api,
    }
}

/// Reads `/api/v2/channels/{slug}/livestream`: `{"data": null}` is offline.
pub fn livestream(v: &Value) -> Result<LiveStatus, String> {
    match v.get("data") {
        Some(Value::Null) => Ok(LiveStatus {
            source: LiveSource::Api,
            ..LiveStatus::default()
        }),
        Some(l) if l.is_object() => Ok(livestream_status(l)),
        _ => Err("the livestream answer has no `data` object".into()),
    }
}

/// Reads `/public/v1/channels?slug=`; `None` when the channel is not in `data`.
pub fn official_status(v: &Value, slug: &str) -> Result<Option<LiveStatus>, String> {
    let entries = v["data"]
        .as_array()
        .ok_or("the official channels answer has no `data` array")?;
    let Some(c) = entries
        .iter()
        .find(|c| {
            c["slug"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(slug))
        })
        .or(if entries.len() == 1 {
            entries.first()
        } else {
            None
        })
    else {
        return Ok(None);
    };
    let stream = &c["stream"];
    Ok(Some(LiveStatus {
        is_live: stream["is_live"].as_bool().unwrap_or(false),
        viewers: count(&stream["viewer_count"]),
        title: text(&c["stream_title"]),
        started_at: parse_kick_time(&stream["start_time"]),
        livestream_id: None,
        playback_url: None,
        source: LiveSource::OfficialApi,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> Option<Ts> {
        parse_kick_time(&json!(s))
    }

    #[test]
    fn kick_time_formats() {
        let want = Ts::parse_rfc3339("2026-09-27T16:00:00Z");
        assert_eq!(t("2026-09-27 16:00:00"), want);
        assert_eq!(t("2026-09-27T16:00:00"), want);
        assert_eq!(t("2026-09-27T16:00:00.000000Z"), want);
        assert_eq!(t("2026-09-27T18:00:00+02:00"), want);
        assert_eq!(
            t("2026-09-27 16:00:00.5").map(|x| x.0 - want.unwrap().0),
            Some(500)
        );
        assert_eq!(parse_kick_time(&json!(1_790_524_800)), want);
        assert_eq!(parse_kick_time(&json!(1_790_524_800_000u64)), want);
        for none in ["0001-01-01T00:00:00Z", "", "soon", "1970-01-01 00:00:00"] {
            assert_eq!(t(none), None, "{none}");
        }
        assert_eq!(parse_kick_time(&Value::Null), None);
    }

    #[test]
    fn a_live_channel_reads_every_field() {
        let v = json!({
            "id": 668, "user_id": "676", "slug": "xqc", "playback_url": "https://x/m.m3u8",
            "chatroom": {"id": 668},
            "livestream": {"id": 129387275, "session_title": " Ranked ", "is_live": true,
                           "start_time": "2026-09-27 16:00:00", "viewer_count": 4720}
        });
        let c = channel_info(&v, "xqc").unwrap();
        assert_eq!(
            (c.channel_id, c.chatroom_id, c.user_id),
            (668, 668, Some(676))
        );
        assert!(c.is_live);
        assert_eq!(c.viewers, Some(4720));
        assert_eq!(c.title.as_deref(), Some("Ranked"));
        assert_eq!(c.started_at, t("2026-09-27T16:00:00Z"));
        assert_eq!(c.livestream_id, Some(129387275));
        let row = c.cache_entry(Ts(5));
        assert_eq!(
            (row.channel_id, row.chatroom_id, row.user_id),
            (Some(668), Some(668), Some(676))
        );
    }

    #[test]
    fn odd_fields_become_none_but_missing_ids_are_errors() {
        let v = json!({"id": 1, "chatroom": {"id": 2}, "user": {"id": 3}, "playback_url": "",
                       "livestream": {"viewers": -4, "created_at": "2026-09-27 16:00:00"}});
        let c = channel_info(&v, "asked").unwrap();
        assert_eq!(
            (c.slug.as_str(), c.user_id, c.viewers),
            ("asked", Some(3), None)
        );
        assert!(c.is_live && c.playback_url.is_none());
        assert_eq!(c.started_at, t("2026-09-27T16:00:00Z"));
        let offline = channel_info(
            &json!({"id": 1, "chatroom": {"id": 2}, "livestream": null}),
            "a",
        );
        assert!(!offline.unwrap().is_live);
        assert!(
            channel_info(&json!({"chatroom": {"id": 2}}), "a")
                .unwrap_err()
                .contains("channel id")
        );
        assert!(
            channel_info(&json!({"id": 1}), "a")
                .unwrap_err()
                .contains("chatroom")
        );
        assert!(channel_info(&json!([]), "a").is_err());
        // Banned: said (kicktui warns, doctor fails); absent or odd: not banned.
        let banned = json!({"id": 1, "chatroom": {"id": 2}, "is_banned": true});
        assert!(channel_info(&banned, "a").unwrap().is_banned);
        let odd = json!({"id": 1, "chatroom": {"id": 2}, "is_banned": "yes"});
        assert!(!channel_info(&odd, "a").unwrap().is_banned);
    }

    #[test]
    fn livestream_and_official_answers() {
        assert_eq!(
            livestream(&json!({"data": null})),
            Ok(LiveStatus {
                source: LiveSource::Api,
                ..LiveStatus::default()
            })
        );
        let l = livestream(&json!({"data": {"id": 9, "viewers": 12}})).unwrap();
        assert_eq!(
            (l.is_live, l.viewers, l.livestream_id),
            (true, Some(12), Some(9))
        );
        assert!(livestream(&json!({"message": "x"})).is_err());

        let off = json!({"data": [{"slug": "a", "stream_title": "",
            "stream": {"is_live": false, "viewer_count": 0, "start_time": "0001-01-01T00:00:00Z"}}]});
        let s = official_status(&off, "A").unwrap().unwrap();
        assert_eq!((s.is_live, s.title, s.started_at), (false, None, None));
        assert_eq!(official_status(&json!({"data": []}), "a"), Ok(None));
        assert!(official_status(&json!({}), "a").is_err());
    }
}
