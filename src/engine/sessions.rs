//! Which `sessions` row the engine writes to.
//!
//! A session is one stream: opened when the channel goes live (API or `StreamerIsLive`) with
//! `stream_started_at` set, closed when it goes offline and at shutdown. Chat, subs and Kicks
//! also happen while the channel is offline; so that none of their moments or events are lost,
//! an *offline session* (no `stream_started_at`) is opened lazily for the first one, and closed
//! when the channel goes live or kicktui stops. Per-window chat counts and viewer samples are
//! only stored while some session is open (they are not worth a session of their own).

use crate::domain::Ts;
use crate::store::{NewSession, StoreHandle};

struct Current {
    id: i64,
    live: bool,
}

pub struct Sessions {
    store: StoreHandle,
    channel: String,
    platform: String,
    current: Option<Current>,
}

impl Sessions {
    pub fn new(store: StoreHandle, channel: &str, platform: &str) -> Sessions {
        Sessions {
            store,
            channel: channel.to_string(),
            platform: platform.to_string(),
            current: None,
        }
    }

    /// The open session, if any.
    pub fn current(&self) -> Option<i64> {
        self.current.as_ref().map(|c| c.id)
    }

    /// The open session, or a new offline one. `None` only when the database refuses.
    pub async fn ensure(&mut self, now: Ts) -> Option<i64> {
        if let Some(id) = self.current() {
            return Some(id);
        }
        let id = self.open(now, None, None).await?;
        tracing::info!("session {id} opened for activity while the channel is offline");
        self.current = Some(Current { id, live: false });
        Some(id)
    }

    /// The channel went live at `stream_start`: closes an offline session, opens the stream's.
    pub async fn go_live(
        &mut self,
        now: Ts,
        stream_start: Ts,
        title: Option<String>,
    ) -> Option<i64> {
        if let Some(c) = &self.current {
            if c.live {
                return Some(c.id);
            }
            self.close(now).await;
        }
        let id = self.open(now, Some(stream_start), title).await?;
        tracing::info!(
            "session {id} opened: the stream started at {}",
            stream_start.to_rfc3339()
        );
        self.current = Some(Current { id, live: true });
        Some(id)
    }

    /// Closes whatever session is open (the channel went offline, or kicktui stops).
    pub async fn close(&mut self, at: Ts) {
        let Some(c) = self.current.take() else { return };
        match self.store.close_session(c.id, at).await {
            Ok(()) => tracing::info!("session {} closed", c.id),
            Err(e) => tracing::error!("cannot close session {}: {e}", c.id),
        }
    }

    async fn open(&self, now: Ts, stream_start: Option<Ts>, title: Option<String>) -> Option<i64> {
        let row = NewSession {
            channel: self.channel.clone(),
            platform: self.platform.clone(),
            started_at: now,
            title,
            stream_started_at: stream_start,
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
