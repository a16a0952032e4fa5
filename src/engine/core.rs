//! The pure core: events and time in, effects out. The same code runs live, in replay and in
//! tests; it never reads a clock, never does I/O, never awaits.

use crate::config::Config;
use crate::detect::clip_requests::ClipRequests;
use crate::detect::emotes::EmoteDetector;
use crate::detect::events::{EventDetector, ViewerDetector};
use crate::detect::filter::ChatFilter;
use crate::detect::keywords::KeywordDetector;
use crate::detect::moments::MomentBuilder;
use crate::detect::peak::PeakDetector;
use crate::detect::velocity::VelocityDetector;
use crate::domain::{Event, ManualData, Moment, Trigger, Ts};
use crate::engage::Metrics;
use crate::engage::metrics::Held;

pub use super::effect::{ChatStats, Effect, OffsetBase};

pub struct Core {
    filter: ChatFilter,
    velocity: VelocityDetector,
    keywords: KeywordDetector,
    emotes: EmoteDetector,
    events: EventDetector,
    viewers: ViewerDetector,
    moments: MomentBuilder,
    /// Chat moments from scored peaks (default); None: from the velocity/keyword/emote rules.
    peaks: Option<PeakDetector>,
    clip_requests: ClipRequests,
    /// Peaks mode: the strongest recent keyword / emote triggers, attached to the next peak
    /// as confirmers (they name it: "CLIP (5x)"), never a moment on their own.
    confirmers: Vec<Trigger>,
    offset_base: OffsetBase,
    stats_window_s: u32,
    warmup_ms: i64,
    raid_damping_ms: i64,
    origin: Option<Ts>,
    stream_start: Option<Ts>,
    /// The second currently collecting events (seconds since the epoch).
    second: Option<i64>,
    source_down: bool,
    /// How the open moment was last announced as building (`None`: not yet).
    building_shown: Option<seconds::Shown>,
    /// When chat last made a trigger (the second it closed; not `!clip` requests).
    chat_fired: Option<Ts>,
    /// The platform's id of the broadcast live now, when known.
    stream_id: Option<u64>,
    quiet_until: Ts,
    /// The channel has been seen offline in this run: a "live" without a start time after it
    /// is a stream starting now, not one joined while running.
    seen_offline: bool,
    /// The live stream's start is kicktui's own guess (live said without a start time): a
    /// real, earlier one that comes later replaces it.
    start_guessed: bool,
    /// The end of a raid's damping (kept apart: the warm-up may be shortened, never it).
    raid_until: Ts,
    stats: ChatStats,
    /// When the collecting window started early (after a partial flush), in ms.
    stats_since: Option<i64>,
    pub totals: Totals,
    /// Engagement, chat velocity, chatters and money for the bandit and the panes.
    pub engage: Metrics,
}

/// Running counts for the status line and reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    /// Events with implausible money, dropped ([`Event::is_plausible`]).
    pub implausible: u64,
    pub chat_messages: u64,
    pub counted_messages: u64,
    pub moments: u64,
    pub is_live: bool,
}

impl Core {
    pub fn new(cfg: &Config, offset_base: OffsetBase) -> Core {
        let mut moments_cfg = cfg.moments.clone();
        if cfg.peaks.enabled {
            // A scored peak or a clip request stands alone: the model already weighed agreement.
            moments_cfg.min_chat_kinds = 1;
        }
        Core {
            filter: ChatFilter::new(&cfg.chat),
            velocity: VelocityDetector::new(&cfg.velocity, cfg.chat.window_seconds),
            keywords: KeywordDetector::new(
                &cfg.keywords,
                cfg.chat.window_seconds,
                cfg.keywords.relative,
            ),
            emotes: EmoteDetector::new(&cfg.emotes, cfg.emotes.relative)
                .with_phrase_text(cfg.general.store_chat_text),
            events: EventDetector::new(&cfg.events),
            viewers: ViewerDetector::new(&cfg.viewers),
            moments: MomentBuilder::new(&moments_cfg),
            peaks: cfg.peaks.enabled.then(|| PeakDetector::new(&cfg.peaks)),
            clip_requests: ClipRequests::new(&cfg.chat),
            confirmers: Vec::new(),
            offset_base,
            stats_window_s: cfg.chat.window_seconds,
            warmup_ms: cfg.chat.warmup_seconds as i64 * 1000,
            raid_damping_ms: cfg.chat.raid_damping_seconds as i64 * 1000,
            origin: None,
            stream_start: None,
            second: None,
            source_down: false,
            building_shown: None,
            chat_fired: None,
            stream_id: None,
            quiet_until: Ts(i64::MIN),
            seen_offline: false,
            start_guessed: false,
            raid_until: Ts(i64::MIN),
            stats: ChatStats::default(),
            stats_since: None,
            totals: Totals::default(),
            engage: Metrics::new(&cfg.engagement, cfg.revenue.sub_price_usd),
        }
    }

    /// Tells the core the stream's start (from the channel API), for offsets.
    /// `known`: the platform's start, not a guess a later real one should replace.
    pub fn set_stream_start(&mut self, t: Ts, known: bool) {
        self.stream_start = Some(t);
        if known {
            self.start_guessed = false;
        }
    }

    pub fn on_event(&mut self, t: Ts, ev: &Event) -> Vec<Effect> {
        if !ev.is_plausible() {
            self.totals.implausible += 1;
            return Vec::new();
        }
        let mut out = Vec::new();
        self.advance(t, &mut out);
        let t = self.second.map_or(t, |s| t.max(Ts(s * 1000)));
        match ev {
            Event::Chat(msg) => {
                self.totals.chat_messages += 1;
                if !self.filter.is_bot(msg)
                    && let Some(trig) = self.clip_requests.on_message(t, msg.user_id, &msg.text)
                {
                    self.trigger(trig, &mut out);
                }
                if self.filter.counts(msg) {
                    self.totals.counted_messages += 1;
                    self.stats.messages += 1;
                    self.engage.on_chat(t, msg.user_id);
                    self.velocity.on_message(t, msg.user_id);
                    let hits = self.keywords.on_message(t, msg.user_id, &msg.text);
                    self.stats.keyword_hits += hits.count_ones();
                    self.emotes.on_message(t, msg);
                    if let Some(p) = &mut self.peaks {
                        p.on_message(t, msg.user_id, &msg.text);
                    }
                    self.stats.emote_hits += msg.emotes.len() as u32;
                }
            }
            Event::Live {
                title,
                started_at,
                stream_id,
            } => self.on_live(t, title, *started_at, *stream_id, &mut out),
            Event::Offline {
                ended_at,
                stream_id,
            } => self.on_offline(t, *ended_at, *stream_id, &mut out),
            Event::Viewers { count } => {
                self.engage.on_viewers(*count);
                out.push(Effect::ViewerSample {
                    at: t,
                    viewers: *count,
                });
                if let Some(trig) = self.viewers.on_sample(t, *count) {
                    self.trigger(trig, &mut out);
                }
            }
            Event::ChatModeChanged => self.velocity.reset_baseline(),
            Event::SourceDown => {
                self.source_down = true;
                self.engage.chat_down();
            }
            Event::SourceUp => {
                self.source_down = false;
                self.engage.chat_up(t);
            }
            Event::Raid { .. } => {
                self.raid_until = self.raid_until.max(t.plus_ms(self.raid_damping_ms));
                self.engage
                    .hold_rewards(t.plus_ms(self.raid_damping_ms), Held::Raid);
                out.push(Effect::Notable {
                    at: t,
                    event: ev.clone(),
                });
                if let Some(trig) = self.events.on_event(t, ev) {
                    self.trigger(trig, &mut out);
                }
            }
            Event::Subscription { .. }
            | Event::GiftedSubs { .. }
            | Event::Kicks { .. }
            | Event::Donation { .. }
            | Event::Bits { .. } => {
                self.engage.on_event(t, ev);
                out.push(Effect::Notable {
                    at: t,
                    event: ev.clone(),
                });
                if let Some(trig) = self.events.on_event(t, ev) {
                    self.trigger(trig, &mut out);
                }
            }
            Event::MessageDeleted { .. } | Event::Ban { .. } => {}
        }
        out
    }

    /// The chat source said it is down (and not yet back).
    pub fn source_is_down(&self) -> bool {
        self.source_down
    }

    /// Time passes without events (the live engine ticks once a second).
    pub fn on_tick(&mut self, t: Ts) -> Vec<Effect> {
        let mut out = Vec::new();
        self.advance(t, &mut out);
        out
    }

    /// A person marked a moment at `t`.
    pub fn mark(&mut self, t: Ts, note: Option<&str>) -> Moment {
        let data = ManualData {
            note: note.map(str::to_string),
        };
        let mut m = self.moments.manual(t, data);
        self.fill_offsets(&mut m);
        self.totals.moments += 1;
        m
    }

    /// End of input: closes the open moment.
    pub fn finish(&mut self, t: Ts) -> Vec<Effect> {
        let mut out = Vec::new();
        self.advance(t, &mut out);
        if let Some(m) = self.moments.close() {
            self.push_moment(m, &mut out);
        }
        self.flush_stats(t, &mut out);
        out
    }
}

// Time moving on: each closed second runs the detectors and turns triggers into moments.
#[path = "core_seconds.rs"]
mod seconds;

// The stream going live and offline.
#[path = "core_live.rs"]
mod live;

// What the front ends read from the core.
#[path = "core_view.rs"]
mod view;

#[cfg(test)]
#[path = "core_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "core_count_tests.rs"]
mod count_tests;

#[cfg(test)]
#[path = "core_surge_tests.rs"]
mod surge_tests;

#[cfg(test)]
#[path = "core_gap_tests.rs"]
mod gap_tests;

#[cfg(test)]
#[path = "core_naming_tests.rs"]
mod naming_tests;
