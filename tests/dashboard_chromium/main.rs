//! The dashboard page in a real headless Chromium, driven over the DevTools protocol: it loads,
//! numbers from a scripted stream appear and change, the recording's state shows in its colour,
//! a donation appears in the feed, moments show their clip status, and after the server goes
//! away it says so and reconnects by itself.
//! `KICKTUI_SCREENSHOT=docs/dashboard.png` also saves a screenshot (for the README).

#[path = "../serve_support/mod.rs"]
mod serve_support;

mod browser;
mod live_page;
mod reconnect;
mod screenshot;

use std::time::Duration;

use kicktui::engine::update::{RecorderNews, RecordingInfo, Snapshot, Update};
use kicktui::engine::view::EngageView;
use kicktui::media;
use kicktui::serve::Options;
use serve_support::*;

/// The server's options: a tick every 100 ms.
fn opts() -> Options {
    Options {
        tick: Duration::from_millis(100),
        ..Options::default()
    }
}

fn snapshot(viewers: u32, per_min: f64, engagement: f64, uptime: f64) -> Update {
    Update::Snapshot(Snapshot {
        channel: "clavicular".into(),
        live: true,
        viewers: Some(viewers),
        uptime_s: Some(uptime),
        engage: Box::new(EngageView {
            activity: Some("gameplay".into()),
            suggestion: Some("q_and_a".into()),
            engagement: Some(engagement),
            chat_per_min: per_min,
            revenue_usd: 42.5,
            subs: 3,
            // A Kick channel: its viewers gift Kicks, never bits.
            kicks: 1250,
            donations_per_hour: 18.0,
            context: Some(format!(
                "Stream state: {viewers} viewers, chat velocity {per_min:.1} msg/min, \
                 engagement {engagement:.1}/100. Bandit suggests: q_and_a. Current activity: \
                 gameplay."
            )),
            ..EngageView::default()
        }),
        ..Snapshot::default()
    })
}

fn recording(state: media::RecState, part: u32, bytes: u64) -> Update {
    Update::Recording(RecordingInfo {
        session: 1,
        state,
        part,
        path: Some(format!("/home/me/rec/clavicular_s001_p{part}.ts").into()),
        bytes,
        mb_per_min: 12.3,
        ..RecordingInfo::default()
    })
}

/// The recording pill's words and background colour.
const REC: &str = "$('rec').textContent + ' | ' + getComputedStyle($('rec')).backgroundColor";
const GREEN: &str = "rgb(83, 252, 24)";
const RED: &str = "rgb(248, 81, 73)";
const GREY: &str = "rgb(48, 54, 61)";

/// Moment `id`, `id` seconds into the list's story (the page orders moments by time).
fn moment_at(id: i64) -> kicktui::domain::Moment {
    let mut m = moment(3700.0 + id as f64);
    m.at = kicktui::domain::Ts(1_772_188_200_000 + id * 1000);
    m
}

/// One page through a stream's life, in order: each step starts from the page the last left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_a_scripted_stream_live_and_reconnects() {
    let mut srv = Server::start(opts());
    srv.feed.send(snapshot(42, 120.0, 55.0, 3725.0));
    srv.feed.send(Update::Recorder(RecorderNews::Armed));
    srv.feed
        .send(recording(media::RecState::Recording, 2, 45_200_000));
    let (mut browser, mut cdp, _profile) = browser::open(srv.running.addr).await;
    live_page::the_first_numbers_and_the_recording(&srv, &mut cdp).await;
    live_page::the_stream_moves_on(&srv, &mut cdp).await;

    if let Ok(path) = std::env::var("KICKTUI_SCREENSHOT") {
        screenshot::screenshot_story(&srv, &mut cdp, &path).await;
    }

    reconnect::a_reload_keeps_the_charts(&mut cdp).await;
    let again = reconnect::the_server_goes_away_and_comes_back(&mut srv, &mut cdp).await;
    reconnect::the_list_keeps_the_newest_moments(&again, &mut cdp).await;
    reconnect::a_second_stream_starts_its_money_from_zero(&again, &mut cdp).await;
    let _locked = reconnect::a_locked_dashboard_names_the_missing_token(&mut cdp).await;
    let _ = browser.kill().await;
}
