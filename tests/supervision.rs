//! Supervision through the binary: the chat task panics (a fault injected once it is
//! connected); kicktui says so, starts it again, chat is counted again, and the recording of
//! the live stream goes on meanwhile.

mod support;

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run, received, test_config};
use tokio::time::timeout;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_chat_task_is_restarted_and_recording_goes_on() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let hls = tempfile::tempdir().unwrap();
    let mut src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.health_interval_seconds = 2;
    c.set_live("Panicky");
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);

    let dir = tempfile::tempdir().unwrap();
    let trigger = dir.path().join("panic-now");
    let fault = format!("chat_panic:{}", trigger.display());
    let mut run = Run::start_env(
        dir,
        &cfg,
        &["clavicular", "--headless"],
        &[("KICKTUI_FAULT", fault.as_str())],
    );
    run.expect("Recording to:").await;
    run.expect("Recording health:").await;
    std::fs::write(&trigger, b"").unwrap();
    let note = run.expect("The chat task crashed").await;
    assert!(note.contains("restarting in"), "{note}");
    // Started again: connected and subscribed on a new connection, counting chat.
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    for i in 0..5 {
        c.chat(&format!("viewer{i}"), "still here");
    }
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    // The recording never stopped.
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;
    let (status, lines, _dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert!(received(&lines) >= 5, "{}", lines.join("\n"));
    src.end_stream().await;
}
