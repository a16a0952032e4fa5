//! A moment keeps its name and "+N" across a restart: the real binary against the fake Kick,
//! stopped while a moment builds and started again on the same stream, which it goes on with
//! (its earlier moments reloaded from SQLite). A sub burst outdone by a bigger gift while it
//! built was `SUB BURST` on the dashboard (and in the TUI) until the stop, and `DONATION +1`
//! after the restart.

mod support;

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick};
use support::{LIMIT, Run, test_config};
use tokio::time::{Instant, sleep, timeout};

/// The dashboard's one moment (`/api/state`), once `ready` says it is there: the page
/// follows the engine's feed a little behind the printed lines.
async fn the_moment(run: &Run, ready: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + LIMIT;
    loop {
        let state = run.api_state().await;
        let moments = state["moments"].as_array().cloned().unwrap_or_default();
        match &moments[..] {
            [m] if ready(m) => return m.clone(),
            _ if Instant::now() > deadline => panic!("never listed so: {state}"),
            _ => sleep(Duration::from_millis(50)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moment_stopped_while_building_is_listed_as_shown_after_the_restart() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = test_config(kick.kick_config());
    // Still building when the run stops.
    cfg.moments.merge_seconds = 120;
    let mut run = Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.set_live("Subathon");
    run.expect("Stream is LIVE!").await;
    c.gift_subs("patron", 5);
    run.expect("SUB BURST at").await;
    // $20 of Kicks outdo five subs: the moment is a donation now, the subs its `+1`.
    c.kicks("whale", 2000, "");
    let shown = the_moment(&run, |m| m["type"] == "donation").await;
    let now = run.expect("Moment #1 now: DONATION at").await;
    assert!(now.contains("Subs: 5"), "{now}");
    assert_eq!(shown["building"], true, "{shown}");
    let (status, lines, dir) = run.stop("TERM").await;
    assert!(status.success(), "{}", lines.join("\n"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Moment #1 final: DONATION at")),
        "{lines:?}"
    );

    let mut next = Run::start_in(dir, &cfg, &["clavicular", "--headless"]);
    next.expect("Session 1 goes on").await;
    let listed = the_moment(&next, |_| true).await;
    for field in ["id", "type", "summary", "score", "time"] {
        assert_eq!(listed[field], shown[field], "{field}: {listed} vs {shown}");
    }
    let (status, lines, _) = next.stop("TERM").await;
    assert!(status.success(), "{}", lines.join("\n"));
}
