//! A restart mid-stream after a crash: the stream's session goes on (`store::resume`), its
//! recording continues after the parts the crashed run wrote, and the session's report waits
//! for the stream's real end.

use super::runner::Engine;
use super::update::Update;
use crate::domain::Ts;
use crate::media::RecordingStatus;
use crate::store::{EngageStats, Store};

impl Engine {
    /// The stream that started at `stream_start` is live: the session a crash closed for it
    /// is opened again; returns it with where its recording stopped. `None` when no session
    /// recorded this stream (or it could not be resumed: a new one opens as usual).
    pub(super) async fn resume_stream(
        &mut self,
        now: Ts,
        stream_start: Ts,
    ) -> Option<(i64, RecordingStatus)> {
        let held = self.engage.held_reports.clone();
        if held.is_empty() {
            return None;
        }
        let dir = self.engage.data_dir.clone();
        let found = tokio::task::spawn_blocking(move || {
            let store = Store::open_in(&dir).map_err(|e| e.to_string())?;
            let r = store
                .resumable(&held, stream_start)
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(r.map(|r| {
                let status = RecordingStatus::after_earlier_run(&r.recordings);
                (r, status)
            }))
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        let (r, status) = match found {
            Ok(found) => found?,
            Err(e) => {
                tracing::error!("cannot look for the session to resume: {e}");
                return None;
            }
        };
        let (id, merged) = self.sessions.resume(now, r.session_id).await?;
        // A segment begun in a waiting room now merged: its rows moved to the resumed session.
        if let Some(open) = self.engage.segments_mut().current_mut()
            && merged.is_some()
            && open.session == merged
        {
            open.session = Some(id);
        }
        // The live event's start may be a second off the stored one: offsets keep one origin.
        self.core.set_stream_start(r.stream_started_at);
        self.engage.held_reports.retain(|&h| h != id);
        self.engage.base_stats = r.engage;
        self.feed.send(Update::Note(format!(
            "Session {id} goes on: its stream is still live (what happened while kicktui was \
             down is missing)"
        )));
        Some((id, status))
    }

    /// The reports held at start (sessions a crash closed mid-stream), once it is known that
    /// their stream did not go on: another stream is live, the channel is offline, or
    /// kicktui stops.
    pub(super) async fn report_held(&mut self) {
        for id in std::mem::take(&mut self.engage.held_reports) {
            self.feed.send(Update::Note(format!(
                "Saving the report of session {id}, closed after the crash"
            )));
            self.engage_report(Some(id), false).await;
        }
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
