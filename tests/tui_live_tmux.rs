//! End to end: `kicktui clavicular` (the TUI) in an 80×24 tmux pane against the fake Kick.
//! The panes appear, a scripted spike reaches the moments list, `m` adds a manual moment that
//! is then in SQLite, `?` shows the help, `q` exits and the terminal is restored.

mod media_support;
mod support;
mod tmux_support;

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use support::{count, db, test_config, tui_command};
use tmux_support::Tmux;

/// The blocking tmux polls run beside the fake's tasks, not on top of them.
fn wait(tmux: &Tmux, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| tmux.wait_for(what, Duration::from_secs(secs), pred))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_on_a_live_channel_in_an_80x24_pane() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = false;
    let dir = tempfile::tempdir().unwrap();
    let (cmd, data) = tui_command(
        dir.path(),
        &cfg,
        "; echo KICKTUI-EXIT=$? TTY-$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon); sleep 60",
    );
    let tmux = Tmux::new("live");
    tmux.start_80x24(&cmd);

    tokio::time::timeout(Duration::from_secs(20), c.wait_subscribed())
        .await
        .unwrap();
    let screen = wait(&tmux, "the panes", 20, |s| {
        s.contains("Moments") && s.contains("chat: live")
    });
    for pane in [
        "clavicular",
        "Chat",
        "Keywords",
        "Top emotes",
        "Recording",
        "Log",
        "m mark",
    ] {
        assert!(screen.contains(pane), "{pane:?} missing:\n{screen}");
    }

    c.set_live("Ranked");
    wait(&tmux, "live", 20, |s| s.contains("● LIVE"));
    c.burst(30, 10, Duration::from_millis(1500)).await;
    wait(&tmux, "the spike in the moments list", 20, |s| {
        s.contains("KEYWORD BURST") || s.contains("EMOTE SPAM")
    });

    tmux.keys(&["m"]);
    let screen = wait(&tmux, "the marked moment, stored", 10, |s| {
        s.contains("MARKED") && s.contains('#')
    });
    assert!(!screen.contains("not saved"), "{screen}");

    tmux.keys(&["?"]);
    wait(&tmux, "the help", 5, |s| s.contains("mark a moment now"));
    tmux.keys(&["Escape"]);
    wait(&tmux, "help closed", 5, |s| {
        !s.contains("mark a moment now")
    });

    tmux.keys(&["q"]);
    let screen = wait(&tmux, "the exit", 15, |s| s.contains("KICKTUI-EXIT="));
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
    assert!(
        screen.contains("TTY-icanon"),
        "raw mode is off again:\n{screen}"
    );
    assert!(
        screen.contains("Received "),
        "the summary line after the TUI:\n{screen}"
    );
    let alt = tmux.run(&["display-message", "-p", "-t", "kt", "#{alternate_on}"]);
    assert_eq!(
        String::from_utf8_lossy(&alt.stdout).trim(),
        "0",
        "alternate screen left"
    );

    let db = db(&data);
    assert_eq!(
        count(&db, "SELECT count(*) FROM moments WHERE source = 'manual'"),
        1
    );
    assert!(count(&db, "SELECT count(*) FROM moments WHERE source = 'auto'") >= 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL"
        ),
        1
    );
}

/// `c` on a moment still building: its clip waits until the moment is final and covers the
/// final window (a raid that joined 8 s later widened it), not the first one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_on_a_building_moment_clips_its_final_window() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let dir = tempfile::tempdir().unwrap();
    let hls = dir.path().join("hls");
    std::fs::create_dir(&hls).unwrap();
    let src = kicktui::media::hls_source::HlsSource::start(&hls, "ffmpeg")
        .await
        .unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    cfg.recorder.poll_interval_seconds = 5;
    cfg.moments.event_pre_roll_seconds = 2;
    cfg.moments.event_post_roll_seconds = 1;
    cfg.moments.merge_seconds = 20;
    let (cmd, data) = tui_command(dir.path(), &cfg, "; sleep 60");
    let tmux = Tmux::new("building-clip");
    tmux.start_80x24(&cmd);
    tmux_support::live_and_recording(&tmux, &c, &src).await;
    c.kicks("big_donor", 1000, "");
    wait(&tmux, "the donation, building", 10, |s| {
        s.contains("building")
    });
    tmux.keys(&["c"]);
    wait(&tmux, "the clip queued", 10, |s| s.contains("queued"));
    tokio::time::sleep(Duration::from_secs(8)).await;
    c.raid("host", 50);
    wait(&tmux, "the clip, ready", 60, |s| s.contains("ready"));
    let conn = db(&data);
    let (status, path, window): (String, String, f64) = conn
        .query_row(
            "SELECT clip_status, clip_path, clip_end_offset_s - clip_start_offset_s
             FROM moments WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        window >= 8.0,
        "the raid widened the window (3 s before): {window} s"
    );
    assert_eq!(status, "done");
    let seconds = media_support::duration_of(std::path::Path::new(&path));
    assert!(
        seconds >= window - 1.0,
        "the clip covers the final {window} s window: {seconds} s"
    );
    tmux.keys(&["q"]);
}
