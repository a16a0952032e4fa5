//! Per-window chat counts into `chat_stats`: no counted chat message is dropped. A window with
//! messages and no open session goes to an off-air session (opened for it), and it waits for
//! the writer instead of being dropped when the queue is full (one row per window: cheap).

use super::core::ChatStats;
use super::runner::Engine;
use crate::store::WriteOp;

impl Engine {
    pub(super) async fn store_chat_stats(&mut self, s: ChatStats) {
        let session = match self.sessions.current() {
            Some(id) => Some(id),
            // An empty window is not worth a session of its own.
            None if s.messages == 0 => None,
            None => {
                let start = s.at.plus_ms(-i64::from(s.window_s) * 1000);
                self.ensure_session(false, start).await
            }
        };
        let Some(session_id) = session else {
            if s.messages > 0 {
                tracing::error!("{} chat messages not stored: no session", s.messages);
            }
            return;
        };
        let row = WriteOp::ChatStats(s.row(session_id));
        if let Err(e) = self.store.enqueue(row).await {
            tracing::error!("{} chat messages not stored: {e}", s.messages);
        }
    }
}
