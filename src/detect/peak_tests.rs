use super::*;

/// Drives a detector second by second: `per_sec(s)` gives the messages of second `s` as
/// (user, text). `quiet_until` is the core's warm-up. Returns (second closed, trigger).
fn run(
    d: &mut PeakDetector,
    secs: std::ops::Range<i64>,
    quiet_until: i64,
    per_sec: impl Fn(i64) -> Vec<(u64, String)>,
) -> Vec<(i64, Trigger)> {
    let mut out = Vec::new();
    for s in secs {
        let msgs = per_sec(s);
        let n = msgs.len().max(1) as i64;
        for (i, (user, text)) in msgs.into_iter().enumerate() {
            d.on_message(Ts(s * 1000 + i as i64 * 1000 / n), user, &text);
        }
        if let Some(t) = d.close_second(Ts((s + 1) * 1000), s + 1 < quiet_until) {
            out.push((s + 1, t));
        }
    }
    out
}

/// Ordinary chat: one message a second, every chatter saying something different.
fn talk(s: i64) -> Vec<(u64, String)> {
    vec![(
        s as u64 % 40,
        format!("talking about thing number {s} today"),
    )]
}

/// `n` different chatters per second typing the same reaction.
fn reaction(word: &'static str, n: u64) -> impl Fn(i64) -> Vec<(u64, String)> {
    move |s| {
        (0..n)
            .map(|i| (1000 + s as u64 * 100 + i, word.to_string()))
            .collect()
    }
}

fn det() -> PeakDetector {
    PeakDetector::new(&PeaksConfig::default())
}

#[test]
fn a_wall_of_kick_emote_tags_scores_as_the_same_emotes_typed_as_words() {
    // Three chatters a second, sending the emote once, twice, three times (Kick puts tags
    // back to back; on Twitch they are words).
    let peak_p = |one: &'static str, sep: &'static str| {
        let mut d = det();
        run(&mut d, 0..900, 0, talk);
        run(&mut d, 900..915, 0, |s| {
            (0..3)
                .map(|i| {
                    (
                        1000 + s as u64 * 100 + i,
                        vec![one; i as usize + 1].join(sep),
                    )
                })
                .collect()
        });
        let fired = run(&mut d, 915..960, 0, talk);
        match fired.first().map(|(_, t)| &t.data) {
            Some(TriggerData::Peak(p)) => p.p,
            other => panic!("{one}: {other:?}"),
        }
    };
    assert_eq!(peak_p("[emote:37226:KEKW]", ""), peak_p("KEKW", " "));
}

#[test]
fn steady_talk_makes_no_moment() {
    let mut d = det();
    assert!(run(&mut d, 0..1800, 0, talk).is_empty());
}

#[test]
fn a_reaction_peak_is_found_after_it_tops_out_and_placed_before_the_chat() {
    let mut d = det();
    run(&mut d, 0..900, 0, talk);
    let fired = run(&mut d, 900..915, 0, reaction("LUL", 3));
    assert!(fired.is_empty(), "not before the peak is confirmed");
    let fired = run(&mut d, 915..960, 0, talk);
    assert_eq!(fired.len(), 1, "{fired:?}");
    let (closed, t) = &fired[0];
    assert!(
        *closed <= 915 + 20 + 10,
        "decided soon after the burst: {closed}"
    );
    assert!(matches!(t.data, TriggerData::Peak(_)), "{t:?}");
    // The window's end minus the 18 s lead: before the chat burst began reacting.
    assert!(t.at.0 <= 915_000 && t.at.0 >= 880_000, "{:?}", t.at);
    assert!(
        t.strength >= 5.0,
        "probability at least 0.5: {}",
        t.strength
    );
}

#[test]
fn a_start_up_flood_of_greetings_does_not_fire() {
    let mut d = det();
    // kicktui starts with the stream: silence, then 300 people arriving and saying hi.
    let mut fired = run(&mut d, 0..30, 180, |_| vec![]);
    fired.extend(run(&mut d, 30..90, 180, |s| {
        (0..5)
            .map(|i| {
                (
                    s as u64 * 10 + i,
                    ["hi", "hello", "HEY chat"][i as usize % 3].into(),
                )
            })
            .collect()
    }));
    fired.extend(run(&mut d, 90..400, 180, talk));
    assert!(fired.is_empty(), "{fired:?}");
}

#[test]
fn a_surge_right_after_joining_is_found_within_seconds() {
    let mut d = det();
    // Joined a running stream: 40 s of ordinary chat, then 20x the rate, everyone typing CLIP.
    run(&mut d, 0..40, 180, talk);
    let fired = run(&mut d, 40..50, 180, reaction("CLIP", 20));
    let (closed, t) = fired.first().expect("found in the warm-up");
    assert!(*closed <= 45, "within seconds, closed at {closed}");
    assert!(matches!(t.data, TriggerData::Surge(_)), "{t:?}");
    assert!(t.strength > 9.0, "ranks above ordinary peaks");
}

#[test]
fn a_surge_late_in_a_stream_fires_at_once_too() {
    let mut d = det();
    run(&mut d, 0..3000, 0, talk);
    let fired = run(&mut d, 3000..3010, 0, reaction("KEKW", 25));
    let (closed, t) = fired.first().expect("found");
    assert!(*closed <= 3004, "{closed}");
    assert!(matches!(t.data, TriggerData::Surge(_)), "{t:?}");
}

#[test]
fn quiet_holds_back_ordinary_peaks() {
    let mut d = det();
    run(&mut d, 0..900, 0, talk);
    let mut fired = run(&mut d, 900..915, 10_000, reaction("LUL", 3));
    fired.extend(run(&mut d, 915..960, 10_000, talk));
    assert!(fired.is_empty(), "a raid's damping or the warm-up");
}

#[test]
fn a_few_regulars_talking_at_once_is_not_a_reaction() {
    // A small channel: a message every ten seconds, then three regulars at once.
    let quiet = |s: i64| {
        if s % 10 == 0 {
            vec![(s as u64 % 3, "lol".to_string())]
        } else {
            vec![]
        }
    };
    let three = |s: i64| vec![(s as u64 % 3, "LUL".to_string())];
    let mut d = det();
    run(&mut d, 0..900, 0, quiet);
    let mut fired = run(&mut d, 900..906, 0, three);
    fired.extend(run(&mut d, 906..960, 0, quiet));
    assert!(fired.is_empty(), "{fired:?}");
    // The same burst from six different chatters is one.
    let six = |s: i64| vec![(100 + s as u64 % 6, "LUL".to_string())];
    run(&mut d, 960..1500, 0, quiet);
    let mut fired = run(&mut d, 1500..1506, 0, six);
    fired.extend(run(&mut d, 1506..1560, 0, quiet));
    assert_eq!(fired.len(), 1, "{fired:?}");
}

type Fired = Vec<(i64, Trigger)>;

/// Ten minutes of talk, twelve strong reactions three minutes apart, then a weaker one.
/// Returns what fired during the strong ones and what fired for the weak one.
fn busy_hour(cfg: &PeaksConfig) -> (Fired, Fired) {
    let mut d = PeakDetector::new(cfg);
    run(&mut d, 0..600, 0, talk);
    let mut strong = Vec::new();
    for k in 0..12 {
        let at = 600 + 180 * k;
        strong.extend(run(&mut d, at..at + 15, 0, reaction("LUL", 8)));
        strong.extend(run(&mut d, at + 15..at + 180, 0, talk));
    }
    let at = 600 + 180 * 12;
    let mut weak = run(&mut d, at..at + 15, 0, reaction("LUL", 4));
    weak.extend(run(&mut d, at + 15..at + 120, 0, talk));
    (strong, weak)
}

#[test]
fn a_busy_hour_keeps_its_best_peaks_only() {
    let unlimited = PeaksConfig {
        top_per_hour: 0,
        ..PeaksConfig::default()
    };
    let (strong, weak) = busy_hour(&unlimited);
    assert_eq!(strong.len(), 12, "{strong:?}");
    assert_eq!(
        weak.len(),
        1,
        "on its own the weaker peak is a moment: {weak:?}"
    );
    // By default it ranks below ten better peaks of the last hour: not a moment.
    let (strong, weak) = busy_hour(&PeaksConfig::default());
    assert_eq!(strong.len(), 12, "{strong:?}");
    assert!(weak.is_empty(), "{weak:?}");
}

/// A big reaction, then a smaller second hump a minute later (chat still talking about it).
fn reaction_and_aftershock(d: &mut PeakDetector) -> usize {
    let mut fired = run(d, 0..900, 0, talk).len();
    fired += run(d, 900..915, 0, reaction("LUL", 4)).len();
    fired += run(d, 915..975, 0, talk).len();
    fired += run(d, 975..990, 0, reaction("LUL", 3)).len();
    fired + run(d, 990..1100, 0, talk).len()
}

/// A modest peak, then half a minute later a flood many times bigger (inside the gap
/// between moments): the flood is a reaction of its own, not the tail of the first. It was
/// held back by the gap, and then, as the busiest window of the look-back, it held back
/// the next one too.
#[test]
fn a_far_bigger_reaction_inside_the_gap_is_a_moment_of_its_own() {
    let mut d = det();
    run(&mut d, 0..900, 0, talk);
    let mut fired = run(&mut d, 900..915, 0, reaction("LUL", 3));
    fired.extend(run(&mut d, 915..930, 0, talk));
    assert_eq!(fired.len(), 1, "the modest peak: {fired:?}");
    let mut flood = run(&mut d, 930..940, 0, reaction("NO WAY", 25));
    flood.extend(run(&mut d, 940..1000, 0, talk));
    assert_eq!(flood.len(), 1, "{flood:?}");
    let gap = flood[0].1.at.secs_since(fired[0].1.at);
    assert!(gap < 60.0, "inside the 60 s gap: {gap}");
}

#[test]
fn a_second_hump_within_two_minutes_of_a_bigger_one_is_not_a_new_moment() {
    assert_eq!(reaction_and_aftershock(&mut det()), 1);
    let short_memory = PeaksConfig {
        lookback_seconds: 30,
        ..PeaksConfig::default()
    };
    let mut d = PeakDetector::new(&short_memory);
    assert_eq!(
        reaction_and_aftershock(&mut d),
        2,
        "it would pass on its own"
    );
}

#[test]
fn a_quiet_chat_gets_a_lower_bar() {
    assert_eq!(bar_for(0.5, 40.0), 0.5);
    assert_eq!(bar_for(0.5, 4.0), 0.5);
    let quiet = bar_for(0.5, 1.0);
    let quietest = bar_for(0.5, 0.4);
    assert!(quiet < 0.5 && quietest < quiet, "{quiet} {quietest}");
    assert!((quietest - 0.354).abs() < 0.01, "{quietest}");
    assert_eq!(bar_for(0.5, 0.01), quietest, "never below the floor");
    assert_eq!(
        bar_for(1.0, 0.4),
        1.0,
        "1: nothing fires, even on a quiet chat"
    );
    assert_eq!(bar_for(0.0, 40.0), 0.0);
}

#[test]
fn a_look_back_longer_than_the_baseline_is_kept_in_full() {
    let cfg = PeaksConfig {
        lookback_seconds: 300,
        baseline_seconds: 60,
        ..PeaksConfig::default()
    };
    // Long after the history is full, a smaller hump 3 minutes after a big one is inside the
    // 5-minute look-back: not a new moment (with a 30 s look-back it would be one).
    let humps = |cfg: &PeaksConfig| {
        let mut d = PeakDetector::new(cfg);
        let mut fired = run(&mut d, 0..900, 0, talk).len();
        fired += run(&mut d, 900..915, 0, reaction("LUL", 4)).len();
        fired += run(&mut d, 915..1095, 0, talk).len();
        fired += run(&mut d, 1095..1110, 0, reaction("LUL", 3)).len();
        fired + run(&mut d, 1110..1200, 0, talk).len()
    };
    assert_eq!(humps(&cfg), 1);
    let short = PeaksConfig {
        lookback_seconds: 30,
        ..cfg
    };
    assert_eq!(humps(&short), 2, "the second hump passes on its own");
}

#[test]
fn a_reaction_soon_after_joining_is_not_held_back_by_the_long_look_back() {
    let mut d = det();
    run(&mut d, 0..90, 0, talk);
    run(&mut d, 90..105, 0, reaction("LUL", 4));
    let fired = run(&mut d, 105..150, 0, talk);
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(
        fired[0].0 <= 105 + 12,
        "decided 10 s after the peak: {}",
        fired[0].0
    );
}

/// A quiet chat: one long message every 15 s.
fn quiet_talk(s: i64) -> Vec<(u64, String)> {
    if s % 15 == 0 {
        vec![(
            s as u64 % 10,
            format!("just chatting about thing {s} for a while"),
        )]
    } else {
        vec![]
    }
}

#[test]
fn on_a_quiet_chat_a_modest_reaction_clears_the_lower_bar() {
    let mut d = det();
    run(&mut d, 0..900, 0, quiet_talk);
    // Five chatters in 5 s saying the same thing: modest, but far above this chat's usual.
    let fired = run(&mut d, 900..915, 0, |s| {
        if (905..910).contains(&s) {
            vec![(500 + s as u64, "nice one".to_string())]
        } else {
            quiet_talk(s)
        }
    });
    let fired = [fired, run(&mut d, 915..960, 0, quiet_talk)].concat();
    assert_eq!(fired.len(), 1, "{fired:?}");
    let strength = fired[0].1.strength;
    assert!(
        strength < 5.0,
        "scored under 0.5, so only the quiet chat's bar lets it through: {strength}"
    );
}

#[test]
fn the_bar_is_the_busiest_recent_window_or_above_the_usual_level() {
    let mut d = det();
    run(&mut d, 0..30, 0, talk);
    assert_eq!(d.bar(), None, "no usual level yet");
    run(&mut d, 30..900, 0, talk);
    let calm = d.bar().expect("a bar after 15 minutes");
    // One message a second: 1.3× the usual level.
    assert!((calm.usual - 1.0).abs() < 0.05, "{calm:?}");
    assert!((calm.rate - 1.3).abs() < 0.05, "{calm:?}");
    run(&mut d, 900..915, 0, reaction("LUL", 4));
    run(&mut d, 915..960, 0, talk);
    let after = d.bar().expect("bar");
    assert!(
        after.rate >= 4.0,
        "the next peak must top the reaction: {after:?}"
    );
    run(&mut d, 960..1100, 0, talk);
    let later = d.bar().expect("bar");
    assert!(
        later.rate < 2.0,
        "two minutes on, back to the usual bar: {later:?}"
    );
}
