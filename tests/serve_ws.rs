//! The metrics WebSocket over real loopback connections: the exact message shapes, a hundred
//! clients each getting every message, a client that stops reading being dropped without
//! slowing the others, the token rule and a port in use.

mod serve_support;

use std::time::Duration;

use futures_util::StreamExt;
use kicktui::config::Config;
use kicktui::engine::feed::Feed;
use kicktui::engine::update::{ClipNews, RecorderNews, RecordingInfo, Snapshot, Update};
use kicktui::engine::view::EngageView;
use kicktui::media::{self, ClipState};
use kicktui::serve::{self, Options};
use serde_json::json;
use serve_support::*;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_util::sync::CancellationToken;

/// No periodic messages in the way.
fn quiet() -> Options {
    Options {
        tick: Duration::from_secs(3600),
        ..Options::default()
    }
}

fn live_snapshot() -> Snapshot {
    let mut s = Snapshot {
        live: true,
        viewers: Some(42),
        uptime_s: Some(5025.4),
        channel: "twitch:novaplays".into(),
        ..Snapshot::default()
    };
    s.engage = Box::new(EngageView {
        activity: Some("talk".into()),
        suggestion: Some("q_and_a".into()),
        engagement: Some(65.3),
        chat_per_min: 12.5,
        revenue_usd: 150.0,
        subs: 12,
        bits: 0,
        donations_per_hour: 25.0,
        context: Some("Stream state: 42 viewers".into()),
        ..EngageView::default()
    });
    s
}

fn recording(state: media::RecState, part: u32) -> Update {
    Update::Recording(RecordingInfo {
        session: 5,
        state,
        part,
        path: Some(format!("/home/me/rec/novaplays_s005_p{part}.ts").into()),
        bytes: 45_200_000,
        mb_per_min: 2.64,
        ..RecordingInfo::default()
    })
}

/// `since` is when the server saw the state begin: between `from` and now. Taken out, so the
/// rest can be compared whole.
fn take_since(m: &mut serde_json::Value, from: chrono::DateTime<chrono::Utc>) {
    let since = m["data"]["since"].take();
    let at = since
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("since is a time: {m}"));
    // Sent to the millisecond: `from` cut to it.
    let from = from - chrono::Duration::milliseconds(1);
    assert!(
        from <= at && at <= chrono::Utc::now(),
        "{since} after {from}"
    );
}

#[tokio::test]
async fn messages_have_the_exact_shapes_of_the_product() {
    let srv = Server::start(quiet());
    let start = chrono::Utc::now();
    srv.feed.send(Update::Snapshot(live_snapshot()));
    srv.feed.send(Update::Recorder(RecorderNews::Armed));
    srv.feed.send(recording(media::RecState::Recording, 2));
    srv.feed.send(Update::Revenue(point(1, 10.0, 140.0)));
    let mut ws = srv.connect().await;
    // The snapshot on connect.
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "stream_state", "data": {"isLive": true, "viewerCount": 42,
            "uptime": "1:23:45", "currentActivity": "talk", "chatVelocity": 12.5,
            "engagementScore": 65.3}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "metrics_update", "data": {"revenueToday": 150.0, "subsCount": 12,
            "bitsToday": 0, "donationsPerHour": 25.0}})
    );
    // The recording, as the TUI's pane says it: the file's name only, not where it is.
    let mut rec = next(&mut ws).await;
    take_since(&mut rec, start);
    assert_eq!(
        rec,
        json!({"type": "recording", "data": {"state": "recording", "label": "recording",
            "health": "good", "part": 2, "file": "novaplays_s005_p2.ts",
            "sizeBytes": 45_200_000, "mbPerMin": 2.6, "slow": false, "since": null}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "revenue_point", "data": {"timestamp": "2026-02-27T10:30:01Z",
            "amount": 10.0, "cumulative": 140.0}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "donation", "data": {"id": "d_1", "username": "viewer1",
            "amount": 10.0, "message": "", "timestamp": "2026-02-27T10:30:01Z",
            "type": "donation"}})
    );
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "context", "data": {"channel": "twitch:novaplays",
            "platform": "twitch", "kicksToday": 0,
            "line": "Stream state: 42 viewers", "activity": "talk", "suggestion": "q_and_a",
            "session": null}})
    );
    // A donation: `donation`, `revenue_point`, then the totals that include it.
    srv.feed
        .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
            subs_total: 13,
            per_hour: 30.0,
            ..point(2, 10.0, 160.0)
        }));
    assert_eq!(next(&mut ws).await["data"]["id"], "d_2");
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "revenue_point", "data": {"timestamp": "2026-02-27T10:30:02Z",
            "amount": 10.0, "cumulative": 160.0}})
    );
    let totals = next(&mut ws).await;
    assert_eq!(totals["type"], "metrics_update");
    assert_eq!(totals["data"]["revenueToday"], 160.0);
    assert_eq!(totals["data"]["subsCount"], 13);
    assert_eq!(totals["data"]["donationsPerHour"], 30.0);
    // A moment at its first trigger (building), final, then again when its clip is final.
    srv.feed.send(Update::MomentBuilding {
        id: Some(7),
        moment: moment(5025.0),
    });
    let building = next(&mut ws).await;
    assert_eq!(building["data"]["id"], 7, "{building}");
    assert_eq!(building["data"]["building"], true, "{building}");
    srv.feed.send(Update::Moment {
        id: Some(7),
        moment: moment(5025.0),
    });
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "moment", "data": {"id": 7, "time": "2026-02-27T10:30:00Z",
            "offset": 5025.0, "type": "keyword", "headline": "KEYWORD BURST", "score": 12.5,
            "clipStatus": "none",
            "clipPath": null, "summary": "Keywords: CLIP (5x)", "building": false}})
    );
    srv.feed.send(Update::Clip(ClipNews {
        session: 1,
        moment_id: Some(7),
        state: ClipState::Ready {
            path: "/d/clips/m7.mp4".into(),
            duration: 30.0,
        },
        progress: None,
    }));
    let again = next(&mut ws).await;
    assert_eq!(again["data"]["id"], 7);
    assert_eq!(again["data"]["clipStatus"], "ready");
    assert_eq!(again["data"]["clipPath"], "/d/clips/m7.mp4");
    // A moment stored while the channel was offline: told apart from "not cut yet".
    srv.feed.send(Update::Moment {
        id: Some(8),
        moment: moment(5100.0),
    });
    assert_eq!(next(&mut ws).await["data"]["clipStatus"], "none");
    srv.feed.send(Update::NotRecorded { moment_id: 8 });
    let offline = next(&mut ws).await;
    assert_eq!(offline["data"]["id"], 8, "{offline}");
    assert_eq!(offline["data"]["clipStatus"], "no_recording", "{offline}");
    // Going offline: the state at once (before the engine's next tick), uptime back to zero.
    srv.feed.send(Update::WentOffline {
        at: kicktui::domain::Ts(0),
    });
    let st = next_of(&mut ws, "stream_state").await;
    assert_eq!(st["data"]["isLive"], false);
    assert_eq!(st["data"]["uptime"], "0:00:00");
    // Nothing of the stream that ended: no viewers, no engagement, no chat rate yet.
    assert_eq!(st["data"]["viewerCount"], 0, "{st}");
    assert_eq!(st["data"]["engagementScore"], 0.0, "{st}");
    assert_eq!(st["data"]["chatVelocity"], 0.0, "{st}");
    // And live again, at once.
    srv.feed.send(Update::WentLive {
        at: kicktui::domain::Ts(0),
        title: None,
        session: Some(2),
        source: kicktui::kickapi::LiveSource::Api,
        resumed: false,
    });
    let st = next_of(&mut ws, "stream_state").await;
    assert_eq!(st["data"]["isLive"], true);
    // The recording stalls: said at once (the tick is an hour away), in red.
    let stalled_at = chrono::Utc::now();
    srv.feed.send(recording(media::RecState::Stalled, 2));
    let mut rec = next_of(&mut ws, "recording").await;
    take_since(&mut rec, stalled_at);
    assert_eq!(rec["data"]["state"], "stalled", "{rec}");
    assert_eq!(rec["data"]["label"], "STALLED", "{rec}");
    assert_eq!(rec["data"]["health"], "bad", "{rec}");
    // The co-pilot's advice, as lines to read (accepting it is a TUI key).
    srv.feed.send(Update::Advice(Box::new(advice())));
    assert_eq!(
        next_of(&mut ws, "advice").await,
        json!({"type": "advice", "data": {"id": 3, "time": "2026-02-27T10:30:00Z",
            "calls": ["try react: chat is slowing", "talking point: thank the raid"],
            "text": "keep the energy up"}})
    );
    // A client that connects later gets it with the snapshot.
    let mut late = srv.connect().await;
    assert_eq!(next_of(&mut late, "advice").await["data"]["id"], 3);
}

/// A Kick channel's gifts are Kicks: `context` names the platform and carries the Kicks
/// (`metrics_update`'s fields are fixed, and its `bitsToday` stays Twitch's), and a gift's
/// Kicks go out with its totals, not a tick later.
#[tokio::test]
async fn a_kick_channel_says_so_and_its_kicks_move_with_the_gift() {
    let srv = Server::start(quiet());
    let mut kick = live_snapshot();
    kick.channel = "clavicular".into();
    kick.engage.kicks = 1200;
    srv.feed.send(Update::Snapshot(kick));
    let mut ws = srv.connect().await;
    let ctx = next_of(&mut ws, "context").await;
    assert_eq!(ctx["data"]["platform"], "kick", "{ctx}");
    assert_eq!(ctx["data"]["kicksToday"], 1200, "{ctx}");
    srv.feed
        .send(Update::Revenue(kicktui::engine::view::RevenuePoint {
            kind: "kicks".into(),
            kicks_total: 1700,
            ..point(1, 5.0, 155.0)
        }));
    let mut kinds = Vec::new();
    for _ in 0..4 {
        kinds.push(next(&mut ws).await);
    }
    let types: Vec<_> = kinds.iter().map(|m| m["type"].clone()).collect();
    assert_eq!(
        types,
        ["donation", "revenue_point", "metrics_update", "context"]
    );
    assert_eq!(kinds[2]["data"]["bitsToday"], 0, "{}", kinds[2]);
    assert_eq!(kinds[3]["data"]["kicksToday"], 1700, "{}", kinds[3]);
    let state: serde_json::Value = reqwest::get(format!("http://{}/api/state", srv.running.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["platform"], "kick", "{state}");
    assert_eq!(state["kicksToday"], 1700, "{state}");
}

fn advice() -> kicktui::advisor::Advice {
    use kicktui::advisor::ToolCall;
    kicktui::advisor::Advice {
        id: Some(3),
        at: kicktui::domain::Ts(1_772_188_200_000),
        calls: vec![
            ToolCall::SuggestActivity {
                arm: "react".into(),
                reason: "chat is slowing".into(),
            },
            ToolCall::TalkingPoint {
                text: "thank the raid".into(),
            },
        ],
        text: Some("keep the energy up".into()),
        rejected: 0,
    }
}

#[tokio::test]
async fn unknown_numbers_are_zero_and_state_comes_every_tick() {
    let srv = Server::start(Options {
        tick: Duration::from_millis(50),
        ..Options::default()
    });
    let mut ws = srv.connect().await;
    let first = next(&mut ws).await;
    assert_eq!(
        first,
        json!({"type": "stream_state", "data": {"isLive": false, "viewerCount": 0,
            "uptime": "0:00:00", "currentActivity": null, "chatVelocity": 0.0,
            "engagementScore": 0.0}})
    );
    assert_eq!(next(&mut ws).await["type"], "metrics_update");
    // Then stream_state + metrics_update on every tick, following the engine.
    srv.feed.send(Update::Snapshot(live_snapshot()));
    // A tick due as the snapshot arrives may still go out with the old numbers.
    let mut st = next_of(&mut ws, "stream_state").await;
    for _ in 0..3 {
        if st["data"]["viewerCount"] == 42 {
            break;
        }
        st = next_of(&mut ws, "stream_state").await;
    }
    assert_eq!(st["data"]["viewerCount"], 42);
    for _ in 0..2 {
        assert_eq!(next(&mut ws).await["type"], "metrics_update");
        let st = next_of(&mut ws, "stream_state").await;
        assert_eq!(st["data"]["viewerCount"], 42);
    }
}

/// `--no-record` says so on the page; before the engine says anything it is unknown, not
/// "recording"; a missing program is a failure in red, with its reason.
#[tokio::test]
async fn recording_off_or_not_yet_known_says_so() {
    let srv = Server::start(quiet());
    let mut ws = srv.connect().await;
    let rec = next_of(&mut ws, "recording").await;
    assert_eq!(
        rec,
        json!({"type": "recording", "data": {"state": "unknown", "label": "unknown",
            "health": "idle", "part": 0, "file": null, "sizeBytes": 0, "mbPerMin": 0.0,
            "slow": false, "since": null}})
    );
    srv.feed.send(Update::Recorder(RecorderNews::Disabled));
    let rec = next_of(&mut ws, "recording").await;
    assert_eq!(rec["data"]["state"], "off", "{rec}");
    assert_eq!(rec["data"]["label"], "not recording", "{rec}");
    assert_eq!(rec["data"]["health"], "idle", "{rec}");
    let other = Server::start(quiet());
    other.feed.send(Update::Recorder(RecorderNews::Off(
        "streamlink is not installed".into(),
    )));
    let mut ws = other.connect().await;
    // In the snapshot, or just after it if the client joined first.
    let mut rec = next_of(&mut ws, "recording").await;
    if rec["data"]["state"] == "unknown" {
        rec = next_of(&mut ws, "recording").await;
    }
    assert_eq!(rec["data"]["state"], "failed", "{rec}");
    assert_eq!(
        rec["data"]["label"], "failed: streamlink is not installed",
        "{rec}"
    );
    assert_eq!(rec["data"]["health"], "bad", "{rec}");
}

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

#[tokio::test]
async fn the_token_is_checked_before_the_upgrade() {
    let srv = Server::start(quiet().with_token("s3cret t"));
    let refused = |r: Result<_, tokio_tungstenite::tungstenite::Error>| match r {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16() == 401,
        _ => false,
    };
    let plain = tokio_tungstenite::connect_async(srv.url("/ws/metrics")).await;
    assert!(refused(plain.map(|_| ())), "no token: refused");
    let wrong = tokio_tungstenite::connect_async(srv.url("/ws/metrics?token=nope")).await;
    assert!(refused(wrong.map(|_| ())), "wrong token: refused");
    let (mut ws, _) = tokio_tungstenite::connect_async(srv.url("/ws/metrics?token=s3cret%20t"))
        .await
        .expect("the query token works");
    assert_eq!(next(&mut ws).await["type"], "stream_state");
    let mut req = srv.url("/ws/metrics").into_client_request().unwrap();
    req.headers_mut()
        .insert("Authorization", "Bearer s3cret t".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("the bearer token works");
    assert_eq!(next(&mut ws).await["type"], "stream_state");
    // The state endpoint too; the page itself is public (it holds no data).
    let http = reqwest::Client::new();
    let base = format!("http://{}", srv.running.addr);
    let st = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        st(http.get(format!("{base}/api/state")).send().await.unwrap()),
        401
    );
    let ok = http
        .get(format!("{base}/api/state"))
        .bearer_auth("s3cret t")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(st(http.get(format!("{base}/")).send().await.unwrap()), 200);
    // A path that is not there is a 404 (a browser asks for /favicon.ico), not a refusal.
    let none = http
        .get(format!("{base}/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(st(none), 404);
}

#[tokio::test]
async fn api_state_returns_the_snapshot() {
    let srv = Server::start(quiet());
    srv.feed.send(Update::Snapshot(live_snapshot()));
    srv.feed.send(Update::Revenue(point(1, 10.0, 150.0)));
    // Wait until the hub has it: a client's snapshot shows it.
    let mut ws = srv.connect().await;
    next_of(&mut ws, "donation").await;
    let body: serde_json::Value = reqwest::get(format!("http://{}/api/state", srv.running.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["streamState"]["viewerCount"], 42);
    assert_eq!(body["metrics"]["subsCount"], 12);
    assert_eq!(body["revenue"][0]["cumulative"], 150.0);
    assert_eq!(body["donations"][0]["username"], "viewer1");
    assert_eq!(body["context"], "Stream state: 42 viewers");
    assert_eq!(body["channel"], "twitch:novaplays");
    assert_eq!(body["platform"], "twitch");
    // Nothing said about recording yet.
    assert_eq!(body["recording"]["state"], "unknown");
    let page = reqwest::get(format!("http://{}/", srv.running.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("dashboard.js"), "the page is served");
}

#[tokio::test]
async fn a_port_in_use_turns_only_the_server_off() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = serve::bind(addr).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    let mut cfg = Config::default();
    cfg.server.bind = addr.to_string();
    let feed = Feed::new();
    assert!(serve::start(&cfg, &feed, CancellationToken::new()).is_none());
    // The engine's feed goes on.
    let mut rx = feed.subscribe();
    feed.send(Update::WaitingForLive);
    assert_eq!(rx.recv().await, Some(Update::WaitingForLive));
}

/// Without a token, a web page of another site (which a browser lets open a socket to
/// loopback) and a DNS-rebound host are refused; this machine's programs and pages pass. With
/// a token, the token decides.
#[tokio::test]
async fn without_a_token_other_sites_are_refused() {
    let srv = Server::start(quiet());
    let status = |origin: Option<String>, host: Option<&'static str>| {
        let url = srv.url("/ws/metrics");
        async move {
            let mut req = url.into_client_request().unwrap();
            if let Some(o) = origin {
                req.headers_mut().insert("Origin", o.parse().unwrap());
            }
            if let Some(h) = host {
                req.headers_mut().insert("Host", h.parse().unwrap());
            }
            match tokio_tungstenite::connect_async(req).await {
                Ok(_) => 101,
                Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16(),
                Err(e) => panic!("{e}"),
            }
        }
    };
    assert_eq!(status(None, None).await, 101, "a script");
    let own = format!("http://{}", srv.running.addr);
    assert_eq!(status(Some(own), None).await, 101, "the dashboard itself");
    let evil = Some("https://evil.example".to_string());
    assert_eq!(status(evil, None).await, 403);
    assert_eq!(status(None, Some("evil.example:8787")).await, 403);
    let base = format!("http://{}", srv.running.addr);
    let other_site = reqwest::Client::new()
        .get(format!("{base}/api/state"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(other_site.status().as_u16(), 403);

    let locked = Server::start(quiet().with_token("s3cret"));
    let mut req = locked
        .url("/ws/metrics?token=s3cret")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("Origin", "https://overlay.example".parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(req).await.is_ok(),
        "with the token, any site"
    );
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
