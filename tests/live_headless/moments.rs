//! A stream through the run: scripted spikes become moments in SQLite, a stream joined late
//! counts from its start, a clip cut beside the run is told, and the demo goes live offline.

use std::collections::BTreeSet;
use std::time::Duration;

use kicktui::fake::{FakeChannel, FakeConfig, FakeKick};
use tokio::time::timeout;

use crate::fake;
use crate::support::{LIMIT, Run, count, db, received, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_spikes_become_moments_in_sqlite() {
    let kick = fake().await;
    let c = kick.control();
    let cfg = test_config(kick.kick_config());
    let mut run = Run::start(
        &cfg,
        &[
            "clavicular",
            "--headless",
            "--capture",
            "{dir}/capture.jsonl",
        ],
    );
    run.expect("Capture is ON").await;
    run.expect_all(&[
        "Waiting for clavicular to go live...",
        "Connected to clavicular chat",
    ])
    .await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Ranked");
    c.set_viewers(250);
    run.expect("Stream is LIVE! \"Ranked\"").await;
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["KEYWORD BURST at", "EMOTE SPAM at"]).await;
    // Shown while building; a donation before it is final would join it.
    run.expect_any(&["final: KEYWORD BURST at", "final: EMOTE SPAM at"])
        .await;
    c.kicks("donor", 1000, "gg");
    run.expect("Kicks: donor sent 1000 Kicks ($10.00)").await;
    run.expect("DONATION at").await;
    // Shown while building: an event now would join it; wait until it is final.
    run.expect("final: DONATION at").await;
    c.gift_subs("gifter", 5);
    run.expect("SUB BURST at").await;
    run.expect("final: SUB BURST at").await;
    c.raid("bigstreamer", 500);
    run.expect("RAID at").await;
    run.expect("final: RAID at").await;
    // Recording is off: the dashboard says no recording covers them, as the database does
    // (it said "none", not cut yet).
    let state = run.api_state().await;
    let statuses: Vec<&str> = state["moments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["clipStatus"].as_str())
        .collect();
    assert_eq!(statuses, ["no_recording"; 4], "{state}");
    c.set_offline();
    run.expect("Stream went offline.").await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert_eq!(received(&lines), 30);
    // Under a service manager stdout is the log: it says why the run stopped.
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("Stopping: asked to stop (SIGTERM)")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains(", 4 moments, 0 malformed")),
        "{lines:?}"
    );

    // The log file keeps what was printed about the stream, one line each, without rulers.
    let log = std::fs::read_to_string(dir.path().join("data/kicktui.log")).unwrap_or_default();
    for want in [
        "Stream is LIVE! \"Ranked\"",
        "Kicks: donor sent 1000 Kicks ($10.00)",
        "Moment #2 final: DONATION at",
        "RAID at",
        "Stream went offline.",
    ] {
        assert!(log.contains(want), "{want:?} in kicktui.log:\n{log}");
    }
    assert!(!log.contains("===="), "{log}");
    // Every line names the channel: two runs on other channels may share the file.
    assert!(
        log.lines().all(|l| l.contains("Z kick:clavicular ")),
        "{log}"
    );
    // The report has a file of its own: the log says where, without a second copy.
    assert!(log.contains("Stream report saved to"), "{log}");
    assert!(!log.contains("# Stream report"), "{log}");

    let db = db(&dir.path().join("data"));
    assert_eq!(count(&db, "SELECT count(*) FROM sessions"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL \
             AND ended_at IS NOT NULL AND title = 'Ranked'"
        ),
        1
    );
    let mut stmt = db
        .prepare("SELECT trigger_type FROM moments WHERE offset_s >= 0 AND session_id = 1")
        .unwrap();
    let types: BTreeSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(types.contains("donation") && types.contains("sub_burst") && types.contains("raid"));
    assert!(
        types.contains("keyword") || types.contains("emote_spam"),
        "{types:?}"
    );
    assert!(count(&db, "SELECT count(*) FROM events WHERE kind = 'kicks'") == 1);
    assert!(count(&db, "SELECT count(*) FROM viewer_samples") >= 1);
    // Recording is off in this run: no moment is left pending for a clip that cannot come.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE clip_status != 'no_recording'"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT chatroom_id FROM channel_cache WHERE slug = 'clavicular'"
        ),
        4_567_890
    );

    // The capture replays: every chat frame is there, with its receive time.
    let capture = dir.path().join("capture.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("replay")
        .arg(&capture)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["stats"]["chat_messages"], 30, "{}", report["stats"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_goes_live_with_chat_and_events() {
    // An alert command is configured: the demo's made-up events must not reach it.
    let dir = tempfile::tempdir().unwrap();
    let alerted = dir.path().join("alerted");
    let mut cfg = kicktui::config::Config::default();
    cfg.alerts.command = vec!["touch".into(), alerted.display().to_string()];
    cfg.alerts.command_events = vec!["live".into(), "moment".into()];
    let uploaded = dir.path().join("uploaded");
    cfg.clips.on_ready = vec!["touch".into(), uploaded.display().to_string()];
    // No dashboard: the default port may be another test's or a running kicktui's.
    let mut run = Run::start_in(dir, &cfg, &["demo", "--headless", "--dashboard", "off"]);
    run.expect_all(&[
        "Alerts and [clips] on_ready are off in the demo",
        "Waiting for novaplays to go live...",
        "Connected to novaplays chat",
    ])
    .await;
    run.expect("Stream is LIVE!").await;
    run.expect("New sub: cozy_otter").await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}");
    assert!(received(&lines) > 0);
    assert!(!alerted.exists(), "the demo ran the alert command");
    // Not "[clips] cut_at_quit = true": the user's config did not say that.
    let quit = lines.iter().find(|l| l.contains("Quit while live"));
    assert!(
        quit.is_some_and(|l| l.ends_with("now (the demo cuts them at quit)")),
        "{}",
        lines.join("\n")
    );
    // The clip command the demo suggests, on its data dir, runs no upload hook either.
    let demo_dir = dir.path().join("data").join("demo");
    let clip = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--data-dir")
        .arg(&demo_dir)
        .args(["clip", "--pending"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&clip.stderr);
    assert!(clip.status.success(), "{err}");
    assert!(
        err.contains("on_ready is not run here: this is the demo's data dir"),
        "{err}"
    );
    assert!(
        !uploaded.exists(),
        "the demo's clips reached the upload hook"
    );
    let db = db(&demo_dir);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE stream_started_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM events WHERE kind = 'subscription'"
        ),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_running_stream_counts_offsets_from_its_start() {
    // 1h 23m 15s ago: the donation lands in minute 83 however slow the start is.
    let started = kicktui::time::wall_now().plus_ms(-4_995_000);
    let channel = FakeChannel::new("clavicular", 26_869_410, 4_567_890, 27_001_234)
        .live("Marathon", 900, started);
    let kick = FakeKick::start(FakeConfig {
        channels: vec![channel],
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = kick.control();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    run.expect_all(&[
        "Stream is LIVE! \"Marathon\"",
        "Connected to clavicular chat",
    ])
    .await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.kicks("donor", 2000, "");
    let line = run.expect("DONATION at").await;
    assert!(line.contains("DONATION at 1h 23m"), "{line}");
    let (status, _, dir) = run.stop("TERM").await;
    assert!(status.success());
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(&db, "SELECT CAST(offset_s / 60 AS INT) FROM moments"),
        83
    );
    assert_eq!(
        count(&db, "SELECT viewers FROM viewer_samples LIMIT 1"),
        900
    );
}

/// A clip `kicktui clip` cuts in another terminal while the stream goes on reaches the live
/// run's front ends (here the headless line; the TUI and the dashboard take the same update).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clip_cut_beside_the_live_run_is_told() {
    let kick = fake().await;
    let c = kick.control();
    let mut run = Run::start(
        &test_config(kick.kick_config()),
        &["clavicular", "--headless"],
    );
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Clipping beside");
    run.expect("Stream is LIVE!").await;
    c.kicks("donor", 1000, "gg");
    // Shown once stored.
    run.expect("DONATION at").await;
    // What `kicktui clip --moment 1` leaves in the database.
    let clip = run.path("m1.mp4");
    std::fs::write(&clip, b"not really a clip").unwrap();
    db(&run.data_dir())
        .execute(
            "UPDATE moments SET clip_status = 'done', clip_path = ?1 WHERE id = 1",
            [clip.to_string_lossy()],
        )
        .unwrap();
    let told = run
        .expect_within(&["Clip of moment #1"], Duration::from_secs(40))
        .await;
    assert!(told.contains("m1.mp4"), "{told}");
    let (status, _, _) = run.stop("TERM").await;
    assert!(status.success());
}
