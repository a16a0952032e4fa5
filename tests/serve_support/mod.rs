//! A metrics server on a free loopback port, fed by a test's own `Feed`, and WebSocket clients
//! that read its messages as JSON.

#![allow(dead_code)]

use std::time::Duration;

use futures_util::StreamExt;
use kicktui::domain::{KeywordData, Moment, MomentSource, Trigger, TriggerData, TriggerType, Ts};
use kicktui::engine::feed::Feed;
use kicktui::engine::view::RevenuePoint;
use kicktui::serve::{self, Options, Running};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

pub const LIMIT: Duration = Duration::from_secs(15);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Server {
    pub feed: Feed,
    pub running: Running,
    pub cancel: CancellationToken,
}

impl Server {
    pub fn start(opts: Options) -> Server {
        Server::start_at("127.0.0.1:0".parse().unwrap(), opts)
    }

    pub fn start_at(addr: std::net::SocketAddr, opts: Options) -> Server {
        let feed = Feed::new();
        let cancel = CancellationToken::new();
        let listener = serve::bind(addr).unwrap();
        let running = serve::spawn(listener, &feed, opts, cancel.clone()).unwrap();
        Server {
            feed,
            running,
            cancel,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.running.addr)
    }

    pub async fn connect(&self) -> Ws {
        let (ws, _) = tokio_tungstenite::connect_async(self.url("/ws/metrics"))
            .await
            .expect("connects");
        ws
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The next text message as JSON.
pub async fn next(ws: &mut Ws) -> Value {
    loop {
        let m = tokio::time::timeout(LIMIT, ws.next())
            .await
            .expect("a message in time")
            .expect("the connection is open")
            .expect("no error");
        if let Message::Text(t) = m {
            return serde_json::from_str(&t).expect("JSON");
        }
    }
}

/// The next message of `kind`, skipping the periodic ones.
pub async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let v = next(ws).await;
        if v["type"] == kind {
            return v;
        }
    }
}

pub fn point(i: u64, amount: f64, cumulative: f64) -> RevenuePoint {
    RevenuePoint {
        id: format!("d_{i}"),
        at: Ts(1_772_188_200_000 + i as i64 * 1000),
        username: format!("viewer{i}"),
        kind: "donation".into(),
        amount,
        cumulative,
        subs_total: 0,
        kicks_total: 0,
        bits_total: 0,
        per_hour: 0.0,
    }
}

pub fn moment(offset_s: f64) -> Moment {
    Moment {
        at: Ts(1_772_188_200_000),
        offset_s,
        trigger_type: TriggerType::Keyword,
        triggers: vec![Trigger {
            kind: TriggerType::Keyword,
            at: Ts(1_772_188_200_000),
            strength: 1.0,
            data: TriggerData::Keyword(KeywordData {
                count: 5,
                keyword: "CLIP".into(),
            }),
        }],
        score: 12.5,
        source: MomentSource::Auto,
        clip_start: Ts(0),
        clip_end: Ts(0),
    }
}
