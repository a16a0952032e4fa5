//! Activity switches: a person's (or the demo streamer's) pick starts a segment, the one it
//! ends is stored with its reward, and the bandit learns from it and is saved.

use super::super::bandit_file;
use super::super::runner::Engine;
use super::super::update::Update;
use crate::domain::Ts;
use crate::engage::segments::{Closed, QUICK_SWITCH_S};
use crate::store::{EngageOp, WriteOp};

impl Engine {
    /// The streamer picked an activity (a key, or a line typed headless): it gets its turn.
    /// `said`: how the log line begins ("Activity", or who else switched).
    pub(in crate::engine) async fn set_activity(&mut self, name: &str, now: Ts, said: &str) {
        let Some(i) = crate::engage::arm_index(self.engage.bandit.names(), name) else {
            let arms = self.engage.bandit.names().join(", ");
            self.feed.send(Update::Note(format!(
                "unknown activity {name:?}; the activities are: {arms}"
            )));
            return;
        };
        let name = self.engage.bandit.names()[i].clone();
        if self.engage.activity() == Some(name.as_str()) {
            // Headless, a typed line needs an answer (the TUI flashes it too).
            self.feed
                .send(Update::Note(format!("{said}: {name} (already on)")));
            return;
        }
        let suggested = self.engage.suggestion_to_follow().map(str::to_string);
        let from = self.engage.activity().map(str::to_string);
        let advice = match &suggested {
            Some(s) if *s == name => " (the bandit's suggestion)".to_string(),
            Some(s) => format!(" (the bandit suggested {s})"),
            None => String::new(),
        };
        let turn = format!(
            "; {name} gets {} before the next suggestion",
            crate::time::format_offset_words(self.engage.turn_ms as f64 / 1000.0)
        );
        let line = match from {
            Some(f) => format!("{said}: {f} → {name}{advice}{turn}"),
            None => format!("{said}: {name}{advice}{turn}"),
        };
        // Said before the closed segment's line, whose reward changes the suggestion: the
        // switch was made on the suggestion above, not on the one that follows.
        // A note reaches the log: the TUI logs it, headless prints and logs it.
        self.feed.send(Update::Note(line));
        self.engage.give_turn(now);
        self.start_segment(&name, now, suggested).await;
    }

    /// A resumed stream's activity from before the restart, if it is still an arm (the
    /// config may have changed): nobody chose it on a suggestion, so none is recorded.
    pub(in crate::engine) async fn resume_activity(&mut self, name: &str, now: Ts) {
        if !self.engage.bandit.names().iter().any(|a| a == name) {
            return;
        }
        self.feed.send(Update::Note(format!(
            "Activity: {name} (as before the restart)"
        )));
        self.start_segment(name, now, None).await;
    }

    pub(in crate::engine) async fn start_segment(
        &mut self,
        name: &str,
        now: Ts,
        suggested: Option<String>,
    ) {
        // Only a live stream's segments are stored: one set while offline (waiting to go live)
        // would join the stream's report once its waiting room becomes the stream's.
        let session = self.sessions.current_live();
        let stats = self.core.engage.lifetime;
        let closed = self
            .engage
            .segments
            .start(name, now, stats, session, suggested.clone());
        if let Some(c) = closed {
            self.finish_segment(c).await;
            // The chat window still holds the previous activity's chat.
            self.core.engage.settle_after_switch(now);
        }
        if let Some(session_id) = session {
            let op = EngageOp::StartActivity {
                session_id,
                name: name.to_string(),
                started_at: now,
                suggested,
            };
            match self.store.send(WriteOp::Engage(op)).await {
                Ok(id) => {
                    if let Some(o) = self.engage.segments.current_mut() {
                        o.row = Some(id);
                    }
                }
                Err(e) => tracing::error!("activity segment not saved: {e}"),
            }
        }
    }

    /// Stores a finished segment; a long enough one updates the bandit, which is saved.
    pub(in crate::engine) async fn finish_segment(&mut self, c: Closed) {
        let secs = crate::time::format_hms(c.seconds());
        let engagement = c
            .engagement
            .map_or("no score".into(), |e| format!("engagement {e:.1}"));
        let (reward, note, line) = match (&c.reward, c.session) {
            (_, None) => {
                // Before the stream (waiting to go live) or between streams: nothing to judge
                // and nothing to store; only the log file hears of it (not of the instant one
                // `--activity` opens when the stream is live already).
                if c.seconds() >= QUICK_SWITCH_S {
                    tracing::info!(
                        "segment {} ({secs}) outside a stream session: no reward",
                        c.name
                    );
                }
                return;
            }
            (Err(why), Some(_)) => {
                let line = format!(
                    "Segment {} ({secs}, {engagement}): no reward, {why}",
                    c.name
                );
                (None, Some(why.clone()), line)
            }
            (Ok(r), Some(_)) => {
                self.engage.bandit.update(&c.name, *r);
                let saved = self.save_bandit();
                self.engage.suggest();
                self.engage.refresh_arms();
                // During a turn the switch's line said when the next suggestion comes.
                let next = match self.engage.fresh_from {
                    Some(_) => String::new(),
                    None => format!(
                        "; bandit suggests {}",
                        self.engage.suggestion.as_deref().unwrap_or("-")
                    ),
                };
                let line = format!(
                    "Segment {} ({secs}, {engagement}): reward {r:.3}; {saved}{next}",
                    c.name
                );
                (Some(*r), None, line)
            }
        };
        // A note reaches the log: the TUI logs it, headless prints and logs it. An activity
        // left within seconds (keys pressed in a row) is not worth a line each.
        if reward.is_none() && c.seconds() < QUICK_SWITCH_S {
            tracing::debug!("{line}");
        } else {
            self.feed.send(Update::Note(line));
        }
        let Some(session_id) = c.session else { return };
        let row = match c.row {
            Some(id) => Some(id),
            None => {
                let op = EngageOp::StartActivity {
                    session_id,
                    name: c.name.clone(),
                    started_at: c.start,
                    suggested: c.suggested.clone(),
                };
                self.store.send(WriteOp::Engage(op)).await.ok()
            }
        };
        if let Some(id) = row {
            let op = EngageOp::EndActivity {
                id,
                ended_at: c.end,
                engagement: c.engagement,
                reward,
                note,
            };
            if let Err(e) = self.store.send(WriteOp::Engage(op)).await {
                tracing::error!("activity segment not saved: {e}");
            }
        }
    }

    pub(in crate::engine) fn save_bandit(&mut self) -> String {
        if !self.engage.can_save {
            return "bandit NOT saved (its file was unreadable; see the log)".into();
        }
        let h = &self.engage;
        match bandit_file::save(
            &h.bandit_path,
            &h.channel,
            &h.bandit,
            crate::time::wall_now(),
        ) {
            Ok(()) => "bandit saved".into(),
            Err(e) => {
                tracing::error!("bandit state not saved: {e}");
                format!("bandit NOT saved: {e}")
            }
        }
    }
}
