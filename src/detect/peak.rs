//! Chat peaks: the message count over a 15 s window, taken at its local maximum (confirmed
//! `confirm_seconds` later) and scored by the peak model. Chat reacts 15–30 s after what
//! happened, so the moment is placed `lead_seconds` before the window's end.
//!
//! A surge far above anything seen so far (many chatters typing the same thing) fires at
//! once, even in the warm-up when ordinary peaks are held back: no blind start.

use std::collections::VecDeque;

use super::emote_words::fold_hash;
use super::peak_model::{WindowFeatures, reaction_matcher};
use super::velocity::round2;
use crate::config::Peaks as PeaksConfig;
use crate::domain::{PeakData, Trigger, TriggerData, TriggerType, Ts, emote_tags_as_words};
use aho_corasick::AhoCorasick;
use rustc_hash::FxHashMap;

/// Words of a message looked at for "everyone types the same thing".
const MAX_WORDS: usize = 8;
/// A window this much above its usual level is a peak worth scoring.
const MIN_RATIO: f64 = 1.3;
/// …with at least this many messages…
const MIN_COUNT: u32 = 3;
/// A peak this many times the last moment's window count is a new reaction even inside
/// `min_gap_seconds` (the gap is for the tail of one reaction, not a far bigger one).
const GAP_BREAK_RATIO: u32 = 3;
/// …from at least this many chatters: on a small channel a few regulars talking at once is
/// not a reaction (on the thinned real chats it cut false alarms by a fifth, recall kept).
const MIN_CHATTERS: u32 = 4;
/// Seconds of history a baseline needs.
const MIN_BASELINE_S: usize = 60;
/// A chat whose usual 15 s window holds fewer messages than this (about 0.27 msg/s) is quiet…
const QUIET_BASELINE: f64 = 4.0;
/// …and its bar (`min_probability`) is lowered by up to this much in log-odds.
const QUIET_BAR_DROP: f64 = 0.6;
/// The span `top_per_hour` ranks peaks over.
const HOUR_MS: i64 = 3_600_000;

#[derive(Clone, Debug, Default)]
struct Bin {
    count: u32,
    chatters: u32,
    chars: u32,
    short: u32,
    reactions: u32,
    /// Distinct word hashes per message, concatenated.
    words: Vec<u64>,
}

/// The chat-peak bar in msg/s of counted chat (no bots or commands, a chatter at most twice
/// a window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeakBar {
    pub rate: f64,
    pub usual: f64,
    /// The window ending now, in the same units.
    pub now: f64,
}

pub struct PeakDetector {
    cfg: PeaksConfig,
    window: usize,
    matcher: Option<AhoCorasick>,
    cur: Bin,
    /// The last `window + confirm` closed seconds.
    bins: VecDeque<Bin>,
    /// Window counts per closed second, newest last.
    counts: VecDeque<u32>,
    seconds: usize,
    best_before: f64,
    /// The highest window count that has left the current window (for surges).
    highest: u32,
    last_fire: Option<Ts>,
    /// The window count of the last peak or surge that fired.
    last_count: u32,
    /// Scored peaks of the last hour (time, probability), oldest first.
    recent: VecDeque<(Ts, f64)>,
    users: FxHashMap<u64, [i64; 2]>,
    last_prune: i64,
    scratch: FxHashMap<u64, u32>,
    /// After a gap: the window is filling again, and its counts are not the chat's yet.
    refilling: bool,
}

impl PeakDetector {
    pub fn new(cfg: &PeaksConfig) -> Self {
        let window = cfg.window_seconds.max(1) as usize;
        PeakDetector {
            cfg: cfg.clone(),
            window,
            matcher: reaction_matcher(),
            cur: Bin::default(),
            bins: VecDeque::new(),
            counts: VecDeque::new(),
            seconds: 0,
            best_before: 1.0,
            highest: 0,
            last_fire: None,
            last_count: 0,
            recent: VecDeque::new(),
            users: FxHashMap::default(),
            last_prune: 0,
            scratch: FxHashMap::default(),
            refilling: false,
        }
    }

    /// A second without a chat connection (or before the first): nothing is learnt from it,
    /// and the window starts over once chat is back. Counted as seconds of quiet chat, a gap
    /// lowered the usual level, and ordinary chat after it read as a peak.
    pub fn skip_second(&mut self) {
        self.cur = Bin::default();
        self.bins.clear();
        self.refilling = true;
    }

    fn window_ms(&self) -> i64 {
        self.window as i64 * 1000
    }

    /// A counted chat message (no bots, no commands) at `t`.
    pub fn on_message(&mut self, t: Ts, user: u64, text: &str) {
        let window_ms = self.window_ms();
        let last = self.users.entry(user).or_insert([i64::MIN / 2; 2]);
        // A chatter counts at most twice per window: one spammer is not a reaction.
        if t.0 - last[0] < window_ms {
            return;
        }
        if t.0 - last[1] >= window_ms {
            self.cur.chatters += 1;
        }
        *last = [last[1], t.0];
        if t.0 - self.last_prune > 60_000 {
            self.users.retain(|_, l| t.0 - l[1] < window_ms);
            self.last_prune = t.0;
        }
        let text = emote_tags_as_words(text);
        let bin = &mut self.cur;
        bin.count += 1;
        bin.chars += text.chars().count() as u32;
        if self
            .matcher
            .as_ref()
            .is_some_and(|m| m.is_match(text.as_ref()))
        {
            bin.reactions += 1;
        }
        let start = bin.words.len();
        let mut words = 0;
        for word in text.split_whitespace() {
            words += 1;
            if words > MAX_WORDS {
                continue;
            }
            let h = fold_hash(word);
            if !bin.words[start..].contains(&h) {
                bin.words.push(h);
            }
        }
        if words <= 3 {
            bin.short += 1;
        }
    }

    /// Closes the second ending at `end`. `quiet`: the warm-up or a raid; only a surge fires.
    pub fn close_second(&mut self, end: Ts, quiet: bool) -> Option<Trigger> {
        let confirm = self.cfg.confirm_seconds as usize;
        let keep = self.window + confirm;
        let bin = std::mem::take(&mut self.cur);
        if self.bins.len() == keep {
            self.bins.pop_front();
        }
        self.bins.push_back(bin);
        if self.refilling {
            if self.bins.len() < self.window {
                return None;
            }
            self.refilling = false;
        }
        let now: u32 = self
            .bins
            .iter()
            .rev()
            .take(self.window)
            .map(|b| b.count)
            .sum();
        // Enough for the baseline and for the look-back, whichever is longer.
        let memory = self.cfg.baseline_seconds.max(self.cfg.lookback_seconds) as usize;
        let history = memory + keep + 1;
        if self.counts.len() == history {
            self.counts.pop_front();
        }
        self.counts.push_back(now);
        self.seconds += 1;
        if self.seconds > self.window
            && let Some(&left) = self.counts.iter().rev().nth(self.window)
        {
            self.highest = self.highest.max(left);
        }
        if let Some(t) = self.surge(end, now) {
            return Some(t);
        }
        let trig = self.peak(end, confirm, quiet)?;
        (!quiet).then_some(trig)
    }

    /// What chat must reach now for a peak to be scored, for the chat pane's line: the
    /// busiest window of the look-back and `MIN_RATIO` × the usual level. The model still has
    /// to score the peak, so reaching it is needed, not enough. None before the baseline has
    /// its minimum history.
    pub fn bar(&self) -> Option<PeakBar> {
        let e = self.counts.len().checked_sub(1)?;
        let usual = self.usual_before(e)?;
        let need = (MIN_RATIO * usual.max(0.5))
            .max(f64::from(self.busiest_before(e)))
            .max(f64::from(MIN_COUNT));
        let w = self.window as f64;
        Some(PeakBar {
            rate: need / w,
            usual: usual / w,
            now: f64::from(self.counts[e]) / w,
        })
    }

    /// The usual window count before the window ending at `e`: the mean from
    /// `baseline_seconds` before up to the window's start. None with less history than
    /// `MIN_BASELINE_S`.
    fn usual_before(&self, e: usize) -> Option<f64> {
        let hi = e.checked_sub(self.window)?;
        let lo = hi.saturating_sub(self.cfg.baseline_seconds as usize);
        if hi - lo < MIN_BASELINE_S {
            return None;
        }
        Some(
            self.counts
                .range(lo..hi)
                .map(|&x| f64::from(x))
                .sum::<f64>()
                / (hi - lo) as f64,
        )
    }

    /// The busiest window of the look-back before `e`. Soon after joining the look-back is
    /// what has been seen: a reaction 2 minutes in is not held back for want of history.
    fn busiest_before(&self, e: usize) -> u32 {
        let lookback = (self.cfg.lookback_seconds as usize).min(e);
        self.counts
            .range(e - lookback..e)
            .max()
            .copied()
            .unwrap_or(0)
    }

    /// Far enough from the last moment, or far bigger than it (`count`: this window's).
    fn gap_ok(&self, at: Ts, count: u32) -> bool {
        !self.inside_gap(at) || count >= GAP_BREAK_RATIO * self.last_count.max(MIN_COUNT)
    }

    fn inside_gap(&self, at: Ts) -> bool {
        self.last_fire
            .is_some_and(|l| at.0 - l.0 < self.cfg.min_gap_seconds as i64 * 1000)
    }

    /// Records a scored peak; true when fewer than `top_per_hour` peaks of the last hour
    /// scored higher. On a busy chat many peaks pass the threshold: this keeps the best.
    fn ranks_in_last_hour(&mut self, at: Ts, p: f64) -> bool {
        while self
            .recent
            .front()
            .is_some_and(|&(t, _)| at.0 - t.0 >= HOUR_MS)
        {
            self.recent.pop_front();
        }
        let higher = self.recent.iter().filter(|&&(_, q)| q > p).count();
        self.recent.push_back((at, p));
        let top = self.cfg.top_per_hour as usize;
        top == 0 || higher < top
    }

    /// The most used word in bins `from..to` and the share of messages holding it.
    fn top_word(&mut self, from: usize, to: usize, messages: u32) -> (u64, f64) {
        self.scratch.clear();
        for b in self.bins.range(from..to) {
            for &w in &b.words {
                *self.scratch.entry(w).or_insert(0) += 1;
            }
        }
        let (word, n) = self
            .scratch
            .iter()
            .max_by_key(|&(w, n)| (*n, *w))
            .map_or((0, 0), |(w, n)| (*w, *n));
        (word, n as f64 / messages.max(1) as f64)
    }

    /// The window that ended `confirm` seconds ago, if it is a local peak worth a moment.
    fn peak(&mut self, end: Ts, confirm: usize, quiet: bool) -> Option<Trigger> {
        let n = self.counts.len();
        let e = n.checked_sub(1 + confirm)?;
        let c = self.counts[e];
        // Right after a gap the window and its seconds to confirm are not all chat yet.
        if self.bins.len() < self.window + confirm
            || c < MIN_COUNT
            || self.counts.range(e + 1..).any(|&x| x >= c)
            || self.busiest_before(e) > c
            || self.seconds < MIN_BASELINE_S + self.window + confirm
        {
            return None;
        }
        let baseline = self.usual_before(e)?;
        if (c as f64) < MIN_RATIO * baseline.max(0.5) {
            return None;
        }
        let window = self.bins.range(..self.window);
        let (mut chars, mut short, mut reactions, mut chatters) = (0u32, 0u32, 0u32, 0u32);
        for b in window {
            chars += b.chars;
            short += b.short;
            reactions += b.reactions;
            chatters += b.chatters;
        }
        let (_, top_share) = self.top_word(0, self.window, c);
        let cf = c as f64;
        let before = e.checked_sub(30).map_or(1.0, |i| self.counts[i] as f64);
        let features = WindowFeatures {
            count: cf,
            baseline,
            top_share,
            mean_len: chars as f64 / cf,
            short_share: short as f64 / cf,
            reaction_share: reactions as f64 / cf,
            before,
            best_before: self.best_before,
        };
        self.best_before = self.best_before.max(cf);
        let p = features.probability();
        let window_end = end.plus_ms(-(confirm as i64) * 1000);
        let at = window_end.plus_ms(-(self.cfg.lead_seconds as i64) * 1000);
        if chatters < MIN_CHATTERS || !self.gap_ok(at, c) {
            return None;
        }
        // Ranked among the peaks that could have been moments: not the tail of one just
        // taken (inside the gap), not the warm-up's or a raid's.
        let ranks_high = quiet || self.ranks_in_last_hour(at, p);
        if p < bar_for(self.cfg.min_probability, baseline) || !ranks_high {
            return None;
        }
        let new_reaction = self.inside_gap(at);
        self.last_fire = Some(at);
        self.last_count = c;
        Some(Trigger {
            kind: TriggerType::ChatVelocity,
            at,
            strength: 10.0 * p,
            data: TriggerData::Peak(PeakData {
                baseline: round2(baseline),
                chatters,
                count: c,
                p: round2(p),
                window_s: self.window,
                new_reaction,
            }),
        })
    }
}

/// `min_probability` for a chat whose usual window count is `baseline`. The model scores a
/// quiet chat's peaks lower than their record earns (their marginal moments hit as often as a
/// busy chat's at the bar), so below `QUIET_BASELINE` the bar is lowered in log-odds, by up
/// to `QUIET_BAR_DROP` at a tenth of it: 0.5 becomes 0.35.
fn bar_for(min_probability: f64, baseline: f64) -> f64 {
    // 0 lets everything through and 1 nothing, on any chat.
    if min_probability <= 0.0 || min_probability >= 1.0 {
        return min_probability;
    }
    let quietness = (QUIET_BASELINE / baseline.max(0.05))
        .log10()
        .clamp(0.0, 1.0);
    let p = min_probability;
    let log_odds = (p / (1.0 - p)).ln() - quietness * QUIET_BAR_DROP;
    1.0 / (1.0 + (-log_odds).exp())
}

#[path = "peak_surge.rs"]
mod surge;

#[cfg(test)]
#[path = "peak_tests.rs"]
mod tests;
