//! One Pusher connection (protocol 7): handshake, subscriptions, heartbeats, and the frames
//! the control handle routes to it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until, timeout};
use tracing::debug;

use super::frames;
use super::state::{Out, Shared};
use super::stats::ConnId;

/// How long a closing side waits for the peer's close reply before dropping the socket.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Runs a connection until it ends. `reject` closes it at once with that code (bad app key
/// or protocol), after a `pusher:error` with object data, as Pusher does.
pub(crate) async fn run(mut ws: WebSocket, shared: Arc<Shared>, reject: Option<u16>) {
    shared.stats.send_modify(|s| s.connections_accepted += 1);
    if let Some(code) = reject {
        let error = frames::error_object(code, frames::close_reason(code));
        let _ = ws.send(Message::Text(error.into())).await;
        close(&mut ws, &shared, code, None).await;
        return;
    }
    let (id, rx) = shared.register();
    serve(&mut ws, &shared, id, rx).await;
    shared.unregister(id);
}

/// The server's heartbeat: ping after client silence, then expect a pong in time.
#[derive(Clone, Copy)]
enum Beat {
    Off,
    PingAt(Instant),
    PongBy(Instant),
}

impl Beat {
    fn idle(shared: &Shared) -> Beat {
        match shared.cfg.server_ping_after {
            Some(d) => Beat::PingAt(Instant::now() + d),
            None => Beat::Off,
        }
    }

    fn deadline(self) -> Option<Instant> {
        match self {
            Beat::Off => None,
            Beat::PingAt(t) | Beat::PongBy(t) => Some(t),
        }
    }
}

async fn serve(
    ws: &mut WebSocket,
    shared: &Shared,
    id: ConnId,
    mut rx: mpsc::UnboundedReceiver<Out>,
) {
    let socket_id = format!(
        "{}.{}",
        shared.random() % 1_000_000,
        shared.random() % 10_000_000
    );
    let hello = frames::connection_established(&socket_id, shared.cfg.activity_timeout_secs);
    if ws.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    let mut shutdown = shared.shutdown.subscribe();
    let mut beat = Beat::idle(shared);
    loop {
        let deadline = beat.deadline();
        tokio::select! {
            inbound = ws.recv() => match inbound {
                Some(Ok(Message::Text(text))) => {
                    // Any client frame is activity; a pong also ends the wait for one.
                    if !matches!(beat, Beat::PongBy(_)) {
                        beat = Beat::idle(shared);
                    }
                    for reply in on_client_frame(shared, id, &text, &mut beat) {
                        if ws.send(Message::Text(reply.into())).await.is_err() {
                            return;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    shared.stats.send_modify(|s| s.client_closes += 1);
                    shared.unregister(id);
                    // Let tungstenite send its close reply before the socket goes.
                    let _ = timeout(CLOSE_GRACE, ws.recv()).await;
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            },
            out = rx.recv() => match out {
                Some(Out::Frame { seq, text, .. }) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                    shared.mark_written(seq);
                }
                Some(Out::Close(code)) => {
                    if code >= 4000 {
                        let error = frames::error(code, frames::close_reason(code));
                        let _ = ws.send(Message::Text(error.into())).await;
                    }
                    close(ws, shared, code, Some(id)).await;
                    return;
                }
                Some(Out::Drop) | None => {
                    shared.stats.send_modify(|s| s.drops += 1);
                    return;
                }
            },
            _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                if let Beat::PongBy(_) = beat {
                    let error = frames::error(4201, "Pong reply not received in time");
                    let _ = ws.send(Message::Text(error.into())).await;
                    close(ws, shared, 4201, Some(id)).await;
                    return;
                }
                shared.stats.send_modify(|s| s.pings_sent += 1);
                if ws.send(Message::Text(frames::ping().into())).await.is_err() {
                    return;
                }
                beat = Beat::PongBy(Instant::now() + shared.cfg.pong_timeout);
            }
            () = stopped(&mut shutdown) => {
                let frame = CloseFrame { code: 1001, reason: frames::close_reason(1001).into() };
                let _ = ws.send(Message::Close(Some(frame))).await;
                return;
            }
        }
    }
}

/// Resolves once the fake is shutting down (the guard `wait_for` returns is not `Send`).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Handles one client frame; returns the frames to answer with.
fn on_client_frame(shared: &Shared, id: ConnId, text: &str, beat: &mut Beat) -> Vec<String> {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        debug!(conn = id, "fake kick: client sent a non-JSON frame");
        return Vec::new();
    };
    let event = frame.get("event").and_then(Value::as_str).unwrap_or("");
    // Clients send `data` as an object; accept a JSON string too.
    let data = match frame.get("data") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let channel = data.get("channel").and_then(Value::as_str).unwrap_or("");
    match event {
        "pusher:subscribe" if channel.is_empty() => Vec::new(),
        "pusher:subscribe" => {
            let private = channel.starts_with("private-") || channel.starts_with("presence-");
            let auth = data.get("auth").and_then(Value::as_str).unwrap_or("");
            if (private && auth.is_empty())
                || super::state::lock(&shared.world).subscriptions_refused
            {
                return vec![frames::subscription_error(channel)];
            }
            shared.stats.send_modify(|s| {
                if let Some(subs) = s.subscriptions.get_mut(&id) {
                    subs.insert(channel.to_string());
                }
            });
            vec![frames::subscription_succeeded(channel)]
        }
        "pusher:unsubscribe" => {
            shared.stats.send_modify(|s| {
                if let Some(subs) = s.subscriptions.get_mut(&id) {
                    subs.remove(channel);
                }
            });
            Vec::new()
        }
        "pusher:ping" => {
            shared.stats.send_modify(|s| s.client_pings += 1);
            vec![frames::pong()]
        }
        "pusher:pong" => {
            shared.stats.send_modify(|s| s.pongs_received += 1);
            *beat = Beat::idle(shared);
            Vec::new()
        }
        other => {
            debug!(
                conn = id,
                event = other,
                "fake kick: ignoring a client event"
            );
            Vec::new()
        }
    }
}

/// Sends a close frame with `code`, counts it, and waits briefly for the client's reply so
/// the TCP close does not race the frame. A closing connection gets no more events.
async fn close(ws: &mut WebSocket, shared: &Shared, code: u16, id: Option<ConnId>) {
    if let Some(id) = id {
        shared.unregister(id);
    }
    shared
        .stats
        .send_modify(|s| *s.closes_by_code.entry(code).or_default() += 1);
    let frame = CloseFrame {
        code,
        reason: frames::close_reason(code).into(),
    };
    if ws.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = timeout(CLOSE_GRACE, async {
        while let Some(Ok(msg)) = ws.recv().await {
            if let Message::Close(_) = msg {
                break;
            }
        }
    })
    .await;
}
