//! The moments list: moving, paging and sorting; the selection following the newest moment
//! without stealing the user's place, and staying in view; offsets from the stream's start.

use crossterm::event::KeyCode;
use kicktui::app::Msg;
use kicktui::app::moments::SortOrder;
use kicktui::engine::update::Update;

use crate::tui_support::*;

#[test]
fn selection_moves_pages_and_sorts() {
    let mut a = app_sized(80, 24);
    let rows = a.moment_rows();
    for (i, score) in [5.0, 9.0, 1.0, 7.0, 3.0, 8.0, 2.0, 6.0, 4.0, 10.0]
        .iter()
        .enumerate()
    {
        a.update(
            moment_update(Some(i as i64 + 1), spike(i as f64 * 60.0, *score)),
            T0,
        );
    }
    // Best first by default; the selection followed the newest (also the best here).
    let best: Vec<f64> = a
        .moments
        .display()
        .iter()
        .map(|&i| a.moments.entries[i].moment.score)
        .collect();
    assert_eq!(best[..3], [10.0, 9.0, 8.0]);
    assert_eq!(a.moments.selected_row(), Some(0));
    assert_eq!(a.moments.selected, Some(9));
    a.update(key('j'), T0);
    a.update(code(KeyCode::Down), T0);
    assert_eq!(a.moments.selected_row(), Some(2));
    a.update(code(KeyCode::PageDown), T0);
    assert_eq!(a.moments.selected_row(), Some((2 + rows - 1).min(9)));
    a.update(key('G'), T0);
    assert_eq!(a.moments.selected_row(), Some(9));
    assert!(a.moments.offset + rows > 9, "the last row is visible");
    a.update(code(KeyCode::Home), T0);
    assert_eq!((a.moments.selected_row(), a.moments.offset), (Some(0), 0));

    a.update(key('s'), T0);
    assert_eq!(a.moments.order, SortOrder::Newest);
    assert!(flash(&a).contains("newest first"));
    let times: Vec<i64> = a
        .moments
        .display()
        .iter()
        .map(|&i| a.moments.entries[i].moment.at.0)
        .collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "{times:?}");
}

#[test]
fn a_new_moment_does_not_steal_a_selection_below_the_top() {
    let mut a = app();
    a.update(moment_update(Some(1), spike(10.0, 5.0)), T0);
    a.update(moment_update(Some(2), spike(20.0, 5.0)), T0);
    a.update(key('j'), T0);
    assert_eq!(a.moments.selected, Some(0));
    a.update(moment_update(Some(3), spike(30.0, 5.0)), T0);
    assert_eq!(a.moments.selected, Some(0));
    // A manual mark is selected at once (so `c` clips it).
    a.update(key('m'), T0);
    a.update(moment_update(Some(4), manual(40.0)), T0);
    assert_eq!(a.moments.selected, Some(3));
    // It is the newest, so the next moment would be selected... unless its details were
    // opened: then Esc and `c` clip the moment the user looked at.
    a.update(code(KeyCode::Enter), T0);
    a.update(code(KeyCode::Esc), T0);
    a.update(moment_update(Some(5), spike(50.0, 90.0)), T0);
    assert_eq!(a.moments.selected, Some(3), "stays on the one looked at");
    // Moving back onto the newest follows new moments again.
    a.update(key('g'), T0);
    a.update(moment_update(Some(6), spike(60.0, 1.0)), T0);
    assert_eq!(a.moments.selected, Some(5));
    // …but not while its details are open: browsing there (here `j` on the last row, which
    // cannot move) keeps the popup on the moment being read.
    a.update(code(KeyCode::Enter), T0);
    a.update(key('j'), T0);
    a.update(moment_update(Some(7), spike(70.0, 1.0)), T0);
    assert_eq!(a.moments.selected, Some(5), "the details stay on #6");
}

/// The stream's real start arrives after a guessed one (Kick's API back after the stream
/// probe said live): the list's moments of this stream show offsets from the real start;
/// one from before it (another session) keeps its own.
#[test]
fn a_known_start_moves_the_listed_offsets() {
    let mut a = app();
    a.update(moment_update(Some(1), spike(-600.0, 5.0)), T0);
    a.update(moment_update(Some(2), spike(90.0, 9.0)), T0);
    let real = at(-1800.0);
    a.update(Msg::Engine(Update::StartKnown { at: real, was: T0 }), T0);
    let offsets: Vec<(Option<i64>, f64)> = a
        .moments
        .entries
        .iter()
        .map(|e| (e.id, e.moment.offset_s))
        .collect();
    assert_eq!(offsets, vec![(Some(1), -600.0), (Some(2), 1890.0)]);
    assert!(
        screen(&a, 120, 40).contains("0:31:30"),
        "{}",
        screen(&a, 120, 40)
    );
}

/// A moment shown while building is selected on arrival; its final score moves it down the
/// best-first list: the selection goes with it and stays in view (a soak saw the list show
/// six other rows and no selection after a building moment's final update).
#[test]
fn a_final_score_that_moves_the_selected_moment_keeps_it_in_view() {
    let mut a = app_sized(80, 24);
    let rows = a.moment_rows();
    for i in 0..(rows as i64 + 4) {
        a.update(
            moment_update(Some(i + 1), spike(100.0 + i as f64, 50.0)),
            at(1.0),
        );
    }
    let building = Update::MomentBuilding {
        id: Some(99),
        moment: spike(900.0, 95.0),
    };
    a.update(Msg::Engine(building), at(2.0));
    assert_eq!(
        a.moments.selected_row(),
        Some(0),
        "the best one, selected on arrival"
    );
    a.update(moment_update(Some(99), spike(900.0, 5.0)), at(3.0));
    let row = a.moments.selected_row().expect("still selected");
    assert!(
        row >= a.moments.offset && row < a.moments.offset + rows,
        "row {row} out of view (offset {}, {rows} rows)",
        a.moments.offset
    );
}
