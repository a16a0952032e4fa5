//! A client of either protocol, greeted and subscribed, that reads events in Pusher's shape.

use std::collections::VecDeque;

use futures_util::SinkExt;
use kicktui::fake::FakeKick;
use serde_json::{Value, json};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

use crate::{Got, Proto, Raw, Ws, connect, read, send, subscribe};

/// A greeted connection in either protocol. Centrifugo lines that shared a frame wait in
/// `lines`; `frames` counts the WebSocket messages read.
pub struct Client {
    proto: Proto,
    ws: Ws,
    lines: VecDeque<Value>,
    pub frames: usize,
}

pub async fn centrifugo_token(kick: &FakeKick) -> String {
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
    pub async fn connect(proto: Proto, kick: &FakeKick) -> Client {
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
    pub async fn centrifugo_socket(kick: &FakeKick) -> Client {
        let (ws, _) = connect_async(kick.centrifugo_url()).await.unwrap();
        Client {
            proto: Proto::Centrifugo,
            ws,
            lines: VecDeque::new(),
            frames: 0,
        }
    }

    pub async fn send(&mut self, v: Value) {
        send(&mut self.ws, v).await;
    }

    /// The next JSON value (one line of a Centrifugo frame), or how the socket ended.
    pub async fn next(&mut self) -> Got {
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

    pub async fn next_value(&mut self) -> Value {
        match self.next().await {
            Got::Frame(v) => v,
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    pub async fn subscribe(&mut self, channels: &[String]) {
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
    pub async fn next_event(&mut self) -> Value {
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
