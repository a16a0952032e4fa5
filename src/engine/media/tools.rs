//! Whether the media tools answer before a run relies on them.

use std::time::Duration;

use crate::config;
use crate::media::{Tools, probe};

/// How long a tool may take to say its version (streamlink's first start compiles its plugins
/// in a second or two; a hung one must not hold up the run).
const TOOL_CHECK_WAIT: Duration = Duration::from_secs(15);

/// Checks streamlink, ffmpeg and ffprobe; `Err`: why recording cannot work.
pub async fn check_tools(rec: config::Recorder) -> Result<(), String> {
    let hung = |what: &str| {
        format!(
            "{what} did not answer in {} s (a hung install?)",
            TOOL_CHECK_WAIT.as_secs()
        )
    };
    tokio::time::timeout(TOOL_CHECK_WAIT, probe::check_streamlink(&rec.streamlink))
        .await
        .map_err(|_| hung(&format!("`{} --version`", rec.streamlink)))?
        .map_err(|e| e.to_string())?;
    tokio::time::timeout(TOOL_CHECK_WAIT, Tools::from_config(&rec).check())
        .await
        .map_err(|_| {
            hung(&format!(
                "`{} -version` or `{} -version`",
                rec.ffmpeg, rec.ffprobe
            ))
        })?
        .map_err(|e| e.to_string())
}
