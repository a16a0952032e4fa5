//! Delivering one alert to one target: Discord (its 429 `retry_after` honoured), a JSON
//! webhook, or a command. Failures are retried with backoff, then given up with one log line.
//! Nothing here ever names a webhook URL except through its redacted `Display`.

use std::time::Duration;

use serde_json::json;
use tokio::process::Command;

use super::alert::Alert;
use super::secret::SecretUrl;
use crate::media::children::Tracked;

/// A request, or a command, may take this long.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// A request with no answer may still have arrived: tried again this often at most, so a
/// slow target does not get the same alert at every attempt.
const MAX_TIMEOUTS: u32 = 2;
/// Discord's messages are at most 2000 characters.
const DISCORD_MAX: usize = 2000;
/// A longer `retry_after` is cut to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

#[derive(Clone, Debug)]
pub enum Target {
    Discord(SecretUrl),
    Webhook(SecretUrl),
    Command(Vec<String>),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Discord(u) => write!(f, "Discord webhook {u}"),
            Target::Webhook(u) => write!(f, "webhook {u}"),
            Target::Command(argv) => {
                write!(f, "command {}", argv.first().map_or("?", |p| p.as_str()))
            }
        }
    }
}

/// Retries after a failure: `first`, doubling up to `max`; `attempts` in all. 429s use up
/// no attempt (the server said when to come back), but an alert still rate limited
/// `rate_limited_for` after its first 429 is given up.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub attempts: u32,
    pub rate_limited_for: Duration,
    /// One request (or command) gets this long.
    pub attempt_timeout: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(2),
            max: Duration::from_secs(60),
            // 2, 4, 8, 16, 32, 60, 60 s: a router or Discord blip of up to 3 minutes loses
            // no alert (with 5 attempts, 30 s did).
            attempts: 8,
            rate_limited_for: Duration::from_secs(600),
            attempt_timeout: ATTEMPT_TIMEOUT,
        }
    }
}

/// How one attempt went.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Sent,
    /// Rate limited: try again after this long.
    RetryAfter(Duration),
    /// Worth another try (a 5xx, a network error, a failed command).
    Failed(String),
    /// No answer in time: it may have arrived, so tried again only once.
    TimedOut,
    /// Not worth another try (a 4xx: a wrong URL or a refused body).
    Refused(String),
}

/// Delivers `alert`, retrying; `true` when it was sent.
pub async fn deliver(http: &reqwest::Client, target: &Target, alert: &Alert, b: Backoff) -> bool {
    let mut delay = b.first;
    let mut limited_since: Option<std::time::Instant> = None;
    // Requests made, and those that failed (429s are not failures: they use up no attempt).
    let (mut tries, mut failures, mut timeouts) = (0u32, 0u32, 0u32);
    let last = loop {
        tries += 1;
        let why = match attempt_once(http, target, alert, b.attempt_timeout).await {
            Outcome::Sent => {
                // In the log file only (the target's Display redacts a URL's secret part).
                tracing::info!("alert {} sent to {target}", alert.event);
                return true;
            }
            Outcome::Refused(why) => {
                tracing::warn!(
                    "alert {} to {target} refused ({why}); not retried",
                    alert.event
                );
                return false;
            }
            Outcome::RetryAfter(wait) => {
                // A `retry_after` of 0, said again and again, is no reason to spin.
                let wait = wait.max(Duration::from_millis(250));
                let since = *limited_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() + wait > b.rate_limited_for {
                    let (told, limit) = (wait.as_secs_f64(), b.rate_limited_for.as_secs_f64());
                    let waited = since.elapsed().as_secs_f64();
                    break format!(
                        "rate limited (429) for {waited:.0} s; told to wait {told:.1} s more, \
                         past the {limit:.0} s an alert waits"
                    );
                }
                tracing::debug!("alert to {target}: rate limited, retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                continue;
            }
            Outcome::TimedOut => {
                timeouts += 1;
                let why = format!("no answer within {:?}", b.attempt_timeout);
                if timeouts >= MAX_TIMEOUTS {
                    break format!("{why}, {timeouts} times (it may have arrived)");
                }
                why
            }
            Outcome::Failed(why) => why,
        };
        failures += 1;
        // Said at the first failure, not only after minutes of retries: a wrong scheme or a
        // dead host shows at once.
        if failures == 1 && b.attempts > 1 {
            tracing::warn!("alert {} to {target} failed ({why}); retrying", alert.event);
        }
        if failures >= b.attempts.max(1) {
            break why;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(b.max);
    };
    tracing::warn!(
        "alert {} to {target} given up after {tries} attempts: {last}",
        alert.event
    );
    false
}

async fn attempt_once(
    http: &reqwest::Client,
    target: &Target,
    alert: &Alert,
    limit: Duration,
) -> Outcome {
    match target {
        Target::Discord(url) => {
            let content: String = alert.text.chars().take(DISCORD_MAX).collect();
            // Chat text and titles can say @everyone: Discord pings nobody from an alert.
            let body = json!({"content": content, "allowed_mentions": {"parse": []}});
            post(http, url, &body, limit, true).await
        }
        // Another server's words may quote its URL's secret part, or the alert's chat text.
        Target::Webhook(url) => post(http, url, &alert.json(), limit, false).await,
        Target::Command(argv) => command(argv, alert, limit).await,
    }
}

/// `quote`: a refusal may say what the server said (Discord's words are safe to log).
async fn post(
    http: &reqwest::Client,
    url: &SecretUrl,
    body: &serde_json::Value,
    limit: Duration,
    quote: bool,
) -> Outcome {
    let sent = http
        .post(url.expose())
        .json(body)
        .timeout(limit)
        .send()
        .await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) if e.is_timeout() && !e.is_connect() => return Outcome::TimedOut,
        Err(e) => return Outcome::Failed(request_error(e, url)),
    };
    let status = resp.status();
    if status.is_success() {
        return Outcome::Sent;
    }
    let code = status.as_u16();
    let header = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok());
    let body = crate::http_body::read_capped(resp, 64 * 1024)
        .await
        .unwrap_or_default();
    let said: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if code == 429 {
        return Outcome::RetryAfter(rate_limit_wait(header, said["retry_after"].as_f64()));
    }
    // Not followed (the address is where alerts go): a setting to fix, not a failure to retry.
    // Where it points is not said: it may hold the secret too.
    if status.is_redirection() {
        return Outcome::Refused(format!(
            "HTTP {code}: it redirects elsewhere; set the address it points to"
        ));
    }
    let why = refusal(code, quote.then_some(&said), url);
    if status.is_client_error() {
        Outcome::Refused(why)
    } else {
        Outcome::Failed(why)
    }
}

/// How long a 429 says to wait. `Retry-After` (whole seconds) when there is one: Discord's
/// body `retry_after` is seconds too, but has been seen in milliseconds on unversioned
/// webhook URLs (1523 for a header's 2), and an alert waiting 25 minutes is a lost alert.
fn rate_limit_wait(header: Option<f64>, body: Option<f64>) -> Duration {
    let secs = header.or(body).unwrap_or(1.0);
    Duration::try_from_secs_f64(secs.max(0.0))
        .unwrap_or(MAX_RETRY_AFTER)
        .min(MAX_RETRY_AFTER)
}

/// A refusal in words: the status, what the server said when its words may be quoted
/// (Discord: `{"message": …}`), and for a webhook that is gone (deleted, or its token wrong)
/// what to do.
fn refusal(status: u16, said: Option<&serde_json::Value>, url: &SecretUrl) -> String {
    let message = said
        .and_then(|s| s["message"].as_str())
        .map(|m| crate::terminal_text::clean_cut(&url.scrub(m), 200))
        .filter(|m| !m.is_empty());
    let mut why = match message {
        Some(m) => format!("HTTP {status}: {m}"),
        None => format!("HTTP {status}"),
    };
    if matches!(status, 401 | 403 | 404) {
        why.push_str("; the webhook was deleted or its URL is wrong: make a new one and set it");
    }
    why
}

/// Why a request failed, with its causes ("error sending request" alone does not say that the
/// TLS handshake or the connection failed). reqwest's message names the URL: it is left out;
/// a cause that repeated it would show it redacted (none of today's do).
fn request_error(e: reqwest::Error, url: &SecretUrl) -> String {
    let why = crate::http_body::with_causes(&e.without_url());
    // As written in the config, and as reqwest writes it back (host lowercased, escapes).
    let parsed = reqwest::Url::parse(url.expose()).map(String::from);
    [Some(url.expose().to_string()), parsed.ok()]
        .into_iter()
        .flatten()
        .fold(why, |why, raw| why.replace(&raw, &url.to_string()))
}

/// The argv with `{event}`, `{text}` and `{path}` (a clip's) replaced; an argument that is
/// only `{path}` is left out when the alert has no file (it would be an empty argument). The
/// alert as JSON in `KICKTUI_ALERT`, its event and text in `KICKTUI_EVENT` and `KICKTUI_TEXT`.
async fn command(argv: &[String], alert: &Alert, limit: Duration) -> Outcome {
    let path = alert.data["path"].as_str().unwrap_or("");
    let args: Vec<String> = argv
        .iter()
        .filter(|a| !(path.is_empty() && a.as_str() == "{path}"))
        .map(|a| {
            a.replace("{event}", alert.event)
                .replace("{text}", &alert.text)
                .replace("{path}", path)
        })
        .collect();
    let Some((program, rest)) = args.split_first() else {
        return Outcome::Refused("empty command".into());
    };
    let mut cmd = Command::new(program);
    cmd.args(rest)
        .env("KICKTUI_EVENT", alert.event)
        .env("KICKTUI_TEXT", &alert.text)
        .env("KICKTUI_ALERT", alert.json().to_string());
    match tokio::time::timeout(limit, Tracked::output(&mut cmd)).await {
        Ok(Ok(out)) if out.success() => Outcome::Sent,
        Ok(Ok(out)) => Outcome::Failed(out.failure()),
        // Cannot start: another try will not help.
        Ok(Err(e)) => Outcome::Refused(format!("cannot start: {e}")),
        Err(_) => Outcome::TimedOut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_waits_as_its_header_says_before_its_body() {
        let secs = |s: u64| Duration::from_secs(s);
        assert_eq!(rate_limit_wait(Some(2.0), Some(1523.0)), secs(2));
        assert_eq!(rate_limit_wait(None, Some(0.5)), Duration::from_millis(500));
        assert_eq!(rate_limit_wait(None, None), secs(1));
        assert_eq!(rate_limit_wait(Some(1e12), None), MAX_RETRY_AFTER);
    }

    #[test]
    fn a_refusal_says_what_the_server_said_and_what_to_do_about_a_gone_webhook() {
        let url = SecretUrl::new("https://discord.com/api/webhooks/1/T0KEN_secret").unwrap();
        let gone = json!({"message": "Unknown Webhook", "code": 10015});
        let why = refusal(404, Some(&gone), &url);
        assert!(why.starts_with("HTTP 404: Unknown Webhook; "), "{why}");
        assert!(why.contains("make a new one"), "{why}");
        let bad = json!({"message": "Invalid Form Body\u{1b}[2J"});
        assert_eq!(
            refusal(400, Some(&bad), &url),
            "HTTP 400: Invalid Form Body"
        );
        assert_eq!(refusal(500, None, &url), "HTTP 500");
        // A server that echoes the path does not put the token in the log.
        let echo = json!({"message": "Unknown Webhook /api/webhooks/1/T0KEN_secret"});
        let why = refusal(404, Some(&echo), &url);
        assert!(!why.contains("T0KEN"), "{why}");
    }
}
