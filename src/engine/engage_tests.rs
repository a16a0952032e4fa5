use super::snapshot::next_period;
use super::*;

#[test]
fn a_periodic_line_keeps_its_period_when_ticks_come_late() {
    let mut last = Some(Ts(0));
    // Each tick sees it due 300 ms late: the hour still has 60 lines, on the minute.
    for i in 1..=60 {
        let seen = Ts(i * 60_000 + 300);
        last = Some(next_period(last, seen, 60_000));
    }
    assert_eq!(last, Some(Ts(3_600_000)));
    // After a long pause it starts again from when it is seen.
    assert_eq!(next_period(last, Ts(9_000_000), 60_000), Ts(9_000_000));
}

/// Segments shorter than the engagement window can never be scored: said at start.
#[test]
fn a_min_segment_that_cannot_earn_a_reward_is_named() {
    let mut cfg = Config::default();
    assert_eq!(
        short_segments_note(&cfg),
        None,
        "defaults: 120 s earn with 60 s + 30 s"
    );
    // 70 s: its first 60 s are not credited and 17 s more must be.
    cfg.bandit.min_segment_seconds = 70;
    let note = short_segments_note(&cfg).unwrap_or_default();
    assert!(note.contains("a segment needs 77 s to earn"), "{note}");
    assert!(
        note.ends_with("must be credited after them"),
        "a whole sentence: {note}"
    );
    // The demo's pace: a minute's segment earns with a 45 s window.
    let demo = crate::demo::with_demo_pace(Config::default());
    assert_eq!(short_segments_note(&demo), None);
}

/// Right after a switch the suggestion is to keep the new activity until it has had
/// `min_segment_seconds`; then a fresh draw (before, a draw made the second the switch was
/// made said "go back" about half the time).
#[test]
fn a_new_activity_gets_its_turn_before_the_next_suggestion() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let cfg = Config::default();
    let turn = i64::from(cfg.bandit.min_segment_seconds) * 1000;
    let mut h = EngageHook::new(&cfg, dir.path(), "chan", Ts(0));
    assert_eq!(h.turn_ms, turn, "120 s earn a reward by default");
    let stats = crate::engage::metrics::ScoreStats::default();
    let mut others = 0;
    for i in 0..40 {
        let at = Ts(i * 1_000_000);
        h.segments.start("react", at, stats, None, None);
        h.suggest();
        h.give_turn(at);
        for t in [0, 1000, turn - 1] {
            h.turn_over(at.plus_ms(t));
            assert_eq!(h.suggestion(), Some("react"), "{t} ms into its turn");
            // A second switch now follows or ignores no draw of the bandit's.
            assert_eq!(h.suggestion_to_follow(), None);
        }
        // The draw made at the switch is stale by the turn's end: a fresh one is shown.
        h.suggestion = Some("stale".into());
        h.turn_over(at.plus_ms(turn));
        assert_ne!(h.suggestion(), Some("stale"));
        // A draw of the activity on ("keep it") is none to follow or ignore.
        let draw = h.suggestion();
        assert_eq!(h.suggestion_to_follow(), draw.filter(|s| *s != "react"));
        others += usize::from(h.suggestion() != Some("react"));
    }
    assert!(
        others > 10,
        "fresh draws after the turn: {others} of 40 differ"
    );
}

/// The demo's simulated streamer switches until a person picks an activity, and its
/// switches are said as its own; after a person's pick none of its switches is made.
#[test]
fn the_demos_streamer_stops_switching_once_a_person_picks() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut h = EngageHook::new(&Config::default(), dir.path(), "chan", Ts(0));
    assert_eq!(
        h.switch_by(Switcher::DemoStreamer),
        Some("Activity (the demo's streamer)")
    );
    assert_eq!(h.switch_by(Switcher::Person), Some("Activity"));
    assert_eq!(h.switch_by(Switcher::DemoStreamer), None);
    assert_eq!(h.switch_by(Switcher::Person), Some("Activity"));
}
