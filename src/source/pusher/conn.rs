//! One Pusher connection: connect, greet, subscribe, read until it ends, and say how it ended.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::time::{Instant, timeout, timeout_at};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::source::kick::{Control, Frame, decode_frame, ping_frame, pong_frame, subscribe_frame};
use crate::source::socket::{Ended, Link, Target, connect_failure, describe};

/// How long to keep reading after a close frame, so tungstenite's close reply goes out.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// Silence this long gets a ping even when Kick's activity timeout is longer (120 s): a link
/// that died without a close (a dead Wi-Fi, a NAT that forgot it) is found in under a minute,
/// not after two and a half, while "chat: live" would say otherwise.
const MAX_SILENCE: Duration = Duration::from_secs(30);
/// A Pusher server answers a ping at once.
const MAX_PONG_WAIT: Duration = Duration::from_secs(15);

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Sends one text frame; false when the socket is gone.
async fn send_text(ws: &mut Ws, text: String) -> bool {
    ws.send(Message::Text(text.into())).await.is_ok()
}

pub(super) async fn connect_once(target: &Target, link: &mut Link) -> Ended {
    let connected = timeout(
        link.connect_timeout,
        tokio_tungstenite::connect_async(target.url.as_str()),
    )
    .await;
    let mut ws = match connected {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => return Ended::new(None, connect_failure(&target.url, Some(&e)), false),
        Err(_) => return Ended::new(None, connect_failure(&target.url, None), false),
    };
    let mut ended = serve(&mut ws, target, link).await;
    if ended.reason.is_empty() {
        ended.reason = match ended.code {
            Some(c) => format!("close code {c}"),
            None => "connection dropped".into(),
        };
    }
    ended
}

/// How long a silence gets before a ping, given the server's `activity_timeout`.
fn ping_after(activity_timeout_s: u64) -> Duration {
    Duration::from_secs(activity_timeout_s.clamp(1, 600)).min(MAX_SILENCE)
}

/// Reads one connection until it ends.
async fn serve(ws: &mut Ws, target: &Target, link: &mut Link) -> Ended {
    // The greeting has this long in all, whatever else the server sends meanwhile.
    let greet_by = Instant::now() + link.connect_timeout;
    let mut established = false;
    let mut activity = link.connect_timeout;
    let mut ping_deadline: Option<Instant> = None;
    let mut last_rx = Instant::now();
    // A `pusher:error` names the code when the close frame does not.
    let mut error: Option<(u16, String)> = None;
    loop {
        let deadline = if established {
            ping_deadline.unwrap_or(last_rx + activity)
        } else {
            greet_by
        };
        let msg = match timeout_at(deadline, ws.next()).await {
            Err(_) if ping_deadline.is_some() || !established => {
                let reason = if established {
                    "no pong from Kick"
                } else {
                    "no connection_established"
                };
                let _ = timeout(CLOSE_GRACE, ws.close(None)).await;
                return Ended::new(None, reason, established);
            }
            Err(_) => {
                // Silence for activity_timeout: ask whether the socket is still alive.
                if !send_text(ws, ping_frame()).await {
                    return Ended::new(None, "send failed", established);
                }
                ping_deadline = Some(Instant::now() + link.pong_timeout.min(MAX_PONG_WAIT));
                continue;
            }
            Ok(None) => {
                let code = error.as_ref().map(|e| e.0);
                return Ended::new(code, describe(code, &error, ""), established);
            }
            Ok(Some(Err(e))) => {
                if matches!(e, tungstenite::Error::Capacity(_)) {
                    // Too big to read: the connection cannot go on, but it was one bad frame.
                    link.malformed(crate::time::wall_now(), e.to_string()).await;
                }
                let code = error.as_ref().map(|e| e.0);
                let why = format!("socket error: {e}");
                return Ended::new(code, describe(code, &error, &why), established);
            }
            Ok(Some(Ok(m))) => m,
        };
        last_rx = Instant::now();
        ping_deadline = None;
        let text = match msg {
            Message::Text(t) => t,
            Message::Binary(_) => {
                let at = crate::time::wall_now();
                link.malformed(at, "a binary frame (Pusher sends text)".into())
                    .await;
                continue;
            }
            Message::Close(frame) => {
                let code = frame
                    .as_ref()
                    .map(|f| u16::from(f.code))
                    .or(error.as_ref().map(|e| e.0));
                let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                // Keep reading briefly: that sends tungstenite's close reply.
                let _ = timeout(CLOSE_GRACE, async {
                    while let Some(Ok(_)) = ws.next().await {}
                })
                .await;
                return Ended::new(code, describe(code, &error, &reason), established);
            }
            _ => continue,
        };
        let at = link.received(&text).await;
        let frame = decode_frame(&text);
        if !matches!(frame, Ok(Frame::Control(Control::Error { .. }))) {
            // A `pusher:error` explains only a close that follows it directly.
            error = None;
        }
        match frame {
            Ok(Frame::Control(Control::ConnectionEstablished { .. })) if established => {
                tracing::debug!("a second connection_established on one connection, ignored");
            }
            Ok(Frame::Control(Control::ConnectionEstablished {
                activity_timeout_s, ..
            })) => {
                established = true;
                activity = ping_after(activity_timeout_s);
                for ch in &target.channels {
                    if !send_text(ws, subscribe_frame(ch)).await {
                        return Ended::new(None, "subscribe failed", established);
                    }
                }
            }
            // Live once the chat's channel is subscribed: a refused subscription must not
            // flash "live".
            Ok(Frame::Control(Control::SubscriptionSucceeded { channel }))
                if target.channels.first() == Some(&channel) =>
            {
                link.up(at).await;
            }
            Ok(Frame::Control(Control::Ping)) => {
                if !send_text(ws, pong_frame()).await {
                    return Ended::new(None, "send failed", established);
                }
            }
            Ok(Frame::Control(Control::Error { code, message })) => {
                match code {
                    Some(c) => tracing::warn!("Pusher error {c}: {message}"),
                    None => tracing::warn!("Pusher error: {message}"),
                }
                if let Some(c) = code {
                    error = Some((c, message));
                }
            }
            Ok(Frame::Control(Control::SubscriptionError { channel, message })) => {
                let message = crate::terminal_text::clean(&message);
                let channel = crate::terminal_text::clean(channel.as_deref().unwrap_or("?"));
                // The first channel carries the chat: without it the connection is no use.
                if target.channels.first() == Some(&channel) {
                    let why =
                        format!("Kick refused the chat's subscription ({channel}): {message}");
                    let _ = timeout(CLOSE_GRACE, ws.close(None)).await;
                    return Ended::chat_refused(why);
                }
                tracing::warn!(
                    "Kick refused the subscription to {channel} (its events will be missing): \
                     {message}"
                );
            }
            frame => {
                // Events without an acknowledgement still mean the chat flows.
                if matches!(frame, Ok(Frame::Event { .. })) {
                    link.up(at).await;
                }
                if !link.deliver(at, frame).await {
                    return Ended::new(Some(1000), "engine stopped", established);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_link_is_pinged_within_half_a_minute_whatever_kick_says() {
        assert_eq!(ping_after(120), Duration::from_secs(30));
        assert_eq!(ping_after(10), Duration::from_secs(10));
        assert_eq!(ping_after(0), Duration::from_secs(1));
    }
}
