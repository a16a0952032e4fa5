//! Live and offline from the API: the live alert when started mid-stream, a stale first
//! answer, and one "offline" answer checked again before the stream ends.

use std::time::Duration;

use tokio::time::timeout;

use crate::fake;
use crate::support::{LIMIT, Run, count, db, test_config};

/// The run's sessions of a stream (not waiting rooms).
fn stream_sessions(dir: &tempfile::TempDir) -> i64 {
    let db = db(&dir.path().join("data"));
    count(
        &db,
        "SELECT COUNT(*) FROM sessions WHERE stream_started_at IS NOT NULL",
    )
}

/// Waits for `n` more answers from the fake's APIs.
async fn more_answers(c: &kicktui::fake::FakeControl, n: u64) {
    let seen = c.stats().api_answers;
    timeout(LIMIT, c.wait_for(|s| s.api_answers >= seen + n))
        .await
        .unwrap();
}

/// Started while the channel is already live (after a crash, or just late): the "live"
/// alert names the channel (it said " is LIVE: …" when it came before the first snapshot).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_while_live_names_the_channel_in_the_live_alert() {
    use axum::routing::post;
    let kick = fake().await;
    let c = kick.control();
    c.set_live("Already on");
    let (tx, mut bodies) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
    let app = axum::Router::new().route(
        "/hook",
        post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    let mut cfg = test_config(kick.kick_config());
    cfg.alerts.webhook_url = url.as_str().into();
    cfg.alerts.webhook_events = vec!["live".into()];
    let run = Run::start(&cfg, &["clavicular", "--headless"]);
    let body = timeout(LIMIT, bodies.recv()).await.unwrap().unwrap();
    assert_eq!(body["event"], "live", "{body}");
    assert_eq!(body["text"], "clavicular is LIVE: Already on", "{body}");
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success());
}

/// A slow API's first answer, asked for before the stream went live, comes after the chat
/// socket has said live: the stream goes on. It ended the stream at 0 s and the next poll
/// opened a second session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_first_api_answer_does_not_end_a_stream_the_socket_started() {
    let kick = fake().await;
    let c = kick.control();
    let ids = c.info();
    let mut cfg = test_config(kick.kick_config());
    // Ids given and no official API: the one status request is the channel API's.
    cfg.kick.channel_id = ids.channel_id;
    cfg.kick.chatroom_id = ids.chatroom_id;
    cfg.kick.client_id = String::new();
    cfg.kick.client_secret = Default::default();
    cfg.recorder.poll_interval_seconds = 5;
    c.set_api_lag(Duration::from_secs(2));
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    timeout(LIMIT, c.wait_for(|s| s.api_requests >= 1))
        .await
        .unwrap();
    c.set_live("Just started");
    run.expect("Stream is LIVE!").await;
    c.set_api_lag(Duration::ZERO);
    // The stale "offline", a fresh "live" at once (the socket's word asks for one), and the
    // next poll's: the first two have been acted on by then.
    timeout(LIMIT, c.wait_for(|s| s.api_answers >= 3))
        .await
        .unwrap();
    let (status, out, dir) = run.stop("TERM").await;
    let out = out.join("\n");
    assert!(status.success());
    assert!(!out.contains("went offline"), "{out}");
    assert_eq!(stream_sessions(&dir), 1, "{out}");
}

/// One "offline" answer from the API, with nothing from the chat socket, is checked again
/// before the stream ends: a flaky API split a stream into two sessions, with a second
/// "live" alert. A second "offline" in a row ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_offline_api_answer_is_checked_again_before_the_stream_ends() {
    let kick = fake().await;
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.poll_interval_seconds = 5;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Flaky");
    run.expect("Stream is LIVE!").await;
    // The API has said live.
    more_answers(&c, 1).await;
    c.set_api_says_offline(true);
    more_answers(&c, 1).await;
    c.set_api_says_offline(false);
    // A "live" answer, and one more: the first has been acted on by then.
    more_answers(&c, 2).await;
    // Offline for good, as far as the API knows: the stream ends once the API has said so
    // for 15 s, not at its next answer (a poll comes every 5 s).
    c.set_api_says_offline(true);
    more_answers(&c, 1).await;
    let first_offline = std::time::Instant::now();
    let first_offline_wall = kicktui::time::wall_now();
    run.expect_within(&["Stream went offline"], Duration::from_secs(30))
        .await;
    let waited = first_offline.elapsed();
    assert!(waited >= Duration::from_secs(13), "{waited:?}");
    let (status, out, dir) = run.stop("TERM").await;
    let out = out.join("\n");
    assert!(status.success());
    assert_eq!(out.matches("Stream is LIVE!").count(), 1, "{out}");
    assert_eq!(stream_sessions(&dir), 1, "{out}");
    // The session ends when the API first said offline, not at the confirmation 15 s later.
    let ended_ms = count(
        &db(&dir.path().join("data")),
        "SELECT CAST(round((julianday(ended_at) - 2440587.5) * 86400000) AS INTEGER) \
         FROM sessions WHERE stream_started_at IS NOT NULL",
    );
    assert!(
        ended_ms <= first_offline_wall.0 + 1_000,
        "ended {} ms after the first offline answer",
        ended_ms - first_offline_wall.0
    );
}
