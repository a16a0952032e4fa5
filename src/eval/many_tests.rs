use super::*;
use crate::eval::{Labels, ScoredMoment, score};

fn m(t: f64, s: f64) -> ScoredMoment {
    ScoredMoment {
        offset_s: t,
        score: s,
        clip_start_offset_s: t - 60.0,
    }
}

#[test]
fn pooled_sums_counts_and_averages_ranking() {
    let labels = Labels {
        spans: vec![(100.0, 110.0), (500.0, 510.0)],
    };
    let a = score(&[m(120.0, 9.0), m(300.0, 1.0)], &labels, 1.0);
    let b = score(&[m(900.0, 9.0), m(520.0, 1.0)], &labels, 1.0);
    let rep = pool(vec![
        StreamReport {
            name: "a".into(),
            report: a,
        },
        StreamReport {
            name: "b".into(),
            report: b,
        },
    ]);
    assert_eq!(rep.pooled.moments, 4);
    assert_eq!(rep.pooled.precision, Some(0.5));
    assert_eq!(rep.pooled.recall, Some(0.5), "2 of 4 highlights");
    assert_eq!(rep.pooled.false_alarms_per_hour, Some(1.0));
    assert_eq!(
        rep.pooled.precision_at[0],
        (1, Some(0.5)),
        "best is a hit in one stream"
    );
    let text = rep.to_text();
    assert!(text.contains("pooled (2 streams)"), "{text}");
}
