//! The keyword pane says what its counts cover: the last `[chat] window_seconds`.

mod tui_support;

use kicktui::app::{App, Msg};
use kicktui::engine::update::Update;
use tui_support::*;

fn app_with_window(secs: u32, w: u16, h: u16) -> App {
    let mut c = ctx();
    c.keyword_window_s = secs;
    let mut a = app_in(c, w, h);
    a.update(Msg::Engine(Update::Snapshot(snapshot(1.0, 2.0))), T0);
    a
}

/// A burst's `NO WAY 24` is `NO WAY 0` ten seconds later, beside the emotes pane's recent
/// peaks (`"no way no way" 19`): untitled, the two read as disagreeing. The title names the
/// window, in short on a narrow pane.
#[test]
fn the_keyword_title_names_its_window() {
    for (secs, w, h, want) in [
        (10, 120, 40, "┌ Keywords · last 10 s ─"),
        (30, 120, 40, "┌ Keywords · last 30 s ─"),
        (10, 80, 24, "┌ Keywords 10 s ─"),
        (10, 60, 20, "┌ Keywords 10 s ─"),
    ] {
        let a = app_with_window(secs, w, h);
        let s = screen(&a, w, h);
        let row = s.lines().nth(1).unwrap_or_default();
        assert!(row.contains(want), "{want} at {w}x{h}:\n{s}");
        // The counts stay whole beside it.
        let lmao = s
            .lines()
            .find(|l| l.contains("││LMAO "))
            .unwrap_or_default();
        assert!(lmao.contains(" 7││"), "{s}");
    }
}
