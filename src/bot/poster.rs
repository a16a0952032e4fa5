//! The chat voice's actor: takes lines from the front end and the engine, runs them through
//! the [`OutQueue`], and posts each with the user token (refreshed before it expires) to
//! Kick's official chat endpoint. One log line per failure; the token never appears in one.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::oauth::Client;
use super::queue::{Next, OutQueue, Priority, Push};
use super::token::{self, Token};
use crate::config::Config;

#[derive(Clone, Debug)]
pub struct BotSetup {
    /// `[kick] official_api_base`.
    pub api_base: String,
    pub oauth: Client,
    pub token_path: PathBuf,
    pub max_per_minute: u32,
    pub stale: Duration,
    pub dedup: Duration,
    pub broadcaster_user_id: u64,
}

impl BotSetup {
    /// `None` when `[bot]` is off.
    pub fn from_config(c: &Config, data_dir: &std::path::Path) -> Option<BotSetup> {
        c.bot.enabled.then(|| BotSetup {
            api_base: c.kick.official_api_base.trim_end_matches('/').into(),
            oauth: Client {
                oauth_base: c.kick.oauth_base.clone(),
                client_id: c.kick.client_id.clone(),
                client_secret: c.kick.client_secret.clone(),
            },
            token_path: token::token_path(data_dir),
            max_per_minute: c.bot.max_per_minute,
            stale: Duration::from_secs(c.bot.stale_seconds.into()),
            dedup: Duration::from_secs(c.bot.dedup_seconds.into()),
            broadcaster_user_id: c.bot.broadcaster_user_id,
        })
    }
}

/// What the poster reports back (for the log pane / status).
#[derive(Clone, Debug, PartialEq)]
pub enum BotEvent {
    Posted { text: String },
    Failed { text: String, why: String },
}

#[derive(Clone)]
pub struct BotHandle {
    tx: mpsc::Sender<(Priority, String)>,
}

impl BotHandle {
    /// Queues a line; never waits. `false` when the poster is gone or swamped.
    pub fn say(&self, priority: Priority, text: impl Into<String>) -> bool {
        self.tx.try_send((priority, text.into())).is_ok()
    }
}

/// Starts the poster. `events` gets one [`BotEvent`] per message (dropped when full).
pub fn spawn(
    setup: BotSetup,
    events: mpsc::Sender<BotEvent>,
    cancel: CancellationToken,
) -> BotHandle {
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(run(setup, rx, events, cancel));
    BotHandle { tx }
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn run(
    s: BotSetup,
    mut rx: mpsc::Receiver<(Priority, String)>,
    events: mpsc::Sender<BotEvent>,
    cancel: CancellationToken,
) {
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
    {
        Ok(h) => h,
        Err(e) => {
            tracing::error!("chat voice: cannot build the HTTP client: {e}");
            return;
        }
    };
    let mut queue = OutQueue::new(s.max_per_minute, s.stale, s.dedup);
    let mut token: Option<Token> = None;
    let mut wake = Instant::now() + Duration::from_secs(3600);
    let mut open = true;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            m = rx.recv(), if open => match m {
                Some((p, text)) => {
                    if queue.push(Instant::now(), p, &text) == Push::Duplicate {
                        tracing::warn!(
                            "chat voice: not posted, the same line is queued or went out in the \
                             last {} s: {}",
                            s.dedup.as_secs(),
                            text.chars().take(60).collect::<String>()
                        );
                    }
                }
                None => open = false,
            },
            () = tokio::time::sleep_until(wake) => {}
        }
        wake = Instant::now() + Duration::from_secs(3600);
        loop {
            let stale_before = queue.dropped_stale;
            let next = queue.next(Instant::now());
            if queue.dropped_stale > stale_before {
                tracing::warn!(
                    "chat voice: {} not posted: waited over {} s behind the {}-a-minute limit",
                    crate::present::plural((queue.dropped_stale - stale_before) as usize, "line"),
                    s.stale.as_secs(),
                    s.max_per_minute
                );
            }
            match next {
                Next::Idle => break,
                Next::Wait(at) => {
                    wake = at;
                    break;
                }
                Next::Send(out) => {
                    let ev = match post(&s, &http, &mut token, &out.text).await {
                        Ok(()) => BotEvent::Posted { text: out.text },
                        Err(why) => {
                            tracing::warn!("chat voice: a message was not posted: {why}");
                            BotEvent::Failed {
                                text: out.text,
                                why,
                            }
                        }
                    };
                    let _ = events.try_send(ev);
                }
            }
        }
        if !open && queue.is_empty() {
            return;
        }
    }
}

/// A usable token: loaded on first use, refreshed (and saved) when close to expiry.
async fn fresh<'t>(
    s: &BotSetup,
    http: &reqwest::Client,
    slot: &'t mut Option<Token>,
    force: bool,
) -> Result<&'t Token, String> {
    let t = match slot.take() {
        Some(t) => t,
        None => token::load(&s.token_path).map_err(|e| e.to_string())?,
    };
    let t = if force || t.needs_refresh(unix_now()) {
        let new =
            s.oauth.refresh(http, &t, unix_now()).await.map_err(|e| {
                format!("token refresh failed ({e}); run `kicktui login kick` again")
            })?;
        if let Err(e) = token::save(&s.token_path, &new) {
            tracing::warn!("chat voice: cannot save the refreshed token: {e}");
        }
        tracing::info!("chat voice: Kick token refreshed");
        new
    } else {
        t
    };
    Ok(slot.insert(t))
}

async fn post(
    s: &BotSetup,
    http: &reqwest::Client,
    slot: &mut Option<Token>,
    text: &str,
) -> Result<(), String> {
    let mut body = json!({"content": text, "type": "bot"});
    if s.broadcaster_user_id != 0 {
        body["broadcaster_user_id"] = json!(s.broadcaster_user_id);
    }
    let url = format!("{}/public/v1/chat", s.api_base);
    for attempt in 0..2 {
        let t = fresh(s, http, slot, attempt > 0).await?;
        let resp = http
            .post(&url)
            .bearer_auth(t.access_token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("cannot reach Kick: {}", e.without_url()))?;
        match resp.status().as_u16() {
            200..=299 => return Ok(()),
            // Expired or revoked early: refresh once and try again.
            401 if attempt == 0 => continue,
            401 => break,
            429 => return Err("Kick rate limited the chat (429)".into()),
            code => return Err(format!("Kick answered {code}")),
        }
    }
    Err(
        "Kick refused the token even after a refresh (401): log in again with `kicktui login kick`"
            .into(),
    )
}
