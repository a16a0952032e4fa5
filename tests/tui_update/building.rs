//! Moments shown while they build: one row from the first trigger to the final moment, saved
//! or not, named for what the moment is now.

use kicktui::app::Msg;
use kicktui::engine::update::Update;

use crate::tui_support::*;

#[test]
fn a_moment_not_saved_while_building_is_saved_when_final_in_the_same_row() {
    let mut a = app();
    let m = spike(60.0, 20.0);
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: None,
            moment: m.clone(),
        }),
        T0,
    );
    assert!(flash(&a).contains("NOT SAVED"), "{}", flash(&a));
    a.update(moment_update(Some(9), m), T0);
    assert_eq!(a.moments.entries.len(), 1, "one row, not a second");
    let row = &a.moments.entries[0];
    assert_eq!((row.id, row.building), (Some(9), false));
    assert_eq!(flash(&a), "moment saved #9 on a second try");
}

/// A preview never saves: a moment whose start moved while it built (a sub train joined by
/// an earlier trigger) is still one row, final, not a second row beside a "building" one
/// that stays for ever.
#[test]
fn a_preview_moment_whose_start_moved_is_final_in_its_building_row() {
    let mut a = app();
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: None,
            moment: spike(1680.0, 42.0),
        }),
        T0,
    );
    a.update(moment_update(None, spike(1673.0, 45.0)), T0);
    assert_eq!(a.moments.entries.len(), 1, "{:?}", a.moments.entries);
    assert!(!a.moments.entries[0].building);
}

/// A sub burst shown at once, then outdone by chat's reaction while it builds: the engine
/// shows it again, and its one row says what it is now (what a quit stores and a restart
/// lists), not `SUB BURST` until the end; so does the flash that announced it, while it
/// shows (it said `SUB BURST` until it faded). Saved or not (a preview, a refused write).
#[test]
fn a_building_moment_shown_again_as_it_grows_keeps_its_row_and_its_new_name() {
    use kicktui::domain::{SubBurstData, TriggerData, TriggerType};
    let subs = trigger(
        TriggerType::SubBurst,
        1.0,
        TriggerData::SubBurst(SubBurstData {
            gifter: Some("patron".into()),
            subs: 5,
            window_s: 60,
            span_s: 0,
        }),
    );
    let mut first = spike(100.0, 10.0);
    first.trigger_type = TriggerType::SubBurst;
    first.triggers = vec![subs.clone()];
    let mut grown = spike(100.0, 30.0);
    grown.triggers.push(subs);
    // Its keywords outdo the chat spike.
    let mut grown_more = grown.clone();
    grown_more.trigger_type = TriggerType::Keyword;
    let building = |id, m: &kicktui::domain::Moment| {
        Msg::Engine(Update::MomentBuilding {
            id,
            moment: m.clone(),
        })
    };
    for id in [Some(3), None] {
        let mut a = app();
        a.update(building(id, &first), at(1.0));
        assert!(screen(&a, 120, 40).contains("SUB BURST  "));
        a.update(building(id, &grown), at(5.0));
        assert_eq!(a.moments.entries.len(), 1, "{id:?}: one row");
        let row = &a.moments.entries[0];
        assert_eq!((row.id, row.building), (id, true));
        // Its row, and the flash that announced it.
        let s = screen(&a, 120, 40);
        let row = s
            .lines()
            .find(|l| l.contains("0:01:40"))
            .unwrap_or_default();
        assert!(row.contains("CHAT SPIKE +2"), "{id:?}:\n{s}");
        let flash = s.lines().last().unwrap_or_default();
        assert!(flash.starts_with("CHAT SPIKE at 0:01:40 ("), "{id:?}:\n{s}");
        // A flash about something else is left alone.
        a.update(key('s'), at(6.0));
        a.update(building(id, &grown_more), at(7.0));
        let s = screen(&a, 120, 40);
        assert!(s.contains("KEYWORD BURST +2"), "{id:?}:\n{s}");
        let flash = s.lines().last().unwrap_or_default();
        assert!(flash.starts_with("moments: "), "{id:?}:\n{s}");
        a.update(moment_update(id, grown.clone()), at(30.0));
        assert_eq!(a.moments.entries.len(), 1, "{id:?}: final in the same row");
        assert!(!a.moments.entries[0].building);
    }
}
