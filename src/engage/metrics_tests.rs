use super::*;
use crate::config::Engagement;

fn secs(s: i64) -> Ts {
    Ts(s * 1000)
}

/// Feeds `per_s` messages a second from `chatters` users for seconds `from..to`.
fn chat(m: &mut Metrics, from: i64, to: i64, per_s: u32, chatters: u64) {
    let mut k = 0u64;
    for s in from..to {
        for _ in 0..per_s {
            m.on_chat(secs(s), k % chatters.max(1));
            k += 1;
        }
        m.close_second(secs(s + 1));
    }
}

#[test]
fn no_score_until_a_window_has_passed_then_fifty_at_the_baseline() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    chat(&mut m, 0, 30, 2, 10);
    assert_eq!(m.engagement(), None);
    chat(&mut m, 30, 1200, 2, 10);
    let e = m.engagement().unwrap();
    assert!((45.0..=55.0).contains(&e), "steady chat scores {e}");
    assert!((m.chat_per_min() - 120.0).abs() < 1e-9);
    assert_eq!(m.unique_chatters(), 10);
}

/// A very steep curve is a step, not NaN ("not scored"): r^1000 overflowed to inf / inf.
#[test]
fn a_steep_curve_still_scores() {
    let cfg = Engagement {
        steepness: 1000.0,
        ..Engagement::default()
    };
    let mut m = Metrics::new(&cfg, 5.0);
    m.start_session(secs(0));
    chat(&mut m, 0, 1200, 2, 10);
    chat(&mut m, 1200, 1260, 20, 40);
    let e = m.engagement().expect("a score");
    assert!(e.is_finite() && e > 50.0, "{e}");
}

#[test]
fn more_chat_scores_higher_and_silence_lower_whatever_the_channel_size() {
    for (viewers, rate, chatters) in [(30u32, 1u32, 5u64), (30_000, 100, 2_000)] {
        let mut m = Metrics::new(&Engagement::default(), 5.0);
        m.start_session(secs(0));
        m.on_viewers(viewers);
        chat(&mut m, 0, 1200, rate, chatters);
        chat(&mut m, 1200, 1260, rate * 4, chatters * 3);
        let hot = m.engagement().unwrap();
        chat(&mut m, 1260, 1500, 0, 1);
        let cold = m.engagement().unwrap();
        assert!(hot > 70.0, "{viewers} viewers: 4x chat scores {hot}");
        assert!(cold < 25.0, "{viewers} viewers: silence scores {cold}");
    }
}

#[test]
fn money_is_counted_in_dollars_and_lifts_the_score() {
    let mut m = Metrics::new(&Engagement::default(), 4.99);
    m.start_session(secs(0));
    chat(&mut m, 0, 600, 1, 5);
    let before = m.engagement().unwrap();
    let gift = Event::GiftedSubs {
        gifter: "a".into(),
        count: 5,
    };
    let kicks = Event::Kicks {
        sender: "b".into(),
        amount: 500,
        message: String::new(),
    };
    let bits = Event::Bits {
        username: "c".into(),
        amount: 100,
    };
    let don = Event::Donation {
        username: "d".into(),
        amount_usd: 10.0,
        message: String::new(),
    };
    assert!((m.on_event(secs(600), &gift).unwrap().usd - 24.95).abs() < 1e-9);
    assert_eq!(m.on_event(secs(600), &kicks).unwrap().usd, 5.0);
    assert_eq!(m.on_event(secs(600), &bits).unwrap().usd, 1.0);
    assert_eq!(m.on_event(secs(600), &don).unwrap().kind, "donation");
    assert!(
        m.on_event(
            secs(600),
            &Event::Offline {
                ended_at: None,
                stream_id: None,
            }
        )
        .is_none()
    );
    chat(&mut m, 600, 610, 1, 5);
    assert!(m.engagement().unwrap() > before + 5.0);
    let t = &m.totals;
    assert_eq!((t.subs, t.kicks, t.bits, t.events), (5, 500, 100, 4));
    assert!((t.revenue_usd - 40.95).abs() < 1e-9);
    // 10 minutes in: counted as 15 (the floor), so $40.95 reads as $163.80/hr.
    assert!((m.revenue_per_hour(secs(610)) - 40.95 * 4.0).abs() < 1e-6);
}

/// A gift now and then is not the stream's usual: steady chat with one gift an hour scores
/// about 50 between gifts (the mean money rate as the usual read 42), and more just after.
#[test]
fn sporadic_money_leaves_the_usual_at_fifty() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    // Two tips a time: adding them and taking them out of the window leaves float dust
    // (0.1 + 0.2 - 0.1 - 0.2 is not 0), which must not count as money.
    let tip = |usd: f64| Event::Donation {
        username: "d".into(),
        amount_usd: usd,
        message: String::new(),
    };
    let (mut between, mut after) = (Vec::new(), Vec::new());
    let mut t = 0;
    for _ in 0..4 {
        // An hour of steady chat, then a gift and a minute more.
        chat(&mut m, t, t + 3600, 2, 10);
        between.push(m.engagement().unwrap());
        m.on_event(secs(t + 3600), &tip(0.1));
        m.on_event(secs(t + 3600), &tip(0.2));
        chat(&mut m, t + 3600, t + 3660, 2, 10);
        after.push(m.engagement().unwrap());
        t += 3660;
    }
    for e in &between[1..] {
        assert!((47.0..=53.0).contains(e), "between gifts: {between:?}");
    }
    assert!(
        after.iter().all(|&a| a > 55.0),
        "just after a gift: {after:?}"
    );
}

/// 20 minutes of steady chat before 262 viewers, then `after` viewers with the same chat.
fn engagement_after_viewers(steps: &[u32]) -> f64 {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    m.on_viewers(262);
    chat(&mut m, 0, 1200, 2, 20);
    let mut t = 1200;
    for &v in steps {
        m.on_viewers(v);
        chat(&mut m, t, t + 60, 2, 20);
        t += 60;
    }
    chat(&mut m, t, t + 120, 2, 20);
    m.engagement().unwrap()
}

#[test]
fn a_viewer_count_of_zero_for_a_while_starts_nothing_over() {
    // A steady chat at 100 viewers, the API saying 0 for 15 s, then 100 again; chat then
    // triples: it still scores high (the baselines were not learnt again from it).
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    m.on_viewers(100);
    chat(&mut m, 0, 1200, 3, 20);
    m.on_viewers(0);
    chat(&mut m, 1200, 1215, 3, 20);
    assert!(m.engagement().is_some(), "still scored");
    m.on_viewers(100);
    chat(&mut m, 1215, 1300, 9, 40);
    let e = m.engagement().unwrap();
    assert!(e > 60.0, "{e}");
}

#[test]
fn a_raid_of_quiet_viewers_does_not_sink_the_score() {
    // 262 → 610 at once (a raid), and in two polls; the newcomers do not chat yet.
    for steps in [&[610][..], &[450, 610], &[100]] {
        let e = engagement_after_viewers(steps);
        assert!((45.0..=55.0).contains(&e), "{steps:?}: {e}");
    }
}

#[test]
fn an_audience_drifting_up_faster_than_its_chat_scores_lower() {
    // +5 % a minute for 15 minutes (polls drift, no jump), chat unchanged.
    let steps: Vec<u32> = (1..=15).map(|i| (262.0 * 1.05f64.powi(i)) as u32).collect();
    let e = engagement_after_viewers(&steps);
    assert!(e < 45.0, "{e}");
}

#[test]
fn a_raids_welcome_is_scored_but_not_counted_for_the_activity() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    chat(&mut m, 0, 600, 2, 20);
    let (before, shown_before) = (m.lifetime.seconds, m.stats.seconds);
    // The raid at 600 s: 90 s of raiders greeting, then ordinary chat again.
    m.hold_rewards(secs(690), Held::Raid);
    chat(&mut m, 600, 690, 12, 200);
    let hype = m.engagement().unwrap();
    chat(&mut m, 690, 720, 2, 20);
    assert!(hype > 70.0, "the score still shows the welcome: {hype}");
    assert_eq!(m.stats.seconds - shown_before, 120, "reported");
    assert_eq!(m.lifetime.seconds - before, 30, "counted for segments");
    assert_eq!(m.lifetime.held[Held::Raid as usize], 90, "and why not");
}

#[test]
fn steady_chat_reads_fifty_from_the_first_scored_second_on() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    // Ten seconds in, the rate is over those ten seconds, not the whole minute.
    chat(&mut m, 0, 10, 3, 30);
    assert!(
        (m.chat_per_min() - 180.0).abs() < 1e-9,
        "{}",
        m.chat_per_min()
    );
    let mut seen = Vec::new();
    for s in 10..300 {
        for k in 0..3 {
            m.on_chat(secs(s), (s as u64 * 3 + k) % 30);
        }
        m.close_second(secs(s + 1));
        seen.extend(m.engagement());
    }
    let (lo, hi) = seen
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &e| (l.min(e), h.max(e)));
    assert!(
        lo >= 48.0 && hi <= 52.0,
        "steady chat read {lo:.1}..{hi:.1}"
    );
}

#[test]
fn a_switch_and_a_chat_outage_credit_no_activity_for_a_window() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    chat(&mut m, 0, 600, 2, 20);
    let counted = |m: &Metrics| m.lifetime.seconds;
    let before = counted(&m);
    // A new activity at 600 s: its first minute still shows the old one's chat.
    m.settle_after_switch(secs(600));
    chat(&mut m, 600, 700, 2, 20);
    assert_eq!(counted(&m) - before, 40, "seconds 660..700 only");
    // Chat down for 10 minutes, then back: the gap and the window after it count for nobody,
    // and teach the usual level nothing (steady chat afterwards still reads about 50).
    let before = counted(&m);
    m.chat_down();
    chat(&mut m, 700, 1300, 0, 1);
    m.chat_up(secs(1300));
    chat(&mut m, 1300, 1450, 2, 20);
    assert_eq!(counted(&m) - before, 90, "seconds 1360..1450 only");
    let e = m.engagement().unwrap();
    assert!(
        (45.0..=55.0).contains(&e),
        "after the outage steady chat reads {e}"
    );
}

#[test]
fn an_outage_before_any_usual_level_is_learnt_scores_nothing_not_a_peak() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    // Down 40 s in, before a full window was ever learnt from; back at 100 s.
    chat(&mut m, 0, 40, 2, 20);
    m.chat_down();
    chat(&mut m, 40, 100, 0, 1);
    m.chat_up(secs(100));
    chat(&mut m, 100, 150, 2, 20);
    assert_eq!(m.engagement(), None, "nothing to compare with yet");
    // Once a full window after the refill is learnt from, steady chat reads about 50.
    chat(&mut m, 150, 400, 2, 20);
    let e = m.engagement().unwrap();
    assert!((45.0..=55.0).contains(&e), "steady chat reads {e}");
}

/// A stream's first ten minutes (a third of the 30-minute baseline) are scored and shown but
/// credited to no activity: measured against a usual level learnt from themselves, they read
/// about 50 whatever was done, and the bandit would learn the order of activities.
#[test]
fn a_streams_first_part_is_shown_but_not_credited() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    chat(&mut m, 0, 600, 6, 30);
    assert!(m.engagement().is_some(), "shown");
    assert_eq!(m.lifetime.seconds, 0, "not credited");
    assert_eq!(
        m.lifetime.held[Held::Learning as usize] + m.lifetime.held[Held::NoScore as usize],
        600,
        "said why: {:?}",
        m.lifetime.held
    );
    chat(&mut m, 600, 660, 6, 30);
    assert_eq!(m.lifetime.seconds, 60);
    // A new stream learns again.
    m.start_session(secs(1000));
    chat(&mut m, 1000, 1300, 6, 30);
    assert_eq!(m.lifetime.seconds, 60);
}

/// Gifts in the waiting room before a stream: the engine makes that session the stream's,
/// and the stream's totals (the dashboard's) then hold them, as the report does.
#[test]
fn the_waiting_rooms_money_can_become_the_streams() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    let kicks = Event::Kicks {
        sender: "b".into(),
        amount: 100,
        message: String::new(),
    };
    m.on_event(secs(10), &kicks);
    m.start_session(secs(60));
    assert_eq!(m.totals.revenue_usd, 0.0);
    m.on_event(secs(70), &kicks);
    m.take_previous_money();
    assert_eq!((m.totals.revenue_usd, m.totals.events), (2.0, 2));
    // Per hour over the time it covers (at least 15 minutes).
    assert!((m.revenue_per_hour(secs(80)) - 8.0).abs() < 1e-9);
    // Taken once.
    m.take_previous_money();
    assert_eq!(m.totals.revenue_usd, 2.0);
}

/// Restarted mid-stream: the money the earlier run stored goes on in the totals and the
/// revenue per hour, and does not lift the new run's score.
#[test]
fn an_earlier_runs_money_carries_into_the_totals_not_the_score() {
    let mut m = Metrics::new(&Engagement::default(), 5.0);
    m.start_session(secs(0));
    chat(&mut m, 0, 900, 2, 10);
    let before = m.engagement().unwrap();
    let kicks = |amount| Event::Kicks {
        sender: String::new(),
        amount,
        message: String::new(),
    };
    m.on_event(secs(890), &kicks(500));
    m.carry_money(&[
        (secs(100), kicks(1000)),
        (
            secs(200),
            Event::Subscription {
                username: String::new(),
                months: 1,
            },
        ),
    ]);
    assert_eq!((m.totals.revenue_usd, m.totals.subs), (20.0, 1));
    assert!((m.revenue_per_hour(secs(900)) - 80.0).abs() < 1e-9);
    chat(&mut m, 900, 901, 2, 10);
    let after = m.engagement().unwrap();
    let five_dollars_only = {
        let mut n = Metrics::new(&Engagement::default(), 5.0);
        n.start_session(secs(0));
        chat(&mut n, 0, 900, 2, 10);
        n.on_event(secs(890), &kicks(500));
        chat(&mut n, 900, 901, 2, 10);
        n.engagement().unwrap()
    };
    assert!((after - five_dollars_only).abs() < 1e-9, "{before} {after}");
}

/// A gift just before a switch lifts the score shown, not the next activity's credit: with
/// the same chat, the new activity is credited as if the gift had not come.
#[test]
fn money_before_a_switch_is_not_the_next_activitys() {
    let run = |gift: bool| {
        let mut m = Metrics::new(&Engagement::default(), 5.0);
        m.start_session(secs(0));
        chat(&mut m, 0, 1200, 3, 20);
        if gift {
            let kicks = Event::Kicks {
                sender: "a".into(),
                amount: 5000,
                message: String::new(),
            };
            m.on_event(secs(1170), &kicks);
        }
        m.settle_after_switch(secs(1200));
        let before = m.lifetime;
        chat(&mut m, 1200, 1400, 3, 20);
        let credited = (m.lifetime.sum - before.sum) / (m.lifetime.seconds - before.seconds) as f64;
        (credited, m.engagement().unwrap_or(0.0))
    };
    let (with_gift, shown_with) = run(true);
    let (without, shown_without) = run(false);
    assert!(
        shown_with > shown_without + 5.0,
        "{shown_with} {shown_without}"
    );
    assert!((with_gift - without).abs() < 1e-6, "{with_gift} {without}");
}
