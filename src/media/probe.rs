//! ffprobe questions the clipper asks: a file's start and duration (0.13 s even on a growing
//! 3.8 GB file), the keyframe before an offset (no decoding), and a finished clip's length.

use std::path::Path;
use std::time::Duration;

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

/// How long an ffprobe question or a `-version` may take: ffprobe answers in a fraction of a
/// second even on a growing 3.8 GB file, so this only ends a hung one.
pub const PROBE_LIMIT: Duration = Duration::from_secs(60);

/// How long a cut may take: [`PROBE_LIMIT`] plus a second per second of video. `-c copy` only
/// reads and writes, far faster than real time; a hung ffmpeg (a stalled disk, a broken build)
/// held the clip queue, and every clip after it, for the rest of the stream.
pub fn cut_limit(window_s: f64) -> Duration {
    let window = if window_s.is_finite() {
        window_s.clamp(0.0, 86_400.0)
    } else {
        0.0
    };
    PROBE_LIMIT + Duration::from_secs_f64(window)
}

/// Runs a tool to the end within [`PROBE_LIMIT`]; see [`run_for`].
pub async fn run(tool: &'static str, program: &str, args: &[&str]) -> Result<Output, MediaError> {
    run_for(tool, program, args, PROBE_LIMIT).await
}

/// Runs a tool to the end; a non-zero exit is an error carrying its last stderr line, and one
/// still running after `limit` is stopped (its whole process group) and is an error too.
pub async fn run_for(
    tool: &'static str,
    program: &str,
    args: &[&str],
    limit: Duration,
) -> Result<Output, MediaError> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    // On timeout the dropped `Tracked` kills the child's group.
    let out = tokio::time::timeout(limit, Tracked::output(&mut cmd))
        .await
        .map_err(|_| MediaError::Failed {
            program: program.to_string(),
            detail: format!(
                "still running after {} s, stopped (hung? a disk that stopped answering?)",
                limit.as_secs()
            ),
        })?
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

    /// A hung ffmpeg held the clip queue for good: now it is stopped at its limit (the paused
    /// clock jumps there) with one line naming it, and its process is gone.
    #[tokio::test(start_paused = true)]
    async fn a_tool_still_running_at_its_limit_is_stopped_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let hung = dir.path().join("ffmpeg");
        std::fs::write(&hung, "#!/bin/sh\nexec sleep 607.913\n").unwrap();
        let mut perms = std::fs::metadata(&hung).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&hung, perms).unwrap();
        let program = hung.display().to_string();
        let err = run_for("ffmpeg", &program, &["-i", "x"], cut_limit(30.0))
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "{program} failed: still running after 90 s, stopped \
                 (hung? a disk that stopped answering?)"
            )
        );
        let left = std::process::Command::new("pgrep")
            .args(["-f", "sleep 607.913"])
            .output()
            .unwrap();
        assert!(left.stdout.is_empty(), "the hung tool is left running");
    }

    #[test]
    fn a_cut_gets_a_second_per_second_of_video_on_top_of_a_minute() {
        assert_eq!(cut_limit(30.0), Duration::from_secs(90));
        assert_eq!(cut_limit(-5.0), PROBE_LIMIT);
        assert_eq!(cut_limit(f64::NAN), PROBE_LIMIT);
    }
}
