//! The clipper actor: a queue of clip jobs for one session. A job waits until its window is
//! recorded, then is cut (one at a time: cuts take 0.1–0.6 s and little I/O), its moment row
//! updated, a [`ClipEvent`] sent, and `[clips] on_ready` run without blocking the queue.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::clip_job::{
    ClipEvent, ClipRequest, ClipState, ClipperConfig, Job, Readiness, output_path, readiness,
};
use super::cut::cut_pieces;
use super::hook::run_on_ready;
use super::recorder::RecordingStatus;
use super::timeline::short_why;
use crate::store::{ClipStatus, MomentOrder, MomentQuery, Store, StoreHandle};

enum Cmd {
    Clip(Job),
    /// Queue every moment of the session without a clip, best first.
    ClipAll(PathBuf, oneshot::Sender<Result<usize, String>>),
    /// Replies once no job is queued or waiting.
    Idle(oneshot::Sender<()>),
    /// Drops the jobs whose window the recording does not hold to its end; replies how many.
    LeaveUnrecorded(oneshot::Sender<usize>),
}

pub struct Clipper;

impl Clipper {
    /// `recording` is the recorder's status (a watch whose sender is gone, or a stopped
    /// status, means every part is final). `store` gets the moments' clip status and path.
    pub fn start(
        cfg: ClipperConfig,
        store: Option<StoreHandle>,
        recording: watch::Receiver<RecordingStatus>,
    ) -> (ClipperHandle, mpsc::UnboundedReceiver<ClipEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        let next_job = Arc::new(AtomicU64::new(1));
        let actor = Actor {
            cfg,
            store,
            recording,
            recording_open: true,
            events: ev_tx,
            pending: VecDeque::new(),
            idle_waiters: Vec::new(),
            durations: HashMap::new(),
            next_job: next_job.clone(),
        };
        let task = tokio::spawn(actor.run(rx));
        let handle = ClipperHandle { tx, next_job, task };
        (handle, ev_rx)
    }
}

pub struct ClipperHandle {
    tx: mpsc::UnboundedSender<Cmd>,
    next_job: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl ClipperHandle {
    /// Queues a clip; returns its job id (events carry it).
    pub fn clip(&self, req: ClipRequest) -> u64 {
        let id = self.next_job.fetch_add(1, Ordering::Relaxed);
        let job = Job {
            id,
            req,
            announced_waiting: false,
            last_probe: None,
        };
        let _ = self.tx.send(Cmd::Clip(job));
        id
    }

    /// Queues every moment of the session in `db` that has no clip yet, best first; returns
    /// how many were queued.
    pub async fn clip_all(&self, db: &Path) -> Result<usize, String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Cmd::ClipAll(db.to_path_buf(), reply))
            .map_err(|_| "the clipper has stopped".to_string())?;
        rx.await
            .map_err(|_| "the clipper has stopped".to_string())?
    }

    /// Resolves once nothing is queued or waiting.
    pub async fn idle(&self) {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Cmd::Idle(reply)).is_ok() {
            let _ = rx.await;
        }
    }

    /// Drops the jobs whose window is not recorded to its end (quitting mid-stream with the
    /// clips left for later: cut now they would be short for good); returns how many.
    pub async fn leave_unrecorded(&self) -> usize {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Cmd::LeaveUnrecorded(reply)).is_err() {
            return 0;
        }
        rx.await.unwrap_or(0)
    }

    /// Stops the actor; a cut in progress is abandoned (its temp file stays `.mp4.part`).
    pub async fn shutdown(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

struct Actor {
    cfg: ClipperConfig,
    store: Option<StoreHandle>,
    recording: watch::Receiver<RecordingStatus>,
    recording_open: bool,
    events: mpsc::UnboundedSender<ClipEvent>,
    pending: VecDeque<Job>,
    idle_waiters: Vec<oneshot::Sender<()>>,
    durations: HashMap<PathBuf, f64>,
    next_job: Arc<AtomicU64>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Cmd>) {
        loop {
            self.work().await;
            if self.pending.is_empty() {
                for w in self.idle_waiters.drain(..) {
                    let _ = w.send(());
                }
            }
            let waiting = !self.pending.is_empty();
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.on_cmd(cmd).await,
                    None => return,
                },
                r = self.recording.changed(), if self.recording_open => {
                    if r.is_err() {
                        self.recording_open = false;
                    }
                }
                // Without status changes (a stopped recorder), still re-check now and then.
                _ = tokio::time::sleep(Duration::from_secs(1)), if waiting => {}
            }
        }
    }

    async fn on_cmd(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Clip(job) => self.enqueue(job).await,
            Cmd::ClipAll(db, reply) => {
                let r = self.queue_all(db).await;
                let _ = reply.send(r);
            }
            Cmd::Idle(w) => self.idle_waiters.push(w),
            Cmd::LeaveUnrecorded(reply) => {
                let newest = self.recording.borrow().newest_content();
                let before = self.pending.len();
                self.pending
                    .retain(|j| newest.is_some_and(|n| j.req.end <= n));
                let _ = reply.send(before - self.pending.len());
            }
        }
    }

    async fn enqueue(&mut self, job: Job) {
        let already = job.req.moment_id.is_some()
            && self
                .pending
                .iter()
                .any(|j| j.req.moment_id == job.req.moment_id);
        if already {
            return;
        }
        self.report(&job, ClipState::Queued).await;
        self.pending.push_back(job);
    }

    async fn queue_all(&mut self, db: PathBuf) -> Result<usize, String> {
        let session = self.cfg.session_id;
        let rows = tokio::task::spawn_blocking(move || {
            let store = Store::open(&db)?;
            store.list_moments(&MomentQuery {
                session_id: Some(session),
                order: MomentOrder::Score,
                limit: None,
            })
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        let mut n = 0;
        // A moment skipped with `x` is passed by: the person at the keys said no.
        let uncut = rows
            .iter()
            .filter(|m| m.clip_path.is_none() && m.clip_status != ClipStatus::Skipped);
        for m in uncut {
            let job = Job {
                id: self.next_job.fetch_add(1, Ordering::Relaxed),
                req: ClipRequest::for_moment(m),
                announced_waiting: false,
                last_probe: None,
            };
            self.enqueue(job).await;
            n += 1;
        }
        Ok(n)
    }

    /// Cuts every job that is ready, in queue order; leaves the others waiting.
    async fn work(&mut self) {
        let mut i = 0;
        while i < self.pending.len() {
            let status = self.recording.borrow().clone();
            let finished = !self.recording_open || status.is_stopped();
            let ffprobe = self.cfg.tools.ffprobe.clone();
            let job = &mut self.pending[i];
            let r = readiness(
                job,
                &status,
                finished,
                &ffprobe,
                self.cfg.max_wait,
                &mut self.durations,
            )
            .await;
            match r {
                Readiness::Wait => {
                    if !self.pending[i].announced_waiting {
                        self.pending[i].announced_waiting = true;
                        let job = &self.pending[i];
                        let ev = (job.id, job.req.moment_id);
                        self.report_ids(ev, ClipState::Waiting).await;
                    }
                    i += 1;
                }
                Readiness::NoRecording => {
                    if let Some(job) = self.pending.remove(i) {
                        self.report(&job, ClipState::NoRecording).await;
                    }
                }
                Readiness::FileMissing(path) => {
                    if let Some(job) = self.pending.remove(i) {
                        self.report(&job, ClipState::FileMissing(path)).await;
                    }
                }
                Readiness::Cut(pieces) => {
                    if let Some(job) = self.pending.remove(i) {
                        self.report(&job, ClipState::Cutting).await;
                        let state = self.cut(&job, &pieces).await;
                        self.report(&job, state).await;
                    }
                }
            }
        }
    }

    async fn cut(&mut self, job: &Job, pieces: &[super::timeline::Piece]) -> ClipState {
        if let Err(e) = crate::store::make_dir(&self.cfg.clips_dir) {
            return ClipState::Failed(format!(
                "cannot create {}: {e}",
                self.cfg.clips_dir.display()
            ));
        }
        let out = output_path(
            &self.cfg.clips_dir,
            &self.cfg.channel,
            self.cfg.session_id,
            &job.req,
        );
        match cut_pieces(&self.cfg.tools, pieces, &out).await {
            Ok(mut res) => {
                let segment = 2.0f64.max(
                    self.recording
                        .borrow()
                        .parts
                        .iter()
                        .map(|p| p.target_duration)
                        .fold(0.0, f64::max),
                );
                run_on_ready(&self.cfg.on_ready, &res.path);
                // The asked window may start before the recording: compare with what was asked.
                res.asked = job.req.duration();
                if res.is_short(segment) {
                    let why = short_why(&self.recording.borrow().parts, job.req.start, job.req.end);
                    ClipState::Short {
                        path: res.path,
                        duration: res.duration,
                        asked: res.asked,
                        why,
                    }
                } else {
                    ClipState::Ready {
                        path: res.path,
                        duration: res.duration,
                    }
                }
            }
            Err(e) => ClipState::Failed(e.to_string()),
        }
    }

    async fn report(&self, job: &Job, state: ClipState) {
        self.report_ids((job.id, job.req.moment_id), state).await;
    }

    async fn report_ids(&self, (job, moment_id): (u64, Option<i64>), state: ClipState) {
        if let (Some(store), Some(id)) = (&self.store, moment_id) {
            let path = state.path().map(|p| p.to_string_lossy().into_owned());
            if let Err(e) = store.update_clip(id, state.store_status(), path).await {
                tracing::warn!("clip status of moment {id} not stored: {e}");
            }
        }
        match &state {
            // The front ends log each clip once, in their words (`headless::media::log_clip`).
            ClipState::Ready { path, .. } => tracing::debug!("Clip ready: {}", path.display()),
            ClipState::Short {
                path,
                duration,
                asked,
                why,
            } => tracing::debug!(
                "Clip ready ({}): {}",
                crate::present::clip_length_words(*duration, Some(*asked), why.as_deref()),
                path.display()
            ),
            ClipState::Failed(why) => tracing::debug!("clip failed: {why}"),
            _ => {}
        }
        let _ = self.events.send(ClipEvent {
            job,
            moment_id,
            state,
        });
    }
}
