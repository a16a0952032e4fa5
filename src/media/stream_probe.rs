//! Live status from the stream itself, for when Kick's APIs are blocked or unreachable and
//! the chat socket has said nothing (it only speaks when a stream starts or stops), and for
//! the recorder to see a stream that came back after its playlist ended. streamlink
//! resolves `[recorder] stream_url` (`streamlink --json URL best`: argv, no shell, stdin null,
//! a time limit, tracked like every child); a playable stream is live. An HLS playlist that
//! ends (`#EXT-X-ENDLIST`) or stops changing is a stream that is over, though streamlink
//! would still "play" it; "No playable streams" or a 404 is offline; anything else (403,
//! timeouts, no streamlink) says nothing.

use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;
use tokio::time::Instant;

use crate::config;
use crate::media::children::Tracked;

/// streamlink resolves a URL in about a second; Kick's plugin may solve a challenge first.
const PROBE_LIMIT: Duration = Duration::from_secs(45);
/// A playlist is fetched in well under a second on any working CDN.
const PLAYLIST_LIMIT: Duration = Duration::from_secs(10);

/// What one probe found.
#[derive(Clone, Debug, PartialEq)]
pub enum Probe {
    Live {
        title: Option<String>,
    },
    Offline {
        why: String,
    },
    /// The probe could not tell (blocked, timed out, misconfigured).
    Unknown {
        why: String,
    },
}

#[derive(Clone)]
pub struct StreamProbe {
    streamlink: String,
    url: String,
    extra_args: Vec<String>,
    /// The setting the URL comes from, for a hint (Twitch overrides `[recorder] stream_url`).
    url_key: &'static str,
    http: reqwest::Client,
    /// The last media playlist seen and since when it has not changed.
    last_playlist: Option<(String, Instant)>,
}

impl StreamProbe {
    pub fn from_config(rec: &config::Recorder, channel: &str) -> StreamProbe {
        let url = rec.stream_url.replace("{channel}", channel);
        StreamProbe::new(&rec.streamlink, &url, &rec.streamlink_args)
    }

    /// The URL comes from `key` (named in the hint when streamlink cannot handle it).
    pub fn with_url_key(mut self, key: &'static str) -> StreamProbe {
        self.url_key = key;
        self
    }

    pub fn new(streamlink: &str, url: &str, extra_args: &[String]) -> StreamProbe {
        StreamProbe {
            streamlink: streamlink.into(),
            url: url.into(),
            extra_args: extra_args.to_vec(),
            url_key: "[recorder] stream_url",
            http: reqwest::Client::builder()
                .timeout(PLAYLIST_LIMIT)
                .build()
                .unwrap_or_default(),
            last_playlist: None,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Asks streamlink about the stream, then looks at its playlist.
    pub async fn probe(&mut self) -> Probe {
        match self.resolve().await {
            Resolved::Stream { url, title } => match self.playlist(url.as_deref()).await {
                Playlist::Over(why) => Probe::Offline { why },
                Playlist::Running { .. } | Playlist::Unread => Probe::Live { title },
            },
            Resolved::Gone(why) => {
                self.last_playlist = None;
                Probe::Offline { why }
            }
            Resolved::Unclear(why) => Probe::Unknown { why },
        }
    }

    /// Whether the stream's media playlist is being written again: read without an end, and
    /// changed since this probe's previous read (a CDN still serving an old copy, or a
    /// frozen playlist, does not count). Stricter than [`StreamProbe::probe`]'s "live", which
    /// a playlist it cannot read does not contradict; so it takes two calls to say yes.
    pub async fn playlist_running(&mut self) -> bool {
        match self.resolve().await {
            Resolved::Stream { url, .. } => {
                self.playlist(url.as_deref()).await == Playlist::Running { moved: true }
            }
            _ => false,
        }
    }

    /// The stream's media playlist address, when streamlink resolves it to an HTTP one (the
    /// recorder reads it itself while the stream sends no new video).
    pub async fn media_playlist_url(&self) -> Option<String> {
        match self.resolve().await {
            Resolved::Stream { url: Some(url), .. }
                if url.starts_with("http://") || url.starts_with("https://") =>
            {
                Some(url)
            }
            _ => None,
        }
    }

    /// The HTTP client the probe reads playlists with (a 10 s limit per request).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `streamlink --json URL best`, classified.
    async fn resolve(&self) -> Resolved {
        let mut cmd = Command::new(&self.streamlink);
        cmd.arg("--json")
            .args(&self.extra_args)
            .arg(&self.url)
            .arg("best");
        let out = match tokio::time::timeout(PROBE_LIMIT, Tracked::output(&mut cmd)).await {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => {
                return Resolved::Unclear(format!("cannot run {}: {e}", self.streamlink));
            }
            Err(_) => {
                return Resolved::Unclear(format!(
                    "streamlink did not answer within {} s",
                    PROBE_LIMIT.as_secs()
                ));
            }
        };
        let answer = serde_json::from_str::<Value>(&out.stdout).unwrap_or(Value::Null);
        classify(&answer, self.url_key)
    }

    /// A resolved HLS stream's playlist: over when it has ended or has not changed for three
    /// target durations.
    async fn playlist(&mut self, url: Option<&str>) -> Playlist {
        let Some(url) = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        else {
            return Playlist::Unread;
        };
        let text = match self.http.get(url).send().await {
            Ok(resp) if resp.status().is_success() => match resp.text().await {
                Ok(text) => text,
                Err(_) => return Playlist::Unread,
            },
            _ => return Playlist::Unread,
        };
        if text.contains("#EXT-X-ENDLIST") {
            // Kept: the next read that differs has moved past the end (a new encoder).
            self.last_playlist = Some((text, Instant::now()));
            return Playlist::Over("the stream's playlist has ended".into());
        }
        if text.contains("#EXT-X-STREAM-INF") {
            // A master playlist: its variants are not followed.
            return Playlist::Unread;
        }
        let target = text
            .lines()
            .find_map(|l| l.strip_prefix("#EXT-X-TARGETDURATION:"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(6.0);
        let now = Instant::now();
        match &self.last_playlist {
            Some((old, since)) if *old == text => {
                let stale = now.duration_since(*since).as_secs_f64();
                if stale > 3.0 * target {
                    Playlist::Over(format!(
                        "the stream's playlist has not changed for {stale:.0} s"
                    ))
                } else {
                    Playlist::Running { moved: false }
                }
            }
            last => {
                let moved = last.is_some();
                self.last_playlist = Some((text, now));
                Playlist::Running { moved }
            }
        }
    }
}

/// What a resolved stream's playlist says.
#[derive(Debug, PartialEq)]
enum Playlist {
    /// Not ended nor stale; `moved`: it changed since the previous read.
    Running {
        moved: bool,
    },
    Over(String),
    /// Not fetched, not readable, or a master playlist: it says nothing.
    Unread,
}

/// What streamlink's `--json` answer says.
#[derive(Debug, PartialEq)]
enum Resolved {
    Stream {
        url: Option<String>,
        title: Option<String>,
    },
    /// The stream is not there: offline.
    Gone(String),
    Unclear(String),
}

/// `url_key`: the setting the URL comes from.
fn classify(v: &Value, url_key: &str) -> Resolved {
    if let Some(error) = v.get("error").and_then(Value::as_str) {
        // It is logged and shown: never with a URL's token.
        let error = &crate::media::slog::without_url_queries(error);
        let gone = error.contains("No playable streams")
            || (error.contains("Unable to open URL")
                && (error.contains("404 Client Error") || error.contains("410 Client Error")));
        return if gone {
            Resolved::Gone(format!("streamlink: {error}"))
        } else if error.contains("No plugin can handle URL") {
            Resolved::Unclear(format!("{error}; check {url_key}"))
        } else {
            Resolved::Unclear(format!("streamlink: {error}"))
        };
    }
    if v.get("type").is_some() || v.get("url").is_some() {
        let title = v["metadata"]["title"]
            .as_str()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from);
        return Resolved::Stream {
            url: v.get("url").and_then(Value::as_str).map(String::from),
            title,
        };
    }
    Resolved::Unclear("streamlink gave no answer kicktui can read".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "[recorder] stream_url";
    use serde_json::json;

    #[test]
    fn streamlink_answers_are_classified() {
        let live =
            json!({"type": "hls", "url": "http://h/live.m3u8", "metadata": {"title": " Ranked "}});
        assert_eq!(
            classify(&live, KEY),
            Resolved::Stream {
                url: Some("http://h/live.m3u8".into()),
                title: Some("Ranked".into())
            }
        );
        let offline = json!({"error": "No playable streams found on this URL: https://kick.com/x"});
        assert!(matches!(classify(&offline, KEY), Resolved::Gone(_)));
        let gone = json!({"error": "Unable to open URL: http://h/live.m3u8 (404 Client Error: File not found)"});
        assert!(matches!(classify(&gone, KEY), Resolved::Gone(_)));
        let blocked = json!({"error": "Unable to open URL: https://kick.com/api/v2/channels/x/livestream (403 Client Error: Forbidden)"});
        assert!(matches!(classify(&blocked, KEY), Resolved::Unclear(_)));
        let Resolved::Unclear(why) =
            classify(&json!({"error": "No plugin can handle URL: x"}), KEY)
        else {
            panic!()
        };
        assert!(why.ends_with("; check [recorder] stream_url"), "{why}");
        assert!(matches!(classify(&Value::Null, KEY), Resolved::Unclear(_)));
        let tokened = json!({"error": "Unable to open URL: https://h/a.m3u8?token=s3cret (403 Client Error)"});
        let Resolved::Unclear(why) = classify(&tokened, KEY) else {
            panic!()
        };
        assert!(!why.contains("s3cret") && why.contains("a.m3u8?…"), "{why}");
    }

    /// On Twitch the URL is `[twitch] stream_url` (it overrides the recorder's): the hint
    /// names that key, not one whose edit would change nothing.
    #[tokio::test]
    async fn the_hint_names_the_setting_the_url_comes_from() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let fake = dir.path().join("streamlink");
        let answer = r#"{"error": "No plugin can handle URL: http://127.0.0.1:9/x"}"#;
        std::fs::write(&fake, format!("#!/bin/sh\necho '{answer}'\n")).expect("script");
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("mode");
        let probe = StreamProbe::new(&fake.display().to_string(), "http://127.0.0.1:9/x", &[])
            .with_url_key("[twitch] stream_url");
        // A fork in another test thread while the script was open for writing makes it
        // "busy" for a moment.
        let mut answer = probe.resolve().await;
        for _ in 0..20 {
            if !matches!(&answer, Resolved::Unclear(w) if w.contains("Text file busy")) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            answer = probe.resolve().await;
        }
        let Resolved::Unclear(why) = answer else {
            panic!("not unclear")
        };
        assert!(why.ends_with("; check [twitch] stream_url"), "{why}");
    }
}
