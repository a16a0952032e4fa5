//! `kicktui <channel> --headless` and `kicktui demo --headless`, the real binary against the
//! fake Kick over loopback: moments in SQLite, reconnects with exactly-once counting, refusal,
//! API trouble, capture, and a clean stop on each signal.

#[path = "../support/mod.rs"]
mod support;

mod chat;
mod live_status;
mod lookup;
mod moments;
mod stopping;

use kicktui::fake::{FakeConfig, FakeKick};

async fn fake() -> FakeKick {
    FakeKick::start(FakeConfig::default()).await.unwrap()
}
