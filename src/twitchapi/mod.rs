//! Twitch's Helix API for live status: an app token from the client-credentials flow, then
//! `GET /streams?user_login=…` (live, viewers, title, started_at), in the same [`LiveStatus`]
//! shape as Kick's so the engine treats both alike. Nothing here panics on input.

mod parse;

use std::fmt;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::config;
use crate::kickapi::{ApiError, LiveStatus, Platform, get_json, validate_name};

const TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong asking Helix, and when to ask again.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HelixError {
    #[error("{0}")]
    InvalidChannel(String),
    #[error("Twitch refused the Helix credentials; check [twitch] client_id and client_secret")]
    Unauthorized,
    #[error("Twitch's Helix API is rate limiting kicktui (429)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("Twitch's Helix API answered HTTP {0}")]
    Http(u16),
    #[error("cannot reach Twitch's Helix API ({0})")]
    Network(String),
    #[error("Twitch's Helix API sent an answer kicktui cannot read ({0})")]
    BadResponse(String),
}

const DEFAULT_RATE_WAIT: Duration = Duration::from_secs(60);

impl HelixError {
    /// How long to wait before asking again; `None`: do not (fix the config first).
    pub fn retry_after(&self) -> Option<Duration> {
        let secs = Duration::from_secs;
        match self {
            HelixError::InvalidChannel(_) | HelixError::Unauthorized => None,
            HelixError::RateLimited { retry_after } => {
                Some(retry_after.unwrap_or(DEFAULT_RATE_WAIT))
            }
            HelixError::Http(s) if *s >= 500 => Some(secs(60)),
            HelixError::Http(_) | HelixError::BadResponse(_) => Some(secs(300)),
            HelixError::Network(_) => Some(secs(30)),
        }
    }
}

impl From<ApiError> for HelixError {
    fn from(e: ApiError) -> HelixError {
        match e {
            ApiError::InvalidChannel(e) => HelixError::InvalidChannel(e.to_string()),
            ApiError::Unauthorized => HelixError::Unauthorized,
            ApiError::RateLimited { retry_after } => HelixError::RateLimited { retry_after },
            ApiError::Cloudflare | ApiError::Blocked { .. } => HelixError::Http(403),
            ApiError::NotFound => HelixError::Http(404),
            ApiError::Http(s) => HelixError::Http(s),
            ApiError::Network(e) => HelixError::Network(e),
            ApiError::BadResponse(e) => HelixError::BadResponse(e),
            ApiError::HtmlPage => HelixError::BadResponse(crate::kickapi::HTML_PAGE.into()),
            ApiError::NoCredentials => HelixError::Unauthorized,
        }
    }
}

struct Token {
    value: String,
    renew_at: Instant,
}

/// A Helix client with a cached app token (renewed before expiry and once after a 401).
pub struct Helix {
    http: reqwest::Client,
    client_id: String,
    client_secret: String,
    token_url: String,
    streams_url: String,
    token: Mutex<Option<Token>>,
}

impl fmt::Debug for Helix {
    // Never print the secret or the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Helix")
            .field("streams_url", &self.streams_url)
            .finish()
    }
}

impl Helix {
    /// `None` unless `[twitch] client_id` and `client_secret` are both set.
    pub fn new(cfg: &config::Twitch) -> Option<Helix> {
        if !cfg.has_helix() {
            return None;
        }
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|e| {
                tracing::warn!("helix client: {e}; using defaults");
                reqwest::Client::new()
            });
        let base = |u: &str| u.trim_end_matches('/').to_string();
        Some(Helix {
            http,
            client_id: cfg.client_id.trim().into(),
            client_secret: cfg.client_secret.trim().into(),
            token_url: format!("{}/token", base(&cfg.auth_base)),
            streams_url: format!("{}/streams", base(&cfg.api_base)),
            token: Mutex::new(None),
        })
    }

    async fn token(&self) -> Result<String, HelixError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(t.value.clone());
        }
        let form = [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
            ("grant_type", "client_credentials"),
        ];
        let v = get_json(self.http.post(&self.token_url).form(&form))
            .await
            .map_err(|e| match e {
                // Twitch says 400 "invalid client" or 403 "invalid client secret".
                ApiError::Http(400 | 403) | ApiError::Blocked { .. } => HelixError::Unauthorized,
                e => e.into(),
            })?;
        let (value, ttl) = parse::token(&v).map_err(HelixError::BadResponse)?;
        // App tokens last about 60 days; an absurd answer must not overflow the clock.
        let ttl = ttl.min(60 * 86_400);
        let margin = (ttl / 10).min(300);
        *slot = Some(Token {
            value: value.clone(),
            renew_at: Instant::now() + Duration::from_secs(ttl - margin),
        });
        Ok(value)
    }

    async fn forget(&self, failed: &str) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.value == failed) {
            *slot = None;
        }
    }

    /// Whether `login` is live, with viewers, title and start time when it is.
    pub async fn status(&self, login: &str) -> Result<LiveStatus, HelixError> {
        let login = validate_name(Platform::Twitch, login).map_err(ApiError::from)?;
        let mut renewed = false;
        loop {
            let token = self.token().await?;
            let req = self
                .http
                .get(&self.streams_url)
                .query(&[("user_login", login.as_str())])
                .header("Client-Id", &self.client_id)
                .bearer_auth(&token);
            match get_json(req).await {
                Err(ApiError::Unauthorized) if !renewed => {
                    // Expired or revoked early: one fresh token, then give up.
                    self.forget(&token).await;
                    renewed = true;
                }
                Err(e) => return Err(e.into()),
                Ok(v) => return parse::streams(&v, &login).map_err(HelixError::BadResponse),
            }
        }
    }
}
