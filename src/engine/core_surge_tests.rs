use super::*;
use crate::domain::{Badges, ChatMessage, TriggerData, TriggerType};

/// A chat message from viewer `user` (shared with the other core tests).
pub(super) fn chat(user: u64, text: &str) -> Event {
    Event::Chat(ChatMessage {
        id: None,
        user_id: user,
        username: format!("viewer{user}"),
        badges: Badges::default(),
        text: text.into(),
        emotes: vec![],
        is_reply: false,
    })
}

fn moments(effects: Vec<Effect>) -> Vec<Moment> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Moment(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[test]
fn no_blind_start_a_surge_right_after_joining_is_a_moment_within_seconds() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let t0 = 1_790_000_000_000i64;
    let mut found = Vec::new();
    // Joined a running stream: 30 s of ordinary chat, one message a second.
    for s in 0..30 {
        found.extend(moments(
            core.on_event(Ts(t0 + s * 1000), &chat(s as u64 % 9, "so anyway")),
        ));
    }
    // Then 300 viewers typing CLIP within 10 s: 30x the rate.
    for i in 0..300i64 {
        let t = Ts(t0 + 30_000 + i * 33);
        found.extend(moments(core.on_event(t, &chat(1000 + i as u64, "CLIP"))));
    }
    let (mut emitted, mut spiking) = (None, None);
    for s in 31..60 {
        let now = Ts(t0 + s * 1000);
        found.extend(moments(core.on_tick(now)));
        if !found.is_empty() && emitted.is_none() {
            emitted = Some(s);
        }
        if core.chat_spiking(now, 10_000) && spiking.is_none() {
            spiking = Some(s);
        }
    }
    // The headless chat line says "← SPIKE" while it happens (the trigger's own time is
    // placed back at the reaction's start, so it could not tell).
    assert!(
        spiking.is_some_and(|s| s <= 42),
        "spiking from {spiking:?} s"
    );
    assert!(!core.chat_spiking(Ts(t0 + 80_000), 10_000));
    let m = found.first().expect("a moment inside the warm-up");
    // Found a few seconds into the surge; the moment is out when its merge window closes.
    assert!(emitted.is_some_and(|s| s <= 52), "emitted at {emitted:?} s");
    assert!(
        m.triggers
            .iter()
            .any(|t| matches!(t.data, TriggerData::Surge(_))),
        "{:?}",
        m.triggers
    );
    assert!(
        m.clip_start.0 <= t0 + 30_000,
        "the clip starts before the surge"
    );
}

#[test]
fn a_start_up_flood_of_greetings_is_not_a_moment() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let t0 = 1_790_000_000_000i64;
    let mut found = Vec::new();
    for i in 0..600i64 {
        let text = ["hi", "hello chat", "HEY"][i as usize % 3];
        found.extend(moments(
            core.on_event(Ts(t0 + i * 100), &chat(i as u64, text)),
        ));
    }
    found.extend(moments(core.finish(Ts(t0 + 200_000))));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn clip_requests_from_different_viewers_are_a_moment_other_commands_are_not() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let t0 = 1_790_000_000_000i64;
    let mut found = Vec::new();
    for i in 0..20i64 {
        found.extend(moments(
            core.on_event(Ts(t0 + i * 1000), &chat(i as u64, "!discord")),
        ));
    }
    found.extend(moments(core.on_tick(Ts(t0 + 100_000))));
    assert!(found.is_empty(), "other commands are ignored");
    found.extend(moments(core.on_event(Ts(t0 + 300_000), &chat(1, "!clip"))));
    found.extend(moments(core.on_event(Ts(t0 + 302_000), &chat(2, "!clip"))));
    found.extend(moments(core.on_tick(Ts(t0 + 340_000))));
    let m = found.first().expect("two viewers asked");
    assert!(
        !core.chat_spiking(Ts(t0 + 303_000), 10_000),
        "requests, not chat"
    );
    assert_eq!(m.trigger_type, TriggerType::Keyword);
    assert!(matches!(m.triggers[0].data, TriggerData::ClipRequests(_)));
}

#[test]
fn by_default_the_chat_line_is_the_peak_bar_not_the_idle_velocity_rule() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let t0 = 1_790_000_000_000i64;
    core.on_event(Ts(t0), &chat(1, "hello"));
    let early = core.velocity();
    assert!(early.peak_bar && early.threshold == 0.0, "{early:?}");
    for s in 1..300 {
        core.on_event(Ts(t0 + s * 1000), &chat(s as u64 % 30, "so anyway"));
    }
    let v = core.velocity();
    assert!(v.peak_bar, "{v:?}");
    // One message a second: a peak needs 1.3× that.
    assert!((v.threshold - 1.3).abs() < 0.1, "{v:?}");
    assert!((v.chart_rate - 1.0).abs() < 0.1, "{v:?}");
    // One chatter spamming 5 a second: chat velocity says so, the chart counts what can make
    // a moment (a chatter at most twice a window), in the bar's units.
    for i in 0..50 {
        core.on_event(Ts(t0 + 300_000 + i * 200), &chat(999, "spam spam"));
    }
    let v = core.velocity();
    assert!(v.rate > 4.0, "{v:?}");
    assert!(v.chart_rate < 1.5, "{v:?}");
    let mut rule = Config::default();
    rule.peaks.enabled = false;
    let mut core = Core::new(&rule, OffsetBase::FirstEvent);
    assert!(!core.velocity().peak_bar);
    // The velocity rule counts a chatter at most twice a window too: so does its chart.
    for i in 0..50 {
        core.on_event(Ts(t0 + i * 200), &chat(999, "spam spam"));
    }
    let v = core.velocity();
    assert!(v.rate > 4.0 && v.chart_rate < 1.0, "{v:?}");
}

/// Chat that joins at `t0` (the stream started `age_s` before), talks for 100 s, then reacts
/// at 5 times its rate: the chat peaks it made into moments.
fn peaks_after_joining(cfg: &Config, age_s: i64, raid_first: bool) -> Vec<Moment> {
    let t0 = 1_790_000_000_000i64;
    peaks_after_live(cfg, Some(Ts(t0 - age_s * 1000)), false, raid_first)
}

/// As `peaks_after_joining`, with the live state's start time as given (`None`: the stream
/// probe, which has none) and, with `offline_first`, the channel seen offline before it.
fn peaks_after_live(
    cfg: &Config,
    started_at: Option<Ts>,
    offline_first: bool,
    raid_first: bool,
) -> Vec<Moment> {
    let mut core = Core::new(cfg, OffsetBase::StreamStart);
    let t0 = 1_790_000_000_000i64;
    let live = Event::Live {
        title: None,
        started_at,
        stream_id: None,
    };
    let mut found = Vec::new();
    if offline_first {
        // As the engine says it when the first status is offline (no session to end).
        core.on_tick(Ts(t0 - 1000));
        core.saw_offline();
    }
    if raid_first {
        let raid = Event::Raid {
            from: "big".into(),
            viewers: 500,
        };
        found.extend(moments(core.on_event(Ts(t0), &raid)));
    }
    found.extend(moments(core.on_event(Ts(t0), &live)));
    let talk = [
        "so anyway",
        "what is he doing",
        "nice one",
        "lol ok",
        "where is he",
    ];
    for i in 0..200i64 {
        let text = talk[i as usize % talk.len()];
        found.extend(moments(
            core.on_event(Ts(t0 + i * 500), &chat(i as u64 % 40, text)),
        ));
    }
    for i in 0..100i64 {
        let text = ["LUL", "OMG LUL", "no way", "LMAO"][i as usize % 4];
        let t = Ts(t0 + 100_000 + i * 100);
        found.extend(moments(core.on_event(t, &chat(100 + i as u64, text))));
    }
    for s in 110..170 {
        found.extend(moments(core.on_tick(Ts(t0 + s * 1000))));
    }
    found
        .into_iter()
        .filter(|m| {
            m.triggers
                .iter()
                .any(|t| matches!(t.data, TriggerData::Peak(_)))
        })
        .collect()
}

#[test]
fn joining_a_running_stream_has_no_warm_up_a_fresh_start_does() {
    let cfg = Config::default();
    let joined = peaks_after_joining(&cfg, 7200, false);
    assert_eq!(
        joined.len(),
        1,
        "a reaction 100 s after joining: {joined:?}"
    );
    assert!(
        peaks_after_joining(&cfg, 0, false).is_empty(),
        "100 s into a stream is still its warm-up"
    );
    // Live from the stream probe (no start time) as the first thing seen: a running stream.
    assert_eq!(peaks_after_live(&cfg, None, false, false).len(), 1);
    // Offline first, then live with no start time: the stream starts now.
    assert!(peaks_after_live(&cfg, None, true, false).is_empty());
    // A raid just before the stream's live state arrived keeps its damping.
    let mut damped = Config::default();
    damped.chat.raid_damping_seconds = 180;
    assert!(peaks_after_joining(&damped, 7200, true).is_empty());
}

/// A modest reaction, then, inside the gap between moments (about 40 s later), a flood many
/// times bigger: two moments, through the detector and the moments' cooldown alike. The
/// flood was dropped (the detector's gap, then the builder's cooldown).
#[test]
fn a_far_bigger_flood_soon_after_a_moment_is_a_moment_too() {
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let t0 = 1_790_000_000_000i64;
    let mut found = Vec::new();
    let mut user = 10_000u64;
    for s in 0..1100i64 {
        let t = |i: i64, n: i64| Ts(t0 + s * 1000 + i * 1000 / n);
        let (n, text) = match s {
            900..915 => (3, "LUL"),
            935..945 => (25, "NO WAY"),
            _ => (1, "talking about the game"),
        };
        for i in 0..n {
            let who = if n == 1 {
                s as u64 % 40
            } else {
                user += 1;
                user
            };
            found.extend(moments(core.on_event(t(i, n), &chat(who, text))));
        }
        found.extend(moments(core.on_tick(Ts(t0 + (s + 1) * 1000))));
    }
    found.extend(moments(core.finish(Ts(t0 + 1_100_000))));
    assert_eq!(found.len(), 2, "{found:#?}");
    let gap = found[1].at.secs_since(found[0].at);
    assert!(
        (15.0..45.0).contains(&gap),
        "inside the gap and the cooldown: {gap} s"
    );
}
