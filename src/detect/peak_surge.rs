//! Surges: the last few seconds far above the busiest window seen so far, most chatters typing
//! the same thing. They fire at once, even in the warm-up (no blind start).

use super::PeakDetector;
use crate::detect::emote_words::fold_hash;
use crate::detect::velocity::round2;
use crate::domain::{SurgeData, Trigger, TriggerData, TriggerType, Ts};

/// A surge needs this much history to be "far above anything seen so far".
const SURGE_MIN_HISTORY_S: usize = 5;
/// A surge is judged on the last few seconds (so it is found within seconds)…
const SURGE_SPAN_S: usize = 5;
/// …and is people typing the same thing: this share of messages share a word.
const SURGE_TOP_SHARE: f64 = 0.3;
/// The first words of a stream: a flood of these is people arriving, not a reaction.
const GREETINGS: [&str; 14] = [
    "hi", "hello", "hey", "heya", "yo", "sup", "hola", "hallo", "live", "welcome", "gm", "o7",
    "hii", "hiii",
];

impl PeakDetector {
    /// The window ending at the newest second: far above anything seen so far?
    pub(super) fn surge(&mut self, end: Ts, now: u32) -> Option<Trigger> {
        let bins = self.bins.len();
        if self.seconds < SURGE_MIN_HISTORY_S + self.window || bins < SURGE_SPAN_S {
            return None;
        }
        let span = bins - SURGE_SPAN_S..bins;
        let recent: u32 = self.bins.range(span.clone()).map(|b| b.count).sum();
        // Rates: the last seconds against the busiest window seen before them.
        let rate = recent as f64 / SURGE_SPAN_S as f64;
        let highest_rate = self.highest.max(1) as f64 / self.window as f64;
        if rate < self.cfg.surge_ratio * highest_rate {
            return None;
        }
        let chatters: u32 = self.bins.range(span.clone()).map(|b| b.chatters).sum();
        if chatters < self.cfg.surge_min_chatters {
            return None;
        }
        let (top, share) = self.top_word(span.start, span.end, recent);
        let greeting = GREETINGS.iter().any(|g| fold_hash(g) == top);
        let at = end.plus_ms(-(self.cfg.lead_seconds as i64) * 1000);
        if share < SURGE_TOP_SHARE || greeting || !self.gap_ok(at, now) {
            return None;
        }
        let new_reaction = self.inside_gap(at);
        self.last_fire = Some(at);
        self.last_count = now;
        let highest_before = self.highest;
        self.highest = self.highest.max(now);
        Some(Trigger {
            kind: TriggerType::ChatVelocity,
            at,
            strength: 9.9,
            data: TriggerData::Surge(SurgeData {
                chatters,
                highest_before,
                highest_rate_before: round2(highest_rate),
                rate: round2(rate),
                same_word_share: round2(share),
                window_s: SURGE_SPAN_S,
                new_reaction,
            }),
        })
    }
}
