//! Live without the API, through the binary: Kick's channel API answers Cloudflare's 403,
//! the chat socket never says `StreamerIsLive` (the stream was already running), and a local
//! live HLS stream plays. kicktui asks the stream itself: a session opens, recording starts
//! and chat counts are stored; when the stream ends it goes offline, closes the session and
//! does not restart streamlink against the ended stream.

mod support;

use std::time::Duration;

use kicktui::config::Config;
use kicktui::fake::frames::name;
use kicktui::fake::{ApiFailure, FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run, count, db, test_config};
use tokio::time::timeout;

/// A local live stream, and a config that records it with Kick's API out of reach (no
/// official API; the ids given, as the chat needs them): live comes from the stream probe
/// until the fake's API answers.
async fn blocked(kick: &FakeKick) -> (tempfile::TempDir, HlsSource, Config) {
    let hls = tempfile::tempdir().unwrap();
    let src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    let info = kick.control().info();
    let mut cfg = test_config(kick.kick_config());
    cfg.kick.client_id.clear();
    cfg.kick.client_secret = Default::default();
    cfg.kick.client_secret = Default::default();
    cfg.kick.channel_id = info.channel_id;
    cfg.kick.chatroom_id = info.chatroom_id;
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.poll_interval_seconds = 5;
    (hls, src, cfg)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_api_and_a_silent_socket_still_record_a_running_stream() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    c.set_api_failure(ApiFailure::Cloudflare);
    let (_hls, mut src, mut cfg) = blocked(&kick).await;
    cfg.recorder.health_interval_seconds = 2;
    cfg.recorder.min_growth_mb_per_min = 0.1;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect_all(&["Kick API: Kick's API is behind a Cloudflare challenge"])
        .await;
    let live = run
        .expect_within(&["Stream is LIVE!"], Duration::from_secs(30))
        .await;
    assert!(live.contains("Starting recording..."), "{live}");
    assert!(live.ends_with("(via stream probe)"), "{live}");
    run.expect("Recording to:").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();

    // Chat while live: its counts are stored in the live session.
    for i in 0..20 {
        c.chat(&format!("viewer{}", i % 7), "good game");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;

    // The stream ends: offline, the recording stops for good.
    src.end_stream().await;
    // Either first: the recorder stops at the first "offline"; the session ends when a
    // second answer confirms it.
    let [went, stopped] = ["Stream went offline.", "Recording stopped: offline"];
    let first = run
        .expect_within(&[went, stopped], Duration::from_secs(30))
        .await;
    let other = if first.contains(went) { stopped } else { went };
    run.expect_within(&[other], Duration::from_secs(30)).await;
    // More than a poll interval: the probe keeps saying offline, nothing restarts.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let (status, lines, dir) = run.stop("TERM").await;
    let text = lines.join("\n");
    println!("{text}");
    assert!(status.success(), "{status}\n{text}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("Recording to:")).count(),
        1,
        "{text}"
    );
    assert!(!text.contains("(part 2"), "{text}");
    assert_eq!(
        c.with_stats(|s| s.delivered_count(name::STREAMER_IS_LIVE)),
        0,
        "the socket never said live"
    );

    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM recordings"), 1);
    let stored = count(
        &db,
        "SELECT coalesce(sum(messages), 0) FROM chat_stats WHERE session_id = 1",
    );
    assert!(stored >= 10, "{stored} of 20 chat messages counted");
    src.stop().await;
}

/// Stopped and started again while Kick's API is still blocked: live is said without a
/// start both times, and the stream's session goes on instead of a second one opening.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_while_the_api_is_blocked_goes_on_with_the_same_session() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    c.set_api_failure(ApiFailure::Cloudflare);
    let (_hls, mut src, cfg) = blocked(&kick).await;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect_within(&["Stream is LIVE!"], Duration::from_secs(30))
        .await;
    run.expect("Recording to:").await;
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}");

    let mut again = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    again
        .expect_within(&["Session 1 goes on"], Duration::from_secs(30))
        .await;
    again.expect("_p2.ts").await;
    let (status, lines, dir) = again.stop("TERM").await;
    let text = lines.join("\n");
    assert!(status.success(), "{status}\n{text}");
    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1, "{text}");
    assert_eq!(count(&db, "SELECT count(*) FROM recordings"), 2, "{text}");
    src.stop().await;
}

/// A stream running for 25 minutes when kicktui starts, with Kick's API refusing at first:
/// the stream probe says live (no start known, offsets count from it); when the API answers
/// again it tells the real start, and the session, its moment's offset and the stream id
/// follow it (a crash from then on finds the stream by it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_back_tells_the_real_start_of_a_stream_the_probe_found() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let real = kicktui::time::wall_now().plus_secs(-1500.0);
    c.set_live_since("already running", real);
    c.set_api_failure(ApiFailure::RateLimited {
        retry_after: Some(3),
    });
    let (_hls, mut src, cfg) = blocked(&kick).await;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let live = run
        .expect_within(&["Stream is LIVE!"], Duration::from_secs(30))
        .await;
    assert!(live.ends_with("(via stream probe)"), "{live}");
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.kicks("donor", 1000, "gg");
    run.expect("final: DONATION at").await;
    c.set_api_failure(ApiFailure::None);
    run.expect_within(&["The stream started at"], Duration::from_secs(30))
        .await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    let db = db(&dir.path().join("data"));
    let start: String = db
        .query_row("SELECT stream_started_at FROM sessions", [], |r| r.get(0))
        .unwrap();
    let start = kicktui::time::Ts::parse_rfc3339(&start).unwrap();
    assert!((start.0 - real.0).abs() < 1000, "{start:?} vs {real:?}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE stream_id IS NOT NULL"
        ),
        1
    );
    let offset: f64 = db
        .query_row("SELECT offset_s FROM moments", [], |r| r.get(0))
        .unwrap();
    assert!(
        (1480.0..1600.0).contains(&offset),
        "the donation counted from the real start: {offset}"
    );
    src.stop().await;
}

/// Stopped while the API was blocked (the session's start a guess), started again with the
/// API answering: the stream's real start, a minute before the guess, finds the session and
/// replaces the guess.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_the_api_back_replaces_the_guessed_start() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let real = kicktui::time::wall_now().plus_secs(-60.0);
    c.set_live_since("already running", real);
    c.set_api_failure(ApiFailure::Cloudflare);
    let (_hls, mut src, cfg) = blocked(&kick).await;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let live = run
        .expect_within(&["Stream is LIVE!"], Duration::from_secs(30))
        .await;
    assert!(live.ends_with("(via stream probe)"), "{live}");
    run.expect("Recording to:").await;
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}");

    c.set_api_failure(ApiFailure::None);
    let mut again = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    again
        .expect_within(&["Session 1 goes on"], Duration::from_secs(30))
        .await;
    let (status, lines, dir) = again.stop("TERM").await;
    let text = lines.join("\n");
    assert!(status.success(), "{status}\n{text}");
    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1, "{text}");
    let (start, guessed): (String, i64) = db
        .query_row(
            "SELECT stream_started_at, start_guessed FROM sessions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let start = kicktui::time::Ts::parse_rfc3339(&start).unwrap();
    assert!(
        (start.0 - real.0).abs() < 1000,
        "{start:?} vs {real:?}\n{text}"
    );
    assert_eq!(guessed, 0);
    src.stop().await;
}
