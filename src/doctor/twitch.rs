//! The checks for a Twitch channel: the chat socket opens, and Helix answers with the
//! credentials (or live status will come from the stream itself).

use tokio::time::timeout;

use super::Check;
use super::checks::WAIT;
use crate::config::Twitch;
use crate::twitchapi::{Helix, HelixError};

/// Twitch's IRC over WebSocket opens (it says nothing until we log in).
pub async fn irc(url: &str) -> Check {
    const NAME: &str = "twitch chat";
    let fix = "check the network; [twitch] irc_url is normally wss://irc-ws.chat.twitch.tv:443";
    match timeout(WAIT, tokio_tungstenite::connect_async(url)).await {
        Ok(Ok((mut ws, _))) => {
            let _ = ws.close(None).await;
            Check::ok(NAME, format!("{url} connects"))
        }
        Ok(Err(e)) => Check::fail(NAME, format!("{url}: {e}"), fix),
        Err(_) => Check::fail(NAME, format!("{url}: no answer"), fix),
    }
}

/// Helix with the app credentials, asked about `login` when one is given.
pub async fn helix(cfg: &Twitch, login: Option<&str>) -> Check {
    const NAME: &str = "twitch api";
    let Some(helix) = Helix::new(cfg) else {
        let how = if cfg.assume_live {
            "[twitch] assume_live: the stream counts as live from the start"
        } else {
            "live status comes from the stream itself (or set [twitch] assume_live = true)"
        };
        return Check::skip(
            NAME,
            format!("no [twitch] client_id / client_secret: {how}"),
        );
    };
    let Some(login) = login else {
        return Check::skip(
            NAME,
            "credentials set; give a channel to ask Helix about it",
        );
    };
    match timeout(WAIT * 2, helix.status(login)).await {
        Ok(Ok(s)) if s.is_live => Check::ok(NAME, format!("{login} is live")),
        Ok(Ok(_)) => Check::ok(NAME, format!("{login} is offline")),
        Ok(Err(e @ HelixError::Network(_))) => Check::fail(
            NAME,
            e.to_string(),
            "check the network and [twitch] auth_base / api_base",
        ),
        Ok(Err(e @ HelixError::Unauthorized)) => Check::fail(
            NAME,
            e.to_string(),
            "create or copy the app's credentials at dev.twitch.tv/console",
        ),
        Ok(Err(e)) => Check::fail(NAME, e.to_string(), "check [twitch] api_base"),
        Err(_) => Check::fail(NAME, "Helix did not answer", "check the network"),
    }
}
