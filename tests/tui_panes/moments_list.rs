//! The moments pane: its rows and empty state, the title counting rows out of view, widths that
//! cut no word, and the way round a blocked lookup while chat waits for the ids.

use kicktui::app::App;
use kicktui::ui::{self, Theme};
use ratatui::style::Modifier;

use crate::tui_support::*;
use crate::{api_blocked, pane};

/// While chat waits for the ids, the empty list says where to find them: the channel's API
/// page by its name (the live TUI's label is `kick:name`, which is no page).
#[test]
fn the_empty_list_names_the_channels_api_page_while_chat_waits_for_ids() {
    let th = Theme::new(true);
    let mut c = ctx();
    c.channel = "kick:clavicular".into();
    let mut a = App::new(c, T0);
    api_blocked(&mut a);
    let (_, text) = pane(200, 8, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        text.contains("kick.com/api/v2/channels/clavicular shows them"),
        "{text}"
    );
    // A short pane (a 120×35 terminal's) still holds the way round, before the API's message.
    let (_, text) = pane(60, 10, |r, b| ui::moments::render(&a, &th, r, b));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("chatroom.id"), "{text}");
}

#[test]
fn moments_list_rows_and_empty_state() {
    let mut a = app();
    let th = Theme::new(true);
    let (_, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(t.contains("No moments yet. Press m to mark one."), "{t}");
    a.update(moment_update(Some(12), spike(5025.0, 25.0)), T0);
    a.update(moment_update(None, spike(5100.0, 9.5)), T0);
    let (buf, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    let rows: Vec<&str> = t.lines().collect();
    assert!(rows[0].contains("Moments 2 · best first"), "{t}");
    assert!(
        rows[1].contains("offset") && rows[1].contains("stored"),
        "{t}"
    );
    assert!(
        rows[2].contains("1:23:45  CHAT SPIKE +1     25.0  -        #12"),
        "{t}"
    );
    assert!(
        rows[3].contains("1:25:00  CHAT SPIKE +1      9.5  -        NOT SAVED"),
        "{t}"
    );
    // The selected (newest) row is reversed, though it ranks second.
    assert!(buf[(5, 3)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(5, 2)].modifier.contains(Modifier::REVERSED));
    let (_, wide) = pane(120, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        wide.contains("Velocity: 8.7 msg/s | Keywords: CLIP (5x)"),
        "{wide}"
    );
}

#[test]
fn the_moments_title_counts_rows_scrolled_out_of_view() {
    let mut a = app();
    let th = Theme::new(true);
    for i in 0..8 {
        a.update(
            moment_update(Some(i), spike(100.0 + i as f64, 50.0 - i as f64)),
            T0,
        );
    }
    // 3 rows show in a 6-high pane: the title says what is hidden, above and below.
    a.moments.offset = 0;
    let (_, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        t.lines()
            .next()
            .unwrap()
            .contains("Moments 8 · best first ↓5"),
        "{t}"
    );
    a.moments.offset = 2;
    let (_, t) = pane(80, 6, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        t.lines().next().unwrap().contains("best first ↑2 ↓3"),
        "{t}"
    );
}

#[test]
fn narrow_and_wide_moment_rows_cut_nothing_mid_word() {
    let mut a = app();
    let th = Theme::new(true);
    a.update(moment_update(Some(12), spike(5025.0, 25.0)), T0);
    // 60 columns: the wall clock goes, the type stays whole.
    let (_, t) = pane(60, 5, |r, b| ui::moments::render(&a, &th, r, b));
    let rows: Vec<&str> = t.lines().collect();
    assert!(
        !rows[1].contains("time") && rows[1].contains("offset"),
        "{t}"
    );
    assert!(rows[2].contains("1:23:45  CHAT SPIKE +1"), "{t}");
    // A "what fired" column too short for the summary ends it with an ellipsis.
    let (_, t) = pane(104, 5, |r, b| ui::moments::render(&a, &th, r, b));
    assert!(
        t.contains("Velocity: 8.7 msg/s | Keywords: C") && t.contains('…'),
        "{t}"
    );
}
