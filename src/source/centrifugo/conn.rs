//! One Centrifugo connection: mint a token, connect, subscribe, answer heartbeats, refresh
//! the token before it expires, read until the connection ends, and say how it ended.

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use tokio::time::{Instant, sleep_until, timeout, timeout_at};
use tokio_tungstenite::tungstenite::Message;

use super::Centrifugo;
use super::proto::{self, Reply};
use crate::source::kick::decode_frame;
use crate::source::socket::{Ended, Link, Target, connect_failure, describe};

/// How long to keep reading after a close frame, so tungstenite's close reply goes out.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// After a failed token refresh, try again this much later (the token is still valid).
const REFRESH_RETRY: Duration = Duration::from_secs(5);
const CONNECT_ID: u32 = 1;
const HEARTBEAT_GRACE: Duration = Duration::from_secs(10);

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send_text(ws: &mut Ws, text: String) -> bool {
    ws.send(Message::Text(text.into())).await.is_ok()
}

pub(super) async fn connect_once(c: &mut Centrifugo, target: &Target, link: &mut Link) -> Ended {
    let token = match timeout(link.connect_timeout, c.mint()).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => return Ended::new(None, format!("no connection token ({e})"), false),
        Err(_) => return Ended::new(None, "the token request timed out", false),
    };
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
    if !send_text(&mut ws, proto::connect_cmd(CONNECT_ID, &token)).await {
        return Ended::new(None, "send failed", false);
    }
    let mut ended = Conn {
        c,
        target,
        established: false,
        next_id: CONNECT_ID + 1,
        refresh_at: None,
        refreshing: None,
    }
    .serve(&mut ws, link)
    .await;
    if ended.reason.is_empty() {
        ended.reason = match ended.code {
            Some(c) => format!("close code {c}"),
            None => "connection dropped".into(),
        };
    }
    ended
}

/// What one line asks of the read loop.
enum Next {
    Go,
    End(Ended),
}

struct Conn<'a> {
    c: &'a Centrifugo,
    target: &'a Target,
    established: bool,
    next_id: u32,
    /// When to mint the next token (`ttl` × 0.8 after the last one).
    refresh_at: Option<Instant>,
    refreshing: Option<BoxFuture<'static, Result<String, String>>>,
}

impl Conn<'_> {
    fn id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1).max(CONNECT_ID + 1);
        self.next_id
    }

    fn schedule_refresh(&mut self, ttl: Option<u64>) {
        self.refresh_at = ttl
            .filter(|t| *t > 0)
            // The server's number, capped at a day so no answer can overflow the clock.
            .map(|t| Instant::now() + Duration::from_secs(t.min(86_400) * 4 / 5));
    }

    async fn serve(mut self, ws: &mut Ws, link: &mut Link) -> Ended {
        let started = Instant::now();
        // The server's heartbeat interval, once `connect` has told it.
        let mut ping = link.connect_timeout;
        let mut last_rx = Instant::now();
        loop {
            // Silence for a heartbeat interval plus ~10 s means the socket is dead (§1.6).
            let deadline = if self.established {
                last_rx + ping + link.pong_timeout.min(HEARTBEAT_GRACE)
            } else {
                started + link.connect_timeout
            };
            let refresh_due = self.refresh_at.filter(|_| self.refreshing.is_none());
            let msg = tokio::select! {
                m = timeout_at(deadline, ws.next()) => m,
                () = sleep_until(refresh_due.unwrap_or(deadline)), if refresh_due.is_some() => {
                    self.refresh_at = None;
                    self.refreshing = Some(self.c.mint());
                    continue;
                }
                t = async {
                    match self.refreshing.as_mut() {
                        Some(f) => f.await,
                        None => std::future::pending().await,
                    }
                }, if self.refreshing.is_some() => {
                    self.refreshing = None;
                    match t {
                        Ok(token) => {
                            let id = self.id();
                            if !send_text(ws, proto::refresh_cmd(id, &token)).await {
                                return Ended::new(None, "send failed", self.established);
                            }
                        }
                        Err(e) => {
                            tracing::warn!("centrifugo token refresh failed: {e}; trying again");
                            self.refresh_at = Some(Instant::now() + REFRESH_RETRY);
                        }
                    }
                    continue;
                }
            };
            let msg = match msg {
                Err(_) => {
                    let reason = if self.established {
                        "no heartbeat from Kick"
                    } else {
                        "no reply to connect"
                    };
                    let _ = timeout(CLOSE_GRACE, ws.close(None)).await;
                    return Ended::new(None, reason, self.established);
                }
                Ok(None) => return Ended::new(None, "", self.established),
                Ok(Some(Err(e))) => {
                    return Ended::new(None, format!("socket error: {e}"), self.established);
                }
                Ok(Some(Ok(m))) => m,
            };
            last_rx = Instant::now();
            let text = match msg {
                Message::Text(t) => t,
                Message::Close(frame) => {
                    let code = frame.as_ref().map(|f| u16::from(f.code));
                    let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                    let _ = timeout(CLOSE_GRACE, async {
                        while let Some(Ok(_)) = ws.next().await {}
                    })
                    .await;
                    return Ended::new(code, describe(code, &None, &reason), self.established);
                }
                _ => continue,
            };
            // Several replies may share a frame, one per line.
            for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
                match self.on_line(line, ws, link, &mut ping).await {
                    Next::Go => {}
                    Next::End(e) => return e,
                }
            }
        }
    }

    async fn on_line(
        &mut self,
        line: &str,
        ws: &mut Ws,
        link: &mut Link,
        ping: &mut Duration,
    ) -> Next {
        let reply = match proto::parse_line(line) {
            Ok(r) => r,
            Err(e) => {
                let at = link.received(line).await;
                link.malformed(at, e).await;
                return Next::Go;
            }
        };
        let established = self.established;
        match reply {
            Reply::Ping => {
                if !send_text(ws, proto::PONG.into()).await {
                    return Next::End(Ended::new(None, "send failed", established));
                }
            }
            Reply::Connected { .. } if established => {
                tracing::debug!("a second connect reply on one connection, ignored");
            }
            Reply::Connected { ttl, ping: p } => {
                self.established = true;
                *ping = Duration::from_secs(p.unwrap_or(25).clamp(1, 600));
                self.schedule_refresh(ttl);
                let subs: Vec<String> = self
                    .target
                    .channels
                    .iter()
                    .enumerate()
                    .map(|(i, ch)| proto::subscribe_cmd(CONNECT_ID + 1 + i as u32, ch))
                    .collect();
                self.next_id = CONNECT_ID + subs.len() as u32;
                // All subscriptions in one frame, one command per line.
                if !send_text(ws, subs.join("\n")).await {
                    return Next::End(Ended::new(None, "subscribe failed", true));
                }
            }
            // Live once the chat's channel is subscribed (or its publications flow).
            Reply::Subscribed { id } if id == CONNECT_ID + 1 => {
                link.up(crate::time::wall_now()).await;
            }
            Reply::Refreshed { ttl } => self.schedule_refresh(ttl),
            Reply::Subscribed { .. } | Reply::Other => {}
            Reply::Error { id, code, message } => {
                let message = crate::terminal_text::clean(&message);
                // A refused connect or an expired token ends this connection.
                if id == Some(CONNECT_ID) || code == 109 {
                    let what = if id == Some(CONNECT_ID) {
                        "the connect"
                    } else {
                        "its token"
                    };
                    tracing::warn!("centrifugo error {code} for {what}: {message}");
                    let why = format!("error {code}: {message}");
                    return Next::End(Ended::new(Some(code), why, established));
                }
                // A subscribe's id is its channel's place after the connect's (a refresh's
                // comes after them all); the first channel carries the chat, without which the
                // connection is no use.
                let channel = id
                    .and_then(|i| i.checked_sub(CONNECT_ID + 1))
                    .and_then(|k| Some((k, self.target.channels.get(k as usize)?)));
                match channel {
                    Some((0, chat)) => {
                        let why = format!(
                            "Kick refused the chat's subscription ({chat}): {code} {message}"
                        );
                        let _ = timeout(CLOSE_GRACE, ws.close(None)).await;
                        return Next::End(Ended::chat_refused(why));
                    }
                    Some((_, ch)) => tracing::warn!(
                        "Kick refused the subscription to {ch} (its events will be missing): \
                         {code} {message}"
                    ),
                    None => tracing::warn!("centrifugo error {code} ({id:?}): {message}"),
                }
            }
            Reply::Disconnect { code, reason } => {
                let why = describe(Some(code), &None, &reason);
                return Next::End(Ended::new(Some(code), why, established));
            }
            Reply::Publication { channel, data } => {
                let frame = proto::inner_frame(data);
                // Captured in Pusher's shape, so `kicktui replay` reads it like any capture.
                let at = link.received(&frame).await;
                if self.target.channels.first() == Some(&channel) {
                    link.up(at).await;
                }
                if !link.deliver(at, decode_frame(&frame)).await {
                    return Next::End(Ended::new(Some(1000), "engine stopped", established));
                }
            }
        }
        Next::Go
    }
}
