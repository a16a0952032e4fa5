//! The fake Kick, driven by minimal Pusher and Centrifugo clients written here. The tests
//! that do not depend on the protocol run on both (`on_both!`).

use std::collections::VecDeque;
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
        pong_timeout: Duration::from_secs(3),
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

/// The protocol a test speaks.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Proto {
    Pusher,
    Centrifugo,
}

/// Runs `$name(proto)` as one test per protocol.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn pusher() {
                super::$name(super::Proto::Pusher).await
            }

            #[tokio::test]
            async fn centrifugo() {
                super::$name(super::Proto::Centrifugo).await
            }
        }
    };
}

/// What a read gave, before any JSON parsing.
enum Raw {
    Text(String),
    Close(Option<u16>),
    End(String),
}

async fn read(ws: &mut Ws) -> Raw {
    loop {
        let msg = timeout(LIMIT, ws.next()).await.expect("read timed out");
        return match msg {
            Some(Ok(Message::Text(t))) => Raw::Text(t.to_string()),
            Some(Ok(Message::Close(f))) => {
                while let Ok(Some(Ok(_))) = timeout(LIMIT, ws.next()).await {}
                Raw::Close(f.map(|f| u16::from(f.code)))
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => Raw::End(e.to_string()),
            None => Raw::End("stream ended".into()),
        };
    }
}

/// A greeted connection in either protocol. Centrifugo lines that shared a frame wait in
/// `lines`; `frames` counts the WebSocket messages read.
struct Client {
    proto: Proto,
    ws: Ws,
    lines: VecDeque<Value>,
    frames: usize,
}

async fn centrifugo_token(kick: &FakeKick) -> String {
    let answer: Value = reqwest::Client::new()
        .post(kick.centrifugo_token_url())
        .json(&json!({ "client_id": "test-client" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["message"], "success");
    answer["data"]["token"].as_str().unwrap().to_string()
}

impl Client {
    async fn connect(proto: Proto, kick: &FakeKick) -> Client {
        match proto {
            Proto::Pusher => Client {
                proto,
                ws: connect(&kick.pusher_url()).await,
                lines: VecDeque::new(),
                frames: 0,
            },
            Proto::Centrifugo => {
                let token = centrifugo_token(kick).await;
                let mut c = Client::centrifugo_socket(kick).await;
                c.send(json!({ "connect": { "token": token, "name": "js" }, "id": 1 }))
                    .await;
                let reply = c.next_value().await;
                assert_eq!(reply["id"], 1);
                assert!(reply["connect"]["ttl"].as_u64().unwrap() > 0, "{reply}");
                assert!(reply["connect"]["ping"].as_u64().unwrap() > 0, "{reply}");
                c
            }
        }
    }

    /// A Centrifugo socket that has sent nothing yet.
    async fn centrifugo_socket(kick: &FakeKick) -> Client {
        let (ws, _) = connect_async(kick.centrifugo_url()).await.unwrap();
        Client {
            proto: Proto::Centrifugo,
            ws,
            lines: VecDeque::new(),
            frames: 0,
        }
    }

    async fn send(&mut self, v: Value) {
        send(&mut self.ws, v).await;
    }

    /// The next JSON value (one line of a Centrifugo frame), or how the socket ended.
    async fn next(&mut self) -> Got {
        if let Some(v) = self.lines.pop_front() {
            return Got::Frame(v);
        }
        match read(&mut self.ws).await {
            Raw::Text(t) => {
                self.frames += 1;
                for line in t.split('\n').filter(|l| !l.trim().is_empty()) {
                    self.lines.push_back(serde_json::from_str(line).unwrap());
                }
                Box::pin(self.next()).await
            }
            Raw::Close(code) => Got::Close(code),
            Raw::End(why) => Got::End(why),
        }
    }

    async fn next_value(&mut self) -> Value {
        match self.next().await {
            Got::Frame(v) => v,
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    async fn subscribe(&mut self, channels: &[String]) {
        if self.proto == Proto::Pusher {
            return subscribe(&mut self.ws, channels).await;
        }
        // Every subscription in one frame, one command per line.
        let cmds: Vec<String> = channels
            .iter()
            .enumerate()
            .map(|(i, c)| json!({ "subscribe": { "channel": c }, "id": i + 2 }).to_string())
            .collect();
        self.ws.send(Message::text(cmds.join("\n"))).await.unwrap();
        for i in 0..channels.len() {
            let ack = self.next_value().await;
            assert_eq!(ack, json!({ "id": i + 2, "subscribe": {} }));
        }
    }

    /// The next event in Pusher's shape (`event`, string `data`, `channel`); Centrifugo
    /// heartbeats on the way are answered.
    async fn next_event(&mut self) -> Value {
        loop {
            let v = self.next_value().await;
            if self.proto == Proto::Pusher {
                return v;
            }
            if v == json!({}) {
                self.send(json!({})).await;
                continue;
            }
            let push = &v["push"];
            let inner = &push["pub"]["data"];
            assert!(inner.is_object(), "not a publication: {v}");
            return json!({ "event": inner["event"], "data": inner["data"], "channel": push["channel"] });
        }
    }
}

on_both!(five_subscriptions_get_five_acks);
async fn five_subscriptions_get_five_acks(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    let channels = control.pusher_channels();
    client.subscribe(&channels).await;
    let conn = control.wait_subscribed().await;
    assert_eq!(control.stats().subscriptions[&conn].len(), 5);
}

on_both!(chat_reaches_only_the_chat_channel);
async fn chat_reaches_only_the_chat_channel(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let [chat, .., live, _] = control.pusher_channels();
    let mut chatty = Client::connect(proto, &kick).await;
    chatty.subscribe(std::slice::from_ref(&chat)).await;
    let mut quiet = Client::connect(proto, &kick).await;
    quiet.subscribe(std::slice::from_ref(&live)).await;

    let id = control.chat("SomeViewer", "CLIP THAT [emote:37226:KEKW]");
    control.set_live("Ranked grind");

    let f = chatty.next_event().await;
    assert_eq!(f["event"], name::CHAT);
    assert_eq!(f["channel"], chat.as_str());
    let d = data(&f);
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["content"], "CLIP THAT [emote:37226:KEKW]");
    assert_eq!(d["sender"]["username"], "SomeViewer");
    // Frames arrive in order, so the quiet client's first frame shows it never got the chat.
    let f = quiet.next_event().await;
    assert_eq!(f["event"], name::STREAMER_IS_LIVE);
    assert_eq!(f["channel"], live.as_str());

    let stats = control
        .wait_for(|s| s.delivered_count(name::CHAT) == 1)
        .await;
    let entry = stats.ledger.iter().find(|e| e.event == name::CHAT).unwrap();
    assert_eq!((entry.subscribers, entry.written), (1, 1));
    assert_eq!(entry.id.as_deref(), Some(id.as_str()));
}

on_both!(close_all_sends_the_code);
async fn close_all_sends_the_code(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    let code = match proto {
        Proto::Pusher => 4200,
        Proto::Centrifugo => 3001,
    };
    control.close_all(code);
    if proto == Proto::Pusher {
        // Pusher names the code in a `pusher:error` first.
        let error = client.next_value().await;
        assert_eq!(data(&error)["code"], 4200);
    }
    assert_eq!(client.next().await, Got::Close(Some(code)));
    let stats = control.wait_for(|s| s.open() == 0).await;
    assert_eq!(stats.closes(code), 1);
}

on_both!(a_tcp_drop_ends_without_a_close_frame);
async fn a_tcp_drop_ends_without_a_close_frame(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    control.drop_all();
    assert!(matches!(client.next().await, Got::End(_)));
    assert_eq!(control.wait_for(|s| s.drops == 1).await.open(), 0);
}

on_both!(the_ledger_counts_delivered_messages);
async fn the_ledger_counts_delivered_messages(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    // Nobody listens yet: recorded, not delivered.
    let lost = control.chat("early", "anyone?");
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    let ids = control.burst(10, 3, Duration::ZERO).await;
    let mut got = Vec::new();
    for _ in 0..10 {
        let d = data(&client.next_event().await);
        got.push(d["id"].as_str().unwrap().to_string());
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

on_both!(a_sub_sends_the_whole_duplicate_set);
async fn a_sub_sends_the_whole_duplicate_set(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    control.sub("NewSub", 13);
    let mut events = Vec::new();
    for _ in 0..5 {
        let f = client.next_event().await;
        events.push(f["event"].as_str().unwrap().to_string());
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

on_both!(going_live_updates_the_api_and_tells_the_socket);
async fn going_live_updates_the_api_and_tells_the_socket(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let url = format!("{}/api/v2/channels/clavicular", kick.api_base());
    let before: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert!(before["livestream"].is_null());

    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    control.set_live("Ranked grind");
    control.set_viewers(4720);
    let live = data(&client.next_event().await);
    let after: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(after["livestream"]["id"], live["livestream"]["id"]);
    assert_eq!(after["livestream"]["viewer_count"], 4720);
    assert_eq!(after["livestream"]["session_title"], "Ranked grind");

    control.set_offline();
    let stop = client.next_event().await;
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

on_both!(shutting_down_closes_sockets_with_1001);
async fn shutting_down_closes_sockets_with_1001(proto: Proto) {
    let kick = start().await;
    let mut client = Client::connect(proto, &kick).await;
    kick.shutdown().await;
    assert_eq!(client.next().await, Got::Close(Some(1001)));
}

/// What is queued at once goes out in one Centrifugo frame, one publication per line.
#[tokio::test]
async fn centrifugo_packs_queued_publications_into_one_frame() {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(Proto::Centrifugo, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    let before = client.frames;
    // On this single-threaded runtime the connection task runs only once all ten are queued.
    let ids = control.burst(10, 3, Duration::ZERO).await;
    for id in &ids {
        assert_eq!(&data(&client.next_event().await)["id"], id.as_str());
    }
    assert_eq!(client.frames - before, 1, "ten publications, one frame");
}

#[tokio::test]
async fn centrifugo_refuses_an_unknown_token_with_3500() {
    let kick = start().await;
    let mut client = Client::centrifugo_socket(&kick).await;
    client
        .send(json!({ "connect": { "token": "forged", "name": "js" }, "id": 1 }))
        .await;
    assert_eq!(client.next().await, Got::Close(Some(3500)));
}

#[tokio::test]
async fn centrifugo_closes_with_3012_when_a_heartbeat_goes_unanswered() {
    let kick = FakeKick::start(FakeConfig {
        centrifugo_ping: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut client = Client::connect(Proto::Centrifugo, &kick).await;
    assert_eq!(client.next_value().await, json!({}));
    assert_eq!(client.next().await, Got::Close(Some(3012)));
}

/// A token that runs out without a `refresh` ends the connection (3005); connecting again
/// with it is answered "token expired" (109).
#[tokio::test]
async fn centrifugo_tokens_expire() {
    let kick = FakeKick::start(FakeConfig {
        centrifugo_token_ttl: Duration::from_millis(1500),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let token = centrifugo_token(&kick).await;
    let mut client = Client::centrifugo_socket(&kick).await;
    client
        .send(json!({ "connect": { "token": token, "name": "js" }, "id": 1 }))
        .await;
    // Seconds left, rounded up (a stall before connecting could make it 1).
    let ttl = client.next_value().await["connect"]["ttl"].as_u64();
    assert!(matches!(ttl, Some(1 | 2)), "{ttl:?}");
    assert_eq!(client.next().await, Got::Close(Some(3005)));
    let mut again = Client::centrifugo_socket(&kick).await;
    again
        .send(json!({ "connect": { "token": token, "name": "js" }, "id": 1 }))
        .await;
    assert_eq!(again.next_value().await["error"]["code"], 109);
}
