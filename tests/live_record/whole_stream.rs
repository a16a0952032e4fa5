//! A whole live stream through the binary, and a crash and restart in the middle of one: the
//! parts recorded, the moments found, and every moment clipped at the stream's end.

use std::path::Path;
use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use tokio::time::timeout;

use crate::support::{LIMIT, Run, count, db, test_config};
use crate::{alive, children_of, duration_of, go_live_and_record, streamlinks_of, wait_streamlink};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_restarts_and_clips_every_moment_through_the_binary() {
    let started = std::time::Instant::now();
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let hls = tempfile::tempdir().unwrap();
    let mut src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();

    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.poll_interval_seconds = 5;
    cfg.recorder.health_interval_seconds = 4;
    cfg.recorder.min_growth_mb_per_min = 0.5;
    cfg.recorder.max_backoff_seconds = 2;
    cfg.moments.pre_roll_seconds = 6;
    cfg.moments.post_roll_seconds = 4;
    cfg.moments.event_pre_roll_seconds = 6;
    cfg.moments.event_post_roll_seconds = 4;
    cfg.clips.on_ready = vec!["touch".into(), "{path}.done".into()];
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    let pid = run.pid();
    run.expect_all(&[
        "Waiting for clavicular to go live...",
        "Connected to clavicular chat",
    ])
    .await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);

    // Live: the session opens and streamlink records into part 1.
    c.set_live("Ranked");
    run.expect("Stream is LIVE! Starting recording... \"Ranked\"")
        .await;
    let part1 = run.expect("Recording to:").await;
    assert!(
        part1.contains("/data/recordings/clavicular_s001_"),
        "{part1}"
    );
    let health = run.expect("Recording health:").await;
    assert!(
        health.contains(" MB (+") && health.contains(" MB/min)"),
        "{health}"
    );
    let mut streamlinks = wait_streamlink(pid).await;

    // A spike becomes a moment.
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["KEYWORD BURST at", "EMOTE SPAM at"]).await;

    // The encoder crashes while the channel stays live: streamlink ends, and the stream's
    // freeze is said. No part starts while it sends nothing (each restart of streamlink left
    // a tiny part of old segments).
    src.kill_encoder().await;
    // Said after three stall spans of the freeze (60 s at the default 20 s).
    let stalled = run
        .expect_within(&["Recording STALLED: "], Duration::from_secs(150))
        .await;
    assert!(stalled.contains("no new video"), "{stalled}");
    src.restart_encoder().await.unwrap();

    // The new encoder's video goes into part 2, from its first segment; a donation is a
    // moment on it.
    let part2 = run
        .expect_within(&["(part 2: "], Duration::from_secs(40))
        .await;
    assert!(part2.contains("_p2.ts"), "{part2}");
    run.expect_within(&["sends new video again"], Duration::from_secs(20))
        .await;
    streamlinks.extend(streamlinks_of(pid));
    // Two health lines (8 s): the donation's 6 s pre-roll is in part 3 even on a busy host.
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;
    c.kicks("donor", 1000, "gg");
    run.expect("DONATION at").await;
    // Its window's end (4 s after) is recorded a few seconds later.
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;

    // Offline: the stream ends, the recording stops, every moment is clipped.
    src.end_stream().await;
    c.set_offline();
    run.expect("Stream went offline.").await;
    run.expect_within(&["Recording stopped: offline"], Duration::from_secs(30))
        .await;
    let clipping = run.expect("ended: clipping 2 moments, best first").await;
    assert!(clipping.contains("Recording of session 1 "), "{clipping}");
    let mut clips = Vec::new();
    for i in 1..=2 {
        let line = run
            .expect_within(
                &[&format!("[{i}/2] Clip of moment #")],
                Duration::from_secs(30),
            )
            .await;
        assert!(line.contains(" ready"), "{line}");
        // The donation's window is in one clean part (the chat moment's spans the encoder's
        // crash, so it may come out short).
        if line.contains("moment #2 ") {
            assert!(!line.contains("short"), "{line}");
        }
        clips.push(line);
    }
    streamlinks.sort_unstable();
    streamlinks.dedup();

    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    println!("{}", lines.join("\n"));
    for p in &streamlinks {
        assert!(!alive(*p), "streamlink {p} outlived kicktui");
    }
    assert!(children_of(pid).is_empty());
    let data = dir.path().join("data");
    let noted = std::fs::read_to_string(data.join("recordings/.children")).unwrap_or_default();
    assert!(noted.trim().is_empty(), "children still noted: {noted}");

    // The report waited for the clips: it says where each one is.
    let report = std::fs::read_to_string(data.join("reports/clavicular_session001.md")).unwrap();
    assert_eq!(report.matches("/data/clips/").count(), 2, "{report}");
    assert!(!report.contains("not cut yet"), "{report}");

    let db = db(&data);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE id = 1 AND ended_at IS NOT NULL \
             AND recording_path LIKE '%_p1.ts'"
        ),
        1
    );
    let mut stmt = db
        .prepare("SELECT part, path, ended_at, status FROM recordings WHERE session_id = 1")
        .unwrap();
    let parts: Vec<(i64, String, Option<String>, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Part 1 before the freeze, part 2 after it: nothing between.
    assert_eq!(parts.len(), 2, "{parts:?}");
    for (part, path, ended, _) in &parts {
        assert!(ended.is_some(), "part {part} not ended: {parts:?}");
        assert!(Path::new(path).exists(), "{path}");
    }
    let mut stmt = db
        .prepare("SELECT id, clip_status, clip_path FROM moments WHERE session_id = 1")
        .unwrap();
    let moments: Vec<(i64, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(moments.len(), 2, "{moments:?}");
    for (id, status, path) in &moments {
        let path = path
            .as_deref()
            .unwrap_or_else(|| panic!("moment {id} ({status}) has no clip"));
        assert!(matches!(status.as_str(), "done" | "short"), "{moments:?}");
        let d = duration_of(Path::new(path));
        assert!(d > 4.0, "moment {id}: a {d} s clip");
        assert!(Path::new(&format!("{path}.done")).exists(), "on_ready ran");
    }
    // Each clip is one line of kicktui.log, in the words printed (the clipper's own line
    // made it two).
    let log = std::fs::read_to_string(data.join("kicktui.log")).unwrap_or_default();
    for (id, ..) in &moments {
        let about = log
            .lines()
            .filter(|l| l.contains(&format!("Clip of moment #{id} ready")))
            .count();
        assert_eq!(about, 1, "moment {id}:\n{log}");
    }
    assert!(!log.contains("Clip ready: "), "{log}");
    src.stop().await;
    println!("live_record: {:.1} s", started.elapsed().as_secs_f64());
}

/// Killed mid-stream and started again while the stream is live: the recording goes on in
/// the same session with the next part number, and at the stream's end the moments from
/// before the crash are clipped from the first run's part, those after it from the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_a_crash_records_on_and_clips_both_runs_moments() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let hls = tempfile::tempdir().unwrap();
    let mut src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.health_interval_seconds = 2;
    cfg.moments.event_pre_roll_seconds = 4;
    cfg.moments.event_post_roll_seconds = 2;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    go_live_and_record(&mut run, &c, &src).await;
    run.expect("Recording health:").await;
    c.kicks("donor", 1000, "before");
    run.expect("DONATION at").await;
    // Its window's end is on disk a few seconds later.
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;
    let (_, _, dir) = run.stop("KILL").await;

    let mut next = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("Session 1 goes on").await;
    let part = next.expect("Recording to:").await;
    assert!(
        part.contains("_s001_")
            && part.contains("_p2.ts (part 2: kicktui was restarted after a crash)"),
        "{part}"
    );
    next.expect("Recording health:").await;
    c.kicks("donor", 1000, "after");
    next.expect("DONATION at").await;
    next.expect("Recording health:").await;
    next.expect("Recording health:").await;
    src.end_stream().await;
    c.set_offline();
    next.expect("ended: clipping 2 moments").await;
    for i in 1..=2 {
        let line = next
            .expect_within(&[&format!("[{i}/2] Clip of moment #")], LIMIT * 2)
            .await;
        assert!(line.contains(" ready"), "{line}");
    }
    next.expect("# Stream report: clavicular (session 1)").await;
    let (status, lines, dir) = next.stop("TERM").await;
    assert!(status.success(), "{}", lines.join("\n"));
    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM recordings WHERE session_id = 1 AND part IN (1, 2)"
        ),
        2
    );
    let mut stmt = db
        .prepare("SELECT clip_status, clip_path FROM moments WHERE session_id = 1 ORDER BY id")
        .unwrap();
    let clips: Vec<(String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(clips.len(), 2, "{clips:?}");
    for (status, path) in &clips {
        assert_eq!(status, "done", "{clips:?}");
        let d = duration_of(Path::new(path.as_deref().unwrap()));
        assert!(d > 4.0, "a {d} s clip: {clips:?}");
    }
    src.stop().await;
}
