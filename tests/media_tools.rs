//! Missing programs and bad requests give clear errors, never a panic; children die with us.

mod media_support;

use std::process::Command;
use std::time::Duration;

use kicktui::media::{MediaError, RecState, Recorder, SessionInfo, StopReason, Tools};
use kicktui::store::{NewRecording, NewSession, RecordingUpdate, StoreWriter, WriteOp};
use kicktui::time::wall_now;
use media_support::*;

#[tokio::test]
async fn missing_streamlink_stops_the_recorder_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config("hls://http://127.0.0.1:9/live.m3u8", tmp.path());
    cfg.streamlink = "/nonexistent/streamlink".into();
    let (_live, check) = live_switch();
    let mut rec = Recorder::start(cfg, SessionInfo { id: 1 }, None, check);
    let st = tokio::time::timeout(Duration::from_secs(5), rec.finished())
        .await
        .expect("stops at once");
    let RecState::Stopped(StopReason::ToolMissing(msg)) = &st.state else {
        panic!("{:?}", st.state);
    };
    assert!(
        msg.contains("streamlink not found") && msg.contains("pip install"),
        "{msg}"
    );
    assert!(st.parts.is_empty());
}

#[tokio::test]
async fn streamlink_check() {
    let v = kicktui::media::probe::check_streamlink("streamlink")
        .await
        .unwrap();
    assert!(v.starts_with("streamlink "), "{v}");
    let err = kicktui::media::probe::check_streamlink("/nonexistent/streamlink")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("pip install streamlink"), "{err}");
}

#[tokio::test]
async fn missing_ffmpeg_is_named() {
    let tools = Tools {
        ffmpeg: "/nonexistent/ffmpeg".into(),
        ffprobe: "ffprobe".into(),
    };
    let err = tools.check().await.unwrap_err();
    assert!(matches!(
        err,
        MediaError::ToolMissing { tool: "ffmpeg", .. }
    ));
    assert!(err.to_string().contains("ffmpeg not found"), "{err}");
}

fn kicktui(args: &[&str], data: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("KICKTUI_CONFIG")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn clip_command_errors_are_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let db = kicktui::store::db_path(data);
    let writer = StoreWriter::spawn(&db).unwrap();
    let h = writer.handle();
    let t = wall_now();
    // Three streams (each its own start: sessions of one stream share their recordings).
    let session = h.open_session_blocking(live_session(t)).unwrap();
    let empty = h
        .open_session_blocking(live_session(t.plus_ms(-7_200_000)))
        .unwrap();
    let rec_path = data.join("rec.ts");
    std::fs::write(&rec_path, b"not really a recording").unwrap();
    h.send_blocking(WriteOp::StartRecording(NewRecording {
        session_id: session,
        part: 1,
        path: rec_path.to_string_lossy().into_owned(),
        started_at: t,
    }))
    .unwrap();
    // A third session whose part has bytes (so ffprobe is asked about it).
    let probed = h
        .open_session_blocking(live_session(t.plus_ms(-3_600_000)))
        .unwrap();
    let id = h
        .send_blocking(WriteOp::StartRecording(NewRecording {
            session_id: probed,
            part: 1,
            path: rec_path.to_string_lossy().into_owned(),
            started_at: t,
        }))
        .unwrap();
    h.send_blocking(WriteOp::UpdateRecording(RecordingUpdate {
        id,
        first_byte_at: Some(t),
        ..Default::default()
    }))
    .unwrap();
    drop(h);
    writer.shutdown().unwrap();

    let (ok, err) = kicktui(&["clip", "--session", "99", "--start", "0:01:00"], data);
    assert!(!ok && err.contains("no session 99"), "{err}");
    let (ok, err) = kicktui(&["clip", "--moment", "42"], data);
    assert!(!ok && err.contains("no moment 42"), "{err}");
    // `--failed` alone is told what it lacks, not every form's arguments.
    let (ok, err) = kicktui(&["clip", "--failed"], data);
    assert!(!ok && err.contains("  --pending"), "{err}");
    assert!(
        !err.contains("  --session") && !err.contains("  --start"),
        "{err}"
    );
    // With another form it was ignored in silence: `--failed` is --pending's.
    for other in [
        &["--moment", "42"][..],
        &["--session", "99", "--start", "1:00"],
    ] {
        let args = [&["clip", "--failed"][..], other].concat();
        let (ok, err) = kicktui(&args, data);
        assert!(
            !ok && err.contains("'--failed' cannot be used with"),
            "{err}"
        );
    }
    let s = empty.to_string();
    let (ok, err) = kicktui(&["clip", "--session", &s, "--start", "1:00"], data);
    assert!(!ok && err.contains("has no recording"), "{err}");
    let s = session.to_string();
    let (ok, err) = kicktui(&["clip", "--session", &s, "--start", "x"], data);
    assert!(!ok && err.contains("--start"), "{err}");
    // The part has no first byte stamped: nothing covers any time.
    let (ok, err) = kicktui(&["clip", "--session", &s, "--start", "0:00:05"], data);
    assert!(!ok && err.contains("no recording of session"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let cfg = data.join("config.toml");
    std::fs::write(&cfg, "[recorder]\nffprobe = \"/nonexistent/ffprobe\"\n").unwrap();
    let c = cfg.to_string_lossy().into_owned();
    let s = probed.to_string();
    let args = [
        "clip",
        "--session",
        &s,
        "--start",
        "0:00:05",
        "--config",
        &c,
    ];
    let (ok, err) = kicktui(&args, data);
    assert!(!ok && err.contains("ffprobe not found"), "{err}");
}

/// A part whose file lost its end after its sidecar was written (a truncated copy): a clip
/// past what is left fails and leaves no empty .mp4 behind.
#[test]
fn a_clip_with_no_video_in_it_is_an_error_not_an_empty_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let rec = data.join("rec.ts");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=10",
        ])
        .args(["-t", "6", "-c:v", "libx264", "-g", "10", "-f", "mpegts"])
        .arg(&rec)
        .status()
        .unwrap();
    assert!(made.success());
    let bytes = std::fs::read(&rec).unwrap();
    std::fs::write(&rec, &bytes[..188 * 20]).unwrap();
    let meta = r#"{"content_s": 60.0, "lead_s": 0.0, "target_duration": 2.0}"#;
    std::fs::write(data.join("rec.ts.json"), meta).unwrap();
    let session = one_recorded_part(data, &rec, 60_000);
    let s = session.to_string();
    let args = [
        "clip",
        "--session",
        &s,
        "--start",
        "0:00:30",
        "--duration",
        "5",
    ];
    let (ok, err) = kicktui(&args, data);
    assert!(!ok && err.contains("holds no video"), "{err}");
    let clips: Vec<_> = std::fs::read_dir(data.join("clips"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(clips.is_empty(), "nothing left in clips/: {clips:?}");
}

/// `--start` names the file after the window it was asked for (`…_0-00-07_4s.mp4`: 4 s from
/// 0:00:07); the cut starts at the keyframe before it, so the file is longer, and the command
/// says how long it really is and why (the name alone said 4 s of a 6.7 s file).
#[test]
fn a_cut_by_offset_says_its_real_length_beside_the_name_of_its_window() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let rec = data.join("rec.ts");
    // A keyframe every 5 s: 0:00:07 is cut from the one at 0:00:05.
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi"])
        .args(["-i", "testsrc2=size=160x120:rate=10"])
        .args(["-t", "20", "-c:v", "libx264", "-g", "50", "-f", "mpegts"])
        .arg(&rec)
        .status()
        .unwrap();
    assert!(made.success());
    let meta = r#"{"content_s": 20.0, "lead_s": 0.0, "target_duration": 2.0}"#;
    std::fs::write(data.join("rec.ts.json"), meta).unwrap();
    let session = one_recorded_part(data, &rec, 20_000);
    let s = session.to_string();
    let args = ["clip", "--session", &s, "--start", "0:00:07"];
    let out = Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .args(args)
        .args(["--duration", "4", "--data-dir"])
        .arg(data)
        .env_remove("KICKTUI_CONFIG")
        .output()
        .unwrap();
    let (path, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{err}");
    assert!(path.trim().ends_with("_0-00-07_4s.mp4"), "{path}");
    // 2 s before the window, and (a copy cuts at whole packets) a little past its end.
    let cut: f64 = err
        .split_once("cut ")
        .and_then(|(_, r)| r.split_once(" s: it starts 2.0 s before the asked start"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!((6.0..7.5).contains(&cut), "{err}");
}

/// A session with one finished part at `rec`, recorded for `ms` from an hour ago.
fn one_recorded_part(data: &std::path::Path, rec: &std::path::Path, ms: i64) -> i64 {
    let writer = StoreWriter::spawn(&kicktui::store::db_path(data)).unwrap();
    let h = writer.handle();
    let t = wall_now().plus_ms(-3_600_000);
    let session = h.open_session_blocking(live_session(t)).unwrap();
    let id = h
        .send_blocking(WriteOp::StartRecording(NewRecording {
            session_id: session,
            part: 1,
            path: rec.to_string_lossy().into_owned(),
            started_at: t,
        }))
        .unwrap();
    h.send_blocking(WriteOp::UpdateRecording(RecordingUpdate {
        id,
        first_byte_at: Some(t),
        ended_at: Some(t.plus_ms(ms)),
        ..Default::default()
    }))
    .unwrap();
    drop(h);
    writer.shutdown().unwrap();
    session
}

fn live_session(t: kicktui::domain::Ts) -> NewSession {
    NewSession {
        channel: "c".into(),
        platform: "kick".into(),
        started_at: t,
        title: None,
        stream_started_at: Some(t),
        stream_id: None,
    }
}
