//! Tuning aid: one JSON line per moment (features + hit or false alarm) over synthetic logs,
//! chat lines only (as the real measurement uses). Args: [config.toml]
use kicktui::commands::scored_moments;
use kicktui::config::{self, Config};
use kicktui::eval::{Profile, generate};
use kicktui::replay::Replayer;
use serde_json::json;

fn main() {
    let cfg = std::env::args().nth(1).map_or_else(Config::default, |p| {
        config::load(Some(p.as_ref())).unwrap().0
    });
    for profile in Profile::ALL {
        for seed in 1..=4u64 {
            let log = generate(profile, 3.0, seed);
            let mut r = Replayer::new(&cfg);
            for l in log.lines.iter().filter(|l| !l.contains("\"type\"")) {
                r.line(l);
            }
            let rep = r.finish();
            let (moments, hours) = scored_moments(&rep);
            println!(
                "{}",
                json!({"stream": format!("{}-{seed}", profile.as_str()), "hours": hours, "highlights": log.labels.spans.len(), "spans": log.labels.spans})
            );
            for (m, full) in moments.iter().zip(&rep.moments) {
                let hit = log
                    .labels
                    .spans
                    .iter()
                    .any(|s| kicktui::eval::hits(m.offset_s, s.0));
                let trig: serde_json::Map<String, serde_json::Value> = full
                    .triggers
                    .iter()
                    .map(|t| {
                        (
                            t.kind.as_str().to_string(),
                            json!({"s": t.strength, "d": t.data}),
                        )
                    })
                    .collect();
                println!(
                    "{}",
                    json!({"stream": format!("{}-{seed}", profile.as_str()), "t": m.offset_s, "hit": hit, "score": m.score, "trig": trig})
                );
            }
        }
    }
}
