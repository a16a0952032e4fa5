//! Tuning aid: how precision/recall move with a minimum moment score, on synthetic logs.
use kicktui::commands::scored_moments;
use kicktui::config::{self, Config};
use kicktui::eval::{Profile, generate, score};
use kicktui::replay::Replayer;

fn main() {
    let cfg = std::env::args().nth(1).map_or_else(Config::default, |p| {
        config::load(Some(p.as_ref())).unwrap().0
    });
    let cuts = [0.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 70.0];
    let mut agg = vec![(0usize, 0usize, 0usize, 0usize, 0.0f64); cuts.len()];
    for profile in Profile::ALL {
        for seed in 1..=3 {
            let log = generate(profile, 3.0, seed);
            let mut r = Replayer::new(&cfg);
            for l in &log.lines {
                r.line(l);
            }
            let rep = r.finish();
            let (moments, hours) = scored_moments(&rep);
            for (i, c) in cuts.iter().enumerate() {
                let kept: Vec<_> = moments.iter().copied().filter(|m| m.score >= *c).collect();
                let e = score(&kept, &log.labels, hours);
                agg[i].0 += e.moments;
                agg[i].1 += e.hits;
                agg[i].2 += e.highlights_hit;
                agg[i].3 += e.highlights;
                agg[i].4 += hours;
            }
        }
    }
    for (i, c) in cuts.iter().enumerate() {
        let a = agg[i];
        println!(
            "min score {c:>5}: {:>5.1}/h precision {:.2} recall {:.2} FA {:.1}/h",
            a.0 as f64 / a.4,
            a.1 as f64 / a.0.max(1) as f64,
            a.2 as f64 / a.3 as f64,
            (a.0 - a.1) as f64 / a.4
        );
    }
}
