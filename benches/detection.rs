//! Detection quality on synthetic chat logs (`eval::synth`), scored as detection.md says,
//! for the defaults and the two reference rules. Run: `cargo bench --bench detection`.
//! `KICKTUI_TUNE_CONFIG=file.toml` scores that config as well; `KICKTUI_TUNE_HOURS` and
//! `KICKTUI_TUNE_SEEDS` change the size of the run. `KICKTUI_REAL_CHAT=DIR` (holding `chat/`
//! and `labels/`, as `examples/convert_chat.rs` writes them) scores real labelled chat first:
//! the numbers that count (synthetic chat flatters).

use kicktui::commands::scored_moments;
use kicktui::config::{self, Config, VelocityMode};
use kicktui::eval::{EvalReport, Profile, SynthLog, generate, score};
use kicktui::replay::Replayer;

/// detection.md's reference: 10 s rate as a z-score against the previous 5 minutes, z > 3,
/// floor 0.5 msg/s; velocity alone.
fn z3_rule() -> Config {
    let mut c = Config::seed_rules();
    c.velocity.mode = VelocityMode::Baseline;
    c.velocity.min_ratio = 0.0001;
    c.keywords.threshold = 1_000_000;
    c.emotes.threshold = 1_000_000;
    c
}

fn run(cfg: &Config, log: &SynthLog) -> EvalReport {
    let mut r = Replayer::new(cfg);
    // Chat lines only, as the real measurement uses.
    for l in log.lines.iter().filter(|l| !l.contains("\"type\"")) {
        r.line(l);
    }
    let report = r.finish();
    let (moments, hours) = scored_moments(&report);
    score(&moments, &log.labels, hours)
}

#[derive(Default)]
struct Sum {
    moments: usize,
    hits: usize,
    highlights: usize,
    hit_highlights: usize,
    false_alarms: usize,
    hours: f64,
    p1: f64,
    p5: f64,
    p10: f64,
    streams: f64,
}

impl Sum {
    fn add(&mut self, e: &EvalReport) {
        self.moments += e.moments;
        self.hits += e.hits;
        self.highlights += e.highlights;
        self.hit_highlights += e.highlights_hit;
        self.false_alarms += e.false_alarms;
        self.hours += e.hours;
        let at = |k| {
            e.precision_at
                .iter()
                .find(|p| p.0 == k)
                .and_then(|p| p.1)
                .unwrap_or(0.0)
        };
        self.p1 += at(1);
        self.p5 += at(5);
        self.p10 += at(10);
        self.streams += 1.0;
    }

    fn line(&self, name: &str) -> String {
        let div = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        format!(
            "{name:<22} {:>6.1}/h  precision {:.2}  recall {:.2}  false alarms {:>5.1}/h  p@1 {:.2} p@5 {:.2} p@10 {:.2}",
            self.moments as f64 / self.hours,
            div(self.hits, self.moments),
            div(self.hit_highlights, self.highlights),
            self.false_alarms as f64 / self.hours,
            self.p1 / self.streams,
            self.p5 / self.streams,
            self.p10 / self.streams,
        )
    }
}

fn main() {
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let hours = env("KICKTUI_TUNE_HOURS", 3.0);
    let seeds = env("KICKTUI_TUNE_SEEDS", 3.0) as u64;
    let mut configs = vec![
        ("defaults", Config::default()),
        ("rules (no peak model)", Config::rules()),
        ("seed rules", Config::seed_rules()),
        ("z>3 reference", z3_rule()),
    ];
    if let Ok(path) = std::env::var("KICKTUI_TUNE_CONFIG") {
        match config::load(Some(std::path::Path::new(&path))) {
            Ok((c, _)) => configs.insert(0, ("tuned", c)),
            Err(e) => eprintln!("{e}"),
        }
    }
    if let Ok(dir) = std::env::var("KICKTUI_REAL_CHAT") {
        let dir = std::path::Path::new(&dir);
        println!("--- real chat in {}", dir.display());
        for (name, cfg) in &configs {
            match kicktui::eval::many::eval_dirs(&dir.join("chat"), &dir.join("labels"), cfg) {
                Ok(r) => {
                    let p = &r.pooled;
                    let f = |v: Option<f64>| v.unwrap_or(f64::NAN);
                    let slots: Vec<String> = p
                        .precision_at_k_slots
                        .iter()
                        .map(|(k, v)| format!("p@{k} {v:.2}"))
                        .collect();
                    println!(
                        "{name:<22} {:>5.1}/h  precision {:.2}  recall {:.2}  false alarms {:>4.1}/h  {}  timing {:.2}",
                        f(p.moments_per_hour),
                        f(p.precision),
                        f(p.recall),
                        f(p.false_alarms_per_hour),
                        slots.join(" "),
                        f(p.timing),
                    );
                }
                Err(e) => eprintln!("{name}: {e}"),
            }
        }
        println!("--- synthetic chat");
    }
    let mut totals: Vec<Sum> = configs.iter().map(|_| Sum::default()).collect();
    for profile in Profile::ALL {
        let logs: Vec<SynthLog> = (1..=seeds).map(|s| generate(profile, hours, s)).collect();
        for (i, (name, cfg)) in configs.iter().enumerate() {
            let mut sum = Sum::default();
            for log in &logs {
                let e = run(cfg, log);
                sum.add(&e);
                totals[i].add(&e);
            }
            println!("{:<8} {}", profile.as_str(), sum.line(name));
        }
    }
    println!("--- all profiles, {seeds} seeds x {hours} h each");
    for (i, (name, _)) in configs.iter().enumerate() {
        println!("all      {}", totals[i].line(name));
    }
}
