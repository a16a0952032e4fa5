//! `kicktui replay`: the detectors over a chat log on the log's own clock, as fast as the
//! machine allows. Same input, same output, byte for byte.

pub mod lines;
mod output;
mod pipeline;
pub mod twitch_export;

use std::collections::BTreeMap;

pub use output::{OutputFormat, render};
pub use pipeline::run;
use pipeline::{Slot, State};

use crate::config::Config;
use crate::domain::{Event, Moment, Ts};
use crate::engine::core::{Core, Effect, OffsetBase};
use crate::source::dedup::Dedup;
use lines::{LineItem, parse_line};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayStats {
    pub lines: u64,
    pub chat_messages: u64,
    pub events: BTreeMap<&'static str, u64>,
    pub errors: u64,
    pub first_ts: Option<Ts>,
    pub last_ts: Option<Ts>,
    /// Duplicates dropped (the same message id seen twice).
    pub duplicates: u64,
    /// Lines dated before the line ahead of them (an unsorted log), taken at its time.
    pub late: u64,
    /// The longest silence between two lines, and where it ends (two streams in one log,
    /// such as a capture file several runs appended to).
    pub longest_gap: Option<(f64, Ts)>,
    /// When the log first says the stream went live (a capture's live event): a live run's
    /// moments count from there, replay's from the first event.
    pub went_live: Option<Ts>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayReport {
    pub stats: ReplayStats,
    pub moments: Vec<Moment>,
    /// Subs, gifts, Kicks, donations, raids (few; kept so `--save` can store them).
    pub notable: Vec<(Ts, Event)>,
    /// The chat counts per window and the viewer samples (so `--save` stores what a live
    /// run would: the report's peak rate and viewers).
    pub chat_windows: Vec<crate::engine::core::ChatStats>,
    pub viewer_samples: Vec<(Ts, u32)>,
    /// Chat messages counted (no bots or !commands), distinct chatters and the engagement
    /// score over the log.
    pub counted_messages: u64,
    pub unique_chatters: u64,
    pub engagement: crate::engage::metrics::ScoreStats,
    /// The first error, with its line number, for the text report.
    pub first_error: Option<String>,
}

/// Message ids remembered for de-duplication.
const DEDUP_CAPACITY: usize = 100_000;

/// Feeds events to the core in order and collects what comes out.
pub struct Replayer {
    core: Core,
    /// Made on first use: the pipelined `run` de-duplicates on its reader's thread instead.
    dedup: Option<Dedup>,
    clock: Option<Ts>,
    report: ReplayReport,
}

impl Replayer {
    pub fn new(cfg: &Config) -> Replayer {
        Replayer {
            core: Core::new(cfg, OffsetBase::FirstEvent),
            dedup: None,
            clock: None,
            report: ReplayReport::default(),
        }
    }

    pub fn line(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        self.report.stats.lines += 1;
        let item = parse_line(line);
        self.item(item);
    }

    /// A line decoded elsewhere (the pipelined reader).
    fn decoded(&mut self, slot: &Slot) {
        match &slot.state {
            State::Blank => {}
            State::Item => {
                self.report.stats.lines += 1;
                self.fresh_item(&slot.item);
            }
            State::Duplicate => {
                self.report.stats.lines += 1;
                self.report.stats.duplicates += 1;
            }
            State::Error(e) => {
                self.report.stats.lines += 1;
                self.error(e.clone());
            }
        }
    }

    pub fn item(&mut self, item: Result<LineItem, lines::LineError>) {
        match item {
            Ok(item) => self.line_item(&item),
            Err(e) => self.error(e.to_string()),
        }
    }

    fn line_item(&mut self, item: &LineItem) {
        if let LineItem::Event { key: Some(k), .. } = item
            && self.duplicate(k)
        {
            return;
        }
        self.fresh_item(item);
    }

    /// True (and counted) when `key` was seen before.
    fn duplicate(&mut self, key: &crate::source::dedup::DedupKey) -> bool {
        let dedup = self.dedup.get_or_insert_with(|| Dedup::new(DEDUP_CAPACITY));
        let seen = !dedup.first_time(key);
        self.report.stats.duplicates += u64::from(seen);
        seen
    }

    /// An item past de-duplication (the pipelined reader does that on its own thread).
    fn fresh_item(&mut self, item: &LineItem) {
        if let LineItem::Event { at, event, .. } = item {
            let Some(t) = at.or(self.clock) else {
                self.error("an event with no time before any timed line".into());
                return;
            };
            self.event(t, event);
        }
    }

    fn error(&mut self, msg: String) {
        self.report.stats.errors += 1;
        if self.report.first_error.is_none() {
            self.report.first_error = Some(format!("line {}: {msg}", self.report.stats.lines));
        }
    }

    pub fn event(&mut self, t: Ts, event: &Event) {
        // The log's clock never runs backwards: a late line is taken at the current time.
        let late = self.clock.is_some_and(|c| t.0 + 1000 < c.0);
        let t = self.clock.map_or(t, |c| t.max(c));
        // The core drops money no one sends in one go (and counts it): an unreadable line.
        let dropped = self.core.totals.implausible;
        let effects = self.core.on_event(t, event);
        if self.core.totals.implausible > dropped {
            self.error(format!(
                "an implausible {} (over ${:.0}, 10,000 gifted subs or {} viewers in one go): \
                 taken for garbage",
                event.name(),
                crate::domain::MAX_EVENT_USD,
                crate::text_fit::group_digits(u64::from(crate::domain::MAX_VIEWERS))
            ));
            return;
        }
        if late {
            self.report.stats.late += 1;
        }
        if matches!(event, Event::Live { .. }) {
            self.report.stats.went_live.get_or_insert(t);
        }
        if let Some(c) = self.clock {
            let gap = t.secs_since(c);
            if self.report.stats.longest_gap.is_none_or(|(g, _)| gap > g) {
                self.report.stats.longest_gap = Some((gap, t));
            }
        }
        self.clock = Some(t);
        let stats = &mut self.report.stats;
        stats.first_ts.get_or_insert(t);
        stats.last_ts = Some(t);
        if matches!(event, Event::Chat(_)) {
            stats.chat_messages += 1;
        }
        *stats.events.entry(event.name()).or_insert(0) += 1;
        self.collect(effects);
    }

    fn collect(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Moment(m) => self.report.moments.push(m),
                Effect::Notable { at, event } => self.report.notable.push((at, event)),
                Effect::ChatStats(w) => self.report.chat_windows.push(w),
                Effect::ViewerSample { at, viewers } => {
                    self.report.viewer_samples.push((at, viewers));
                }
                _ => {}
            }
        }
    }

    /// The engagement score's statistics over the log so far (min, max, mean).
    pub fn engagement(&self) -> crate::engage::metrics::ScoreStats {
        self.core.engage.lifetime
    }

    pub fn finish(mut self) -> ReplayReport {
        if let Some(t) = self.clock {
            let effects = self.core.finish(t.plus_ms(1000));
            self.collect(effects);
        }
        self.report.unique_chatters = self.core.engage.unique_chatters();
        self.report.counted_messages = self.core.engage.messages;
        self.report.engagement = self.engagement();
        self.report
    }
}
