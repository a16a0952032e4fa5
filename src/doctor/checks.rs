//! The individual checks. Each one says what it found and, when it fails, what to do.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

use super::Check;
use crate::config::{Config, Server};
use crate::kickapi::{ApiError, ChannelInfo, KickApi};
use crate::redact::{url_without_secrets, urls_to_hosts};
use crate::store::Store;

pub(super) const WAIT: Duration = Duration::from_secs(8);

/// Looks the channel up (or a well-known one, without a channel): reachable, blocked, or down.
pub async fn kick_api(cfg: &Config, channel: Option<&str>) -> (Check, Option<ChannelInfo>) {
    const NAME: &str = "kick api";
    let api = KickApi::new(&cfg.kick);
    // A password or key in the URL is not for a pasted report; nor in the errors that quote it.
    let base = url_without_secrets(&cfg.kick.api_base);
    match api.channel(channel.unwrap_or("kick")).await {
        Ok(info) if info.is_banned => (
            Check::fail(
                NAME,
                format!("{base}: Kick says {:?} is banned", info.slug),
                "it cannot go live until the ban ends",
            ),
            Some(info),
        ),
        Ok(info) => (Check::ok(NAME, format!("{base} answers")), Some(info)),
        Err(ApiError::NotFound) if channel.is_none() => {
            (Check::ok(NAME, format!("{base} answers")), None)
        }
        Err(ApiError::NotFound) => (
            Check::fail(
                NAME,
                format!("{base}: no channel {:?}", channel.unwrap_or_default()),
                "check the channel's name (as in its kick.com URL)",
            ),
            None,
        ),
        Err(e @ (ApiError::Cloudflare | ApiError::Blocked { .. })) => (
            Check::fail(
                NAME,
                format!(
                    "{base}: blocked by Cloudflare ({})",
                    urls_to_hosts(&e.what())
                ),
                "set [kick] channel_id and chatroom_id (or --channel-id/--chatroom-id) so no \
                 lookup is needed, and [kick] client_id/client_secret for live status",
            ),
            None,
        ),
        Err(e) => (
            Check::fail(
                NAME,
                format!("{base}: {}", urls_to_hosts(&e.what())),
                api_advice(&e),
            ),
            None,
        ),
    }
}

/// What to do about a failed lookup that is neither a block nor a missing channel.
fn api_advice(e: &ApiError) -> String {
    const IDS: &str = "chat needs only [kick] channel_id and chatroom_id (or --channel-id/\
                       --chatroom-id), which need no lookup";
    match e {
        ApiError::RateLimited { retry_after } => {
            // Kick's own wait when it gave one it could read; else kicktui's minute.
            let wait = match retry_after.map(|d| d.as_secs()) {
                Some(s) if s >= 120 => format!("Kick asks this address to wait {} min", s / 60),
                Some(s) => format!("Kick asks this address to wait {s} s"),
                None => "wait about a minute".to_string(),
            };
            format!(
                "{wait} (another kicktui or tool on this network may be asking too); while \
                 watching, kicktui waits as asked"
            )
        }
        ApiError::Http(status) if *status >= 500 => {
            format!("Kick's side is failing; try again in a few minutes; {IDS}")
        }
        ApiError::HtmlPage => {
            format!("a maintenance page or a soft block; try again later; {IDS}")
        }
        ApiError::Unauthorized => "check [kick] client_id and client_secret".into(),
        _ => "check the network and [kick] api_base; while watching, kicktui retries by itself"
            .into(),
    }
}

/// Connects to the Pusher socket and waits for `pusher:connection_established`.
pub async fn pusher(url: &str) -> Check {
    const NAME: &str = "pusher";
    let host = url_without_secrets(url);
    let fix = "check the network; if Kick changed its app key, update [kick] pusher_url";
    let connected = timeout(WAIT, tokio_tungstenite::connect_async(url)).await;
    let mut ws = match connected {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => {
            let e = urls_to_hosts(&e.to_string());
            return Check::fail(NAME, format!("{host}: {e}"), fix);
        }
        Err(_) => return Check::fail(NAME, format!("{host}: no answer"), fix),
    };
    // The greeting comes first; a ping before it is allowed, anything else is said.
    let first = timeout(WAIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) if t.contains("pusher:ping") => continue,
                other => return other,
            }
        }
    })
    .await;
    let _ = ws.close(None).await;
    let said = |t: &str| crate::text_fit::shorten(&crate::terminal_text::clean(t), 120);
    match first {
        Ok(Some(Ok(Message::Text(t)))) if t.contains("pusher:connection_established") => {
            Check::ok(NAME, format!("{host} connects"))
        }
        Ok(Some(Ok(Message::Text(t)))) if t.contains("pusher:error") => Check::fail(
            NAME,
            format!("{host} refused: {}", said(&t)),
            "Kick refused the app key: update [kick] pusher_url",
        ),
        Ok(Some(Ok(Message::Text(t)))) => Check::fail(
            NAME,
            format!("{host}: answered {} instead of its greeting", said(&t)),
            fix,
        ),
        Ok(Some(Ok(Message::Close(c)))) => Check::fail(
            NAME,
            format!(
                "{host}: closed the connection{}",
                c.map(|c| format!(" (code {})", u16::from(c.code)))
                    .unwrap_or_default()
            ),
            fix,
        ),
        Ok(Some(Ok(_))) => Check::fail(NAME, format!("{host}: answered a binary frame"), fix),
        Ok(Some(Err(e))) => Check::fail(
            NAME,
            format!("{host}: {}", urls_to_hosts(&e.to_string())),
            fix,
        ),
        Ok(None) => Check::fail(NAME, format!("{host}: closed without a word"), fix),
        Err(_) => Check::fail(
            NAME,
            format!("{host}: no greeting within {} s", WAIT.as_secs()),
            fix,
        ),
    }
}

pub fn channel_ids(
    cfg: &Config,
    data_dir: &Path,
    channel: Option<&str>,
    lookup: Option<ChannelInfo>,
) -> Check {
    const NAME: &str = "channel ids";
    let Some(slug) = channel else {
        return Check::skip(NAME, "no channel given (kicktui doctor CHANNEL checks it)");
    };
    let (channel_id, chatroom_id) = (cfg.kick.channel_id, cfg.kick.chatroom_id);
    if channel_id != 0 && chatroom_id != 0 {
        return match lookup {
            // Another channel's (a config shared by several): a run uses the API's instead.
            Some(info) if (info.channel_id, info.chatroom_id) != (channel_id, chatroom_id) => {
                Check::fail(
                    NAME,
                    format!(
                        "the config's channel {channel_id}, chatroom {chatroom_id} are not \
                         {slug}'s: Kick's API says channel {}, chatroom {}",
                        info.channel_id, info.chatroom_id
                    ),
                    "remove [kick] channel_id and chatroom_id from a config several channels \
                     share (a run uses the API's ids while it answers)",
                )
            }
            _ => Check::ok(
                NAME,
                format!("from the config: channel {channel_id}, chatroom {chatroom_id}"),
            ),
        };
    }
    // Only read: a check makes no database, and a read-only one still answers.
    let db = crate::store::db_path(data_dir);
    let cached = db
        .exists()
        .then(|| Store::open_for_reading(&db))
        .and_then(Result::ok)
        .and_then(|s| s.channel_ids("kick", slug).ok().flatten())
        .and_then(|c| Some((c.channel_id?, c.chatroom_id?)));
    match (cached, lookup) {
        (Some((ch, room)), _) => Check::ok(NAME, format!("cached: channel {ch}, chatroom {room}")),
        (None, Some(info)) => Check::ok(
            NAME,
            format!(
                "from the API: channel {}, chatroom {}",
                info.channel_id, info.chatroom_id
            ),
        ),
        (None, None) => Check::fail(
            NAME,
            format!("{slug}: not in the config, not cached, and the API did not say"),
            format!(
                "set [kick] channel_id and chatroom_id ({}), or run kicktui once while the API \
                 answers",
                crate::present::kick_ids_how_to(slug)
            ),
        ),
    }
}

pub async fn metrics_port(server: &Server) -> Check {
    const NAME: &str = "metrics port";
    if !server.enabled {
        return Check::skip(NAME, "off ([server] enabled = false)");
    }
    let Some(addr) = server.addr() else {
        return Check::fail(
            NAME,
            format!("{:?} is not an address and port", server.bind),
            "set [server] bind like 127.0.0.1:8787",
        );
    };
    match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => {
            drop(l);
            Check::ok(NAME, format!("{} is free", server.bind))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => Check::fail(
            NAME,
            format!("cannot listen on {}: {e}", server.bind),
            "set [server] bind to an address this machine has (0.0.0.0 for all of them)",
        ),
        Err(e) if serves_kicktui(addr).await => Check::ok(
            NAME,
            format!("{} is in use by a running kicktui: {e}", server.bind),
        ),
        Err(e) => Check::fail(
            NAME,
            format!("cannot listen on {}: {e}", server.bind),
            "stop what uses that port (another kicktui?), or set [server] bind",
        ),
    }
}

/// Whether kicktui's dashboard answers at `addr` (doctor run beside a running kicktui: its
/// port is taken, rightly). Asked without the dashboard's token, which is not for whatever
/// else may hold the port: a kicktui with one says so in its own words.
async fn serves_kicktui(addr: std::net::SocketAddr) -> bool {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let Ok(http) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(2))
        .build()
    else {
        return false;
    };
    let Ok(resp) = http.get(format!("http://{addr}/api/state")).send().await else {
        return false;
    };
    let locked = resp.status() == reqwest::StatusCode::UNAUTHORIZED;
    let body = crate::http_body::read_capped(resp, 1 << 20)
        .await
        .unwrap_or_default();
    if locked {
        return body == crate::serve::TOKEN_REQUIRED.as_bytes();
    }
    serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.get("streamState").is_some())
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
