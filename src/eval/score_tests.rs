use super::*;

fn m(offset_s: f64, score: f64, clip_start: f64) -> ScoredMoment {
    ScoredMoment {
        offset_s,
        score,
        clip_start_offset_s: clip_start,
    }
}

fn labels(starts: &[f64]) -> Labels {
    Labels {
        spans: starts.iter().map(|&s| (s, s + 10.0)).collect(),
    }
}

#[test]
fn hit_window_is_inclusive_at_both_ends() {
    let l = labels(&[100.0]);
    // Highlight start exactly at t - 60 and exactly at t: hits.
    assert_eq!(score(&[m(160.0, 1.0, 90.0)], &l, 1.0).hits, 1);
    assert_eq!(score(&[m(100.0, 1.0, 90.0)], &l, 1.0).hits, 1);
    // Just outside on either side: misses.
    assert_eq!(score(&[m(160.001, 1.0, 90.0)], &l, 1.0).hits, 0);
    assert_eq!(score(&[m(99.999, 1.0, 90.0)], &l, 1.0).hits, 0);
}

#[test]
fn precision_recall_and_false_alarms() {
    let l = labels(&[100.0, 500.0, 900.0]);
    let ms = [
        m(120.0, 1.0, 80.0),  // hits 100
        m(150.0, 1.0, 80.0),  // hits 100 again
        m(300.0, 1.0, 260.0), // miss
        m(940.0, 1.0, 890.0), // hits 900
    ];
    let r = score(&ms, &l, 2.0);
    assert_eq!(
        (r.moments, r.hits, r.false_alarms, r.highlights_hit),
        (4, 3, 1, 2)
    );
    assert_eq!(r.precision, Some(0.75));
    assert_eq!(r.recall, Some(2.0 / 3.0));
    assert_eq!(r.false_alarms_per_hour, Some(0.5));
    assert_eq!(r.moments_per_hour, Some(2.0));
}

#[test]
fn one_moment_hitting_two_highlights_counts_for_both() {
    let l = labels(&[100.0, 130.0]);
    let r = score(&[m(140.0, 1.0, 95.0)], &l, 1.0);
    assert_eq!((r.hits, r.highlights_hit), (1, 2));
    assert_eq!(r.recall, Some(1.0));
}

#[test]
fn precision_at_k_orders_by_score() {
    let l = labels(&[100.0, 1000.0]);
    let mut ms = vec![
        m(110.0, 9.0, 60.0),  // hit, best
        m(400.0, 8.0, 350.0), // miss, second
        m(1030.0, 7.0, 990.0),
    ];
    for i in 0..7 {
        ms.push(m(2000.0 + 100.0 * i as f64, 1.0, 0.0)); // misses, low scores
    }
    let r = score(&ms, &l, 1.0);
    assert_eq!(r.precision_at[0], (1, Some(1.0)));
    assert_eq!(r.precision_at[1], (5, Some(2.0 / 5.0)));
    assert_eq!(r.precision_at[2], (10, Some(2.0 / 10.0)));
}

#[test]
fn precision_at_k_with_fewer_moments_divides_by_those_present() {
    let l = labels(&[100.0]);
    let ms = [m(110.0, 2.0, 50.0), m(500.0, 1.0, 450.0)];
    let r = score(&ms, &l, 1.0);
    assert_eq!(r.precision_at[1], (5, Some(0.5)));
    assert_eq!(r.precision_at[2], (10, Some(0.5)));
}

#[test]
fn nan_scores_rank_last_and_ties_keep_time_order() {
    let l = labels(&[100.0]);
    let ms = [
        m(500.0, f64::NAN, 0.0),
        m(110.0, 1.0, 50.0),
        m(700.0, 1.0, 0.0),
    ];
    let r = score(&ms, &l, 1.0);
    assert_eq!(r.precision_at[0], (1, Some(1.0)));
}

#[test]
fn timing_compares_clip_start_with_highlight_start() {
    let l = labels(&[100.0, 500.0]);
    let ms = [
        m(120.0, 1.0, 100.0), // clip starts exactly at the highlight: on time
        m(520.0, 1.0, 505.0), // clip starts after the setup: late
        m(900.0, 1.0, 0.0),   // miss: not counted
    ];
    let r = score(&ms, &l, 1.0);
    assert_eq!((r.hits, r.timely_hits), (2, 1));
    assert_eq!(r.timing, Some(0.5));
}

#[test]
fn timing_accepts_any_of_several_hit_highlights() {
    // Hits both 100 and 130; the clip at 120 is before 130, so it is on time.
    let l = labels(&[100.0, 130.0]);
    let r = score(&[m(150.0, 1.0, 120.0)], &l, 1.0);
    assert_eq!(r.timing, Some(1.0));
}

#[test]
fn empty_inputs_give_none_not_nan() {
    let r = score(&[], &labels(&[100.0]), 1.0);
    assert_eq!((r.precision, r.recall, r.timing), (None, Some(0.0), None));
    assert_eq!(r.precision_at, vec![(1, None), (5, None), (10, None)]);
    assert_eq!(r.false_alarms_per_hour, Some(0.0));

    let r = score(&[m(50.0, 1.0, 0.0)], &Labels::default(), 0.0);
    assert_eq!((r.precision, r.recall), (Some(0.0), None));
    assert_eq!((r.false_alarms_per_hour, r.moments_per_hour), (None, None));
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"recall\":null"), "{json}");
    assert!(!r.to_text().contains("NaN"));
}

#[test]
fn parses_labels_and_sorts_them() {
    let l = parse_labels(r#"{"spans": [[300, 310.5], [12.25, 20]], "source": "x"}"#).unwrap();
    assert_eq!(l.spans, vec![(12.25, 20.0), (300.0, 310.5)]);
    assert_eq!(parse_labels(r#"{"spans": []}"#).unwrap().spans, vec![]);
}

#[test]
fn label_errors_are_clear() {
    let err = |s: &str| parse_labels(s).unwrap_err().to_string();
    assert!(err("{").contains("not valid JSON"));
    assert!(err("[]").contains("expected an object"));
    assert!(err("{}").contains("missing key `spans`"));
    assert!(err(r#"{"spans": 3}"#).contains("must be an array"));
    assert!(err(r#"{"spans": [[1, 2], [3]]}"#).contains("span 1: expected [start_s, end_s]"));
    assert!(err(r#"{"spans": [["a", 2]]}"#).contains("span 0"));
    assert!(err(r#"{"spans": [[5, 2]]}"#).contains("before start"));
}

#[test]
fn text_report_mentions_every_measure() {
    let l = labels(&[100.0]);
    let text = score(&[m(110.0, 1.0, 60.0)], &l, 0.5).to_text();
    for word in [
        "precision",
        "recall",
        "false alarm",
        "p@1",
        "p@10",
        "timing",
        "2.0/h",
    ] {
        assert!(text.contains(word), "{word} missing in {text}");
    }
}

/// Spans wholly before the log or after its end cannot be hit: said, with the unit.
#[test]
fn spans_outside_the_log_are_named() {
    let l = parse_labels(r#"{"spans": [[-20, -5], [-10, 5], [30, 40], [1e300, 1e301]]}"#).unwrap();
    let w = l.outside(3600.0).expect("a warning");
    // [-10, 5] reaches into the log: it can be hit.
    assert!(
        w.starts_with("2 of 4 labelled spans") && w.contains("in seconds"),
        "{w}"
    );
    let fine = parse_labels(r#"{"spans": [[30, 40]]}"#).unwrap();
    assert_eq!(fine.outside(3600.0), None);
}
