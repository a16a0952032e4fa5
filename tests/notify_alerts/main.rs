//! Alerts against a local HTTP server that records every request and answers as scripted
//! (429 with `retry_after`, 500, 200): retries, backoff, giving up, the events each target
//! asked for, the clip-ready details, and webhook URLs kept out of the logs.

#[path = "../serve_support/mod.rs"]
mod serve_support;

mod delivery;
mod events;
mod quit_and_restart;
mod retries;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use kicktui::domain::Ts;
use kicktui::engine::feed::Feed;
use kicktui::engine::update::{Snapshot, Update};
use kicktui::notify::Backoff;
use kicktui::notify::alert::Alert;
use kicktui::notify::secret::SecretUrl;
use serde_json::{Value, json};
use tokio::sync::mpsc;

const LIMIT: Duration = Duration::from_secs(15);

/// Per path: the answers to give, in order; then 200.
type Answers = std::collections::HashMap<String, VecDeque<(u16, String)>>;

#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<Answers>>,
    seen: Option<mpsc::UnboundedSender<(String, Value, Instant)>>,
}

async fn record(
    State(s): State<Script>,
    Path(name): Path<String>,
    body: String,
) -> (StatusCode, String) {
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if let Some(tx) = &s.seen {
        let _ = tx.send((name.clone(), json, Instant::now()));
    }
    let next = s
        .answers
        .lock()
        .unwrap()
        .get_mut(&name)
        .and_then(|q| q.pop_front());
    let (code, body) = next.unwrap_or((200, String::new()));
    // 0: a slow target, that takes the alert but answers only after a second.
    if code == 0 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        return (StatusCode::NO_CONTENT, body);
    }
    (StatusCode::from_u16(code).unwrap(), body)
}

struct Receiver {
    base: String,
    script: Script,
    seen: mpsc::UnboundedReceiver<(String, Value, Instant)>,
}

impl Receiver {
    async fn start() -> Receiver {
        let (tx, seen) = mpsc::unbounded_channel();
        let script = Script {
            seen: Some(tx),
            ..Script::default()
        };
        let app = Router::new()
            .route("/hooks/{name}", post(record))
            .with_state(script.clone());
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/hooks", l.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(l, app).await });
        Receiver { base, script, seen }
    }

    fn answer(&self, name: &str, answers: &[(u16, &str)]) {
        self.script.answers.lock().unwrap().insert(
            name.into(),
            answers.iter().map(|(c, b)| (*c, b.to_string())).collect(),
        );
    }

    fn url(&self, name: &str) -> SecretUrl {
        SecretUrl::new(&format!("{}/{name}", self.base)).unwrap()
    }

    async fn next(&mut self) -> (String, Value, Instant) {
        tokio::time::timeout(LIMIT, self.seen.recv())
            .await
            .expect("a request in time")
            .unwrap()
    }
}

fn fast() -> Backoff {
    Backoff {
        first: Duration::from_millis(20),
        max: Duration::from_millis(100),
        attempts: 3,
        rate_limited_for: Duration::from_secs(2),
        attempt_timeout: Duration::from_secs(30),
    }
}

fn events(e: &[&str]) -> Vec<String> {
    e.iter().map(|s| s.to_string()).collect()
}

fn named(feed: &Feed) {
    feed.send(Update::Snapshot(Snapshot {
        channel: "clavicular".into(),
        ..Snapshot::default()
    }));
}

/// Session 1 goes live at 0 as the API says (`resumed`: a restart picked it up again).
fn went_live(title: Option<&str>, resumed: bool) -> Update {
    Update::WentLive {
        at: Ts(0),
        title: title.map(str::to_string),
        session: Some(1),
        source: kicktui::kickapi::LiveSource::Api,
        resumed,
    }
}

/// The channel is named and goes live with a title.
fn named_and_live(feed: &Feed) {
    named(feed);
    feed.send(went_live(Some("Ranked grind"), false));
}

/// The channel is named, goes live untitled, and goes offline a minute later.
fn live_then_offline(feed: &Feed) {
    named(feed);
    feed.send(went_live(None, false));
    feed.send(Update::WentOffline { at: Ts(60_000) });
}

/// A `live` alert, for tests of one delivery.
fn live_alert() -> Alert {
    Alert {
        event: "live",
        text: "x".into(),
        data: json!({}),
    }
}
