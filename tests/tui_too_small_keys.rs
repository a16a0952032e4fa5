//! Keys on the "terminal too small" screen: `?` and Enter open nothing unseen (the help used
//! to open behind it and cover the panes once the terminal grew), and the screen says why.

mod tui_support;

use crossterm::event::KeyCode;
use tui_support::*;

#[test]
fn help_pressed_while_too_small_opens_nothing_and_says_why() {
    let mut a = app_sized(50, 10);
    a.update(moment_update(Some(3), spike(60.0, 30.0)), T0);
    a.update(key('?'), T0);
    let small = screen(&a, 50, 10);
    assert!(small.contains("Terminal too small"), "{small}");
    assert!(small.contains("help needs 60×16"), "{small}");
    a.update(code(KeyCode::Enter), T0);
    assert!(screen(&a, 50, 10).contains("details needs 60×16"));
    // Enlarged: the panes, no popup over them.
    a.update(
        kicktui::app::Msg::Resize {
            width: 80,
            height: 24,
        },
        T0,
    );
    let s = screen(&a, 80, 24);
    assert!(a.popup.is_none(), "{s}");
    assert!(!s.contains("this help"), "{s}");
    // At a size that shows it, `?` opens the help as before.
    a.update(key('?'), T0);
    assert!(screen(&a, 80, 24).contains("this help"));
}
