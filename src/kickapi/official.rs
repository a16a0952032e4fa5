//! The official API (`api.kick.com`) with an app token from the client-credentials flow.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::ApiError;
use super::get_json;
use super::parse::{self, LiveStatus};

struct Token {
    value: String,
    /// A little before Kick's expiry, so a request never carries a dying token.
    renew_at: Instant,
}

pub(crate) struct Official {
    client_id: String,
    client_secret: String,
    token_url: String,
    channels_url: String,
    /// Held while fetching, so concurrent callers share one token request.
    token: Mutex<Option<Token>>,
}

impl Official {
    pub fn new(client_id: &str, client_secret: &str, oauth_base: &str, api_base: &str) -> Official {
        Official {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            token_url: format!("{oauth_base}/oauth/token"),
            channels_url: format!("{api_base}/public/v1/channels"),
            token: Mutex::new(None),
        }
    }

    pub(super) async fn token(&self, http: &reqwest::Client) -> Result<String, ApiError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(t.value.clone());
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
        ];
        let v = get_json(http.post(&self.token_url).form(&form))
            .await
            .map_err(|e| match e {
                // `invalid_client` comes as 400 or 401 depending on the OAuth server.
                ApiError::Http(400) => ApiError::Unauthorized,
                e => e,
            })?;
        let value = v["access_token"]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::BadResponse("the token answer has no access_token".into()))?
            .to_string();
        // Capped at a day: an absurd answer must not overflow the clock.
        let ttl = v["expires_in"].as_u64().unwrap_or(3600).min(86_400);
        let margin = (ttl / 10).min(60);
        *slot = Some(Token {
            value: value.clone(),
            renew_at: Instant::now() + Duration::from_secs(ttl - margin),
        });
        Ok(value)
    }

    /// Forgets `failed` unless another caller already replaced it.
    async fn forget(&self, failed: &str) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.value == failed) {
            *slot = None;
        }
    }

    pub async fn status(&self, http: &reqwest::Client, slug: &str) -> Result<LiveStatus, ApiError> {
        let mut renewed = false;
        loop {
            let token = self.token(http).await?;
            let req = http
                .get(&self.channels_url)
                .query(&[("slug", slug)])
                .bearer_auth(&token);
            match get_json(req).await {
                Err(ApiError::Unauthorized) if !renewed => {
                    // Revoked or expired early: one fresh token, then give up.
                    self.forget(&token).await;
                    renewed = true;
                }
                Err(e) => return Err(e),
                Ok(v) => {
                    return parse::official_status(&v, slug)
                        .map_err(ApiError::BadResponse)?
                        .ok_or(ApiError::NotFound);
                }
            }
        }
    }
}
