//! What a clip job is, what it reports, and when its window is recorded enough to cut.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::probe;
use super::probe::Tools;
use super::recorder::RecordingStatus;
use super::timeline::{Piece, Span, plan, spans_from_parts};
use crate::store::{ClipStatus, MomentRow};
use crate::time::{Ts, wall_now};

/// A clip to cut: a window of wall time, for a stored moment or on its own.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipRequest {
    /// The moment whose `clip_status`/`clip_path` follow the job.
    pub moment_id: Option<i64>,
    pub start: Ts,
    pub end: Ts,
    /// For ordering (`clip_all` is best first).
    pub score: f64,
    /// The file name without extension; `None`: from the moment id or the time.
    pub name: Option<String>,
    /// The moment's earlier clip (short or failed): cut again in its place, not beside it.
    pub replaces: Option<PathBuf>,
}

impl ClipRequest {
    pub fn window(start: Ts, end: Ts) -> ClipRequest {
        ClipRequest {
            moment_id: None,
            start,
            end,
            score: 0.0,
            name: None,
            replaces: None,
        }
    }

    /// `[at − pre, at + post]`, e.g. "clip now" at the newest content minus the reaction delay.
    pub fn around(at: Ts, pre_s: f64, post_s: f64) -> ClipRequest {
        ClipRequest::window(at.plus_secs(-pre_s), at.plus_secs(post_s))
    }

    /// The stored moment's clip window (offsets are relative to the moment's own offset).
    pub fn for_moment(m: &MomentRow) -> ClipRequest {
        ClipRequest {
            moment_id: Some(m.id),
            start: m.at.plus_secs(m.clip_start_offset_s - m.offset_s),
            end: m.at.plus_secs(m.clip_end_offset_s - m.offset_s),
            score: m.score,
            name: None,
            replaces: m.clip_path.as_ref().map(PathBuf::from),
        }
    }

    pub fn duration(&self) -> f64 {
        self.end.secs_since(self.start)
    }
}

/// A job's progress, as the TUI shows it: waiting, cutting, ready, failed: why.
#[derive(Clone, Debug, PartialEq)]
pub enum ClipState {
    Queued,
    /// Its window is not fully recorded yet.
    Waiting,
    Cutting,
    Ready {
        path: PathBuf,
        duration: f64,
    },
    /// Cut, but shorter than asked by more than a segment (a hole, or the recording ended).
    Short {
        path: PathBuf,
        duration: f64,
        asked: f64,
        /// Why, when the recording knows (a part cut off by a full disk).
        why: Option<String>,
    },
    /// No recording covers the window.
    NoRecording,
    /// The part that holds the window is a file that is gone (a disk not mounted yet): left
    /// pending for `kicktui clip --pending`.
    FileMissing(PathBuf),
    Failed(String),
    /// Asked for again, but cut already (by this run or by `kicktui clip`): nothing was cut,
    /// no hook or alert is due.
    AlreadyCut {
        path: PathBuf,
        /// Cut short (part of its window was not recorded).
        short: bool,
    },
    /// Not to be cut: the person at the keys said so (`x`).
    Skipped,
}

impl ClipState {
    pub fn label(&self) -> String {
        match self {
            ClipState::Queued => "queued".into(),
            ClipState::Waiting => "waiting".into(),
            ClipState::Cutting => "cutting".into(),
            ClipState::Ready { .. } => "ready".into(),
            ClipState::Short {
                duration, asked, ..
            } => format!("short ({duration:.0}/{asked:.0} s)"),
            ClipState::NoRecording => "failed: no recording covers it".into(),
            ClipState::FileMissing(path) => format!(
                "left pending: its recording {} is missing (`kicktui clip --pending` cuts it \
                 once the file is back)",
                path.display()
            ),
            ClipState::Failed(why) => format!("failed: {why}"),
            ClipState::AlreadyCut { short: false, .. } => "cut already".into(),
            ClipState::AlreadyCut { short: true, .. } => "cut already, short".into(),
            ClipState::Skipped => "skipped".into(),
        }
    }

    /// The clip file, once there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ClipState::Ready { path, .. } | ClipState::Short { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            ClipState::Queued | ClipState::Waiting | ClipState::Cutting
        )
    }
}

impl ClipState {
    /// The moment row's `clip_status`.
    pub fn store_status(&self) -> ClipStatus {
        match self {
            ClipState::Queued => ClipStatus::Queued,
            ClipState::Waiting => ClipStatus::Waiting,
            ClipState::Cutting => ClipStatus::Cutting,
            ClipState::Ready { .. } => ClipStatus::Done,
            ClipState::Short { .. } => ClipStatus::Short,
            ClipState::NoRecording => ClipStatus::NoRecording,
            ClipState::FileMissing(_) => ClipStatus::Pending,
            ClipState::Failed(_) => ClipStatus::Failed,
            ClipState::AlreadyCut { short: false, .. } => ClipStatus::Done,
            ClipState::AlreadyCut { short: true, .. } => ClipStatus::Short,
            ClipState::Skipped => ClipStatus::Skipped,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClipperConfig {
    pub tools: Tools,
    pub clips_dir: PathBuf,
    pub channel: String,
    pub session_id: i64,
    /// argv run after each clip, `{path}` replaced; empty: none.
    pub on_ready: Vec<String>,
    /// A job still not recorded this long after its window's end is cut from what exists.
    pub max_wait: Duration,
}

impl ClipperConfig {
    pub fn from_config(
        cfg: &crate::config::Config,
        data_dir: &Path,
        channel: &str,
        session_id: i64,
    ) -> ClipperConfig {
        ClipperConfig {
            tools: Tools::from_config(&cfg.recorder),
            clips_dir: data_dir.join("clips"),
            channel: channel.to_string(),
            session_id,
            on_ready: cfg.clips.on_ready.clone(),
            max_wait: Duration::from_secs(120),
        }
    }
}

/// Sent for every change of a job's state.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipEvent {
    pub job: u64,
    pub moment_id: Option<i64>,
    pub state: ClipState,
}

pub(super) struct Job {
    pub id: u64,
    pub req: ClipRequest,
    pub announced_waiting: bool,
    pub last_probe: Option<Instant>,
}

pub(super) enum Readiness {
    Cut(Vec<Piece>),
    Wait,
    NoRecording,
    /// A part whose file is gone held the window.
    FileMissing(PathBuf),
}

/// Decides whether `job` can be cut now. `finished`: no part will grow any more.
pub(super) async fn readiness(
    job: &mut Job,
    status: &RecordingStatus,
    finished: bool,
    ffprobe: &str,
    max_wait: Duration,
    durations: &mut HashMap<PathBuf, f64>,
) -> Readiness {
    let mut spans = spans_from_parts(&status.parts);
    fill_missing_durations(&mut spans, status, ffprobe, durations).await;
    let pieces = plan(&spans, job.req.start, job.req.end);
    // Give up waiting this long after the window's end (a dead stream): cut what there is.
    let overdue = wall_now().secs_since(job.req.end) > max_wait.as_secs_f64();
    // The recording has moved past the window without covering any of it.
    let passed = status.newest_content().is_some_and(|n| n >= job.req.end);
    let Some(last) = pieces.last() else {
        let gone = status
            .missing
            .iter()
            .find(|p| p.started_at <= job.req.end && p.ended_at.is_none_or(|e| e >= job.req.start));
        return if let Some(p) = gone {
            Readiness::FileMissing(p.path.clone())
        } else if finished || overdue || passed {
            Readiness::NoRecording
        } else {
            Readiness::Wait
        };
    };
    let growing = status
        .parts
        .iter()
        .find(|p| p.part == last.part)
        .filter(|p| p.is_growing() && !finished);
    let Some(part) = growing else {
        return Readiness::Cut(pieces);
    };
    if overdue {
        return Readiness::Cut(pieces);
    }
    if part.content_s < last.to {
        return Readiness::Wait;
    }
    // The log says the segment is complete; check the file has it too (at most every 250 ms).
    if job
        .last_probe
        .is_some_and(|t| t.elapsed() < Duration::from_millis(250))
    {
        return Readiness::Wait;
    }
    job.last_probe = Some(Instant::now());
    match probe::format_times(ffprobe, &part.path).await {
        Ok(t) if t.duration.unwrap_or(0.0) + 0.2 >= last.to => Readiness::Cut(pieces),
        _ => Readiness::Wait,
    }
}

/// An ended part whose log gave no content (no debug lines) gets its duration from ffprobe.
async fn fill_missing_durations(
    spans: &mut [Span],
    status: &RecordingStatus,
    ffprobe: &str,
    cache: &mut HashMap<PathBuf, f64>,
) {
    for span in spans.iter_mut() {
        let ended = status
            .parts
            .iter()
            .any(|p| p.part == span.part && !p.is_growing());
        if !ended || span.duration.is_some_and(|d| d > 0.0) {
            continue;
        }
        if !cache.contains_key(&span.path) {
            // An ended part ffprobe cannot read (gone, or cut off by a crash in its first
            // segment) holds nothing: without a length it would pass for a growing part
            // and take every later window from a file that cannot give it.
            let d = match probe::format_times(ffprobe, &span.path).await {
                Ok(t) => t.duration.unwrap_or(0.0),
                Err(e) => {
                    tracing::warn!("part {} left out of clips: {e}", span.path.display());
                    0.0
                }
            };
            cache.insert(span.path.clone(), d);
        }
        span.duration = cache.get(&span.path).copied();
    }
}

/// `<clips>/<channel>_s005_m42.mp4` or `<channel>_s005_153216_60s.mp4`, whether it exists or not.
pub fn clip_base_path(dir: &Path, channel: &str, session: i64, req: &ClipRequest) -> PathBuf {
    let label = match (&req.name, req.moment_id) {
        (Some(n), _) => n.clone(),
        (None, Some(id)) => format!("m{id}"),
        (None, None) => {
            let t = req.start.to_datetime().with_timezone(&chrono::Local);
            format!("{}_{:.0}s", t.format("%H%M%S"), req.duration())
        }
    };
    dir.join(format!("{channel}_s{session:03}_{label}.mp4"))
}

/// Where a clip is written: over the moment's earlier clip (short or failed); over a file
/// under the moment's name written after its window began (what a killed cut left: the file
/// renamed, the row not updated); else a new name. An older file under that name (a database
/// started afresh) is kept.
pub fn output_path(dir: &Path, channel: &str, session: i64, req: &ClipRequest) -> PathBuf {
    if let Some(old) = req.replaces.as_ref().filter(|old| old.is_file()) {
        return old.clone();
    }
    let base = clip_base_path(dir, channel, session, req);
    if req.moment_id.is_some() && written_after(&base, req.start) {
        return base;
    }
    clip_path(dir, channel, session, req)
}

/// The file exists and was last written after `t`.
fn written_after(path: &Path, t: Ts) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .is_some_and(|d| d.as_millis() > u128::try_from(t.0).unwrap_or(0))
}

/// [`clip_base_path`], or `…-2.mp4`, `…-3.mp4`: never an existing file.
pub fn clip_path(dir: &Path, channel: &str, session: i64, req: &ClipRequest) -> PathBuf {
    let first = clip_base_path(dir, channel, session, req);
    let base = first.with_extension("");
    let base = base.to_string_lossy();
    let mut path = first.clone();
    let mut n = 2;
    while path.exists() {
        path = PathBuf::from(format!("{base}-{n}.mp4"));
        n += 1;
    }
    path
}

#[cfg(test)]
#[path = "clip_job_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "clip_job_resumed_tests.rs"]
mod resumed_part_tests;
