//! The checks for a Twitch channel: the chat socket opens and lets us into the channel, and
//! Helix answers with the credentials (or live status will come from the stream itself).

use std::time::Duration;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::time::{Instant, timeout, timeout_at};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Check;
use super::checks::WAIT;
use crate::config::Twitch;
use crate::redact::{url_without_secrets, urls_to_hosts};
use crate::source::twitch::{check_the_name, irc};
use crate::terminal_text;
use crate::twitchapi::{Helix, HelixError};

const IRC: &str = "twitch chat";

/// After our own JOIN echo, how long a NOTICE refusing the channel may still come.
const AFTER_JOIN_ECHO: Duration = Duration::from_secs(2);

/// Twitch's IRC over WebSocket opens (it says nothing until we log in) and, given a channel,
/// lets us into it as the live run joins: a suspended channel is refused with a NOTICE, one
/// that does not exist gets no answer at all.
/// What the chat check learnt of the channel, so Helix's "no stream" can say which it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Twitch let us in: it exists.
    Exists,
    /// Twitch answered the login but never the JOIN: it does not exist.
    Missing,
    /// Not learnt: no channel given, the socket failed, or Twitch refused the channel.
    Unknown,
}

pub async fn irc(url: &str, channel: Option<&str>) -> (Check, Channel) {
    let fix = "check the network; [twitch] irc_url is normally wss://irc-ws.chat.twitch.tv:443";
    // Shown without a password or query, as every configured URL doctor names.
    let shown = url_without_secrets(url);
    let mut ws = match timeout(WAIT, tokio_tungstenite::connect_async(url)).await {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => {
            let e = urls_to_hosts(&e.to_string());
            return (
                Check::fail(IRC, format!("{shown}: {e}"), fix),
                Channel::Unknown,
            );
        }
        Err(_) => {
            let check = Check::fail(IRC, format!("{shown}: no answer"), fix);
            return (check, Channel::Unknown);
        }
    };
    let joined = match channel {
        Some(channel) => join(&mut ws, channel).await,
        None => (
            Check::ok(IRC, format!("{shown} connects")),
            Channel::Unknown,
        ),
    };
    let _ = ws.close(None).await;
    joined
}

async fn join<S>(ws: &mut S, channel: &str) -> (Check, Channel)
where
    S: Stream<Item = Result<Message, WsError>> + Sink<Message> + Unpin,
{
    let nick = irc::anonymous_nick(u64::from(std::process::id()));
    for line in irc::handshake(&nick, channel) {
        if ws.send(Message::Text(line.into())).await.is_err() {
            let check = Check::fail(IRC, "the socket closed during the login", "try again");
            return (check, Channel::Unknown);
        }
    }
    let mut deadline = Instant::now() + WAIT;
    let mut echoed = false;
    let mut closed = false;
    // The server answered the login: a JOIN it leaves unanswered is about the channel.
    let mut heard = false;
    loop {
        let frame = match timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                heard = true;
                t
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => {
                closed = true;
                break;
            }
            Err(_) => break,
        };
        for m in irc::lines(&frame).filter_map(|l| irc::parse(l).ok()) {
            let target = m.param(0);
            let ours = target
                .and_then(|c| c.strip_prefix('#'))
                .is_some_and(|c| c.eq_ignore_ascii_case(channel));
            match m.command {
                "ROOMSTATE" if ours => {
                    return (
                        Check::ok(IRC, format!("joined #{channel}")),
                        Channel::Exists,
                    );
                }
                // About our channel, or the whole connection (`*`): not another channel's.
                "NOTICE" if ours || target == Some("*") => {
                    let said = terminal_text::clean(m.trailing().unwrap_or_default());
                    let fix = match m.tag_nonempty("msg-id").as_deref() {
                        Some("msg_channel_suspended") => {
                            "the channel is suspended (or gone): check the name on twitch.tv"
                        }
                        _ => "check the channel name (twitch.tv/NAME) and the network",
                    };
                    let check =
                        Check::fail(IRC, format!("#{channel}: Twitch says \"{said}\""), fix);
                    return (check, Channel::Unknown);
                }
                // Chat would read, but without subs, gifts, raids, bits and badges.
                "CAP" if m.param(1) == Some("NAK") => {
                    let caps = terminal_text::clean(m.trailing().unwrap_or(irc::CAPS));
                    let check = Check::fail(
                        IRC,
                        format!(
                            "the server refused the capabilities {caps} (CAP NAK): chat would \
                             be read without subs, gifts, raids, bits or badges"
                        ),
                        "check [twitch] irc_url (Twitch's own server accepts them)",
                    );
                    return (check, Channel::Unknown);
                }
                "JOIN" if ours && !echoed => {
                    echoed = true;
                    deadline = deadline.min(Instant::now() + AFTER_JOIN_ECHO);
                }
                _ => {}
            }
        }
    }
    let wait = WAIT.as_secs();
    if echoed {
        (
            Check::ok(IRC, format!("joined #{channel}")),
            Channel::Exists,
        )
    } else if closed {
        let check = Check::fail(
            IRC,
            format!("#{channel}: Twitch closed the connection before confirming the JOIN"),
            "try again; if it repeats, check the network and [twitch] irc_url",
        );
        (check, Channel::Unknown)
    } else if heard {
        // As the live client says it: Twitch's answer to a channel that does not exist.
        let check = Check::fail(
            IRC,
            format!("Twitch did not answer the JOIN of #{channel} within {wait} s"),
            check_the_name(channel),
        );
        (check, Channel::Missing)
    } else {
        let check = Check::fail(
            IRC,
            format!("#{channel}: Twitch said nothing within {wait} s of the login"),
            "check the network and [twitch] irc_url",
        );
        (check, Channel::Unknown)
    }
}

/// Helix with the app credentials, asked about `login` when one is given. Its streams answer
/// is the same for an offline channel and a name that is none: `channel` (what the chat check
/// learnt) says which, when it knows.
pub async fn helix(cfg: &Twitch, login: Option<&str>, channel: Channel) -> Check {
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
        Ok(Ok(_)) => Check::ok(NAME, no_stream(login, channel)),
        Ok(Err(e @ HelixError::Network(_))) => Check::fail(
            NAME,
            urls_to_hosts(&e.to_string()),
            "check the network and [twitch] auth_base / api_base",
        ),
        Ok(Err(e @ HelixError::Unauthorized)) => Check::fail(
            NAME,
            e.to_string(),
            "create or copy the app's credentials at dev.twitch.tv/console",
        ),
        // The token request (auth_base) or the stream's (api_base): either may have failed.
        Ok(Err(e)) => Check::fail(
            NAME,
            urls_to_hosts(&e.to_string()),
            "check [twitch] auth_base / api_base",
        ),
        Err(_) => Check::fail(NAME, "Helix did not answer", "check the network"),
    }
}

/// Helix has no stream for `login`: offline, or not a channel at all.
fn no_stream(login: &str, channel: Channel) -> String {
    match channel {
        Channel::Exists => format!("{login} is offline"),
        Channel::Missing => {
            format!("no stream for {login}: not a channel (Twitch did not answer its JOIN)")
        }
        Channel::Unknown => format!("{login} is offline or not a channel"),
    }
}
