//! The hint bar and the popups' bottom edges name the same keys: both come from the keymap.

mod tui_support;

use crossterm::event::KeyCode;
use kicktui::app::{App, Keymap, Msg};
use tui_support::*;

fn app_with(keymap: Keymap, w: u16, h: u16) -> App {
    let mut c = ctx();
    c.keymap = keymap;
    app_in(c, w, h)
}

/// The help at 60x20 scrolls: its bottom edge said `j/k scroll` while the hint bar under it
/// said `k/j scroll`; the details said `j/k browse` over `k/j browse`. Rebound keys too.
#[test]
fn the_scroll_keys_read_the_same_on_the_edge_and_in_the_hint_bar() {
    let rebound: kicktui::config::Keys =
        toml::from_str("up = \"w\"\ndown = \"s\"\nsort = \"o\"").unwrap_or_default();
    for (keymap, keys) in [
        (Keymap::default(), "j/k"),
        (Keymap::from_config(&rebound).unwrap_or_default(), "s/w"),
    ] {
        let mut a = app_with(keymap, 60, 20);
        a.update(key('?'), T0);
        let s = screen(&a, 60, 20);
        let hint = s.lines().last().unwrap_or_default().to_string();
        assert!(s.contains(&format!("more below · {keys} scroll")), "{s}");
        assert!(hint.contains(&format!(" {keys} scroll ")), "{hint}");
        a.update(code(KeyCode::Esc), T0);
        a.update(moment_update(Some(1), spike(754.0, 30.0)), T0);
        // Its flash gone, the hint bar has room for the keys.
        let later = T0.plus_ms(kicktui::app::FLASH_MS + 1);
        a.update(Msg::Tick(later), later);
        a.update(code(KeyCode::Enter), T0);
        let s = screen(&a, 60, 20);
        let hint = s.lines().last().unwrap_or_default().to_string();
        assert!(s.contains(&format!("· {keys} browse ")), "{s}");
        assert!(hint.contains(&format!(" {keys} browse ")), "{hint}");
    }
}

/// The help's note on building moments named `m and c` whatever `[keys]` said.
#[test]
fn the_help_notes_name_the_keys_as_bound() {
    let rebound: kicktui::config::Keys =
        toml::from_str("mark = \"M\"\nclip = \"C\"").unwrap_or_default();
    for (keymap, words) in [
        (Keymap::default(), " m and c work on it at once."),
        (
            Keymap::from_config(&rebound).unwrap_or_default(),
            " M and C work on it at once.",
        ),
    ] {
        let mut a = app_with(keymap, 80, 40);
        a.update(key('?'), T0);
        let s = screen(&a, 80, 40);
        assert!(s.contains(words), "{words:?} not in\n{s}");
    }
}
