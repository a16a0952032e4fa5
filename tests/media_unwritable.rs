//! Real streamlink whose file cannot grow past 300 KiB (`ulimit -f`, RLIMIT_FSIZE: to
//! streamlink a write error, like a full disk). streamlink logs `Segment N complete` when a
//! segment is in its buffer, and the write error only as it exits: the part's length must be
//! what its file holds, so a clip into the lost tail is not planned from video that is not
//! there.

mod media_support;

use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::Ordering;
use std::time::Duration;

use kicktui::media::hls_source::HlsSource;
use kicktui::media::part::read_meta;
use kicktui::media::{ClipEvent, ClipRequest, ClipState, Clipper, PartEnd, Recorder, SessionInfo};
use media_support::*;
use tokio::sync::mpsc;

async fn final_state(events: &mut mpsc::UnboundedReceiver<ClipEvent>, job: u64) -> ClipState {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .expect("a clip event")
            .expect("the clipper runs");
        if ev.job == job && ev.state.is_final() {
            return ev.state;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_cut_off_by_a_write_error_is_as_long_as_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src_dir = tmp.path().join("hls");
    std::fs::create_dir_all(&src_dir).unwrap();
    let mut src = HlsSource::start(&src_dir, "ffmpeg").await.unwrap();
    assert!(src.wait_segments(3, Duration::from_secs(15)).await);
    let wrapper = tmp.path().join("streamlink-limited");
    std::fs::write(
        &wrapper,
        "#!/bin/bash\nulimit -f 300\nexec streamlink \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cfg = config(&src.url(), &data);
    cfg.streamlink = wrapper.display().to_string();
    // Offline once streamlink exits: one part, and the recorder stops.
    let (live, check) = live_switch();
    live.store(false, Ordering::SeqCst);
    let rec = Recorder::start(cfg, SessionInfo { id: 1 }, None, check);
    let mut rx = rec.status();
    let st = wait_for(
        &mut rx,
        Duration::from_secs(60),
        "the recorder to stop",
        |s| s.is_stopped(),
    )
    .await;
    assert_eq!(st.parts.len(), 1, "{:#?}", st.parts);
    let part = &st.parts[0];
    assert!(
        matches!(&part.end, Some(PartEnd::Unwritable(why)) if why.contains("File too large")),
        "{:?}",
        part.end
    );
    // Its log said 4–6 s complete; the file holds 3.4–3.9 s (measured).
    let in_file = duration_of(&part.path);
    println!("content {:.2} s, file {in_file:.2} s", part.content_s);
    assert!(
        (part.content_s - in_file).abs() < 0.01,
        "{} s",
        part.content_s
    );
    let meta = read_meta(&part.path).expect("sidecar");
    assert!((meta.content_s - in_file).abs() < 0.01, "{meta:?}");

    let (clipper, mut events) = Clipper::start(clipper_config(&data), None, rec.status());
    // Where the file really ends.
    let stops = part.content_start().unwrap().plus_secs(in_file);
    // Past the file's end: nothing recorded it (it was cut from the lost tail and failed
    // with "the recording holds no video there").
    let lost = clipper.clip(ClipRequest::window(
        stops.plus_secs(0.3),
        stops.plus_secs(1.5),
    ));
    assert_eq!(final_state(&mut events, lost).await, ClipState::NoRecording);
    // Across the file's end: short, and why.
    let across = clipper.clip(ClipRequest::window(
        stops.plus_secs(-3.0),
        stops.plus_secs(3.0),
    ));
    let state = final_state(&mut events, across).await;
    let ClipState::Short { duration, why, .. } = &state else {
        panic!("{state:?}");
    };
    assert!((3.0..5.5).contains(duration), "{state:?}");
    let why = why.as_deref().unwrap_or_default();
    assert!(
        why.contains("part 1 could not be written ([Errno 27] File too large)"),
        "{why}"
    );
    clipper.shutdown().await;
    rec.stop().await;
    src.stop().await;
}
