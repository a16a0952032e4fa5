//! The fake Kick, driven by a minimal Pusher client written here.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kicktui::fake::frames::name;
use kicktui::fake::{Action, FakeConfig, FakeKick, Refuse, Script};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A cap on every read, so a broken fake fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(5);

async fn start() -> FakeKick {
    FakeKick::start(FakeConfig {
        activity_timeout_secs: 1,
        ..FakeConfig::default()
    })
    .await
    .unwrap()
}

/// What a read gave: a text frame (parsed), a close frame's code, or the socket's end.
#[derive(Debug, PartialEq)]
enum Got {
    Frame(Value),
    Close(Option<u16>),
    End(String),
}

async fn next(ws: &mut Ws) -> Got {
    loop {
        let msg = timeout(LIMIT, ws.next()).await.expect("read timed out");
        return match msg {
            Some(Ok(Message::Text(t))) => Got::Frame(serde_json::from_str(&t).unwrap()),
            Some(Ok(Message::Close(f))) => {
                // Reading on sends tungstenite's close reply, so the server need not wait.
                while let Ok(Some(Ok(_))) = timeout(LIMIT, ws.next()).await {}
                Got::Close(f.map(|f| u16::from(f.code)))
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => Got::End(e.to_string()),
            None => Got::End("stream ended".into()),
        };
    }
}

async fn next_frame(ws: &mut Ws) -> Value {
    match next(ws).await {
        Got::Frame(v) => v,
        other => panic!("expected a frame, got {other:?}"),
    }
}

/// `data` must be a JSON string; returns it decoded.
fn data(frame: &Value) -> Value {
    let s = frame["data"].as_str().expect("data is a string");
    serde_json::from_str(s).unwrap()
}

async fn connect(url: &str) -> Ws {
    let (mut ws, _) = connect_async(url).await.unwrap();
    let hello = next_frame(&mut ws).await;
    assert_eq!(hello["event"], "pusher:connection_established");
    ws
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

async fn subscribe(ws: &mut Ws, channels: &[String]) {
    for c in channels {
        send(
            ws,
            json!({"event": "pusher:subscribe", "data": {"auth": "", "channel": c}}),
        )
        .await;
    }
    for c in channels {
        let ack = next_frame(ws).await;
        assert_eq!(ack["event"], "pusher_internal:subscription_succeeded");
        assert_eq!(&ack["channel"], c);
        assert_eq!(data(&ack), json!({}));
    }
}

#[tokio::test]
async fn connection_established_carries_string_data() {
    let kick = start().await;
    let (mut ws, _) = connect_async(kick.pusher_url()).await.unwrap();
    let hello = next_frame(&mut ws).await;
    assert_eq!(hello["event"], "pusher:connection_established");
    let d = data(&hello);
    assert_eq!(d["activity_timeout"], 1);
    let socket_id = d["socket_id"].as_str().unwrap();
    let (a, b) = socket_id.split_once('.').unwrap();
    assert!(
        a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok(),
        "{socket_id}"
    );
}

#[tokio::test]
async fn five_subscriptions_get_five_acks() {
    let kick = start().await;
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    let channels = control.pusher_channels();
    subscribe(&mut ws, &channels).await;
    let conn = control.wait_subscribed().await;
    assert_eq!(control.stats().subscriptions[&conn].len(), 5);
}

#[tokio::test]
async fn chat_reaches_only_the_chat_channel() {
    let kick = start().await;
    let control = kick.control();
    let [chat, .., live, _] = control.pusher_channels();
    let mut chatty = connect(&kick.pusher_url()).await;
    subscribe(&mut chatty, std::slice::from_ref(&chat)).await;
    let mut quiet = connect(&kick.pusher_url()).await;
    subscribe(&mut quiet, std::slice::from_ref(&live)).await;

    let id = control.chat("SomeViewer", "CLIP THAT [emote:37226:KEKW]");
    control.set_live("Ranked grind");

    let f = next_frame(&mut chatty).await;
    assert_eq!(f["event"], name::CHAT);
    assert_eq!(f["channel"], chat.as_str());
    let d = data(&f);
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["content"], "CLIP THAT [emote:37226:KEKW]");
    assert_eq!(d["sender"]["username"], "SomeViewer");
    // Frames arrive in order, so the quiet client's first frame shows it never got the chat.
    let f = next_frame(&mut quiet).await;
    assert_eq!(f["event"], name::STREAMER_IS_LIVE);
    assert_eq!(f["channel"], live.as_str());

    let stats = control
        .wait_for(|s| s.delivered_count(name::CHAT) == 1)
        .await;
    let entry = stats.ledger.iter().find(|e| e.event == name::CHAT).unwrap();
    assert_eq!((entry.subscribers, entry.written), (1, 1));
    assert_eq!(entry.id.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn an_unanswered_server_ping_closes_with_4201() {
    let kick = FakeKick::start(FakeConfig {
        server_ping_after: Some(Duration::from_millis(50)),
        pong_timeout: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&kick.pusher_url()).await;
    let ping = next_frame(&mut ws).await;
    assert_eq!(ping["event"], "pusher:ping");
    let error = next_frame(&mut ws).await;
    assert_eq!(error["event"], "pusher:error");
    assert_eq!(data(&error)["code"], 4201);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4201)));
    let stats = kick.control().stats();
    assert_eq!((stats.pings_sent, stats.closes(4201)), (1, 1));
}

#[tokio::test]
async fn answered_pings_keep_the_connection_open() {
    let kick = FakeKick::start(FakeConfig {
        server_ping_after: Some(Duration::from_millis(20)),
        pong_timeout: Duration::from_millis(500),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    for _ in 0..3 {
        assert_eq!(next_frame(&mut ws).await["event"], "pusher:ping");
        send(&mut ws, json!({"event": "pusher:pong", "data": {}})).await;
    }
    let stats = control.wait_for(|s| s.pongs_received == 3).await;
    assert!(stats.closes_by_code.is_empty());
    // A client ping is answered too.
    send(&mut ws, json!({"event": "pusher:ping", "data": {}})).await;
    loop {
        let f = next_frame(&mut ws).await;
        if f["event"] == "pusher:pong" {
            break;
        }
        assert_eq!(f["event"], "pusher:ping");
        send(&mut ws, json!({"event": "pusher:pong", "data": {}})).await;
    }
}

#[tokio::test]
async fn close_all_sends_the_code() {
    let kick = start().await;
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    control.close_all(4200);
    let error = next_frame(&mut ws).await;
    assert_eq!(data(&error)["code"], 4200);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4200)));
    let stats = control.wait_for(|s| s.open() == 0).await;
    assert_eq!(stats.closes(4200), 1);
}

#[tokio::test]
async fn a_wrong_app_key_is_closed_with_4001() {
    let kick = start().await;
    let (mut ws, _) = connect_async(kick.pusher_url_with_key("eb1d5f283081a78b932c"))
        .await
        .unwrap();
    let error = next_frame(&mut ws).await;
    assert_eq!(error["event"], "pusher:error");
    // This error carries object data, as Pusher sends it for a bad key.
    assert_eq!(error["data"]["code"], 4001);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4001)));
}

#[tokio::test]
async fn a_tcp_drop_ends_without_a_close_frame() {
    let kick = start().await;
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    control.drop_all();
    assert!(matches!(next(&mut ws).await, Got::End(_)));
    assert_eq!(control.wait_for(|s| s.drops == 1).await.open(), 0);
}

#[tokio::test]
async fn refused_connections_fail_to_connect() {
    let kick = start().await;
    let control = kick.control();
    control.refuse_connections(Refuse::Upgrade, Duration::from_secs(60));
    let err = connect_async(kick.pusher_url()).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    control.refuse_connections(Refuse::Tcp, Duration::from_secs(60));
    assert!(connect_async(kick.pusher_url()).await.is_err());
    assert_eq!(control.stats().refused, 2);
    control.accept_connections();
    connect(&kick.pusher_url()).await;
}

#[tokio::test]
async fn the_ledger_counts_delivered_messages() {
    let kick = start().await;
    let control = kick.control();
    // Nobody listens yet: recorded, not delivered.
    let lost = control.chat("early", "anyone?");
    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    let ids = control.burst(10, 3, Duration::ZERO).await;
    let mut got = Vec::new();
    for _ in 0..10 {
        got.push(
            data(&next_frame(&mut ws).await)["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(got, ids);
    let stats = control
        .wait_for(|s| s.delivered_count(name::CHAT) == 10)
        .await;
    assert_eq!(stats.delivered_ids(name::CHAT), ids);
    let first = &stats.ledger[0];
    assert_eq!(first.id.as_deref(), Some(lost.as_str()));
    assert!(!first.delivered());
}

#[tokio::test]
async fn a_sub_sends_the_whole_duplicate_set() {
    let kick = start().await;
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    control.sub("NewSub", 13);
    let mut events = Vec::new();
    for _ in 0..5 {
        events.push(
            next_frame(&mut ws).await["event"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(
        events,
        [
            name::SUBSCRIPTION,
            name::CHANNEL_SUBSCRIPTION,
            name::NEW_SUBSCRIBER_UPDATED,
            name::NEW_ACTIVITY_FEED,
            name::CHAT_MESSAGE_SENT
        ]
    );
}

#[tokio::test]
async fn a_script_runs_its_steps_in_order() {
    let kick = start().await;
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    let script = Script::new()
        .at(0.02, Action::CloseAll { code: 4100 })
        .at(
            0.0,
            Action::Raid {
                host: "Raider".into(),
                viewers: 250,
            },
        )
        .at(
            0.01,
            Action::Kicks {
                user: "Donor".into(),
                amount: 100,
                message: "GG".into(),
            },
        );
    control.run_script(&script).await;
    let raid = next_frame(&mut ws).await;
    assert_eq!(data(&raid)["number_viewers"], 250);
    assert_eq!(next_frame(&mut ws).await["event"], name::KICKS_GIFTED);
    assert_eq!(next_frame(&mut ws).await["event"], name::KICKS_LEADERBOARD);
    assert_eq!(data(&next_frame(&mut ws).await)["code"], 4100);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4100)));
}

#[tokio::test]
async fn going_live_updates_the_api_and_tells_the_socket() {
    let kick = start().await;
    let control = kick.control();
    let url = format!("{}/api/v2/channels/clavicular", kick.api_base());
    let before: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert!(before["livestream"].is_null());

    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    control.set_live("Ranked grind");
    control.set_viewers(4720);
    let live = data(&next_frame(&mut ws).await);
    let after: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(after["livestream"]["id"], live["livestream"]["id"]);
    assert_eq!(after["livestream"]["viewer_count"], 4720);
    assert_eq!(after["livestream"]["session_title"], "Ranked grind");

    control.set_offline();
    let stop = next_frame(&mut ws).await;
    assert_eq!(stop["event"], name::STOP_STREAM);
    assert_eq!(data(&stop)["livestream"]["id"], live["livestream"]["id"]);
    let gone: Value = reqwest::get(format!("{url}/livestream"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gone, json!({"data": null}));
}

#[tokio::test]
async fn shutting_down_closes_sockets_with_1001() {
    let kick = start().await;
    let mut ws = connect(&kick.pusher_url()).await;
    kick.shutdown().await;
    assert_eq!(next(&mut ws).await, Got::Close(Some(1001)));
}
