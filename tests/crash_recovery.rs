//! Crash recovery through the binary: kicktui records a live stream and saves a moment, is
//! killed with SIGKILL, and the next start closes the session at its last stored time,
//! finishes the recording row with the file's real size, and cuts the moment that was shown
//! as saved (or `kicktui clip --pending` does, with no restart).

mod support;

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run, count, db, test_config};
use tokio::time::timeout;

fn kicktui(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .output()
        .unwrap()
}

/// Waits until `path` has not grown for a second (at most 15 s).
async fn wait_until_still(path: &std::path::Path) {
    let size = || std::fs::metadata(path).map_or(0, |m| m.len());
    let mut last = (size(), std::time::Instant::now());
    let give_up = std::time::Instant::now() + Duration::from_secs(15);
    while last.1.elapsed() < Duration::from_secs(1) && std::time::Instant::now() < give_up {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = size();
        if now != last.0 {
            last = (now, std::time::Instant::now());
        }
    }
}

/// kicktui recording a live stream of the fake Kick, with a moment saved and its window
/// (2 s after it) on disk.
struct Live {
    kick: FakeKick,
    src: HlsSource,
    hls: tempfile::TempDir,
    cfg: kicktui::config::Config,
    run: Run,
}

async fn live_with_a_saved_moment() -> Live {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let hls = tempfile::tempdir().unwrap();
    let src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.health_interval_seconds = 2;
    cfg.moments.pre_roll_seconds = 3;
    cfg.moments.post_roll_seconds = 2;
    cfg.moments.event_pre_roll_seconds = 3;
    cfg.moments.event_post_roll_seconds = 2;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    c.set_live("Crashy");
    run.expect("Recording to:").await;
    run.expect("Recording health:").await;
    c.kicks("donor", 1000, "gg");
    run.expect("DONATION at").await;
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;
    Live {
        kick,
        src,
        hls,
        cfg,
        run,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_the_next_start_repairs_and_cuts_the_ended_streams_clips() {
    let Live {
        kick,
        mut src,
        hls: _hls,
        cfg,
        run,
    } = live_with_a_saved_moment().await;
    let c = kick.control();

    // kill -9: nothing is closed, nothing finished.
    let (status, _lines, dir) = run.stop("KILL").await;
    assert!(!status.success());
    let data = dir.path().join("data");
    {
        let db = db(&data);
        assert_eq!(
            count(&db, "SELECT count(*) FROM sessions WHERE ended_at IS NULL"),
            1
        );
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM recordings WHERE status = 'recording'"
            ),
            1
        );
    }
    src.end_stream().await;
    c.set_offline();
    // The orphaned streamlink is stopped by kicktui's reaper within moments; the part's size
    // is final once it is gone.
    let part: String = db(&data)
        .query_row(
            "SELECT path FROM recordings WHERE session_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    wait_until_still(std::path::Path::new(&part)).await;

    // The next start repairs, says so, and goes on.
    let mut run = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    let note = run.expect("Recovered after a crash").await;
    assert!(
        note.contains("Recovered after a crash: 1 clip pending (cut at the stream's end")
            && note.contains("; 1 session closed, 1 recording finished"),
        "{note}"
    );
    // The stream ended while kicktui was down: its clip is cut now, then its report saved.
    let note = run.expect("stream ended while kicktui was down").await;
    assert!(note.contains("cutting its 1 pending clip"), "{note}");
    let ready = run.expect("ready").await;
    assert!(ready.contains("Clip of moment #1"), "{ready}");
    run.expect("# Stream report: clavicular (session 1)").await;
    let (status, lines, dir) = run.stop("TERM").await;
    let said = lines.join("\n");
    assert!(said.contains("- Clips: 1"), "{said}");
    assert!(status.success(), "{status}\n{}", lines.join("\n"));

    let data = dir.path().join("data");
    {
        let db = db(&data);
        let (path, bytes): (String, i64) = db
            .query_row(
                "SELECT path, bytes FROM recordings WHERE session_id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let on_disk = std::fs::metadata(&path).unwrap().len() as i64;
        assert!(bytes > 0 && bytes == on_disk, "{bytes} vs {on_disk}");
        // Closed at its last stored row, not at the restart.
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM sessions WHERE id = 1 AND ended_at IS NOT NULL \
                 AND ended_at >= (SELECT max(at) FROM moments WHERE session_id = 1)"
            ),
            1
        );
    }
    let db = db(&data);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE clip_status IN ('done', 'short')"
        ),
        1
    );
    let clip: String = db
        .query_row("SELECT clip_path FROM moments WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(std::path::Path::new(&clip).exists(), "{clip}");
    // The report waited for the clip: the saved file lists it.
    let report = std::fs::read_to_string(data.join("reports/clavicular_session001.md")).unwrap();
    assert!(report.contains(&clip), "{report}");
    // Nothing left to cut.
    let again = kicktui(dir.path(), &["clip", "--pending"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("No pending clips."));
    // Clipping the moment again gives the same file: no `-2` copy beside it.
    let (id, status): (i64, String) = db
        .query_row(
            "SELECT id, clip_status FROM moments WHERE clip_path IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let re = kicktui(dir.path(), &["clip", "--moment", &id.to_string()]);
    let err = String::from_utf8_lossy(&re.stderr);
    assert!(re.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&re.stdout).trim(), clip, "{err}");
    if status == "done" {
        assert!(err.contains("already clipped"), "{err}");
    }
    let clips = std::fs::read_dir(data.join("clips")).unwrap().count();
    assert_eq!(clips, 1, "{err}");
}

/// The restart that cannot cut (ffmpeg went missing) says where the ended stream's clips
/// wait, instead of leaving the start-up note's "or now if it has ended" standing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_without_ffmpeg_says_the_ended_streams_clips_wait_for_clip_pending() {
    let Live {
        kick,
        mut src,
        hls: _hls,
        mut cfg,
        run,
    } = live_with_a_saved_moment().await;
    let (_, _, dir) = run.stop("KILL").await;
    src.end_stream().await;
    kick.control().set_offline();
    cfg.recorder.ffmpeg = dir.path().join("no-ffmpeg").display().to_string();
    let mut run = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    run.expect("Recovered after a crash").await;
    let note = run.expect("stream ended while kicktui was down").await;
    assert!(
        note.contains("its 1 pending clip waits for kicktui --config")
            && note.contains("clip --pending (recording is off:"),
        "{note}"
    );
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success());
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE clip_status = 'pending'"
        ),
        1
    );
}

/// Killed after the stream went offline but before its clips were cut (the run waits for
/// streamlink to stop first): the session is closed and owes its report, its last part is
/// still marked `recording`. The next start finishes the part and cuts the clips, then saves
/// the report (it only saved the report, listing the clip as "not cut yet").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_the_streams_end_and_its_clips_the_next_start_cuts_them() {
    let Live {
        kick,
        mut src,
        hls: _hls,
        cfg,
        run,
    } = live_with_a_saved_moment().await;
    let (_, _, dir) = run.stop("KILL").await;
    src.end_stream().await;
    kick.control().set_offline();
    let data = dir.path().join("data");
    {
        // What a kill in that gap leaves: the offline already stored, the clip not cut.
        let db = db(&data);
        db.execute(
            "UPDATE sessions SET ended_at = (SELECT max(at) FROM moments), report_owed = 1",
            [],
        )
        .unwrap();
        let part: String = db
            .query_row("SELECT path FROM recordings", [], |r| r.get(0))
            .unwrap();
        wait_until_still(std::path::Path::new(&part)).await;
    }
    let mut run = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    let note = run.expect("stream ended before kicktui went down").await;
    assert!(note.contains("cutting its 1 pending clip"), "{note}");
    run.expect("Clip of moment #1").await;
    run.expect("# Stream report: clavicular (session 1)").await;
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success());
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE clip_status IN ('done', 'short')"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM recordings WHERE status = 'recording' OR bytes = 0"
        ),
        0,
        "the part is finished with its real size"
    );
}

/// No restart needed: `clip --pending` leaves a channel a kicktui is live on alone, and repairs
/// one that nothing watches any more (the kill -9 left its session open), then cuts its clip.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_clip_pending_alone_closes_the_session_and_cuts() {
    let Live {
        kick: _kick,
        mut src,
        hls: _hls,
        run,
        ..
    } = live_with_a_saved_moment().await;

    // Live: its session is not touched.
    let live = kicktui(run.dir.path(), &["clip", "--pending"]);
    let err = String::from_utf8_lossy(&live.stderr);
    assert!(
        err.contains("kick:clavicular: another kicktui (pid")
            && err.contains("is watching it; the channel is left to it")
            && err.contains("No other pending clips."),
        "{err}"
    );
    let data = run.data_dir();
    let open = "SELECT count(*) FROM sessions WHERE ended_at IS NULL";
    assert_eq!(count(&db(&data), open), 1);

    let (_, _, dir) = run.stop("KILL").await;
    src.end_stream().await;
    let part: String = db(&data)
        .query_row("SELECT path FROM recordings", [], |r| r.get(0))
        .unwrap();
    wait_until_still(std::path::Path::new(&part)).await;
    // A cut killed after its rename, before its row was updated, left the file behind.
    let id: i64 = db(&data)
        .query_row("SELECT id FROM moments", [], |r| r.get(0))
        .unwrap();
    let orphan = data.join(format!("clips/clavicular_s001_m{id}.mp4"));
    std::fs::create_dir_all(data.join("clips")).unwrap();
    std::fs::write(&orphan, b"left by a killed cut").unwrap();
    // The upload hook runs for clips cut here too (it ran only in a live run).
    let config = dir.path().join("config.toml");
    let mut cfg: kicktui::config::Config =
        toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let uploaded = dir.path().join("uploaded.mp4");
    cfg.clips.on_ready = vec!["cp".into(), "{path}".into(), uploaded.display().to_string()];
    std::fs::write(&config, toml::to_string(&cfg).unwrap()).unwrap();
    let cut = kicktui(dir.path(), &["clip", "--pending"]);
    let err = String::from_utf8_lossy(&cut.stderr);
    assert!(cut.status.success(), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&cut.stdout).trim(),
        orphan.display().to_string()
    );
    assert!(
        std::fs::metadata(&orphan).unwrap().len() > 10_000,
        "cut in its place"
    );
    assert_eq!(
        std::fs::read_dir(data.join("clips")).unwrap().count(),
        1,
        "no -2 copy"
    );
    assert!(err.contains("on_ready cp: done"), "{err}");
    assert_eq!(
        std::fs::read(&uploaded).unwrap(),
        std::fs::read(&orphan).unwrap()
    );
    assert!(
        err.contains("session 1 (kick:clavicular) was left open by a run that did not stop")
            && err.contains("1 of 1 pending clips cut")
            && err.contains("report saved"),
        "{err}"
    );
    assert_eq!(count(&db(&data), open), 0);
    let reports: Vec<String> = std::fs::read_dir(data.join("reports"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    assert!(
        reports.iter().any(|r| r.contains("- Clips: 1")),
        "{reports:?}"
    );
}
