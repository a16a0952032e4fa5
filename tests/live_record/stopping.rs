//! How a run ends without leaving a child: a signal while the session ends still finishes its
//! clips, and after a SIGKILL the watcher stops streamlink and the demo's ffmpeg.

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use tokio::time::timeout;

use crate::support::{Run, count, db, test_config};
use crate::{alive, go_live_and_record, wait_children, wait_streamlink};

/// The stream URL from the API's `playback_url` (`use_playback_url`). Offline while the
/// stream still plays (streamlink would run on): a signal during the grace stops streamlink
/// with SIGTERM, still clips the ended session's moments, and exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_while_the_session_ends_stops_streamlink_and_finishes_its_clips() {
    let hls = tempfile::tempdir().unwrap();
    let mut src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let mut fake = FakeConfig::default();
    fake.channels[0].playback_url = src.url().replace("hls://", "");
    let kick = FakeKick::start(fake).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    // Never asked: the API's URL wins.
    cfg.recorder.stream_url = "http://127.0.0.1:9/{channel}.m3u8".into();
    cfg.recorder.use_playback_url = true;
    cfg.recorder.poll_interval_seconds = 5;
    cfg.moments.pre_roll_seconds = 4;
    cfg.moments.post_roll_seconds = 2;
    cfg.moments.event_pre_roll_seconds = 4;
    cfg.moments.event_post_roll_seconds = 2;
    cfg.recorder.health_interval_seconds = 2;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let pid = run.pid();
    go_live_and_record(&mut run, &c, &src).await;
    // The recording has content before the moment (a loaded machine starts streamlink late).
    run.expect("Recording health:").await;
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["KEYWORD BURST at", "EMOTE SPAM at"]).await;
    let streamlinks = wait_streamlink(pid).await;
    c.set_offline();
    run.expect("Stream went offline.").await;

    let (status, lines, dir) = run.stop("HUP").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    let text = lines.join("\n");
    println!("{text}");
    assert!(
        text.contains("Recording stopped\n") || text.contains("] Recording stopped"),
        "{text}"
    );
    assert!(
        text.contains("Recording of session 1 ended: clipping 1 moment,"),
        "{text}"
    );
    assert!(text.contains("[1/1] Clip of moment #1 ready"), "{text}");
    assert!(!text.contains("(part 2"), "one part: {text}");
    assert!(!alive(streamlinks[0]), "streamlink outlived kicktui");
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM recordings WHERE status = 'stopped' AND ended_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE clip_path IS NOT NULL"
        ),
        1
    );
    src.stop().await;
}

/// SIGKILL: nothing in kicktui runs, yet its watcher stops the streamlink it left behind,
/// whatever the binary's file is called.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_kicktui_leaves_no_streamlink_behind() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("kt-renamed");
    std::fs::copy(env!("CARGO_BIN_EXE_kicktui"), &renamed).unwrap();
    let hls = tempfile::tempdir().unwrap();
    let mut src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    let mut run = Run::start_bin(&renamed, dir, &cfg, &["clavicular", "--headless"], &[]);
    let pid = run.pid();
    go_live_and_record(&mut run, &c, &src).await;
    let streamlinks = wait_streamlink(pid).await;
    let watchers = wait_children(pid, 1, |cmd| cmd.contains("reap-children")).await;

    let (status, _, _dir) = run.stop("KILL").await;
    assert!(!status.success());
    // The watcher polls its parent every 250 ms; streamlink ends within a second of SIGTERM.
    let gone = async {
        while alive(streamlinks[0]) || alive(watchers[0]) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    timeout(Duration::from_secs(10), gone)
        .await
        .expect("streamlink or its watcher outlived a SIGKILLed kicktui");
    src.stop().await;
}

/// The demo's encoder (its ffmpeg, the stream it records) is watched like streamlink: a killed
/// demo leaves neither behind, and the next demo would not record an orphan's stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_demo_leaves_no_ffmpeg_behind() {
    // No dashboard: the default port may be another test's or a running kicktui's.
    let mut run = Run::start(
        &kicktui::config::Config::default(),
        &["demo", "--headless", "--dashboard", "off"],
    );
    let pid = run.pid();
    run.expect("Recording to:").await;
    let ours = wait_children(pid, 2, |cmd| {
        cmd.contains("testsrc2") || cmd.contains("streamlink")
    })
    .await;
    let (status, _, _dir) = run.stop("KILL").await;
    assert!(!status.success());
    let gone = async {
        while ours.iter().any(|&p| alive(p)) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    timeout(Duration::from_secs(10), gone)
        .await
        .expect("the demo's ffmpeg or streamlink outlived a SIGKILLed kicktui");
}
