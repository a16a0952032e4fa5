//! Offline evaluation: scoring detected moments against labelled highlight spans (the
//! rules of `docs/detection.md`, "How kicktui is measured"), and synthetic labelled chat
//! logs to develop the detectors against.

#[cfg(test)]
mod calib;
mod events;
pub mod many;
mod noise;
mod rng;
pub mod score;
mod script;
pub mod synth;
mod text;
mod vocab;
mod world;

pub use many::{ManyReport, StreamReport, pool};
pub use score::{EvalReport, Labels, ScoredMoment, hits, parse_labels, score};
pub use synth::{Profile, SynthLog, generate, write_files};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("labels are not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("labels: {0}")]
    Labels(String),
    #[error("unknown profile `{0}` (expected small, mid, big or esports)")]
    Profile(String),
}
