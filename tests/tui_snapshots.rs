//! Whole-screen snapshots at 120×40, 80×24 and below the minimum. Wall-clock times depend on
//! the machine's time zone, so they are filtered; everything else is fixed by the fixtures.

mod tui_support;

use kicktui::app::{App, BanditArm, BanditView, Msg, RecState, RecordingView};
use kicktui::engine::update::Update;
use kicktui::source::ChatState;
use tui_support::*;

/// A stream an hour and a half in: a quiet chat, then a spike, four moments, an activity.
fn busy_app(w: u16, h: u16) -> App {
    let mut a = app_sized(w, h);
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    a.update(
        Msg::Engine(Update::WentLive {
            at: T0,
            title: Some("late night chess".into()),
            session: Some(5),
            source: kicktui::kickapi::LiveSource::Api,
            resumed: false,
        }),
        T0,
    );
    for s in 0..300 {
        let rate = match s {
            240..=270 => 4.0 + (s - 240) as f64 / 2.0,
            _ => 1.5 + (s % 7) as f64 / 4.0,
        };
        a.update(
            Msg::Engine(Update::Snapshot(snapshot(s as f64, rate))),
            at(s as f64),
        );
    }
    a.update(moment_update(Some(1), spike(3225.0, 18.5)), at(300.0));
    a.update(moment_update(Some(2), spike(4425.0, 42.0)), at(300.0));
    a.update(moment_update(None, spike(5265.0, 7.5)), at(300.0));
    a.update(key('m'), at(300.0));
    a.update(moment_update(Some(4), manual(5325.0)), at(300.5));
    a.update(key('2'), at(301.0));
    a.update(Msg::Tick(at(301.0)), at(301.0));
    a
}

fn check(name: &str, screen: String) {
    insta::with_settings!({filters => vec![(r"\b\d\d:\d\d:\d\d\b", "hh:mm:ss")]}, {
        insta::assert_snapshot!(name, screen);
    });
}

#[test]
fn screen_120x40() {
    check("screen_120x40", screen(&busy_app(120, 40), 120, 40));
}

#[test]
fn screen_80x24() {
    check("screen_80x24", screen(&busy_app(80, 24), 80, 24));
}

#[test]
fn screen_too_small() {
    check("screen_50x10", screen(&busy_app(50, 10), 50, 10));
}

#[test]
fn screen_80x24_help() {
    let mut a = busy_app(80, 24);
    a.update(key('?'), at(302.0));
    check("screen_80x24_help", screen(&a, 80, 24));
}

#[test]
fn screen_120x40_recording_and_bandit() {
    let mut a = busy_app(120, 40);
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            file: Some("/srv/kicktui/recordings/clavicular_s005_20270115_080000.ts".into()),
            size_bytes: 2_412_000_000,
            mb_per_min: Some(27.4),
            slow: false,
            ..Default::default()
        }),
        at(302.0),
    );
    let arm = |name: &str, mean: f64, pulls: u32| BanditArm {
        name: name.into(),
        mean,
        low: (mean - 0.12).max(0.0),
        high: (mean + 0.12).min(1.0),
        pulls,
    };
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![
                arm("talk", 0.41, 14),
                arm("gameplay", 0.58, 22),
                arm("q_and_a", 0.66, 6),
                arm("react", 0.35, 9),
                arm("irl", 0.5, 1),
            ],
            suggestion: Some("q_and_a".into()),
            engagement: Some(63.4),
            revenue_per_hour: Some(25.0),
            context: None,
        }),
        at(302.0),
    );
    a.update(key('q'), at(303.0));
    check("screen_120x40_recording_quit", screen(&a, 120, 40));
}

/// The activity pane at 80×24 with the bandit running: every arm's key, mean, 90 % interval
/// bar and pulls; ▶ the current activity, » the suggestion, the score in the footer.
#[test]
fn screen_80x24_bandit() {
    let mut a = busy_app(80, 24);
    let arm = |name: &str, mean: f64, low: f64, high: f64, pulls: u32| BanditArm {
        name: name.into(),
        mean,
        low,
        high,
        pulls,
    };
    a.update(
        Msg::Bandit(BanditView {
            arms: vec![
                arm("talk", 0.41, 0.22, 0.61, 4),
                arm("gameplay", 0.58, 0.45, 0.70, 12),
                arm("q_and_a", 0.66, 0.40, 0.88, 3),
                arm("react", 0.35, 0.12, 0.63, 2),
                arm("irl", 0.5, 0.05, 0.95, 0),
            ],
            suggestion: Some("q_and_a".into()),
            engagement: Some(63.4),
            revenue_per_hour: Some(25.0),
            context: None,
        }),
        at(302.0),
    );
    check("screen_80x24_bandit", screen(&a, 80, 24));
}
