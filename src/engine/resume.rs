//! A restart mid-stream after a crash: the stream's session goes on (`store::resume`), its
//! recording continues after the parts the crashed run wrote, and the session's report waits
//! for the stream's real end.

use super::runner::Engine;
use super::update::Update;
use super::view::MomentRow;
use crate::domain::{Event, Moment, Trigger, Ts};
use crate::media::{ClipRequest, ClipState, RecordingStatus};
use crate::store::{
    ClipStatus, EngageStats, MomentQuery, MomentRow as StoredMoment, SAME_STREAM_MS, Store,
};

/// A session a crash closed mid-stream, its stream's fate not known yet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct HeldStream {
    pub id: i64,
    /// Its report was never written (`clip --pending` may have written it meanwhile).
    pub report_owed: bool,
}

/// A session picked up again: where its recording stopped, and the activity it was on.
pub(super) struct Resumed {
    pub id: i64,
    pub before: RecordingStatus,
    pub activity: Option<String>,
    /// Its money so far (for the revenue curve, once the front ends show the session).
    pub money: Vec<(Ts, Event)>,
}

impl Engine {
    /// The stream that started at `stream_start` is live: the session a crash closed for it
    /// is opened again; returns it with where its recording stopped. `None` when no session
    /// recorded this stream (or it could not be resumed: a new one opens as usual).
    pub(super) async fn resume_stream(
        &mut self,
        now: Ts,
        stream_start: Ts,
        start_known: bool,
        stream_id: Option<u64>,
    ) -> Option<Resumed> {
        let held: Vec<i64> = self.engage.held_reports.iter().map(|h| h.id).collect();
        if held.is_empty() {
            return None;
        }
        let dir = self.engage.data_dir.clone();
        let found = tokio::task::spawn_blocking(move || {
            let store = Store::open_in(&dir).map_err(|e| e.to_string())?;
            let Some(r) = store
                .resumable(&held, start_known.then_some(stream_start), stream_id, now)
                .map_err(|e| e.to_string())?
            else {
                return Ok(None);
            };
            let status = RecordingStatus::after_earlier_run(&r.recordings);
            let moments = store
                .list_moments(&MomentQuery::of_session(r.session_id))
                .map_err(|e| e.to_string())?;
            let activity = store
                .last_activity(r.session_id)
                .map_err(|e| e.to_string())?;
            let money = store
                .money_events(r.session_id)
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(Some((r, status, moments, activity, money)))
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        let (r, status, moments, activity, money) = match found {
            Ok(found) => found?,
            Err(e) => {
                tracing::error!("cannot look for the session to resume: {e}");
                return None;
            }
        };
        // A waiting room merged into it holds no segment (only a live stream's are stored).
        let id = r.session_id;
        if !self.sessions.resume(now, id).await {
            return None;
        }
        // The live event's start may be a second off the stored one: offsets keep one origin.
        // Unless the crashed run only guessed it (the stream probe said live while the API
        // was blocked) and the real start is known now.
        let stored = r.stream_started_at;
        let guessed = stream_start.0 + SAME_STREAM_MS < stored.0
            || (r.start_guessed && start_known && stream_start.0 + 1_000 < stored.0);
        // The core goes on with the better start; a real one (known now, or stored by the
        // crashed run) is never replaced by a later word a second off it.
        let start = if guessed { stream_start } else { stored };
        self.core
            .set_stream_start(start, start_known || !r.start_guessed);
        if guessed
            && let Err(e) = self
                .store
                .session_start_known(id, stream_start, stored.secs_since(stream_start), stream_id)
                .await
        {
            tracing::error!("cannot store session {id}'s start: {e}");
        }
        self.engage.held_reports.retain(|h| h.id != id);
        self.engage.base_stats = r.engage;
        // The money is the session's: the totals and revenue per hour go on from it (they
        // began again at $0 while the report counted it all).
        self.core.engage.carry_money(&money);
        self.feed.send(Update::Note(format!(
            "Session {id} goes on: its stream is still live (what happened while kicktui was \
             down is missing)"
        )));
        let mut rows: Vec<MomentRow> = moments.iter().map(earlier_moment).collect();
        if guessed {
            for row in &mut rows {
                super::update::shift_offset(&mut row.moment, stream_start, stored);
            }
        }
        if !rows.is_empty() {
            self.feed.send(Update::EarlierMoments(rows));
        }
        Some(Resumed {
            id,
            before: status,
            activity,
            money,
        })
    }

    /// The reports held at start (sessions a crash closed mid-stream), once it is known that
    /// their stream did not go on. `ended`: another stream is live or the channel is offline,
    /// so their moments still without a clip are cut first, as at a stream's end (the report
    /// lists the clips); otherwise (kicktui stops) the reports are written as they are.
    pub(super) async fn report_held(&mut self, ended: bool) {
        for HeldStream { id, report_owed } in std::mem::take(&mut self.engage.held_reports) {
            if ended && self.clip_held(id, "ended while kicktui was down").await {
                continue;
            }
            if !report_owed {
                continue;
            }
            self.feed.send(Update::Note(format!(
                "Saving the report of session {id}, closed after the crash"
            )));
            self.engage_report(Some(id), false).await;
        }
    }

    /// Cuts the clips session `id`'s stream left pending when kicktui went down; its report
    /// follows them. False when there are none or this run cannot cut them. `ended`: how the
    /// note says the stream ended.
    pub(super) async fn clip_held(&mut self, id: i64, ended: &str) -> bool {
        let dir = self.engage.data_dir.clone();
        let found = tokio::task::spawn_blocking(move || {
            let store = Store::open_in(&dir).map_err(|e| e.to_string())?;
            let moments = store
                .list_moments(&MomentQuery::of_session(id))
                .map_err(|e| e.to_string())?;
            let uncut = moments.iter().filter(|m| !m.clip_status.is_final()).count();
            let parts = store.recordings_of_stream(id).map_err(|e| e.to_string())?;
            // A window held by a part whose file is missing stays pending (the clipper says
            // which file); the others are cut.
            Ok::<_, String>((uncut, RecordingStatus::after_earlier_run(&parts)))
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        let (uncut, before) = match found {
            Ok(found) => found,
            Err(e) => {
                tracing::error!("cannot read the pending clips of session {id}: {e}");
                return false;
            }
        };
        if uncut == 0 {
            return false;
        }
        if !self.media.clip_ended(id, before) {
            // The start-up note promised "now": a missing tool turned recording off since.
            if let Some(why) = self.media.off_because() {
                self.feed.send(Update::Note(format!(
                    "Session {id}'s stream {ended}: its {} {} for {} \
                     (recording is off: {why})",
                    crate::present::plural(uncut, "pending clip"),
                    if uncut == 1 { "waits" } else { "wait" },
                    crate::present::later_command("clip --pending")
                )));
            }
            return false;
        }
        self.feed.send(Update::Note(format!(
            "Session {id}'s stream {ended}: cutting its {}, then saving its report",
            crate::present::plural(uncut, "pending clip")
        )));
        self.engage.report_after_clips.push(id);
        true
    }
}

/// A stored moment as the lists show it. Its clip as stored: cut (either way), or why not;
/// one not cut yet is cut at the stream's end like the others.
fn earlier_moment(row: &StoredMoment) -> MomentRow {
    let mut triggers: Vec<Trigger> =
        serde_json::from_value(row.triggers.clone()).unwrap_or_default();
    // An older row's trigger without a time: its moment's, not 1970.
    for t in triggers.iter_mut().filter(|t| t.at == Ts::default()) {
        t.at = row.at;
    }
    // The clip window as the clipper reads it from the row.
    let window = ClipRequest::for_moment(row);
    let clip = match (&row.clip_status, &row.clip_path) {
        (ClipStatus::Done | ClipStatus::Short, Some(path)) => Some(ClipState::AlreadyCut {
            path: path.into(),
            short: row.clip_status == ClipStatus::Short,
        }),
        (ClipStatus::NoRecording, _) => Some(ClipState::NoRecording),
        (ClipStatus::Skipped, _) => Some(ClipState::Skipped),
        (ClipStatus::Failed, _) => Some(ClipState::Failed("before the crash".into())),
        _ => None,
    };
    MomentRow {
        id: Some(row.id),
        moment: Moment {
            at: row.at,
            offset_s: row.offset_s,
            trigger_type: row.trigger_type,
            triggers,
            score: row.score,
            source: row.source,
            clip_start: window.start,
            clip_end: window.end,
        },
        clip,
        building: false,
    }
}

/// A resumed session's totals: the crashed run's (`base`) and this run's together. Who
/// chatted in both runs cannot be told apart, so unique chatters is the larger of the two (a
/// floor).
pub(super) fn added(base: &EngageStats, now: EngageStats) -> EngageStats {
    let secs = base.scored_seconds + now.scored_seconds;
    let mean = match (base.engagement_mean, now.engagement_mean) {
        (Some(a), Some(b)) if secs > 0 => {
            Some((a * base.scored_seconds as f64 + b * now.scored_seconds as f64) / secs as f64)
        }
        (a, b) => b.or(a),
    };
    let pick = |a: Option<f64>, b: Option<f64>, f: fn(f64, f64) -> f64| match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    };
    EngageStats {
        unique_chatters: base.unique_chatters.max(now.unique_chatters),
        messages: base.messages + now.messages,
        engagement_mean: mean,
        engagement_min: pick(base.engagement_min, now.engagement_min, f64::min),
        engagement_max: pick(base.engagement_max, now.engagement_max, f64::max),
        scored_seconds: secs,
        ..now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(u: u64, m: u64, mean: Option<f64>, secs: u64) -> EngageStats {
        EngageStats {
            session_id: 1,
            at: Ts(0),
            unique_chatters: u,
            messages: m,
            engagement_mean: mean,
            engagement_min: mean.map(|x| x - 10.0),
            engagement_max: mean.map(|x| x + 10.0),
            scored_seconds: secs,
        }
    }

    /// A stored moment listed again: its window and its clip as stored.
    #[test]
    fn a_stored_moment_comes_back_with_its_window_and_clip() {
        let at = Ts(1_790_000_100_000);
        let row = StoredMoment {
            id: 4,
            session_id: 1,
            at,
            offset_s: 100.0,
            trigger_type: crate::domain::TriggerType::Keyword,
            trigger_data: serde_json::json!({"count": 5, "keyword": "CLIP"}),
            triggers: serde_json::json!([
                {"type": "keyword", "at": "2026-09-21T14:14:58Z", "strength": 2.0,
                 "data": {"count": 5, "keyword": "CLIP"}},
                {"type": "manual"}
            ]),
            score: 61.0,
            source: crate::domain::MomentSource::Auto,
            clip_start_offset_s: 55.0,
            clip_end_offset_s: 110.0,
            clip_status: ClipStatus::Short,
            clip_path: Some("/d/clips/m4.mp4".into()),
            created_at: at,
        };
        let m = earlier_moment(&row);
        assert_eq!(m.id, Some(4));
        assert_eq!(m.moment.clip_start, at.plus_secs(-45.0));
        assert_eq!(m.moment.clip_end, at.plus_secs(10.0));
        assert_eq!(m.moment.triggers.len(), 2);
        // As stored: the details popup said x0.0 for every trigger of a resumed session.
        assert_eq!(m.moment.triggers[0].strength, 2.0);
        assert_eq!(m.moment.triggers[0].at, at.plus_secs(-2.0));
        // An older row's trigger without a time is placed at its moment, not in 1970.
        assert_eq!(m.moment.triggers[1].at, at);
        assert!(matches!(m.clip, Some(ClipState::AlreadyCut { .. })));
        let pending = StoredMoment {
            clip_status: ClipStatus::Pending,
            clip_path: None,
            ..row
        };
        assert_eq!(
            earlier_moment(&pending).clip,
            None,
            "cut at the stream's end"
        );
    }

    /// A moment listed again after a restart has the name and `+N` the list showed: the
    /// row's type is the strongest trigger's, the trigger the live list names it by.
    #[test]
    fn a_stored_moment_comes_back_with_the_name_and_count_it_was_shown_with() {
        use crate::detect::moments::MomentBuilder;
        use crate::domain::{ManualData, TriggerData, TriggerType};
        let trig = |kind, at_s: i64, strength| Trigger {
            kind,
            at: Ts(1_790_000_000_000 + at_s * 1000),
            strength,
            data: TriggerData::Manual(ManualData::default()),
        };
        let mut b = MomentBuilder::new(&crate::config::Moments::default());
        b.on_trigger(trig(TriggerType::SubBurst, 0, 1.0));
        b.on_trigger(trig(TriggerType::EmoteSpam, 3, 2.5));
        b.on_trigger(trig(TriggerType::Keyword, 4, 1.2));
        let shown = b.close().expect("a sub burst is a moment");
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("kicktui.db");
        let writer = crate::store::StoreWriter::spawn(&db).expect("writer");
        let h = writer.handle();
        let session = h
            .open_session_blocking(crate::store::NewSession {
                channel: "a".into(),
                platform: "kick".into(),
                started_at: shown.at,
                title: None,
                stream_started_at: None,
                stream_id: None,
            })
            .expect("session");
        h.insert_moment_blocking(session, &shown).expect("moment");
        drop(h);
        writer.shutdown().expect("shutdown");
        let rows = Store::open(&db)
            .expect("store")
            .list_moments(&MomentQuery::of_session(session))
            .expect("rows");
        let listed = earlier_moment(&rows[0]).moment;
        assert_eq!(listed.headline(), "EMOTE SPAM");
        assert_eq!(listed.headline(), shown.headline());
        let kinds = |m: &Moment| m.triggers.iter().map(|t| t.kind).collect::<Vec<_>>();
        assert_eq!(
            kinds(&listed),
            kinds(&shown),
            "same triggers, same order: same +N"
        );
    }

    #[test]
    fn a_resumed_sessions_totals_cover_both_runs() {
        let base = stats(40, 1000, Some(60.0), 300);
        let now = stats(25, 500, Some(30.0), 100);
        let sum = added(&base, now);
        assert_eq!(sum.messages, 1500);
        assert_eq!(sum.scored_seconds, 400);
        assert_eq!(sum.unique_chatters, 40);
        assert_eq!(sum.engagement_mean, Some(52.5));
        assert_eq!(sum.engagement_min, Some(20.0));
        assert_eq!(sum.engagement_max, Some(70.0));
        // Nothing scored yet in this run: the earlier run's figures stand.
        let fresh = added(&base, stats(0, 0, None, 0));
        assert_eq!(fresh.engagement_mean, Some(60.0));
        assert_eq!(fresh.messages, 1000);
    }
}
