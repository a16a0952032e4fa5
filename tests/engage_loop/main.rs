//! The self-improvement loop end to end, the real binary against the fake Kick: the TUI in an
//! 80×24 tmux pane, activities picked with the number keys while the fake chats quietly during
//! `talk` and busily during `react`; then the report, the activity rows and the bandit file
//! must match the script, and a second (headless) run loads the bandit and keeps learning.

#[path = "../support/mod.rs"]
mod support;
#[path = "../tmux_support/mod.rs"]
mod tmux_support;

mod after_a_crash;
mod learning;
mod restart_while_live;

use std::path::Path;
use std::time::Duration;

use kicktui::fake::FakeKick;
use support::{count, db, test_config};

fn kicktui(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .output()
        .unwrap()
}

/// A live run with chat stats stored, then `kill -9`: session 1 is left open.
async fn killed_mid_stream(
    c: &kicktui::fake::FakeControl,
    cfg: &kicktui::config::Config,
) -> tempfile::TempDir {
    let mut run = support::Run::start(cfg, &["clavicular", "--headless", "--activity", "talk"]);
    run.expect("Connected to clavicular chat").await;
    // Connected comes before the channel subscriptions: a live event sent earlier is missed.
    tokio::time::timeout(Duration::from_secs(10), c.wait_subscribed())
        .await
        .unwrap();
    c.set_live("Crashy");
    c.set_viewers(40);
    run.expect("Stream is LIVE!").await;
    c.burst(20, 5, Duration::from_secs(4)).await;
    // A 10 s chat_stats row is written by now (window 3 s in the test config).
    run.expect("Chat:").await;
    c.kicks("fan", 500, "");
    run.expect("Kicks: fan sent 500 Kicks").await;
    let data = run.dir.path().join("data");
    // The money is the session's once stored (the store writes behind the line).
    tokio::time::timeout(Duration::from_secs(10), async {
        while count(
            &db(&data),
            "SELECT count(*) FROM events WHERE session_id = 1 AND kind = 'kicks'",
        ) == 0
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the Kicks stored");
    std::process::Command::new("kill")
        .args(["-KILL", &run.pid().to_string()])
        .status()
        .unwrap();
    let (_, _, dir) = run.finish().await;
    let conn = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sessions WHERE ended_at IS NULL"
        ),
        1
    );
    dir
}

fn crash_config(kick: &FakeKick) -> kicktui::config::Config {
    let mut cfg = test_config(kick.kick_config());
    cfg.engagement.window_seconds = 5;
    cfg.bandit.min_segment_seconds = 1;
    cfg
}
