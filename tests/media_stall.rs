//! A hung HTTP server (accepts, never answers) leaves streamlink alive with a file that does
//! not grow: the recorder's watchdog must call it a stall, stop streamlink and start a new part.

mod media_support;

use std::time::{Duration, Instant};

use kicktui::media::hls_source::HlsSource;
use kicktui::media::{PartEnd, RecState, Recorder, SessionInfo, StopReason};
use kicktui::store::Store;
use kicktui::time::wall_now;
use media_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_server_is_a_stall_and_the_recording_restarts() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src_dir = tmp.path().join("hls");
    std::fs::create_dir_all(&src_dir).unwrap();
    let db = kicktui::store::db_path(&data);
    let (writer, store, session) = store_with_session(&data).await;

    let src = HlsSource::start(&src_dir, "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let (_live, check) = live_switch();
    let mut cfg = config(&src.url(), &data);
    // Stall = no growth for max(6 s, 5 × 2 s segments) = 10 s.
    cfg.stall_floor = Duration::from_secs(6);
    let rec = Recorder::start(cfg, SessionInfo { id: session }, Some(store.clone()), check);
    let mut rx = rec.status();
    wait_for(&mut rx, Duration::from_secs(20), "recording", |s| {
        s.state == RecState::Recording && s.parts.first().is_some_and(|p| p.content_s >= 6.0)
    })
    .await;

    src.hang(true);
    let hung = Instant::now();
    let st = wait_for(&mut rx, Duration::from_secs(30), "a stall", |s| {
        s.parts.first().is_some_and(|p| p.end.is_some())
    })
    .await;
    let after = hung.elapsed().as_secs_f64();
    assert_eq!(st.parts[0].end, Some(PartEnd::Stalled), "{st:#?}");
    // The last growth was at most one segment before the hang.
    assert!(
        (7.0..13.0).contains(&after),
        "stall seen after {after:.1} s"
    );
    println!("stall caught {after:.1} s after the server hung");

    src.hang(false);
    let st = wait_for(&mut rx, Duration::from_secs(30), "part 2 recording", |s| {
        s.parts.len() >= 2 && s.state == RecState::Recording
    })
    .await;
    assert!(st.parts[1].bytes > 0);

    let fin = rec.stop().await;
    assert_eq!(fin.state, RecState::Stopped(StopReason::Requested));
    assert_eq!(fin.parts.last().unwrap().end, Some(PartEnd::Stopped));
    assert!(fin.pid.is_none());
    // Stopped with SIGTERM: the last part decodes without an error, but for the segment that
    // was being downloaded at the signal (its tail may be cut mid-frame).
    let last = &fin.parts.last().unwrap().path;
    let whole = duration_of(last);
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-i"])
        .arg(last)
        .args(["-t", &format!("{:.3}", (whole - 2.0).max(0.5))])
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && errors.trim().is_empty(), "{errors}");
    store.flush().await.unwrap();
    let rows = Store::open(&db).unwrap().recordings(session).unwrap();
    assert_eq!(rows[0].status, "stalled");
    assert_eq!(rows.last().unwrap().status, "stopped");
    assert!(
        rows.iter().all(|r| r.ended_at.is_some() && r.bytes > 0),
        "{rows:?}"
    );
    drop(store);
    writer.shutdown_async().await.unwrap();
}

/// The recordings folder deleted by hand mid-stream: the part file is gone, so a new part
/// starts within a poll or two (it took the 75 s a starting streamlink gets, and the video of
/// that time was lost). It is not a stall: the stream is fine, and "Recording STALLED: no
/// growth for 20 s" (an alert too) after 8 s said otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_part_file_starts_a_new_part_at_once() {
    let (tmp, _src, _live, rec) = recording_for(2.0).await;
    let mut rx = rec.status();
    let part = rx.borrow().parts[0].path.clone();
    let dir = part.parent().unwrap().to_path_buf();
    std::fs::remove_dir_all(&dir).unwrap();
    let gone = Instant::now();
    let mut states = Vec::new();
    let st = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            {
                let s = rx.borrow_and_update();
                states.push(s.state.clone());
                if s.parts.len() >= 2 && s.parts[1].bytes > 0 {
                    break s.clone();
                }
            }
            rx.changed().await.unwrap();
        }
    })
    .await
    .expect("part 2 recording");
    let after = gone.elapsed().as_secs_f64();
    assert_eq!(st.parts[0].end, Some(PartEnd::Deleted), "{st:#?}");
    assert!(!states.contains(&RecState::Stalled), "{states:?}");
    assert!(after < 20.0, "a new part after {after:.1} s");
    assert!(st.parts[1].path.exists());
    rec.stop().await;
    drop(tmp);
}

/// A local live stream recorded (no store) until part 1 holds `content_s` seconds; the temp
/// dir, the source, the live switch and the recorder.
async fn recording_for(
    content_s: f64,
) -> (
    tempfile::TempDir,
    HlsSource,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    kicktui::media::RecorderHandle,
) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src_dir = tmp.path().join("hls");
    std::fs::create_dir_all(&src_dir).unwrap();
    let src = HlsSource::start(&src_dir, "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let (live, check) = live_switch();
    let (rec, _) = record_until(&src.url(), &data, check, content_s).await;
    (tmp, src, live, rec)
}

/// The stream ends (its playlist says so) while the platform still says live for a while:
/// the part running when it ended knows (streamlink says `Stream ended`); the recorder waits
/// for the platform instead of copying the ended playlist again and again, and stops once it
/// says offline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_playlist_is_not_copied_again_while_the_platform_lags() {
    let (_tmp, mut src, live, rec) = recording_for(4.0).await;
    let mut rx = playlist_ended(&mut src, &rec).await;
    // The platform lags: no more copies meanwhile.
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(rx.borrow().parts.len(), 1, "{:#?}", rx.borrow().parts);
    live.store(false, std::sync::atomic::Ordering::SeqCst);
    wait_for(&mut rx, Duration::from_secs(15), "stopped: offline", |s| {
        s.state == RecState::Stopped(StopReason::Offline)
    })
    .await;
    src.stop().await;
}

/// The source ends its playlist cleanly; part 1 ends saying so.
async fn playlist_ended(
    src: &mut HlsSource,
    rec: &kicktui::media::RecorderHandle,
) -> tokio::sync::watch::Receiver<kicktui::media::RecordingStatus> {
    let mut rx = rec.status();
    src.end_stream().await;
    let st = wait_for(&mut rx, Duration::from_secs(30), "part 1 to end", |s| {
        s.parts.first().is_some_and(|p| p.end.is_some())
    })
    .await;
    assert_eq!(st.parts[0].end, Some(PartEnd::PlaylistEnded), "{st:#?}");
    rx
}

/// A streamer's reconnect: the playlist ends, the platform rightly stays live, and a new
/// encoder writes the playlist again. The recorder sees the playlist run again and records
/// within seconds, instead of waiting the platform's minute (the demo lost 60 s at 15:00).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_back_after_its_playlist_ended_is_recorded_at_once() {
    let (_tmp, mut src, _live, rec) = recording_for(4.0).await;
    let mut rx = playlist_ended(&mut src, &rec).await;
    let restarted = kicktui::time::wall_now();
    src.restart_encoder().await.unwrap();
    // Well inside the platform's minute; past the old tail and the discontinuity, from the
    // new encoder's first segments (it lost the 8 s queued before the discontinuity), in
    // part 2: no part copies the old tail again (one did, 8 s, rotated at the discontinuity).
    let st = wait_for(
        &mut rx,
        Duration::from_secs(30),
        "the new encoder's part",
        |s| {
            s.state == RecState::Recording
                && s.parts.len() > 1
                && s.parts.last().is_some_and(|p| {
                    p.end.is_none() && p.pdt_first.is_some_and(|t| t.0 >= restarted.0 - 2_000)
                })
        },
    )
    .await;
    assert_eq!(st.parts.len(), 2, "{:#?}", st.parts);
    let part = st.parts.last().unwrap();
    let first = part.content_start().unwrap();
    // From the new encoder's first segments, none of them lost.
    assert!(
        (-2_000..=4_000).contains(&(first.0 - restarted.0)),
        "part {} starts {} ms after the encoder restarted: {:#?}",
        part.part,
        first.0 - restarted.0,
        st.parts
    );
    rec.stop().await;
    src.stop().await;
}

/// The stream's server down for longer than streamlink waits for new segments: the part
/// ends as unreachable, not as a frozen stream, and the restart goes back for the segments
/// the playlist still lists (it started at the newest one: the video made while the server
/// was down, still listed when it came back, was lost).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_down_for_a_while_loses_no_listed_video() {
    let (_tmp, src, _live, rec) = recording_for(4.0).await;
    let mut rx = rec.status();
    src.down(true);
    let st = wait_for(&mut rx, Duration::from_secs(30), "part 1 to end", |s| {
        s.parts.first().is_some_and(|p| p.end.is_some())
    })
    .await;
    assert_eq!(st.parts[0].end, Some(PartEnd::Unreachable), "{st:#?}");
    // Down a while longer: the encoder writes segments no one reads.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let back_at = wall_now();
    src.down(false);
    let st = wait_for(
        &mut rx,
        Duration::from_secs(30),
        "part 2 with content",
        |s| s.parts.get(1).is_some_and(|p| p.content_start().is_some()),
    )
    .await;
    // From the playlist's oldest listed segment (6 of 2 s), not its newest.
    let from = st.parts[1].content_start().unwrap();
    assert!(
        // The newest segment alone would be 2–3.5 s old (its length and the muxer's delay).
        back_at.secs_since(from) > 4.5,
        "part 2 starts {:.1} s before the server was back\n{st:#?}",
        back_at.secs_since(from)
    );
}
