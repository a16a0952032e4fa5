//! One WebSocket client: the snapshot, then its queue, until it leaves, stops reading (the hub
//! drops it) or the server stops. Nothing is left behind: the task ends and leaves the hub.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::OwnedSemaphorePermit;
use tokio_util::sync::CancellationToken;

use super::hub::Hub;

/// How long a closing client gets to take the close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// `slot`: this client's place under the server's limit, given back as it leaves the hub.
pub async fn run(
    socket: WebSocket,
    hub: Arc<Hub>,
    cancel: CancellationToken,
    slot: OwnedSemaphorePermit,
) {
    let joined = hub.join();
    let (id, dropped) = (joined.id, joined.dropped.clone());
    let (mut sink, mut stream) = socket.split();
    let mut rx = joined.rx;
    // Ends with whether the client is still there to say goodbye to.
    let pump = async {
        for m in joined.initial {
            if sink.send(Message::Text(m)).await.is_err() {
                return false;
            }
        }
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => if sink.send(Message::Text(m)).await.is_err() {
                        return false;
                    },
                    // The hub let go of this client: it is stopping or dropped it.
                    None => return true,
                },
                // Only a close (or a broken connection) matters from the client.
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return false,
                    Some(Ok(_)) => {}
                },
            }
        }
    };
    let goodbye = tokio::select! {
        there = pump => there,
        () = dropped.cancelled() => true,
        () = cancel.cancelled() => true,
    };
    drop(slot);
    hub.leave(id);
    if goodbye {
        // A close frame, so the dashboard sees kicktui stopping (1001) or dropping a client
        // that stopped reading (1008), not a broken connection (1006). A stalled client may
        // never take it: the wait is short.
        let (code, reason) = if cancel.is_cancelled() {
            (close_code::AWAY, "kicktui is stopping")
        } else {
            (close_code::POLICY, "stopped reading")
        };
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(Message::Close(Some(frame)))).await;
    }
}
