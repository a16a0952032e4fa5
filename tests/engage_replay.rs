//! The engagement score on replayed chat of very different sizes: because each signal is
//! judged against the stream's own baseline, a quiet channel and a busy one both move
//! through most of the 0–100 range, with the usual level near 50.

use kicktui::config::Config;
use kicktui::engage::metrics::ScoreStats;
use kicktui::eval::{Profile, generate};
use kicktui::replay::Replayer;

fn replay(lines: impl Iterator<Item = String>) -> ScoreStats {
    let mut r = Replayer::new(&Config::default());
    for l in lines {
        r.line(&l);
    }
    r.engagement()
}

fn check(name: &str, s: ScoreStats) {
    let mean = s.mean().unwrap();
    eprintln!(
        "{name}: engagement {:.1}–{:.1}, mean {mean:.1} over {} scored seconds",
        s.min, s.max, s.seconds
    );
    assert!(s.min < 30.0 && s.max > 70.0, "{name}: {s:?}");
    assert!((35.0..=65.0).contains(&mean), "{name}: mean {mean}");
}

#[test]
fn small_and_big_channels_use_the_whole_range() {
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo-chat.jsonl"
    ))
    .unwrap();
    check(
        "assets/demo-chat.jsonl",
        replay(demo.lines().map(String::from)),
    );
    for (name, profile) in [
        ("synthetic small, 1 h", Profile::Small),
        ("synthetic big, 1 h", Profile::Big),
    ] {
        let log = generate(profile, 1.0, 7);
        check(name, replay(log.lines.into_iter()));
    }
}
