//! One live session's recording and clips: the recorder (streamlink) and the clipper (ffmpeg)
//! in a task of their own, so the engine never waits on them. It tells the engine what the
//! front ends should show; when the session ends it clips every moment without a clip.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::update::{RecorderNews, Update};
use crate::media::{
    ClipEvent, ClipRequest, Clipper, ClipperConfig, ClipperHandle, LiveCheck, PartEnd, RecState,
    Recorder, RecorderConfig, RecorderHandle, RecordingStatus, SessionInfo, StopReason,
};
use crate::store::{ClipStatus, MomentQuery, MomentRow, Store, StoreHandle};

mod report;

use report::Reporter;

/// After the channel goes offline, streamlink gets this long to write the stream's last
/// segments and end by itself (a stale playlist ends it in ~9 s, media.md §4).
pub const OFFLINE_GRACE: Duration = Duration::from_secs(15);
/// At quit, queued clips get this long to be cut (the recording is final by then, so they
/// need no waiting: 0.1–0.6 s each); the rest stay pending for `kicktui clip`.
pub const QUIT_CLIPS: Duration = Duration::from_secs(20);

/// How long quit waits for the clipper to drop the clips not recorded yet before it stops the
/// recording anyway.
const LEAVE_WAIT: Duration = Duration::from_secs(2);

pub(super) enum SessionCmd {
    Clip(ClipRequest),
    /// The channel went offline: end the recording, then clip every moment.
    End,
    /// kicktui stops; `cut`: cut the session's pending clips first (`why`: who said so).
    Quit {
        cut: bool,
        why: &'static str,
    },
}

/// What a session task (or a look for clips cut beside the run) tells the engine.
#[derive(Debug)]
pub(super) enum MediaNews {
    /// For the front end, in order.
    Send(Update),
    /// The latest state; may be skipped when the front end is behind.
    Snapshot(Update),
    /// The task has ended (its children are gone, its rows written).
    Done(i64),
    /// A look at the live session's clips found these cut (maybe by `kicktui clip` beside
    /// the run).
    CutBeside {
        session: i64,
        cut: Vec<super::clips_beside::Cut>,
    },
    /// The task panicked (`why`); its recording stopped at `last`, to go on from.
    Crashed {
        id: i64,
        why: String,
        last: RecordingStatus,
    },
}

pub(super) struct SessionSetup {
    pub id: i64,
    pub recorder: RecorderConfig,
    pub clipper: ClipperConfig,
    pub store: StoreHandle,
    pub is_live: LiveCheck,
    pub db: PathBuf,
    pub health_every: Duration,
    pub news: mpsc::UnboundedSender<MediaNews>,
    /// Where an earlier task of this session stopped (it crashed): go on from there.
    pub resume: Option<RecordingStatus>,
}

pub(super) struct SessionLink {
    pub id: i64,
    pub cmds: mpsc::UnboundedSender<SessionCmd>,
    pub status: watch::Receiver<RecordingStatus>,
    pub task: JoinHandle<()>,
    /// `End` was sent.
    pub ended: bool,
}

/// Starts recording at once and returns the link to the session's task.
pub(super) fn spawn(mut s: SessionSetup) -> SessionLink {
    let resume = s.resume.take().unwrap_or_default();
    let after_part = resume.part;
    let rec = Recorder::resume(
        s.recorder.clone(),
        SessionInfo { id: s.id },
        Some(s.store.clone()),
        s.is_live.clone(),
        resume,
    );
    let status = rec.status();
    spawn_task(s, Some(rec), status, after_part)
}

/// A session whose stream ended while kicktui was down (it crashed mid-stream): nothing to
/// record, its moments are clipped at once from the parts the crashed run wrote
/// (`s.resume`). The link is ended from the start.
pub(super) fn spawn_ended(mut s: SessionSetup) -> SessionLink {
    let before = s.resume.take().unwrap_or_default();
    let after_part = before.part;
    let stopped = RecordingStatus {
        state: RecState::Stopped(StopReason::Offline),
        ..before
    };
    // No sender: every part is final.
    let status = watch::channel(stopped).1;
    let mut link = spawn_task(s, None, status, after_part);
    link.ended = true;
    link
}

fn spawn_task(
    s: SessionSetup,
    rec: Option<RecorderHandle>,
    status: watch::Receiver<RecordingStatus>,
    after_part: u32,
) -> SessionLink {
    let (tx, rx) = mpsc::unbounded_channel();
    let id = s.id;
    let news = s.news.clone();
    // A panic in it is this task's (the panic hook leaves streamlink alone: dropping the
    // recorder's handle stops it cleanly), and the engine is told so it can go on recording.
    let task = tokio::spawn(crate::supervise::scoped(
        TASK_NAME,
        run(s, rec, status.clone(), rx, after_part),
    ));
    let task = tokio::spawn(watch_crash(task, id, status.clone(), news));
    SessionLink {
        id,
        cmds: tx,
        status,
        task,
        ended: false,
    }
}

const TASK_NAME: &str = "recording session";

/// Waits for the session task; after a panic, for its recording to stop, then says so.
async fn watch_crash(
    task: JoinHandle<()>,
    id: i64,
    mut status: watch::Receiver<RecordingStatus>,
    news: mpsc::UnboundedSender<MediaNews>,
) {
    let Err(e) = task.await else { return };
    if !e.is_panic() {
        return;
    }
    let why = crate::supervise::panic_text(e.into_panic());
    let stopped = status.wait_for(RecordingStatus::is_stopped);
    let _ = tokio::time::timeout(OFFLINE_GRACE, stopped).await;
    let mut last = status.borrow().clone();
    // The next part's reason: not "it was stopped" (that was the crash's doing).
    if let Some(p) = last.parts.last_mut()
        && matches!(p.end, Some(PartEnd::Stopped))
    {
        p.end = Some(PartEnd::Crashed);
    }
    let _ = news.send(MediaNews::Crashed { id, why, last });
}

type Idle<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// `after_part`: the last part an earlier task or run recorded (0 for none). Without `rec`
/// the session has ended already: its moments are clipped at once.
async fn run(
    s: SessionSetup,
    rec: Option<RecorderHandle>,
    mut status: watch::Receiver<RecordingStatus>,
    mut cmds: mpsc::UnboundedReceiver<SessionCmd>,
    after_part: u32,
) {
    let (clipper, mut events) =
        Clipper::start(s.clipper.clone(), Some(s.store.clone()), status.clone());
    let mut r = Reporter::new(s.id, s.news.clone(), s.recorder.stall_floor);
    r.after_part(after_part);
    let mut ended = rec.is_none();
    let mut rec = rec;
    let mut health = tokio::time::interval_at(Instant::now() + s.health_every, s.health_every);
    health.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut grace: Option<Instant> = None;
    let mut status_open = true;
    // `clip_all` was asked (once, even if it failed).
    let mut all_asked = false;
    // Quit: cut the pending clips now (`Some(true)`) or leave them (`Some(false)`).
    let mut quit: Option<(bool, &'static str)> = None;
    {
        let mut idle: Option<Idle<'_>> = None;
        loop {
            // Checked first: a session that had ended already clips at once.
            let stopped = rec.is_none() || status.borrow().is_stopped();
            if ended && stopped && !all_asked {
                rec = None;
                grace = None;
                all_asked = true;
                if clip_all(&clipper, &s.db, &mut r).await {
                    idle = Some(Box::pin(clipper.idle()));
                } else {
                    break;
                }
            }
            tokio::select! {
                changed = status.changed(), if status_open => match changed {
                    Ok(()) => {
                        let st = status.borrow_and_update().clone();
                        r.on_status(&st);
                    }
                    Err(_) => status_open = false,
                },
                Some(ev) = events.recv() => r.on_clip(ev),
                cmd = cmds.recv() => match cmd {
                    Some(SessionCmd::Clip(req)) => {
                        r.manual.insert(clipper.clip(req));
                    }
                    Some(SessionCmd::End) if !ended => {
                        ended = true;
                        grace = Some(Instant::now() + OFFLINE_GRACE);
                    }
                    Some(SessionCmd::End) => {}
                    Some(SessionCmd::Quit { cut, why }) => {
                        quit = Some((cut, why));
                        break;
                    }
                    None => break,
                },
                _ = health.tick() => {
                    // For tests through the binary: `KICKTUI_FAULT=session_panic:FILE`.
                    if crate::supervise::fault_fired("session_panic") {
                        panic!("injected by KICKTUI_FAULT");
                    }
                    r.health(&status.borrow());
                }
                () = sleep_until(grace), if grace.is_some() => {
                    grace = None;
                    if let Some(h) = rec.take() {
                        tracing::info!("recording: the channel is offline; stopping streamlink");
                        let st = h.stop().await;
                        r.on_status(&st);
                    }
                }
                () = wait(&mut idle), if idle.is_some() => break,
            }
        }
    }
    // Quit mid-stream with the clips left for later: a clip asked for whose window is not
    // recorded yet stays pending too (cut once the recording stops, it would be short for
    // good). Before the recording stops, or the clipper cuts it at once.
    if quit.is_some_and(|(cut, _)| !cut) && !ended {
        // The clipper answers between cuts: one that hangs (up to its limit) kept the
        // recording running past quit's deadline, its rows never closed.
        let _ = tokio::time::timeout(LEAVE_WAIT, clipper.leave_unrecorded()).await;
    }
    // Shutting down (or done): the recording first, so every part is final.
    if let Some(h) = rec.take() {
        let st = h.stop().await;
        r.on_status(&st);
    }
    if let Some((cut, why)) = quit
        && !ended
    {
        // Live at quit: the person's (or the config's) answer; whoever prints it logs it.
        let news = RecorderNews::AtQuit {
            session: s.id,
            cut,
            why: why.to_string(),
        };
        r.send(Update::Recorder(news));
        ended = cut;
    }
    if ended && !all_asked {
        clip_all(&clipper, &s.db, &mut r).await;
    }
    let out_of_time = !finish_clips(&clipper, &mut events, &mut r).await;
    clipper.shutdown().await;
    left_pending(&s, &mut r, out_of_time).await;
    let _ = s.news.send(MediaNews::Done(s.id));
}

/// Queues every moment of the session without a clip; false if the clipper could not.
async fn clip_all(clipper: &ClipperHandle, db: &std::path::Path, r: &mut Reporter) -> bool {
    match clipper.clip_all(db).await {
        Ok(count) => {
            r.clipping_all(count);
            true
        }
        Err(e) => {
            r.send(Update::Note(format!(
                "Cannot clip the moments of session {}: {e}",
                r.session
            )));
            false
        }
    }
}

/// Lets the queued clips finish, up to [`QUIT_CLIPS`]; false when that time ran out.
async fn finish_clips(
    clipper: &ClipperHandle,
    events: &mut mpsc::UnboundedReceiver<ClipEvent>,
    r: &mut Reporter,
) -> bool {
    let idle = clipper.idle();
    tokio::pin!(idle);
    let deadline = Instant::now() + QUIT_CLIPS;
    let done = loop {
        tokio::select! {
            () = &mut idle => break true,
            Some(ev) = events.recv() => r.on_clip(ev),
            () = tokio::time::sleep_until(deadline) => break false,
        }
    };
    while let Ok(ev) = events.try_recv() {
        r.on_clip(ev);
    }
    done
}

/// The session's moments without a final clip: back to `pending` (a cut abandoned at quit
/// included), so `kicktui clip --pending` finds them, and said once, in the log too.
async fn left_pending(s: &SessionSetup, r: &mut Reporter, out_of_time: bool) {
    // In memory: jobs not final. In the database (flushed first): never asked for, or asked
    // and abandoned.
    let mut reset = r.pending_moments();
    let mut left = reset.clone();
    if s.store.flush().await.is_ok() {
        match session_moments(s.db.clone(), s.id).await {
            Ok(rows) => {
                for m in rows {
                    match m.clip_status {
                        ClipStatus::Pending => left.push(m.id),
                        ClipStatus::Queued | ClipStatus::Waiting | ClipStatus::Cutting => {
                            left.push(m.id);
                            reset.push(m.id);
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => tracing::warn!("cannot list the pending clips of session {}: {e}", s.id),
        }
    }
    left.sort_unstable();
    left.dedup();
    reset.sort_unstable();
    reset.dedup();
    if left.is_empty() {
        return;
    }
    for m in reset {
        if let Err(e) = s.store.update_clip(m, ClipStatus::Pending, None).await {
            tracing::warn!("moment #{m}: clip status not reset to pending: {e}");
        }
    }
    let news = RecorderNews::LeftPending {
        session: r.session,
        moments: left,
        out_of_time,
    };
    r.send(Update::Recorder(news));
}

async fn session_moments(db: PathBuf, id: i64) -> Result<Vec<MomentRow>, String> {
    let rows = tokio::task::spawn_blocking(move || {
        Store::open(&db)?.list_moments(&MomentQuery::of_session(id))
    })
    .await;
    match rows {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

async fn wait(idle: &mut Option<Idle<'_>>) {
    match idle {
        Some(f) => f.await,
        None => std::future::pending().await,
    }
}

/// Job id → moment id, for the jobs not final yet.
pub(super) type OpenJobs = HashMap<u64, Option<i64>>;
/// Jobs asked for by a key press (not counted in the end-of-stream progress).
pub(super) type ManualJobs = HashSet<u64>;
