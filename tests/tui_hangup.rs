//! The terminal goes away under a recording TUI (a closed window, a dropped SSH link): kicktui
//! gets SIGHUP and its stdout is dead. It must still shut down cleanly: the session closed and
//! its report saved, not a panic on the first line it prints afterwards.

mod support;
mod tmux_support;

use std::time::{Duration, Instant};

use kicktui::fake::{FakeConfig, FakeKick};
use kicktui::media::hls_source::HlsSource;
use support::{count, db, test_config, tui_command};
use tmux_support::Tmux;

fn wait(tmux: &Tmux, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| tmux.wait_for(what, Duration::from_secs(secs), pred))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_terminal_still_closes_the_session_and_saves_its_report() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let hls = tempfile::tempdir().unwrap();
    let mut src = HlsSource::start(hls.path(), "ffmpeg").await.unwrap();
    let mut cfg = test_config(kick.kick_config());
    cfg.recorder.enabled = true;
    cfg.recorder.stream_url = src.url();
    let dir = tempfile::tempdir().unwrap();
    let (cmd, data) = tui_command(dir.path(), &cfg, "");
    let tmux = Tmux::new("hangup");
    tmux.start_80x24(&cmd);
    tokio::time::timeout(Duration::from_secs(20), c.wait_subscribed())
        .await
        .unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(20)).await);
    c.set_live("Ranked");
    wait(&tmux, "recording", 30, |s| s.contains("● REC"));

    // The window closes: the pane's terminal is gone and kicktui gets SIGHUP.
    tmux.run(&["kill-server"]);
    // The report is the last thing a clean shutdown writes.
    let reports = || std::fs::read_dir(data.join("reports")).map_or(0, |d| d.count());
    let start = Instant::now();
    while reports() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no stream report was saved; log:\n{}",
            std::fs::read_to_string(data.join("kicktui.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let closed = "SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL";
    assert_eq!(count(&db(&data), closed), 1, "the session is closed");
    src.stop().await;
}
