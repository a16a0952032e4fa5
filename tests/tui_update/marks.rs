//! Marking a moment with `m`: the flash that says where the mark landed and whether it was
//! saved, and what a mark does when it cannot reach the engine or the database.

use kicktui::app::state::FlashKind;
use kicktui::app::{App, Cmd, Msg, Storage};
use kicktui::engine::update::Update;

use crate::tui_support::*;

#[test]
fn m_marks_now_and_the_saved_moment_confirms_it() {
    let mut a = app();
    assert_eq!(
        a.update(key('m'), at(1.0)),
        vec![Cmd::MarkMoment { at: at(1.0) }]
    );
    assert_eq!(a.pending_marks(), 1);
    assert!(flash(&a).contains("marking"));
    a.update(moment_update(Some(7), manual(5025.0)), at(1.2));
    assert_eq!(a.pending_marks(), 0);
    assert_eq!(a.moments.entries.len(), 1);
    assert_eq!(a.moments.selected, Some(0));
    let f = a.flash.clone().unwrap();
    assert_eq!(f.text, "marked at 1:23:45 (saved #7)");
    assert_eq!(f.kind, FlashKind::Good);
}

#[test]
fn a_mark_placed_behind_the_key_press_says_why() {
    let mut a = app();
    // Two presses 4 s apart; the recording's newest picture is 15 s behind live.
    a.update(key('m'), at(5040.0));
    a.update(key('m'), at(5044.0));
    a.update(moment_update(Some(8), manual(5025.0)), at(5044.5));
    assert_eq!(
        flash(&a),
        "marked at 1:23:45 (saved #8): as shown 15 s before the key"
    );
    a.update(moment_update(Some(9), manual(5029.0)), at(5044.6));
    assert_eq!(
        flash(&a),
        "marked at 1:23:49 (saved #9): as shown 15 s before the key"
    );
    // `m m` in a burst is one moment: the second press marks nothing.
    assert!(a.update(key('m'), at(5045.5)).is_empty());
    assert_eq!(
        flash(&a),
        "already marked 1 s ago: that moment covers this one"
    );
    assert_eq!(a.pending_marks(), 0);
}

#[test]
fn an_unsaved_moment_says_so_and_a_preview_says_why() {
    let mut a = app();
    a.update(moment_update(None, spike(60.0, 20.0)), T0);
    let f = a.flash.clone().unwrap();
    assert!(f.text.contains("NOT SAVED"), "{}", f.text);
    assert_eq!(f.kind, FlashKind::Bad);

    let mut c = ctx();
    c.storage = Storage::Preview;
    let mut p = App::new(c, T0);
    p.update(key('m'), T0);
    p.update(moment_update(None, manual(90.0)), T0);
    assert_eq!(flash(&p), "marked at 0:01:30 (preview: not saved)");
    // The status bar does not name a data dir the preview never writes.
    let bar = screen(&p, 160, 40);
    let top = bar.lines().next().unwrap_or_default();
    assert!(
        top.contains("preview: nothing stored") && !top.contains("data:"),
        "{top}"
    );
}

#[test]
fn repaint_dropped_commands_and_a_stopped_engine() {
    let mut a = app();
    assert_eq!(a.update(ctrl('l'), T0), vec![Cmd::Repaint]);
    a.update(key('m'), T0);
    a.update(Msg::CmdDropped(Cmd::MarkMoment { at: T0 }), T0);
    assert_eq!(a.pending_marks(), 0);
    assert!(flash(&a).contains("did not reach"));
    a.update(Msg::EngineGone, T0);
    assert!(a.stream.engine_gone);
    // Nothing would take a mark now: said at once, not a "marking..." that fades.
    assert!(a.update(key('m'), at(20.0)).is_empty());
    assert_eq!(a.pending_marks(), 0);
    assert!(
        flash(&a).starts_with("NOT SAVED: the engine has stopped"),
        "{}",
        flash(&a)
    );
    assert!(a.update(key('q'), at(21.0)).contains(&Cmd::Quit));
}

/// A mark that could not be saved while an auto moment builds is a row of its own (it took
/// the building row, and its key press was never matched).
#[test]
fn an_unsaved_mark_does_not_take_the_building_moments_row() {
    let mut a = app();
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: None,
            moment: spike(300.0, 10.0),
        }),
        at(300.0),
    );
    a.update(key('m'), at(310.0));
    a.update(moment_update(None, manual(305.0)), at(310.5));
    assert_eq!(a.moments.entries.len(), 2, "{:?}", a.moments.entries);
    assert_eq!(a.pending_marks(), 0);
}
