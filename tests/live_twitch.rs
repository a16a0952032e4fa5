//! `kicktui twitch:NAME --headless` and `kicktui demo --platform twitch --headless`, the real
//! binary against the fake Twitch over loopback: Helix status drives sessions, a burst becomes
//! a moment stored for platform 'twitch', cheers are counted as bits, and `assume_live`
//! starts the session at once.

mod support;

use std::time::Duration;

use kicktui::config::Config;
use kicktui::fake::twitch::{FakeTwitch, FakeTwitchConfig};
use support::{LIMIT, Run, count, db, received, test_config};
use tokio::time::timeout;

async fn fake() -> FakeTwitch {
    FakeTwitch::start(FakeTwitchConfig::default())
        .await
        .expect("fake twitch starts")
}

/// The test settings, `[twitch]` pointed at the fake, Helix polled every 5 s (the least allowed).
fn twitch_config(twitch: &FakeTwitch) -> Config {
    let mut cfg = test_config(Default::default());
    cfg.twitch = twitch.twitch_config();
    cfg.recorder.poll_interval_seconds = 5;
    cfg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twitch_channel_goes_live_via_helix_and_its_moments_are_stored() {
    let twitch = fake().await;
    let c = twitch.control();
    let channel = format!("twitch:{}", twitch.channel());
    let mut run = Run::start(&twitch_config(&twitch), &[&channel, "--headless"]);
    let dashboard = run.expect("Dashboard: http://").await;
    run.expect(&format!("Watching {channel}")).await;
    run.expect_all(&[
        &format!("Waiting for {channel} to go live..."),
        &format!("Connected to {channel} chat"),
    ])
    .await;
    timeout(LIMIT, c.wait_joined(1)).await.expect("joined");
    // The dashboard's title tells a Twitch login from a Kick slug.
    let host = dashboard
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let state: serde_json::Value = reqwest::get(format!("http://{host}/api/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["channel"], channel.as_str(), "{state}");
    c.set_live("Ranked on Twitch");
    c.set_viewers(321);
    run.expect("Stream is LIVE! \"Ranked on Twitch\"").await;
    c.burst(30, 10, Duration::from_millis(1500)).await;
    run.expect_any(&["final: KEYWORD BURST at", "final: EMOTE SPAM at"])
        .await;
    c.cheer("cheerer", 500, "Cheer500 gg");
    run.expect("Bits: 500 from cheerer").await;
    c.set_offline();
    // Helix alone says so: the stream ends once it has said so for 15 s.
    run.expect_within(&["Stream went offline."], Duration::from_secs(30))
        .await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    // The burst and the cheer (a cheer is a chat message too).
    assert_eq!(received(&lines), 31, "{lines:?}");

    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE platform = 'twitch' AND channel = 'kicktuidemo' \
             AND stream_started_at IS NOT NULL AND ended_at IS NOT NULL \
             AND title = 'Ranked on Twitch'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE platform <> 'twitch'"
        ),
        0
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM moments WHERE trigger_type IN ('keyword', 'emote_spam')"
        ) >= 1
    );
    assert_eq!(
        count(
            &db,
            "SELECT CAST(sum(amount) AS INTEGER) FROM events WHERE kind = 'bits' AND username = 'cheerer'"
        ),
        500
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM viewer_samples WHERE viewers = 321"
        ) >= 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_assume_live_starts_the_session_at_once() {
    let twitch = fake().await;
    let mut cfg = twitch_config(&twitch);
    cfg.twitch.client_id.clear();
    cfg.twitch.client_secret = Default::default();
    cfg.twitch.assume_live = true;
    let channel = format!("https://www.twitch.tv/{}", twitch.channel());
    let mut run = Run::start(&cfg, &[&channel, "--headless"]);
    run.expect("Stream is LIVE!").await;
    timeout(LIMIT, twitch.control().wait_joined(1))
        .await
        .expect("joined");
    // Twitch's NOTICEs about the channel are said, not dropped.
    twitch
        .control()
        .channel_notice("msg_channel_suspended", "This channel has been suspended.");
    run.expect("twitch: msg_channel_suspended: This channel has been suspended.")
        .await;
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{status}\n{}", lines.join("\n"));
    assert!(
        !lines.iter().any(|l| l.contains("Waiting for")),
        "{lines:?}"
    );
    let db = db(&dir.path().join("data"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sessions WHERE platform = 'twitch' \
             AND stream_started_at IS NOT NULL AND ended_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        twitch.control().stats().api_requests,
        0,
        "Helix is not asked"
    );
}

#[test]
fn twitch_names_are_checked_before_anything_connects() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .args(["twitch:ab", "--headless"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // What is wrong and what a Twitch name looks like, as a Kick name's error says it.
    let why = "\"ab\" is not a Twitch channel name (2 characters): use letters, digits and _ \
               (3–25 characters)";
    assert!(err.contains(why), "{err}");
}
