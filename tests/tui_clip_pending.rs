//! A moment nobody asked a clip of said "-" in its details popup, not that the stream's end
//! cuts it (while the recording runs) or that `c` cuts it now.

mod tui_support;

use crossterm::event::KeyCode;
use kicktui::app::{App, Msg};
use kicktui::media;
use tui_support::*;

fn recording(a: &mut App, state: media::RecState) {
    a.update(Msg::Engine(recording_update(state)), T0);
}

/// The screen with the details popup open.
fn details(a: &mut App, w: u16, h: u16) -> String {
    a.update(code(KeyCode::Enter), T0);
    let s = screen(a, w, h);
    a.update(code(KeyCode::Esc), T0);
    s
}

#[test]
fn a_moment_not_clipped_yet_says_the_stream_end_cuts_it_and_c_cuts_it_now() {
    let mut a = app_sized(120, 40);
    a.update(moment_update(Some(3), spike(60.0, 30.0)), T0);
    // No recorder in this run: nothing will cut it.
    let s = details(&mut a, 120, 40);
    assert!(s.contains("none: recording is off in this run"), "{s}");
    recording(&mut a, media::RecState::Recording);
    let s = details(&mut a, 120, 40);
    assert!(
        s.contains("not cut yet: cut when the stream ends (c: now)"),
        "{s}"
    );
    // The list's clip column stays short: `-`.
    let s = screen(&a, 120, 40);
    let row = s
        .lines()
        .find(|l| l.contains("CHAT SPIKE"))
        .unwrap_or_default();
    assert!(row.contains("  -  "), "{s}");
    assert!(!s.contains("not cut"), "{s}");
}
