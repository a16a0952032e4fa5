//! The state a client is told without asking: zeros for what is unknown and the stream's state
//! every tick, the recording off or not yet known, and `/api/state`.

use std::time::Duration;

use kicktui::engine::update::{RecorderNews, Update};
use kicktui::serve::Options;
use serde_json::json;

use crate::serve_support::*;
use crate::{live_snapshot, quiet};

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
