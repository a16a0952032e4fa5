//! Offline evaluation: scoring detected moments against labelled highlight spans (the
//! rules of `docs/detection.md`, "How kicktui is measured").

pub mod score;

pub use score::{EvalReport, Labels, ScoredMoment, parse_labels, score};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("labels are not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("labels: {0}")]
    Labels(String),
}
