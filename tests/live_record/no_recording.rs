//! Recording on but nothing to record: no streamlink, or a moment while the channel is
//! offline. Chat and moments go on, and nothing is left pending that can never be cut.

use kicktui::fake::{FakeConfig, FakeKick};
use tokio::time::timeout;

use crate::support::{LIMIT, Run, count, db, test_config};

/// No streamlink: one clear line, and chat and moments go on without recording.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_streamlink_turns_recording_off_and_nothing_else() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.streamlink = "/nonexistent/streamlink".into();
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let off = run.expect("Recording is OFF: ").await;
    assert!(
        off.contains("streamlink not found") && off.contains("pip install streamlink"),
        "{off}"
    );
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Ranked");
    let live = run.expect("Stream is LIVE!").await;
    assert!(!live.contains("recording"), "{live}");
    c.kicks("donor", 1000, "gg");
    run.expect("DONATION at").await;
    let (status, lines, dir) = run.stop("INT").await;
    assert!(status.success(), "{status}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("Recording")).count(),
        1,
        "{lines:?}"
    );
    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM recordings"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM moments"), 1);
}

/// A moment while the channel is offline (recording on): no recording can cover it, so it is
/// stored `no_recording` at once, not left pending for a quit question or `clip --pending`
/// that can never cut it; and no clip line says it failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moment_while_offline_is_not_left_pending() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.kicks("donor", 1000, "before the stream");
    run.expect("DONATION at").await;
    let (status, lines, dir) = run.stop("INT").await;
    assert!(status.success(), "{status}");
    assert!(
        !lines.iter().any(|l| l.contains("Clip of moment")),
        "{lines:?}"
    );
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments m JOIN sessions s ON s.id = m.session_id \
             WHERE m.clip_status = 'no_recording' AND s.stream_started_at IS NULL"
        ),
        1
    );
}
