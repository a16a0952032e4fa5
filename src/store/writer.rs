//! The single writer: a `std::thread` that owns the write connection and applies queued ops in
//! batched transactions. Replies go out only after the commit, so a reply means "on disk".

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::apply::apply;
use super::handle::StoreHandle;
use super::model::{
    ActivitySegment, ChannelIds, ChatStats, ClipStatus, MomentInsert, NewEvent, NewRecording,
    NewSession, RecordingUpdate, ViewerSample,
};
use super::retry::{self, Outage};
use super::{StoreError, schema};
use crate::domain::Ts;

/// One write. The reply's `i64` is the new row's id where there is one, else 0.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteOp {
    /// Reply: the session id.
    OpenSession(NewSession),
    CloseSession {
        session_id: i64,
        ended_at: Ts,
    },
    /// The run stops while the session's stream is live: a restart that finds the same
    /// stream goes on with it.
    LeftLive {
        session_id: i64,
    },
    /// An offline session becomes the stream's (its chat before the stream belongs to it).
    SessionWentLive {
        session_id: i64,
        started_at: Ts,
        stream_started_at: Ts,
        title: Option<String>,
        stream_id: Option<u64>,
    },
    /// The session's stream start is a guess (see [`WriteOp::SessionStartKnown`]).
    StartGuessed {
        session_id: i64,
    },
    /// The live stream's real start replaces a guessed one, `earlier_s` before it: the
    /// session's moments count their offsets from it too.
    SessionStartKnown {
        session_id: i64,
        stream_started_at: Ts,
        earlier_s: f64,
        stream_id: Option<u64>,
    },
    /// A session crash recovery closed is opened again: the restart found its stream still
    /// live. `absorb`: this run's session from before it knew, merged into it.
    ResumeSession {
        session_id: i64,
        at: Ts,
        absorb: Option<i64>,
    },
    /// Reply: the moment id (the moment is committed when it arrives).
    InsertMoment(MomentInsert),
    /// A moment shown while building, grown or final: same row, its triggers and score updated.
    FinalizeMoment {
        moment_id: i64,
        row: MomentInsert,
    },
    UpdateClip {
        moment_id: i64,
        status: ClipStatus,
        path: Option<String>,
    },
    /// `x`: the moment's clip is skipped (`true`) or wanted again. Reply: 1 when it changed,
    /// 0 when the clip had moved on (cut, or on its way) and is left as it is.
    SkipClip {
        moment_id: i64,
        skip: bool,
    },
    ChatStats(ChatStats),
    ViewerSample(ViewerSample),
    /// Reply: the event id.
    Event(NewEvent),
    /// Insert or replace the cached ids of one channel.
    ChannelCache(ChannelIds),
    /// Reply: the activity id.
    Activity(ActivitySegment),
    /// Reply: the recording id. Also sets the session's `recording_path` if it has none.
    StartRecording(NewRecording),
    UpdateRecording(RecordingUpdate),
    /// A part that never got a byte (streamlink could not open the stream): its row goes, so
    /// retries do not pile up empty parts. A row with bytes is kept.
    DropEmptyRecording(i64),
    /// An advisor call (reply: its id) or what the streamer did with it.
    Advice(super::advice::AdviceWrite),
    /// The session's report file is owed (it closed) or written.
    ReportOwed {
        session_id: i64,
        owed: bool,
    },
    /// The sub price its report counts revenue with (kept once set).
    SubPrice {
        session_id: i64,
        usd: f64,
    },
    /// Does nothing; its reply means everything queued before it is committed.
    Flush,
    /// Activity segments, engagement totals, crash recovery (`store::engage`).
    Engage(super::engage::EngageOp),
}

impl WriteOp {
    pub fn kind(&self) -> &'static str {
        match self {
            WriteOp::OpenSession(_) => "open_session",
            WriteOp::CloseSession { .. } => "close_session",
            WriteOp::LeftLive { .. } => "left_live",
            WriteOp::ReportOwed { .. } => "report_owed",
            WriteOp::SubPrice { .. } => "sub_price",
            WriteOp::SessionWentLive { .. } => "session_went_live",
            WriteOp::SessionStartKnown { .. } => "session_start_known",
            WriteOp::StartGuessed { .. } => "start_guessed",
            WriteOp::ResumeSession { .. } => "resume_session",
            WriteOp::InsertMoment(_) => "insert_moment",
            WriteOp::FinalizeMoment { .. } => "finalize_moment",
            WriteOp::UpdateClip { .. } => "update_clip",
            WriteOp::SkipClip { .. } => "skip_clip",
            WriteOp::ChatStats(_) => "chat_stats",
            WriteOp::ViewerSample(_) => "viewer_sample",
            WriteOp::Event(_) => "event",
            WriteOp::ChannelCache(_) => "channel_cache",
            WriteOp::Activity(_) => "activity",
            WriteOp::StartRecording(_) => "start_recording",
            WriteOp::UpdateRecording(_) => "update_recording",
            WriteOp::DropEmptyRecording(_) => "drop_empty_recording",
            WriteOp::Advice(_) => "advice",
            WriteOp::Flush => "flush",
            WriteOp::Engage(_) => "engage",
        }
    }
}

pub(super) type Reply = oneshot::Sender<Result<i64, StoreError>>;

pub(super) enum Msg {
    Write(WriteOp, Option<Reply>),
    /// Commit what is queued, refuse new ops, end the thread.
    Stop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterConfig {
    /// Queue capacity: producers wait (or `try_send` fails) beyond it.
    pub capacity: usize,
    /// Most ops in one transaction.
    pub batch_max: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            capacity: 4096,
            batch_max: 512,
        }
    }
}

/// Counters since the writer started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Ops applied (including failed ones and flushes).
    pub ops: u64,
    /// Transactions committed.
    pub commits: u64,
    /// Ops that failed.
    pub failed: u64,
    /// Batch attempts that failed for a reason that may pass, and were tried again.
    pub retries: u64,
    /// Writes are failing right now and being tried again (disk full, file locked…).
    pub failing: bool,
}

#[derive(Default)]
pub(super) struct Counters {
    ops: AtomicU64,
    commits: AtomicU64,
    failed: AtomicU64,
    retries: AtomicU64,
    failing: AtomicBool,
}

impl Counters {
    pub(super) fn snapshot(&self) -> WriterStats {
        WriterStats {
            ops: self.ops.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            failing: self.failing.load(Ordering::Relaxed),
        }
    }
}

/// Owns the writer thread. Hand out [`StoreHandle`]s; call [`StoreWriter::shutdown`] at exit.
/// If it is dropped instead, the thread ends once every handle is gone and the queue is
/// committed.
pub struct StoreWriter {
    handle: StoreHandle,
    thread: JoinHandle<()>,
}

impl StoreWriter {
    /// Opens and migrates the database, then starts the thread with the default config.
    pub fn spawn(path: &Path) -> Result<StoreWriter, StoreError> {
        StoreWriter::spawn_with(path, WriterConfig::default())
    }

    pub fn spawn_with(path: &Path, config: WriterConfig) -> Result<StoreWriter, StoreError> {
        // Open here so a bad path or a too-new schema fails the caller, not the thread.
        let conn = schema::connect(path)?;
        let (tx, rx) = mpsc::channel(config.capacity.max(1));
        let counters = Arc::new(Counters::default());
        let batch_max = config.batch_max.max(1);
        let c = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || run(conn, rx, batch_max, &c))
            .map_err(StoreError::Spawn)?;
        Ok(StoreWriter {
            handle: StoreHandle::new(tx, counters),
            thread,
        })
    }

    pub fn handle(&self) -> StoreHandle {
        self.handle.clone()
    }

    pub fn stats(&self) -> WriterStats {
        self.handle.stats()
    }

    /// Commits everything queued, stops the thread and waits for it. Blocking, and panics
    /// inside an async context: there use [`StoreWriter::shutdown_async`]. Later sends on any
    /// handle get `Closed`.
    pub fn shutdown(self) -> Result<WriterStats, StoreError> {
        // An error only means the thread is already gone; join tells the rest.
        let _ = self.handle.tx.blocking_send(Msg::Stop);
        self.join()
    }

    pub async fn shutdown_async(self) -> Result<WriterStats, StoreError> {
        let _ = self.handle.tx.send(Msg::Stop).await;
        tokio::task::spawn_blocking(move || self.join())
            .await
            .map_err(|e| StoreError::Write(format!("joining the writer: {e}")))?
    }

    fn join(self) -> Result<WriterStats, StoreError> {
        let StoreWriter { handle, thread } = self;
        thread
            .join()
            .map_err(|_| StoreError::Write("the writer thread panicked".into()))?;
        Ok(handle.stats())
    }
}

fn run(mut conn: Connection, mut rx: mpsc::Receiver<Msg>, batch_max: usize, c: &Counters) {
    let mut batch = Vec::with_capacity(batch_max);
    let mut outage = Outage::default();
    // None: every sender is gone (or we closed) and the queue is empty.
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < batch_max {
            match rx.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        if batch.iter().any(|m| matches!(m, Msg::Stop)) {
            // Refuse new ops but keep draining what is already queued.
            rx.close();
            outage.stopping = true;
        }
        commit_batch(&mut conn, &mut batch, c, &mut outage);
    }
    tracing::debug!(stats = ?c.snapshot(), "store writer stopped");
}

/// Commits a batch, trying it again while the failure may pass (see `retry.rs`). Replies
/// are sent after the commit (or once the batch is given up on).
fn commit_batch(conn: &mut Connection, batch: &mut Vec<Msg>, c: &Counters, outage: &mut Outage) {
    let started = std::time::Instant::now();
    let results = loop {
        match try_commit(conn, batch, c) {
            Ok(results) => {
                outage.committed();
                c.failing.store(false, Ordering::Relaxed);
                c.commits.fetch_add(1, Ordering::Relaxed);
                break results;
            }
            Err((again, e)) => {
                let rows = batch.iter().filter(|m| matches!(m, Msg::Write(..))).count();
                let wait = if again {
                    outage.failed(&e, rows, started.elapsed())
                } else {
                    tracing::error!(error = %e, ops = rows, "store commit failed");
                    None
                };
                match wait {
                    Some(d) => {
                        // In this order: whoever sees a retry also sees "failing".
                        c.failing.store(true, Ordering::Relaxed);
                        c.retries.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(d);
                    }
                    None => {
                        c.ops.fetch_add(rows as u64, Ordering::Relaxed);
                        c.failed.fetch_add(rows as u64, Ordering::Relaxed);
                        let e = format!("commit failed: {e}");
                        break vec![Err(e); rows];
                    }
                }
            }
        }
    };
    let replies = batch.drain(..).filter_map(|m| match m {
        Msg::Write(_, reply) => Some(reply),
        Msg::Stop => None,
    });
    for (reply, res) in replies.zip(results) {
        if let Some(reply) = reply {
            // The asker may have given up waiting; nothing to do then.
            let _ = reply.send(res.map_err(StoreError::Write));
        }
    }
}

/// Applies the batch in one transaction, each op inside its own savepoint so one bad op
/// rolls back only itself. `Ok`: committed, one result per op. `Err((may pass, why))`:
/// nothing was committed.
fn try_commit(
    conn: &mut Connection,
    batch: &[Msg],
    c: &Counters,
) -> Result<Vec<Result<i64, String>>, (bool, String)> {
    let now = Ts::from_datetime(&chrono::Utc::now());
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| (retry::sql_may_pass(&e), e.to_string()))?;
    let mut results = Vec::with_capacity(batch.len());
    let (mut ops, mut failed) = (0u64, 0u64);
    for msg in batch {
        let Msg::Write(op, _) = msg else { continue };
        let res = tx.savepoint().map_err(StoreError::from).and_then(|sp| {
            let id = apply(&sp, op, now)?;
            sp.commit()?;
            Ok(id)
        });
        ops += 1;
        if let Err(e) = &res {
            if retry::may_pass(e) {
                // Disk full, locked…: the whole batch waits and goes again.
                return Err((true, e.to_string()));
            }
            failed += 1;
            tracing::warn!(op = op.kind(), error = %e, "store write failed");
        }
        results.push(res.map_err(|e| e.to_string()));
    }
    tx.commit()
        .map_err(|e| (retry::sql_may_pass(&e), e.to_string()))?;
    c.ops.fetch_add(ops, Ordering::Relaxed);
    c.failed.fetch_add(failed, Ordering::Relaxed);
    Ok(results)
}
