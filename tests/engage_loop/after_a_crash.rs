//! A run killed with `kill -9`, started again once the stream is not live (it ended meanwhile,
//! or never began): the open session is closed and its report saved, and printed too when the
//! stream ended, even if it cannot be saved.

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};

use crate::support::{self, count, db};
use crate::{crash_config, kicktui, killed_mid_stream};

/// `kill -9` loses nothing already saved: the stream ended meanwhile, so the next start
/// closes the open session at its last recorded time and writes its report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_left_open_by_kill_9_is_closed_and_reported_at_the_next_start() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let cfg = crash_config(&kick);
    let dir = killed_mid_stream(&c, &cfg).await;
    c.set_offline();
    let mut next = support::Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("# Stream report: clavicular (session 1)").await;
    assert!(
        next.seen
            .iter()
            .any(|l| l.contains("Saving the report of session 1, closed after the crash")),
        "{:?}",
        next.seen
    );
    let (_, _, dir) = next.stop("TERM").await;
    let data = dir.path().join("data");
    let conn = db(&data);
    let last_stat: String = conn
        .query_row(
            "SELECT MAX(at) FROM chat_stats WHERE session_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let ended: String = conn
        .query_row("SELECT ended_at FROM sessions WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    // (Times of different precision: `15.332Z` sorts before `15Z` as text.)
    let time = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    assert!(
        time(&ended) >= time(&last_stat),
        "closed at {ended}, last stats {last_stat}"
    );
    let activity_closed: i64 = count(
        &conn,
        "SELECT count(*) FROM activities WHERE session_id = 1 AND ended_at IS NOT NULL \
         AND reward IS NULL AND note LIKE 'closed after a crash%'",
    );
    assert_eq!(activity_closed, 1);
    let out = kicktui(dir.path(), &["report", "1", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["recovered"], true, "{r}");
    assert_eq!(r["title"], "Crashy");
    assert!(data.join("reports/clavicular_session001.md").exists());
}

/// The report of a session closed at start cannot be saved (its folder is a file): it is
/// printed all the same, with why it was not saved and how to see it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_that_cannot_be_saved_is_still_printed() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let cfg = crash_config(&kick);
    let dir = killed_mid_stream(&c, &cfg).await;
    let reports = dir.path().join("data/reports");
    let _ = std::fs::remove_dir_all(&reports);
    std::fs::write(&reports, "not a folder").unwrap();
    c.set_offline();
    let mut next = support::Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("# Stream report: clavicular (session 1)").await;
    let said = next
        .seen
        .iter()
        .find(|l| l.contains("Report for session 1 not saved"))
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", next.seen));
    assert!(said.contains("`kicktui report 1`"), "{said}");
    next.stop("TERM").await;
}

/// A run killed while the channel was offline, with a moment stored: the next start closes
/// that session and saves its report, saying where, without printing an old session's text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_session_left_by_kill_9_gets_its_report_saved_not_printed() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let cfg = crash_config(&kick);
    let mut run = support::Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect("Connected to clavicular chat").await;
    tokio::time::timeout(Duration::from_secs(10), c.wait_subscribed())
        .await
        .unwrap();
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["final: KEYWORD BURST at", "final: EMOTE SPAM at"])
        .await;
    std::process::Command::new("kill")
        .args(["-KILL", &run.pid().to_string()])
        .status()
        .unwrap();
    let (_, _, dir) = run.finish().await;
    let mut next = support::Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("Saving the report of session 1, closed after the crash")
        .await;
    next.expect("Stream report saved to").await;
    let (_, lines, dir) = next.stop("TERM").await;
    let printed = lines.join("\n");
    assert!(!printed.contains("# Stream report"), "{printed}");
    assert!(
        dir.path()
            .join("data/reports/clavicular_session001.md")
            .exists()
    );
}
