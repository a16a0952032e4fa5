//! The whole media path with the real programs on a local live stream: go live → recording
//! grows → clip a moment (it waits for its window) → the encoder crashes while the channel is
//! still "live" → a new part starts → `kicktui clip` ahead of the recording waits → the channel
//! goes offline → every moment is clipped → `kicktui clip` through the binary.
//! One test, its steps in order in recording.rs, clipping.rs and clip_cli.rs.

#[path = "../media_support/mod.rs"]
mod media_support;

mod clip_cli;
mod clipping;
mod recording;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use kicktui::domain::{Moment, MomentSource, TriggerType};
use kicktui::media::hls_source::HlsSource;
use kicktui::media::{ClipEvent, ClipState, RecorderHandle, RecordingStatus};
use kicktui::store::{StoreHandle, StoreWriter};
use kicktui::time::Ts;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;

fn moment(at: Ts, before: f64, after: f64, score: f64) -> Moment {
    Moment {
        at,
        offset_s: 0.0,
        trigger_type: TriggerType::Manual,
        triggers: Vec::new(),
        score,
        source: MomentSource::Manual,
        clip_start: at.plus_secs(-before),
        clip_end: at.plus_secs(after),
    }
}

/// Waits for a job's final state, collecting every state it went through.
async fn until_final(events: &mut UnboundedReceiver<ClipEvent>, job: u64) -> Vec<ClipState> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, events.recv()).await {
        if ev.job == job {
            let fin = ev.state.is_final();
            seen.push(ev.state);
            if fin {
                return seen;
            }
        }
    }
    panic!("job {job} did not finish: {seen:?}");
}

/// The stream and where its record goes, from going live to the end.
struct Stream {
    tmp: tempfile::TempDir,
    data: PathBuf,
    db: PathBuf,
    src: HlsSource,
    live_at: Ts,
    session: i64,
}

/// What records the stream while it is live; its end stops them all.
struct Recording {
    writer: StoreWriter,
    store: StoreHandle,
    live: Arc<AtomicBool>,
    rec: RecorderHandle,
    rx: watch::Receiver<RecordingStatus>,
}

/// One live stream through the media path: each step starts where the last one left it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_stream_end_to_end() {
    let (mut s, mut r) = recording::the_recording_grows().await;
    let (clipper, m1_id, part1) = clipping::a_clip_waits_for_its_window(&s, &r).await;
    let (crash_at, restart_at, st) =
        recording::the_encoder_crashes_and_a_new_part_starts(&mut s, &mut r).await;
    clip_cli::a_clip_ahead_of_the_recording_waits(&s, &r, &st).await;
    let crash = (crash_at, restart_at, st);
    clipping::every_moment_is_clipped_at_the_end(&mut s, r, crash, clipper, m1_id).await;
    clip_cli::the_cli_cuts_from_the_stored_recordings(&s, part1);
    clip_cli::a_slow_hook_stops_with_kicktui(&s).await;
    s.src.stop().await;
}
