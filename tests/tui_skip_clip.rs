//! `x` on a moment: its clip is skipped (not cut at the stream's end, not offered at quit),
//! `x` again wants it back, and a clip cut or on its way is left alone with a word why.

mod tui_support;

use kicktui::app::{App, ClipStatus, Cmd, Msg};
use kicktui::engine::update::{ClipNews, SkipOutcome, Update};
use kicktui::media::{self, ClipState};
use tui_support::*;

fn engine(a: &mut App, u: Update) -> Vec<Cmd> {
    a.update(Msg::Engine(u), T0)
}

fn answer(id: i64, skip: bool, outcome: SkipOutcome) -> Update {
    Update::ClipSkip {
        moment_id: id,
        skip,
        outcome,
    }
}

/// Recording, with one stored moment (#3) selected.
fn recording_with_moment() -> App {
    let mut a = app();
    engine(&mut a, recording_update(media::RecState::Recording));
    engine(
        &mut a,
        Update::Moment {
            id: Some(3),
            moment: spike(60.0, 20.0),
        },
    );
    a
}

#[test]
fn x_skips_the_clip_and_x_again_wants_it_back() {
    let mut a = recording_with_moment();
    assert_eq!(a.pending_clips(), 1);
    let wide = screen(&a, 120, 40);
    assert!(wide.contains(" x skip "), "{wide}");
    assert_eq!(
        a.update(key('x'), T0),
        vec![Cmd::SkipClip { id: 3, skip: true }]
    );
    engine(&mut a, answer(3, true, SkipOutcome::Done));
    assert_eq!(a.moments.entries[0].clip, ClipStatus::Skipped);
    assert_eq!(
        flash(&a),
        "moment #3 will not be clipped (x again undoes it)"
    );
    assert!(screen(&a, 80, 24).contains("skipped"));
    assert_eq!(a.pending_clips(), 0, "quit does not offer a skipped clip");

    assert_eq!(
        a.update(key('x'), T0),
        vec![Cmd::SkipClip { id: 3, skip: false }]
    );
    engine(&mut a, answer(3, false, SkipOutcome::Done));
    assert_eq!(a.moments.entries[0].clip, ClipStatus::None);
    assert_eq!(flash(&a), "moment #3 will be clipped at the stream's end");
    assert_eq!(a.pending_clips(), 1);

    // `c` on a skipped moment is a clip asked for after all.
    engine(&mut a, answer(3, true, SkipOutcome::Done));
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 3 }]);
    assert_eq!(a.moments.entries[0].clip, ClipStatus::Queued);
}

#[test]
fn a_clip_cut_or_on_its_way_is_not_skipped_and_the_bar_says_why() {
    let mut a = app();
    assert!(a.update(key('x'), T0).is_empty());
    assert_eq!(flash(&a), "no moment selected");
    assert!(!screen(&a, 120, 40).contains(" x skip "), "no moment yet");

    let mut a = recording_with_moment();
    a.update(key('c'), T0);
    assert!(a.update(key('x'), T0).is_empty());
    assert_eq!(flash(&a), "this clip is already on its way");
    engine(
        &mut a,
        Update::Clip(ClipNews {
            session: 5,
            moment_id: Some(3),
            state: ClipState::Ready {
                path: "/d/clips/m3.mp4".into(),
                duration: 55.0,
            },
            progress: None,
        }),
    );
    assert!(a.update(key('x'), T0).is_empty());
    assert_eq!(flash(&a), "this clip is cut already");

    // The engine's answer when the clip moved on between the key and the database.
    let mut a = recording_with_moment();
    a.update(key('x'), T0);
    engine(&mut a, answer(3, true, SkipOutcome::MovedOn));
    assert_eq!(a.moments.entries[0].clip, ClipStatus::None);
    assert_eq!(
        flash(&a),
        "moment #3: its clip is cut or on its way already"
    );
    engine(
        &mut a,
        answer(3, true, SkipOutcome::Failed("disk I/O error".into())),
    );
    assert_eq!(
        flash(&a),
        "moment #3: the skip was not saved: disk I/O error"
    );

    // Not saved: nothing to skip.
    let mut a = app();
    engine(&mut a, recording_update(media::RecState::Recording));
    engine(
        &mut a,
        Update::Moment {
            id: None,
            moment: spike(60.0, 20.0),
        },
    );
    assert!(a.update(key('x'), T0).is_empty());
    assert!(flash(&a).contains("not saved"), "{}", flash(&a));
}
