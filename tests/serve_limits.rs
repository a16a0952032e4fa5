//! The metrics server's limits over real loopback connections: connections that send nothing
//! are closed and never lock a dashboard out (nor take the process's file descriptors), a
//! WebSocket client that answers no ping is dropped while one that reads stays, and a client's
//! close is answered with a close frame.

mod serve_support;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kicktui::engine::update::Update;
use kicktui::serve::Options;
use serve_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

fn quiet() -> Options {
    Options {
        tick: Duration::from_secs(3600),
        ..Options::default()
    }
}

/// Reads until the server closes the connection; true when it did within `LIMIT`.
async fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    tokio::time::timeout(LIMIT, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

async fn api_state(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn silent_connections_are_closed_and_never_lock_a_dashboard_out() {
    let srv = Server::start(Options {
        max_connections: 3,
        idle: Duration::from_millis(400),
        ..quiet()
    });
    let addr = srv.running.addr;
    // Every connection the server takes, held by programs that send nothing (or half a
    // request).
    let mut silent = Vec::new();
    for i in 0..3 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        if i == 0 {
            s.write_all(b"GET /api/st").await.unwrap();
        }
        silent.push(s);
    }
    // A dashboard still gets its answer: the silent ones go when idle too long.
    let answer = tokio::time::timeout(LIMIT, api_state(addr))
        .await
        .expect("answered in time");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    for s in &mut silent {
        assert!(closed_by_server(s).await, "an idle connection was closed");
    }
}

#[tokio::test]
async fn a_client_that_answers_no_ping_is_dropped_and_a_reading_one_stays() {
    let srv = Server::start(Options {
        ping_every: Duration::from_millis(150),
        ..quiet()
    });
    let mut deaf = srv.connect().await;
    next(&mut deaf).await;
    next(&mut deaf).await;
    let mut reader = srv.connect().await;
    next(&mut reader).await;
    next(&mut reader).await;
    assert_eq!(srv.running.clients(), 2);
    // The reader answers pings as it reads (its library does, as browsers do); the deaf
    // client reads nothing from here on.
    let reading = tokio::spawn(async move { while let Some(Ok(_)) = reader.next().await {} });
    tokio::time::timeout(LIMIT, srv.running.wait_clients(1))
        .await
        .expect("the client that answered no ping was dropped");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(srv.running.clients(), 1, "the reading client stays");
    reading.abort();
    drop(deaf);
}

/// A client that keeps sending (so it never looks silent) but reads nothing: once the
/// server's sends stall for three pings' time it is dropped, its place given back, long
/// before its queue (1024 messages) would fill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_but_never_reads_is_dropped_when_sends_stall() {
    let srv = Server::start(Options {
        ping_every: Duration::from_millis(150),
        ..quiet()
    });
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let stream = sock.connect(srv.running.addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(
        srv.url("/ws/metrics"),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
    )
    .await
    .unwrap();
    tokio::time::timeout(LIMIT, srv.running.wait_clients(1))
        .await
        .expect("joined");
    let (mut tx, _never_read) = ws.split();
    let chatter = tokio::spawn(async move {
        while tx.send(Message::text("hello")).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    // Enough to fill the socket buffers, far fewer than the queue holds.
    let name = "x".repeat(16 * 1024);
    for i in 0..300 {
        let mut p = point(i, 1.0, 1.0);
        p.username = name.clone();
        srv.feed.send(Update::Revenue(p));
    }
    tokio::time::timeout(LIMIT, srv.running.wait_clients(0))
        .await
        .expect("the client that stopped reading was dropped");
    chatter.abort();
}

#[tokio::test]
async fn a_client_closing_gets_the_close_frame_back() {
    let srv = Server::start(quiet());
    let mut ws = srv.connect().await;
    next(&mut ws).await;
    ws.send(Message::Close(None)).await.unwrap();
    let reply = tokio::time::timeout(LIMIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => {}
                _ => return false,
            }
        }
    })
    .await
    .expect("in time");
    assert!(reply, "the server answered the close with a close frame");
}

/// A second run finds the port taken (a first run on another channel): the dashboard is off
/// until the port is free, then it comes up there by itself and says so.
#[tokio::test]
async fn a_port_in_use_is_tried_again_until_it_is_free() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap();
    let mut cfg = kicktui::config::Config::default();
    cfg.server.enabled = true;
    cfg.server.bind = addr.to_string();
    let feed = kicktui::engine::feed::Feed::new();
    let mut notes = feed.subscribe();
    let cancel = tokio_util::sync::CancellationToken::new();
    let started =
        kicktui::serve::start_retrying(&cfg, &feed, cancel.clone(), Duration::from_millis(100));
    assert!(started.is_none(), "the port is taken");
    drop(held);
    let note = tokio::time::timeout(LIMIT, async {
        loop {
            if let Some(kicktui::engine::update::Update::Note(n)) = notes.recv().await {
                break n;
            }
        }
    })
    .await
    .expect("the dashboard comes up");
    assert!(
        note.contains(&format!("Dashboard: http://{addr}/")) && note.contains("port is free now"),
        "{note}"
    );
    let answer = api_state(addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "it serves: {answer}");
    cancel.cancel();
}
