//! `[kick] client_id` / `client_secret`: Kick is asked for an app token as a run asks for one
//! (live status through the official API). The secret is sent, never shown.

use tokio::time::timeout;

use super::Check;
use super::checks::WAIT;
use crate::config::Kick;
use crate::kickapi::{ApiError, KickApi};
use crate::redact::{url_without_secrets, urls_to_hosts};

const NAME: &str = "kick app";

pub async fn check(kick: &Kick) -> Check {
    let api = KickApi::new(kick);
    if !api.has_official() {
        // One without the other is not used at all: said, so it is not taken for set.
        let detail = match (kick.client_id.is_empty(), kick.client_secret.is_empty()) {
            (false, true) => "[kick] client_secret is not set, so client_id is not used",
            (true, false) => "[kick] client_id is not set, so client_secret is not used",
            _ => "no [kick] client_id / client_secret",
        };
        return Check::skip(
            NAME,
            format!("{detail}: live status comes from the channel API"),
        );
    }
    let oauth = url_without_secrets(&kick.oauth_base);
    let network = "check the network and [kick] oauth_base";
    match timeout(WAIT * 2, api.check_credentials()).await {
        Ok(Ok(())) => Check::ok(
            NAME,
            format!("{oauth} accepts [kick] client_id / client_secret"),
        ),
        Ok(Err(e @ ApiError::Unauthorized)) => Check::fail(
            NAME,
            format!("{oauth}: {}", e.what()),
            "copy client_id and client_secret from your app at kick.com/settings/developer \
             (until then a run takes live status from the channel API)",
        ),
        Ok(Err(e)) => Check::fail(
            NAME,
            format!("{oauth}: {}", urls_to_hosts(&e.what())),
            network,
        ),
        Err(_) => Check::fail(
            NAME,
            format!("{oauth}: no answer within {} s", (WAIT * 2).as_secs()),
            network,
        ),
    }
}
