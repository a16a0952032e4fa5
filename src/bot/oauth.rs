//! OAuth 2.1 authorization code + PKCE (S256) against Kick's `oauth_base`: the authorize URL,
//! reading the redirect (from the loopback listener or a pasted URL), the code exchange and
//! the refresh. sha2 and base64 do the S256 challenge (RFC 7636: BASE64URL(SHA256(verifier))).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Url;
use sha2::{Digest, Sha256};

use super::token::{Secret, Token, TokenResponse};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn from_bytes(bytes: &[u8; 32]) -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        Pkce {
            challenge: s256(&verifier),
            verifier,
        }
    }

    pub fn generate() -> std::io::Result<Pkce> {
        Ok(Pkce::from_bytes(&random_bytes()?))
    }
}

/// `BASE64URL(SHA256(verifier))`, the S256 challenge.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// 32 bytes from the OS's random source.
pub fn random_bytes() -> std::io::Result<[u8; 32]> {
    use std::io::Read;
    let mut b = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut b)?;
    Ok(b)
}

pub fn random_state() -> std::io::Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(&random_bytes()?[..16]))
}

pub struct AuthRequest<'a> {
    pub oauth_base: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub challenge: &'a str,
    pub state: &'a str,
}

pub fn authorize_url(r: &AuthRequest<'_>) -> Result<String, String> {
    let base = format!("{}/oauth/authorize", r.oauth_base.trim_end_matches('/'));
    let mut url = Url::parse(&base).map_err(|e| format!("bad kick.oauth_base: {e}"))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", r.client_id)
        .append_pair("redirect_uri", r.redirect_uri)
        .append_pair("scope", &r.scopes.join(" "))
        .append_pair("code_challenge", r.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", r.state);
    Ok(url.into())
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("that is not the redirect URL (it has no `code`)")]
    NoCode,
    #[error("the redirect belongs to another login attempt (state differs)")]
    WrongState,
    #[error("Kick said: {0}")]
    Denied(String),
}

/// The code from a redirect: a whole URL (`http://127.0.0.1:8976/callback?code=…&state=…`), a
/// request target (`/callback?code=…`) or just the query.
pub fn parse_redirect(input: &str, state: &str) -> Result<String, RedirectError> {
    let s = input.trim();
    let query = s.split_once('?').map_or(s, |(_, q)| q);
    let query = query.split('#').next().unwrap_or_default();
    let pairs: Vec<(String, String)> = reqwest::Url::parse(&format!("http://x/?{query}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let Some(e) = get("error") {
        let desc = get("error_description").unwrap_or_default();
        let said = crate::terminal_text::clean_cut(&format!("{e} {desc}"), 200);
        return Err(RedirectError::Denied(said));
    }
    let code = get("code")
        .filter(|c| !c.is_empty())
        .ok_or(RedirectError::NoCode)?;
    if get("state").as_deref() != Some(state) {
        return Err(RedirectError::WrongState);
    }
    Ok(code)
}

/// The app's credentials, for the token endpoint.
#[derive(Clone, Debug)]
pub struct Client {
    pub oauth_base: String,
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("cannot reach Kick's token endpoint: {0}")]
    Network(String),
    #[error("Kick's token endpoint answered {0}")]
    Status(u16),
    #[error("Kick's token endpoint sent something unreadable")]
    Malformed,
}

impl Client {
    async fn token(
        &self,
        http: &reqwest::Client,
        form: &[(&str, &str)],
        now: i64,
    ) -> Result<Token, TokenError> {
        let url = format!("{}/oauth/token", self.oauth_base.trim_end_matches('/'));
        let resp = http
            .post(url)
            .form(form)
            .send()
            .await
            .map_err(|e| TokenError::Network(e.without_url().to_string()))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(TokenError::Status(status));
        }
        let r: TokenResponse = resp.json().await.map_err(|_| TokenError::Malformed)?;
        Ok(Token::from_response(&r, now))
    }

    pub async fn exchange(
        &self,
        http: &reqwest::Client,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
        now: i64,
    ) -> Result<Token, TokenError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
            ("code", code),
        ];
        self.token(http, &form, now).await
    }

    /// A fresh token; keeps the old refresh token when Kick sends none.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        old: &Token,
        now: i64,
    ) -> Result<Token, TokenError> {
        let Some(rt) = &old.refresh_token else {
            return Err(TokenError::Status(401));
        };
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("refresh_token", rt.expose()),
        ];
        let mut t = self.token(http, &form, now).await?;
        if t.refresh_token.is_none() {
            t.refresh_token = old.refresh_token.clone();
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_is_base64url_of_sha256_without_padding() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mJ92K1uxpV6tcKLz8pM5PE5Kq0HSPs"),
            // Python: base64.urlsafe_b64encode(hashlib.sha256(v).digest()).rstrip(b"=")
            "dgc4WTEr_gIqMCsO1NTQ-2l-CmmKN9h1H-t5ab_VKug"
        );
        let p = Pkce::from_bytes(&[7; 32]);
        assert_eq!(p.verifier.len(), 43);
        assert_eq!(p.challenge, s256(&p.verifier));
        assert_ne!(Pkce::generate().unwrap(), Pkce::generate().unwrap());
    }

    #[test]
    fn the_authorize_url_carries_pkce_and_state() {
        let scopes = ["user:read".to_string(), "chat:write".to_string()];
        let url = authorize_url(&AuthRequest {
            oauth_base: "https://id.kick.com/",
            client_id: "01ABC",
            redirect_uri: "http://127.0.0.1:8976/callback",
            scopes: &scopes,
            challenge: "CH",
            state: "ST",
        })
        .unwrap();
        assert_eq!(
            url,
            "https://id.kick.com/oauth/authorize?response_type=code&client_id=01ABC&\
             redirect_uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcallback&scope=user%3Aread+chat%3Awrite&\
             code_challenge=CH&code_challenge_method=S256&state=ST"
        );
    }

    #[test]
    fn redirects_are_read_from_urls_targets_and_queries() {
        let ok = Ok("abc".to_string());
        assert_eq!(
            parse_redirect("http://127.0.0.1:8976/callback?code=abc&state=S\n", "S"),
            ok
        );
        assert_eq!(parse_redirect("/callback?state=S&code=abc", "S"), ok);
        assert_eq!(parse_redirect("code=abc&state=S", "S"), ok);
        assert_eq!(
            parse_redirect("code=abc&state=T", "S"),
            Err(RedirectError::WrongState)
        );
        assert_eq!(parse_redirect("hello", "S"), Err(RedirectError::NoCode));
        assert_eq!(
            parse_redirect("?error=access_denied&state=S", "S"),
            Err(RedirectError::Denied("access_denied".into()))
        );
    }
}
