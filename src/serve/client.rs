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
    // Ends with the goodbye the client is still there to take, if any.
    let pump = async {
        for m in joined.initial {
            if sink.send(Message::Text(m)).await.is_err() {
                return None;
            }
        }
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => if sink.send(Message::Text(m)).await.is_err() {
                        return None;
                    },
                    // The hub let go of this client: it is stopping or dropped it.
                    None => return Some(Goodbye::Hub),
                },
                // Only a close (or a broken connection) matters from the client; a message
                // past the size limit (or a bad frame) is refused with a close frame.
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Close(_))) | None => return None,
                    Some(Err(_)) => return Some(Goodbye::Refused),
                    Some(Ok(_)) => {}
                },
            }
        }
    };
    let goodbye = tokio::select! {
        there = pump => there,
        () = dropped.cancelled() => Some(Goodbye::Hub),
        () = cancel.cancelled() => Some(Goodbye::Hub),
    };
    drop(slot);
    hub.leave(id);
    if let Some(why) = goodbye {
        // A close frame, so the dashboard sees kicktui stopping (1001), dropping a client
        // that stopped reading (1008) or refusing what it sent (1009), not a broken
        // connection (1006). A stalled client may never take it: the wait is short.
        let (code, reason) = match why {
            Goodbye::Refused => (close_code::SIZE, "message too big or malformed"),
            Goodbye::Hub if cancel.is_cancelled() => (close_code::AWAY, "kicktui is stopping"),
            Goodbye::Hub => (close_code::POLICY, "stopped reading"),
        };
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(Message::Close(Some(frame)))).await;
    }
}

/// Why the server closes a client that is still there.
enum Goodbye {
    /// The hub let go of it: kicktui is stopping, or the client stopped reading.
    Hub,
    /// It sent a message past the size limit, or a bad frame.
    Refused,
}
