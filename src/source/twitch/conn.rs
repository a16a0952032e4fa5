//! One IRC-over-WebSocket connection as a task: it logs in anonymously, joins, forwards every
//! text frame to the supervisor, sends what it is told, pings on silence, and says how it
//! ended. It never interprets chat: the supervisor does, so a RECONNECT can overlap two of them.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;

use super::irc::handshake;
use crate::domain::Ts;
use crate::source::socket::connect_failure;
use crate::time::wall_now;

/// How long a closing connection waits for the server's close reply.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// What a connection tells the supervisor, tagged with its generation.
#[derive(Debug)]
pub(super) enum ConnEvent {
    Frame {
        at: Ts,
        text: String,
    },
    /// A frame that is not IRC text (Twitch sends text only): counted and skipped.
    Malformed {
        at: Ts,
        error: String,
    },
    Ended {
        reason: String,
    },
}

pub(super) enum ConnCmd {
    Send(String),
    Close,
}

/// What a connection needs to log in.
#[derive(Clone, Debug)]
pub(super) struct Login {
    pub url: String,
    pub nick: String,
    pub channel: String,
    pub connect_timeout: Duration,
    pub idle_ping_after: Duration,
    pub pong_timeout: Duration,
}

/// The supervisor's handle on a running connection. Dropping it closes the connection too.
pub(super) struct Conn {
    pub conn_id: u64,
    cmd: mpsc::UnboundedSender<ConnCmd>,
}

impl Conn {
    pub fn spawn(conn_id: u64, login: Login, events: mpsc::Sender<(u64, ConnEvent)>) -> Conn {
        let (cmd, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let reason = run(&login, rx, &events, conn_id).await;
            let _ = events.send((conn_id, ConnEvent::Ended { reason })).await;
        });
        Conn { conn_id, cmd }
    }

    pub fn send(&self, line: String) {
        let _ = self.cmd.send(ConnCmd::Send(line));
    }

    /// Closes politely; the task ends by itself.
    pub fn close(self) {
        let _ = self.cmd.send(ConnCmd::Close);
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn run(
    login: &Login,
    mut cmds: mpsc::UnboundedReceiver<ConnCmd>,
    events: &mpsc::Sender<(u64, ConnEvent)>,
    conn_id: u64,
) -> String {
    let connected = timeout(
        login.connect_timeout,
        tokio_tungstenite::connect_async(login.url.as_str()),
    )
    .await;
    let mut ws: Ws = match connected {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => return connect_failure(&login.url, Some(&e)),
        Err(_) => return connect_failure(&login.url, None),
    };
    for line in handshake(&login.nick, &login.channel) {
        if ws.send(Message::Text(line.into())).await.is_err() {
            return "login failed: the socket closed".into();
        }
    }
    let mut last_rx = Instant::now();
    let mut pinged = false;
    loop {
        let deadline = if pinged {
            last_rx + login.idle_ping_after + login.pong_timeout
        } else {
            last_rx + login.idle_ping_after
        };
        tokio::select! {
            msg = ws.next() => {
                last_rx = Instant::now();
                pinged = false;
                match msg {
                    Some(Ok(Message::Text(t))) => {
                        let ev = ConnEvent::Frame { at: wall_now(), text: t.to_string() };
                        if events.send((conn_id, ev)).await.is_err() {
                            return "stopped".into();
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        let error = "twitch: a binary frame (IRC is text)".to_owned();
                        let ev = ConnEvent::Malformed { at: wall_now(), error };
                        if events.send((conn_id, ev)).await.is_err() {
                            return "stopped".into();
                        }
                    }
                    Some(Ok(Message::Close(frame))) => {
                        let _ = timeout(CLOSE_GRACE, async {
                            while let Some(Ok(_)) = ws.next().await {}
                        })
                        .await;
                        return match frame {
                            Some(f) if !f.reason.is_empty() => {
                                format!("close code {}: {}", u16::from(f.code), f.reason)
                            }
                            Some(f) => format!("close code {}", u16::from(f.code)),
                            None => "closed".into(),
                        };
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return format!("socket error: {e}"),
                    None => return "connection dropped".into(),
                }
            }
            cmd = cmds.recv() => match cmd {
                Some(ConnCmd::Send(line)) => {
                    if ws.send(Message::Text(line.into())).await.is_err() {
                        return "send failed".into();
                    }
                }
                Some(ConnCmd::Close) | None => {
                    let _ = timeout(CLOSE_GRACE, ws.close(None)).await;
                    let _ = timeout(CLOSE_GRACE, async {
                        while let Some(Ok(_)) = ws.next().await {}
                    })
                    .await;
                    return "closed by kicktui".into();
                }
            },
            _ = sleep_until(deadline) => {
                if pinged {
                    return "no answer to PING".into();
                }
                // Silence: ask whether the socket is still alive (any line counts as yes).
                if ws.send(Message::Text("PING :tmi.twitch.tv".into())).await.is_err() {
                    return "send failed".into();
                }
                pinged = true;
            }
        }
    }
}
