//! A clip's path at 60 columns: the hint bar and the details popup keep its file name whole
//! (the directory gives way), since the name is what tells one clip from another.

mod tui_support;

use crossterm::event::KeyCode;
use kicktui::app::{App, ClipStatus, Msg};
use tui_support::*;

const CLIP: &str = "/home/streamer/.local/share/kicktui/clips/clavicular_s001_m12.mp4";

/// Moment #12, its clip ready, on a 60x20 terminal.
fn clipped() -> App {
    let mut a = app_sized(60, 20);
    a.update(moment_update(Some(12), spike(754.0, 30.0)), T0);
    a.update(
        Msg::Clip {
            id: 12,
            status: ClipStatus::Done {
                path: CLIP.into(),
                short: false,
                length: None,
            },
        },
        T0,
    );
    a
}

/// The hint bar cut the message at its end: `clip ready: /home/streamer/.local/share/ki…`
/// (`#12` names the moment).
#[test]
fn the_clip_ready_flash_keeps_the_file_name_at_60_columns() {
    let a = clipped();
    let s = screen(&a, 60, 20);
    let bar = s.lines().last().unwrap_or_default();
    assert!(
        bar.starts_with("clip #12 ready: …/clavicular_s001_m12.mp4 "),
        "{s}"
    );
    assert!(bar.trim_end().ends_with(" ? help  q quit"), "{s}");
    // Wide enough, the path is whole.
    let s = screen(&a, 120, 40);
    let bar = s.lines().last().unwrap_or_default();
    assert!(bar.starts_with(&format!("clip #12 ready: {CLIP} ")), "{s}");
}

/// The details popup broke the path where its row ended (`…/clips/cl`, then `avicular_…`
/// on the next row); now after a `/`, so the file name stays whole.
#[test]
fn the_details_popup_breaks_the_clip_path_at_a_slash() {
    let mut a = clipped();
    a.update(code(KeyCode::Enter), T0);
    let s = screen(&a, 60, 20);
    let rows: Vec<&str> = s.lines().collect();
    let at = rows
        .iter()
        .position(|r| r.contains(" clip "))
        .unwrap_or_default();
    // Inside the popup's borders (the panes beneath show around it).
    let field = |r: &str| {
        let inner: String = r.chars().skip(3).take(54).collect();
        inner.trim().to_string()
    };
    assert_eq!(
        field(rows[at]),
        "clip     clipped: /home/streamer/.local/share/",
        "{s}"
    );
    assert_eq!(
        field(rows[at + 1]),
        "kicktui/clips/clavicular_s001_m12.mp4",
        "{s}"
    );
}
