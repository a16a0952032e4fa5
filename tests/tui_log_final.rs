//! The TUI's log line when a moment changes while building. On its own in this binary: a
//! thread-local tracing subscriber misses events when other tests in the same process
//! register the same callsites without one.

mod tui_support;

use kicktui::app::Msg;
use kicktui::engine::update::Update;
use tui_support::*;

/// The log says what a moment was first seen as; when it becomes something else by the time
/// it is final, the log says that too (it kept "CHAT SPIKE" for a keyword burst).
#[test]
fn a_moment_that_changes_while_building_is_logged_again_when_final() {
    let captured = capture_log();
    let mut a = app();
    let mut first = spike(11.0, 40.0);
    first.triggers.truncate(1);
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: Some(1),
            moment: first,
        }),
        T0,
    );
    let mut last = spike(11.0, 208.5);
    last.trigger_type = kicktui::domain::TriggerType::Keyword;
    a.update(moment_update(Some(1), last.clone()), T0);
    // The same final form again says nothing new.
    a.update(moment_update(Some(1), last), T0);
    let log = captured.text();
    assert!(log.contains("CHAT SPIKE at 11s"), "{log}");
    assert_eq!(
        log.matches("Moment #1 final: KEYWORD BURST at 11s").count(),
        1,
        "{log}"
    );
    assert!(log.contains("(score 208.5)"), "{log}");
}
