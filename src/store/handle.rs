//! A cheap, cloneable way to queue writes, from async code (`send`) or sync code
//! (`*_blocking`). The `*_blocking` methods panic inside an async context (tokio's rule):
//! call them from plain threads or `spawn_blocking`.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::StoreError;
use super::model::{ClipStatus, MomentInsert, NewSession};
use super::writer::{Counters, Msg, WriteOp, WriterStats};
use crate::domain::{Moment, Ts};

#[derive(Clone)]
pub struct StoreHandle {
    pub(super) tx: mpsc::Sender<Msg>,
    counters: Arc<Counters>,
}

impl StoreHandle {
    pub(super) fn new(tx: mpsc::Sender<Msg>, counters: Arc<Counters>) -> StoreHandle {
        StoreHandle { tx, counters }
    }

    pub fn stats(&self) -> WriterStats {
        self.counters.snapshot()
    }

    /// Queues `op` and waits for its commit; the `i64` is the new row id (0 if none).
    pub async fn send(&self, op: WriteOp) -> Result<i64, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Write(op, Some(reply)))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    pub fn send_blocking(&self, op: WriteOp) -> Result<i64, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .blocking_send(Msg::Write(op, Some(reply)))
            .map_err(|_| StoreError::Closed)?;
        rx.blocking_recv().map_err(|_| StoreError::Closed)?
    }

    /// Queues `op` without waiting for room or for a reply: for samples and stats on hot
    /// paths. `Full` means the writer is behind and the op was dropped.
    pub fn try_send(&self, op: WriteOp) -> Result<(), StoreError> {
        self.tx.try_send(Msg::Write(op, None)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => StoreError::Full,
            mpsc::error::TrySendError::Closed(_) => StoreError::Closed,
        })
    }

    /// Queues `op`, waiting for room but not for the commit; a failure is only logged.
    pub async fn enqueue(&self, op: WriteOp) -> Result<(), StoreError> {
        self.tx
            .send(Msg::Write(op, None))
            .await
            .map_err(|_| StoreError::Closed)
    }

    pub fn enqueue_blocking(&self, op: WriteOp) -> Result<(), StoreError> {
        self.tx
            .blocking_send(Msg::Write(op, None))
            .map_err(|_| StoreError::Closed)
    }

    /// Returns the new session's id.
    pub async fn open_session(&self, s: NewSession) -> Result<i64, StoreError> {
        self.send(WriteOp::OpenSession(s)).await
    }

    pub fn open_session_blocking(&self, s: NewSession) -> Result<i64, StoreError> {
        self.send_blocking(WriteOp::OpenSession(s))
    }

    pub async fn close_session(&self, session_id: i64, ended_at: Ts) -> Result<(), StoreError> {
        self.send(WriteOp::CloseSession {
            session_id,
            ended_at,
        })
        .await
        .map(drop)
    }

    pub fn close_session_blocking(&self, session_id: i64, ended_at: Ts) -> Result<(), StoreError> {
        self.send_blocking(WriteOp::CloseSession {
            session_id,
            ended_at,
        })
        .map(drop)
    }

    pub async fn session_went_live(
        &self,
        session_id: i64,
        started_at: Ts,
        stream_started_at: Ts,
        title: Option<String>,
        stream_id: Option<u64>,
    ) -> Result<(), StoreError> {
        self.send(WriteOp::SessionWentLive {
            session_id,
            started_at,
            stream_started_at,
            title,
            stream_id,
        })
        .await
        .map(drop)
    }

    pub async fn session_start_known(
        &self,
        session_id: i64,
        stream_started_at: Ts,
        earlier_s: f64,
        stream_id: Option<u64>,
    ) -> Result<(), StoreError> {
        self.send(WriteOp::SessionStartKnown {
            session_id,
            stream_started_at,
            earlier_s,
            stream_id,
        })
        .await
        .map(drop)
    }

    pub async fn resume_session(
        &self,
        session_id: i64,
        at: Ts,
        absorb: Option<i64>,
    ) -> Result<(), StoreError> {
        self.send(WriteOp::ResumeSession {
            session_id,
            at,
            absorb,
        })
        .await
        .map(drop)
    }

    /// Returns the moment's id once it is committed (only then may the UI say "saved").
    pub async fn insert_moment(&self, session_id: i64, m: &Moment) -> Result<i64, StoreError> {
        let row = MomentInsert::from_moment(session_id, m);
        self.send(WriteOp::InsertMoment(row)).await
    }

    pub fn insert_moment_blocking(&self, session_id: i64, m: &Moment) -> Result<i64, StoreError> {
        self.send_blocking(WriteOp::InsertMoment(MomentInsert::from_moment(
            session_id, m,
        )))
    }

    /// The building moment `id` grew or is final: its time, triggers, score and clip window
    /// as they are now go into its row (which keeps its session and source: the row's `session_id`
    /// is not written).
    pub async fn finalize_moment(&self, id: i64, m: &Moment) -> Result<(), StoreError> {
        let row = MomentInsert::from_moment(0, m);
        self.send(WriteOp::FinalizeMoment { moment_id: id, row })
            .await
            .map(drop)
    }

    /// Sets the clip status, and the path when `path` is `Some` (`None` keeps the old one).
    pub async fn update_clip(
        &self,
        moment_id: i64,
        status: ClipStatus,
        path: Option<String>,
    ) -> Result<(), StoreError> {
        self.send(WriteOp::UpdateClip {
            moment_id,
            status,
            path,
        })
        .await
        .map(drop)
    }

    /// `x` on a moment: true when its clip is now skipped (or wanted again, `skip` false);
    /// false when the clip had moved on meanwhile (cut, or on its way).
    pub async fn skip_clip(&self, moment_id: i64, skip: bool) -> Result<bool, StoreError> {
        self.send(WriteOp::SkipClip { moment_id, skip })
            .await
            .map(|n| n > 0)
    }

    pub fn update_clip_blocking(
        &self,
        moment_id: i64,
        status: ClipStatus,
        path: Option<String>,
    ) -> Result<(), StoreError> {
        self.send_blocking(WriteOp::UpdateClip {
            moment_id,
            status,
            path,
        })
        .map(drop)
    }

    /// The session's report file is owed (`true`, as it closes) or written (`false`).
    pub async fn report_owed(&self, session_id: i64, owed: bool) -> Result<(), StoreError> {
        self.send(WriteOp::ReportOwed { session_id, owed })
            .await
            .map(drop)
    }

    /// Returns once everything queued before it is committed.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.send(WriteOp::Flush).await.map(drop)
    }

    pub fn flush_blocking(&self) -> Result<(), StoreError> {
        self.send_blocking(WriteOp::Flush).map(drop)
    }
}
