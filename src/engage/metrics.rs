//! The engagement collector: chat velocity, unique chatters, viewers, money, and the
//! engagement score, fed by the core with counted chat messages and events and closed once a
//! second. Pure: time arrives with every call.
//!
//! **The engagement score (0–100).** Three signals, each over a sliding window:
//! chat messages per minute and distinct chatters (both per viewer when the viewer count is
//! known) over `[engagement] window_seconds`, and money in dollars per minute over
//! `support_window_seconds`. Each is compared with the stream's own baseline, a slow average
//! of the same signal (`baseline_minutes`): r = (x + ε) / (b + ε), where ε is 10 % of the
//! baseline plus a small floor (so silence on a silent stream is "usual", not zero). Each ratio
//! becomes f(r) = r^γ / (1 + r^γ) (γ = `steepness`): ½ at the baseline, → 1 far above it, → 0
//! far below. The score is 100 × the weighted mean of the three (`*_weight`). 50 is the
//! stream's usual, whatever its size, so a 30-viewer and a 30,000-viewer channel use the same
//! range. No score until one window has passed since the stream started.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};

use super::money::{Money, MoneyTotals, money_of};
pub use super::score_stats::{Held, ScoreStats};
use crate::config::Engagement;
use crate::domain::{Event, Ts};

/// Small floors for ε (per minute): half a message, half a chatter, five cents.
const FLOOR_CHAT: f64 = 0.5;
const FLOOR_CHATTERS: f64 = 0.5;
const FLOOR_SUPPORT: f64 = 0.05;

/// Viewer counts this far apart between two readings are a jump, not drift (polls see a few
/// percent of drift; a raid or host adds a quarter or more)…
const VIEWER_JUMP: f64 = 1.2;
/// …and this many viewers at least: on a tiny channel 5 → 6 is drift.
const VIEWER_JUMP_MIN: u32 = 10;

pub struct Metrics {
    cfg: Engagement,
    sub_price_usd: f64,
    chat: VecDeque<(i64, u64)>,
    /// Fx, not SipHash: keys are our own user ids (not attacker-chosen) and this is hashed
    /// for every chat message; nothing iterates it, so the order cannot change any output.
    per_user: FxHashMap<u64, u32>,
    support: VecDeque<(i64, f64)>,
    support_sum: f64,
    hour: VecDeque<(Ts, f64)>,
    hour_sum: f64,
    seen: FxHashSet<u64>,
    viewers: Option<u32>,
    /// Whether the baselines are per viewer (they restart when that changes).
    per_viewer: bool,
    base: [Ewma; 3],
    /// The share of seconds with money in the support window. Money comes now and then:
    /// under half the time, the usual level is none (the median), not the mean, which
    /// made every moneyless minute read below the stream's usual.
    money_seen: Ewma,
    /// The second the collection (re)started.
    started: Option<i64>,
    session_start: Option<Ts>,
    score: Option<f64>,
    pub stats: ScoreStats,
    /// Like `stats` but never reset: segments measure their mean as a difference of it. The
    /// seconds of a raid's welcome are left out (see [`Metrics::hold_rewards`]).
    pub lifetime: ScoreStats,
    /// Until then (ms) a second's score is shown and reported but not counted for segments.
    rewards_held_until: i64,
    /// Why: the hold that reaches furthest.
    held_by: Held,
    /// Chat is not arriving (the connection is down): its silence is nobody's doing.
    chat_down: bool,
    /// The second the activity last changed: money before it is the previous activity's.
    switched_sec: i64,
    /// Seconds the chat window has covered so far (less than the window right after a start).
    chat_span_s: i64,
    /// Baselines learn only after this (ms): the window has refilled after an outage.
    learn_after: i64,
    /// The second the chat window began filling (`started` also restarts on a change of units).
    first_second: Option<i64>,
    pub totals: MoneyTotals,
    /// The money of the session the last `start_session` ended: the engine may make that
    /// session (the chat and gifts before a stream) part of the stream's.
    previous_money: (MoneyTotals, VecDeque<(Ts, f64)>),
    /// Counted chat messages this session.
    pub messages: u64,
}

impl Metrics {
    pub fn new(cfg: &Engagement, sub_price_usd: f64) -> Metrics {
        Metrics {
            cfg: cfg.clone(),
            sub_price_usd,
            chat: VecDeque::new(),
            per_user: FxHashMap::default(),
            support: VecDeque::new(),
            support_sum: 0.0,
            hour: VecDeque::new(),
            hour_sum: 0.0,
            seen: FxHashSet::default(),
            viewers: None,
            per_viewer: false,
            base: [Ewma::default(); 3],
            money_seen: Ewma::default(),
            started: None,
            session_start: None,
            score: None,
            stats: ScoreStats::default(),
            lifetime: ScoreStats::default(),
            rewards_held_until: i64::MIN,
            held_by: Held::Learning,
            chat_down: false,
            switched_sec: i64::MIN,
            chat_span_s: 0,
            first_second: None,
            learn_after: i64::MIN,
            totals: MoneyTotals::default(),
            previous_money: Default::default(),
            messages: 0,
        }
    }

    /// A new stream: everything counts from `t` (baselines too). Until its usual level has
    /// been learnt for a while ([`Metrics::learning_ms`]) the score is shown but credited to
    /// no activity: the first segment would be measured against itself (always about 50),
    /// and the bandit would learn the order activities came in, not how they did.
    pub fn start_session(&mut self, t: Ts) {
        let cfg = self.cfg.clone();
        let price = self.sub_price_usd;
        let money = (
            std::mem::take(&mut self.totals),
            std::mem::take(&mut self.hour),
        );
        let kept = (
            self.lifetime,
            self.rewards_held_until,
            self.held_by,
            self.chat_down,
        );
        *self = Metrics::new(&cfg, price);
        (
            self.lifetime,
            self.rewards_held_until,
            self.held_by,
            self.chat_down,
        ) = kept;
        self.session_start = Some(t);
        self.previous_money = money;
        self.hold_rewards(t.plus_ms(self.learning_ms()), Held::Learning);
    }

    /// The session before this one became this one (the waiting room before a stream): its
    /// money counts here too, as the database and the report count it.
    pub fn take_previous_money(&mut self) {
        let (totals, hour) = std::mem::take(&mut self.previous_money);
        self.totals.add(&totals);
        self.hour_sum += hour.iter().map(|h| h.1).sum::<f64>();
        let newer = std::mem::replace(&mut self.hour, hour);
        self.hour.extend(newer);
    }

    /// How long a stream's usual level is learnt before activities are credited: a third of
    /// `baseline_minutes` (10 minutes by default), at least the chat window.
    pub fn learning_ms(&self) -> i64 {
        let third = i64::from(self.cfg.baseline_minutes.max(1)) * 60_000 / 3;
        third.max(self.window_ms())
    }

    /// A chat message that counts (bots and commands are already filtered out).
    pub fn on_chat(&mut self, t: Ts, user: u64) {
        self.chat.push_back((t.0.div_euclid(1000), user));
        *self.per_user.entry(user).or_insert(0) += 1;
        self.seen.insert(user);
        self.messages += 1;
    }

    /// Until `until` the score moves as it does (a raid's crowd greeting, say), but the
    /// activity under way is neither credited nor blamed for it.
    pub fn hold_rewards(&mut self, until: Ts, why: Held) {
        if until.0 > self.rewards_held_until {
            self.rewards_held_until = until.0;
            self.held_by = why;
        }
    }

    /// Another activity began at `t`: for the chat window's length the score still measures
    /// the previous one, so those seconds are credited to neither.
    pub fn settle_after_switch(&mut self, t: Ts) {
        self.switched_sec = t.0.div_euclid(1000);
        self.hold_rewards(t.plus_ms(self.window_ms()), Held::Switch);
    }

    /// The chat connection is down: until it is back (and its window has refilled) the
    /// seconds are shown but credited to no activity.
    pub fn chat_down(&mut self) {
        self.chat_down = true;
    }

    pub fn chat_up(&mut self, t: Ts) {
        if std::mem::take(&mut self.chat_down) {
            let refilled = t.plus_ms(self.window_ms());
            self.hold_rewards(refilled, Held::ChatOutage);
            self.learn_after = self.learn_after.max(refilled.0);
        }
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.cfg.window_seconds.max(1)) * 1000
    }

    /// A new viewer count. A jump between two readings (a raid, a host) brings an audience
    /// that has not had time to chat: the per-viewer baselines rescale with it, so the jump
    /// itself neither lowers nor raises the score and only how the newcomers then chat counts.
    /// Slow drift stays per viewer: an audience growing faster than its chat scores lower.
    pub fn on_viewers(&mut self, count: u32) {
        // A 0 after an audience (an API blip, a tiny channel flickering 1 ↔ 0) is no reading:
        // the rates stay per the last audience instead of every baseline starting over.
        if count == 0 && self.viewers.is_some_and(|v| v > 0) {
            return;
        }
        if let Some(old) = self.viewers.filter(|&v| v > 0)
            && count > 0
        {
            let ratio = f64::from(count) / f64::from(old);
            if !(1.0 / VIEWER_JUMP..VIEWER_JUMP).contains(&ratio)
                && count.abs_diff(old) >= VIEWER_JUMP_MIN
            {
                for b in &mut self.base[..2] {
                    b.value /= ratio;
                }
            }
        }
        self.viewers = Some(count);
    }

    /// Adds a money event to the totals; returns what it was worth.
    pub fn on_event(&mut self, t: Ts, ev: &Event) -> Option<Money> {
        let m = self.count_money(t, ev)?;
        self.support.push_back((t.0.div_euclid(1000), m.usd));
        self.support_sum += m.usd;
        Some(m)
    }

    /// Money an earlier run of this session counted (restarted mid-stream), oldest first: in
    /// the totals and the last hour's revenue, not in the score (that was the earlier run's).
    pub fn carry_money(&mut self, earlier: &[(Ts, Event)]) {
        let newer = std::mem::take(&mut self.hour);
        let newer_sum = std::mem::replace(&mut self.hour_sum, 0.0);
        for (t, ev) in earlier {
            self.count_money(*t, ev);
        }
        self.hour.extend(newer);
        self.hour_sum += newer_sum;
    }

    /// Adds a money event to the totals and the last hour; returns what it was worth.
    fn count_money(&mut self, t: Ts, ev: &Event) -> Option<Money> {
        let m = money_of(ev, self.sub_price_usd)?;
        self.totals.count(&m);
        self.hour.push_back((t, m.usd));
        self.hour_sum += m.usd;
        Some(m)
    }

    /// The second ending at `end` is over: slide the windows, score it, learn the baseline.
    pub fn close_second(&mut self, end: Ts) {
        let sec = end.0.div_euclid(1000);
        let started = *self.started.get_or_insert(sec - 1);
        let window = i64::from(self.cfg.window_seconds.max(1));
        let support_window = i64::from(self.cfg.support_window_seconds.max(1));
        self.slide_windows(end, window, support_window);
        let per_viewer = self.viewers.is_some_and(|v| v > 0);
        if per_viewer != self.per_viewer {
            // Other units: the baselines start over.
            self.per_viewer = per_viewer;
            self.base = [Ewma::default(); 3];
            self.money_seen = Ewma::default();
            self.started = Some(sec - 1);
            // Scored against a level learnt from itself meanwhile: credited to nothing.
            self.hold_rewards(end.plus_ms(self.learning_ms()), Held::Learning);
        }
        let v = if per_viewer {
            f64::from(self.viewers.unwrap_or(1))
        } else {
            1.0
        };
        // Right after a start the window is not full yet: rates are over what it covers.
        let first = *self.first_second.get_or_insert(sec - 1);
        self.chat_span_s = (sec - first).clamp(1, window);
        let x = [
            self.chat.len() as f64 * 60.0 / self.chat_span_s as f64 / v,
            self.per_user.len() as f64 / v,
            self.support_sum.max(0.0) * 60.0 / support_window as f64,
        ];
        let floors = [FLOOR_CHAT / v, FLOOR_CHATTERS / v, FLOOR_SUPPORT];
        let weights = [
            self.cfg.chat_weight,
            self.cfg.chatters_weight,
            self.cfg.support_weight,
        ];
        let warm = sec - started >= window;
        // Learnt only from full windows (a filling one reads low and would make the usual
        // level look lower than it is), and before scoring, so the first warm second has one.
        // Nor from an outage or the window refilling after it (silence nobody chose).
        let learn = warm && !self.chat_down && end.0 > self.learn_after;
        if learn {
            let alpha = 1.0 / (f64::from(self.cfg.baseline_minutes.max(1)) * 60.0);
            for (b, xi) in self.base.iter_mut().zip(x) {
                b.push(xi, alpha);
            }
            self.money_seen
                .push(f64::from(u8::from(!self.support.is_empty())), alpha);
        }
        // No usual level learnt yet (an outage from the first minute on): nothing to compare
        // with, so no score (against 0 everything would read as a peak).
        let learnt = self.base.iter().any(|b| b.weight > 0.0);
        self.score = if warm && learnt {
            self.score_of(x, floors, weights)
        } else {
            None
        };
        // Credited to the activity on: the money since it began (a gift just before a switch
        // lifted the next activity's reward for the money window, 5 minutes by default).
        let since_switch: f64 = (self.support.iter())
            .filter(|&&(s, _)| s >= self.switched_sec)
            .map(|&(_, usd)| usd)
            .sum();
        let credited = if since_switch < self.support_sum {
            let x = [
                x[0],
                x[1],
                since_switch.max(0.0) * 60.0 / support_window as f64,
            ];
            self.score.and_then(|_| self.score_of(x, floors, weights))
        } else {
            self.score
        };
        let held = if self.chat_down {
            Some(Held::ChatOutage)
        } else {
            (end.0 <= self.rewards_held_until).then_some(self.held_by)
        };
        match (self.score, held) {
            (Some(s), None) => {
                self.stats.push(s);
                self.lifetime.push(credited.unwrap_or(s));
            }
            (score, held) => {
                if let Some(s) = score {
                    self.stats.push(s);
                }
                let why = held.unwrap_or(Held::NoScore);
                self.lifetime.held[why as usize] += 1;
            }
        }
    }

    /// The latest second's score, once warm.
    pub fn engagement(&self) -> Option<f64> {
        self.score
    }

    /// Counted messages per minute over the window (over what it covers, early on).
    pub fn chat_per_min(&self) -> f64 {
        self.chat.len() as f64 * 60.0 / self.chat_span_s.max(1) as f64
    }

    /// Distinct chatters this session.
    pub fn unique_chatters(&self) -> u64 {
        self.seen.len() as u64
    }

    pub fn viewers(&self) -> Option<u32> {
        self.viewers
    }

    /// Money over the last hour, per hour; a stream younger than 15 minutes counts as 15
    /// minutes old so one early gift does not read as a fortune.
    pub fn revenue_per_hour(&self, now: Ts) -> f64 {
        // The waiting room's money taken into a stream is older than its start.
        let oldest = self.hour.front().map(|h| h.0);
        let since = self.session_start.into_iter().chain(oldest).min();
        let elapsed_h = since.map_or(1.0, |s| now.secs_since(s) / 3600.0);
        self.hour_sum.max(0.0) / elapsed_h.clamp(0.25, 1.0)
    }
}

#[path = "metrics_windows.rs"]
mod windows;
use windows::Ewma;

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
