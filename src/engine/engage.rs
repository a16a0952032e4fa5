//! The engine's side of the engagement loop: the current activity and its segments, the
//! bandit (loaded at start, saved after every update), the suggestion, and the report when a
//! session ends; the engagement part of each snapshot, the context line and revenue points are
//! in `engage/snapshot.rs`, activity switches and closed segments in `engage/switch.rs`. The
//! arithmetic is in the pure `engage` module; this file only wires it to the store, the state
//! file and the feed. `runner.rs` calls these hooks.

use std::path::{Path, PathBuf};

use super::bandit_file;
use super::runner::Engine;
use super::update::Update;
use super::view::ArmView;
use crate::config::Config;
use crate::domain::Ts;
use crate::engage::segments::{Segments, earning_seconds};
use crate::engage::{SplitMix, ThompsonBandit};

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
             and a quarter of min_segment_seconds must be credited after them"
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
mod switch;

#[cfg(test)]
#[path = "engage_tests.rs"]
mod tests;
