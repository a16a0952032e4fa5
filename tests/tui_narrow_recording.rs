//! Narrow terminals, the recording's words: the Recording pane and the status bar keep whole
//! parts (a state, its reason, what comes next), never half a number or unit.

mod tui_support;

use kicktui::app::{App, Msg, RecState, RecordingView};
use kicktui::ui::{self, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::*;

/// The Recording pane drawn `w` × `h`, as text.
fn pane(a: &App, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    ui::recording::render(a, &Theme::new(true), area, &mut buf);
    text(&buf)
}

/// The recording pane as a 60-column terminal draws it (30 wide): its first inner row.
fn recording_row(a: &App) -> String {
    let t = pane(a, 30, 4);
    let row = t.lines().nth(1).unwrap_or_default();
    row.trim_matches('│').trim_end().to_string()
}

fn recording(a: &mut App, view: RecordingView) {
    let file = Some("/srv/kicktui/recordings/novaplays_s001_20270115_p1.ts".into());
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Recording,
            file,
            ..view
        }),
        T0,
    );
}

#[test]
fn the_recording_line_drops_the_rate_whole_at_60_columns() {
    let mut a = app_sized(60, 20);
    recording(
        &mut a,
        RecordingView {
            size_bytes: 2_900_000,
            mb_per_min: Some(2.7),
            ..Default::default()
        },
    );
    // It read `recording · 2.9 MB · 2.7 MB/`.
    assert_eq!(recording_row(&a), "recording · 2.9 MB");
    let screen = screen(&a, 60, 20);
    assert!(!screen.contains("MB/│"), "{screen}");
}

#[test]
fn a_slow_or_filling_recording_keeps_its_warning_at_60_columns() {
    let mut a = app_sized(60, 20);
    recording(
        &mut a,
        RecordingView {
            size_bytes: 1_230_000_000,
            mb_per_min: Some(0.4),
            slow: true,
            ..Default::default()
        },
    );
    assert_eq!(recording_row(&a), "recording · 0.4 MB/min LOW");
    recording(
        &mut a,
        RecordingView {
            size_bytes: 9_000_000_000,
            mb_per_min: Some(75.0),
            disk_minutes: Some(28.0),
            ..Default::default()
        },
    );
    assert_eq!(recording_row(&a), "recording · disk full ~28m");
}

/// Waiting for the stream, the pane says when recording starts in words that fit: at 60
/// columns it read `starts when the channel goes`.
#[test]
fn the_waiting_recording_says_when_it_starts_in_words_that_fit() {
    let mut a = app_sized(60, 20);
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Waiting,
            ..Default::default()
        }),
        T0,
    );
    let t = pane(&a, 30, 4);
    assert!(t.contains("│starts once live "), "{t}");
    let t = pane(&a, 40, 4);
    assert!(t.contains("│starts when the channel goes live "), "{t}");
}

/// A frozen stream (no new video, the channel live) is said as such, in red words, with what
/// happens next: nothing restarts meanwhile, so `restarting` for minutes misled.
#[test]
fn a_frozen_recording_says_so_and_what_comes_next() {
    let mut a = app_sized(60, 20);
    a.update(
        Msg::Recording(RecordingView {
            state: RecState::Frozen,
            file: Some("/data/recordings/chan_s001_p1.ts".into()),
            size_bytes: 13_600_000,
            ..Default::default()
        }),
        T0,
    );
    let t = pane(&a, 30, 5);
    assert!(t.contains("│FROZEN: no new video"), "{t}");
    assert!(t.contains("│waits for video "), "{t}");
    let t = pane(&a, 50, 5);
    assert!(t.contains("│a new part starts when video comes "), "{t}");
    assert!(!t.contains("restarting"), "{t}");
}

/// A stream address streamlink cannot open (a wrong `stream_url`, a 404) says why in red where
/// the recording is shown, not `restarting` (the reason was only in the log), and keeps a
/// short form at 60 columns.
#[test]
fn an_unreachable_stream_says_why_in_the_bar_and_the_pane() {
    use kicktui::engine::update::Update;
    use kicktui::media;
    let state = RecState::from(&media::RecState::Unreachable("404 Not Found".into()));
    assert_eq!(state, RecState::Unreachable("404 Not Found".into()));
    assert!(state.is_active(), "quit asks first, as while restarting");
    let mut a = app_sized(120, 40);
    a.update(Msg::Engine(Update::Snapshot(snapshot(1.0, 2.0))), T0);
    a.update(
        Msg::Recording(RecordingView {
            state,
            ..Default::default()
        }),
        T0,
    );
    let wide = screen(&a, 120, 40);
    let bar = wide.lines().next().unwrap_or_default();
    assert!(
        bar.contains("rec: cannot reach the stream: 404 Not Found"),
        "{wide}"
    );
    assert!(!wide.contains("restart"), "{wide}");
    a.update(
        Msg::Resize {
            width: 60,
            height: 20,
        },
        T0,
    );
    let narrow = screen(&a, 60, 20);
    let bar = narrow.lines().next().unwrap_or_default().trim_end();
    assert!(bar.ends_with("│ rec: no stream"), "{narrow}");
    // The pane at 60 columns (30 wide): the reason wraps whole, then what happens next.
    let t = pane(&a, 30, 5);
    assert!(t.contains("│cannot reach the stream: 404"), "{t}");
    assert!(t.contains("│Not Found"), "{t}");
    assert!(t.contains("│tries again "), "{t}");
    let t = pane(&a, 50, 5);
    assert!(t.contains("│cannot reach the stream: 404 Not Found"), "{t}");
    assert!(t.contains("│tries again while the channel is live "), "{t}");
}
