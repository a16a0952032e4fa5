//! ffprobe questions the clipper asks: a file's start and duration (0.13 s even on a growing
//! 3.8 GB file), the keyframe before an offset (no decoding), and a finished clip's length.

use std::path::Path;

use tokio::process::Command;

use super::children::{Output, Tracked};
use super::error::MediaError;

/// The ffmpeg and ffprobe programs (names on PATH or full paths).
#[derive(Clone, Debug, PartialEq)]
pub struct Tools {
    pub ffmpeg: String,
    pub ffprobe: String,
}

impl Tools {
    pub fn from_config(rec: &crate::config::Recorder) -> Tools {
        Tools {
            ffmpeg: rec.ffmpeg.clone(),
            ffprobe: rec.ffprobe.clone(),
        }
    }

    /// Runs `ffmpeg -version` and `ffprobe -version`: a clear error if either is missing.
    pub async fn check(&self) -> Result<(), MediaError> {
        for (tool, program) in [("ffmpeg", &self.ffmpeg), ("ffprobe", &self.ffprobe)] {
            run(tool, program, &["-version"]).await?;
        }
        Ok(())
    }
}

/// Runs `streamlink --version`: a clear error when it is missing (recording is then off).
pub async fn check_streamlink(program: &str) -> Result<String, MediaError> {
    let out = run("streamlink", program, &["--version"]).await?;
    Ok(out.stdout.trim().to_string())
}

/// Runs a tool to the end; a non-zero exit is an error carrying its last stderr line.
pub async fn run(tool: &'static str, program: &str, args: &[&str]) -> Result<Output, MediaError> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let out = Tracked::output(&mut cmd)
        .await
        .map_err(|e| MediaError::spawn(tool, program, e))?;
    if out.success() {
        Ok(out)
    } else {
        Err(MediaError::failed(program, &out.stderr))
    }
}

/// `start_time` and `duration` of a file's format, in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FormatTimes {
    pub start: f64,
    pub duration: Option<f64>,
}

pub async fn format_times(ffprobe: &str, path: &Path) -> Result<FormatTimes, MediaError> {
    let p = path.to_string_lossy();
    let out = run(
        "ffprobe",
        ffprobe,
        &["-v", "error", "-show_entries", "format=start_time,duration"]
            .into_iter()
            .chain(["-of", "default=noprint_wrappers=1", &p])
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(parse_format_times(&out.stdout))
}

fn parse_format_times(text: &str) -> FormatTimes {
    let mut t = FormatTimes {
        start: 0.0,
        duration: None,
    };
    for line in text.lines() {
        match line.split_once('=') {
            Some(("start_time", v)) => t.start = v.trim().parse().unwrap_or(0.0),
            Some(("duration", v)) => t.duration = v.trim().parse().ok(),
            _ => {}
        }
    }
    t
}

/// The offset of the last video keyframe at or before offset `x` (within 10 s, else 30 s),
/// given the file's `start` time. `None`: no keyframe that close (or no video).
pub async fn keyframe_before(
    ffprobe: &str,
    path: &Path,
    start: f64,
    x: f64,
) -> Result<Option<f64>, MediaError> {
    let p = path.to_string_lossy();
    for back in [10.0, 30.0] {
        let from = (start + x - back).max(0.0);
        let to = start + x + 0.05;
        let interval = format!("{from:.3}%{to:.3}");
        let args = [
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
            "-read_intervals",
            &interval,
            "-of",
            "csv=p=0",
            &p,
        ];
        let out = run("ffprobe", ffprobe, &args).await?;
        if let Some(k) = last_keyframe(&out.stdout, start + x + 0.05) {
            return Ok(Some(k - start));
        }
    }
    Ok(None)
}

/// The latest `pts,flags` line with a `K` flag at or before `limit`.
fn last_keyframe(csv: &str, limit: f64) -> Option<f64> {
    csv.lines()
        .filter_map(|l| {
            let (pts, flags) = l.split_once(',')?;
            let pts: f64 = pts.trim().parse().ok()?;
            (flags.contains('K') && pts <= limit).then_some(pts)
        })
        .max_by(f64::total_cmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ffprobe_output() {
        let t = parse_format_times("start_time=1.400000\nduration=61.266667\n");
        assert_eq!(t.start, 1.4);
        assert_eq!(t.duration, Some(61.266667));
        let t = parse_format_times("start_time=N/A\nduration=N/A\n");
        assert_eq!(t.duration, None);
        let csv = "30.000000,K__\n30.066667,___\n32.000000,K__\n34.0,K_\n";
        assert_eq!(last_keyframe(csv, 33.0), Some(32.0));
        assert_eq!(last_keyframe(csv, 29.0), None);
    }
}
