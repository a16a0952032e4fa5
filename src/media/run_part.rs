//! One streamlink run = one part: spawn it (argv, stdin null, own process group), read its
//! log, poll the file size, and end it on a stall, a discontinuity or a stop.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::Command;
use tokio::sync::mpsc;

use super::children::Tracked;
use super::log_lines::read_lines;
use super::part::{PartChange, PartEnd, PartInfo, PartLog};
use super::recorder::RecState;
use super::slog::{self, LogEvent};
use super::supervise::{Supervisor, escape_output_template, stopped};
use crate::store::{NewRecording, RecordingUpdate, WriteOp};
use crate::time::wall_now;

const LOG_LINES: usize = 200;
/// Size polls: fast until the first byte (its time anchors the timeline), then every second.
const FIRST_BYTE_POLL: Duration = Duration::from_millis(50);
const POLL: Duration = Duration::from_secs(1);

impl Supervisor {
    fn streamlink_command(&self, path: &std::path::Path, live_edge: Option<u32>) -> Command {
        let mut cmd = Command::new(&self.cfg.streamlink);
        cmd.args(["--loglevel", "debug"])
            .args([
                "--retry-streams",
                "5",
                "--retry-max",
                "12",
                "--retry-open",
                "3",
            ])
            .args(["--stream-timeout", "20", "--http-timeout", "10"]);
        if let Some(edge) = live_edge {
            cmd.args(["--hls-live-edge", &edge.to_string()]);
        }
        cmd.args(&self.cfg.extra_args)
            .arg(&self.cfg.url)
            .arg("best")
            .arg("-o")
            .arg(escape_output_template(&path.to_string_lossy()))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn remember(&self, line: &str) {
        if let Ok(mut log) = self.log.lock() {
            if log.len() >= LOG_LINES {
                log.pop_front();
            }
            log.push_back(line.to_string());
        }
    }

    pub(super) async fn store_update(&self, update: RecordingUpdate) {
        if let Some(store) = &self.store
            && let Err(e) = store.enqueue(WriteOp::UpdateRecording(update)).await
        {
            tracing::warn!("recording row not updated: {e}");
        }
    }

    /// Every ended part's row as the recorder knows it, once more as it stops: an update
    /// lost to a database outage (a full disk) left rows "recording" with 0 bytes for good.
    pub(super) async fn store_final_rows(&self) {
        let parts = self.status.parts.iter();
        let ours = parts.filter(|p| self.ended_here.contains(&p.part));
        for update in ours.filter_map(PartInfo::final_row) {
            self.store_update(update).await;
        }
    }

    pub(super) fn current(&mut self) -> &mut PartInfo {
        // run_part pushes the part before anything calls this; a placeholder keeps it total.
        if self.status.parts.is_empty() {
            let placeholder = PartInfo::new(0, Default::default(), wall_now(), 3);
            self.status.parts.push(placeholder);
        }
        let idx = self.status.parts.len() - 1;
        &mut self.status.parts[idx]
    }

    pub(super) async fn run_part(&mut self, part: u32, live_edge: Option<u32>) -> PartEnd {
        let path = self
            .retry_path
            .take()
            .unwrap_or_else(|| self.part_path(part));
        // Tried here: in a folder it cannot even look into, streamlink crashes with a traceback
        // instead of saying it cannot write, and each restart looked like a new part.
        if let Err(e) = super::supervise::probe(&self.cfg.recordings_dir, 0).await {
            let dir = self.cfg.recordings_dir.display();
            return PartEnd::Unwritable(format!("cannot write in {dir}: {e}"));
        }
        self.write_error = None;
        // The watcher is up before streamlink starts, and hears of it at once (before the
        // database round trip): a kill -9 right after the spawn still leaves no orphan.
        super::reaper::ensure_started(&self.cfg.recordings_dir);
        let mut child = match Tracked::spawn(&mut self.streamlink_command(&path, live_edge)) {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return PartEnd::SpawnFailed(format!(
                    "streamlink not found ({}): install it with `pip install streamlink` or set \
                     [recorder] streamlink; recording is off",
                    super::error::missing_where(&self.cfg.streamlink)
                ));
            }
            // Not executable, or not a program at all (ENOEXEC): no retry will change it.
            Err(e)
                if e.kind() == std::io::ErrorKind::PermissionDenied
                    || e.raw_os_error() == Some(nix::errno::Errno::ENOEXEC as i32) =>
            {
                return PartEnd::SpawnFailed(format!("cannot start streamlink: {e}"));
            }
            // Out of file handles or memory for a moment: not a reason to stop recording.
            Err(e) => return PartEnd::SpawnRetry(format!("cannot start streamlink: {e}")),
        };
        super::orphans::note(&self.cfg.recordings_dir, child.pid);
        let mut info = PartInfo::new(part, path.clone(), wall_now(), live_edge.unwrap_or(3));
        if let Some(store) = &self.store {
            let row = NewRecording {
                session_id: self.session.id,
                part,
                path: path.to_string_lossy().into_owned(),
                started_at: info.started_at,
            };
            match store.send(WriteOp::StartRecording(row)).await {
                Ok(id) => info.recording_id = Some(id),
                Err(e) => tracing::warn!("recording row not stored: {e}"),
            }
        }
        let rec_id = info.recording_id;
        self.status.parts.push(info);
        self.status.part = part;
        self.status.path = Some(path.clone());
        self.status.pid = Some(child.pid);
        self.growth.reset_stall_clock(Instant::now());
        if matches!(self.status.state, RecState::Unreachable(_)) {
            // Another attempt at a stream it could not open: still the truth.
            self.publish();
        } else {
            self.set_state(RecState::Starting);
        }

        let (line_tx, mut line_rx) = mpsc::channel::<String>(256);
        if let Some(out) = child.child.stdout.take() {
            read_lines(out, line_tx.clone());
        }
        if let Some(err) = child.child.stderr.take() {
            read_lines(err, line_tx);
        }
        let mut plog = PartLog::default();
        let mut lines_open = true;
        let mut next_poll = tokio::time::Instant::now();
        let mut stop = self.stop_rx.clone();
        let end = loop {
            tokio::select! {
                _ = stopped(&mut stop) => break PartEnd::Stopped,
                line = line_rx.recv(), if lines_open => {
                    let Some(line) = line else {
                        lines_open = false;
                        continue;
                    };
                    if let Some(end) = self.on_line(&line, &mut plog, rec_id).await {
                        break end;
                    }
                }
                st = child.child.wait() => {
                    let code = st.ok().and_then(|s| s.code());
                    // Its last lines say why; they are already in the pipe.
                    while let Ok(Some(line)) =
                        tokio::time::timeout(Duration::from_millis(500), line_rx.recv()).await
                    {
                        self.on_line(&line, &mut plog, rec_id).await;
                    }
                    break match self.write_error.take() {
                        Some(why) => PartEnd::Unwritable(why),
                        None => plog.end_on_exit(code),
                    };
                }
                _ = tokio::time::sleep_until(next_poll) => {
                    if let Some(end) = self.poll_size(rec_id).await {
                        break end;
                    }
                    let wait = if self.current().first_byte_at.is_some() { POLL } else { FIRST_BYTE_POLL };
                    next_poll += wait;
                }
            }
        };
        // A part streamlink wrote and ended between two looks (a few segments after a
        // reconnect) has a first byte too: without one no clip could find it on the timeline.
        let _ = self.note_size(rec_id).await;
        // Before anyone sees it ended: no clip is planned from video not in the file.
        if matches!(end, PartEnd::Unwritable(_)) {
            let probed = super::probe::format_times(&self.cfg.ffprobe, &path).await;
            plog.cap_to_file(
                self.current(),
                probed.ok().map(|t| t.duration.unwrap_or(0.0)),
            );
        }
        // Known as over before the (up to stop_grace) wait for streamlink to go.
        self.current().end = Some(end.clone());
        if end == PartEnd::Stalled {
            self.set_state(RecState::Stalled);
        } else {
            self.publish();
        }
        let code = child.terminate(self.cfg.stop_grace).await;
        self.status.pid = None;
        super::orphans::forget(&self.cfg.recordings_dir, child.pid);
        tracing::debug!("streamlink exited with {code:?}");
        self.finish_part(end).await
    }

    async fn on_line(
        &mut self,
        line: &str,
        plog: &mut PartLog,
        rec_id: Option<i64>,
    ) -> Option<PartEnd> {
        // A playback URL may carry a token in its query: never kept, logged or shown.
        let line = &slog::without_url_queries(line);
        self.remember(line);
        let ev = slog::parse(line);
        match &ev {
            // kicktui's answer (a new part) says it; streamlink's "incoherent output data"
            // warning is about the file kicktui does not let it write.
            LogEvent::Discontinuity => {
                tracing::debug!("streamlink: {line}");
                self.status.last_problem = Some("the stream reconnected (a new part)".into());
            }
            LogEvent::NoNewSegments
            | LogEvent::ReloadFailed
            | LogEvent::ReadTimeout
            | LogEvent::AlreadyExists
            | LogEvent::WriteFailed(_)
            | LogEvent::Error(_) => {
                if let Some(said) = self.repeats.line(line, Instant::now()) {
                    tracing::warn!("streamlink: {said}");
                }
                self.status.last_problem = Some(line.to_string());
            }
            _ => {}
        }
        if let LogEvent::Error(_) = &ev
            && self.current().first_byte_at.is_none()
            && let Some(why) = super::retry_log::unreachable_why(line)
        {
            // Its closing "no playable streams" says less than the error before it.
            let said_more = matches!(self.status.state, RecState::Unreachable(_))
                && why == "no playable stream";
            if !said_more {
                self.set_state(RecState::Unreachable(why));
            }
        }
        if let LogEvent::WriteFailed(why) = &ev {
            self.write_error = Some(why.clone());
        }
        self.note_video(&ev);
        match plog.apply(&ev, self.current()) {
            PartChange::PdtFirst(pdt) => {
                if let Some(id) = rec_id {
                    let update = RecordingUpdate {
                        id,
                        pdt_first_at: Some(pdt),
                        ..Default::default()
                    };
                    self.store_update(update).await;
                }
                self.publish();
            }
            PartChange::Content => self.publish(),
            PartChange::Rotate => {
                self.new_since_discontinuity = plog.segments_since_discontinuity();
                return Some(PartEnd::Discontinuity);
            }
            PartChange::None => {}
        }
        None
    }

    /// The previous run crashed: its streamlink went with it (killed when its task was
    /// dropped). The part it was writing ends here, with its real size.
    pub(super) async fn close_crashed_part(&mut self) -> PartEnd {
        if let Some(pid) = self.status.pid.take() {
            super::orphans::forget(&self.cfg.recordings_dir, pid);
        }
        let Some(last) = self.status.parts.last() else {
            return PartEnd::Crashed;
        };
        if last.ended_at.is_some() {
            return last.end.clone().unwrap_or(PartEnd::Crashed);
        }
        let bytes = last.bytes;
        // `finish_part` adds the part's real size.
        self.done_bytes = self.done_bytes.saturating_sub(bytes);
        self.finish_part(PartEnd::Crashed).await
    }

    /// `part` ended without a byte (streamlink never opened the stream): it is no part. Its
    /// row (and any empty file) goes and the next attempt takes its number, so retrying a
    /// stream that cannot be reached does not pile up empty parts.
    pub(super) async fn drop_empty_part(&mut self, part: u32) {
        let Some(last) = self.status.parts.last() else {
            return;
        };
        if last.part != part || last.bytes > 0 || last.first_byte_at.is_some() {
            return;
        }
        let Some(gone) = self.status.parts.pop() else {
            return;
        };
        self.ended_here.retain(|p| *p != part);
        // `status.part` stays: the engine announces each part number once.
        self.retry_part = true;
        if let Ok(m) = tokio::fs::metadata(&gone.path).await
            && m.len() == 0
        {
            let _ = tokio::fs::remove_file(&gone.path).await;
        }
        // Its name again, unless something is in the way (then a new name, as for any part).
        if !gone.path.exists() {
            self.retry_path = Some(gone.path.clone());
        }
        if let (Some(store), Some(id)) = (&self.store, gone.recording_id)
            && let Err(e) = store.enqueue(WriteOp::DropEmptyRecording(id)).await
        {
            tracing::warn!("empty recording row not removed: {e}");
        }
        self.publish();
    }

    async fn finish_part(&mut self, end: PartEnd) -> PartEnd {
        let path = self.current().path.clone();
        let size = match tokio::fs::metadata(&path).await {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(_) => self.current().bytes,
        };
        let now = wall_now();
        let part = self.current().part;
        self.ended_here.push(part);
        let info = self.current();
        info.bytes = size;
        info.ended_at = Some(now);
        info.end = Some(end.clone());
        let meta = serde_json::to_string(&info.meta()).unwrap_or_default();
        self.done_bytes += size;
        if size > 0
            && let Err(e) = tokio::fs::write(super::part::meta_path(&path), meta).await
        {
            tracing::warn!("cannot write the part's sidecar: {e}");
        }
        self.status.bytes = self.done_bytes;
        let ended = format!(
            "recording part {} ended ({}): {:.1} MB",
            self.status.part,
            end.as_status(),
            size as f64 / 1_000_000.0
        );
        // An attempt that never opened the stream is no part (see `drop_empty_part`).
        if size == 0 && matches!(end, PartEnd::Exited(_) | PartEnd::Unreachable) {
            tracing::debug!("{ended}");
        } else {
            tracing::info!("{ended}");
        }
        if let Some(update) = self.current().final_row() {
            self.store_update(update).await;
        }
        self.publish();
        end
    }
}
