//! The help popup and the hint bar come from the keymap table: every key listed, where to
//! change them, and only the keys that work where the user is.

use kicktui::app::keymap::TABLE;
use kicktui::app::{App, Msg, Popup};
use kicktui::engine::update::Update;
use kicktui::ui::{self, Theme};

use crate::pane;
use crate::tui_support::*;

#[test]
fn help_popup_and_hint_bar_come_from_the_keymap_table() {
    let mut a = app();
    // With the advisor on, so its keys are listed too.
    a.update(
        Msg::Engine(Update::Advisor(kicktui::advisor::AdvisorStatus::default())),
        T0,
    );
    a.ctx.config_file = "/home/s/.config/kicktui/config.toml".into();
    a.update(key('?'), T0);
    let t = screen(&a, 120, 40);
    for row in TABLE {
        assert!(t.contains(row.help), "help lists {:?}", row.name);
    }
    // Where to change them, with the file's path.
    let tall = screen(&a, 120, 70);
    assert!(
        tall.contains("[keys] of:") && tall.contains("   /home/s/.config/kicktui/config.toml"),
        "{tall}"
    );
    // A long one on a narrow screen keeps its end, the file's name.
    a.ctx.config_file =
        "/home/someone-with-a-long-name/.config/nested/deeper/kicktui/config.toml (not made yet)"
            .into();
    let narrow = screen(&a, 64, 70);
    assert!(
        narrow.contains("…") && narrow.contains("kicktui/config.toml (not made yet)"),
        "{narrow}"
    );
    a.ctx.config_file = "/home/s/.config/kicktui/config.toml".into();
    // Only the keys that pick one of the five activities (the table binds 1..9).
    assert!(
        t.contains("q/Ctrl-C") && t.contains("1..5") && !t.contains("1..9"),
        "{t}"
    );
    let th = Theme::new(true);
    // The main screen's hints (under the help they are the help's own).
    a.update(code(crossterm::event::KeyCode::Esc), T0);
    // Clip and details only once there is a moment to act on (they said "no moment
    // selected").
    let (_, hint) = pane(120, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        hint.starts_with(" m mark  a activity  s sort  ? help  q quit"),
        "{hint:?}"
    );
    a.update(moment_update(Some(1), spike(30.0, 12.0)), T0);
    let (_, hint) = pane(120, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        hint.contains(
            ")  m mark  c clip  a activity  Enter details  s sort  x skip  ? help  q quit"
        ),
        "{hint:?}"
    );
    a.update(key('s'), T0);
    let (_, hint) = pane(50, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        hint.starts_with("moments: newest first  m mark"),
        "{hint:?}"
    );
    assert!(hint.trim_end().ends_with("? help  q quit"), "{hint:?}");
    // A long message is shortened rather than pushing help and quit off the bar.
    a.update(key('7'), T0);
    let (_, hint) = pane(80, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(hint.starts_with("there is no activity 7"), "{hint:?}");
    assert!(hint.trim_end().ends_with("? help  q quit"), "{hint:?}");
    let (_, tiny) = pane(44, 1, |r, b| ui::help::hint_bar(&a, &th, r, b));
    assert!(
        tiny.contains('…') && tiny.trim_end().ends_with("q quit"),
        "{tiny:?}"
    );
}

/// With a popup open the hint bar shows what works in it, from the same table that drives
/// the keys: it listed `c clip  a activity  Enter details  s sort  ? help  q quit` under the
/// help, where they do nothing (and q closes, not quits).
#[test]
fn the_hint_bar_in_a_popup_shows_the_keys_that_work_there() {
    use crossterm::event::KeyCode;
    let th = Theme::new(true);
    let mut a = app();
    a.update(moment_update(Some(4), spike(5025.0, 25.0)), T0);
    let hint = |a: &App| pane(120, 1, |r, b| ui::help::hint_bar(a, &th, r, b)).1;
    a.update(key('?'), T0);
    assert_eq!(a.popup, Some(Popup::Help));
    let h = hint(&a);
    assert!(h.contains("m mark") && h.contains("Esc close"), "{h:?}");
    for gone in [
        "clip", "activity", "details", "sort", "? help", "q quit", "scroll",
    ] {
        assert!(!h.contains(gone), "{gone:?} under the help: {h:?}");
    }
    // A help taller than the screen scrolls: then that is said too.
    a.update(
        Msg::Resize {
            width: 80,
            height: 20,
        },
        T0,
    );
    let h = hint(&a);
    assert!(h.contains("j/k scroll") && h.contains("Esc close"), "{h:?}");
    a.update(code(KeyCode::Esc), T0);
    a.update(
        Msg::Resize {
            width: 120,
            height: 40,
        },
        T0,
    );
    a.update(code(KeyCode::Enter), T0);
    assert_eq!(a.popup, Some(Popup::Details));
    let h = hint(&a);
    for want in ["m mark", "c clip", "j/k browse", "Esc close"] {
        assert!(h.contains(want), "{want:?} under the details: {h:?}");
    }
    for gone in ["details", "? help", "q quit"] {
        assert!(!h.contains(gone), "{gone:?} under the details: {h:?}");
    }
    // What the bar says works does: c clips under the details, ? does nothing.
    assert!(a.update(key('?'), T0).is_empty());
    assert_eq!(a.popup, Some(Popup::Details));
    // The quit question says its own keys: the bar offers none that would answer it.
    a.update(code(KeyCode::Esc), T0);
    a.popup = Some(Popup::ConfirmQuit);
    let h = hint(&a);
    assert!(!h.contains("mark") && !h.contains("quit"), "{h:?}");
}
