//! Stopping and pausing: a second Ctrl-C stops at once, and time the process did not run is
//! said and kept as a gap in chat.

use std::time::Duration;

use kicktui::fake::{FakeChannel, FakeConfig, FakeKick};
use tokio::time::timeout;

use crate::fake;
use crate::support::{LIMIT, Run, test_config};

/// Ctrl-C again while the orderly stop waits (here for an alert target that never answers)
/// stops at once, saying what is left for later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_stops_at_once() {
    let kick = fake().await;
    let c = kick.control();
    // Takes the alert's connection and never answers it.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", hang.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = hang.accept().await {
            open.push(s);
        }
    });
    let mut cfg = test_config(kick.kick_config());
    cfg.alerts.webhook_url = url.as_str().into();
    cfg.alerts.webhook_events = vec!["live".into()];
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Hanging alert");
    run.expect("Stream is LIVE!").await;
    let pid = run.pid().to_string();
    let int = || {
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
    };
    assert!(int().success());
    run.expect("Alerts: sending the last ones").await;
    let asked = std::time::Instant::now();
    assert!(int().success());
    let (status, _, dir) = run.finish().await;
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    let log = std::fs::read_to_string(dir.path().join("data/kicktui.log")).unwrap_or_default();
    assert!(log.contains("Stopping now (Ctrl-C again)"), "{log}");
    // The alerts' wait is in the log once, as a warning.
    let waited: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Alerts: sending the last ones"))
        .collect();
    assert_eq!(waited.len(), 1, "{log}");
    assert!(waited[0].contains("WARN"), "{log}");
    held.abort();
}

/// A laptop's lid closed mid-stream (here: the process stopped): the time kicktui did not run
/// is said, and is a gap in chat rather than minutes of silence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_kicktui_did_not_run_is_said_and_is_a_gap() {
    let channel = FakeChannel::new("clavicular", 26_869_410, 4_567_890, 27_001_234).live(
        "Late night",
        900,
        kicktui::time::wall_now(),
    );
    let kick = FakeKick::start(FakeConfig {
        channels: vec![channel],
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect("Connected to clavicular chat").await;
    let signal = |name: &str| {
        let sent = std::process::Command::new("kill")
            .args([format!("-{name}"), run.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{name}");
    };
    signal("STOP");
    // The suspend itself: longer than any stall of a running engine.
    tokio::time::sleep(Duration::from_secs(17)).await;
    signal("CONT");
    let line = run.expect("kicktui did not run for").await;
    assert!(
        line.contains("did not run for 1") && line.contains("a gap in chat, not as silence"),
        "{line}"
    );
    let (status, lines, _) = run.stop("TERM").await;
    assert!(status.success(), "{}", lines.join("\n"));
    let said = lines.iter().filter(|l| l.contains("did not run")).count();
    assert_eq!(said, 1, "said once:\n{}", lines.join("\n"));
}
