//! The recording: it grows with health in MB/min, and when the encoder crashes while the
//! channel is still live, part 1 ends and a new part starts clean.

use std::time::Duration;

use kicktui::media::hls_source::HlsSource;
use kicktui::media::{PartEnd, RecState, Recorder, RecordingStatus, SessionInfo};
use kicktui::store::{NewSession, StoreWriter};
use kicktui::time::{Ts, wall_now};

use crate::media_support::*;
use crate::{Recording, Stream};

/// Live: the session opens, the recording grows, and health reports MB/min.
pub async fn the_recording_grows() -> (Stream, Recording) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src_dir = tmp.path().join("hls");
    std::fs::create_dir_all(&src_dir).unwrap();
    let db = kicktui::store::db_path(&data);
    std::fs::create_dir_all(&data).unwrap();
    let writer = StoreWriter::spawn(&db).unwrap();
    let store = writer.handle();

    let src = HlsSource::start(&src_dir, "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let live_at = wall_now();
    let session = store
        .open_session(NewSession {
            channel: "testchan".into(),
            platform: "kick".into(),
            started_at: live_at,
            title: None,
            stream_started_at: Some(live_at),
            stream_id: None,
        })
        .await
        .unwrap();
    let (live, check) = live_switch();
    let cfg = config(&src.url(), &data);
    let rec = Recorder::start(cfg, SessionInfo { id: session }, Some(store.clone()), check);
    let mut rx = rec.status();

    // Recording grows, and health reports MB/min.
    let st = wait_for(&mut rx, Duration::from_secs(20), "10 s recorded", |s| {
        s.state == RecState::Recording
            && s.mb_per_min > 0.0
            && s.parts.first().is_some_and(|p| p.content_s >= 10.0)
    })
    .await;
    assert!(st.parts[0].pdt_first.is_some(), "PDT read from the log");
    let line = st.health_line();
    assert!(
        line.starts_with("Recording health: ") && line.contains(" MB/min)"),
        "{line}"
    );
    // 300k + 32k ≈ 2.6 MB/min on disk; the first write is a burst, so allow a wide range.
    assert!((0.5..15.0).contains(&st.mb_per_min), "{}", st.mb_per_min);
    let stream = Stream {
        tmp,
        data,
        db,
        src,
        live_at,
        session,
    };
    (
        stream,
        Recording {
            writer,
            store,
            live,
            rec,
            rx,
        },
    )
}

/// The encoder crashes while the channel is live: part 1 ends for want of new video and a
/// new part starts clean. Returns when it crashed, when it restarted and the status then.
pub async fn the_encoder_crashes_and_a_new_part_starts(
    s: &mut Stream,
    r: &mut Recording,
) -> (Ts, Ts, RecordingStatus) {
    let (src, rx) = (&mut s.src, &mut r.rx);
    let crash_at = wall_now();
    src.kill_encoder().await;
    wait_for(rx, Duration::from_secs(20), "part 1 to end", |s| {
        s.parts[0].end.is_some()
    })
    .await;
    src.restart_encoder().await.unwrap();
    let restart_at = wall_now();
    let st = wait_for(
        rx,
        Duration::from_secs(40),
        "a new part with new content",
        |s| {
            s.parts.len() >= 2
                && s.state == RecState::Recording
                && s.parts
                    .last()
                    .unwrap()
                    .content_end()
                    .is_some_and(|e| e.secs_since(restart_at) > 10.0)
        },
    )
    .await;
    // The encoder's crash left the playlist without new segments: streamlink ended for want
    // of them. The restart began at the newest segment still listed (stale, before the
    // crash), then met the new encoder's discontinuity and rotated; or, on a loaded machine,
    // the stale segments had left the playlist and it began on the new encoder's. Either way
    // the newest part starts clean.
    let newest_start = st.parts.last().and_then(|p| p.content_start());
    assert!(
        st.parts
            .iter()
            .any(|p| p.end == Some(PartEnd::Discontinuity))
            || newest_start.is_some_and(|s| s.secs_since(crash_at) > 0.0),
        "{:#?}",
        st.parts
    );
    assert!(
        matches!(st.parts[0].end, Some(PartEnd::NoNewVideo)),
        "{:?}",
        st.parts[0].end
    );
    (crash_at, restart_at, st)
}
