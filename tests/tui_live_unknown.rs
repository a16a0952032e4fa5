//! The status bar while nothing can tell whether the stream is live: it says so, and does not
//! read "offline" once the engine's snapshots (whose `live` is false until a status came)
//! arrive. On Twitch: no Helix (or refused credentials) and a stream probe that cannot tell.

mod tui_support;

use std::sync::Arc;
use std::time::Duration;

use kicktui::app::{App, Msg};
use kicktui::engine::feed::Feed;
use kicktui::engine::stream_probe::StreamProbe;
use kicktui::engine::twitch_status::TwitchStatus;
use kicktui::engine::update::Update;
use kicktui::ui::{self, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;
use tui_support::*;

fn status_bar(a: &App) -> String {
    let th = Theme::new(true);
    let area = Rect::new(0, 0, 160, 1);
    let mut buf = Buffer::empty(area);
    ui::status::render(a, &th, area, &mut buf);
    text(&buf)
}

fn not_live(secs: f64) -> Msg {
    let mut s = snapshot(secs, 0.0);
    s.live = false;
    s.uptime_s = None;
    Msg::Engine(Update::Snapshot(s))
}

#[test]
fn snapshots_do_not_turn_an_unknown_live_state_into_offline() {
    let mut a = app();
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "HTTP 403 (Cloudflare)".into(),
            retry_s: Some(60),
            waits_for_ids: false,
        }),
        T0,
    );
    for s in 0..5 {
        a.update(not_live(s as f64), at(s as f64));
    }
    let bar = status_bar(&a);
    assert!(bar.starts_with("○ live status unknown"), "{bar:?}");
    // Once the stream has been live, "not live" is an answer.
    let mut live = snapshot(6.0, 1.0);
    live.live = true;
    a.update(Msg::Engine(Update::Snapshot(live)), at(6.0));
    a.update(Msg::Engine(Update::ApiOk), at(6.5));
    a.update(not_live(7.0), at(7.0));
    let bar = status_bar(&a);
    assert!(bar.starts_with("○ offline"), "{bar:?}");
}

/// The Twitch status actor with no Helix and a stream probe that cannot run tells the status
/// bar, which then says the live state is unknown and why.
#[tokio::test]
async fn twitch_without_helix_or_a_working_probe_reads_live_status_unknown() {
    let rec = kicktui::config::Recorder {
        streamlink: "/nonexistent/streamlink".into(),
        ..Default::default()
    };
    let (news, _news_rx) = mpsc::channel(100);
    let (_req_tx, req_rx) = mpsc::channel(16);
    let feed = Feed::new();
    let mut updates = feed.subscribe().into_mpsc(100);
    let actor = TwitchStatus {
        login: "fakechan".into(),
        helix: None,
        probe: Some(StreamProbe::from_config(&rec, "fakechan")),
        assume_live: false,
        poll_every: Duration::from_millis(30),
        news,
        feed,
        unknown_said: false,
        helix_refused: false,
        unknown_shown: false,
    };
    let cancel = CancellationToken::new();
    let requests = Arc::new(tokio::sync::Mutex::new(req_rx));
    let task = tokio::spawn(actor.run(requests, cancel.clone()));
    let mut a = app();
    let trouble = timeout(Duration::from_secs(10), async {
        while let Some(u) = updates.recv().await {
            if matches!(u, Update::ApiTrouble { .. }) {
                return Some(u);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("the actor says the live state is unknown");
    a.update(Msg::Engine(trouble), T0);
    a.update(not_live(1.0), at(1.0));
    let bar = status_bar(&a);
    assert!(bar.starts_with("○ live status unknown"), "{bar:?}");
    assert!(
        bar.contains("API: no Helix, the stream probe cannot tell"),
        "{bar:?}"
    );
    cancel.cancel();
    let _ = timeout(Duration::from_secs(10), task).await;
}
