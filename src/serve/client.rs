//! One WebSocket client: the snapshot, then its queue, until it leaves, stops reading (the hub
//! drops it) or the server stops. Nothing is left behind: the task ends and leaves the hub.

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use tokio_util::sync::CancellationToken;

use super::hub::Hub;

pub async fn run(socket: WebSocket, hub: Arc<Hub>, cancel: CancellationToken) {
    let joined = hub.join();
    let (id, dropped) = (joined.id, joined.dropped.clone());
    let (mut sink, mut stream) = socket.split();
    let mut rx = joined.rx;
    let pump = async {
        for m in joined.initial {
            sink.send(Message::Text(m)).await?;
        }
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => sink.send(Message::Text(m)).await?,
                    None => break,
                },
                // Only a close (or a broken connection) matters from the client.
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
            }
        }
        Ok::<(), axum::Error>(())
    };
    tokio::select! {
        _ = pump => {}
        () = dropped.cancelled() => {}
        () = cancel.cancelled() => {}
    }
    hub.leave(id);
}
