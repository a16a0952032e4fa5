//! The core's moments at the edge: stored (a building moment first, its final form into the
//! same row), announced to every front end, and marked `no_recording` when no recording can
//! ever cover them.

use super::runner::Engine;
use super::update::{ClipNews, SkipOutcome, Update};
use crate::domain::{Moment, MomentSource};
use crate::media::ClipState;

impl Engine {
    /// A moment convincing enough to show while it still collects triggers, or one shown
    /// so whose name, triggers or score changed: its row takes the new form (a quit or a
    /// crash now keeps what the list showed, and a restart reloads it).
    pub(super) async fn moment_building(&mut self, moment: Moment) {
        let (id, unrecorded) = match self.building {
            Some(Some(id)) => (Some(self.update_moment_row(id, &moment).await), false),
            // Not saved when first shown: its final form gets the second try.
            Some(None) => (None, false),
            None => self.save_moment(&moment).await,
        };
        self.building = Some(id);
        self.feed.send(Update::MomentBuilding { id, moment });
        self.tell_not_recorded(id, unrecorded);
    }

    /// A finished moment: the row shown while building gets its final form, or it is stored.
    pub(super) async fn moment_final(&mut self, moment: Moment) {
        self.summary.moments += 1;
        let shown = match moment.source {
            MomentSource::Auto => self.building.take(),
            MomentSource::Manual => None,
        };
        let (id, unrecorded) = match shown {
            // Its row was told of when it was stored.
            Some(Some(id)) => (Some(self.update_moment_row(id, &moment).await), false),
            // Shown as not saved while building: one more try, now it is final.
            Some(None) => {
                let (id, unrecorded) = self.save_moment(&moment).await;
                if let Some(id) = id {
                    tracing::info!("moment saved #{id} on a second try");
                }
                (id, unrecorded)
            }
            None => self.save_moment(&moment).await,
        };
        if id.is_none() {
            self.summary.unsaved_moments += 1;
        }
        self.feed.send(Update::Moment { id, moment });
        self.tell_not_recorded(id, unrecorded);
        if let Some(id) = id.filter(|&id| self.clip_when_final == Some(id)) {
            self.clip_when_final = None;
            self.clip_moment(id).await;
        }
    }

    /// `c` on a moment: cut now, or once final if it is still building (its window may
    /// still widen: a raid's build-up, a later trigger). One no recording can cover is said
    /// at once.
    pub(super) async fn clip_moment(&mut self, id: i64) {
        let recordable = !self.media.never_records() && self.sessions.current_live().is_some();
        if self.building == Some(Some(id)) && recordable {
            self.clip_when_final = Some(id);
            self.feed.send(Update::Clip(ClipNews {
                session: self.sessions.current().unwrap_or(0),
                moment_id: Some(id),
                state: ClipState::Queued,
                progress: None,
            }));
            return;
        }
        if let Some(u) = self.media.clip_moment(id).await {
            self.feed.send(u);
        }
    }

    /// `x` on a stored moment: its clip is skipped (the stream's end and `clip --pending`
    /// pass it by) or wanted again. The row decides: a clip cut or on its way meanwhile is
    /// left as it is.
    pub(super) async fn skip_clip(&mut self, id: i64, skip: bool) {
        let outcome = match self.store.skip_clip(id, skip).await {
            Ok(true) => SkipOutcome::Done,
            Ok(false) => SkipOutcome::MovedOn,
            Err(e) => {
                tracing::error!("moment #{id}: clip not skipped: {e}");
                SkipOutcome::Failed(e.to_string())
            }
        };
        self.feed.send(Update::ClipSkip {
            moment_id: id,
            skip,
            outcome,
        });
    }

    /// Stores a new moment; its row id, or `None` (and why, in the log) when it could not be,
    /// and whether no recording can cover it (recording is off, or the channel is offline).
    async fn save_moment(&mut self, moment: &Moment) -> (Option<i64>, bool) {
        let Some(session) = self.ensure_session(true, moment.at).await else {
            return (None, false);
        };
        // Not left "pending" for a `clip --pending` that could never cut it: recording is off,
        // or the channel is offline (an offline session has no recording; a mark while
        // "waiting for live" was offered at quit and never cut).
        let unrecorded = self.media.never_records() || self.sessions.current_live().is_none();
        match self.store.insert_moment(session, moment).await {
            Ok(id) => {
                if unrecorded {
                    let status = crate::store::ClipStatus::NoRecording;
                    if let Err(e) = self.store.update_clip(id, status, None).await {
                        tracing::warn!("moment #{id}: not marked no_recording: {e}");
                    }
                }
                (Some(id), unrecorded)
            }
            Err(e) => {
                tracing::error!("moment not saved: {e}");
                (None, false)
            }
        }
    }

    /// After a new moment's update: one no recording covers is no clip to cut (nor to offer
    /// at quit); the dashboard says `no_recording`, as the database does.
    fn tell_not_recorded(&self, id: Option<i64>, unrecorded: bool) {
        if let Some(moment_id) = id.filter(|_| unrecorded) {
            self.feed.send(Update::NotRecorded { moment_id });
        }
    }

    /// The row stored while the moment was building gets its triggers and score as they are
    /// now (final, or still building). It stays in its session: the stream may have ended
    /// since (no offline session is opened).
    async fn update_moment_row(&mut self, id: i64, moment: &Moment) -> i64 {
        if let Err(e) = self.store.finalize_moment(id, moment).await {
            // The row holds the moment as shown before: still saved, just not up to date.
            tracing::error!("moment #{id} not updated to its latest triggers: {e}");
        }
        id
    }
}
