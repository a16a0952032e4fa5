//! The core's effects carried out at the edge: sessions opened and closed, rows stored,
//! front ends told, recording started and stopped.

use super::core::Effect;
use super::runner::Engine;
use super::update::Update;
use crate::domain::Ts;
use crate::store::{self, NewEvent, WriteOp};
use crate::time::wall_now;

impl Engine {
    /// Carries out the core's effects, in order.
    pub(super) async fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::MomentBuilding(moment) => self.moment_building(moment).await,
                Effect::Moment(moment) => self.moment_final(moment).await,
                Effect::ChatStats(s) => self.store_chat_stats(s).await,
                Effect::Live {
                    at,
                    title,
                    stream_id,
                    start_known,
                } => self.went_live(at, title, stream_id, start_known).await,
                Effect::Offline { at } => self.went_offline(at).await,
                Effect::StartKnown { at, was, stream_id } => {
                    self.start_known(at, was, stream_id).await
                }
                Effect::ViewerSample { at, viewers } => {
                    if let Some(session_id) = self.sessions.current() {
                        self.write_soft(WriteOp::ViewerSample(store::ViewerSample {
                            session_id,
                            at,
                            viewers,
                        }));
                    }
                }
                Effect::Notable { at, event } => {
                    // The session first: money opening an offline one counts in it.
                    let session = self.ensure_session(false, at).await;
                    self.engage_revenue(at, &event);
                    if let Some(session) = session
                        && let Some(row) = NewEvent::from_event(session, at, &event)
                        && let Err(e) = self.store.enqueue(WriteOp::Event(row)).await
                    {
                        tracing::error!("event not saved: {e}");
                    }
                    self.feed.send(Update::Notable { at, event });
                }
            }
        }
    }

    /// The stream started at `at`: its session (resumed after a crash, or new), the front
    /// ends told, recording started.
    async fn went_live(
        &mut self,
        at: Ts,
        title: Option<String>,
        stream_id: Option<u64>,
        start_known: bool,
    ) {
        let now = wall_now();
        // Restarted after a crash mid-stream: the stream's session goes on.
        let resumed = self.resume_stream(now, at, start_known, stream_id).await;
        let (session, before, activity, money) = match resumed {
            Some(r) => (Some(r.id), Some(r.before), r.activity, r.money),
            None => (
                self.sessions
                    .go_live(now, at, title.clone(), stream_id)
                    .await,
                None,
                None,
                Vec::new(),
            ),
        };
        // The offline chat and money just before the stream are the stream's now: so is the
        // money the core counted there.
        if self.sessions.took_waiting_room() {
            self.core.engage.take_previous_money();
        }
        // A new stream session whose start is a guess says so: a restart after a crash then
        // takes the real start for the same stream, and replaces it.
        if let (Some(id), None, false) = (session, &before, start_known)
            && let Err(e) = self
                .store
                .enqueue(WriteOp::StartGuessed { session_id: id })
                .await
        {
            tracing::error!("cannot mark session {id}'s start as a guess: {e}");
        }
        self.feed.send(Update::WentLive {
            at,
            title,
            session,
            source: self.media.live_source,
            resumed: before.is_some(),
        });
        // After WentLive: the front ends show a new session's money from $0.
        self.engage_revenue_before(&money);
        self.report_held(true).await;
        self.engage_session_opened(now).await;
        // A resumed stream goes on with the activity it was on, unless one is set.
        if let Some(name) = activity
            && self.engage.activity().is_none()
        {
            self.resume_activity(&name, now).await;
        }
        match session {
            Some(id) => self.media.go_live(id, before),
            None => self.media.set_live(true),
        }
    }

    /// The live stream started at `at`, before the guess `was` (the stream probe said live
    /// while the API was blocked): its session, stored moments and the front ends count from
    /// the real start, and a crash from now on finds the stream by it.
    async fn start_known(&mut self, at: Ts, was: Ts, stream_id: Option<u64>) {
        if let Some(id) = self.sessions.current_live() {
            let earlier_s = was.secs_since(at);
            if let Err(e) = self
                .store
                .session_start_known(id, at, earlier_s, stream_id)
                .await
            {
                tracing::error!("cannot store session {id}'s start: {e}");
            }
        }
        self.feed.send(Update::StartKnown { at, was });
        self.feed.send(Update::Note(format!(
            "The stream started at {} UTC, {} before kicktui saw it live: offsets count from then",
            at.to_datetime().format("%H:%M:%S"),
            crate::time::format_offset_words(was.secs_since(at)),
        )));
    }

    /// The stream ended at `at`: its session closed, its clips cut, then its report.
    async fn went_offline(&mut self, at: Ts) {
        // Said first: the report and the clips that follow are its consequences.
        self.feed.send(Update::WentOffline { at });
        let ended = self.engage_session_ending(at, true).await;
        self.owe_report(ended).await;
        self.sessions.close(at).await;
        // The offline session that chat now opens counts from zero.
        self.core.engage.start_session(at);
        self.media.end();
        // With its clips being cut, the report waits for them (it lists where
        // each moment's clip is); a kill meanwhile leaves it owed.
        match ended {
            Some(id) if self.media.has_session(id) => {
                self.engage.report_after_clips.push(id);
            }
            _ => self.engage_report(ended, true).await,
        }
    }

    /// The open session, or a new offline one (`for_moment`: to hold a moment) for what
    /// happened at `at`; the front ends hear of a new one, whose money counts from zero.
    pub(super) async fn ensure_session(&mut self, for_moment: bool, at: Ts) -> Option<i64> {
        let before = self.sessions.current();
        let now = wall_now();
        let id = if for_moment {
            self.sessions.ensure_for_moment(now).await
        } else {
            self.sessions.ensure(now).await
        }?;
        if before != Some(id) {
            // Its moments count from what opened it (never later than its stored start).
            self.core.offline_session_opened(at.min(now));
            self.feed.send(Update::OfflineSession { session: id });
        }
        Some(id)
    }

    /// Stats and samples: dropped (and counted) rather than waited for when the writer is behind.
    pub(super) fn write_soft(&mut self, op: WriteOp) {
        if let Err(e) = self.store.try_send(op) {
            self.dropped_writes += 1;
            if self.dropped_writes.is_power_of_two() {
                tracing::warn!("{} stats rows not stored: {e}", self.dropped_writes);
            }
        }
    }
}
