//! The Kick chat source: a Pusher protocol 7 client that really reconnects. It subscribes to
//! the five channel names, answers pings, pings on silence and drops a dead socket, follows
//! the close-code policy, resubscribes after every reconnect, de-duplicates by id, and marks
//! each gap so the velocity baseline does not read it as a quiet chat.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, timeout, timeout_at};
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use super::dedup::Dedup;
use super::kick::{Control, Frame, decode_frame, ping_frame, pong_frame, subscribe_frame};
use super::reconnect::{Backoff, CloseAction, close_action};
use crate::domain::{Event, Ts};
use crate::time::wall_now;

/// What the status bar shows about the chat connection.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatState {
    Connecting {
        attempt: u32,
    },
    /// Connected and subscribed to every channel name.
    Live,
    /// Waiting until `until` before the next attempt, because of `reason`.
    Reconnecting {
        until: Ts,
        reason: String,
    },
    Stopped {
        why: String,
    },
}

impl std::fmt::Display for ChatState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChatState::Connecting { attempt: 0 } => write!(f, "connecting"),
            ChatState::Connecting { attempt } => write!(f, "connecting (attempt {})", attempt + 1),
            ChatState::Live => write!(f, "live"),
            ChatState::Reconnecting { until, reason } => {
                let secs = (until.0 - wall_now().0).max(0) as f64 / 1000.0;
                write!(f, "reconnecting in {secs:.0} s ({reason})")
            }
            ChatState::Stopped { why } => write!(f, "stopped: {why}"),
        }
    }
}

/// What the source sends to the engine.
#[derive(Debug, PartialEq)]
pub enum SourceMsg {
    Event {
        at: Ts,
        event: Event,
    },
    /// A raw text frame as received (only with capture on).
    Frame {
        at: Ts,
        text: String,
    },
    Malformed {
        at: Ts,
        error: String,
    },
}

#[derive(Clone, Debug)]
pub struct PusherOptions {
    pub url: String,
    pub channels: Vec<String>,
    pub connect_timeout: Duration,
    /// How long to wait for `pusher:pong` after our own ping.
    pub pong_timeout: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub capture: bool,
}

impl PusherOptions {
    pub fn new(url: &str, channels: Vec<String>) -> PusherOptions {
        PusherOptions {
            url: url.to_string(),
            channels,
            connect_timeout: Duration::from_secs(10),
            pong_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            capture: false,
        }
    }
}

/// How one connection ended.
struct Ended {
    code: Option<u16>,
    reason: String,
    /// It got as far as `connection_established` (so the backoff starts over).
    established: bool,
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct PusherSource {
    opts: PusherOptions,
    tx: mpsc::Sender<SourceMsg>,
    state: watch::Sender<ChatState>,
    dedup: Dedup,
    down: bool,
}

impl PusherSource {
    pub fn new(
        opts: PusherOptions,
        tx: mpsc::Sender<SourceMsg>,
        state: watch::Sender<ChatState>,
    ) -> Self {
        PusherSource {
            opts,
            tx,
            state,
            dedup: Dedup::new(20_000),
            down: false,
        }
    }

    /// Runs until cancelled or stopped by a fatal close code.
    pub async fn run(mut self, cancel: CancellationToken) {
        let seed = wall_now().0 as u64 ^ std::process::id() as u64;
        let mut backoff = Backoff::new(self.opts.backoff_base, self.opts.backoff_cap, seed);
        let mut fatal_seen = false;
        loop {
            self.state.send_replace(ChatState::Connecting {
                attempt: backoff.attempt(),
            });
            let ended = tokio::select! {
                _ = cancel.cancelled() => return,
                e = self.connect_once() => e,
            };
            self.mark_down().await;
            if self.tx.is_closed() {
                return;
            }
            if ended.established {
                backoff.reset();
            }
            let action = close_action(ended.code);
            let delay = match action {
                CloseAction::Fatal if !fatal_seen => {
                    // One fresh try with the parameters looked up again, then give up loudly.
                    fatal_seen = true;
                    Some(Duration::ZERO)
                }
                _ => backoff.delay_for(action),
            };
            let Some(delay) = delay else {
                let why = format!("Kick refused the chat connection: {}", ended.reason);
                tracing::error!("{why}");
                self.state.send_replace(ChatState::Stopped { why });
                return;
            };
            tracing::warn!(
                "chat connection lost ({}); reconnecting in {:.1} s",
                ended.reason,
                delay.as_secs_f64()
            );
            let until = wall_now().plus_ms(delay.as_millis() as i64);
            self.state.send_replace(ChatState::Reconnecting {
                until,
                reason: ended.reason,
            });
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    async fn mark_down(&mut self) {
        if !self.down {
            self.down = true;
            let _ = self
                .tx
                .send(SourceMsg::Event {
                    at: wall_now(),
                    event: Event::SourceDown,
                })
                .await;
        }
    }

    async fn connect_once(&mut self) -> Ended {
        let connected = timeout(
            self.opts.connect_timeout,
            tokio_tungstenite::connect_async(self.opts.url.as_str()),
        )
        .await;
        let mut ws = match connected {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(e)) => {
                return Ended {
                    code: None,
                    reason: format!("connect failed: {e}"),
                    established: false,
                };
            }
            Err(_) => {
                return Ended {
                    code: None,
                    reason: "connect timed out".into(),
                    established: false,
                };
            }
        };
        let mut ended = self.serve(&mut ws).await;
        if ended.code.is_none() && ended.reason.is_empty() {
            ended.reason = "connection dropped".into();
        }
        ended
    }

    /// Reads one connection until it ends.
    async fn serve(&mut self, ws: &mut Ws) -> Ended {
        let mut established = false;
        let mut activity = self.opts.connect_timeout;
        let mut ping_deadline: Option<Instant> = None;
        let mut last_rx = Instant::now();
        let mut error_code: Option<u16> = None;
        loop {
            let deadline = ping_deadline.unwrap_or(last_rx + activity);
            let msg = match timeout_at(deadline, ws.next()).await {
                Err(_) if ping_deadline.is_some() || !established => {
                    let reason = if established {
                        "no pong from Kick"
                    } else {
                        "no connection_established"
                    };
                    let _ = ws.close(None).await;
                    return Ended {
                        code: None,
                        reason: reason.into(),
                        established,
                    };
                }
                Err(_) => {
                    // Silence for activity_timeout: ask whether the socket is still alive.
                    if ws.send(Message::Text(ping_frame().into())).await.is_err() {
                        return Ended {
                            code: None,
                            reason: "send failed".into(),
                            established,
                        };
                    }
                    ping_deadline = Some(Instant::now() + self.opts.pong_timeout);
                    continue;
                }
                Ok(None) => {
                    return Ended {
                        code: error_code,
                        reason: String::new(),
                        established,
                    };
                }
                Ok(Some(Err(e))) => {
                    return Ended {
                        code: error_code,
                        reason: format!("socket error: {e}"),
                        established,
                    };
                }
                Ok(Some(Ok(m))) => m,
            };
            last_rx = Instant::now();
            ping_deadline = None;
            let text = match msg {
                Message::Text(t) => t,
                Message::Close(frame) => {
                    let code = frame.as_ref().map(|f| u16::from(f.code)).or(error_code);
                    let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                    return Ended {
                        code,
                        reason: format!("closed {} {reason}", code.unwrap_or(0)),
                        established,
                    };
                }
                _ => continue,
            };
            let at = wall_now();
            if self.opts.capture {
                let _ = self
                    .tx
                    .send(SourceMsg::Frame {
                        at,
                        text: text.to_string(),
                    })
                    .await;
            }
            match decode_frame(&text) {
                Ok(Frame::Control(Control::ConnectionEstablished {
                    activity_timeout_s, ..
                })) => {
                    established = true;
                    activity = Duration::from_secs(activity_timeout_s.clamp(1, 600));
                    for ch in &self.opts.channels {
                        if ws
                            .send(Message::Text(subscribe_frame(ch).into()))
                            .await
                            .is_err()
                        {
                            return Ended {
                                code: None,
                                reason: "subscribe failed".into(),
                                established,
                            };
                        }
                    }
                    self.state.send_replace(ChatState::Live);
                    if std::mem::replace(&mut self.down, false) {
                        let _ = self
                            .tx
                            .send(SourceMsg::Event {
                                at,
                                event: Event::SourceUp,
                            })
                            .await;
                    }
                }
                Ok(Frame::Control(Control::Ping)) => {
                    if ws.send(Message::Text(pong_frame().into())).await.is_err() {
                        return Ended {
                            code: None,
                            reason: "send failed".into(),
                            established,
                        };
                    }
                }
                Ok(Frame::Control(Control::Error { code, message })) => {
                    tracing::warn!("pusher:error {code:?}: {message}");
                    error_code = code.or(error_code);
                }
                Ok(Frame::Control(Control::SubscriptionError { channel, message })) => {
                    tracing::warn!("subscription to {channel:?} failed: {message}");
                }
                Ok(Frame::Control(_)) | Ok(Frame::Ignored(_)) => {}
                Ok(Frame::Event { event, key, .. }) => {
                    if key.as_ref().is_none_or(|k| self.dedup.first_time(k))
                        && self.tx.send(SourceMsg::Event { at, event }).await.is_err()
                    {
                        return Ended {
                            code: Some(1000),
                            reason: "engine stopped".into(),
                            established,
                        };
                    }
                }
                Err(e) => {
                    let _ = self
                        .tx
                        .send(SourceMsg::Malformed {
                            at,
                            error: e.to_string(),
                        })
                        .await;
                }
            }
        }
    }
}
