//! One fake Twitch IRC-over-WebSocket connection: CAP, NICK, JOIN, PING/PONG, and the lines the
//! control handle routes to it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;

use super::lines;
use super::state::{ConnId, Out, Shared};
use crate::source::twitch::irc;

const CLOSE_GRACE: Duration = Duration::from_secs(1);

pub(crate) async fn run(mut ws: WebSocket, shared: Arc<Shared>) {
    let (id, rx) = shared.register();
    serve(&mut ws, &shared, id, rx).await;
    shared.unregister(id);
}

async fn serve(
    ws: &mut WebSocket,
    shared: &Shared,
    id: ConnId,
    mut rx: mpsc::UnboundedReceiver<Out>,
) {
    let mut shutdown = shared.shutdown.subscribe();
    let mut nick = String::from("*");
    loop {
        tokio::select! {
            inbound = ws.recv() => match inbound {
                Some(Ok(Message::Text(text))) => {
                    for reply in on_client_frame(shared, id, &text, &mut nick) {
                        if ws.send(Message::Text(reply.into())).await.is_err() {
                            return;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    shared.unregister(id);
                    let _ = timeout(CLOSE_GRACE, ws.recv()).await;
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            },
            out = rx.recv() => match out {
                Some(Out::Lines { seqs, text }) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                    shared.mark_written(&seqs);
                }
                Some(Out::Text(text)) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Out::Binary(bytes)) => {
                    if ws.send(Message::Binary(bytes.into())).await.is_err() {
                        return;
                    }
                }
                Some(Out::Close) => {
                    shared.unregister(id);
                    let _ = ws.send(Message::Close(None)).await;
                    let _ = timeout(CLOSE_GRACE, async {
                        while let Some(Ok(m)) = ws.recv().await {
                            if let Message::Close(_) = m {
                                break;
                            }
                        }
                    })
                    .await;
                    return;
                }
                Some(Out::Drop) | None => {
                    shared.stats.send_modify(|s| s.drops += 1);
                    return;
                }
            },
            () = stopped(&mut shutdown) => {
                let _ = ws.send(Message::Close(None)).await;
                return;
            }
        }
    }
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Handles the lines of one client frame; returns the frames to answer with.
fn on_client_frame(shared: &Shared, id: ConnId, text: &str, nick: &mut String) -> Vec<String> {
    let mut replies = Vec::new();
    for line in irc::lines(text) {
        let Ok(m) = irc::parse(line) else {
            tracing::debug!(conn = id, "fake twitch: an unreadable client line");
            continue;
        };
        match m.command {
            "CAP" => {
                let caps = m.trailing().unwrap_or("").to_string();
                let answer = if shared.refuse_caps.load(Ordering::Relaxed) {
                    "NAK"
                } else {
                    "ACK"
                };
                replies.push(format!(":tmi.twitch.tv CAP * {answer} :{caps}"));
                shared.stats.send_modify(|s| s.cap_requests.push(caps));
            }
            "NICK" => {
                *nick = m.param(0).unwrap_or("").to_ascii_lowercase();
                let n = nick.clone();
                shared.stats.send_modify(|s| s.nicks.push(n));
                replies.push(lines::welcome(nick));
            }
            "JOIN" => {
                let channel = m.param(0).unwrap_or("").trim_start_matches('#');
                let cfg = &shared.cfg;
                // Another channel gets no answer at all, as Twitch treats one that does not exist.
                let ours = channel.eq_ignore_ascii_case(&cfg.channel);
                if ours && shared.suspended.load(Ordering::Relaxed) {
                    replies.push(format!(
                        "@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #{channel} \
                         :This channel has been suspended."
                    ));
                } else if ours {
                    replies.push(lines::joined(nick, &cfg.channel, cfg.room_id, 0));
                    shared.stats.send_modify(|s| {
                        if s.open.contains(&id) {
                            s.joined.insert(id);
                        }
                    });
                }
            }
            "PING" => {
                shared.stats.send_modify(|s| s.client_pings += 1);
                if !shared.ignore_pings.load(Ordering::Relaxed) {
                    let arg = m.trailing().unwrap_or("");
                    replies.push(format!(":tmi.twitch.tv PONG tmi.twitch.tv :{arg}"));
                }
            }
            "PONG" if m.trailing() == Some("tmi.twitch.tv") => {
                shared.stats.send_modify(|s| s.pongs_received += 1);
            }
            _ => {}
        }
    }
    replies
}
