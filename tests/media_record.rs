//! The whole media path with the real programs on a local live stream: go live → recording
//! grows → clip a moment (it waits for its window) → the encoder crashes while the channel is
//! still "live" → a new part starts → `kicktui clip` ahead of the recording waits → the channel
//! goes offline → every moment is clipped → `kicktui clip` through the binary.

mod media_support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use kicktui::domain::{Moment, MomentSource, TriggerType};
use kicktui::media::hls_source::HlsSource;
use kicktui::media::{
    ClipEvent, ClipRequest, ClipState, Clipper, ClipperConfig, PartEnd, RecState, Recorder,
    SessionInfo, StopReason, Tools,
};
use kicktui::store::{ClipStatus, MomentOrder, MomentQuery, NewSession, Store, StoreWriter};
use kicktui::time::{Ts, wall_now};
use media_support::*;
use tokio::sync::mpsc::UnboundedReceiver;

fn moment(at: Ts, before: f64, after: f64, score: f64) -> Moment {
    Moment {
        at,
        offset_s: 0.0,
        trigger_type: TriggerType::Manual,
        triggers: Vec::new(),
        score,
        source: MomentSource::Manual,
        clip_start: at.plus_secs(-before),
        clip_end: at.plus_secs(after),
    }
}

/// Waits for a job's final state, collecting every state it went through.
async fn until_final(events: &mut UnboundedReceiver<ClipEvent>, job: u64) -> Vec<ClipState> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, events.recv()).await {
        if ev.job == job {
            let fin = ev.state.is_final();
            seen.push(ev.state);
            if fin {
                return seen;
            }
        }
    }
    panic!("job {job} did not finish: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_stream_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src_dir = tmp.path().join("hls");
    std::fs::create_dir_all(&src_dir).unwrap();
    let db = kicktui::store::db_path(&data);
    std::fs::create_dir_all(&data).unwrap();
    let writer = StoreWriter::spawn(&db).unwrap();
    let store = writer.handle();

    let mut src = HlsSource::start(&src_dir, "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let live_at = wall_now();
    let session = store
        .open_session(NewSession {
            channel: "testchan".into(),
            platform: "kick".into(),
            started_at: live_at,
            title: None,
            stream_started_at: Some(live_at),
            stream_id: None,
        })
        .await
        .unwrap();
    let (live, check) = live_switch();
    let cfg = config(&src.url(), &data);
    let rec = Recorder::start(cfg, SessionInfo { id: session }, Some(store.clone()), check);
    let mut rx = rec.status();

    // Recording grows, and health reports MB/min.
    let st = wait_for(&mut rx, Duration::from_secs(20), "10 s recorded", |s| {
        s.state == RecState::Recording
            && s.mb_per_min > 0.0
            && s.parts.first().is_some_and(|p| p.content_s >= 10.0)
    })
    .await;
    assert!(st.parts[0].pdt_first.is_some(), "PDT read from the log");
    let line = st.health_line();
    assert!(
        line.starts_with("Recording health: ") && line.contains(" MB/min)"),
        "{line}"
    );
    // 300k + 32k ≈ 2.6 MB/min on disk; the first write is a burst, so allow a wide range.
    assert!((0.5..15.0).contains(&st.mb_per_min), "{}", st.mb_per_min);

    // `c` on a moment whose window is not recorded yet: it waits, then is cut.
    let tools = Tools {
        ffmpeg: "ffmpeg".into(),
        ffprobe: "ffprobe".into(),
    };
    let ccfg = ClipperConfig {
        tools: tools.clone(),
        clips_dir: data.join("clips"),
        channel: "testchan".into(),
        session_id: session,
        on_ready: vec!["touch".into(), "{path}.uploaded".into()],
        max_wait: Duration::from_secs(60),
    };
    let (clipper, mut events) = Clipper::start(ccfg, Some(store.clone()), rec.status());
    let m1 = moment(wall_now().plus_secs(-2.0), 8.0, 4.0, 5.0);
    let m1_id = store.insert_moment(session, &m1).await.unwrap();
    let mut req = ClipRequest::window(m1.clip_start, m1.clip_end);
    req.moment_id = Some(m1_id);
    // When the recorder reports the window's end as recorded (a segment completed past it).
    let mut rx2 = rec.status();
    let window_end = m1.clip_end;
    let recorded = tokio::spawn(async move {
        let _ = rx2
            .wait_for(|s| s.newest_content().is_some_and(|t| t >= window_end))
            .await;
        Instant::now()
    });
    let job = clipper.clip(req);
    let states = until_final(&mut events, job).await;
    let lag = Instant::now() - recorded.await.unwrap();
    println!(
        "clip ready {:.3} s after its window was recorded",
        lag.as_secs_f64()
    );
    // Not a speed check (that is the bench): the wait ends when the window is recorded.
    assert!(lag < Duration::from_secs(10), "{lag:?}");
    assert!(states.contains(&ClipState::Waiting), "{states:?}");
    let ClipState::Ready { path, duration } = states.last().unwrap().clone() else {
        panic!("{states:?}");
    };
    let ready_at = wall_now();
    // Snapped back to the keyframe before the start: at most one GOP (2 s) longer.
    assert!((12.0..14.5).contains(&duration), "{duration}");
    assert!((0.0..duration + 0.1).contains(&duration_of(&path)));
    let part1 = rec.status().borrow().parts[0].path.clone();
    let (first, last) = clip_wall_range(&path, &[&part1], m1.at);
    let start_err = first.secs_since(m1.clip_start);
    let end_err = last.secs_since(m1.clip_end);
    assert!(
        (-2.6..0.6).contains(&start_err),
        "clip starts {start_err:+.2} s off"
    );
    assert!(
        (-0.7..0.6).contains(&end_err),
        "clip ends {end_err:+.2} s off"
    );
    // The file itself is 2–7 s behind the wall clock (live edge and segment length).
    assert!(
        ready_at.secs_since(m1.clip_end) < 12.0,
        "ready {:.1} s after its window",
        ready_at.secs_since(m1.clip_end)
    );

    // The encoder crashes while the channel is still live: streamlink ends, part 2 starts.
    let crash_at = wall_now();
    src.kill_encoder().await;
    wait_for(&mut rx, Duration::from_secs(20), "part 1 to end", |s| {
        s.parts[0].end.is_some()
    })
    .await;
    src.restart_encoder().await.unwrap();
    let restart_at = wall_now();
    let st = wait_for(
        &mut rx,
        Duration::from_secs(40),
        "a new part with new content",
        |s| {
            s.parts.len() >= 2
                && s.state == RecState::Recording
                && s.parts
                    .last()
                    .unwrap()
                    .content_end()
                    .is_some_and(|e| e.secs_since(restart_at) > 10.0)
        },
    )
    .await;
    // The encoder's crash left the playlist without new segments: streamlink ended for want
    // of them. The restart began at the newest segment still listed (stale, before the
    // crash), then met the new encoder's discontinuity and rotated; or, on a loaded machine,
    // the stale segments had left the playlist and it began on the new encoder's. Either way
    // the newest part starts clean.
    let newest_start = st.parts.last().and_then(|p| p.content_start());
    assert!(
        st.parts
            .iter()
            .any(|p| p.end == Some(PartEnd::Discontinuity))
            || newest_start.is_some_and(|s| s.secs_since(crash_at) > 0.0),
        "{:#?}",
        st.parts
    );
    assert!(
        matches!(st.parts[0].end, Some(PartEnd::NoNewVideo)),
        "{:?}",
        st.parts[0].end
    );

    // `kicktui clip` for a window the recording has not reached yet waits for it, then cuts
    // it whole (it used to fail, or cut it short, at once), while a live run holds the
    // channel (without one, what a kill left cannot grow and is cut at once).
    store.flush().await.unwrap();
    let live_run =
        kicktui::run_lock::acquire(&data, "kick", "testchan", kicktui::run_lock::Role::Watching)
            .unwrap();
    let recorded_to = st.parts.last().unwrap().content_end().unwrap();
    let start = format!("{:.0}", recorded_to.secs_since(live_at) - 2.0);
    let ahead = tokio::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .args(["clip", "--session", &session.to_string(), "--start", &start])
        .args(["--duration", "8", "--data-dir"])
        .arg(&data)
        .env_remove("KICKTUI_CONFIG")
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&ahead.stderr);
    assert!(
        ahead.status.success() && err.contains("waiting for the recording to reach"),
        "{err}"
    );
    assert!(!err.contains("short"), "cut whole once recorded: {err}");
    drop(live_run);

    // A window across the crash is cut from both parts and joined; the outage makes it short.
    let m2 = moment(crash_at, 4.0, restart_at.secs_since(crash_at) + 4.0, 1.0);
    let m2_id = store.insert_moment(session, &m2).await.unwrap();
    // A moment on the new part.
    let newest = st.parts.last().unwrap().content_end().unwrap();
    let m3 = moment(newest.plus_secs(-2.0), 3.0, 1.0, 3.0);
    let m3_id = store.insert_moment(session, &m3).await.unwrap();

    // A moment from before the recording began: nothing covers it.
    let m0 = moment(live_at.plus_secs(-60.0), 10.0, 5.0, 0.5);
    let m0_id = store.insert_moment(session, &m0).await.unwrap();

    // Part 1's final row lost to a database outage (as on a full disk): the recorder writes
    // what it knows of its parts again as it stops.
    store.flush().await.unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE recordings SET status = 'recording', bytes = 0, ended_at = NULL WHERE part = 1",
            [],
        )
        .unwrap();

    // Offline: the stream ends and the channel says so; the recorder stops by itself.
    live.store(false, Ordering::SeqCst);
    src.end_stream().await;
    let st = wait_for(&mut rx, Duration::from_secs(30), "offline", |s| {
        s.is_stopped()
    })
    .await;
    assert_eq!(st.state, RecState::Stopped(StopReason::Offline));
    drop(rec);
    store.flush().await.unwrap();
    let (status, bytes): (String, i64) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT status, bytes FROM recordings WHERE part = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, "no_new_video");
    assert_eq!(bytes as u64, st.parts[0].bytes);

    // End of stream: every moment without a clip is clipped, best first.
    let t0 = Instant::now();
    let queued = clipper.clip_all(&db).await.unwrap();
    assert_eq!(queued, 3, "m1 already has its clip");
    clipper.idle().await;
    println!("clip_all: {queued} clips in {:?}", t0.elapsed());
    store.flush().await.unwrap();
    let rows = Store::open(&db)
        .unwrap()
        .list_moments(&MomentQuery {
            session_id: Some(session),
            order: MomentOrder::Time,
            limit: None,
        })
        .unwrap();
    let status = |id: i64| rows.iter().find(|m| m.id == id).unwrap().clip_status;
    assert_eq!(status(m1_id), ClipStatus::Done);
    assert_eq!(
        status(m2_id),
        ClipStatus::Short,
        "the outage is missing from it"
    );
    assert_eq!(status(m3_id), ClipStatus::Done);
    assert_eq!(status(m0_id), ClipStatus::NoRecording);
    for m in rows.iter().filter(|m| m.id != m0_id) {
        let p = m
            .clip_path
            .as_ref()
            .unwrap_or_else(|| panic!("moment {} has no clip", m.id));
        assert!(std::path::Path::new(p).exists());
    }
    let m3_path = rows
        .iter()
        .find(|m| m.id == m3_id)
        .unwrap()
        .clip_path
        .clone()
        .unwrap();
    assert!(
        wait_file(&format!("{m3_path}.uploaded"), Duration::from_secs(5)).await,
        "on_ready ran"
    );
    let parts = Store::open(&db).unwrap().recordings(session).unwrap();
    assert!(
        parts.len() >= 2 && parts.iter().all(|p| p.ended_at.is_some()),
        "{parts:?}"
    );
    clipper.shutdown().await;
    drop(store);
    writer.shutdown_async().await.unwrap();

    // A part a full disk left unreadable (no sidecar, not media): left out, the rest cuts.
    let junk = data.join("recordings/junk_p99.ts");
    std::fs::write(&junk, b"not a transport stream").unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO recordings (session_id, part, path, started_at, status, \
             first_byte_at, pdt_first_at) \
             SELECT session_id, 99, ?1, started_at, 'interrupted', first_byte_at, pdt_first_at \
             FROM recordings \
             WHERE session_id = ?2 ORDER BY part LIMIT 1",
            rusqlite::params![junk.display().to_string(), session],
        )
        .unwrap();
    let cli_clip = |start: &str, duration: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
            .args(["clip", "--session", &session.to_string()])
            .args(["--start", start, "--duration", duration])
            .arg("--data-dir")
            .arg(&data)
            .env_remove("KICKTUI_CONFIG")
            .output()
            .unwrap()
    };
    // Far more than was recorded: cut, and said to be short.
    let long = cli_clip("0:00:01", "600");
    let err = String::from_utf8_lossy(&long.stderr);
    assert!(
        long.status.success() && err.contains("the clip is short") && err.contains("of 600.0 s"),
        "{err}"
    );
    // Named by what it holds, not by the 600 s asked.
    let name = String::from_utf8_lossy(&long.stdout).trim().to_string();
    assert!(!name.ends_with("_600s.mp4"), "{name}");
    let held: f64 = name
        .rsplit_once('_')
        .and_then(|(_, s)| s.strip_suffix("s.mp4"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{name}"));
    assert!((1.0..600.0).contains(&held), "{name}");
    // A length or start no one means is refused with the rule, not cut or misnamed.
    for (start, duration, says) in [
        ("0:00:01", "0.2", "from 1 to 21600 seconds"),
        ("0:00:01", "999999999999", "from 1 to 21600 seconds"),
        ("1:75", "5", "expected H:MM:SS"),
    ] {
        let bad = cli_clip(start, duration);
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(
            !bad.status.success() && err.contains(says),
            "{start} {duration}: {err}"
        );
    }
    // The CLI cuts from the stored recordings: 5 s at 0:00:01 of the stream (in part 1).
    let out = cli_clip("0:00:01", "5");
    let stdout = String::from_utf8_lossy(&out.stdout);

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clip = std::path::PathBuf::from(stdout.trim());
    let d = duration_of(&clip);
    assert!((5.0..7.5).contains(&d), "{d}");
    let (first, _) = clip_wall_range(&clip, &[&part1], live_at);
    let err = first.secs_since(live_at.plus_secs(1.0));
    assert!(
        (-2.6..0.6).contains(&err),
        "CLI clip starts {err:+.2} s off"
    );

    // A slow on_ready hook is said to be running; stopping kicktui (Ctrl-C, `timeout`, cron)
    // stops the hook too: it is in a process group of its own, and it outlived kicktui.
    let cfg = tmp.path().join("slow_hook.toml");
    std::fs::write(&cfg, "[clips]\non_ready = [\"sleep\", \"47.25\"]\n").unwrap();
    let mut slow = tokio::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(&cfg)
        .args(["clip", "--session", &session.to_string()])
        .args(["--start", "0:00:02", "--duration", "3", "--data-dir"])
        .arg(&data)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(slow.stderr.take().unwrap()));
    let running = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(l)) = lines.next_line().await {
            if l.contains("on_ready sleep: running") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(running, Ok(true), "the hook's wait is said");
    let pid = nix::unistd::Pid::from_raw(slow.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let status = tokio::time::timeout(Duration::from_secs(10), slow.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(143));
    let hook_alive = std::fs::read_dir("/proc").unwrap().flatten().any(|p| {
        std::fs::read(p.path().join("cmdline")).is_ok_and(|c| c.windows(5).any(|w| w == b"47.25"))
    });
    assert!(!hook_alive, "the hook outlived kicktui");
    src.stop().await;
}
