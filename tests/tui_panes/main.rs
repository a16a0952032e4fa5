//! Pane render tests: each pane drawn into a buffer on its own, and a sweep of every size and
//! popup for panics.

#[path = "../tui_support/mod.rs"]
mod tui_support;

mod chat_panes;
mod hints;
mod moments_list;
mod recording_and_activity;
mod status_bar;
mod whole_screen;

use kicktui::app::{App, Msg};
use kicktui::engine::update::Update;
use kicktui::source::ChatState;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::*;

fn pane(w: u16, h: u16, f: impl FnOnce(Rect, &mut Buffer)) -> (Buffer, String) {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    f(area, &mut buf);
    let t = text(&buf);
    (buf, t)
}

fn live_app() -> App {
    let mut a = app();
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    for s in 0..60 {
        let rate = if s > 50 { 9.0 } else { 2.0 };
        a.update(
            Msg::Engine(Update::Snapshot(snapshot(s as f64, rate))),
            at(s as f64),
        );
    }
    a
}

/// Kick's API answers 403 and no ids are known: chat waits for them.
fn api_blocked(a: &mut App) {
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "HTTP 403 (Cloudflare)".into(),
            retry_s: Default::default(),
            waits_for_ids: true,
        }),
        T0,
    );
}
