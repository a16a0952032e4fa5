//! Many clients and misbehaving ones: a hundred each get every message, the client limit holds,
//! a client that stops reading is dropped without slowing the others, one that leaves leaves
//! nothing behind, and closes come with the code that says why.

use futures_util::StreamExt;
use kicktui::engine::update::Update;
use kicktui::serve::Options;
use tokio_tungstenite::tungstenite::Message;

use crate::quiet;
use crate::serve_support::*;

#[tokio::test]
async fn a_hundred_clients_each_get_every_message() {
    let srv = Server::start(quiet());
    let mut readers = Vec::new();
    for _ in 0..100 {
        let mut ws = srv.connect().await;
        assert_eq!(next(&mut ws).await["type"], "stream_state");
        assert_eq!(next(&mut ws).await["type"], "metrics_update");
        assert_eq!(next(&mut ws).await["type"], "recording");
        readers.push(ws);
    }
    assert_eq!(srv.running.clients(), 100);
    const N: u64 = 200;
    for i in 0..N {
        srv.feed
            .send(Update::Revenue(point(i, 1.0, (i + 1) as f64)));
    }
    let tasks: Vec<_> = readers
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                for i in 0..N {
                    let d = next(&mut ws).await;
                    assert_eq!(d["data"]["id"], format!("d_{i}"));
                    assert_eq!(next(&mut ws).await["data"]["cumulative"], (i + 1) as f64);
                    assert_eq!(next(&mut ws).await["type"], "metrics_update");
                }
                ws.close(None).await.ok();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn past_the_client_limit_a_connection_is_refused_and_a_big_client_message_ends_its_own() {
    use futures_util::SinkExt;
    let srv = Server::start(quiet());
    // 300 at once: the limit holds even for clients arriving together.
    let url = srv.url("/ws/metrics");
    let tries: Vec<_> = (0..300)
        .map(|_| tokio::spawn(tokio_tungstenite::connect_async(url.clone())))
        .collect();
    let (mut open, mut refused) = (Vec::new(), 0);
    for t in tries {
        match t.await.unwrap() {
            Ok((ws, _)) => open.push(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 503 => {
                refused += 1
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((open.len(), refused), (256, 44));
    tokio::time::timeout(LIMIT, srv.running.wait_clients(256))
        .await
        .expect("all joined");
    // One leaves, and there is room again.
    open.pop();
    tokio::time::timeout(LIMIT, srv.running.wait_clients(255))
        .await
        .expect("left");
    let mut ws = srv.connect().await;
    next(&mut ws).await;
    // Clients only ever close: a 64 KiB message is not read, its connection ends with a
    // close frame saying why (1009), not as a broken connection.
    ws.send(Message::text("x".repeat(64 * 1024))).await.ok();
    let closed = tokio::time::timeout(LIMIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    })
    .await
    .expect("the server closed it");
    assert_eq!(closed, Some(1009));
    tokio::time::timeout(LIMIT, srv.running.wait_clients(255))
        .await
        .expect("and it left the hub");
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_the_others_get_everything() {
    let srv = Server::start(Options {
        queue: 16,
        ..quiet()
    });
    // A small receive buffer: the stall shows sooner.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let stream = sock.connect(srv.running.addr).await.unwrap();
    let (mut stalled, _) = tokio_tungstenite::client_async(
        srv.url("/ws/metrics"),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
    )
    .await
    .unwrap();
    let mut reader = srv.connect().await;
    // The snapshot: state, metrics, recording.
    for ws in [&mut stalled, &mut reader] {
        for _ in 0..3 {
            next(ws).await;
        }
    }
    // Big messages fill the socket buffers quickly.
    const N: u64 = 1500;
    let name = "x".repeat(4 * 1024);
    let feed = srv.feed.clone();
    let sender = tokio::spawn(async move {
        for i in 0..N {
            let mut p = point(i, 1.0, 1.0);
            p.username = name.clone();
            feed.send(Update::Revenue(p));
            tokio::task::yield_now().await;
        }
    });
    for i in 0..N {
        assert_eq!(next(&mut reader).await["data"]["id"], format!("d_{i}"));
        next(&mut reader).await;
        next(&mut reader).await;
    }
    sender.await.unwrap();
    assert_eq!(srv.running.clients(), 1, "the stalled client was dropped");
    // The server closed the stalled connection: after what was in flight, it ends.
    let mut got = 0;
    let ended = tokio::time::timeout(LIMIT, async {
        while let Some(Ok(_)) = stalled.next().await {
            got += 1;
        }
    })
    .await;
    assert!(ended.is_ok(), "the stalled connection was closed");
    assert!(got < 2 * N as usize + 2, "it did not get everything: {got}");
}

#[tokio::test]
async fn a_disconnected_client_leaves_nothing_behind() {
    let srv = Server::start(quiet());
    let mut ws = srv.connect().await;
    next(&mut ws).await;
    assert_eq!(srv.running.clients(), 1);
    ws.close(None).await.unwrap();
    drop(ws);
    tokio::time::timeout(LIMIT, srv.running.wait_clients(0))
        .await
        .expect("the client's task ended and left the hub");
}

#[tokio::test]
async fn when_kicktui_stops_the_dashboard_gets_a_close_frame_not_a_broken_connection() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    let srv = Server::start(quiet());
    let mut ws = srv.connect().await;
    next(&mut ws).await;
    srv.cancel.cancel();
    let close = tokio::time::timeout(LIMIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => {}
                other => panic!("the connection broke without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame in time")
    .expect("with a code");
    assert_eq!(close.code, CloseCode::Away, "{close:?}");
    assert_eq!(close.reason.as_str(), "kicktui is stopping");
}

/// The close code a raw client gets after the handshake and one frame it writes by hand.
async fn close_code_after(srv: &Server, frame: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(srv.running.addr)
        .await
        .unwrap();
    let req = format!(
        "GET /ws/metrics HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        srv.running.addr
    );
    s.write_all(req.as_bytes()).await.unwrap();
    s.write_all(frame).await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(LIMIT, async {
        let mut chunk = [0u8; 4096];
        loop {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    });
    read.await.expect("the server ends the connection");
    // Past the response's headers, the server's frames (unmasked): the close is the last.
    let mut at = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let mut code = None;
    while at + 2 <= buf.len() {
        let (op, len7) = (buf[at] & 0x0f, usize::from(buf[at + 1] & 0x7f));
        let (len, head) = match len7 {
            126 => (
                usize::from(u16::from_be_bytes([buf[at + 2], buf[at + 3]])),
                4,
            ),
            127 => (
                usize::try_from(u64::from_be_bytes(buf[at + 2..at + 10].try_into().ok()?)).ok()?,
                10,
            ),
            n => (n, 2),
        };
        if op == 0x8 && len >= 2 {
            code = Some(u16::from_be_bytes([buf[at + head], buf[at + head + 1]]));
        }
        at += head + len;
    }
    code
}

/// What a client sends that the protocol refuses ends it with the code that says why: text
/// that is not UTF-8 1007, an unmasked frame 1002 (a message too big is 1009, above).
#[tokio::test]
async fn a_bad_frame_is_closed_with_the_code_that_says_why() {
    let srv = Server::start(quiet());
    // A masked text frame (mask 0) holding 0xFF, which is never UTF-8.
    let not_utf8 = [0x81, 0x81, 0, 0, 0, 0, 0xff];
    assert_eq!(close_code_after(&srv, &not_utf8).await, Some(1007));
    // The same text, valid, but unmasked: clients must mask.
    let unmasked = [0x81, 0x01, b'x'];
    assert_eq!(close_code_after(&srv, &unmasked).await, Some(1002));
}
