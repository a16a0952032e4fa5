//! Shared by the media tests: configs pointing at a local live HLS source, waiting on the
//! recorder's status with a deadline, and ffprobe checks of clips against wall-clock stamps.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kicktui::media::hls_source::stamped_wall_time;
use kicktui::media::{
    ClipperConfig, LiveCheck, RecState, Recorder, RecorderConfig, RecorderHandle, RecordingStatus,
    SessionInfo, Tools,
};
use kicktui::time::Ts;
use tokio::sync::watch;

pub fn config(url: &str, data_dir: &Path) -> RecorderConfig {
    RecorderConfig {
        streamlink: "streamlink".into(),
        ffprobe: "ffprobe".into(),
        url: url.into(),
        recordings_dir: data_dir.join("recordings"),
        channel: "testchan".into(),
        stall_floor: Duration::from_secs(20),
        stop_grace: Duration::from_secs(5),
        restart_live_edge: 99,
        max_backoff: Duration::from_secs(4),
        min_growth_mb_per_min: 0.5,
        extra_args: Vec::new(),
        latest_url: Default::default(),
    }
}

/// A clipper of session 1 into `data_dir/clips`, no hook.
pub fn clipper_config(data_dir: &Path) -> ClipperConfig {
    ClipperConfig {
        tools: Tools {
            ffmpeg: "ffmpeg".into(),
            ffprobe: "ffprobe".into(),
        },
        clips_dir: data_dir.join("clips"),
        channel: "testchan".into(),
        session_id: 1,
        on_ready: Vec::new(),
        max_wait: Duration::from_secs(30),
    }
}

/// Records `url` (session 1, no store) until part 1 holds `content_s` seconds of video.
pub async fn record_until(
    url: &str,
    data_dir: &Path,
    check: LiveCheck,
    content_s: f64,
) -> (RecorderHandle, watch::Receiver<RecordingStatus>) {
    let rec = Recorder::start(config(url, data_dir), SessionInfo { id: 1 }, None, check);
    let mut rx = rec.status();
    wait_for(&mut rx, Duration::from_secs(30), "recording", |s| {
        s.state == RecState::Recording && s.parts.first().is_some_and(|p| p.content_s >= content_s)
    })
    .await;
    (rec, rx)
}

/// A live switch the test flips; the recorder reads it when streamlink exits.
pub fn live_switch() -> (Arc<AtomicBool>, LiveCheck) {
    let flag = Arc::new(AtomicBool::new(true));
    let f = flag.clone();
    let check: LiveCheck = Arc::new(move || {
        let v = f.load(Ordering::SeqCst);
        Box::pin(async move { v })
    });
    (flag, check)
}

/// Waits until `pred` holds, or panics with the last status after `timeout`.
pub async fn wait_for(
    rx: &mut watch::Receiver<RecordingStatus>,
    timeout: Duration,
    what: &str,
    pred: impl FnMut(&RecordingStatus) -> bool,
) -> RecordingStatus {
    let got = tokio::time::timeout(timeout, rx.wait_for(pred))
        .await
        .ok()
        .and_then(|r| r.ok().map(|st| st.clone()));
    match got {
        Some(st) => st,
        None => panic!("timed out waiting for {what}: {:#?}", *rx.borrow()),
    }
}

/// Decoded video frames in presentation order: (pts seconds, md5 of the picture).
fn frames(path: &Path) -> Vec<(f64, String)> {
    // A recording may still be growing: both tools read one copy of it, or they count
    // different frames (210 and 239, once, on a loaded machine).
    let ext = path
        .extension()
        .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
    let copy = tempfile::Builder::new().suffix(&ext).tempfile().unwrap();
    std::fs::copy(path, copy.path()).unwrap();
    let path = copy.path();
    let pts = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "frame=pts_time",
        ])
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let md5 = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-map", "0:v:0", "-f", "framemd5", "-"])
        .output()
        .unwrap();
    let pts: Vec<f64> = String::from_utf8_lossy(&pts.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    let hashes: Vec<String> = String::from_utf8_lossy(&md5.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit(',').next().map(|h| h.trim().to_string()))
        .collect();
    assert_eq!(pts.len(), hashes.len(), "{}", path.display());
    pts.into_iter().zip(hashes).collect()
}

/// The wall time of a clip's first and last video frames: the same pictures are found in
/// the recordings, whose timestamps carry the encoder's wall clock.
pub fn clip_wall_range(clip: &Path, recordings: &[&Path], near: Ts) -> (Ts, Ts) {
    let clip_frames = frames(clip);
    let first = &clip_frames.first().unwrap().1;
    let last = &clip_frames.last().unwrap().1;
    let mut found = (None, None);
    for rec in recordings {
        for (pts, hash) in frames(rec) {
            if &hash == first && found.0.is_none() {
                found.0 = Some(stamped_wall_time(pts, near));
            }
            if &hash == last {
                found.1 = Some(stamped_wall_time(pts, near));
            }
        }
    }
    (
        found.0.expect("first frame found"),
        found.1.expect("last frame found"),
    )
}

pub fn duration_of(path: &Path) -> f64 {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// Polls for a file that a background command creates.
pub async fn wait_file(path: &str, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if Path::new(path).exists() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A store in `data` (made here) with one open session of `testchan`: the writer (keep it
/// while recording), its handle and the session's id.
pub async fn store_with_session(
    data: &Path,
) -> (
    kicktui::store::StoreWriter,
    kicktui::store::StoreHandle,
    i64,
) {
    std::fs::create_dir_all(data).unwrap();
    let writer = kicktui::store::StoreWriter::spawn(&kicktui::store::db_path(data)).unwrap();
    let store = writer.handle();
    let session = store
        .open_session(kicktui::store::NewSession {
            channel: "testchan".into(),
            platform: "kick".into(),
            started_at: kicktui::time::wall_now(),
            title: None,
            stream_started_at: None,
            stream_id: None,
        })
        .await
        .unwrap();
    (writer, store, session)
}
