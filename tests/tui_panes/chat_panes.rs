//! The chat panes: the velocity chart with its threshold and hot bars, keywords busiest first,
//! and emotes and phrases that keep their columns.

use kicktui::app::Msg;
use kicktui::engine::update::Update;
use kicktui::ui::{self, Theme};
use ratatui::style::Color;

use crate::tui_support::*;
use crate::{live_app, pane};

#[test]
fn velocity_chart_shows_the_threshold_and_hot_bars() {
    let a = live_app();
    let (buf, t) = pane(64, 8, |r, b| {
        ui::velocity::render(&a, &Theme::new(false), r, b)
    });
    let first = t.lines().next().unwrap();
    assert!(first.contains("Chat 9.0 msg/s"), "{first}");
    assert!(first.contains("peak ≥6.0 · usual 2.0"), "{first}");
    assert!(t.contains('┄'), "threshold line:\n{t}");
    assert!(t.contains('█'));
    let hot = buf
        .content()
        .iter()
        .filter(|c| c.symbol() == "█" && c.fg == Color::Red)
        .count();
    let calm = buf
        .content()
        .iter()
        .filter(|c| c.symbol() != " " && c.fg == Color::Cyan)
        .count();
    assert!(hot > 0 && calm > 0, "hot {hot}, calm {calm}\n{t}");
}

/// The chart's first line after one more snapshot with `threshold` and `peak_bar`.
fn velocity_title(threshold: f64, peak_bar: bool) -> (String, String) {
    let mut a = live_app();
    let mut s = snapshot(60.0, 9.0);
    s.velocity.threshold = threshold;
    s.velocity.peak_bar = peak_bar;
    a.update(Msg::Engine(Update::Snapshot(s)), at(60.0));
    let (_, t) = pane(64, 8, |r, b| {
        ui::velocity::render(&a, &Theme::new(false), r, b)
    });
    (t.lines().next().unwrap_or_default().to_string(), t)
}

#[test]
fn the_chart_says_whether_its_line_fires_or_is_the_peak_bar() {
    let (first, _) = velocity_title(6.0, false);
    assert!(first.contains("fires ≥6.0"), "velocity rule: {first}");
    let (first, t) = velocity_title(0.0, true);
    assert!(first.contains("learning the usual rate"), "{first}");
    assert!(!first.contains('≥'), "{first}");
    assert!(!t.contains('┄'), "no line before there is a bar:\n{t}");
}

#[test]
fn keywords_busiest_first_and_emotes_with_the_current_one() {
    let a = live_app();
    let th = Theme::new(true);
    let (_, k) = pane(20, 6, |r, b| ui::keywords::render(&a, &th, r, b));
    let rows: Vec<&str> = k.lines().skip(1).take(4).collect();
    assert_eq!(
        rows,
        vec![
            "│LMAO             7│",
            "│CLIP             5│",
            "│NO WAY           2│",
            "│CLIP THAT        0│"
        ]
    );
    let (_, e) = pane(20, 4, |r, b| ui::emotes::render(&a, &th, r, b));
    assert!(e.contains("▶ KEKW"), "{e}");
}

/// Phrases come under their heading only when one fits below it: no dangling "repeated:".
#[test]
fn the_phrase_heading_never_dangles() {
    use kicktui::app::history::EmoteSeen;
    let mut a = app();
    let seen = |name: &str| EmoteSeen {
        name: name.into(),
        peak: 3,
        peak_sec: 0,
        now: 0,
        last_sec: 0,
    };
    a.emotes.seen = vec![seen("Sadge"), seen("KEKW"), seen("\"no way\"")];
    let th = Theme::new(true);
    let (_, short) = pane(20, 5, |r, b| ui::emotes::render(&a, &th, r, b));
    assert!(
        short.contains("KEKW") && !short.contains("repeated"),
        "{short}"
    );
    let (_, tall) = pane(20, 6, |r, b| ui::emotes::render(&a, &th, r, b));
    assert!(
        tall.contains("repeated:") && tall.contains("\"no way\""),
        "{tall}"
    );
}

/// Wide characters take two columns, zero-width ones none: the count column stays in place
/// (padding by characters pushed it off the pane for "草", left for zero-width joiners).
#[test]
fn emote_counts_stay_in_their_column_with_wide_or_invisible_characters() {
    use kicktui::app::history::EmoteSeen;
    let mut a = app();
    let seen = |name: &str| EmoteSeen {
        name: name.into(),
        peak: 8,
        peak_sec: 0,
        now: 0,
        last_sec: 0,
    };
    a.emotes.seen = vec![
        seen("草"),
        seen("ナイス"),
        seen("a\u{200b}\u{200b}\u{200b}b"),
        seen("\u{1b}[31mred"),
    ];
    let th = Theme::new(true);
    let (_, e) = pane(20, 6, |r, b| ui::emotes::render(&a, &th, r, b));
    let rows: Vec<&str> = e.lines().skip(1).take(4).collect();
    for r in &rows {
        assert!(r.ends_with(" 8│"), "{r:?} in\n{e}");
    }
    assert!(rows[3].contains("red") && !rows[3].contains("[31m"), "{e}");
}
