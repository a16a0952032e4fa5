//! `[twitch]`: the Twitch chat endpoint, Helix credentials for live status, and recording.

use serde::{Deserialize, Serialize};

use super::SecretString;

use super::validate::{Check, url};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Twitch {
    /// IRC over WebSocket; anonymous and read-only.
    pub irc_url: String,
    /// Helix app credentials (client credentials flow); empty: no Helix.
    pub client_id: String,
    pub client_secret: SecretString,
    /// Helix (`…/helix`) and OAuth (`…/oauth2`) bases, so tests can point at a local fake.
    pub api_base: String,
    pub auth_base: String,
    /// Treat the channel as live from the start (no status check needed).
    pub assume_live: bool,
    /// What streamlink records; `{channel}` is the login.
    pub stream_url: String,
}

impl Default for Twitch {
    fn default() -> Self {
        Twitch {
            irc_url: "wss://irc-ws.chat.twitch.tv:443".into(),
            client_id: String::new(),
            client_secret: SecretString::default(),
            api_base: "https://api.twitch.tv/helix".into(),
            auth_base: "https://id.twitch.tv/oauth2".into(),
            assume_live: false,
            stream_url: "https://twitch.tv/{channel}".into(),
        }
    }
}

impl Twitch {
    /// Whether both Helix credentials are set.
    pub fn has_helix(&self) -> bool {
        !self.client_id.trim().is_empty() && !self.client_secret.trim().is_empty()
    }

    /// The stream URL for `login`.
    pub fn stream_url_for(&self, login: &str) -> String {
        self.stream_url.replace("{channel}", login)
    }
}

pub(super) fn validate(t: &Twitch) -> Check {
    url("twitch.irc_url", &t.irc_url, &["ws://", "wss://"])?;
    url("twitch.api_base", &t.api_base, &["http://", "https://"])?;
    url("twitch.auth_base", &t.auth_base, &["http://", "https://"])?;
    // What streamlink reads: a page, a playlist, or its own `hls://` form (as [recorder]).
    url(
        "twitch.stream_url",
        &t.stream_url,
        &["http://", "https://", "hls://"],
    )?;
    if t.client_id.trim().is_empty() != t.client_secret.trim().is_empty() {
        let which = if t.client_id.trim().is_empty() {
            "twitch.client_id"
        } else {
            "twitch.client_secret"
        };
        return Err((
            which.into(),
            "set together with the other Helix credential (or leave both empty)".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_twitch_and_half_credentials_are_refused() {
        let t = Twitch::default();
        assert!(validate(&t).is_ok() && !t.has_helix());
        assert_eq!(t.stream_url_for("abcd"), "https://twitch.tv/abcd");
        let half = Twitch {
            client_id: "x".into(),
            ..Twitch::default()
        };
        assert_eq!(validate(&half).unwrap_err().0, "twitch.client_secret");
        let bad = Twitch {
            irc_url: "irc.chat.twitch.tv:6667".into(),
            ..Twitch::default()
        };
        assert_eq!(validate(&bad).unwrap_err().0, "twitch.irc_url");
        // streamlink's own form for a bare playlist.
        let hls = Twitch {
            stream_url: "hls://127.0.0.1:8080/live.m3u8".into(),
            ..Twitch::default()
        };
        assert!(validate(&hls).is_ok());
    }
}
