//! Clips in the running program: a moment whose window is not recorded yet waits for it and
//! is cut at the keyframe before, and at the stream's end every moment without a clip is cut,
//! best first (short across the crash, none before the recording began).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use kicktui::media::{
    ClipRequest, ClipState, Clipper, ClipperConfig, ClipperHandle, RecState, RecordingStatus,
    StopReason, Tools,
};
use kicktui::store::{ClipStatus, MomentOrder, MomentQuery, Store};
use kicktui::time::{Ts, wall_now};

use crate::media_support::*;
use crate::{Recording, Stream, moment, until_final};

/// `c` on a moment whose window is not recorded yet: it waits, then is cut. Returns the
/// clipper, the moment's id and part 1's path.
pub async fn a_clip_waits_for_its_window(
    s: &Stream,
    r: &Recording,
) -> (ClipperHandle, i64, PathBuf) {
    let (data, session, store, rec) = (s.data.clone(), s.session, &r.store, &r.rec);
    let tools = Tools {
        ffmpeg: "ffmpeg".into(),
        ffprobe: "ffprobe".into(),
    };
    let ccfg = ClipperConfig {
        tools: tools.clone(),
        clips_dir: data.join("clips"),
        channel: "testchan".into(),
        session_id: session,
        on_ready: vec!["touch".into(), "{path}.uploaded".into()],
        max_wait: Duration::from_secs(60),
    };
    let (clipper, mut events) = Clipper::start(ccfg, Some(store.clone()), rec.status());
    let m1 = moment(wall_now().plus_secs(-2.0), 8.0, 4.0, 5.0);
    let m1_id = store.insert_moment(session, &m1).await.unwrap();
    let mut req = ClipRequest::window(m1.clip_start, m1.clip_end);
    req.moment_id = Some(m1_id);
    // When the recorder reports the window's end as recorded (a segment completed past it).
    let mut rx2 = rec.status();
    let window_end = m1.clip_end;
    let recorded = tokio::spawn(async move {
        let _ = rx2
            .wait_for(|s| s.newest_content().is_some_and(|t| t >= window_end))
            .await;
        Instant::now()
    });
    let job = clipper.clip(req);
    let states = until_final(&mut events, job).await;
    let lag = Instant::now() - recorded.await.unwrap();
    println!(
        "clip ready {:.3} s after its window was recorded",
        lag.as_secs_f64()
    );
    // Not a speed check (that is the bench): the wait ends when the window is recorded.
    assert!(lag < Duration::from_secs(10), "{lag:?}");
    assert!(states.contains(&ClipState::Waiting), "{states:?}");
    let ClipState::Ready { path, duration } = states.last().unwrap().clone() else {
        panic!("{states:?}");
    };
    let ready_at = wall_now();
    // Snapped back to the keyframe before the start: at most one GOP (2 s) longer.
    assert!((12.0..14.5).contains(&duration), "{duration}");
    assert!((0.0..duration + 0.1).contains(&duration_of(&path)));
    let part1 = rec.status().borrow().parts[0].path.clone();
    let (first, last) = clip_wall_range(&path, &[&part1], m1.at);
    let start_err = first.secs_since(m1.clip_start);
    let end_err = last.secs_since(m1.clip_end);
    assert!(
        (-2.6..0.6).contains(&start_err),
        "clip starts {start_err:+.2} s off"
    );
    assert!(
        (-0.7..0.6).contains(&end_err),
        "clip ends {end_err:+.2} s off"
    );
    // The file itself is 2–7 s behind the wall clock (live edge and segment length).
    assert!(
        ready_at.secs_since(m1.clip_end) < 12.0,
        "ready {:.1} s after its window",
        ready_at.secs_since(m1.clip_end)
    );
    (clipper, m1_id, part1)
}

/// The moments on the stream, then its end: the recorder stops by itself and every moment
/// without a clip is clipped, best first.
pub async fn every_moment_is_clipped_at_the_end(
    s: &mut Stream,
    r: Recording,
    (crash_at, restart_at, st): (Ts, Ts, RecordingStatus),
    clipper: ClipperHandle,
    m1_id: i64,
) {
    let (db, src, session, live_at) = (s.db.clone(), &mut s.src, s.session, s.live_at);
    let Recording {
        writer,
        store,
        live,
        rec,
        mut rx,
    } = r;
    // A window across the crash is cut from both parts and joined; the outage makes it short.
    let m2 = moment(crash_at, 4.0, restart_at.secs_since(crash_at) + 4.0, 1.0);
    let m2_id = store.insert_moment(session, &m2).await.unwrap();
    // A moment on the new part.
    let newest = st.parts.last().unwrap().content_end().unwrap();
    let m3 = moment(newest.plus_secs(-2.0), 3.0, 1.0, 3.0);
    let m3_id = store.insert_moment(session, &m3).await.unwrap();

    // A moment from before the recording began: nothing covers it.
    let m0 = moment(live_at.plus_secs(-60.0), 10.0, 5.0, 0.5);
    let m0_id = store.insert_moment(session, &m0).await.unwrap();

    // Part 1's final row lost to a database outage (as on a full disk): the recorder writes
    // what it knows of its parts again as it stops.
    store.flush().await.unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE recordings SET status = 'recording', bytes = 0, ended_at = NULL WHERE part = 1",
            [],
        )
        .unwrap();

    // Offline: the stream ends and the channel says so; the recorder stops by itself.
    live.store(false, Ordering::SeqCst);
    src.end_stream().await;
    let st = wait_for(&mut rx, Duration::from_secs(30), "offline", |s| {
        s.is_stopped()
    })
    .await;
    assert_eq!(st.state, RecState::Stopped(StopReason::Offline));
    drop(rec);
    store.flush().await.unwrap();
    let (status, bytes): (String, i64) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT status, bytes FROM recordings WHERE part = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, "no_new_video");
    assert_eq!(bytes as u64, st.parts[0].bytes);

    // End of stream: every moment without a clip is clipped, best first.
    let t0 = Instant::now();
    let queued = clipper.clip_all(&db).await.unwrap();
    assert_eq!(queued, 3, "m1 already has its clip");
    clipper.idle().await;
    println!("clip_all: {queued} clips in {:?}", t0.elapsed());
    store.flush().await.unwrap();
    let rows = Store::open(&db)
        .unwrap()
        .list_moments(&MomentQuery {
            session_id: Some(session),
            order: MomentOrder::Time,
            limit: None,
        })
        .unwrap();
    let status = |id: i64| rows.iter().find(|m| m.id == id).unwrap().clip_status;
    assert_eq!(status(m1_id), ClipStatus::Done);
    assert_eq!(
        status(m2_id),
        ClipStatus::Short,
        "the outage is missing from it"
    );
    assert_eq!(status(m3_id), ClipStatus::Done);
    assert_eq!(status(m0_id), ClipStatus::NoRecording);
    for m in rows.iter().filter(|m| m.id != m0_id) {
        let p = m
            .clip_path
            .as_ref()
            .unwrap_or_else(|| panic!("moment {} has no clip", m.id));
        assert!(std::path::Path::new(p).exists());
    }
    let m3_path = rows
        .iter()
        .find(|m| m.id == m3_id)
        .unwrap()
        .clip_path
        .clone()
        .unwrap();
    assert!(
        wait_file(&format!("{m3_path}.uploaded"), Duration::from_secs(5)).await,
        "on_ready ran"
    );
    let parts = Store::open(&db).unwrap().recordings(session).unwrap();
    assert!(
        parts.len() >= 2 && parts.iter().all(|p| p.ended_at.is_some()),
        "{parts:?}"
    );
    clipper.shutdown().await;
    drop(store);
    writer.shutdown_async().await.unwrap();
}
