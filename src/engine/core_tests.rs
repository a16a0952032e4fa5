//! The core's moment timing: shown while building, then final.

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

/// The live start the core takes from `started_at`, seen through the `Live` effect.
fn live_start(now: Ts, started_at: Option<Ts>) -> Option<Ts> {
    let (_, out) = live_core(now, started_at);
    out.into_iter().find_map(|e| match e {
        Effect::Live { at, .. } => Some(at),
        _ => None,
    })
}

#[test]
fn a_stream_start_in_the_future_or_ages_ago_is_not_believed() {
    let now = Ts(1_790_000_000_000);
    let ten_min_ago = now.plus_ms(-600_000);
    assert_eq!(live_start(now, Some(ten_min_ago)), Some(ten_min_ago));
    assert_eq!(live_start(now, None), Some(now));
    assert_eq!(live_start(now, Some(now.plus_ms(3_600_000))), Some(now));
    assert_eq!(live_start(now, Some(Ts(i64::MAX))), Some(now));
    assert_eq!(live_start(now, Some(Ts(0))), Some(now), "the epoch");
}

/// A title with escape sequences (a screen clear, a window title, a clipboard write) reaches
/// the log file, headless stdout and the report without them; one of only those is none.
#[test]
fn a_streams_title_loses_its_escape_sequences_on_the_way_in() {
    let title_of = |title: &str| {
        let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
        let live = Event::Live {
            title: Some(title.into()),
            started_at: None,
            stream_id: None,
        };
        core.on_event(Ts(1_790_000_000_000), &live)
            .into_iter()
            .find_map(|e| match e {
                Effect::Live { title, .. } => Some(title),
                _ => None,
            })
            .expect("a Live effect")
    };
    assert_eq!(
        title_of("\x1b]0;PWNED\x07Ranked \x1b[2J\x1b]52;c;ZWNobw==\x07grind\n"),
        Some("Ranked grind".into())
    );
    assert_eq!(title_of("\x1b[2J"), None);
    assert_eq!(title_of("草 ランク 🎉"), Some("草 ランク 🎉".into()));
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

/// A mark taken for 3 s before the key, pressed just as the stream went live, sits at the
/// stream's start with a window that holds it (it was stored at 0:00:00 with a clip window
/// from 0:00:02 to 0:00:10, which did not).
#[test]
fn a_mark_from_before_the_stream_started_is_at_its_start_inside_its_window() {
    let t0 = Ts(1_790_000_000_000);
    let (mut core, _) = live_core(t0, Some(t0));
    let m = core.mark(t0.plus_ms(-2_500), None);
    assert_eq!(m.at, t0);
    assert_eq!(m.offset_s, 0.0);
    assert_eq!(m.clip_start, t0);
    assert!(m.clip_end > m.at);
    let stored = crate::store::MomentInsert::from_moment(1, &m);
    assert_eq!(stored.clip_start_offset_s, 0.0);
    assert_eq!(stored.clip_end_offset_s, m.clip_end.secs_since(t0));
}

/// A new stream starts from its own viewer counts: opening with 600 viewers after a stream
/// of 100 is no spike (the last stream's median was the baseline).
#[test]
fn a_new_stream_is_not_a_viewer_spike_against_the_last_one() {
    let t0 = Ts(1_790_000_000_000);
    let (mut core, mut out) = live_core(t0, None);
    for i in 1..=6 {
        out.extend(core.on_event(
            t0.plus_secs(60.0 * i as f64),
            &Event::Viewers { count: 100 },
        ));
    }
    let t1 = t0.plus_secs(3600.0);
    out.extend(core.on_event(
        t1,
        &Event::Offline {
            ended_at: None,
            stream_id: None,
        },
    ));
    out.extend(core.on_event(t1.plus_secs(600.0), &live_event(None)));
    for i in 1..=4 {
        let at = t1.plus_secs(600.0 + 60.0 * i as f64);
        out.extend(core.on_event(at, &Event::Viewers { count: 600 }));
    }
    for s in 0..120 {
        out.extend(core.on_tick(t1.plus_secs(900.0 + s as f64)));
    }
    let spikes = out
        .iter()
        .filter(|e| {
            matches!(e, Effect::Moment(m) | Effect::MomentBuilding(m)
                if m.trigger_type == crate::domain::TriggerType::ViewerSpike)
        })
        .count();
    assert_eq!(spikes, 0, "{out:?}");
}

fn viewer_spikes(out: &[Effect]) -> Vec<f64> {
    out.iter()
        .filter_map(|e| match e {
            Effect::Moment(m) if m.trigger_type == crate::domain::TriggerType::ViewerSpike => {
                Some(m.score)
            }
            _ => None,
        })
        .collect()
}

/// A stream's first counts (0 until the platform has counted, then its audience arriving)
/// make no viewer spike; a tenfold jump later is one moment, scored like a big raid, not
/// thousands (400 after three zeros scored 2695.6 and topped every list).
#[test]
fn a_streams_opening_counts_are_no_viewer_spike_and_a_later_jump_scores_sanely() {
    let t0 = Ts(1_790_000_000_000);
    let (mut core, mut out) = live_core(t0, Some(t0));
    let minute = |m: f64| t0.plus_secs(60.0 * m);
    for (m, count) in [0, 0, 0, 400, 420, 410].into_iter().enumerate() {
        out.extend(core.on_event(minute(m as f64 + 1.0), &Event::Viewers { count }));
    }
    for m in 7..20 {
        out.extend(core.on_event(minute(m as f64), &Event::Viewers { count: 420 }));
    }
    for s in 0..120 {
        out.extend(core.on_tick(minute(19.0).plus_secs(s as f64)));
    }
    assert_eq!(viewer_spikes(&out), Vec::<f64>::new());
    out.extend(core.on_event(minute(21.0), &Event::Viewers { count: 4200 }));
    for s in 0..120 {
        out.extend(core.on_tick(minute(21.0).plus_secs(s as f64)));
    }
    let spikes = viewer_spikes(&out);
    assert_eq!(spikes.len(), 1, "{spikes:?}");
    assert!((30.0..50.0).contains(&spikes[0]), "{spikes:?}");
}

/// A moment after the stream went offline (a donation between streams) counts from the
/// offline time, not from the ended stream's start.
#[test]
fn an_offline_moment_counts_from_the_end_of_the_stream() {
    let t0 = Ts(1_790_000_000_000);
    let (mut core, _) = live_core(t0, None);
    let t1 = t0.plus_secs(3600.0);
    core.on_event(
        t1,
        &Event::Offline {
            ended_at: None,
            stream_id: None,
        },
    );
    let mut out = core.on_event(t1.plus_secs(300.0), &kicks(1000));
    for s in 1..=40 {
        out.extend(core.on_tick(t1.plus_secs(300.0 + s as f64)));
    }
    let offsets: Vec<f64> = out
        .iter()
        .filter_map(|e| match e {
            Effect::Moment(m) => Some(m.offset_s),
            _ => None,
        })
        .collect();
    assert_eq!(offsets, vec![300.0], "{out:?}");
    // The offline session the engine opens for the next money, at its time: its moment is
    // at the session's start, not 400 s after the stream's end.
    let at = t1.plus_secs(400.0);
    core.offline_session_opened(at);
    let mut out = core.on_event(at, &kicks(1000));
    for s in 1..=40 {
        out.extend(core.on_tick(at.plus_secs(s as f64)));
    }
    let finals: Vec<(Ts, f64)> = out
        .iter()
        .filter_map(|e| match e {
            Effect::Moment(m) => Some((m.at, m.offset_s)),
            _ => None,
        })
        .collect();
    assert_eq!(finals, vec![(at, 0.0)], "{out:?}");
}

/// Live from the stream probe (no start time) while the API was blocked, then the API's
/// live with the real start, 20 minutes earlier: offsets count from the real start, once;
/// a later start (the same stream said again) changes nothing.
#[test]
fn a_real_start_after_a_guessed_one_moves_the_offsets_once() {
    let t0 = Ts(1_790_000_000_000);
    let (mut core, _) = live_core(t0, None);
    let before = core.mark(t0.plus_secs(60.0), None);
    assert_eq!(before.offset_s, 60.0);
    let real = t0.plus_secs(-1200.0);
    let known = |out: &[Effect]| -> Vec<(Ts, Ts)> {
        out.iter()
            .filter_map(|e| match e {
                Effect::StartKnown { at, was, .. } => Some((*at, *was)),
                _ => None,
            })
            .collect()
    };
    let out = core.on_event(t0.plus_secs(90.0), &live_event(Some(real)));
    assert_eq!(known(&out), vec![(real, t0)]);
    let mut moved = before.clone();
    crate::engine::update::shift_offset(&mut moved, real, t0);
    assert_eq!(moved.offset_s, 1260.0, "the mark from before, counted anew");
    assert_eq!(core.mark(t0.plus_secs(120.0), None).offset_s, 1320.0);
    let again = core.on_event(
        t0.plus_secs(150.0),
        &live_event(Some(real.plus_secs(-600.0))),
    );
    assert!(known(&again).is_empty(), "{again:?}");
    // A start from the API at once is no guess: nothing to replace.
    let (mut core, _) = live_core(t0, Some(t0));
    assert!(known(&core.on_event(t0.plus_secs(30.0), &live_event(Some(real)))).is_empty());
    // Nor one a resumed session stored as real, the live said without a start this time.
    let (mut core, _) = live_core(t0, None);
    core.set_stream_start(real, true);
    let off = real.plus_secs(-1.5);
    assert!(known(&core.on_event(t0.plus_secs(30.0), &live_event(Some(off)))).is_empty());
}

fn broadcast(id: u64, started_at: Ts) -> Event {
    Event::Live {
        title: None,
        started_at: Some(started_at),
        stream_id: Some(id),
    }
}

fn lives_and_ends(out: &[Effect]) -> Vec<String> {
    out.iter()
        .filter_map(|e| match e {
            Effect::Live { stream_id, .. } => Some(format!("live {stream_id:?}")),
            Effect::Offline { at } => Some(format!("offline {}", at.0)),
            _ => None,
        })
        .collect()
}

/// Around a restart, frames come late or go missing: a "stream ended" about the broadcast
/// before does not end the live one, and a new broadcast while one is live ends the old
/// session where the new one starts (it merged two broadcasts into one session).
#[test]
fn a_late_end_of_another_broadcast_is_ignored_a_new_one_starts_its_own_session() {
    let t0 = Ts(1_790_000_000_000);
    let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
    let mut out = core.on_event(t0, &broadcast(10, t0));
    let stale = Event::Offline {
        ended_at: None,
        stream_id: Some(9),
    };
    out.extend(core.on_event(t0.plus_secs(60.0), &stale));
    assert!(core.totals.is_live, "{out:?}");
    assert_eq!(core.live_stream_id(), Some(10));

    let restart = t0.plus_secs(600.0);
    out.extend(core.on_event(restart.plus_secs(5.0), &broadcast(11, restart)));
    assert_eq!(
        lives_and_ends(&out),
        [
            "live Some(10)".to_string(),
            format!("offline {}", restart.0),
            "live Some(11)".to_string()
        ]
    );
    // The same broadcast said again is no new session; its own end ends it.
    out.clear();
    out.extend(core.on_event(restart.plus_secs(30.0), &broadcast(11, restart)));
    let end = Event::Offline {
        ended_at: None,
        stream_id: Some(11),
    };
    out.extend(core.on_event(restart.plus_secs(90.0), &end));
    assert_eq!(
        lives_and_ends(&out),
        [format!("offline {}", restart.plus_secs(90.0).0)]
    );
}

/// Subs building a moment seconds before the stream goes live stay the waiting room's: the
/// moment closes before the stream's start, and a raid 7 s into the stream is its own
/// moment at its own time (it was merged into the subs' moment, stored in the offline
/// session and never clipped).
#[test]
fn a_moment_building_when_the_stream_starts_stays_before_it() {
    let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
    let t0 = Ts(1_790_000_000_000);
    core.on_tick(t0);
    let mut out = core.on_event(t0.plus_secs(20.0), &kicks(1000));
    let live = t0.plus_secs(23.0);
    out.extend(core.on_event(live, &live_event(Some(live))));
    let raid = Event::Raid {
        from: "friend".into(),
        viewers: 500,
    };
    out.extend(core.on_event(live.plus_secs(7.0), &raid));
    let order: Vec<String> = out
        .iter()
        .filter_map(|e| match e {
            Effect::Moment(m) => Some(format!("final {:?} +{}", m.trigger_type, m.offset_s)),
            Effect::MomentBuilding(m) => Some(format!("building {:?}", m.trigger_type)),
            Effect::Live { .. } => Some("live".into()),
            _ => None,
        })
        .collect();
    assert_eq!(
        order,
        [
            "building Donation",
            "final Donation +20",
            "live",
            "building Raid"
        ],
        "{out:?}"
    );
    // Live with no start (the stream probe) and never seen offline: the stream was running
    // as kicktui joined, and the moment building is its own: it goes on.
    let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
    core.on_tick(t0);
    core.on_event(t0.plus_secs(20.0), &kicks(1000));
    let out = core.on_event(live, &live_event(None));
    assert!(core.open_moment().is_some(), "{out:?}");
    assert!(
        !out.iter().any(|e| matches!(e, Effect::Moment(_))),
        "{out:?}"
    );
}
