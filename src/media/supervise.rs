//! The recorder's loop: run a part, decide why it ended, ask whether the channel is still
//! live, restart with backoff. One part's streamlink run lives in `run_part.rs`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::health::Growth;
use super::part::PartEnd;
use super::playlist_waits::FrozenWait;
use super::recorder::{
    LiveCheck, LogTail, RecState, RecorderConfig, RecordingStatus, SessionInfo, StopReason,
};
use super::restart::Shared;
use super::slog::LogEvent;
use crate::store::StoreHandle;
use crate::time::wall_now;

/// A part shorter than this (or empty) counts as a failed start for the backoff.
const HEALTHY_PART: Duration = Duration::from_secs(30);
/// The longest wait between restarts while the stream sends no new video.
const FROZEN_RETRY: Duration = Duration::from_secs(2);
pub(super) struct Supervisor {
    pub(super) cfg: RecorderConfig,
    pub(super) session: SessionInfo,
    pub(super) store: Option<StoreHandle>,
    pub(super) is_live: LiveCheck,
    status_tx: Arc<watch::Sender<RecordingStatus>>,
    pub(super) stop_rx: watch::Receiver<bool>,
    pub(super) log: LogTail,
    pub(super) status: RecordingStatus,
    pub(super) growth: Growth,
    /// Bytes of the parts already finished.
    pub(super) done_bytes: u64,
    /// streamlink said it cannot write the part's file (this part).
    pub(super) write_error: Option<String>,
    /// The newest segment any part has completed: a restart that copies only segments up to
    /// it has found no new video.
    pub(super) newest_segment: Option<u64>,
    /// The next part's live edge, when a wait for new video found how far back it starts.
    next_live_edge: Option<u32>,
    /// The segments from the new encoder's first on, when a part ended at a discontinuity.
    pub(super) new_since_discontinuity: Option<u32>,
    /// When the recordings' disk's free space was last looked at.
    pub(super) disk_looked: Option<Instant>,
    /// The parts this supervisor ended (their rows are its to write again at the stop; a
    /// resumed session's older ones are the recovery's).
    pub(super) ended_here: Vec<u32>,
    /// streamlink's warnings, each said once and then summarised (a stream it cannot open
    /// gives the same one every 5 s).
    pub(super) repeats: super::retry_log::RepeatLines,
    /// The last attempt never opened the stream and was dropped: the next takes its number…
    pub(super) retry_part: bool,
    /// …and its file name (the one "Recording to:" said), when nothing is in the way.
    pub(super) retry_path: Option<PathBuf>,
}

impl Supervisor {
    /// A supervisor that goes on from the last published status: after a crash of the
    /// previous one, the part it was writing is over and the next part follows it.
    pub(super) fn new(s: &Shared) -> Supervisor {
        let status = s.status_tx.borrow().clone();
        let done_bytes = status.parts.iter().map(|p| p.bytes).sum();
        Supervisor {
            cfg: s.cfg.clone(),
            session: s.session,
            store: s.store.clone(),
            is_live: s.is_live.clone(),
            status_tx: s.status_tx.clone(),
            stop_rx: s.stop_rx.clone(),
            log: s.log.clone(),
            status,
            growth: Growth::new(Instant::now()),
            done_bytes,
            write_error: None,
            newest_segment: None,
            next_live_edge: None,
            new_since_discontinuity: None,
            disk_looked: None,
            ended_here: Vec::new(),
            repeats: Default::default(),
            retry_part: false,
            retry_path: None,
        }
    }

    /// Follows the segments written: one past the newest so far (or a new encoder's
    /// discontinuity) is new video, which ends a freeze.
    pub(super) fn note_video(&mut self, ev: &LogEvent) {
        let new = match *ev {
            LogEvent::Complete(n) => {
                let new = self.newest_segment.is_none_or(|m| n > m);
                self.newest_segment = Some(self.newest_segment.map_or(n, |m| m.max(n)));
                new
            }
            LogEvent::Discontinuity => true,
            _ => false,
        };
        if new && let Some(since) = self.status.frozen_since.take() {
            self.status.video_back = Some((since, wall_now()));
        }
    }

    /// How far back in the playlist the next part starts, after a part that ended `prev`.
    fn live_edge(&self, prev: Option<&PartEnd>) -> Option<u32> {
        match prev {
            None => None,
            // After a discontinuity, the new encoder's segments (before it, the old
            // timeline, recorded already); a playlist that held nothing new is recorded
            // already (restarts come quickly meanwhile, see `FROZEN_RETRY`, so video that
            // comes back is not missed).
            Some(PartEnd::Discontinuity) => Some(self.new_since_discontinuity.unwrap_or(1).max(1)),
            Some(PartEnd::NoNewVideo) => Some(1),
            Some(_) => Some(self.cfg.restart_live_edge.max(1)),
        }
    }

    /// The platform gave a new address (its token changed): the next streamlink uses it. The
    /// address itself is not logged: it holds the token.
    pub(super) fn take_latest_url(&mut self) {
        if let Some(url) = self.cfg.latest_url.newer_than(&self.cfg.url) {
            tracing::info!(
                "the stream's playback address changed (a new token): recording uses the new one"
            );
            self.cfg.url = url;
        }
    }

    pub(super) fn publish(&self) {
        self.status_tx.send_replace(self.status.clone());
    }

    pub(super) fn set_state(&mut self, state: RecState) {
        if self.status.state != state {
            match &state {
                RecState::Stalled
                | RecState::Unreachable(_)
                | RecState::Stopped(StopReason::Failed(_)) => {
                    tracing::warn!("recording: {}", state.label())
                }
                _ => tracing::info!("recording: {}", state.label()),
            }
            if state == RecState::Recording {
                // Bytes again: a warning that comes back after this is news.
                self.repeats.clear();
            }
        }
        self.status.state = state;
        self.publish();
    }

    fn stop_requested(&self) -> bool {
        *self.stop_rx.borrow()
    }

    pub(super) async fn run(mut self) -> RecordingStatus {
        super::orphans::reap(&self.cfg.recordings_dir);
        let mut failures = 0u32;
        let mut prev: Option<PartEnd> = None;
        if self.status.part > 0 {
            prev = Some(self.close_crashed_part().await);
        }
        let reason = loop {
            // The part after the last that started: one streamlink could not start (or whose
            // folder could not be made) leaves no gap in the numbers.
            let part = if std::mem::take(&mut self.retry_part) {
                self.status.part.max(1)
            } else {
                self.status.part + 1
            };
            if self.stop_requested() {
                break StopReason::Requested;
            }
            // Part 1 starts at streamlink's default edge; a restart goes back as far as the
            // playlist allows (no gap); after a discontinuity only the newest segment is new.
            let live_edge = self
                .next_live_edge
                .take()
                .or_else(|| self.live_edge(prev.as_ref()));
            self.take_latest_url();
            let started = Instant::now();
            let end = self.run_part(part, live_edge).await;
            let part_bytes = self.status.parts.last().map_or(0, |p| p.bytes);
            if matches!(end, PartEnd::Exited(_) | PartEnd::Unreachable) {
                self.drop_empty_part(part).await;
            }
            if end == PartEnd::NoNewVideo {
                self.status.frozen_since.get_or_insert(wall_now());
            } else if part_bytes == 0 {
                // It never reached a playlist (the stream is gone, the API lagging): not a
                // frozen stream.
                self.status.frozen_since = None;
            }
            match &end {
                PartEnd::SpawnFailed(msg) => {
                    let reason = if msg.contains("not found") {
                        StopReason::ToolMissing(msg.clone())
                    } else {
                        StopReason::Failed(msg.clone())
                    };
                    break reason;
                }
                PartEnd::SpawnRetry(msg) => tracing::warn!("recording: {msg}; trying again"),
                PartEnd::Stopped => {
                    break StopReason::Requested;
                }
                PartEnd::Unwritable(why) => {
                    self.set_state(RecState::Unwritable(why.clone()));
                    if !self.wait_writable().await {
                        break StopReason::Requested;
                    }
                }
                _ => {}
            }
            if self.stop_requested() {
                break StopReason::Requested;
            }
            // A stream it cannot open keeps saying why between the attempts too.
            if !matches!(self.status.state, RecState::Unreachable(_)) {
                self.set_state(RecState::Restarting);
            }
            if end == PartEnd::PlaylistEnded && !self.await_offline().await {
                break StopReason::Requested;
            }
            let mut stop = self.stop_rx.clone();
            let live = tokio::select! {
                v = (self.is_live)() => v,
                _ = stopped(&mut stop) => {
                    break StopReason::Requested;
                }
            };
            if !live {
                break StopReason::Offline;
            }
            let healthy = part_bytes > 0 && started.elapsed() >= HEALTHY_PART;
            failures = if healthy || end == PartEnd::Discontinuity {
                0
            } else {
                failures + 1
            };
            let mut backoff = backoff(failures, self.cfg.max_backoff);
            // No streamlink (nor a part) until the playlist lists new video; after an end
            // (a streamer's reconnect), from the new encoder's first segment: going back as
            // far as the playlist allows copied the old tail into a tiny part of its own.
            if matches!(end, PartEnd::NoNewVideo | PartEnd::PlaylistEnded) {
                match self.await_new_video().await {
                    FrozenWait::NewVideo(edge) => {
                        self.next_live_edge = Some(edge);
                        backoff = Duration::ZERO;
                    }
                    FrozenWait::Unwatchable => {}
                    FrozenWait::Offline => break StopReason::Offline,
                    FrozenWait::Stopped => break StopReason::Requested,
                }
            }
            if self.status.frozen_since.is_some() {
                // A frozen stream's restarts are cheap (one old segment): soon, so little of
                // the video that comes back is lost to the wait.
                backoff = backoff.min(FROZEN_RETRY);
            }
            if !backoff.is_zero() {
                let secs = backoff.as_secs_f64();
                if matches!(self.status.state, RecState::Unreachable(_)) {
                    tracing::debug!("recording: trying the stream again in {secs:.0} s");
                } else {
                    tracing::info!("recording: restarting in {secs:.0} s");
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stopped(&mut stop) => {
                        break StopReason::Requested;
                    }
                }
            }
            prev = Some(end);
        };
        // Before "stopped" is told: whoever then reads the database finds them.
        self.store_final_rows().await;
        self.set_state(RecState::Stopped(reason));
        // Stopped (offline, quit): a stream that ended is not a frozen one.
        self.status.frozen_since = None;
        self.status.path = None;
        self.publish();
        self.status
    }

    /// Waits until a probe file can be written into the recordings directory again (space
    /// freed, permissions fixed), looking with backoff; false when a stop came first.
    async fn wait_writable(&mut self) -> bool {
        let dir = self.cfg.recordings_dir.clone();
        let mut stop = self.stop_rx.clone();
        for attempt in 1u32.. {
            if probe(&dir, 1 << 20).await.is_ok() {
                return true;
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff(attempt, self.cfg.max_backoff)) => {}
                _ = stopped(&mut stop) => return false,
            }
        }
        false
    }

    /// `recordings/{channel}_s{session:03}_{YYYYmmdd_HHMMSS}_p{part}.ts`, never an existing file.
    pub(super) fn part_path(&self, part: u32) -> PathBuf {
        let stamp = chrono::Local::now().format("%Y%m%d_%H%M%S");
        let base = format!(
            "{}_s{:03}_{stamp}_p{part}",
            self.cfg.channel, self.session.id
        );
        let mut path = self.cfg.recordings_dir.join(format!("{base}.ts"));
        let mut n = 2;
        while path.exists() {
            path = self.cfg.recordings_dir.join(format!("{base}-{n}.ts"));
            n += 1;
        }
        path
    }
}

/// `probe_write`, off the async task.
pub(super) async fn probe(dir: &std::path::Path, bytes: usize) -> std::io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || probe_write(&dir, bytes))
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// Writes (and removes) a file of `bytes` in `dir`: can a new part be written there?
fn probe_write(dir: &std::path::Path, bytes: usize) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(".kicktui-write-probe");
    let result = std::fs::File::create(&path).and_then(|mut f| {
        f.write_all(&vec![0u8; bytes])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&path);
    result
}

/// Resolves once a stop is asked for (or the handle is gone).
pub(super) async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// 0 after a healthy part, then 1, 2, 4 … seconds up to `max`.
pub fn backoff(failures: u32, max: Duration) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let secs = 1u64 << (failures - 1).min(16);
    Duration::from_secs(secs).min(max)
}

/// streamlink's `-o` is a template: literal braces must be doubled (media.md §3).
pub fn escape_output_template(path: &str) -> String {
    path.replace('{', "{{").replace('}', "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_no_file_can_be_made_in_fails_the_probe() {
        let dir = tempfile::tempdir().unwrap();
        assert!(probe_write(dir.path(), 0).is_ok());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the probe is gone"
        );
        // Not even root makes files there.
        assert!(probe_write(std::path::Path::new("/proc/self"), 0).is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let max = Duration::from_secs(30);
        let got: Vec<u64> = (0..8).map(|f| backoff(f, max).as_secs()).collect();
        assert_eq!(got, vec![0, 1, 2, 4, 8, 16, 30, 30]);
    }

    #[test]
    fn braces_are_escaped_for_streamlink() {
        assert_eq!(escape_output_template("/d/{x}/a.ts"), "/d/{{x}}/a.ts");
    }
}
