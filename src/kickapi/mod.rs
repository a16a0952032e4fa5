//! Kick's HTTP APIs: the channel lookup (ids, live status, viewers) through the unofficial
//! `kick.com/api/v2`, and live status through the official API with client credentials.
//! Every failure is a named [`ApiError`] with a retry delay; nothing here panics on input.

mod error;
mod official;
mod parse;

// Channel names are platform-neutral now; re-exported where callers already look.
pub use crate::source::channel_ref::{
    ChannelNameError, ChannelRef, MAX_NAME_LEN, Platform, parse_channel, validate_name,
};
pub use error::ApiError;
pub(crate) use error::HTML_PAGE;
pub use parse::{ChannelInfo, LiveSource, LiveStatus, parse_kick_time};

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use serde_json::Value;
use tracing::warn;

use crate::config;
use crate::http_body::BodyError;
use official::Official;

/// Kick's endpoints answer plain clients worse than browsers (§3.3), so look like one.
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const TIMEOUT: Duration = Duration::from_secs(10);
/// Kick's answers are a few kB; anything this big is not one.
const MAX_BODY: usize = 4 << 20;

#[derive(Clone)]
pub struct KickApi {
    http: reqwest::Client,
    api_base: String,
    official: Option<Arc<Official>>,
}

impl fmt::Debug for KickApi {
    // Never print the client secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KickApi")
            .field("api_base", &self.api_base)
            .field("official", &self.official.is_some())
            .finish()
    }
}

fn base(url: &str) -> String {
    url.trim_end_matches('/').to_string()
}

impl KickApi {
    pub fn new(cfg: &config::Kick) -> KickApi {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        let built = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build();
        let http = match built {
            Ok(c) => c,
            Err(e) => {
                // Only a broken TLS setup gets here; a default client still works for http.
                warn!("kick api client: {e}; using defaults");
                reqwest::Client::new()
            }
        };
        let official = (!cfg.client_id.is_empty() && !cfg.client_secret.is_empty()).then(|| {
            Arc::new(Official::new(
                &cfg.client_id,
                &cfg.client_secret,
                &base(&cfg.oauth_base),
                &base(&cfg.official_api_base),
            ))
        });
        KickApi {
            http,
            api_base: base(&cfg.api_base),
            official,
        }
    }

    /// Whether `[kick] client_id` and `client_secret` are set.
    pub fn has_official(&self) -> bool {
        self.official.is_some()
    }

    /// Asks Kick for an app token with `[kick] client_id` / `client_secret`, as the first
    /// official status does (`kicktui doctor`'s check): `Unauthorized` when Kick refuses them.
    pub async fn check_credentials(&self) -> Result<(), ApiError> {
        let official = self.official.as_ref().ok_or(ApiError::NoCredentials)?;
        official.token(&self.http).await.map(drop)
    }

    /// Looks a channel up: ids, live status, viewers, title, playback URL.
    pub async fn channel(&self, slug: &str) -> Result<ChannelInfo, ApiError> {
        let slug = validate_name(Platform::Kick, slug)?;
        let url = format!("{}/api/v2/channels/{slug}", self.api_base);
        let v = get_json(self.http.get(url)).await?;
        parse::channel_info(&v, &slug).map_err(ApiError::BadResponse)
    }

    /// The lighter live check: `/api/v2/channels/{slug}/livestream`.
    pub async fn livestream(&self, slug: &str) -> Result<LiveStatus, ApiError> {
        let slug = validate_name(Platform::Kick, slug)?;
        let url = format!("{}/api/v2/channels/{slug}/livestream", self.api_base);
        let v = get_json(self.http.get(url)).await?;
        parse::livestream(&v).map_err(ApiError::BadResponse)
    }

    /// Live status through the official API (token cached until it expires, renewed once
    /// on a 401).
    pub async fn official_status(&self, slug: &str) -> Result<LiveStatus, ApiError> {
        let slug = validate_name(Platform::Kick, slug)?;
        let official = self.official.as_ref().ok_or(ApiError::NoCredentials)?;
        official.status(&self.http, &slug).await
    }
}

fn network(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        return ApiError::Network(format!("no answer within {} s", TIMEOUT.as_secs()));
    }
    ApiError::Network(crate::http_body::with_causes(&e))
}

/// Sends a request and reads a JSON answer, naming every other outcome.
pub(crate) async fn get_json(req: reqwest::RequestBuilder) -> Result<Value, ApiError> {
    let resp = req.send().await.map_err(network)?;
    let status = resp.status().as_u16();
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(String::from)
    };
    let content_type = header(header::CONTENT_TYPE);
    // Twitch's Helix says when its bucket refills (`Ratelimit-Reset`, Unix seconds) instead.
    let retry_after = header(header::RETRY_AFTER).or_else(|| {
        let reset = header(header::HeaderName::from_static("ratelimit-reset"))?;
        error::seconds_until(&reset, crate::time::wall_now().0.div_euclid(1000))
    });
    let body = match crate::http_body::read_capped(resp, MAX_BODY).await {
        Ok(body) => body,
        Err(BodyError::Network(e)) => return Err(network(e)),
        Err(BodyError::TooBig(mib)) => {
            return Err(ApiError::BadResponse(format!("an answer over {mib} MB")));
        }
    };
    let ok = (200..300).contains(&status);
    let classified = || {
        error::classify(
            status,
            content_type.as_deref(),
            retry_after.as_deref(),
            &body,
        )
    };
    if !ok {
        return Err(classified());
    }
    serde_json::from_slice(&body).map_err(|e| match classified() {
        err @ (ApiError::Cloudflare | ApiError::HtmlPage) => err,
        _ => ApiError::BadResponse(format!("not JSON: {e}")),
    })
}
