//! Supervision through the binary: the chat task, the recorder or a session's task panics (a
//! fault injected on cue); kicktui says so, starts it again, and chat and the recording of the
//! live stream go on.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use kicktui::config::Config;
use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{LIMIT, Run, received, test_config};
use tokio::time::timeout;

/// What each test runs against: the fake Kick (live), a local live stream being recorded,
/// and kicktui headless with one fault armed (`KIND:FILE`; writing `trigger` fires it).
struct Panicky {
    kick: FakeKick,
    src: HlsSource,
    _hls: tempfile::TempDir,
    run: Run,
    trigger: PathBuf,
}

async fn panicky(fault: &str, tune: impl FnOnce(&mut Config)) -> Panicky {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let hls = tempfile::tempdir().unwrap();
    let src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.health_interval_seconds = 2;
    tune(&mut cfg);
    kick.control().set_live("Panicky");
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    let dir = tempfile::tempdir().unwrap();
    let trigger = dir.path().join("panic-now");
    let fault = format!("{fault}:{}", trigger.display());
    let run = Run::start_env(
        dir,
        &cfg,
        &["clavicular", "--headless"],
        &[("KICKTUI_FAULT", fault.as_str())],
    );
    Panicky {
        kick,
        src,
        _hls: hls,
        run,
        trigger,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_chat_task_is_restarted_and_recording_goes_on() {
    let Panicky {
        kick,
        mut src,
        _hls,
        mut run,
        trigger,
    } = panicky("chat_panic", |_| {}).await;
    let c = kick.control();
    run.expect("Recording to:").await;
    run.expect("Recording health:").await;
    std::fs::write(&trigger, b"").unwrap();
    let note = run.expect("The chat task crashed").await;
    assert!(note.contains("restarting in"), "{note}");
    // Started again: connected and subscribed on a new connection, counting chat.
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    for i in 0..5 {
        c.chat(&format!("viewer{i}"), "still here");
    }
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    // The recording never stopped.
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;
    let (status, lines, _dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert!(received(&lines) >= 5, "{}", lines.join("\n"));
    src.end_stream().await;
}

/// The recorder panics while it records: kicktui says so, a new part follows at once, chat is
/// counted meanwhile, the crashed part's row is closed with its size and no streamlink is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_recorder_is_restarted_in_a_new_part_and_chat_goes_on() {
    let Panicky {
        kick,
        mut src,
        _hls,
        mut run,
        trigger,
    } = panicky("recorder_panic", |_| {}).await;
    let c = kick.control();
    run.expect("Recording to:").await;
    run.expect("Recording health:").await;
    std::fs::write(&trigger, b"").unwrap();
    let note = run.expect("Recording task crashed").await;
    assert!(
        note.contains("injected by KICKTUI_FAULT") && note.contains("restarting in"),
        "{note}"
    );
    let part2 = run.expect("Recording to:").await;
    assert!(
        part2.contains("_p2.ts") && part2.contains("the recorder crashed"),
        "{part2}"
    );
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    for i in 0..5 {
        c.chat(&format!("viewer{i}"), "still here");
    }
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    run.expect("Recording health:").await;
    let data = run.data_dir();
    let (status, lines, _dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert!(received(&lines) >= 5, "{}", lines.join("\n"));
    let db = support::db(&data);
    assert_eq!(
        support::count(
            &db,
            "SELECT count(*) FROM recordings WHERE part = 1 AND status = 'crashed' \
             AND ended_at IS NOT NULL AND bytes > 0"
        ),
        1
    );
    let noted = std::fs::read_to_string(data.join("recordings/.children")).unwrap_or_default();
    assert!(noted.trim().is_empty(), "children still noted: {noted}");
    src.end_stream().await;
}

/// The session task that holds the recorder and the clipper panics: kicktui says so, records
/// on in part 2 at once, and at the end of the stream still clips the moment made in part 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_session_task_records_on_in_a_new_part_and_clips_the_earlier_moment() {
    let Panicky {
        kick,
        mut src,
        _hls,
        mut run,
        trigger,
    } = panicky("session_panic", |cfg| {
        cfg.moments.pre_roll_seconds = 6;
        cfg.moments.post_roll_seconds = 4;
        cfg.moments.event_pre_roll_seconds = 6;
        cfg.moments.event_post_roll_seconds = 4;
    })
    .await;
    let c = kick.control();
    let part1 = run.expect("Recording to:").await;
    assert!(part1.contains("_p1.ts"), "{part1}");
    run.expect("Recording health:").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.kicks("donor", 1000, "gg");
    run.expect("final: DONATION at").await;
    // Its clip window's end is in the file.
    run.expect("Recording health:").await;
    run.expect("Recording health:").await;
    std::fs::write(&trigger, b"").unwrap();
    let note = run.expect("The recording task of session 1 crashed").await;
    assert!(
        note.contains("injected by KICKTUI_FAULT") && note.contains("recording again"),
        "{note}"
    );
    let part2 = run.expect("Recording to:").await;
    assert!(
        part2.contains("_p2.ts") && part2.contains("crashed"),
        "{part2}"
    );
    run.expect("Recording health:").await;

    src.end_stream().await;
    c.set_offline();
    run.expect_within(&["Recording stopped: offline"], Duration::from_secs(30))
        .await;
    run.expect("ended: clipping 1 moment, best first").await;
    let clip = run
        .expect_within(&["[1/1] Clip of moment #1"], Duration::from_secs(30))
        .await;
    assert!(clip.contains(" ready"), "{clip}");
    let data = run.data_dir();
    let (status, lines, _dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    let db = support::db(&data);
    assert_eq!(
        support::count(&db, "SELECT count(*) FROM recordings WHERE session_id = 1"),
        2,
        "{}",
        lines.join("\n")
    );
    let noted = std::fs::read_to_string(data.join("recordings/.children")).unwrap_or_default();
    assert!(noted.trim().is_empty(), "children still noted: {noted}");
}
