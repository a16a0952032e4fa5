//! The fake Kick, driven by minimal Pusher and Centrifugo clients written here. The tests
//! that do not depend on the protocol run on both (`on_both!`).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kicktui::fake::{FakeConfig, FakeKick};
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
    match read(ws).await {
        Raw::Text(t) => Got::Frame(serde_json::from_str(&t).unwrap()),
        Raw::Close(code) => Got::Close(code),
        Raw::End(why) => Got::End(why),
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
                // Reading on sends tungstenite's close reply, so the server need not wait.
                while let Ok(Some(Ok(_))) = timeout(LIMIT, ws.next()).await {}
                Raw::Close(f.map(|f| u16::from(f.code)))
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => Raw::End(e.to_string()),
            None => Raw::End("stream ended".into()),
        };
    }
}

// After `on_both!`, which they use.
mod client;
mod connections;
mod events;
