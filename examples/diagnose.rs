//! Tuning aid: prints each false alarm with the nearest highlight and the chat around it.
use kicktui::commands::scored_moments;
use kicktui::config::Config;
use kicktui::eval::{Profile, generate};
use kicktui::replay::Replayer;

fn main() {
    let profile: Profile = std::env::args()
        .nth(1)
        .unwrap_or("mid".into())
        .parse()
        .unwrap();
    let seed: u64 = std::env::args().nth(2).map_or(1, |s| s.parse().unwrap());
    let log = generate(profile, 3.0, seed);
    let mut r = Replayer::new(&Config::default());
    for l in &log.lines {
        r.line(l);
    }
    let rep = r.finish();
    let (moments, _) = scored_moments(&rep);
    let t0: f64 = serde_json::from_str::<serde_json::Value>(&log.lines[0]).unwrap()["ts"]
        .as_f64()
        .unwrap();
    for (m, full) in moments.iter().zip(&rep.moments) {
        let hit = log
            .labels
            .spans
            .iter()
            .any(|s| kicktui::eval::hits(m.offset_s, s.0));
        let near = log
            .labels
            .spans
            .iter()
            .map(|s| s.0 - m.offset_s)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap_or(0.0);
        let kinds: Vec<_> = full
            .triggers
            .iter()
            .map(|t| format!("{}{}", t.kind.as_str(), t.data))
            .collect();
        println!(
            "{} t={:>7.0} score {:>5.1} nearest hl {:>+6.0}s  {}",
            if hit { "HIT " } else { "FA  " },
            m.offset_s,
            m.score,
            near,
            kinds.join(" ")
        );
        if !hit {
            let sample: Vec<String> = log
                .lines
                .iter()
                .filter_map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).ok()?;
                    let t = v["ts"].as_f64()? - t0;
                    (t >= m.offset_s - 12.0 && t <= m.offset_s).then(|| {
                        format!(
                            "{}:{}",
                            v["user"].as_str().unwrap_or(""),
                            v["text"]
                                .as_str()
                                .unwrap_or(v["type"].as_str().unwrap_or(""))
                        )
                    })
                })
                .take(14)
                .collect();
            println!("      {}", sample.join(" | "));
        }
    }
}
