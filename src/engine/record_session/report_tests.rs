use std::path::PathBuf;

use super::*;
use crate::media::{ClipState, PartInfo};
use crate::time::Ts;

fn drain(rx: &mut mpsc::UnboundedReceiver<MediaNews>) -> Vec<Update> {
    let mut out = Vec::new();
    while let Ok(n) = rx.try_recv() {
        match n {
            MediaNews::Send(u) | MediaNews::Snapshot(u) => out.push(u),
            MediaNews::Done(_) | MediaNews::Crashed { .. } | MediaNews::CutBeside { .. } => {}
        }
    }
    out
}

fn part(n: u32, end: Option<PartEnd>) -> PartInfo {
    let mut p = PartInfo::new(n, PathBuf::from(format!("/r/x_p{n}.ts")), Ts(0), 3);
    p.end = end;
    p
}

/// A stream that sends no new video is said once per freeze, after three stall spans
/// (a stream that just ended is offline by then), never on every restart.
#[test]
fn a_frozen_stream_is_said_once_after_three_stall_spans() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut r = Reporter::new(5, tx, Duration::from_secs(20));
    let now = crate::time::wall_now();
    let mut copying = part(2, None);
    copying.bytes = 400_000;
    let frozen = |secs: f64| RecordingStatus {
        state: RecState::Recording,
        part: 2,
        parts: vec![part(1, Some(PartEnd::NoNewVideo)), copying.clone()],
        frozen_since: Some(now.plus_secs(-secs)),
        ..RecordingStatus::default()
    };
    let said = |got: Vec<Update>| {
        got.iter()
            .filter(|u| matches!(u, Update::Recorder(RecorderNews::NoNewVideo { .. })))
            .count()
    };
    r.health(&frozen(30.0));
    assert_eq!(
        said(drain(&mut rx)),
        0,
        "20 s stall floor: 60 s before it is said"
    );
    let st = frozen(61.0);
    r.health(&st);
    r.health(&st);
    assert_eq!(said(drain(&mut rx)), 1);
    // Another freeze later is said again.
    r.health(&frozen(90.0));
    assert_eq!(said(drain(&mut rx)), 1);
    // A restart still waiting for a playlist (none: the stream ended, the platform says
    // live a while longer) is not a frozen stream; nor is a stopped recorder.
    let mut waiting = frozen(200.0);
    waiting.state = RecState::Starting;
    waiting.parts[1].end = Some(PartEnd::NoNewVideo);
    waiting.parts.push(part(3, None));
    waiting.part = 3;
    r.health(&waiting);
    let mut stopped = frozen(300.0);
    stopped.state = RecState::Stopped(crate::media::StopReason::Offline);
    stopped.parts[1].end = Some(PartEnd::NoNewVideo);
    r.health(&stopped);
    assert_eq!(said(drain(&mut rx)), 0);
}

/// The end of a freeze that was said is said too, once, with how long it lasted; a
/// freeze never said (too short) ends quietly.
#[test]
fn new_video_after_a_said_freeze_is_said_once() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut r = Reporter::new(5, tx, Duration::from_secs(20));
    let now = crate::time::wall_now();
    let since = now.plus_secs(-70.0);
    let mut copying = part(2, None);
    copying.bytes = 400_000;
    let mut st = RecordingStatus {
        state: RecState::Recording,
        part: 2,
        parts: vec![part(1, Some(PartEnd::NoNewVideo)), copying],
        frozen_since: Some(since),
        ..RecordingStatus::default()
    };
    // Said on a status change (a restart), not only at a health tick.
    r.on_status(&st);
    let backs = |got: &[Update]| {
        got.iter()
            .filter_map(|u| match u {
                Update::Recorder(RecorderNews::VideoBack { after_s }) => Some(*after_s),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let got = drain(&mut rx);
    assert!(
        got.iter()
            .any(|u| matches!(u, Update::Recorder(RecorderNews::NoNewVideo { .. })))
    );
    st.frozen_since = None;
    st.video_back = Some((since, since.plus_secs(95.0)));
    r.on_status(&st);
    r.health(&st);
    assert_eq!(backs(&drain(&mut rx)), vec![95]);
    // A short freeze, never said: its end is not news.
    st.video_back = Some((now.plus_secs(-5.0), now));
    r.health(&st);
    assert!(backs(&drain(&mut rx)).is_empty());
}

#[test]
fn a_new_part_says_why_the_last_one_ended_and_progress_counts_the_end_clips() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut r = Reporter::new(5, tx, Duration::from_secs(20));
    let mut st = RecordingStatus {
        state: RecState::Recording,
        part: 1,
        parts: vec![part(1, None)],
        ..RecordingStatus::default()
    };
    r.on_status(&st);
    let got = drain(&mut rx);
    assert!(matches!(
        &got[0],
        Update::Recorder(RecorderNews::PartStarted {
            part: 1,
            reason: None,
            ..
        })
    ));
    assert!(matches!(&got[1], Update::Recording(i) if i.session == 5 && i.part == 1));

    st.parts = vec![part(1, Some(PartEnd::Stalled)), part(2, None)];
    st.part = 2;
    r.on_status(&st);
    let got = drain(&mut rx);
    let Update::Recorder(RecorderNews::PartStarted { part, reason, .. }) = &got[0] else {
        panic!("{got:?}");
    };
    assert_eq!(
        (*part, reason.as_deref()),
        (2, Some("the recording stalled"))
    );

    // A key-press clip is not part of the end-of-stream count.
    r.manual.insert(1);
    r.on_clip(ClipEvent {
        job: 1,
        moment_id: Some(9),
        state: ClipState::Waiting,
    });
    r.clipping_all(2);
    for (job, moment) in [(2, 3), (3, 4)] {
        r.on_clip(ClipEvent {
            job,
            moment_id: Some(moment),
            state: ClipState::Queued,
        });
    }
    assert_eq!(r.pending_moments(), vec![3, 4, 9]);
    r.on_clip(ClipEvent {
        job: 2,
        moment_id: Some(3),
        state: ClipState::NoRecording,
    });
    let news: Vec<ClipNews> = drain(&mut rx)
        .into_iter()
        .filter_map(|u| match u {
            Update::Clip(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(news.last().map(|n| n.progress), Some(Some((1, 2))));
    assert_eq!(r.pending_moments(), vec![4, 9]);
}

#[tokio::test(start_paused = true)]
async fn a_second_disk_full_after_writing_resumed_is_said_again() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut r = Reporter::new(5, tx, Duration::from_secs(20));
    let full = "[Errno 28] No space left on device".to_string();
    let mut st = RecordingStatus {
        state: RecState::Recording,
        part: 1,
        parts: vec![part(1, None)],
        bytes: 1000,
        ..RecordingStatus::default()
    };
    let mut said = |r: &mut Reporter, state: RecState, bytes: u64| {
        st.state = state;
        st.bytes = bytes;
        r.on_status(&st);
        drain(&mut rx)
            .iter()
            .filter(|u| matches!(u, Update::Recorder(RecorderNews::Unwritable { .. })))
            .count()
    };
    assert_eq!(said(&mut r, RecState::Recording, 1000), 0);
    assert_eq!(said(&mut r, RecState::Unwritable(full.clone()), 1000), 1);
    // The recorder retries and fails again, having written nothing or a little: not said.
    assert_eq!(said(&mut r, RecState::Recording, 1000), 0);
    assert_eq!(said(&mut r, RecState::Unwritable(full.clone()), 1000), 0);
    assert_eq!(said(&mut r, RecState::Recording, 2000), 0);
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(said(&mut r, RecState::Recording, 3000), 0);
    assert_eq!(said(&mut r, RecState::Unwritable(full.clone()), 3000), 0);
    // Space was freed, it wrote for minutes, and the disk filled up again: said.
    assert_eq!(said(&mut r, RecState::Recording, 5000), 0);
    tokio::time::advance(Duration::from_secs(61)).await;
    assert_eq!(said(&mut r, RecState::Recording, 9000), 0);
    assert_eq!(said(&mut r, RecState::Unwritable(full), 9000), 1);
}

/// The recordings' disk filling up is news (the front ends and a `disk_low` alert) with an
/// hour of recording left at the current rate, then at 30, 10 and 5 minutes; each once. Not
/// in a part's first minute (its start catches up on the playlist in a burst).
#[tokio::test(start_paused = true)]
async fn a_filling_disk_is_news_at_each_threshold_once() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut r = Reporter::new(5, tx, Duration::from_secs(20));
    let at = |free: u64| RecordingStatus {
        state: RecState::Recording,
        part: 1,
        mb_per_min: 100.0,
        disk_free: Some(free),
        ..RecordingStatus::default()
    };
    let mut said = Vec::new();
    r.on_status(&at(1_000_000_000));
    assert!(
        !drain(&mut rx)
            .iter()
            .any(|u| matches!(u, Update::Recorder(RecorderNews::DiskLow { .. }))),
        "the first minute's rate is a burst"
    );
    tokio::time::advance(Duration::from_secs(61)).await;
    // 100 MB/min: 6 GB is an hour; the disk fills from 8 GB in 100 MB steps.
    for step in 0..80u64 {
        r.on_status(&at(8_000_000_000 - step * 100_000_000));
        for u in drain(&mut rx) {
            if let Update::Recorder(RecorderNews::DiskLow { minutes_left, .. }) = u {
                said.push(minutes_left.round() as u32);
            }
        }
    }
    assert_eq!(said, [60, 30, 10, 5]);
}
