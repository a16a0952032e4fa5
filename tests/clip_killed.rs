//! `kill -9` of `kicktui clip` mid-cut: its ffmpeg must not run on, and the `.mp4.part` it
//! left goes with the next `kicktui clip`, while a cut a running kicktui holds stays.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kicktui::store::{NewRecording, NewSession, RecordingUpdate, StoreWriter, WriteOp};
use kicktui::time::wall_now;

/// A real 20 s recording stored as part 1 of a session that went live an hour ago; the
/// session's id.
fn recorded_session(data: &Path) -> i64 {
    let rec = data.join("rec.ts");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg("testsrc2=size=160x120:rate=10")
        .args(["-t", "20", "-c:v", "libx264", "-g", "20", "-f", "mpegts"])
        .arg(&rec)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = StoreWriter::spawn(&kicktui::store::db_path(data)).unwrap();
    let h = writer.handle();
    let t = wall_now().plus_ms(-3_600_000);
    let session = h
        .open_session_blocking(NewSession {
            channel: "c".into(),
            platform: "kick".into(),
            started_at: t,
            title: None,
            stream_started_at: Some(t),
            stream_id: None,
        })
        .unwrap();
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
        pdt_first_at: Some(t),
        ended_at: Some(t.plus_ms(20_000)),
        bytes: Some(std::fs::metadata(&rec).unwrap().len()),
        status: Some("ended".into()),
    }))
    .unwrap();
    drop(h);
    writer.shutdown().unwrap();
    session
}

/// An ffmpeg that writes a little of its output and then never ends (a slow cut), saying
/// its pid in `pid_file`.
fn hanging_ffmpeg(dir: &Path, pid_file: &Path) -> PathBuf {
    let path = dir.join("ffmpeg");
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = -version ] && exec ffmpeg -version\n\
         for a; do out=$a; done\necho $$ > '{}'\nprintf partial > \"$out\"\n\
         while :; do sleep 0.1; done\n",
        pid_file.display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Stops the fake ffmpeg's group when the test ends, pass or fail.
struct StopGroup(i32);

impl Drop for StopGroup {
    fn drop(&mut self) {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(self.0),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

fn alive(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z")
}

fn part_files(clips: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(clips)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".part"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_killed_clip_leaves_no_ffmpeg_and_its_part_goes_next_time() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let session = recorded_session(&data).to_string();
    let pid_file = tmp.path().join("ffmpeg.pid");
    let fake = hanging_ffmpeg(tmp.path(), &pid_file);
    let cfg = tmp.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!("[recorder]\nffmpeg = \"{}\"\n", fake.display()),
    )
    .unwrap();
    let clip = |start: &str, config: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kicktui"));
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        cmd.args(["clip", "--session", &session, "--start", start])
            .args(["--duration", "4", "--data-dir"])
            .arg(&data)
            .env_remove("KICKTUI_CONFIG");
        cmd
    };

    let mut killed = clip("0:00:02", Some(&cfg))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let ffmpeg = loop {
        let pid = std::fs::read_to_string(&pid_file).unwrap_or_default();
        if let Ok(pid) = pid.trim().parse::<i32>() {
            break pid;
        }
        assert!(Instant::now() < deadline, "the cut never started");
        std::thread::sleep(Duration::from_millis(50));
    };
    let _stop = StopGroup(ffmpeg);
    killed.kill().unwrap();
    killed.wait().unwrap();
    let killed_at = Instant::now();
    while alive(ffmpeg) && killed_at.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !alive(ffmpeg),
        "ffmpeg {ffmpeg} still runs 5 s after kicktui was killed"
    );
    let clips = data.join("clips");
    let left = part_files(&clips);
    assert_eq!(left.len(), 1, "{left:?}");

    // A cut a running kicktui is making (it holds its .part) must survive the cleanup.
    let running = clips.join("c_s001_running.mp4.part");
    let held = std::fs::File::create(&running).unwrap();
    let held = nix::fcntl::Flock::lock(held, nix::fcntl::FlockArg::LockExclusive).unwrap();

    let out = clip("0:00:10", None).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("removed 1 unfinished .part file"), "{err}");
    assert_eq!(
        part_files(&clips),
        vec!["c_s001_running.mp4.part".to_string()]
    );
    // Nothing but clips and the running cut's file: no note of children left among them.
    let mut names: Vec<String> = std::fs::read_dir(&clips)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".mp4"))
        .collect();
    names.sort();
    assert_eq!(names, vec!["c_s001_running.mp4.part".to_string()]);
    drop(held);
}
