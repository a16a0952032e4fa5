//! Which `sessions` row the engine writes to.
//!
//! A session is one stream: opened when the channel goes live (API or `StreamerIsLive`) with
//! `stream_started_at` set, closed when it goes offline and at shutdown. Chat, subs and Kicks
//! also happen while the channel is offline; so that none of their moments or events are lost,
//! an *offline session* (no `stream_started_at`) is opened lazily for the first one, and closed
//! when the channel goes live or kicktui stops — unless it is a *waiting room*: opened less than
//! [`WAITING_ROOM`] before the stream and holding no moment, it becomes the stream's session
//! (the chat before a stream belongs to it, and the stream keeps one number). Per-window chat counts and viewer samples are
//! only stored while some session is open (they are not worth a session of their own).

use crate::domain::Ts;
use crate::store::{NewSession, StoreHandle};

/// How long before going live an offline session still counts as the stream's waiting room.
pub const WAITING_ROOM: std::time::Duration = std::time::Duration::from_secs(15 * 60);

struct Current {
    id: i64,
    live: bool,
    opened: Ts,
    /// A moment is stored in it: an offline session with one stays apart from the stream
    /// (its clip would have no recording).
    has_moment: bool,
}

impl Current {
    fn new(id: i64, live: bool, opened: Ts) -> Current {
        Current {
            id,
            live,
            opened,
            has_moment: false,
        }
    }
}

pub struct Sessions {
    store: StoreHandle,
    channel: String,
    platform: String,
    current: Option<Current>,
    /// The last `go_live` or `resume` made the waiting room part of the stream's session.
    took_room: bool,
}

impl Sessions {
    pub fn new(store: StoreHandle, channel: &str, platform: &str) -> Sessions {
        Sessions {
            store,
            channel: channel.to_string(),
            platform: platform.to_string(),
            current: None,
            took_room: false,
        }
    }

    /// Whether the stream's session, last opened or resumed, took in the waiting room before
    /// it (its chat and money are the stream's now).
    pub fn took_waiting_room(&self) -> bool {
        self.took_room
    }

    /// The open session, if any.
    pub fn current(&self) -> Option<i64> {
        self.current.as_ref().map(|c| c.id)
    }

    /// The open session, if it is a live stream's.
    pub fn current_live(&self) -> Option<i64> {
        self.current.as_ref().filter(|c| c.live).map(|c| c.id)
    }

    /// The open session went live or holds a moment: its end is worth a report. Chat before
    /// a stream that never came is not (quitting in the waiting room printed an empty one).
    pub fn worth_a_report(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.live || c.has_moment)
    }

    /// The open session, or a new offline one. `None` only when the database refuses.
    pub async fn ensure(&mut self, now: Ts) -> Option<i64> {
        if let Some(id) = self.current() {
            return Some(id);
        }
        let id = self.open(now, None, None, None).await?;
        // Quietly: at start it is mostly the chat of the seconds before the live state is
        // known, and "session N is the stream's" follows at once.
        tracing::debug!("session {id} opened for activity while the channel is offline");
        self.current = Some(Current::new(id, false, now));
        Some(id)
    }

    /// The open session, or a new offline one, for a moment.
    pub async fn ensure_for_moment(&mut self, now: Ts) -> Option<i64> {
        let id = self.ensure(now).await?;
        if let Some(c) = &mut self.current {
            c.has_moment = true;
        }
        Some(id)
    }

    /// The channel went live at `stream_start`: the waiting room becomes the stream's session,
    /// or the offline session is closed and the stream's opened.
    pub async fn go_live(
        &mut self,
        now: Ts,
        stream_start: Ts,
        title: Option<String>,
        stream_id: Option<u64>,
    ) -> Option<i64> {
        self.took_room = false;
        if let Some(c) = &self.current {
            if c.live {
                return Some(c.id);
            }
            if let Some(room) = self.waiting_room(now) {
                let id = room.id;
                if let Err(e) = self
                    .store
                    .session_went_live(id, now, stream_start, title, stream_id)
                    .await
                {
                    tracing::error!("cannot mark session {id} live: {e}");
                    return None;
                }
                tracing::info!(
                    "session {id} is the stream's: it started at {} (the chat before it stays \
                     in the session)",
                    stream_start.to_rfc3339()
                );
                self.current = Some(Current::new(id, true, now));
                self.took_room = true;
                return Some(id);
            }
            self.close(now).await;
        }
        let id = self.open(now, Some(stream_start), title, stream_id).await?;
        tracing::info!(
            "session {id} opened: the stream started at {}",
            stream_start.to_rfc3339()
        );
        self.current = Some(Current::new(id, true, now));
        Some(id)
    }

    /// The channel is live with the stream that session `id` recorded until kicktui crashed:
    /// it is opened again. A waiting room this run opened meanwhile is merged into it (it
    /// holds only the chat before the stream was known to be live); an older offline session
    /// is closed. False when a stream session is open already or the database refuses.
    pub async fn resume(&mut self, now: Ts, id: i64) -> bool {
        self.took_room = false;
        if self.current.as_ref().is_some_and(|c| c.live) {
            return false;
        }
        let room = self.waiting_room(now).map(|c| (c.id, c.opened));
        if room.is_none() {
            self.close(now).await;
        }
        // kicktui was back when the merged room opened: its chat is not part of the gap.
        let (absorb, back) = room.map_or((None, now), |(id, opened)| (Some(id), opened));
        if let Err(e) = self.store.resume_session(id, back, absorb).await {
            tracing::error!("cannot resume session {id}: {e}");
            return false;
        }
        tracing::info!(
            "session {id} resumed: its stream is still live (kicktui was down meanwhile)"
        );
        self.current = Some(Current::new(id, true, now));
        self.took_room = absorb.is_some();
        true
    }

    /// The open offline session, if it is the coming stream's waiting room: opened less than
    /// [`WAITING_ROOM`] ago and holding no moment.
    fn waiting_room(&self, now: Ts) -> Option<&Current> {
        self.current.as_ref().filter(|c| {
            !c.live && !c.has_moment && now.secs_since(c.opened) <= WAITING_ROOM.as_secs_f64()
        })
    }

    /// Closes whatever session is open (the channel went offline, or kicktui stops).
    pub async fn close(&mut self, at: Ts) {
        let Some(c) = self.current.take() else { return };
        match self.store.close_session(c.id, at).await {
            Ok(()) => tracing::info!("session {} closed", c.id),
            Err(e) => tracing::error!("cannot close session {}: {e}", c.id),
        }
    }

    async fn open(
        &self,
        now: Ts,
        stream_start: Option<Ts>,
        title: Option<String>,
        stream_id: Option<u64>,
    ) -> Option<i64> {
        let row = NewSession {
            channel: self.channel.clone(),
            platform: self.platform.clone(),
            started_at: now,
            title,
            stream_started_at: stream_start,
            stream_id,
        };
        match self.store.open_session(row).await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::error!("cannot open a session: {e}");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreWriter, db_path};

    /// Runs `steps` on a fresh store; returns each session as (id, live).
    async fn sessions_after(steps: impl AsyncFnOnce(&mut Sessions)) -> Vec<(i64, bool)> {
        let dir = tempfile::tempdir().unwrap();
        let w = StoreWriter::spawn(&db_path(dir.path())).unwrap();
        let mut s = Sessions::new(w.handle(), "clavicular", "kick");
        steps(&mut s).await;
        w.shutdown_async().await.unwrap();
        let rows = Store::open(&db_path(dir.path()))
            .unwrap()
            .list_sessions()
            .unwrap();
        rows.iter()
            .map(|r| (r.id, r.stream_started_at.is_some()))
            .collect()
    }

    const T0: Ts = Ts(1_700_000_000_000);

    #[tokio::test]
    async fn a_waiting_room_becomes_the_streams_session() {
        let rows = sessions_after(async |s| {
            s.ensure(T0).await;
            let live = T0.plus_secs(600.0);
            assert_eq!(s.go_live(live, live, None, None).await, Some(1));
            assert!(s.took_waiting_room(), "its money is the stream's");
        })
        .await;
        assert_eq!(rows, [(1, true)]);
    }

    #[tokio::test]
    async fn an_old_offline_session_or_one_with_a_moment_stays_apart() {
        let rows = sessions_after(async |s| {
            s.ensure(T0).await;
            let late = T0.plus_secs(WAITING_ROOM.as_secs_f64() + 1.0);
            assert_eq!(s.go_live(late, late, None, None).await, Some(2));
            assert!(!s.took_waiting_room());
            s.close(late.plus_secs(10.0)).await;
            s.ensure_for_moment(late.plus_secs(20.0)).await;
            let soon = late.plus_secs(30.0);
            assert_eq!(s.go_live(soon, soon, None, None).await, Some(4));
            assert!(!s.took_waiting_room());
        })
        .await;
        assert_eq!(rows, [(1, false), (2, true), (3, false), (4, true)]);
    }
}
