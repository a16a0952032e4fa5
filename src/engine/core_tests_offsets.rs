//! Where moments sit against the stream: a mark from before the start, a moment after the
//! stream went offline, a real start after a guessed one, and a moment building as the stream
//! starts.

use super::*;

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
