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

/// The three replays, in the order the README names them.
fn replays() -> Vec<(&'static str, ScoreStats)> {
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo-chat.jsonl"
    ))
    .unwrap();
    let mut out = vec![(
        "assets/demo-chat.jsonl",
        replay(demo.lines().map(String::from)),
    )];
    for (name, profile) in [
        ("synthetic small, 1 h", Profile::Small),
        ("synthetic big, 1 h", Profile::Big),
    ] {
        let log = generate(profile, 1.0, 7);
        out.push((name, replay(log.lines.into_iter())));
    }
    out
}

#[test]
fn small_and_big_channels_use_the_whole_range() {
    for (name, stats) in replays() {
        check(name, stats);
    }
}

/// The README quotes these ranges ("Replayed, `assets/demo-chat.jsonl` scores 21.6–79.6 and
/// …"): a reader who replays the demo's chat should see the figures it gives.
#[test]
fn the_readme_quotes_the_ranges_these_replays_score() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let from = readme
        .find("Replayed, `assets/demo-chat.jsonl` scores")
        .expect("the README's sentence on the replayed ranges");
    let sentence = &readme[from..];
    let sentence = &sentence[..sentence.find("(`tests/engage_replay.rs`)").unwrap()];
    let quoted: Vec<&str> = sentence
        .split([' ', ','])
        .filter(|w| w.contains('–') && w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let measured: Vec<String> = replays()
        .iter()
        .map(|(_, s)| format!("{:.1}–{:.1}", s.min, s.max))
        .collect();
    assert_eq!(quoted, measured, "README: {sentence}");
}
