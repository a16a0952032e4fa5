//! No chat count is dropped: the real binary against the fake Kick; every chat message the
//! fake delivered is in `chat_stats` (the live session's, then an off-air session's), including
//! the windows cut short by going offline and by each way of stopping.

mod support;

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use support::{LIMIT, Run, count, db, received, test_config};
use tokio::time::{sleep, timeout};

/// kicktui watching the fake's channel headless, subscribed to it.
async fn watching(kick: &FakeKick) -> Run {
    watching_with(kick, &[]).await
}

async fn watching_with(kick: &FakeKick, more: &[&str]) -> Run {
    let args: Vec<&str> = ["clavicular", "--headless"]
        .iter()
        .chain(more)
        .copied()
        .collect();
    let mut run = Run::start(&test_config(kick.kick_config()), &args);
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, kick.control().wait_subscribed())
        .await
        .unwrap();
    run
}

async fn every_message_is_in_chat_stats(signal: &str) {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut run = watching(&kick).await;
    c.set_live("Counting");
    run.expect("Stream is LIVE!").await;
    // Spread over a few 3 s windows, ending mid-window.
    for i in 0..100 {
        c.chat(&format!("viewer{}", i % 9), "hello there");
        if i % 25 == 24 {
            sleep(Duration::from_millis(1100)).await;
        }
    }
    c.set_offline();
    run.expect("Stream went offline.").await;
    // Off air: counted into an off-air session, the last window cut short by the signal.
    for i in 0..17 {
        c.chat(&format!("late{i}"), "still here");
    }
    // Acked in order: once this prints, every chat before it was counted.
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    let (status, lines, dir) = run.stop(signal).await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    let delivered = c.with_stats(|s| s.delivered_count("ChatMessageEvent")) as i64;
    assert_eq!(delivered, 117);
    assert_eq!(received(&lines) as i64, delivered);
    let db = db(&dir.path().join("data"));
    let live = count(
        &db,
        "SELECT coalesce(sum(c.messages), 0) FROM chat_stats c JOIN sessions s \
         ON s.id = c.session_id WHERE s.stream_started_at IS NOT NULL",
    );
    let off_air = count(
        &db,
        "SELECT coalesce(sum(c.messages), 0) FROM chat_stats c JOIN sessions s \
         ON s.id = c.session_id WHERE s.stream_started_at IS NULL",
    );
    assert_eq!((live, off_air), (100, 17), "{}", lines.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_chat_counted_after_sigint() {
    every_message_is_in_chat_stats("INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_chat_counted_after_sigterm() {
    every_message_is_in_chat_stats("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_chat_counted_after_sighup() {
    every_message_is_in_chat_stats("HUP").await;
}

/// Chat before the stream (the waiting room) belongs to the stream: the offline session it
/// opened becomes the stream's, one session with one number, holding the early chat too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_before_the_stream_is_in_the_streams_session() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    // An activity set before the stream: its time offline is not the stream's.
    let mut run = watching_with(&kick, &["--activity", "talk"]).await;
    for i in 0..12 {
        c.chat(&format!("early{i}"), "is he starting soon");
    }
    // An event opens the offline session at once (chat counts wait for their window).
    c.kicks("early_fan", 100, "");
    run.expect("Kicks: early_fan sent 100 Kicks").await;
    c.set_live("Going live");
    run.expect("Stream is LIVE!").await;
    for i in 0..5 {
        c.chat(&format!("viewer{i}"), "hello");
    }
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    let (status, lines, dir) = run.stop("INT").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    let log = lines.join("\n");
    assert!(log.contains("clavicular_session001.md"), "{log}");
    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1, "{log}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL \
             AND title = 'Going live'"
        ),
        1
    );
    assert_eq!(count(&db, "SELECT sum(messages) FROM chat_stats"), 17);
    assert_eq!(
        count(&db, "SELECT count(*) FROM events WHERE session_id = 1"),
        2
    );
    // One talk segment, from the stream's start: the offline one was not stored.
    assert_eq!(count(&db, "SELECT count(*) FROM activities"), 1, "{log}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM activities a JOIN sessions s ON s.id = a.session_id \
             WHERE a.started_at >= s.started_at"
        ),
        1
    );
}

/// Quitting before the stream came: the chat is kept, but there is no report of an empty
/// 0:00:00 stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_in_the_waiting_room_writes_no_report() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut run = watching(&kick).await;
    for i in 0..6 {
        c.chat(&format!("early{i}"), "is he starting soon");
    }
    c.kicks("early_fan", 100, "");
    run.expect("Kicks: early_fan sent 100 Kicks").await;
    let (status, lines, dir) = run.stop("INT").await;
    let log = lines.join("\n");
    assert!(status.success(), "{status}\n{log}");
    assert!(!log.contains("report"), "{log}");
    let data = dir.path().join("data");
    assert!(!data.join("reports").exists(), "{log}");
    let db = db(&data);
    assert_eq!(count(&db, "SELECT sum(messages) FROM chat_stats"), 6);
    assert_eq!(count(&db, "SELECT count(*) FROM events"), 1);
}
