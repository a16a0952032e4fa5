//! Reducer tests: `App::update` fed with messages at explicit times; no terminal involved.

#[path = "../tui_support/mod.rs"]
mod tui_support;

mod building;
mod clips;
mod engine_news;
mod keys;
mod marks;
mod moment_list;
mod resync;

use kicktui::app::{App, Msg, RecState, RecordingView};
use tui_support::T0;

fn recording(a: &mut App) {
    let r = RecordingView {
        state: RecState::Recording,
        file: Some("/rec/clavicular_s005.ts".into()),
        size_bytes: 45_200_000,
        mb_per_min: Some(12.3),
        slow: false,
        ..Default::default()
    };
    a.update(Msg::Recording(r), T0);
}
