//! Started again while the same stream is live, after a crash or a stop: the stream keeps its
//! one session, and its report says when and why kicktui was down.

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};

use crate::support::{self, count, db};
use crate::{crash_config, kicktui, killed_mid_stream};

/// Killed mid-stream and started again while the same stream is live: the stream keeps its
/// one session (no second one), whose report waits for the stream's end, covers both runs
/// and says when kicktui was down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_stream_after_a_crash_goes_on_with_the_same_session() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let cfg = crash_config(&kick);
    let dir = killed_mid_stream(&c, &cfg).await;
    let before: i64 = count(
        &db(&dir.path().join("data")),
        "SELECT COALESCE(SUM(messages), 0) FROM chat_stats WHERE session_id = 1",
    );
    let mut next = support::Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("Session 1 goes on").await;
    // The dashboard goes on from the earlier run's money: its $5 of Kicks on the revenue
    // curve and in the totals (they began again at $0, with an empty curve).
    let state = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let state = next.api_state().await;
            if state["revenue"].as_array().is_some_and(|r| !r.is_empty()) {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the earlier revenue on the dashboard");
    assert_eq!(state["revenue"][0]["cumulative"], 5.0, "{state}");
    assert_eq!(state["donations"][0]["username"], "fan", "{state}");
    assert_eq!(state["metrics"]["revenueToday"], 5.0, "{state}");
    c.burst(20, 5, Duration::from_secs(4)).await;
    next.expect("Chat:").await;
    c.set_offline();
    next.expect("# Stream report: clavicular (session 1)").await;
    let report = next.expect("kicktui was down for").await;
    assert!(report.contains("a crash"), "{report}");
    let (status, seen, dir) = next.stop("TERM").await;
    assert!(status.success());
    assert!(
        !seen.iter().any(|l| l.contains("closed after the crash")),
        "{seen:?}"
    );
    let data = dir.path().join("data");
    let conn = db(&data);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL"
        ),
        1
    );
    let after: i64 = count(
        &conn,
        "SELECT COALESCE(SUM(messages), 0) FROM chat_stats WHERE session_id = 1",
    );
    assert!(
        after > before,
        "chat after the restart is session 1's: {before} → {after}"
    );
    let out = kicktui(dir.path(), &["report", "1", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["recovered"], false, "{r}");
    assert_eq!(r["down"].as_array().map(Vec::len), Some(1), "{r}");
    assert!(r["down"][0]["seconds"].as_f64().unwrap() >= 0.0, "{r}");
    assert!(r["ended_at"].is_string(), "{r}");
}

/// Stopped (quit, SIGTERM) while the stream is live and started again during it: the stream
/// goes on in its one session, as after a crash, and the report says kicktui was stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_a_stop_while_live_goes_on_with_the_same_session() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let cfg = crash_config(&kick);
    let mut run = support::Run::start(&cfg, &["clavicular", "--headless", "--activity", "irl"]);
    run.expect("Connected to clavicular chat").await;
    tokio::time::timeout(Duration::from_secs(10), c.wait_subscribed())
        .await
        .unwrap();
    c.set_live("Long one");
    run.expect("Stream is LIVE!").await;
    c.burst(20, 5, Duration::from_secs(4)).await;
    run.expect("Chat:").await;
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success());

    let mut next = support::Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("Session 1 goes on").await;
    // The activity it was on goes on too.
    next.expect("Activity: irl").await;
    c.burst(20, 5, Duration::from_secs(4)).await;
    next.expect("Chat:").await;
    c.set_offline();
    next.expect("# Stream report: clavicular (session 1)").await;
    let report = next.expect("kicktui was down for").await;
    assert!(report.contains("kicktui was stopped"), "{report}");
    let (status, _, dir) = next.stop("TERM").await;
    assert!(status.success());
    let conn = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(count(&conn, "SELECT max(left_live) FROM sessions"), 0);
}
