//! The metrics WebSocket over real loopback connections: the exact message shapes, a hundred
//! clients each getting every message, a client that stops reading being dropped without
//! slowing the others, the token rule and a port in use.

#[path = "../serve_support/mod.rs"]
mod serve_support;

mod access;
mod clients;
mod messages;
mod state;

use std::time::Duration;

use kicktui::engine::update::Snapshot;
use kicktui::engine::view::EngageView;
use kicktui::serve::Options;

/// No periodic messages in the way.
fn quiet() -> Options {
    Options {
        tick: Duration::from_secs(3600),
        ..Options::default()
    }
}

fn live_snapshot() -> Snapshot {
    let mut s = Snapshot {
        live: true,
        viewers: Some(42),
        uptime_s: Some(5025.4),
        channel: "twitch:novaplays".into(),
        ..Snapshot::default()
    };
    s.engage = Box::new(EngageView {
        activity: Some("talk".into()),
        suggestion: Some("q_and_a".into()),
        engagement: Some(65.3),
        chat_per_min: 12.5,
        revenue_usd: 150.0,
        subs: 12,
        bits: 0,
        donations_per_hour: 25.0,
        context: Some("Stream state: 42 viewers".into()),
        ..EngageView::default()
    });
    s
}
