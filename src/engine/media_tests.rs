use super::*;

#[test]
fn a_mark_is_what_the_viewer_saw_unless_the_recording_fell_behind() {
    let key = Ts(600_000);
    // Recording 8 s behind live: the viewer saw that, 3 s before the key.
    assert_eq!(mark_time(key, Some(Ts(592_000)), 3), Ts(589_000));
    // A stalled recording (3 minutes behind) says nothing of what the viewer saw.
    assert_eq!(mark_time(key, Some(Ts(420_000)), 3), Ts(597_000));
    assert_eq!(mark_time(key, None, 3), Ts(597_000));
    // Never after the key.
    assert_eq!(mark_time(key, Some(Ts(601_000)), 0), key);
}

#[test]
fn a_recording_that_cannot_write_says_nothing_of_what_the_viewer_saw() {
    let mut part = crate::media::PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
    part.first_byte_at = Some(Ts(10_000));
    part.content_s = 500.0;
    let mut status = RecordingStatus {
        state: RecState::Recording,
        parts: vec![part],
        ..RecordingStatus::default()
    };
    // First byte 10 s in, 7 s of live edge before it, 500 s of content.
    assert_eq!(keeping_up(&status), Some(Ts(503_000)));
    status.state = RecState::Unwritable("No space left on device".into());
    assert_eq!(keeping_up(&status), None);
    status.state = RecState::Stalled;
    assert_eq!(keeping_up(&status), None);
}

/// Kick's playback URL carries a token that changes during a stream: a recorder restarted
/// with the old one got 403 for the rest of the stream. The API's newest reaches it.
#[tokio::test]
async fn a_new_playback_token_reaches_a_running_sessions_recorder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let writer = crate::store::StoreWriter::spawn(&store::db_path(dir.path())).expect("db");
    let (api, _requests) = mpsc::channel(4);
    let mut cfg = Config::default();
    cfg.recorder.use_playback_url = true;
    let mut media = Media::new(
        &cfg,
        dir.path().into(),
        "chan",
        writer.handle(),
        api,
        Ok(()),
    );
    let answer = |token: &str| LiveStatus {
        is_live: true,
        playback_url: Some(format!("https://cdn.example/a.m3u8?token={token}")),
        ..LiveStatus::default()
    };
    media.on_api(&answer("one"));
    let rec = media.setup(1, None).recorder;
    assert_eq!(rec.url, "hls://https://cdn.example/a.m3u8?token=one");
    assert_eq!(rec.latest_url.newer_than(&rec.url), None);
    media.on_api(&answer("two"));
    assert_eq!(
        rec.latest_url.newer_than(&rec.url).as_deref(),
        Some("hls://https://cdn.example/a.m3u8?token=two")
    );
}

/// A session task that keeps crashing is given up: its recording shows as failed on the
/// panes and the dashboard, not as the "recording" it last said.
#[tokio::test]
async fn a_session_task_given_up_shows_its_recording_failed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let writer = crate::store::StoreWriter::spawn(&store::db_path(dir.path())).expect("db");
    let (api, _requests) = mpsc::channel(4);
    let mut media = Media::new(
        &Config::default(),
        dir.path().into(),
        "chan",
        writer.handle(),
        api,
        Ok(()),
    );
    media.set_live(true);
    let (cmds, _cmd_rx) = mpsc::unbounded_channel();
    let last = RecordingStatus {
        state: RecState::Recording,
        part: 4,
        bytes: 9_000_000,
        ..RecordingStatus::default()
    };
    media.links.push(SessionLink {
        id: 7,
        cmds,
        status: watch::channel(last.clone()).1,
        task: tokio::spawn(async {}),
        ended: false,
    });
    media.crashes = MAX_CRASHES;
    let feed = Feed::new();
    let view = feed.view();
    let crashed = MediaNews::Crashed {
        id: 7,
        why: "boom".into(),
        last,
    };
    assert_eq!(media.forward(crashed, &feed), Some(7), "not restarted");
    let shown = view.borrow().recording.clone().expect("a recording state");
    assert_eq!((shown.session, shown.part), (7, 4));
    let label = crate::app::RecState::from(&shown.state).label();
    assert_eq!(
        label,
        "failed: the recording task crashed 4 times; not restarted"
    );
}
