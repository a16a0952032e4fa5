//! What the TUI says of a clip's length, from the engine's own clip news: the flash gave only
//! the path of a ready clip (the log alone said "26.5 s"), and "ready but short" said neither
//! how short nor why.

mod tui_support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use kicktui::app::{App, Msg};
use kicktui::engine::update::{ClipNews, Update};
use kicktui::media::{self, ClipState};
use tui_support::*;

const DIR: &str = "/home/streamer/.local/share/kicktui/clips";

fn clip(a: &mut App, id: i64, state: ClipState) {
    a.update(
        Msg::Engine(Update::Clip(ClipNews {
            session: 5,
            moment_id: Some(id),
            state,
            progress: None,
        })),
        T0,
    );
}

fn recording(a: &mut App, state: media::RecState) {
    a.update(Msg::Engine(recording_update(state)), T0);
}

fn bar(a: &App, w: u16, h: u16) -> String {
    let s = screen(a, w, h);
    s.lines().last().unwrap_or_default().to_string()
}

/// The screen with the details popup open.
fn details(a: &mut App, w: u16, h: u16) -> String {
    a.update(code(KeyCode::Enter), T0);
    let s = screen(a, w, h);
    a.update(code(KeyCode::Esc), T0);
    s
}

#[test]
fn a_ready_clip_says_its_length_and_a_short_one_how_short_and_why() {
    let mut a = app_sized(120, 40);
    recording(&mut a, media::RecState::Recording);
    a.update(moment_update(Some(7), spike(300.0, 30.0)), T0);
    clip(
        &mut a,
        7,
        ClipState::Ready {
            path: PathBuf::from(format!("{DIR}/clavicular_s005_m7.mp4")),
            duration: 26.54,
        },
    );
    let b = bar(&a, 120, 40);
    assert!(
        b.starts_with(&format!(
            "clip #7 ready (26.5 s): {DIR}/clavicular_s005_m7.mp4 "
        )),
        "{b}"
    );
    // 80 columns: the directory goes first; the length stays.
    let b = bar(&a, 80, 24);
    assert!(b.starts_with("clip #7 ready (26.5 s): …/"), "{b}");
    assert!(b.contains("/clavicular_s005_m7.mp4 "), "{b}");
    assert!(details(&mut a, 120, 40).contains("clipped (26.5 s): "));

    a.update(moment_update(Some(8), spike(400.0, 20.0)), T0);
    clip(
        &mut a,
        8,
        ClipState::Short {
            path: PathBuf::from(format!("{DIR}/clavicular_s005_m8.mp4")),
            duration: 56.2,
            asked: 60.0,
            why: Some("part 2 could not be written (disk full)".into()),
        },
    );
    let b = bar(&a, 160, 40);
    assert!(
        b.starts_with(&format!(
            "clip #8 ready (short: 56.2 of 60 s, part 2 could not be written (disk full)): \
             {DIR}/clavicular_s005_m8.mp4 "
        )),
        "{b}"
    );
    // Narrow: the directory, then the reason's end give way; the file name stays whole.
    let b = bar(&a, 80, 24);
    assert!(b.starts_with("clip #8 ready (short: 56.2 of 60 s"), "{b}");
    assert!(b.contains("…): …/clavicular_s005_m8.mp4 "), "{b}");
    // At 60 columns the file name keeps its place and the aside goes.
    let b = bar(&a, 60, 20);
    assert!(
        b.starts_with("clip #8 ready: …/clavicular_s005_m8.mp4 "),
        "{b}"
    );
    // Without a known cause it says what short means.
    clip(
        &mut a,
        8,
        ClipState::Short {
            path: PathBuf::from(format!("{DIR}/clavicular_s005_m8.mp4")),
            duration: 56.2,
            asked: 59.5,
            why: None,
        },
    );
    assert!(
        bar(&a, 160, 40)
            .starts_with("clip #8 ready (short: 56.2 of 59.5 s, part of it was not recorded): "),
        "{}",
        bar(&a, 160, 40)
    );
}
