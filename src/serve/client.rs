//! One WebSocket client: the snapshot, then its queue, until it leaves, stops reading (the hub
//! drops it) or the server stops. Nothing is left behind: the task ends and leaves the hub.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::OwnedSemaphorePermit;
use tokio_util::sync::CancellationToken;

use super::hub::Hub;

/// How long a closing client gets to take the close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);
/// A ping this often; a client that sends nothing (not even the pong every browser answers
/// with) for `SILENT_PINGS` of them has stopped reading and is dropped, instead of filling
/// the kernel's buffers for hours first.
pub const PING_EVERY: Duration = Duration::from_secs(20);
const SILENT_PINGS: u32 = 3;

/// `slot`: this client's place under the server's limit, given back as it leaves the hub.
pub async fn run(
    socket: WebSocket,
    hub: Arc<Hub>,
    cancel: CancellationToken,
    slot: OwnedSemaphorePermit,
    ping_every: Duration,
) {
    let joined = hub.join();
    let (id, dropped) = (joined.id, joined.dropped.clone());
    let (mut sink, mut stream) = socket.split();
    let mut rx = joined.rx;
    // The pings count from when the client was last heard of: taken the other way round, the
    // third ping found it a hair short of silent enough, and it stayed a fourth.
    let mut heard = tokio::time::Instant::now();
    let mut ping = tokio::time::interval_at(heard + ping_every, ping_every);
    // After a long blocked send, no burst of ticks racing the pongs waiting to be read.
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A client that sends nothing for this long, or takes nothing we send for as long (even
    // while it sends: pings wait while a send is blocked), has stopped reading.
    let patience = ping_every * SILENT_PINGS;
    // Ends with the goodbye the client is still there to take, if any.
    let pump = async {
        for m in joined.initial {
            if let Err(goodbye) = offer(&mut sink, Message::Text(m), patience).await {
                return goodbye;
            }
        }
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => if let Err(goodbye) = offer(&mut sink, Message::Text(m), patience).await {
                        return goodbye;
                    },
                    // The hub let go of this client: it is stopping or dropped it.
                    None => return Some(Goodbye::Hub),
                },
                _ = ping.tick() => {
                    if heard.elapsed() >= patience {
                        return Some(Goodbye::Silent);
                    }
                    let ping = Message::Ping(Default::default());
                    if let Err(goodbye) = offer(&mut sink, ping, patience).await {
                        return goodbye;
                    }
                },
                // Only a close (or a broken connection) matters from the client; a message
                // past the size limit (or a bad frame) is refused with a close frame.
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Close(_))) => return Some(Goodbye::Answer),
                    None => return None,
                    Some(Err(e)) => return Some(Goodbye::Refused(refusal(e))),
                    Some(Ok(_)) => heard = tokio::time::Instant::now(),
                },
            }
        }
    };
    let goodbye = tokio::select! {
        there = pump => there,
        () = dropped.cancelled() => Some(Goodbye::Hub),
        () = cancel.cancelled() => Some(Goodbye::Hub),
    };
    hub.leave(id);
    drop(slot);
    if let Some(Goodbye::Answer) = goodbye {
        // The reply to the client's close, queued by the protocol: sent, as RFC 6455 asks
        // (the client saw 1006 after its own timeout without it).
        let _ = tokio::time::timeout(CLOSE_WAIT, sink.flush()).await;
    } else if let Some(why) = goodbye {
        // A close frame, so the dashboard sees kicktui stopping (1001), dropping a client
        // that stopped reading (1008) or refusing what it sent (1002, 1007, 1009), not a
        // broken connection (1006). A stalled client may never take it: the wait is short.
        let (code, reason) = match why {
            Goodbye::Refused(why) => why,
            Goodbye::Hub if cancel.is_cancelled() => (close_code::AWAY, "kicktui is stopping"),
            Goodbye::Hub | Goodbye::Silent => (close_code::POLICY, "stopped reading"),
            Goodbye::Answer => return,
        };
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(Message::Close(Some(frame)))).await;
    }
}

/// Sends `m` within `limit`. Err(None): the connection broke; Err(Some(Silent)): the client
/// took nothing for `limit`.
async fn offer(
    sink: &mut SplitSink<WebSocket, Message>,
    m: Message,
    limit: Duration,
) -> Result<(), Option<Goodbye>> {
    match tokio::time::timeout(limit, sink.send(m)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(None),
        Err(_) => Err(Some(Goodbye::Silent)),
    }
}

/// Why the server closes a client that is still there.
enum Goodbye {
    /// The hub let go of it: kicktui is stopping, or the client stopped reading.
    Hub,
    /// It sent a message past the size limit, or a bad frame: the close code and reason.
    Refused((u16, &'static str)),
    /// It sent nothing, not even a pong, for `SILENT_PINGS` pings.
    Silent,
    /// It closed: the reply to its close frame is owed.
    Answer,
}

/// The close code and reason for what a client sent that the protocol refused (RFC 6455
/// §7.4.1): too big 1009, text that is not UTF-8 1007, any other bad frame 1002.
fn refusal(e: axum::Error) -> (u16, &'static str) {
    use tokio_tungstenite::tungstenite::Error;
    match e.into_inner().downcast::<Error>().map(|e| *e) {
        Ok(Error::Capacity(_)) => (close_code::SIZE, "message too big"),
        Ok(Error::Utf8(_)) => (close_code::INVALID, "text that is not UTF-8"),
        _ => (close_code::PROTOCOL, "malformed frame"),
    }
}
