//! The core's moment timing: shown while building, then final.
//! Going live is in `core_tests_live.rs`, where moments sit against the stream in
//! `core_tests_offsets.rs`, viewer spikes in `core_tests_viewers.rs`.

use super::*;
use crate::domain::{Badges, ChatMessage};

fn kicks(amount: u32) -> Event {
    Event::Kicks {
        sender: "fan".into(),
        amount,
        message: String::new(),
    }
}

/// A chat line from viewer `user_id` (the naming tests use it too).
pub(super) fn chat(user_id: u64, text: &str) -> Event {
    Event::Chat(ChatMessage {
        id: None,
        user_id,
        username: format!("viewer{user_id}"),
        badges: Badges::default(),
        text: text.into(),
        emotes: vec![],
        is_reply: false,
    })
}

fn moments(effects: &[Effect]) -> Vec<(&'static str, Ts)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::MomentBuilding(m) => Some(("building", m.at)),
            Effect::Moment(m) => Some(("final", m.at)),
            _ => None,
        })
        .collect()
}

/// A core whose stream went live at `t0` (`started_at`: the platform's start, if given).
fn live_core(t0: Ts, started_at: Option<Ts>) -> (Core, Vec<Effect>) {
    let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
    let out = core.on_event(t0, &live_event(started_at));
    (core, out)
}

fn live_event(started_at: Option<Ts>) -> Event {
    Event::Live {
        title: None,
        started_at,
        stream_id: None,
    }
}

#[path = "core_tests_live.rs"]
mod live;
#[path = "core_tests_offsets.rs"]
mod offsets;
#[path = "core_tests_viewers.rs"]
mod viewers;

#[test]
fn a_donation_moment_is_shown_at_once_and_final_when_its_window_closes() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let t0 = Ts(1_000_000);
    assert!(moments(&core.on_tick(t0)).is_empty());
    let at = t0.plus_ms(300_000);
    let out = core.on_event(at, &kicks(1000));
    assert_eq!(
        moments(&out),
        vec![("building", at)],
        "shown with its trigger"
    );
    let mut later = Vec::new();
    for s in 1..=40 {
        later.extend(core.on_tick(at.plus_ms(s * 1000)));
    }
    assert_eq!(moments(&later), vec![("final", at)], "same moment, final");
}

#[test]
fn a_chat_burst_is_shown_within_two_seconds_of_its_first_trigger() {
    let mut cfg = Config::default();
    cfg.chat.warmup_seconds = 0;
    let mut core = Core::new(&cfg, OffsetBase::FirstEvent);
    let t0 = Ts(0);
    let mut effects = Vec::new();
    // Five quiet minutes: one message every 4 s.
    for s in (0..300).step_by(4) {
        effects.extend(core.on_event(t0.plus_ms(s * 1000), &chat(s as u64 % 7, "hello there")));
    }
    assert!(moments(&effects).is_empty());
    // Then 80 chatters shout CLIP IT over 4 s.
    let burst = t0.plus_ms(300_000);
    let mut first_shown = None;
    for i in 0..80u64 {
        let at = burst.plus_ms(i as i64 * 50);
        for e in core.on_event(at, &chat(100 + i, "CLIP IT LMAO")) {
            if let Effect::MomentBuilding(_) = e {
                first_shown.get_or_insert(at);
            }
        }
    }
    for s in 0..4 {
        for e in core.on_tick(burst.plus_ms(4000 + s * 1000)) {
            if let Effect::MomentBuilding(_) = e {
                first_shown.get_or_insert(burst.plus_ms(4000 + s * 1000));
            }
        }
    }
    let shown = first_shown.expect("the burst is shown while it builds");
    assert!(
        shown.0 - burst.0 <= 6000,
        "shown {} ms after the burst began",
        shown.0 - burst.0
    );
}
