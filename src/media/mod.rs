//! The media layer: the recorder (streamlink supervisor), the clipper (ffmpeg without
//! re-encoding), the wall clock ↔ recording offset timeline, and a live HLS test source.
//! Measured behaviour of the tools and the reasons behind each choice: `media.md`.

pub mod children;
pub mod clip_cmd;
pub mod clip_job;
pub mod clipper;
pub mod cut;
mod error;
pub mod health;
pub mod hls_source;
pub mod hook;
pub mod orphans;
pub mod part;
pub mod probe;
pub mod recorder;
mod run_part;
pub mod slog;
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
