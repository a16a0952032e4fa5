//! The recorder actor: one per live session. It runs streamlink into `.ts` parts, watches the
//! file grow, restarts it when it stalls or exits while the channel is still live, rotates
//! parts on a discontinuity, and stops it with SIGTERM (then SIGKILL). See media.md §8.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::health::health_line;
use super::part::PartInfo;
use super::restart::Shared;
use crate::config;
use crate::store::StoreHandle;
use crate::time::Ts;

/// Asks "is the channel still live?" (the engine's API poll, or a test's switch). streamlink's
/// exit code cannot tell a stream end from a dead source, so the recorder asks this.
pub type LiveCheck = Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>;

/// A [`LiveCheck`] that reads the latest value of a watch the engine keeps current.
pub fn live_from_watch(rx: watch::Receiver<bool>) -> LiveCheck {
    Arc::new(move || {
        let v = *rx.borrow();
        Box::pin(async move { v })
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecorderConfig {
    pub streamlink: String,
    /// Measures a part cut off by a write error (its log overstates it).
    pub ffprobe: String,
    /// The resolved stream URL (no template left).
    pub url: String,
    pub recordings_dir: PathBuf,
    pub channel: String,
    /// Stall = no growth for max(this, 5 × segment length).
    pub stall_floor: Duration,
    /// SIGTERM, then SIGKILL after this.
    pub stop_grace: Duration,
    /// `--hls-live-edge` for restarts: start at the oldest segment the playlist still has,
    /// so a restart overlaps the previous part instead of leaving a gap.
    pub restart_live_edge: u32,
    pub max_backoff: Duration,
    pub min_growth_mb_per_min: f64,
    /// Appended to streamlink's options (e.g. `--webbrowser-executable`).
    pub extra_args: Vec<String>,
    /// A newer address for `url` (the API's playback URL with a new token): taken at the
    /// next part.
    pub latest_url: super::latest_url::LatestUrl,
}

/// `[recorder] stream_url` with `{channel}` replaced, or the API's playback URL when
/// `use_playback_url` is on and one is known.
pub fn stream_url(rec: &config::Recorder, channel: &str, playback_url: Option<&str>) -> String {
    match playback_url {
        Some(u) if rec.use_playback_url && u.starts_with("hls://") => u.to_string(),
        Some(u) if rec.use_playback_url => format!("hls://{u}"),
        // streamlink's Kick plugin has no page for `kick.com/name/`: the slash a copied
        // address often ends with goes.
        _ => {
            let mut url = rec.stream_url.replace("{channel}", channel);
            if url.ends_with('/') {
                url.pop();
            }
            url
        }
    }
}

/// Where a data dir's recordings (and the notes of running children) go.
pub fn recordings_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("recordings")
}

impl RecorderConfig {
    pub fn from_config(
        rec: &config::Recorder,
        data_dir: &Path,
        channel: &str,
        playback_url: Option<&str>,
    ) -> RecorderConfig {
        RecorderConfig {
            streamlink: rec.streamlink.clone(),
            ffprobe: rec.ffprobe.clone(),
            url: stream_url(rec, channel, playback_url),
            recordings_dir: recordings_dir(data_dir),
            channel: channel.to_string(),
            stall_floor: Duration::from_secs(u64::from(rec.stall_seconds)),
            stop_grace: Duration::from_secs(u64::from(rec.stop_timeout_seconds)),
            restart_live_edge: rec.restart_live_edge,
            max_backoff: Duration::from_secs(u64::from(rec.max_backoff_seconds)),
            min_growth_mb_per_min: rec.min_growth_mb_per_min,
            extra_args: rec.streamlink_args.clone(),
            latest_url: Default::default(),
        }
    }
}

/// The session the recording belongs to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SessionInfo {
    pub id: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StopReason {
    /// `stop()` was called (quit, or the engine ended the session).
    Requested,
    /// streamlink ended and the channel is no longer live: the session is over.
    Offline,
    /// streamlink is not installed: recording is off, everything else goes on.
    ToolMissing(String),
    Failed(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum RecState {
    #[default]
    Idle,
    /// streamlink runs, no bytes yet.
    Starting,
    Recording,
    /// No growth for the stall time; streamlink is being stopped and restarted.
    Stalled,
    /// Between parts (asking whether the channel is live, or backing off).
    Restarting,
    /// streamlink cannot open the stream (a wrong address, a 404, a server away): why, in a
    /// few words. Tried again with backoff in the same part number until it gets a byte.
    Unreachable(String),
    /// Between parts while the stream sends no new video (the platform says live): no
    /// streamlink runs; a part starts once its playlist lists new video.
    Frozen,
    /// The recorder task crashed and is restarted (the label says why and when).
    Crashed(String),
    /// The recording cannot be written (disk full, permissions): why. Looked at again with
    /// backoff; a new part starts once it can write.
    Unwritable(String),
    Stopped(StopReason),
}

impl RecState {
    pub fn label(&self) -> String {
        match self {
            RecState::Idle => "idle".into(),
            RecState::Starting => "starting".into(),
            RecState::Recording => "recording".into(),
            RecState::Stalled => "stalled".into(),
            RecState::Restarting => "restarting".into(),
            RecState::Unreachable(why) => format!("cannot reach the stream ({why}); retrying"),
            RecState::Frozen => "frozen: no new video".into(),
            RecState::Unwritable(why) => format!("cannot write: {why}"),
            RecState::Crashed(why) => format!("recorder {why}"),
            RecState::Stopped(StopReason::Requested) => "stopped".into(),
            RecState::Stopped(StopReason::Offline) => "stopped: offline".into(),
            RecState::Stopped(StopReason::ToolMissing(m) | StopReason::Failed(m)) => {
                format!("stopped: {m}")
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingStatus {
    pub state: RecState,
    /// The part being written (0 before the first).
    pub part: u32,
    pub path: Option<PathBuf>,
    /// All parts together.
    pub bytes: u64,
    pub mb_per_min: f64,
    /// Growing slower than `min_growth_mb_per_min`.
    pub low: bool,
    pub parts: Vec<PartInfo>,
    /// The latest streamlink warning or error line.
    pub last_problem: Option<String>,
    /// streamlink's pid (= its process group) while it runs.
    pub pid: Option<u32>,
    /// Since when the stream has sent no new video: parts end for want of new segments
    /// (the streamer's encoder stuck while the platform still says live). Cleared once a
    /// part records new content again.
    pub frozen_since: Option<Ts>,
    /// The last freeze that new video ended: since when it was frozen, and when video came
    /// back.
    pub video_back: Option<(Ts, Ts)>,
    /// Free space on the recordings' disk (bytes), looked at every half minute while
    /// recording.
    pub disk_free: Option<u64>,
    /// Parts of an earlier run whose file is gone (deleted, a disk not mounted yet): a window
    /// they held waits for the file, it is not "no recording".
    pub missing: Vec<PartInfo>,
}

impl RecordingStatus {
    /// `Recording health: 45.2 MB (+12.3 MB/min)`.
    pub fn health_line(&self) -> String {
        health_line(self.bytes, self.mb_per_min, self.low)
    }

    /// The wall time of the newest complete content (the part being written, else the last
    /// one). "Clip now" is this minus `[clips] reaction_delay_seconds`: the viewer reacts to
    /// a player that is about as far behind live as the file.
    pub fn newest_content(&self) -> Option<Ts> {
        self.parts.iter().rev().find_map(PartInfo::content_end)
    }

    /// Where an earlier run of kicktui left the session's recording (it crashed mid-stream):
    /// a resumed recorder numbers its parts after these and clips from all of them. Reads
    /// each part's sidecar.
    pub fn after_earlier_run(rows: &[crate::store::RecordingRow]) -> RecordingStatus {
        // A file that is gone (deleted, a disk not mounted) has nothing to clip from now; one
        // that never had a byte (streamlink never reached a playlist, so never made the file)
        // is not missing, it was empty.
        let (parts, missing): (Vec<PartInfo>, Vec<PartInfo>) = rows
            .iter()
            .filter(|r| Path::new(&r.path).exists() || r.bytes > 0 || r.first_byte_at.is_some())
            .map(|r| PartInfo::from_row(r, super::part::read_meta(Path::new(&r.path))))
            .partition(|p| p.path.exists());
        RecordingStatus {
            missing,
            // Numbered after every stored part, a missing one too (rows are unique per part).
            part: rows.iter().map(|r| r.part).max().unwrap_or(0),
            bytes: parts.iter().map(|p| p.bytes).sum(),
            path: parts.last().map(|p| p.path.clone()),
            parts,
            ..RecordingStatus::default()
        }
    }

    /// No more parts will come and none is growing.
    pub fn is_stopped(&self) -> bool {
        matches!(self.state, RecState::Stopped(_))
    }
}

/// streamlink's last lines (the recorder keeps ~200 for the log pane and error messages).
pub type LogTail = Arc<Mutex<VecDeque<String>>>;

pub struct Recorder;

impl Recorder {
    /// Starts recording at once (the channel has just gone live). `store` gets one
    /// `recordings` row per part.
    pub fn start(
        cfg: RecorderConfig,
        session: SessionInfo,
        store: Option<StoreHandle>,
        is_live: LiveCheck,
    ) -> RecorderHandle {
        Recorder::resume(cfg, session, store, is_live, RecordingStatus::default())
    }

    /// Goes on from `after`, a stopped recorder's last status (its session task crashed): the
    /// next part follows its last one and the earlier parts stay known, so their moments can
    /// still be clipped.
    pub fn resume(
        cfg: RecorderConfig,
        session: SessionInfo,
        store: Option<StoreHandle>,
        is_live: LiveCheck,
        after: RecordingStatus,
    ) -> RecorderHandle {
        let (status_tx, status_rx) = watch::channel(after);
        let (stop_tx, stop_rx) = watch::channel(false);
        let log: LogTail = Arc::default();
        let task = super::restart::spawn(Shared {
            cfg,
            session,
            store,
            is_live,
            status_tx: Arc::new(status_tx),
            stop_rx,
            log: log.clone(),
        });
        RecorderHandle {
            status: status_rx,
            stop_tx,
            task: Some(task),
            log,
        }
    }
}

pub struct RecorderHandle {
    status: watch::Receiver<RecordingStatus>,
    stop_tx: watch::Sender<bool>,
    /// The supervised recorder; ends once a run has stopped.
    task: Option<JoinHandle<()>>,
    log: LogTail,
}

impl RecorderHandle {
    pub fn status(&self) -> watch::Receiver<RecordingStatus> {
        self.status.clone()
    }

    /// streamlink's most recent log lines, oldest first.
    pub fn log_tail(&self) -> Vec<String> {
        self.log
            .lock()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Stops streamlink (SIGTERM, SIGKILL after the grace time) and returns the final status.
    pub async fn stop(mut self) -> RecordingStatus {
        self.stop_tx.send_replace(true);
        if let Some(task) = self.task.take()
            && let Err(e) = task.await
        {
            return RecordingStatus {
                state: RecState::Stopped(StopReason::Failed(format!("recorder task: {e}"))),
                ..self.status.borrow().clone()
            };
        }
        self.status.borrow().clone()
    }

    /// Waits until the recorder stops by itself (offline, missing tool) and returns its status.
    pub async fn finished(&mut self) -> RecordingStatus {
        let _ = self.status.wait_for(RecordingStatus::is_stopped).await;
        self.status.borrow().clone()
    }
}

impl Drop for RecorderHandle {
    fn drop(&mut self) {
        // Dropped without stop(): still end streamlink cleanly if the runtime goes on.
        self.stop_tx.send_replace(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_url_from_the_template_or_the_playback_url() {
        let mut rec = config::Recorder::default();
        assert_eq!(stream_url(&rec, "xqc", None), "https://kick.com/xqc");
        let playback = Some("https://x.live-video.net/abc.m3u8");
        assert_eq!(
            stream_url(&rec, "xqc", playback),
            "https://kick.com/xqc",
            "off by default"
        );
        rec.use_playback_url = true;
        assert_eq!(
            stream_url(&rec, "xqc", playback),
            "hls://https://x.live-video.net/abc.m3u8"
        );
        assert_eq!(stream_url(&rec, "xqc", None), "https://kick.com/xqc");
        rec.stream_url = "https://kick.com/{channel}/".into();
        assert_eq!(stream_url(&rec, "xqc", None), "https://kick.com/xqc");
        let cfg = RecorderConfig::from_config(&rec, Path::new("/d"), "xqc", None);
        assert_eq!(cfg.recordings_dir, Path::new("/d/recordings"));
        assert_eq!(cfg.stall_floor, Duration::from_secs(20));
    }
}
