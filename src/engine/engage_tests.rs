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
fn a_min_segment_below_the_window_is_named() {
    let mut cfg = Config::default();
    assert_eq!(
        short_segments_note(&cfg),
        None,
        "defaults: 120 s against 60 s"
    );
    cfg.bandit.min_segment_seconds = 30;
    let note = short_segments_note(&cfg).unwrap_or_default();
    assert!(note.contains("min_segment_seconds (30) is below"), "{note}");
}
