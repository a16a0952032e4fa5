//! The media layer: the recorder (streamlink supervisor), the clipper (ffmpeg without
//! re-encoding), the wall clock ↔ recording offset timeline, and a live HLS test source.
//! Measured behaviour of the tools and the reasons behind each choice: `media.md`.
//!
//! How the engine uses it, per live session:
//!
//! ```text
//! on go-live:  session = store.open_session(..)
//!              rec = Recorder::start(RecorderConfig::from_config(&cfg.recorder, data_dir,
//!                        channel, playback_url), SessionInfo { id: session }, Some(store),
//!                        live_from_watch(is_live_rx))
//!              (clipper, clip_events) = Clipper::start(ClipperConfig::from_config(&cfg,
//!                        data_dir, channel, session), Some(store), rec.status())
//! each tick:   rec.status().borrow(): state, bytes, mb_per_min, low → TUI pane / headless
//!              line (RecordingStatus::health_line every health_interval_seconds)
//! `c`:         clipper.clip(ClipRequest::for_moment(&row)) (or a ClipRequest with moment_id)
//! `m` `c`:     at = status.newest_content() − reaction_delay; insert a manual moment;
//!              clipper.clip(ClipRequest::around(at, pre, post) with its moment_id)
//! clip_events: ClipEvent { job, moment_id, state } → moments pane, notifier (Ready/Short)
//! recorder stopped by itself (Offline): close the session, then clipper.clip_all(db),
//!              clipper.idle().await (progress: the events)
//! quit:        rec.stop().await (SIGTERM, SIGKILL after stop_timeout_seconds), clipper.shutdown()
//! ```

pub mod children;
pub mod clip_cmd;
pub mod clip_job;
pub mod clip_pending;
pub mod clipper;
pub mod cut;
mod cut_parts;
pub mod disk_free;
pub mod disk_watch;
mod error;
pub mod health;
pub mod hls_source;
pub mod hook;
pub mod latest_url;
mod log_lines;
pub mod orphans;
pub mod part;
mod part_size;
mod playlist_waits;
pub mod probe;
pub mod reaper;
pub mod recorder;
mod restart;
pub mod retry_log;
mod run_part;
pub mod slog;
pub mod stream_probe;
mod supervise;
pub mod timeline;

pub use clip_job::{ClipEvent, ClipRequest, ClipState, ClipperConfig};
pub use clipper::{Clipper, ClipperHandle};
pub use error::MediaError;
pub use part::{PartEnd, PartInfo};
pub use probe::Tools;
pub use recorder::{
    LiveCheck, RecState, Recorder, RecorderConfig, RecorderHandle, RecordingStatus, SessionInfo,
    StopReason, live_from_watch, stream_url,
};
pub use supervise::backoff;

/// What a `kill -9` (of kicktui and its watcher) left under `data_dir` that would spoil a
/// repair: a streamlink (or a cut's ffmpeg) still writing, stopped and waited for so the
/// repair reads its file's final size, and the `.part` files of cuts no one is making. Returns how many of those went.
pub fn clear_kill_leftovers(data_dir: &std::path::Path) -> usize {
    orphans::reap_and_wait(&recorder::recordings_dir(data_dir));
    // The ffmpeg of a killed `kicktui clip` whose watcher was killed too.
    orphans::reap_and_wait(&data_dir.join("clips"));
    cut::remove_stale_parts(&data_dir.join("clips"))
}
