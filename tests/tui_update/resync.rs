//! Moments that arrive in bulk: a resumed session's earlier moments, and a resync after the
//! screen fell behind; neither doubles a row nor loses a clip's state.

use crossterm::event::KeyCode;
use kicktui::app::{ClipStatus, Msg};
use kicktui::engine::update::Update;
use kicktui::media::ClipState;

use crate::tui_support::*;

/// A session resumed after a crash brings its earlier moments into the list with their
/// clips, silently; one already there (by id) is not doubled, and `c` on a cut one answers
/// with its file.
#[test]
fn a_resumed_sessions_earlier_moments_join_the_list_quietly() {
    use kicktui::engine::view::MomentRow;
    let mut a = app();
    a.update(moment_update(Some(3), spike(100.0, 20.0)), at(1.0));
    let before = flash(&a);
    let rows = vec![
        MomentRow {
            id: Some(1),
            moment: spike(10.0, 20.0),
            clip: Some(ClipState::AlreadyCut {
                path: "/d/clips/x_s001_m1.mp4".into(),
                short: false,
            }),
            building: false,
        },
        MomentRow {
            id: Some(3),
            moment: spike(100.0, 20.0),
            clip: None,
            building: false,
        },
    ];
    a.update(Msg::Engine(Update::EarlierMoments(rows)), at(2.0));
    assert_eq!(a.moments.entries.len(), 2);
    assert_eq!(flash(&a), before, "nothing flashed for them");
    let earlier = a
        .moments
        .entries
        .iter()
        .find(|e| e.id == Some(1))
        .expect("listed");
    assert_eq!(
        earlier.clip,
        ClipStatus::Done {
            path: "/d/clips/x_s001_m1.mp4".into(),
            short: false,
            length: None,
        }
    );
}

/// A moment stored while the channel was offline (or that no recording covers) is "no rec"
/// after a restart and after a resync, as it was live: not a red "failed" whose details say
/// "clip failed", and not offered at quit.
#[test]
fn an_earlier_moment_no_recording_covers_is_no_rec_not_failed() {
    use kicktui::engine::view::{MomentRow, View};
    let row = |id| MomentRow {
        id: Some(id),
        moment: spike(10.0 * id as f64, 20.0),
        clip: Some(ClipState::NoRecording),
        building: false,
    };
    let mut a = app();
    a.update(Msg::Engine(Update::EarlierMoments(vec![row(1)])), at(1.0));
    let view = View {
        moments: vec![row(1), row(2)].into(),
        ..View::default()
    };
    a.update(Msg::Engine(Update::Resync(Box::new(view))), at(2.0));
    let e = &a.moments.entries;
    assert_eq!(e.len(), 2, "{e:?}");
    for entry in e {
        assert_eq!(entry.clip, ClipStatus::NotRecorded, "{entry:?}");
    }
    let s = screen(&a, 120, 40);
    assert!(s.contains("no rec") && !s.contains("failed"), "{s}");
    a.update(code(KeyCode::Enter), at(3.0));
    let s = screen(&a, 120, 40);
    assert!(s.contains("not recorded") && !s.contains("failed"), "{s}");
    assert_eq!(a.moments.pending_clips(), 0);
}

/// The screen fell behind and caught up: what it missed shows, clip updates included. A clip
/// that became ready meanwhile is not left "cutting", a missed moment comes with its clip,
/// and a moment that was building unsaved is one row once final.
#[test]
fn a_resync_brings_missed_clips_and_final_moments() {
    use kicktui::engine::view::{MomentRow, View};
    let mut a = app();
    a.update(moment_update(Some(3), spike(100.0, 20.0)), at(1.0));
    a.update(
        Msg::Clip {
            id: 3,
            status: ClipStatus::from(&ClipState::Cutting),
        },
        at(2.0),
    );
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: None,
            moment: spike(300.0, 10.0),
        }),
        at(3.0),
    );
    let ready = |p: &str| {
        Some(ClipState::Ready {
            path: p.into(),
            duration: 55.0,
        })
    };
    let row = |id, m, clip| MomentRow {
        id,
        moment: m,
        clip,
        building: false,
    };
    let view = View {
        moments: vec![
            row(Some(3), spike(100.0, 20.0), ready("/d/m3.mp4")),
            row(Some(4), spike(200.0, 15.0), ready("/d/m4.mp4")),
            row(Some(5), spike(300.0, 12.0), None),
        ]
        .into(),
        ..View::default()
    };
    a.update(Msg::Engine(Update::Resync(Box::new(view))), at(9.0));
    let e = &a.moments.entries;
    assert_eq!(e.len(), 3, "{e:?}");
    let by_id = |id| e.iter().find(|x| x.id == Some(id)).expect("listed");
    assert_eq!(by_id(3).clip.label(), "ready");
    assert_eq!(by_id(4).clip.label(), "ready");
    assert!(!by_id(5).building, "final in the building row's place");
}

/// Nothing saved (a preview, a failing database): a resync matches the unsaved rows instead
/// of doubling them, and a building one stays one row.
#[test]
fn a_resync_keeps_unsaved_rows_single() {
    use kicktui::engine::view::{MomentRow, View};
    let mut a = app();
    a.update(moment_update(None, spike(100.0, 20.0)), at(1.0));
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: None,
            moment: spike(300.0, 10.0),
        }),
        at(2.0),
    );
    let row = |m, building| MomentRow {
        id: None,
        moment: m,
        clip: None,
        building,
    };
    let view = View {
        moments: vec![
            row(spike(100.0, 20.0), false),
            row(spike(295.0, 12.0), true),
        ]
        .into(),
        ..View::default()
    };
    a.update(Msg::Engine(Update::Resync(Box::new(view))), at(9.0));
    let e = &a.moments.entries;
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e.iter().filter(|x| x.building).count(), 1, "{e:?}");
}
