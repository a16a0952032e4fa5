//! The TUI side of recording and clips, fed with the engine's own updates: the recording
//! pane follows `Update::Recording`, `c` on a stored moment asks for its clip, the clip's
//! events move the row through waiting → cutting → ready (or failed: why), and `q` asks first
//! while recording.

mod tui_support;

use std::path::PathBuf;

use kicktui::app::{App, ClipLength, ClipStatus, Cmd, Msg, Popup, RecState};
use kicktui::engine::update::{ClipNews, RecorderNews, RecordingInfo, Update};
use kicktui::media::{self, ClipState};
use tui_support::*;

fn engine(a: &mut App, u: Update) -> Vec<Cmd> {
    a.update(Msg::Engine(u), T0)
}

fn clip(id: i64, state: ClipState) -> Update {
    Update::Clip(ClipNews {
        session: 5,
        moment_id: Some(id),
        state,
        progress: None,
    })
}

#[test]
fn c_on_a_stored_moment_while_recording_asks_the_engine_and_follows_the_clip() {
    let mut a = app();
    engine(&mut a, Update::Recorder(RecorderNews::Armed));
    assert_eq!(a.recording.state, RecState::Waiting);
    engine(&mut a, recording_update(media::RecState::Recording));
    assert_eq!(a.recording.state, RecState::Recording);
    assert_eq!(a.recording.size_bytes, 45_200_000);
    assert_eq!(a.recording.mb_per_min, Some(2.6));
    assert!(a.recording.file.as_deref().unwrap().ends_with("_p1.ts"));

    engine(
        &mut a,
        Update::Moment {
            id: Some(3),
            moment: spike(60.0, 20.0),
        },
    );
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 3 }]);
    assert_eq!(a.moments.entries[0].clip, ClipStatus::Queued);

    engine(&mut a, clip(3, ClipState::Queued));
    engine(&mut a, clip(3, ClipState::Waiting));
    assert_eq!(a.moments.entries[0].clip, ClipStatus::Waiting);
    assert_eq!(a.moments.entries[0].clip.label(), "waiting");
    assert!(a.update(key('c'), T0).is_empty(), "already on its way");
    engine(&mut a, clip(3, ClipState::Cutting));
    assert_eq!(a.moments.entries[0].clip, ClipStatus::Cutting);
    let path = PathBuf::from("/d/clips/clavicular_s005_m3.mp4");
    engine(
        &mut a,
        clip(
            3,
            ClipState::Ready {
                path: path.clone(),
                duration: 55.0,
            },
        ),
    );
    assert_eq!(
        a.moments.entries[0].clip,
        ClipStatus::Done {
            path: path.display().to_string(),
            short: false,
            length: Some(ClipLength {
                secs: 55.0,
                short_of: None,
                why: None,
            }),
        }
    );
    assert_eq!(a.moments.entries[0].clip.label(), "ready");
    assert_eq!(
        flash(&a),
        format!("clip #3 ready (55.0 s): {}", path.display())
    );

    // A failed clip says why, and can be asked for again.
    let failed = ClipState::Failed("ffmpeg exited 1".into());
    engine(&mut a, clip(3, failed));
    assert_eq!(
        a.moments.entries[0].clip,
        ClipStatus::Failed {
            why: "ffmpeg exited 1".into()
        }
    );
    assert_eq!(flash(&a), "clip failed: ffmpeg exited 1");
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 3 }]);
    // No recording covers it: said, and the row is "no rec" as after a restart (asking
    // again would get the same answer).
    engine(&mut a, clip(3, ClipState::NoRecording));
    assert_eq!(a.moments.entries[0].clip, ClipStatus::NotRecorded);
    assert_eq!(flash(&a), "clip failed: no recording covers it");
    assert!(a.update(key('c'), T0).is_empty());
    assert!(
        flash(&a).contains("no recording covers it"),
        "{}",
        flash(&a)
    );
}

#[test]
fn m_then_c_clips_the_new_mark() {
    let mut a = app();
    engine(&mut a, recording_update(media::RecState::Recording));
    engine(
        &mut a,
        Update::Moment {
            id: Some(1),
            moment: spike(30.0, 9.0),
        },
    );
    assert_eq!(
        a.update(key('m'), at(1.0)),
        vec![Cmd::MarkMoment { at: at(1.0) }]
    );
    engine(
        &mut a,
        Update::Moment {
            id: Some(2),
            moment: manual(90.0),
        },
    );
    assert_eq!(a.update(key('c'), at(2.0)), vec![Cmd::ClipMoment { id: 2 }]);
}

/// A mark while "waiting for live" is stored with no recording to cut it from: quit does
/// not offer to cut it (it asked "Cut the 1 pending clip now?"), and its row says so without
/// a "clip failed" flash.
#[test]
fn a_moment_stored_while_offline_is_not_offered_at_quit() {
    let mut a = app();
    engine(&mut a, Update::Recorder(RecorderNews::Armed));
    engine(
        &mut a,
        Update::Moment {
            id: Some(1),
            moment: manual(0.0),
        },
    );
    engine(&mut a, Update::NotRecorded { moment_id: 1 });
    assert!(!flash(&a).contains("failed"), "{}", flash(&a));
    assert!(screen_contains(&a, "no rec"), "{}", screen(&a, 80, 24));
    // Live and recording later, `c` on it still says why there is nothing to clip.
    engine(&mut a, recording_update(media::RecState::Recording));
    assert!(a.update(key('c'), T0).is_empty());
    assert!(flash(&a).contains("offline"), "{}", flash(&a));
    // Nothing to cut: quitting asks only whether to stop the recording.
    assert!(a.update(key('q'), T0).is_empty());
    let asked = screen(&a, 80, 24);
    assert!(
        asked.contains("Quit now?") && !asked.contains("cut now"),
        "{asked}"
    );
}

/// Recording off because streamlink is missing: each moment is told as not recorded (the
/// dashboard says no_recording), and `c` says the real reason, not "offline".
#[test]
fn c_on_a_moment_names_a_missing_recorder_not_offline() {
    let mut a = app();
    engine(
        &mut a,
        Update::Recorder(RecorderNews::Off("streamlink not found".into())),
    );
    engine(
        &mut a,
        Update::Moment {
            id: Some(1),
            moment: manual(30.0),
        },
    );
    engine(&mut a, Update::NotRecorded { moment_id: 1 });
    assert!(a.update(key('c'), T0).is_empty());
    let said = flash(&a);
    assert!(
        said.contains("streamlink not found") && !said.contains("offline"),
        "{said}"
    );
}

#[test]
fn quitting_while_recording_asks_first_and_a_missing_program_says_so() {
    let mut a = app();
    engine(&mut a, recording_update(media::RecState::Starting));
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.popup, Some(Popup::ConfirmQuit));
    // Nothing to cut: the question is "Quit now?", with no cut-or-leave choice; no stays.
    let asked = screen(&a, 80, 24);
    assert!(
        asked.contains("Quit now?") && !asked.contains("cut now") && !asked.contains("leave"),
        "{asked}"
    );
    assert!(a.update(key('n'), T0).is_empty());
    assert_eq!(a.popup, None);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(
        a.update(key('y'), T0),
        vec![
            Cmd::AtQuit(kicktui::engine::media::QuitClips::Cut),
            Cmd::Quit
        ]
    );

    let mut b = app();
    let why = "streamlink not found (\"streamlink\" is not on PATH)";
    engine(&mut b, Update::Recorder(RecorderNews::Off(why.into())));
    assert_eq!(b.recording.state, RecState::Failed(why.into()));
    assert!(flash(&b).contains("recording is OFF"), "{}", flash(&b));
    assert_eq!(b.update(key('q'), T0), vec![Cmd::Quit], "nothing to stop");

    // End of stream: the pane shows the clipping progress.
    let mut c = app();
    let mut info = RecordingInfo {
        session: 5,
        state: media::RecState::Stopped(media::StopReason::Offline),
        clipping: Some((1, 3)),
        ..RecordingInfo::default()
    };
    engine(&mut c, Update::Recording(info.clone()));
    assert_eq!(c.recording.state, RecState::Stopped);
    assert_eq!(c.recording.clipping, Some((1, 3)));
    let screen = screen(&c, 80, 24);
    assert!(screen.contains("clips 1/3 done"), "{screen}");
    info.clipping = Some((3, 3));
    engine(&mut c, Update::Recording(info));
    assert!(screen_contains(&c, "clips 3/3 done"));
}

fn screen_contains(a: &App, s: &str) -> bool {
    screen(a, 80, 24).contains(s)
}

#[test]
fn a_recording_that_cannot_be_written_is_a_red_pane_and_a_flash_and_clips_still_work() {
    let mut a = app();
    let why = "[Errno 28] No space left on device";
    engine(&mut a, recording_update(media::RecState::Recording));
    engine(
        &mut a,
        Update::Recorder(RecorderNews::Unwritable { why: why.into() }),
    );
    engine(
        &mut a,
        recording_update(media::RecState::Unwritable(why.into())),
    );
    assert_eq!(a.recording.state, RecState::Unwritable(why.into()));
    assert!(flash(&a).contains("CANNOT WRITE"), "{}", flash(&a));
    let screen = screen(&a, 80, 24);
    assert!(screen.contains("CANNOT WRITE: [Errno 28]"), "{screen}");
    assert!(screen.contains("resumes in a new part"), "{screen}");
    // What is recorded already can still be clipped; quitting asks (it would resume).
    engine(
        &mut a,
        Update::Moment {
            id: Some(4),
            moment: spike(60.0, 20.0),
        },
    );
    assert_eq!(a.update(key('c'), T0), vec![Cmd::ClipMoment { id: 4 }]);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.popup, Some(Popup::ConfirmQuit));
}

/// Quitting while the recording cannot write (a full disk) does not call it "running".
#[test]
fn the_quit_question_says_a_recording_that_cannot_write_is_not_running() {
    let mut a = app();
    engine(
        &mut a,
        recording_update(media::RecState::Unwritable(
            "No space left on device".into(),
        )),
    );
    assert!(a.update(key('q'), T0).is_empty());
    let asked = screen(&a, 80, 24);
    assert!(
        asked.contains("cannot write now") && !asked.contains("is running"),
        "{asked}"
    );
}

/// A moment that comes while the quit question is open is counted in it (y and n take it
/// too, as the answer's log line will say).
#[test]
fn the_quit_question_counts_a_moment_that_came_while_it_was_open() {
    let mut a = app();
    engine(&mut a, recording_update(media::RecState::Recording));
    engine(
        &mut a,
        Update::Moment {
            id: Some(7),
            moment: spike(60.0, 20.0),
        },
    );
    a.update(key('q'), T0);
    assert!(screen_contains(&a, "Cut the 1 pending clip now?"));
    engine(
        &mut a,
        Update::Moment {
            id: Some(8),
            moment: spike(90.0, 15.0),
        },
    );
    assert_eq!(a.popup, Some(Popup::ConfirmQuit));
    assert!(
        screen_contains(&a, "Cut the 2 pending clips now?"),
        "{}",
        screen(&a, 80, 24)
    );
    // Asked "Quit now?" (nothing to cut), a moment meanwhile does not turn n into quit.
    let mut b = app();
    engine(&mut b, recording_update(media::RecState::Recording));
    b.update(key('q'), T0);
    assert!(screen_contains(&b, "Quit now?"));
    engine(
        &mut b,
        Update::Moment {
            id: Some(9),
            moment: spike(30.0, 15.0),
        },
    );
    assert!(b.update(key('n'), T0).is_empty(), "n still means stay");
}
