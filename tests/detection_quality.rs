//! The default detectors must keep beating the seed's fixed rules on realistic synthetic chat
//! (`cargo bench --bench detection` prints the full table).

use kicktui::commands::scored_moments;
use kicktui::config::Config;
use kicktui::eval::{EvalReport, Profile, generate, score};
use kicktui::replay::Replayer;

fn evaluate(cfg: &Config, profile: Profile, seed: u64) -> EvalReport {
    let log = generate(profile, 2.0, seed);
    let mut r = Replayer::new(cfg);
    for l in log.lines.iter().filter(|l| !l.contains("\"type\"")) {
        r.line(l);
    }
    let (moments, hours) = scored_moments(&r.finish());
    score(&moments, &log.labels, hours)
}

/// Precision, recall and false alarms per hour, summed over several streams.
fn pooled(cfg: &Config, profile: Profile) -> (f64, f64, f64, f64) {
    let (mut moments, mut hits, mut found, mut highlights, mut hours, mut timely) =
        (0, 0, 0, 0, 0.0, 0);
    for seed in 1..=3 {
        let e = evaluate(cfg, profile, seed);
        moments += e.moments;
        hits += e.hits;
        found += e.highlights_hit;
        highlights += e.highlights;
        hours += e.hours;
        timely += e.timely_hits;
    }
    let div = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    (
        div(hits, moments),
        div(found, highlights),
        (moments - hits) as f64 / hours,
        div(timely, hits),
    )
}

#[test]
fn defaults_beat_the_seed_rules_on_mid_and_big_channels() {
    for profile in [Profile::Mid, Profile::Big] {
        let (p, r, fa, timing) = pooled(&Config::default(), profile);
        let (sp, _, sfa, _) = pooled(&Config::seed_rules(), profile);
        // A big chat gives about ten chat moments an hour (`[peaks] top_per_hour`), fewer
        // than its 13 highlights: recall is capped there, precision is not.
        let min_recall = if profile == Profile::Big { 0.3 } else { 0.45 };
        assert!(
            p >= 0.5 && r >= min_recall,
            "{profile}: precision {p:.2} recall {r:.2}"
        );
        assert!(p > sp, "{profile}: precision {p:.2} vs seed rules {sp:.2}");
        assert!(
            fa < 0.6 * sfa,
            "{profile}: {fa:.1} false alarms/h vs seed rules {sfa:.1}"
        );
        assert!(
            timing >= 0.9,
            "{profile}: clips start before the highlight in {timing:.2} of hits"
        );
    }
}
