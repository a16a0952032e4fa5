//! Helix answers → values. Missing optional fields are `None`; a wrong shape is an error.

use serde_json::Value;

use crate::kickapi::{LiveSource, LiveStatus};
use crate::time::Ts;

/// `{"access_token", "expires_in", "token_type"}` → the token and its lifetime in seconds.
pub fn token(v: &Value) -> Result<(String, u64), String> {
    let value = v["access_token"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or("the token answer has no access_token")?;
    // Shorter than a minute would renew on every call; Twitch gives about two months.
    let ttl = v["expires_in"].as_u64().unwrap_or(3600).max(60);
    Ok((value.to_string(), ttl))
}

/// `{"data": [stream…]}`: the stream of `login` if live, else offline.
pub fn streams(v: &Value, login: &str) -> Result<LiveStatus, String> {
    let data = v["data"]
        .as_array()
        .ok_or("the streams answer has no data array")?;
    let stream = data.iter().find(|s| {
        s["user_login"]
            .as_str()
            .is_some_and(|l| l.eq_ignore_ascii_case(login))
    });
    let Some(s) = stream else {
        return Ok(LiveStatus {
            source: LiveSource::TwitchApi,
            ..LiveStatus::default()
        });
    };
    // `type` is "live" for a live stream; anything else (an old "" for errors) is not.
    let is_live = s["type"].as_str().is_none_or(|t| t == "live");
    Ok(LiveStatus {
        is_live,
        viewers: s["viewer_count"]
            .as_u64()
            .map(|n| n.min(u32::MAX as u64) as u32),
        title: s["title"].as_str().map(String::from),
        started_at: s["started_at"].as_str().and_then(Ts::parse_rfc3339),
        livestream_id: s["id"].as_str().and_then(|id| id.parse().ok()),
        playback_url: None,
        source: LiveSource::TwitchApi,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn live_and_offline_answers() {
        let live = json!({"data": [{"id": "40952121085", "user_login": "somechan", "type": "live",
            "title": "ranked grind", "viewer_count": 1234, "started_at": "2026-12-04T03:00:00Z"}],
            "pagination": {}});
        let s = streams(&live, "SomeChan").unwrap();
        assert!(s.is_live);
        assert_eq!(s.viewers, Some(1234));
        assert_eq!(s.title.as_deref(), Some("ranked grind"));
        assert_eq!(s.started_at, Ts::parse_rfc3339("2026-12-04T03:00:00Z"));
        assert_eq!(s.livestream_id, Some(40_952_121_085));
        let offline = json!({"data": [], "pagination": {}});
        let offline = streams(&offline, "somechan").unwrap();
        assert!(!offline.is_live);
        assert_eq!(offline.source, LiveSource::TwitchApi);
        assert!(streams(&json!({"error": "x"}), "somechan").is_err());
        assert!(token(&json!({"expires_in": 5})).is_err());
        assert_eq!(
            token(&json!({"access_token": "t", "expires_in": 5})),
            Ok(("t".into(), 60))
        );
    }
}
