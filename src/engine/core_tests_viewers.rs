//! Viewer spikes: a new stream's counts are not measured against the last stream, its opening
//! counts are none, and a later tenfold jump is one moment scored sanely.

use super::*;

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
