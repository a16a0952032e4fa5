//! The real binary with the real programs: `kicktui CHANNEL --headless` against the fake Kick,
//! recording a local live HLS stream with streamlink. Go live → recording and health lines →
//! a chat spike becomes a moment → the encoder crashes while the channel is live → a new part
//! → a donation moment → offline → every moment is clipped → SIGTERM → exit 0, no child left.

mod support;

use std::path::Path;
use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeControl, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run, count, db, test_config};
use tokio::time::timeout;

/// Every process whose parent is `pid`, with its command line.
fn children_of(pid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            let cmd = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            out.push((child, String::from_utf8_lossy(&cmd).replace('\0', " ")));
        }
    }
    out
}

fn streamlinks_of(pid: u32) -> Vec<u32> {
    children_of(pid)
        .into_iter()
        .filter(|(_, cmd)| cmd.contains("streamlink"))
        .map(|(p, _)| p)
        .collect()
}

/// The children of `pid` whose command line matches, once there are `n` of them: a child
/// just spawned shows an empty command line until its exec is done.
async fn wait_children(pid: u32, n: usize, matches: impl Fn(&str) -> bool) -> Vec<u32> {
    let found = || -> Vec<u32> {
        children_of(pid)
            .into_iter()
            .filter(|(_, cmd)| matches(cmd))
            .map(|(p, _)| p)
            .collect()
    };
    let wait = async {
        loop {
            let now = found();
            if now.len() >= n {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let got = timeout(LIMIT, wait).await.unwrap_or_else(|_| found());
    assert_eq!(got.len(), n, "{:?}", children_of(pid));
    got
}

async fn wait_streamlink(pid: u32) -> Vec<u32> {
    wait_children(pid, 1, |cmd| cmd.contains("streamlink")).await
}

fn alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z")
}

/// Chat connected and the local stream up, the channel goes live and recording starts.
async fn go_live_and_record(run: &mut Run, c: &FakeControl, src: &HlsSource) {
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    c.set_live("Ranked");
    run.expect("Recording to:").await;
}

fn duration_of(path: &Path) -> f64 {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration"])
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "ffprobe {}", path.display());
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

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
