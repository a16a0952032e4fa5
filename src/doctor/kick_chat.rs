//! Kick's chat socket as the live run will use it: `[kick] transport` decides whether Pusher,
//! Centrifugo, or Pusher with Centrifugo behind it (`auto`) is checked.

use super::checks::{WAIT, pusher};
use super::{Check, Status};
use crate::config::{ChatTransport, Kick};
use crate::redact::{url_without_secrets, urls_to_hosts};
use crate::source::centrifugo;

const CENTRIFUGO: &str = "centrifugo";

async fn centrifugo(kick: &Kick) -> Check {
    let host = url_without_secrets(&kick.centrifugo_url);
    match centrifugo::probe(&kick.centrifugo_url, &kick.centrifugo_token_url, WAIT).await {
        Ok(()) => Check::ok(CENTRIFUGO, format!("{host} connects")),
        Err(e) => Check::fail(
            CENTRIFUGO,
            format!("{host}: {}", urls_to_hosts(&e.to_string())),
            "check the network; if Kick moved it, update [kick] centrifugo_url / centrifugo_token_url",
        ),
    }
}

/// The transport's checks, in the order the live run tries them.
pub async fn checks(kick: &Kick) -> Vec<Check> {
    match kick.transport {
        ChatTransport::Pusher => vec![pusher(&kick.pusher_url).await],
        ChatTransport::Centrifugo => vec![centrifugo(kick).await],
        ChatTransport::Auto => {
            let mut first = pusher(&kick.pusher_url).await;
            if first.status != Status::Fail {
                return vec![first];
            }
            let fallback = centrifugo(kick).await;
            // What the live run would work around is not a failure.
            if fallback.status == Status::Ok {
                first = Check::ok(
                    first.name,
                    format!(
                        "{}; chat falls back to Centrifugo, which connects",
                        first.detail
                    ),
                );
            }
            vec![first, fallback]
        }
    }
}
