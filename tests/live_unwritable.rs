//! The real binary with real streamlink whose output file cannot grow: streamlink runs under
//! a file-size limit (`ulimit -f`, RLIMIT_FSIZE, what a full disk looks like to it: a write
//! error) while a flag file exists. One clear line, chat and moments go on in SQLite, and once
//! the limit is gone recording resumes in a new part. A streamlink that hangs holds up
//! neither the run nor its stop.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run, count, db, test_config};
use tokio::time::timeout;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_that_cannot_be_written_says_so_and_resumes_in_a_new_part() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let dir = tempfile::tempdir().unwrap();
    let hls = dir.path().join("hls");
    std::fs::create_dir(&hls).unwrap();
    let src = HlsSource::start(&hls, "ffmpeg").await.unwrap();

    // streamlink, limited to 64 KiB files while `full` exists.
    let full = dir.path().join("full");
    std::fs::write(&full, "").unwrap();
    let wrapper = dir.path().join("streamlink-limited");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/bash\nif [ -e '{}' ]; then ulimit -f 64; fi\nexec streamlink \"$@\"\n",
            full.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.streamlink = wrapper.display().to_string();
    cfg.recorder.stream_url = src.url();
    cfg.recorder.poll_interval_seconds = 5;
    cfg.recorder.health_interval_seconds = 2;
    cfg.recorder.max_backoff_seconds = 1;
    let mut run = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    c.set_live("Ranked");
    run.expect("Recording to:").await;

    let line = run
        .expect_within(&["Recording CANNOT WRITE:"], Duration::from_secs(40))
        .await;
    assert!(line.contains("File too large"), "{line}");
    assert!(
        line.contains("Chat, moments and the database go on"),
        "{line}"
    );

    // Chat and moments go on meanwhile.
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["KEYWORD BURST at", "EMOTE SPAM at"]).await;

    // Space is back: a new part records and grows past the old limit.
    std::fs::remove_file(&full).unwrap();
    let resumed = run
        .expect_within(
            &["the last part could not be written"],
            Duration::from_secs(40),
        )
        .await;
    assert!(resumed.contains("Recording to:"), "{resumed}");
    // The part written once the limit is gone grows past it (checked in SQLite below).
    run.expect_within(&["Recording health:"], Duration::from_secs(20))
        .await;
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;

    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    println!("{}", lines.join("\n"));
    let said = lines
        .iter()
        .filter(|l| l.contains("Recording CANNOT WRITE:"))
        .count();
    assert_eq!(said, 1, "said once:\n{}", lines.join("\n"));
    let db = db(&dir.path().join("data"));
    assert!(count(&db, "SELECT count(*) FROM moments") >= 1);
    assert!(count(&db, "SELECT count(*) FROM chat_stats") >= 1);
    assert!(
        count(
            &db,
            "SELECT count(*) FROM recordings WHERE status = 'unwritable'"
        ) >= 1
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM recordings WHERE status != 'unwritable' AND bytes > 65536"
        ) >= 1,
        "a part after the limit grew past it"
    );
}

/// A streamlink that never answers `--version` (a hung install) does not hold up a stop:
/// SIGTERM ends the run at once, and the hung check's child goes with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_streamlink_check_does_not_hold_up_a_stop() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hung = dir.path().join("streamlink-hung");
    std::fs::write(&hung, "#!/bin/sh\nexec sleep 604.321\n").unwrap();
    std::fs::set_permissions(&hung, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.streamlink = hung.display().to_string();
    let mut run = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    run.expect("Watching").await;
    let asked = std::time::Instant::now();
    let (status, lines, _dir) = timeout(LIMIT, run.stop("TERM"))
        .await
        .expect("stopped while the check hangs");
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "{:?}",
        asked.elapsed()
    );
    let left = std::process::Command::new("pgrep")
        .args(["-f", "sleep 604.321"])
        .output()
        .unwrap();
    assert!(
        left.stdout.is_empty(),
        "the hung check's child is left running"
    );
}
