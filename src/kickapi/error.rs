//! What went wrong talking to Kick, told so a user knows what happened and what kicktui does
//! next; and how long to wait before trying again.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::source::channel_ref::ChannelNameError;

/// A 2xx answer that is an HTML page.
pub(crate) const HTML_PAGE: &str = "expected JSON, got an HTML page";

/// What still works. When the ids are missing the engine adds how to give them.
const STILL_WORKS: &str = "chat needs only the channel ids";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The name was refused before any request.
    InvalidChannel(ChannelNameError),
    /// 403 with Cloudflare's HTML challenge page.
    Cloudflare,
    /// 403 `{"error":"Request blocked by security policy.","reference":"…"}`.
    Blocked { reference: Option<String> },
    /// 404, or `No query results for model [App\Models\Channel].`
    NotFound,
    /// 429.
    RateLimited { retry_after: Option<Duration> },
    /// 401: the client credentials (or a fresh token) were refused.
    Unauthorized,
    /// The official API was asked for without `[kick] client_id` / `client_secret`.
    NoCredentials,
    /// Any other unexpected status.
    Http(u16),
    /// No answer: DNS, connect, TLS, timeout.
    Network(String),
    /// An answer kicktui cannot read.
    BadResponse(String),
    /// A 2xx answer that is an HTML page where JSON belongs: a soft block or maintenance.
    HtmlPage,
}

impl From<ChannelNameError> for ApiError {
    fn from(e: ChannelNameError) -> ApiError {
        ApiError::InvalidChannel(e)
    }
}

impl std::error::Error for ApiError {}

/// `30 s`, `5 min`, `90 s`.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

impl ApiError {
    /// How long to wait before asking again; `None`: do not retry (fix the name or config).
    pub fn retry_after(&self) -> Option<Duration> {
        let secs = Duration::from_secs;
        match self {
            ApiError::InvalidChannel(_)
            | ApiError::NotFound
            | ApiError::Unauthorized
            | ApiError::NoCredentials => None,
            ApiError::Cloudflare | ApiError::Blocked { .. } => Some(secs(300)),
            ApiError::RateLimited { retry_after } => Some(retry_after.unwrap_or(secs(60))),
            // A cut-off or garbled answer is a glitch like a 5xx, not a block: at start the
            // chat waits for this answer's ids.
            ApiError::Http(status) if *status >= 500 => Some(secs(60)),
            ApiError::HtmlPage => Some(secs(300)),
            ApiError::BadResponse(_) => Some(secs(60)),
            ApiError::Http(_) => Some(secs(300)),
            ApiError::Network(_) => Some(secs(30)),
        }
    }

    /// What went wrong, without what kicktui does next (for one-shot checks: doctor).
    pub fn what(&self) -> String {
        let full = self.to_string();
        let next = format!("; {}", self.next_step());
        full.strip_suffix(&next).unwrap_or(&full).to_string()
    }

    fn next_step(&self) -> String {
        match self.retry_after() {
            Some(d) => format!("retrying in {}", human(d)),
            None => "not retrying".into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let next = self.next_step();
        match self {
            ApiError::InvalidChannel(e) => write!(f, "{e}"),
            ApiError::Cloudflare => write!(
                f,
                "Kick's API is behind a Cloudflare challenge (403); {STILL_WORKS}; {next}"
            ),
            ApiError::Blocked { reference } => {
                write!(
                    f,
                    "Kick's API blocked the request (403 \"Request blocked by security policy\""
                )?;
                if let Some(r) = reference {
                    write!(f, ", reference {r}")?;
                }
                write!(f, "); {STILL_WORKS}; {next}")
            }
            ApiError::NotFound => write!(
                f,
                "Kick has no channel by that name (404); check the spelling; {next}"
            ),
            ApiError::RateLimited { .. } => {
                write!(f, "Kick's API is rate limiting kicktui (429); {next}")
            }
            ApiError::Unauthorized => write!(
                f,
                "Kick refused the API credentials (401); check [kick] client_id and client_secret; {next}"
            ),
            ApiError::NoCredentials => write!(
                f,
                "the official Kick API needs [kick] client_id and client_secret (create an app at kick.com/settings/developer)"
            ),
            ApiError::Http(status) => write!(f, "Kick's API answered HTTP {status}; {next}"),
            ApiError::Network(e) => write!(f, "cannot reach Kick's API ({e}); {next}"),
            ApiError::BadResponse(e) => {
                write!(
                    f,
                    "Kick's API sent an answer kicktui cannot read ({e}); {next}"
                )
            }
            ApiError::HtmlPage => write!(
                f,
                "Kick's API sent an answer kicktui cannot read ({HTML_PAGE}); {next}"
            ),
        }
    }
}

fn looks_like_html(content_type: Option<&str>, body: &str) -> bool {
    content_type.is_some_and(|c| c.contains("html")) || body.trim_start().starts_with('<')
}

fn is_challenge(body: &str) -> bool {
    body.contains("Just a moment")
        || body.contains("_cf_chl")
        || body.contains("challenge-platform")
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and ignored), between 1 s (a
/// `0` would have the pollers ask again at once, in a loop) and 1 h.
fn retry_after(header: Option<&str>) -> Option<Duration> {
    let secs: u64 = header?.trim().parse().ok()?;
    Some(Duration::from_secs(secs.clamp(MIN_RETRY_AFTER_S, 3600)))
}

const MIN_RETRY_AFTER_S: u64 = 1;

/// `Ratelimit-Reset` as seconds to wait, in `Retry-After`'s form: Twitch sends a Unix time;
/// the IETF draft (and other servers) a number of seconds, which is what a small value is.
pub(crate) fn seconds_until(reset: &str, now_s: i64) -> Option<String> {
    let v: i64 = reset.trim().parse().ok()?;
    let wait = if v > 1_000_000_000 { v - now_s } else { v };
    Some(wait.max(0).to_string())
}

/// Names a non-success answer (or a success that is a challenge page).
pub(crate) fn classify(
    status: u16,
    content_type: Option<&str>,
    retry_after_header: Option<&str>,
    body: &[u8],
) -> ApiError {
    let text = String::from_utf8_lossy(body);
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |k: &str| json.as_ref()?.get(k)?.as_str().map(String::from);
    if field("message").is_some_and(|m| m.contains("No query results")) {
        return ApiError::NotFound;
    }
    let html = looks_like_html(content_type, &text);
    match status {
        404 => ApiError::NotFound,
        429 => ApiError::RateLimited {
            retry_after: retry_after(retry_after_header),
        },
        401 => ApiError::Unauthorized,
        403 if html => ApiError::Cloudflare,
        403 if field("error").is_some_and(|e| e.to_lowercase().contains("blocked")) => {
            ApiError::Blocked {
                reference: field("reference"),
            }
        }
        _ if html && is_challenge(&text) => ApiError::Cloudflare,
        200..=299 if html => ApiError::HtmlPage,
        _ => ApiError::Http(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_went_wrong_is_said_without_the_retry() {
        let e = ApiError::Http(502);
        assert_eq!(
            e.to_string(),
            "Kick's API answered HTTP 502; retrying in 1 min"
        );
        assert_eq!(e.what(), "Kick's API answered HTTP 502");
    }

    #[test]
    fn answers_are_named() {
        let html = b"<!DOCTYPE html><title>Just a moment...</title>";
        assert_eq!(
            classify(403, Some("text/html"), None, html),
            ApiError::Cloudflare
        );
        assert_eq!(classify(503, None, None, html), ApiError::Cloudflare);
        assert_eq!(classify(200, None, None, html), ApiError::Cloudflare);
        let page = b"<html>hello</html>";
        assert_eq!(classify(200, None, None, page), ApiError::HtmlPage);
        let blocked = br#"{"error":"Request blocked by security policy.","reference":"18.ab"}"#;
        assert_eq!(
            classify(403, Some("application/json"), None, blocked),
            ApiError::Blocked {
                reference: Some("18.ab".into())
            }
        );
        assert_eq!(classify(403, None, None, b"{}"), ApiError::Http(403));
        let missing = br#"{"message":"No query results for model [App\\Models\\Channel]."}"#;
        assert_eq!(classify(404, None, None, missing), ApiError::NotFound);
        assert_eq!(classify(500, None, None, missing), ApiError::NotFound);
        assert_eq!(
            classify(429, None, Some("17"), b""),
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(17))
            }
        );
        assert_eq!(
            classify(429, None, Some("0"), b""),
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(1))
            },
            "never ask again at once"
        );
        assert_eq!(
            classify(429, None, Some("Wed, 21 Oct 2026 07:28:00 GMT"), b""),
            ApiError::RateLimited { retry_after: None }
        );
        assert_eq!(classify(401, None, None, b""), ApiError::Unauthorized);
        assert_eq!(
            classify(502, None, None, b"bad gateway"),
            ApiError::Http(502)
        );
    }

    #[test]
    fn retry_delays_follow_the_error() {
        let min = |m: u64| Some(Duration::from_secs(m * 60));
        assert_eq!(ApiError::Cloudflare.retry_after(), min(5));
        assert_eq!(ApiError::Blocked { reference: None }.retry_after(), min(5));
        assert_eq!(
            ApiError::RateLimited { retry_after: None }.retry_after(),
            min(1)
        );
        let soon = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(soon.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            ApiError::Network("x".into()).retry_after(),
            Some(Duration::from_secs(30))
        );
        assert_eq!(ApiError::NotFound.retry_after(), None);
        assert_eq!(ApiError::Unauthorized.retry_after(), None);
        assert_eq!(ApiError::Http(503).retry_after(), min(1));
        // A cut-off answer is a glitch: at start the chat waits for it.
        assert_eq!(ApiError::BadResponse("EOF".into()).retry_after(), min(1));
        let page = classify(200, Some("text/html"), None, b"<html>maintenance</html>");
        assert_eq!(page.retry_after(), min(5));
        // Twitch's `Ratelimit-Reset`: the bucket refills in 12 s, not the default minute.
        let reset = seconds_until("1700000012", 1_700_000_000);
        assert_eq!(
            classify(429, None, reset.as_deref(), b"").retry_after(),
            Some(Duration::from_secs(12))
        );
        assert_eq!(seconds_until("soon", 0), None);
        assert_eq!(
            seconds_until("30", 1_700_000_000).as_deref(),
            Some("30"),
            "seconds"
        );
    }

    #[test]
    fn messages_say_what_happened_and_what_next() {
        let cf = ApiError::Cloudflare.to_string();
        assert!(
            cf.contains("Cloudflare")
                && cf.contains("chat needs only the channel ids")
                && cf.contains("retrying in 5 min"),
            "{cf}"
        );
        let b = ApiError::Blocked {
            reference: Some("18.ab".into()),
        }
        .to_string();
        assert!(b.contains("reference 18.ab"), "{b}");
        let r = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(90)),
        }
        .to_string();
        assert!(r.contains("429") && r.contains("retrying in 90 s"), "{r}");
        assert!(ApiError::NotFound.to_string().contains("not retrying"));
        assert!(
            ApiError::Network("timed out".into())
                .to_string()
                .contains("retrying in 30 s")
        );
    }
}
