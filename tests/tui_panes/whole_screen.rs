//! The whole screen drawn at once: no colour with `no_color`, the details popup with every
//! trigger, and the too-small screen, with a sweep of every size and popup for panics.

use kicktui::app::{Msg, Popup};
use kicktui::ui;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

use crate::live_app;
use crate::tui_support::{self, *};

#[test]
fn no_color_means_no_colour_anywhere() {
    let mut a = live_app();
    a.ctx.no_color = true;
    a.update(moment_update(Some(1), spike(30.0, 12.0)), T0);
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    ui::render(&a, area, &mut buf);
    for c in buf.content() {
        assert_eq!(
            (c.fg, c.bg),
            (Color::Reset, Color::Reset),
            "{:?}",
            c.symbol()
        );
    }
    // Emphasis survives as attributes: the selected moment is reversed.
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED))
    );
}

#[test]
fn details_popup_shows_every_trigger() {
    let mut a = app();
    a.update(moment_update(Some(4), spike(5025.0, 25.0)), T0);
    a.update(
        kicktui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        T0,
    );
    assert_eq!(a.popup, Some(Popup::Details));
    let t = screen(&a, 80, 24);
    for want in [
        "CHAT SPIKE at 1h 23m 45s",
        "chat spike",
        "40 chatters, usually 1.2 msg/s (z 5.1) over 10 s",
        "keyword burst",
        "row #4",
        "1:23:00 to 1:23:55",
    ] {
        assert!(t.contains(want), "{want:?} in\n{t}");
    }
    // Each trigger's own figure follows its kind, not the detector's internal strength
    // (`x2.0`), which meant something different for every detector and was never explained.
    for (kind, words) in [
        ("chat spike", "Velocity: 8.7 msg/s"),
        ("keyword burst", "Keywords: CLIP (5x)"),
    ] {
        let row = t.lines().find(|l| l.contains(kind)).unwrap_or_default();
        let after = row.split_once(kind).map_or("", |(_, a)| a).trim_start();
        assert!(
            after.starts_with(words),
            "{kind:?} then {words:?} in {row:?}"
        );
    }
    // At the smallest size the triggers still show: the fields said elsewhere give way.
    let small = screen(&a, 60, 16);
    for want in ["Triggers (2)", "chat spike", "keyword burst", "row #4"] {
        assert!(small.contains(want), "{want:?} at 60×16 in\n{small}");
    }
    assert!(!small.contains("source"), "{small}");
}

#[test]
fn long_trigger_text_wraps_under_its_column_and_every_trigger_keeps_a_row() {
    use kicktui::domain::{KeywordData, TriggerData, TriggerType};
    let mut a = app();
    let mut m = spike(5025.0, 25.0);
    let long = "a phrase that goes on and on well past the popup's width ".repeat(2);
    for (i, word) in [long.trim(), "NO WAY", "mods"].into_iter().enumerate() {
        m.triggers.push(trigger(
            TriggerType::Keyword,
            1.0 + i as f64,
            TriggerData::Keyword(KeywordData {
                count: 13,
                keyword: word.into(),
            }),
        ));
    }
    a.update(moment_update(Some(4), m), T0);
    a.update(
        kicktui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        T0,
    );
    let t = screen(&a, 80, 24);
    assert!(t.contains("Triggers (5)"), "{t}");
    // A continuation row starts under the trigger's words, never against the border.
    assert!(t.contains("│                 popup's width (13x)"), "{t}");
    // Every trigger keeps a row; the long summary wraps too instead of being cut.
    for want in ["Keywords: NO WAY (13x)", "Keywords: mods (13x)", "│ (13x)"] {
        assert!(t.contains(want), "{want:?} in\n{t}");
    }
}

#[test]
fn too_small_screen_and_no_panic_at_any_size() {
    let mut a = live_app();
    a.update(moment_update(Some(1), spike(30.0, 12.0)), T0);
    let t = screen(&a, 50, 10);
    assert!(
        t.contains("Terminal too small") && t.contains("50×10") && t.contains("60×16"),
        "{t}"
    );
    // Keys still act on it (a mark is worth making): what one did is said there.
    a.update(tui_support::key('m'), T0);
    let t = screen(&a, 50, 12);
    assert!(t.contains("marking a moment"), "the flash: {t}");
    // The quit question still shows: a second `q` must not answer it unseen.
    a.popup = Some(Popup::ConfirmQuit);
    let t = screen(&a, 50, 12);
    assert!(t.contains("Quit?") && t.contains("stay"), "{t}");
    // Recording, with clips to cut, in a cramped pane: the safe answer still shows.
    a.recording.state = kicktui::app::RecState::Recording;
    a.quit_pending = 3;
    for (w, h) in [(40, 12), (30, 7)] {
        let t = screen(&a, w, h);
        assert!(t.contains("stay") && t.contains("pending"), "{w}×{h}:\n{t}");
    }
    for popup in [
        None,
        Some(Popup::Help),
        Some(Popup::Details),
        Some(Popup::ConfirmQuit),
    ] {
        a.popup = popup;
        for w in (1..=130).step_by(7).chain([59, 60, 61, 79, 80]) {
            for h in (1..=45).step_by(4).chain([15, 16, 17, 23, 24]) {
                a.update(
                    Msg::Resize {
                        width: w,
                        height: h,
                    },
                    T0,
                );
                let _ = screen(&a, w, h);
            }
        }
    }
}
