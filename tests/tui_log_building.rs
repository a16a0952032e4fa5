//! The TUI's log while a moment builds trigger by trigger: it said "Moment #N now …" for
//! each trigger, three lines in a second, and the 80x24 log pane (one row) lost the banner.
//! In a binary of its own (both its tests capture the log): a thread-local tracing
//! subscriber misses events when other tests in the same process register the same
//! callsites without one.

mod tui_support;

use kicktui::app::Msg;
use kicktui::domain::Moment;
use kicktui::engine::update::Update;
use tui_support::*;

/// The spike with `n` triggers (more keywords past its two).
fn with_triggers(n: usize) -> Moment {
    let mut m = spike(11.0, 40.0 + n as f64);
    while m.triggers.len() < n {
        let extra = m.triggers[1].clone();
        m.triggers.push(extra);
    }
    m.triggers.truncate(n);
    m
}

fn building(n: usize) -> Msg {
    Msg::Engine(Update::MomentBuilding {
        id: Some(1),
        moment: with_triggers(n),
    })
}

#[test]
fn a_moment_growing_in_one_second_logs_its_banner_not_three_now_lines() {
    let captured = capture_log();
    let log = || captured.text();
    let mut a = app_sized(80, 24);
    a.update(building(1), T0);
    a.update(building(2), at(0.3));
    a.update(building(3), at(0.6));
    let first = log();
    assert!(first.contains("CHAT SPIKE at 11s"), "{first}");
    assert_eq!(first.matches("Moment #1 now:").count(), 0, "{first}");
    // Seconds later it grows again: one line says what it is now.
    a.update(building(4), at(6.0));
    a.update(building(5), at(6.5));
    let later = log();
    assert_eq!(later.matches("Moment #1 now:").count(), 1, "{later}");
    // Final: the log's last word has all its triggers (it last said four).
    a.update(moment_update(Some(1), with_triggers(5)), at(8.0));
    let fin = log();
    assert_eq!(fin.matches("Moment #1 final:").count(), 1, "{fin}");
    assert!(fin.contains("(score 45.0)"), "{fin}");
}

#[test]
fn a_change_held_back_is_logged_by_a_tick_once_due_not_left_for_the_final_line() {
    let captured = capture_log();
    let log = || captured.text();
    let mut a = app_sized(80, 24);
    a.update(building(1), T0);
    a.update(building(2), at(1.0));
    a.update(Msg::Tick(at(3.0)), at(3.0));
    assert_eq!(log().matches("Moment #1 now:").count(), 0, "{}", log());
    // 5 s after the banner, with no trigger since: the tick says what it became, once.
    a.update(Msg::Tick(at(5.0)), at(5.0));
    a.update(Msg::Tick(at(5.5)), at(5.5));
    let said = log();
    assert_eq!(said.matches("Moment #1 now:").count(), 1, "{said}");
    a.update(Msg::Tick(at(12.0)), at(12.0));
    assert_eq!(
        log().matches("Moment #1 now:").count(),
        1,
        "nothing new: {}",
        log()
    );
}
