//! The metrics server's limits over real loopback connections: connections that send nothing,
//! or their request a byte at a time, are closed and never lock a dashboard out (nor take the
//! process's file descriptors), a WebSocket client that answers no ping is dropped while one that reads stays, and a client's
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

/// Sends a request head that never ends, a byte every `every`, until the server closes the
/// connection; what it answered, and after how long.
async fn dribble(addr: std::net::SocketAddr, every: Duration) -> (String, Duration) {
    let (mut rx, mut tx) = TcpStream::connect(addr).await.unwrap().into_split();
    let started = tokio::time::Instant::now();
    let sending = tokio::spawn(async move {
        let head = b"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        for b in head.iter().chain(std::iter::repeat(&b'a')) {
            if tx.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(every).await;
        }
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(LIMIT, rx.read_to_end(&mut answer)).await;
    sending.abort();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

/// A response's head and its `Content-Length` body, leaving the connection open.
async fn read_response(s: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).await.unwrap();
        assert!(
            n > 0,
            "closed mid-answer: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        let Some(end) = text.find("\r\n\r\n") else {
            continue;
        };
        let length = text[..end]
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(str::to_owned)
            })
            .and_then(|n| n.trim().parse::<usize>().ok())
            .expect("a Content-Length");
        if got.len() >= end + 4 + length {
            return text;
        }
    }
}

/// Bytes sent within the idle limit kept such connections forever: 515 of them locked
/// `/api/state` and new dashboards out. Now the request head has a deadline of its own.
#[tokio::test]
async fn a_request_head_sent_a_byte_at_a_time_is_closed_and_never_locks_a_dashboard_out() {
    let srv = Server::start(Options {
        max_connections: 3,
        // Far above the 100 ms between bytes: only the head's deadline can close them.
        idle: Duration::from_millis(2000),
        header_read: Duration::from_millis(1000),
        ..quiet()
    });
    let addr = srv.running.addr;
    // Every slot held by a client whose bytes come well within the idle limit.
    let slow: Vec<_> = (0..3)
        .map(|_| tokio::spawn(dribble(addr, Duration::from_millis(100))))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Well before the slow clients give up by themselves (`LIMIT`).
    let answer = tokio::time::timeout(Duration::from_secs(5), api_state(addr))
        .await
        .expect("answered once the slow ones are closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    for s in slow {
        let (answer, after) = s.await.unwrap();
        assert!(
            after >= Duration::from_millis(900) && after < Duration::from_secs(5),
            "closed at the head's deadline, not at {after:?}"
        );
        assert!(answer.is_empty(), "closed without an answer: {answer}");
    }
}

/// The head's deadline leaves the rest alone: a request, a second one on the same connection
/// (kept alive for less than the deadline), and a WebSocket that lives on past it.
#[tokio::test]
async fn requests_kept_alive_and_websockets_go_on_under_the_head_deadline() {
    let srv = Server::start(Options {
        header_read: Duration::from_millis(2000),
        ..quiet()
    });
    let mut ws = srv.connect().await;
    next(&mut ws).await;
    let mut s = TcpStream::connect(srv.running.addr).await.unwrap();
    let get = b"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    s.write_all(get).await.unwrap();
    let first = read_response(&mut s).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    s.write_all(get).await.unwrap();
    let second = read_response(&mut s).await;
    assert!(second.starts_with("HTTP/1.1 200"), "kept alive: {second}");
    // Well past the deadline, the dashboard still gets what happens.
    tokio::time::sleep(Duration::from_millis(3000)).await;
    srv.feed.send(Update::Revenue(point(1, 5.0, 5.0)));
    assert_eq!(
        next_of(&mut ws, "revenue_point").await["data"]["amount"],
        5.0
    );
    assert_eq!(srv.running.clients(), 1);
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
    use kicktui::engine::update::Update;
    // The TUI's status bar is told, and told again once it listens.
    let off = format!("port {} in use, tried every 0 s", addr.port());
    assert_eq!(notes.recv().await, Some(Update::DashboardOff(Some(off))));
    drop(held);
    let note = tokio::time::timeout(LIMIT, async {
        let mut back = false;
        loop {
            match notes.recv().await {
                Some(Update::DashboardOff(None)) => back = true,
                Some(Update::Note(n)) => break (back, n),
                _ => {}
            }
        }
    })
    .await
    .expect("the dashboard comes up");
    let (back, note) = note;
    assert!(back, "DashboardOff(None) before the note");
    assert!(
        note.contains(&format!("Dashboard: http://{addr}/")) && note.contains("port is free now"),
        "{note}"
    );
    let answer = api_state(addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "it serves: {answer}");
    cancel.cancel();
}
