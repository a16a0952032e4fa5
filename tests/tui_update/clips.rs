//! Clips from the list (`c`: what it needs, what the row and the flash say) and at quit (`q`
//! asks first while recording, and the answer goes to the engine).

use crossterm::event::KeyCode;
use kicktui::app::{ClipStatus, Cmd, Msg, Popup};
use kicktui::engine::update::{ClipNews, Update};
use kicktui::media::ClipState;

use crate::recording;
use crate::tui_support::*;

#[test]
fn clip_needs_a_selection_a_recording_and_a_stored_moment() {
    let mut a = app();
    assert!(a.update(key('c'), T0).is_empty());
    assert!(flash(&a).contains("no moment selected"));
    a.update(moment_update(Some(3), spike(60.0, 20.0)), T0);
    assert!(a.update(key('c'), T0).is_empty());
    assert!(flash(&a).contains("recording is off"), "{}", flash(&a));

    recording(&mut a);
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 3 }]);
    assert_eq!(a.moments.entries[0].clip, ClipStatus::Queued);
    assert!(a.update(key('c'), T0).is_empty(), "asked once is enough");
    let done = ClipStatus::Done {
        path: "/clips/3.mp4".into(),
        short: false,
        length: None,
    };
    a.update(
        Msg::Clip {
            id: 3,
            status: done.clone(),
        },
        T0,
    );
    assert_eq!(a.moments.entries[0].clip, done);
    assert_eq!(flash(&a), "clip #3 ready: /clips/3.mp4");
    // Clipped already: the engine decides (it says where the clip is, or cuts it again when
    // its file is gone).
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 3 }]);
    a.update(
        Msg::from_update(Update::Clip(ClipNews {
            session: 1,
            moment_id: Some(3),
            state: ClipState::AlreadyCut {
                path: "/clips/3.mp4".into(),
                short: false,
            },
            progress: None,
        })),
        T0,
    );
    assert_eq!(a.moments.entries[0].clip, done);
    assert_eq!(flash(&a), "clip #3 ready: /clips/3.mp4");
    // …even once the recording has failed: the clip is there to be found.
    a.update(
        Msg::Engine(Update::Recorder(
            kicktui::engine::update::RecorderNews::Off("streamlink crashed".into()),
        )),
        T0,
    );
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 3 }]);
    assert_eq!(
        a.moments.entries[0].clip, done,
        "the row waits for the answer"
    );

    // The newest moment is selected wherever it ranks.
    a.update(moment_update(None, spike(200.0, 10.0)), T0);
    assert_eq!(a.moments.selected, Some(1));
    assert!(a.update(key('c'), T0).is_empty());
    assert!(flash(&a).contains("not saved"));
}

#[test]
fn quit_asks_first_while_recording_or_live_and_the_answer_goes_to_the_engine() {
    use kicktui::engine::media::QuitClips;
    let mut a = app();
    assert_eq!(a.update(key('q'), T0), vec![Cmd::Quit]);
    assert_eq!(a.update(ctrl('c'), T0), vec![Cmd::Quit]);

    recording(&mut a);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.popup, Some(Popup::ConfirmQuit));
    assert!(a.update(code(KeyCode::Esc), T0).is_empty(), "Esc stays");
    assert_eq!(a.popup, None);
    a.update(key('q'), T0);
    assert_eq!(
        a.update(key('y'), T0),
        vec![Cmd::AtQuit(QuitClips::Cut), Cmd::Quit]
    );
    // With a clip to cut, n leaves it for later (with none, n is "no, do not quit").
    a.update(moment_update(Some(1), spike(60.0, 20.0)), T0);
    a.update(key('q'), T0);
    assert_eq!(
        a.update(key('n'), T0),
        vec![Cmd::AtQuit(QuitClips::Leave), Cmd::Quit]
    );
    a.update(key('q'), T0);
    assert_eq!(
        a.update(key('q'), T0),
        vec![Cmd::AtQuit(QuitClips::Leave), Cmd::Quit],
        "q twice quits, leaving the clips"
    );
    a.update(key('q'), T0);
    assert!(a.update(key('x'), T0).is_empty(), "any other key stays");
    // The question stays as it was shown: its clip finishing meanwhile does not turn n
    // ("leave them") into "stay".
    a.update(moment_update(Some(2), spike(90.0, 20.0)), T0);
    a.update(key('q'), T0);
    for id in [1, 2] {
        a.update(
            Msg::from_update(Update::Clip(ClipNews {
                session: 1,
                moment_id: Some(id),
                state: ClipState::Ready {
                    path: format!("/clips/{id}.mp4").into(),
                    duration: 30.0,
                },
                progress: None,
            })),
            T0,
        );
    }
    assert_eq!(a.pending_clips(), 0);
    assert_eq!(
        a.update(key('n'), T0),
        vec![Cmd::AtQuit(QuitClips::Leave), Cmd::Quit]
    );
}

/// A clip cut short (a hole in the recording) says so in the list and the flash, not "ready".
#[test]
fn a_short_clip_is_shown_short() {
    let mut a = app();
    a.update(moment_update(Some(3), spike(100.0, 20.0)), at(1.0));
    let short = ClipStatus::from(&ClipState::Short {
        path: "/d/clips/m3.mp4".into(),
        duration: 46.0,
        asked: 55.0,
        why: None,
    });
    a.update(
        Msg::Clip {
            id: 3,
            status: short,
        },
        at(2.0),
    );
    assert_eq!(a.moments.entries[0].clip.label(), "short");
    assert_eq!(
        flash(&a),
        "clip #3 ready (short: 46.0 of 55 s, part of it was not recorded): /d/clips/m3.mp4"
    );
}
