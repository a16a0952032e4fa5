//! Reducer tests: `App::update` fed with messages at explicit times; no terminal involved.

mod tui_support;

use crossterm::event::KeyCode;
use kicktui::app::moments::SortOrder;
use kicktui::app::state::FlashKind;
use kicktui::app::{
    App, ClipStatus, Cmd, FLASH_MS, Keymap, Msg, Popup, RecState, RecordingView, Storage,
};
use kicktui::config::Keys;
use kicktui::engine::update::{ClipNews, Update};
use kicktui::media::ClipState;
use tui_support::*;

fn flash(a: &App) -> String {
    a.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

fn recording(a: &mut App) {
    let r = RecordingView {
        state: RecState::Recording,
        file: Some("/rec/clavicular_s005.ts".into()),
        size_bytes: 45_200_000,
        mb_per_min: Some(12.3),
        slow: false,
        ..Default::default()
    };
    a.update(Msg::Recording(r), T0);
}

#[test]
fn m_marks_now_and_the_saved_moment_confirms_it() {
    let mut a = app();
    assert_eq!(
        a.update(key('m'), at(1.0)),
        vec![Cmd::MarkMoment { at: at(1.0) }]
    );
    assert_eq!(a.pending_marks(), 1);
    assert!(flash(&a).contains("marking"));
    a.update(moment_update(Some(7), manual(5025.0)), at(1.2));
    assert_eq!(a.pending_marks(), 0);
    assert_eq!(a.moments.entries.len(), 1);
    assert_eq!(a.moments.selected, Some(0));
    let f = a.flash.clone().unwrap();
    assert_eq!(f.text, "marked at 1:23:45 (saved #7)");
    assert_eq!(f.kind, FlashKind::Good);
}

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

#[test]
fn a_mark_placed_behind_the_key_press_says_why() {
    let mut a = app();
    // Two presses 4 s apart; the recording's newest picture is 15 s behind live.
    a.update(key('m'), at(5040.0));
    a.update(key('m'), at(5044.0));
    a.update(moment_update(Some(8), manual(5025.0)), at(5044.5));
    assert_eq!(
        flash(&a),
        "marked at 1:23:45 (saved #8): as shown 15 s before the key"
    );
    a.update(moment_update(Some(9), manual(5029.0)), at(5044.6));
    assert_eq!(
        flash(&a),
        "marked at 1:23:49 (saved #9): as shown 15 s before the key"
    );
    // `m m` in a burst is one moment: the second press marks nothing.
    assert!(a.update(key('m'), at(5045.5)).is_empty());
    assert_eq!(
        flash(&a),
        "already marked 1 s ago: that moment covers this one"
    );
    assert_eq!(a.pending_marks(), 0);
}

#[test]
fn an_unsaved_moment_says_so_and_a_preview_says_why() {
    let mut a = app();
    a.update(moment_update(None, spike(60.0, 20.0)), T0);
    let f = a.flash.clone().unwrap();
    assert!(f.text.contains("NOT SAVED"), "{}", f.text);
    assert_eq!(f.kind, FlashKind::Bad);

    let mut c = ctx();
    c.storage = Storage::Preview;
    let mut p = App::new(c, T0);
    p.update(key('m'), T0);
    p.update(moment_update(None, manual(90.0)), T0);
    assert_eq!(flash(&p), "marked at 0:01:30 (preview: not saved)");
    // The status bar does not name a data dir the preview never writes.
    let bar = screen(&p, 160, 40);
    let top = bar.lines().next().unwrap_or_default();
    assert!(
        top.contains("preview: nothing stored") && !top.contains("data:"),
        "{top}"
    );
}

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
fn activities_cycle_and_digits_pick() {
    let mut a = app();
    assert_eq!(
        a.update(key('a'), T0),
        vec![Cmd::SetActivity("talk".into())]
    );
    assert_eq!(
        a.update(key('a'), T0),
        vec![Cmd::SetActivity("gameplay".into())]
    );
    assert_eq!(
        a.update(key('3'), T0),
        vec![Cmd::SetActivity("q_and_a".into())]
    );
    assert_eq!(a.activity_name(), Some("q_and_a"));
    assert_eq!(a.update(key('5'), T0), vec![Cmd::SetActivity("irl".into())]);
    assert_eq!(
        a.update(key('a'), T0),
        vec![Cmd::SetActivity("talk".into())]
    );
    assert!(a.update(key('9'), T0).is_empty());
    assert!(flash(&a).contains("no activity 9"));
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

#[test]
fn help_and_details_popups() {
    let mut a = app();
    a.update(key('?'), T0);
    assert_eq!(a.popup, Some(Popup::Help));
    // Marking works even with help open; quit keys close the popup instead of quitting.
    assert_eq!(a.update(key('m'), T0), vec![Cmd::MarkMoment { at: T0 }]);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.popup, None);

    a.update(code(KeyCode::Enter), T0);
    assert_eq!(a.popup, None);
    assert!(flash(&a).contains("no moment selected"));
    a.update(moment_update(Some(1), spike(10.0, 5.0)), T0);
    a.update(moment_update(Some(2), spike(20.0, 6.0)), T0);
    a.update(code(KeyCode::Enter), T0);
    assert_eq!(a.popup, Some(Popup::Details));
    a.update(key('j'), T0);
    assert_eq!(
        a.moments.selected,
        Some(0),
        "j browses moments under the details"
    );
    a.update(code(KeyCode::Esc), T0);
    assert_eq!(a.popup, None);
}

#[test]
fn snapshots_feed_history_and_emotes_and_the_clock_expires_flashes() {
    let mut a = app();
    for s in 0..30 {
        a.update(
            Msg::Engine(Update::Snapshot(snapshot(s as f64, s as f64 / 3.0))),
            at(s as f64),
        );
    }
    assert_eq!(a.history.len(), 30);
    assert_eq!(a.stream.live, Some(true));
    assert_eq!(a.emotes.seen[0].name, "KEKW");
    assert_eq!(a.feed_stalled_s(), None);
    a.update(Msg::Tick(at(36.0)), at(36.0));
    assert_eq!(a.feed_stalled_s(), Some(7));

    a.update(key('s'), at(40.0));
    assert!(a.flash.is_some());
    a.update(
        Msg::Tick(at(40.0 + FLASH_MS as f64 / 1000.0 - 0.5)),
        at(44.0),
    );
    assert!(a.flash.is_some());
    a.update(Msg::Tick(at(46.0)), at(46.0));
    assert!(a.flash.is_none());
}

#[test]
fn repaint_dropped_commands_and_a_stopped_engine() {
    let mut a = app();
    assert_eq!(a.update(ctrl('l'), T0), vec![Cmd::Repaint]);
    a.update(key('m'), T0);
    a.update(Msg::CmdDropped(Cmd::MarkMoment { at: T0 }), T0);
    assert_eq!(a.pending_marks(), 0);
    assert!(flash(&a).contains("did not reach"));
    a.update(Msg::EngineGone, T0);
    assert!(a.stream.engine_gone);
    // Nothing would take a mark now: said at once, not a "marking..." that fades.
    assert!(a.update(key('m'), at(20.0)).is_empty());
    assert_eq!(a.pending_marks(), 0);
    assert!(
        flash(&a).starts_with("NOT SAVED: the engine has stopped"),
        "{}",
        flash(&a)
    );
    assert!(a.update(key('q'), at(21.0)).contains(&Cmd::Quit));
}

#[test]
fn remapped_keys_drive_the_same_actions() {
    let keys: Keys = toml::from_str("mark = \"M\"\nquit = [\"x\"]").unwrap();
    let mut c = ctx();
    c.keymap = Keymap::from_config(&keys).unwrap();
    let mut a = App::new(c, T0);
    assert!(a.update(key('m'), T0).is_empty());
    assert_eq!(a.update(key('M'), T0), vec![Cmd::MarkMoment { at: T0 }]);
    assert!(a.update(key('q'), T0).is_empty());
    assert_eq!(a.update(key('x'), T0), vec![Cmd::Quit]);
}

#[test]
fn engine_state_changes_reach_the_model() {
    use kicktui::source::ChatState;
    let mut a = app();
    a.update(Msg::Engine(Update::WaitingForLive), T0);
    assert!(a.stream.waiting_for_live);
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    a.update(
        Msg::Engine(Update::WentLive {
            at: T0,
            title: Some("hi".into()),
            session: Some(5),
            source: kicktui::kickapi::LiveSource::Api,
            resumed: false,
        }),
        T0,
    );
    assert_eq!((a.stream.live, a.stream.session), (Some(true), Some(5)));
    assert!(!a.stream.waiting_for_live);
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "HTTP 403 (Cloudflare)".into(),
            // `default()`: a number today, an Option on the live branch.
            retry_s: Default::default(),
            waits_for_ids: false,
        }),
        T0,
    );
    assert!(a.stream.api_trouble.is_some());
    a.update(Msg::Engine(Update::ApiOk), T0);
    assert!(a.stream.api_trouble.is_none());
    a.update(Msg::Engine(Update::WentOffline { at: T0 }), T0);
    assert_eq!(a.stream.live, Some(false));
}

/// The lookup blocked before chat could start (no ids yet): the Moments pane says why and
/// the way round it, where it stays (the log line scrolls away), until the API answers.
#[test]
fn a_blocked_lookup_before_chat_says_how_to_give_the_ids() {
    let mut a = app();
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "Cloudflare challenge (403); retrying in 5 min".into(),
            retry_s: Default::default(),
            waits_for_ids: true,
        }),
        T0,
    );
    let s = screen(&a, 120, 40);
    assert!(s.contains("Chat waits for the channel ids"), "{s}");
    assert!(s.contains("--channel-id"), "{s}");
    assert!(s.contains("chat: waits for ids"), "the status bar too: {s}");
    a.update(Msg::Engine(Update::ApiOk), T0);
    assert!(!screen(&a, 120, 40).contains("Chat waits for the channel ids"));
    // Trouble with the ids known (given, cached): chat needs nothing, the pane says nothing.
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "Cloudflare challenge (403); retrying in 5 min".into(),
            retry_s: Default::default(),
            waits_for_ids: false,
        }),
        T0,
    );
    let s = screen(&a, 120, 40);
    assert!(!s.contains("Chat waits for the channel ids"), "{s}");
    assert!(!s.contains("chat: waits for ids"), "{s}");
}

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

/// A mark that could not be saved while an auto moment builds is a row of its own (it took
/// the building row, and its key press was never matched).
#[test]
fn an_unsaved_mark_does_not_take_the_building_moments_row() {
    let mut a = app();
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: None,
            moment: spike(300.0, 10.0),
        }),
        at(300.0),
    );
    a.update(key('m'), at(310.0));
    a.update(moment_update(None, manual(305.0)), at(310.5));
    assert_eq!(a.moments.entries.len(), 2, "{:?}", a.moments.entries);
    assert_eq!(a.pending_marks(), 0);
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

/// The start-up log scrolls a crash recovery's news out of the log pane within seconds: it
/// stays in the hint bar for half a minute.
#[test]
fn a_crash_recovery_stays_on_screen_for_half_a_minute() {
    let mut a = app();
    let news = "Recovered after a crash: 1 session closed, 1 recording finished";
    a.update(Msg::Engine(Update::Recovered(news.into())), T0);
    a.update(Msg::Tick(at(20.0)), at(20.0));
    assert!(
        screen(&a, 120, 40).contains("Recovered after a crash"),
        "{}",
        screen(&a, 120, 40)
    );
    a.update(Msg::Tick(at(40.0)), at(40.0));
    assert!(!screen(&a, 120, 40).contains("Recovered after a crash"));
}

/// A flash soon after a recovery (a clip ready, the clipping at the stream's end) shows at
/// once, for its usual seconds; then the recovery's news comes back, for the half minute it
/// would have had on screen. It replaced the news for good within half a second.
#[test]
fn a_flash_after_a_crash_recovery_shows_and_then_the_recovery_comes_back() {
    let mut a = app();
    let news = "Recovered after a crash: 2 clips pending (cut at the stream's end, or now if it \
                has ended); 1 session closed, 1 recording finished";
    a.update(Msg::Engine(Update::Recovered(news.into())), T0);
    let ready = ClipStatus::Done {
        path: "/d/clips/m3.mp4".into(),
        short: false,
        length: None,
    };
    a.update(moment_update(Some(3), spike(100.0, 20.0)), at(0.3));
    a.update(
        Msg::Clip {
            id: 3,
            status: ready,
        },
        at(0.5),
    );
    let s = screen(&a, 120, 40);
    assert!(s.contains("clip #3 ready: /d/clips/m3.mp4"), "{s}");
    a.update(Msg::Tick(at(6.0)), at(6.0));
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("Recovered after a crash: 2 clips pending"),
        "{s}"
    );
    // What needs doing comes first, so 80 columns show it.
    let s = screen(&a, 80, 24);
    assert!(
        s.contains("Recovered after a crash: 2 clips pending"),
        "{s}"
    );
    // 30 s on screen in all: the 5.5 s the flashes covered it are given back.
    a.update(Msg::Tick(at(35.0)), at(35.0));
    assert!(screen(&a, 120, 40).contains("Recovered after a crash"));
    a.update(Msg::Tick(at(36.0)), at(36.0));
    let s = screen(&a, 120, 40);
    assert!(!s.contains("Recovered after a crash"), "{s}");
    assert!(a.flash.is_none() && a.notice.is_none());
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

/// Ctrl-Z (unbound) says why kicktui does not suspend; a paste says it was ignored. Neither
/// sends anything to the engine.
#[test]
fn ctrl_z_and_a_paste_are_answered_not_acted_on() {
    let mut a = app();
    assert!(a.update(ctrl('z'), T0).is_empty());
    let said = flash(&a);
    assert!(said.contains("does not suspend"), "{said}");
    assert!(a.update(Msg::Paste(42), T0).is_empty());
    let said = flash(&a);
    assert!(
        said.contains("pasted text ignored (42 characters)"),
        "{said}"
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

/// Rebound keys are the keys the screen names: the activity pane, the details popup's
/// browse keys, the Ctrl-Z answer and the quit dialog (each said the defaults before).
#[test]
fn rebound_keys_are_the_ones_the_screen_names() {
    let keys: Keys = toml::from_str(
        "pick_activity = [\"F1\", \"F2\"]\nup = [\"K\", \"Up\"]\ndown = [\"J\", \"Down\"]\nquit = [\"Enter\", \"Q\"]\ndetails = \"d\"",
    )
    .unwrap();
    let mut c = ctx();
    c.keymap = Keymap::from_config(&keys).unwrap();
    let mut a = App::new(c, T0);
    a.update(
        Msg::Resize {
            width: 100,
            height: 30,
        },
        T0,
    );
    let s = screen(&a, 100, 30);
    assert!(s.contains("F1 talk") && s.contains("F2 gameplay"), "{s}");
    assert!(!s.contains("3 q_and_a"), "no key: none shown\n{s}");
    assert!(a.update(key('1'), T0).is_empty());
    assert_eq!(
        a.update(code(KeyCode::F(2)), T0),
        vec![Cmd::SetActivity("gameplay".into())]
    );
    a.update(moment_update(Some(1), spike(60.0, 20.0)), T0);
    a.update(key('d'), T0);
    let s = screen(&a, 100, 30);
    assert!(s.contains("J/K browse"), "{s}");
    a.update(code(KeyCode::Esc), T0);
    a.update(ctrl('z'), T0);
    assert!(flash(&a).ends_with("; Enter quits"), "{}", flash(&a));
    // Enter is "yes" in the quit dialog: only Q is offered as "no".
    recording(&mut a);
    a.update(key('Q'), T0);
    let s = screen(&a, 100, 30);
    assert!(s.contains(" or Q: no, leave them"), "{s}");
    assert!(!s.contains("Enter/Q"), "{s}");
}

/// Help open, then the terminal shrinks below the panes: the "q quits" the small screen
/// shows quits (it closed the unseen help instead).
#[test]
fn q_on_a_too_small_screen_quits_even_with_help_open() {
    let mut a = app();
    a.update(key('?'), T0);
    assert_eq!(a.popup, Some(Popup::Help));
    a.update(
        Msg::Resize {
            width: 50,
            height: 12,
        },
        T0,
    );
    assert_eq!(a.update(key('q'), T0), vec![Cmd::Quit]);
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
