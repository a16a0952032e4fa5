//! The side panes: the recording's health and the disk filling, and the activity pane's keys,
//! then the bandit's arms and its suggestion.

use kicktui::app::{BanditArm, BanditView, Msg, RecState, RecordingView};
use kicktui::ui::{self, Theme};

use crate::pane;
use crate::tui_support::*;

#[test]
fn recording_pane_says_not_recording_then_health() {
    let mut a = app();
    let th = Theme::new(true);
    let (_, t) = pane(40, 5, |r, b| ui::recording::render(&a, &th, r, b));
    assert!(
        t.contains("not recording") && t.contains("clips need a recording"),
        "{t}"
    );
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            file: Some("/very/long/path/recordings/clavicular_s005_20260117.ts".into()),
            size_bytes: 1_230_000_000,
            mb_per_min: Some(0.4),
            slow: true,
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(40, 5, |r, b| ui::recording::render(&a, &th, r, b));
    assert!(t.contains("recording"), "{t}");
    assert!(
        t.contains("…") && t.contains("clavicular_s005_20260117.ts"),
        "{t}"
    );
    assert!(t.contains("recording · 1.23 GB · 0.4 MB/min LOW"), "{t}");
    // The disk filling: said while there is time to free space.
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            size_bytes: 9_000_000_000,
            mb_per_min: Some(75.0),
            disk_minutes: Some(28.0),
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(60, 5, |r, b| ui::recording::render(&a, &th, r, b));
    assert!(t.contains("75.0 MB/min · disk full in ~28 min"), "{t}");
}

#[test]
fn activity_pane_lists_keys_then_bandit_arms() {
    let mut a = app();
    let th = Theme::new(true);
    a.update(key('2'), T0);
    let (_, t) = pane(50, 5, |r, b| ui::bandit::render(&a, &th, r, b));
    assert!(t.contains("Activity gameplay"), "{t}");
    assert!(t.contains("1 talk  2 gameplay  3 q_and_a"), "{t}");
    assert!(t.contains("no bandit data yet"), "{t}");
    let arm = |name: &str, mean: f64, pulls: u32| BanditArm {
        name: name.into(),
        mean,
        low: mean - 0.1,
        high: mean + 0.1,
        pulls,
    };
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![
                arm("talk", 0.4, 3),
                arm("gameplay", 0.62, 12),
                arm("q_and_a", 0.7, 2),
            ],
            suggestion: Some("q_and_a".into()),
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(50, 6, |r, b| ui::bandit::render(&a, &th, r, b));
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].contains("try q_and_a"), "{t}");
    // Keys in configured order; ▶ the current activity, » the suggestion; mean, the 90 %
    // interval as a bar on a 0–1 scale (● the mean), pulls.
    assert!(
        lines[1].contains(" 1 talk") && lines[1].contains("0.40"),
        "{t}"
    );
    assert!(
        lines[2].contains("▶2 gameplay") && lines[2].contains("0.62") && lines[2].contains("12×"),
        "{t}"
    );
    assert!(
        lines[3].contains("»3 q_and_a") && lines[3].contains("0.70"),
        "{t}"
    );
    let bar: String = lines[3].chars().filter(|c| "·━●".contains(*c)).collect();
    let mean_at =
        bar.chars().position(|c| c == '●').unwrap() as f64 / (bar.chars().count() - 1) as f64;
    assert!((mean_at - 0.7).abs() < 0.06, "{t}");
    assert!(
        bar.starts_with('·') && bar.ends_with('·') && bar.contains('━'),
        "{t}"
    );
    // The draw is the activity already on: "keep it", not "try gameplay" while on it.
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![arm("talk", 0.4, 3), arm("gameplay", 0.62, 12)],
            suggestion: Some("gameplay".into()),
            ..Default::default()
        }),
        T0,
    );
    let (_, t) = pane(50, 6, |r, b| ui::bandit::render(&a, &th, r, b));
    let title = t.lines().next().unwrap_or_default();
    assert!(
        title.contains("Activity gameplay · keep it") && !title.contains("try"),
        "{t}"
    );
}
