//! The engine's side of the engagement loop: the current activity and its segments, the
//! bandit (loaded at start, saved after every update), the suggestion, and the report when a
//! session ends; the engagement part of each snapshot, the context line and revenue points are
//! in `engage/snapshot.rs`. The arithmetic is in the pure `engage` module; this file only
//! wires it to the store, the state file and the feed. `runner.rs` calls these hooks.

use std::path::{Path, PathBuf};

use super::bandit_file;
use super::runner::Engine;
use super::update::Update;
use super::view::ArmView;
use crate::config::Config;
use crate::domain::Ts;
use crate::engage::segments::{Closed, QUICK_SWITCH_S, Segments, earning_seconds};
use crate::engage::{SplitMix, ThompsonBandit};
use crate::store::{EngageOp, WriteOp};

pub struct EngageHook {
    pub(super) channel: String,
    pub(super) data_dir: PathBuf,
    bandit_path: PathBuf,
    bandit: ThompsonBandit,
    can_save: bool,
    load_note: Option<String>,
    /// Said at start when `min_segment_seconds` lets through segments that cannot be scored.
    short_segments_note: Option<String>,
    rng: SplitMix,
    segments: Segments,
    /// The bandit's latest draw; shown once `fresh_from` has passed.
    suggestion: Option<String>,
    /// After a switch the new activity gets its turn: until then the suggestion is to keep it
    /// (a fresh draw the second the switch was made said "go back" half the time).
    fresh_from: Option<Ts>,
    /// The turn a new activity gets, in ms: as long as a segment needs to earn a reward.
    turn_ms: i64,
    /// A person has picked an activity: the demo's simulated switches stop counting.
    person_picked: bool,
    start_activity: Option<String>,
    pub(super) sub_price_usd: f64,
    context_every_ms: i64,
    last_context: Option<Ts>,
    last_stats: Option<Ts>,
    arms: Vec<ArmView>,
    revenue_seq: u64,
    /// Reports owed at this start (sessions a crash left open among them): written first.
    pub(super) recovered: super::recovery::OwedReports,
    /// Sessions a crash closed mid-stream: whether their stream goes on is known once the
    /// live state is (`engine::resume`); the reports owed among them wait until then.
    pub(super) held_reports: Vec<super::resume::HeldStream>,
    /// A resumed session's engagement totals from before the crash, added to this run's.
    pub(super) base_stats: Option<crate::store::EngageStats>,
    /// Sessions that went offline: each report waits for its end-of-stream clips, so the
    /// report's moments say where they are.
    pub(super) report_after_clips: Vec<i64>,
}

/// Who changed the activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switcher {
    /// A key, or a line typed headless.
    Person,
    /// The demo's simulated streamer.
    DemoStreamer,
}

/// A segment's first `window_seconds` still measure the activity before it, and a reward needs
/// a quarter of `min_segment_seconds` counted after them: when that takes longer than
/// `min_segment_seconds`, segments of that length earn nothing, a trap worth naming.
fn short_segments_note(cfg: &Config) -> Option<String> {
    let (min, window) = (
        cfg.bandit.min_segment_seconds,
        cfg.engagement.window_seconds,
    );
    let earn = earning_seconds(min, window);
    (earn > min).then(|| {
        format!(
            "note: [bandit] min_segment_seconds is {min}, but a segment needs {earn} s to earn a \
             reward: its first {window} s ([engagement] window_seconds) are not credited to it, \
             and then a quarter of min_segment_seconds must be"
        )
    })
}

impl EngageHook {
    /// Whether a switch is made, and how its log line begins: the demo's simulated streamer
    /// switches until a person picks an activity, then never again (theirs wins even when
    /// both arrive at once), and its switches are said as its own.
    pub(super) fn switch_by(&mut self, who: Switcher) -> Option<&'static str> {
        match who {
            Switcher::Person => {
                self.person_picked = true;
                Some("Activity")
            }
            Switcher::DemoStreamer => {
                (!self.person_picked).then_some("Activity (the demo's streamer)")
            }
        }
    }

    /// Loads the channel's bandit from `<data dir>/bandit_state.json`.
    pub fn new(cfg: &Config, data_dir: &Path, channel: &str, now: Ts) -> EngageHook {
        let bandit_path = bandit_file::path_in(data_dir);
        let loaded = bandit_file::load(&bandit_path, channel, &cfg.bandit.arms, now);
        let mut hook = EngageHook {
            channel: channel.to_string(),
            data_dir: data_dir.to_path_buf(),
            bandit_path,
            bandit: loaded.bandit,
            can_save: loaded.can_save,
            load_note: Some(loaded.note),
            short_segments_note: short_segments_note(cfg),
            // Any seed will do; the time makes runs differ.
            rng: SplitMix::new(now.0 as u64 ^ 0x5eed),
            segments: Segments::new(cfg.bandit.min_segment_seconds),
            suggestion: None,
            fresh_from: None,
            person_picked: false,
            turn_ms: i64::from(earning_seconds(
                cfg.bandit.min_segment_seconds,
                cfg.engagement.window_seconds,
            )) * 1000,
            start_activity: cfg.bandit.start_activity.clone(),
            sub_price_usd: cfg.revenue.sub_price_usd,
            context_every_ms: i64::from(cfg.bandit.context_interval_seconds) * 1000,
            last_context: None,
            last_stats: None,
            arms: Vec::new(),
            revenue_seq: 0,
            recovered: Default::default(),
            held_reports: Vec::new(),
            base_stats: None,
            report_after_clips: Vec::new(),
        };
        hook.refresh_arms();
        hook
    }

    pub fn with_recovered(mut self, owed: super::recovery::OwedReports) -> EngageHook {
        self.recovered = owed;
        self
    }

    fn refresh_arms(&mut self) {
        self.arms = self
            .bandit
            .state()
            .into_iter()
            .map(|a| ArmView {
                name: a.name,
                mean: a.mean,
                low: a.low,
                high: a.high,
                pulls: a.pulls,
            })
            .collect();
    }

    fn suggest(&mut self) {
        let i = self.bandit.select(&mut self.rng);
        self.suggestion = i.and_then(|i| self.bandit.names().get(i).cloned());
    }

    /// What the bandit suggests now: the activity on, while it has its turn.
    pub fn suggestion(&self) -> Option<&str> {
        match self.fresh_from {
            Some(_) => self.activity(),
            None => self.suggestion.as_deref(),
        }
    }

    /// The draw a switch follows or ignores, for the report's "suggestions followed". During
    /// a turn there is none: "keep it" is the turn, not the bandit's draw.
    /// A draw of the activity already on ("keep it") is none either: staying records nothing,
    /// so leaving could only ever count as ignoring it.
    fn suggestion_to_follow(&self) -> Option<&str> {
        match self.fresh_from {
            Some(_) => None,
            None => self
                .suggestion
                .as_deref()
                .filter(|s| Some(*s) != self.activity()),
        }
    }

    /// The activity on gets its turn from `now`.
    fn give_turn(&mut self, now: Ts) {
        self.fresh_from = Some(now.plus_ms(self.turn_ms));
    }

    /// Past the turn: a fresh draw (the last one is as old as the switch).
    pub(super) fn turn_over(&mut self, now: Ts) {
        if self.fresh_from.is_some_and(|t| now >= t) {
            self.fresh_from = None;
            self.suggest();
        }
    }

    pub fn activity(&self) -> Option<&str> {
        self.segments.current().map(|o| o.name.as_str())
    }

    pub fn bandit(&self) -> &ThompsonBandit {
        &self.bandit
    }
}

impl Engine {
    /// At start: closes sessions a crash left open (and writes their reports), says where
    /// the bandit came from, draws a first suggestion and starts `--activity`.
    pub(super) async fn engage_start(&mut self, now: Ts) {
        if let Some(note) = self.engage.load_note.take() {
            self.feed.send(Update::Note(note));
        }
        if let Some(note) = self.engage.short_segments_note.take() {
            self.feed.send(Update::Note(note));
        }
        self.report_recovered().await;
        self.engage.suggest();
        if let Some(name) = self.engage.start_activity.take() {
            self.start_segment(&name, now, None).await;
            self.feed.send(Update::Note(format!("Activity: {name}")));
        }
    }

    /// The streamer picked an activity (a key, or a line typed headless): it gets its turn.
    /// `said`: how the log line begins ("Activity", or who else switched).
    pub(super) async fn set_activity(&mut self, name: &str, now: Ts, said: &str) {
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
    pub(super) async fn resume_activity(&mut self, name: &str, now: Ts) {
        if !self.engage.bandit.names().iter().any(|a| a == name) {
            return;
        }
        self.feed.send(Update::Note(format!(
            "Activity: {name} (as before the restart)"
        )));
        self.start_segment(name, now, None).await;
    }

    async fn start_segment(&mut self, name: &str, now: Ts, suggested: Option<String>) {
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
    async fn finish_segment(&mut self, c: Closed) {
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

    fn save_bandit(&mut self) -> String {
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

    /// A session opened (the channel went live): the activity goes on in a new segment.
    pub(super) async fn engage_session_opened(&mut self, now: Ts) {
        if let Some(name) = self.engage.activity().map(str::to_string) {
            // Going live chose nothing: the activity's segment carries the suggestion it was
            // picked on (none for the one kicktui started on).
            let suggested = self
                .engage
                .segments
                .current()
                .and_then(|o| o.suggested.clone());
            self.start_segment(&name, now, suggested).await;
        }
    }

    /// The open session ends at `at`: its segment closes (and teaches the bandit) and its
    /// totals are stored. `go_on`: the activity continues (the channel went offline; kicktui
    /// keeps running). Returns the session, for [`Engine::engage_report`].
    pub(super) async fn engage_session_ending(&mut self, at: Ts, go_on: bool) -> Option<i64> {
        let session = self.sessions.current();
        let stats = self.core.engage.lifetime;
        let open = self
            .engage
            .segments
            .current()
            .map(|o| (o.name.clone(), o.suggested.clone()));
        // The stream's end ends a turn: the next stream opens on a real draw.
        if self.engage.fresh_from.take().is_some() {
            self.engage.suggest();
        }
        if let Some(c) = self.engage.segments.close(at, stats) {
            self.finish_segment(c).await;
        }
        if go_on && let Some((name, suggested)) = open {
            self.engage
                .segments
                .start(&name, at, stats, None, suggested);
        }
        if let Some(op) = self.engage_stats(at)
            && let Err(e) = self.store.send(op).await
        {
            tracing::error!("engagement totals not saved: {e}");
        }
        session
    }
}

mod snapshot;

#[cfg(test)]
#[path = "engage_tests.rs"]
mod tests;
