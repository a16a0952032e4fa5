//! The fake's Centrifugo side (kick-protocol.md §1.6): the anonymous token endpoint and one
//! Centrifugo connection — `connect` with a valid token, `subscribe` to the same channel
//! names as Pusher, `{}` heartbeats that must be answered, `refresh` before the token runs
//! out. Published events go out as publications wrapping the very same Pusher pair, and
//! whatever is queued at once shares one frame, one JSON object per line.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until, timeout};
use tracing::debug;

use super::state::{Out, Shared, lock};
use super::stats::ConnId;

const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// The most frames packed into one WebSocket message.
const BATCH: usize = 32;

/// `POST /api/v1/realtime/auth/connection`: `{"data":{"token":…},"message":"success"}`.
pub(crate) async fn token(State(shared): State<Arc<Shared>>) -> Response {
    let token = format!("fake-jwt.{}", shared.uuid());
    let expires = Instant::now() + shared.cfg.centrifugo_token_ttl;
    lock(&shared.world)
        .centrifugo_tokens
        .insert(token.clone(), expires);
    shared.stats.send_modify(|s| s.centrifugo_tokens += 1);
    Json(json!({ "data": { "token": token }, "message": "success" })).into_response()
}

/// A Pusher frame `{"event","data","channel"}` as a Centrifugo publication; text that is not
/// a Pusher frame goes out as it is (a malformed line for the client).
fn publication(text: &str, channel: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return text.to_string();
    };
    let (Some(event), Some(data)) = (v.get("event"), v.get("data")) else {
        return text.to_string();
    };
    // Built by hand so `event` comes first, as Kick's encoder writes it.
    format!(
        r#"{{"push":{{"channel":{},"pub":{{"data":{{"event":{event},"data":{data}}}}}}}}}"#,
        Value::from(channel)
    )
}

/// What the connection's token allows.
enum Token {
    Valid(Instant),
    Expired,
    Unknown,
}

fn check(shared: &Shared, token: &str) -> Token {
    let world = lock(&shared.world);
    if world.centrifugo_refusing {
        return Token::Unknown;
    }
    match world.centrifugo_tokens.get(token) {
        Some(t) if *t > Instant::now() => Token::Valid(*t),
        Some(_) => Token::Expired,
        None => Token::Unknown,
    }
}

/// Runs one connection until it ends.
pub(crate) async fn run(mut ws: WebSocket, shared: Arc<Shared>) {
    shared.stats.send_modify(|s| s.connections_accepted += 1);
    let (id, rx) = shared.register();
    serve(&mut ws, &shared, id, rx).await;
    shared.unregister(id);
}

/// The connection's heartbeat and token clocks.
struct Clocks {
    expires: Instant,
    ping_at: Instant,
    /// A heartbeat is out and unanswered.
    awaiting: bool,
}

async fn serve(
    ws: &mut WebSocket,
    shared: &Shared,
    id: ConnId,
    mut rx: mpsc::UnboundedReceiver<Out>,
) {
    let mut shutdown = shared.shutdown.subscribe();
    let mut clocks: Option<Clocks> = None;
    let greet_by = Instant::now() + Duration::from_secs(10);
    loop {
        let next = match &clocks {
            Some(c) => c.ping_at.min(c.expires),
            None => greet_by,
        };
        tokio::select! {
            inbound = ws.recv() => match inbound {
                Some(Ok(Message::Text(text))) => {
                    let mut replies = Vec::new();
                    for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
                        match on_command(shared, id, line, &mut clocks) {
                            Ok(Some(r)) => replies.push(r),
                            Ok(None) => {}
                            Err(code) => {
                                if !replies.is_empty() {
                                    let _ = ws.send(Message::Text(replies.join("\n").into())).await;
                                }
                                close(ws, shared, code, id).await;
                                return;
                            }
                        }
                    }
                    if !replies.is_empty()
                        && ws.send(Message::Text(replies.join("\n").into())).await.is_err()
                    {
                        return;
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    shared.stats.send_modify(|s| s.client_closes += 1);
                    shared.unregister(id);
                    let _ = timeout(CLOSE_GRACE, ws.recv()).await;
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            },
            out = rx.recv() => {
                let mut batch = Vec::new();
                let mut seqs = Vec::new();
                let mut next_out = out;
                loop {
                    match next_out {
                        Some(Out::Frame { seq, text, channel }) => {
                            batch.push(publication(&text, &channel));
                            seqs.push(seq);
                        }
                        Some(Out::Close(code)) => {
                            flush(ws, shared, &batch, &seqs).await;
                            close(ws, shared, code, id).await;
                            return;
                        }
                        Some(Out::Drop) | None => {
                            shared.stats.send_modify(|s| s.drops += 1);
                            return;
                        }
                    }
                    if batch.len() >= BATCH {
                        break;
                    }
                    match rx.try_recv() {
                        Ok(o) => next_out = Some(o),
                        Err(_) => break,
                    }
                }
                if !flush(ws, shared, &batch, &seqs).await {
                    return;
                }
            }
            () = sleep_until(next) => {
                let Some(c) = clocks.as_mut() else {
                    // Never sent `connect`.
                    close(ws, shared, 3501, id).await;
                    return;
                };
                if c.expires <= Instant::now() {
                    close(ws, shared, 3005, id).await;
                    return;
                }
                if c.awaiting {
                    close(ws, shared, 3012, id).await;
                    return;
                }
                shared.stats.send_modify(|s| s.pings_sent += 1);
                if ws.send(Message::Text("{}".into())).await.is_err() {
                    return;
                }
                c.awaiting = true;
                c.ping_at = Instant::now() + shared.cfg.centrifugo_ping;
            }
            () = stopped(&mut shutdown) => {
                let frame = CloseFrame { code: 1001, reason: "going away".into() };
                let _ = ws.send(Message::Close(Some(frame))).await;
                return;
            }
        }
    }
}

/// Resolves once the fake is shutting down (the guard `wait_for` returns is not `Send`).
async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Sends queued publications as one frame; false when the socket is gone.
async fn flush(ws: &mut WebSocket, shared: &Shared, batch: &[String], seqs: &[u64]) -> bool {
    if batch.is_empty() {
        return true;
    }
    if ws
        .send(Message::Text(batch.join("\n").into()))
        .await
        .is_err()
    {
        return false;
    }
    for seq in seqs {
        shared.mark_written(*seq);
    }
    true
}

fn secs_left(until: Instant) -> u64 {
    until
        .saturating_duration_since(Instant::now())
        .as_secs_f64()
        .ceil() as u64
}

/// One client command: `Ok(Some(reply))`, `Ok(None)` (no reply), or `Err(close code)`.
fn on_command(
    shared: &Shared,
    id: ConnId,
    line: &str,
    clocks: &mut Option<Clocks>,
) -> Result<Option<String>, u16> {
    let Ok(cmd) = serde_json::from_str::<Value>(line) else {
        debug!(conn = id, "fake centrifugo: a non-JSON command");
        return Err(3501);
    };
    let cmd_id = cmd.get("id").and_then(Value::as_u64).unwrap_or(0);
    if cmd.as_object().is_some_and(|o| o.is_empty()) {
        // The answer to a heartbeat.
        shared.stats.send_modify(|s| s.pongs_received += 1);
        if let Some(c) = clocks.as_mut() {
            c.awaiting = false;
        }
        return Ok(None);
    }
    if let Some(connect) = cmd.get("connect") {
        let token = connect.get("token").and_then(Value::as_str).unwrap_or("");
        return match check(shared, token) {
            Token::Valid(expires) => {
                *clocks = Some(Clocks {
                    expires,
                    ping_at: Instant::now() + shared.cfg.centrifugo_ping,
                    awaiting: false,
                });
                shared.stats.send_modify(|s| s.centrifugo_connects += 1);
                let reply = json!({ "id": cmd_id, "connect": {
                    "client": shared.uuid(), "version": "6.9.2 PRO", "expires": true,
                    "ttl": secs_left(expires), "ping": shared.cfg.centrifugo_ping.as_secs().max(1),
                    "pong": true } });
                Ok(Some(reply.to_string()))
            }
            Token::Expired => Ok(Some(
                json!({ "id": cmd_id, "error": { "code": 109, "message": "token expired" } })
                    .to_string(),
            )),
            Token::Unknown => Err(3500),
        };
    }
    if clocks.is_none() {
        return Err(3501);
    }
    if let Some(sub) = cmd.get("subscribe") {
        let channel = sub.get("channel").and_then(Value::as_str).unwrap_or("");
        let refused = lock(&shared.world).subscriptions_refused;
        if channel.starts_with("private-") || channel.is_empty() || refused {
            return Ok(Some(
                json!({ "id": cmd_id, "error": { "code": 103, "message": "permission denied" } })
                    .to_string(),
            ));
        }
        shared.stats.send_modify(|s| {
            if let Some(subs) = s.subscriptions.get_mut(&id) {
                subs.insert(channel.to_string());
            }
        });
        return Ok(Some(json!({ "id": cmd_id, "subscribe": {} }).to_string()));
    }
    if let Some(refresh) = cmd.get("refresh") {
        let token = refresh.get("token").and_then(Value::as_str).unwrap_or("");
        return match check(shared, token) {
            Token::Valid(expires) => {
                if let Some(c) = clocks.as_mut() {
                    c.expires = expires;
                }
                shared.stats.send_modify(|s| s.centrifugo_refreshes += 1);
                Ok(Some(
                    json!({ "id": cmd_id, "refresh": { "expires": true, "ttl": secs_left(expires) } })
                        .to_string(),
                ))
            }
            Token::Expired | Token::Unknown => Ok(Some(
                json!({ "id": cmd_id, "error": { "code": 109, "message": "token expired" } })
                    .to_string(),
            )),
        };
    }
    debug!(conn = id, "fake centrifugo: ignoring a command");
    Ok(None)
}

/// Sends a close frame with `code`, counts it, and waits briefly for the client's reply.
async fn close(ws: &mut WebSocket, shared: &Shared, code: u16, id: ConnId) {
    shared.unregister(id);
    shared
        .stats
        .send_modify(|s| *s.closes_by_code.entry(code).or_default() += 1);
    let reason = match code {
        3005 => "token expired",
        3012 => "no pong",
        3500 => "invalid token",
        3501 => "bad request",
        _ => "closed",
    };
    let frame = CloseFrame {
        code,
        reason: reason.into(),
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
