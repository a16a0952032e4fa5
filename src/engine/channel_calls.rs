//! The channel actor's calls to Kick: the channel lookup (ids, checked against the user's,
//! published and cached) and live status (the official API first when configured).

use tokio::time::Instant;

use super::{ApiNews, ChatIds, Running};
use crate::kickapi::{ApiError, ChannelInfo, LiveStatus};
use crate::store::WriteOp;
use crate::time::wall_now;

impl Running {
    pub(super) fn ids_from_user(&self) -> bool {
        self.actor.user_channel_id.is_some() && self.actor.user_chatroom_id.is_some()
    }

    /// The lookup failed before any ids were known: the user's, when they gave both, go to
    /// the chat. Returns whether there are ids now.
    pub(super) fn use_user_ids(&mut self) -> bool {
        if self.actor.ids.is_none()
            && let (Some(channel_id), Some(chatroom_id)) =
                (self.actor.user_channel_id, self.actor.user_chatroom_id)
        {
            let ids = ChatIds {
                channel_id,
                chatroom_id,
            };
            tracing::info!(
                "{}: Kick's API did not answer: chat uses the ids from the config (channel \
                 {channel_id}, chatroom {chatroom_id})",
                self.actor.slug
            );
            self.actor.ids = Some(ids);
            self.actor.ids_tx.send_replace(Some(ids));
        }
        self.actor.ids.is_some()
    }

    /// The channel API: ids (published and cached) and status.
    pub(super) async fn lookup(&mut self) -> Result<ChannelInfo, ApiError> {
        let info = self.actor.api.channel(&self.actor.slug).await?;
        if info.is_banned && !std::mem::replace(&mut self.memory.said_banned, true) {
            // Else kicktui would say "waiting for live" for ever without a word of why.
            let note = format!(
                "{}: Kick says this channel is banned; it cannot go live until the ban ends",
                self.actor.slug
            );
            self.tell(ApiNews::Note(note)).await;
        }
        let ids = match (self.actor.user_channel_id, self.actor.user_chatroom_id) {
            (Some(channel_id), Some(chatroom_id))
                if (channel_id, chatroom_id) != (info.channel_id, info.chatroom_id) =>
            {
                if !std::mem::replace(&mut self.memory.said_other_ids, true) {
                    let note = format!(
                        "{}: the ids in [kick] channel_id and chatroom_id (or the flags), \
                         channel {channel_id} and chatroom {chatroom_id}, are not this \
                         channel's: Kick's API says channel {} and chatroom {}, and those are \
                         used. Leave the ids out of a config that several channels share (they \
                         are only needed while Kick's API is blocked)",
                        self.actor.slug, info.channel_id, info.chatroom_id
                    );
                    // A note: the front ends show it and log it.
                    self.tell(ApiNews::Note(note)).await;
                }
                ChatIds {
                    channel_id: info.channel_id,
                    chatroom_id: info.chatroom_id,
                }
            }
            (channel, room) => ChatIds {
                channel_id: channel.unwrap_or(info.channel_id),
                chatroom_id: room.unwrap_or(info.chatroom_id),
            },
        };
        if self.actor.ids != Some(ids) {
            tracing::info!(
                "{}: channel id {}, chatroom id {}",
                self.actor.slug,
                ids.channel_id,
                ids.chatroom_id
            );
            if let Err(e) = self
                .actor
                .store
                .enqueue(WriteOp::ChannelCache(info.cache_entry(wall_now())))
                .await
            {
                tracing::warn!("cannot cache the channel ids: {e}");
            }
        }
        if self.actor.ids != Some(ids) {
            self.actor.ids = Some(ids);
            self.actor.ids_tx.send_replace(Some(ids));
        }
        self.memory.ids_checked = true;
        Ok(info)
    }

    /// Live status: the official API first when it is configured, then the channel API.
    /// Ids the user gave are checked by the channel API once first (the official one does
    /// not give them).
    pub(super) async fn status(&mut self) -> Result<LiveStatus, ApiError> {
        if !self.actor.api.has_official() || self.memory.official_refused {
            return self.lookup().await.map(|info| info.status());
        }
        // Given ids not checked yet: the channel API first (it answers with ids); blocked, the
        // official API still gives the status.
        let mut channel_api = None;
        let check_due = self
            .memory
            .check_ids_after
            .is_none_or(|at| Instant::now() >= at);
        if self.ids_from_user() && !self.memory.ids_checked && check_due {
            match self.lookup().await {
                Ok(info) => return Ok(info.status()),
                Err(e) => {
                    self.use_user_ids();
                    match e.retry_after() {
                        Some(wait) => self.memory.check_ids_after = Some(Instant::now() + wait),
                        None => self.memory.ids_checked = true,
                    }
                    channel_api = Some(e);
                }
            }
        }
        match self.actor.api.official_status(&self.actor.slug).await {
            Ok(s) => Ok(s),
            Err(e) => {
                if e == ApiError::Unauthorized {
                    self.memory.official_refused = true;
                    let note = format!(
                        "{}: Kick refused the official API credentials ([kick] client_id and \
                         client_secret; `kicktui doctor` checks them); live status comes from \
                         the channel API for the rest of this run",
                        self.actor.slug
                    );
                    self.tell(ApiNews::Note(note)).await;
                } else {
                    tracing::info!("official api: {e}; trying the channel API");
                }
                match channel_api {
                    Some(e) => Err(e),
                    None => self.lookup().await.map(|info| info.status()),
                }
            }
        }
    }
}
