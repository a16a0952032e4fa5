//! Keys: activities, the help and details popups, remapped and rebound keys, Ctrl-Z and paste,
//! and `q` on a screen too small for the panes.

use crossterm::event::KeyCode;
use kicktui::app::{App, Cmd, Keymap, Msg, Popup};
use kicktui::config::Keys;

use crate::recording;
use crate::tui_support::*;

#[test]
fn activities_cycle_and_digits_pick() {
    let mut a = app();
    assert_eq!(
        a.update(key('a'), T0),
        vec![Cmd::SetActivity("talk".into())]
    );
    assert_eq!(
        a.update(key('a'), T0),
        vec![Cmd::SetActivity("gameplay".into())]
    );
    assert_eq!(
        a.update(key('3'), T0),
        vec![Cmd::SetActivity("q_and_a".into())]
    );
    assert_eq!(a.activity_name(), Some("q_and_a"));
    assert_eq!(a.update(key('5'), T0), vec![Cmd::SetActivity("irl".into())]);
    assert_eq!(
        a.update(key('a'), T0),
        vec![Cmd::SetActivity("talk".into())]
    );
    assert!(a.update(key('9'), T0).is_empty());
    assert!(flash(&a).contains("no activity 9"));
}

#[test]
fn help_and_details_popups() {
    let mut a = app();
    a.update(key('?'), T0);
    assert_eq!(a.popup, Some(Popup::Help));
    // Marking works even with help open; quit keys close the popup instead of quitting.
    assert_eq!(a.update(key('m'), T0), vec![Cmd::MarkMoment { at: T0 }]);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.popup, None);

    a.update(code(KeyCode::Enter), T0);
    assert_eq!(a.popup, None);
    assert!(flash(&a).contains("no moment selected"));
    a.update(moment_update(Some(1), spike(10.0, 5.0)), T0);
    a.update(moment_update(Some(2), spike(20.0, 6.0)), T0);
    a.update(code(KeyCode::Enter), T0);
    assert_eq!(a.popup, Some(Popup::Details));
    a.update(key('j'), T0);
    assert_eq!(
        a.moments.selected,
        Some(0),
        "j browses moments under the details"
    );
    a.update(code(KeyCode::Esc), T0);
    assert_eq!(a.popup, None);
}

#[test]
fn remapped_keys_drive_the_same_actions() {
    let keys: Keys = toml::from_str("mark = \"M\"\nquit = [\"Q\"]").unwrap();
    let mut c = ctx();
    c.keymap = Keymap::from_config(&keys).unwrap();
    let mut a = App::new(c, T0);
    assert!(a.update(key('m'), T0).is_empty());
    assert_eq!(a.update(key('M'), T0), vec![Cmd::MarkMoment { at: T0 }]);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.update(key('Q'), T0), vec![Cmd::Quit]);
}

/// Ctrl-Z (unbound) says why kicktui does not suspend; a paste says it was ignored. Neither
/// sends anything to the engine.
#[test]
fn ctrl_z_and_a_paste_are_answered_not_acted_on() {
    let mut a = app();
    assert!(a.update(ctrl('z'), T0).is_empty());
    let said = flash(&a);
    assert!(said.contains("does not suspend"), "{said}");
    assert!(a.update(Msg::Paste(42), T0).is_empty());
    let said = flash(&a);
    assert!(
        said.contains("pasted text ignored (42 characters)"),
        "{said}"
    );
}

/// Rebound keys are the keys the screen names: the activity pane, the details popup's
/// browse keys, the Ctrl-Z answer and the quit dialog (each said the defaults before).
#[test]
fn rebound_keys_are_the_ones_the_screen_names() {
    let keys: Keys = toml::from_str(
        "pick_activity = [\"F1\", \"F2\"]\nup = [\"K\", \"Up\"]\ndown = [\"J\", \"Down\"]\nquit = [\"Enter\", \"Q\"]\ndetails = \"d\"",
    )
    .unwrap();
    let mut c = ctx();
    c.keymap = Keymap::from_config(&keys).unwrap();
    let mut a = App::new(c, T0);
    a.update(
        Msg::Resize {
            width: 100,
            height: 30,
        },
        T0,
    );
    let s = screen(&a, 100, 30);
    assert!(s.contains("F1 talk") && s.contains("F2 gameplay"), "{s}");
    assert!(!s.contains("3 q_and_a"), "no key: none shown\n{s}");
    assert!(a.update(key('1'), T0).is_empty());
    assert_eq!(
        a.update(code(KeyCode::F(2)), T0),
        vec![Cmd::SetActivity("gameplay".into())]
    );
    a.update(moment_update(Some(1), spike(60.0, 20.0)), T0);
    a.update(key('d'), T0);
    let s = screen(&a, 100, 30);
    assert!(s.contains("J/K browse"), "{s}");
    a.update(code(KeyCode::Esc), T0);
    a.update(ctrl('z'), T0);
    assert!(flash(&a).ends_with("; Enter quits"), "{}", flash(&a));
    // Enter is "yes" in the quit dialog: only Q is offered as "no".
    recording(&mut a);
    a.update(key('Q'), T0);
    let s = screen(&a, 100, 30);
    assert!(s.contains(" or Q: no, leave them"), "{s}");
    assert!(!s.contains("Enter/Q"), "{s}");
}

/// Help open, then the terminal shrinks below the panes: the "q quits" the small screen
/// shows quits (it closed the unseen help instead).
#[test]
fn q_on_a_too_small_screen_quits_even_with_help_open() {
    let mut a = app();
    a.update(key('?'), T0);
    assert_eq!(a.popup, Some(Popup::Help));
    a.update(
        Msg::Resize {
            width: 50,
            height: 12,
        },
        T0,
    );
    assert_eq!(a.update(key('q'), T0), vec![Cmd::Quit]);
}
