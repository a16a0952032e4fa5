//! Chat velocity: messages per second over a rolling window, against either the seed's fixed
//! threshold or the channel's own recent baseline (a z-score over per-second window sums).

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::config::{Velocity as VelocityConfig, VelocityMode};
use crate::domain::{Trigger, TriggerData, TriggerType, Ts, VelocityData};

/// What the velocity pane and the headless line show.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VelocityStatus {
    /// msg/s over the window, all (unfiltered by repeats) messages.
    pub rate: f64,
    /// The rate the baseline expects, msg/s (the fixed threshold in fixed mode).
    pub baseline: f64,
    /// The rate that would fire now, msg/s; 0 when there is none yet.
    pub threshold: f64,
    pub z: f64,
    pub chatters: u32,
    /// `threshold` and `baseline` are the chat-peak bar (the default detector): what a window
    /// must reach for the model to score it, not a rate that fires by itself.
    pub peak_bar: bool,
    /// The rate in the threshold's units, for the chart: `rate`, or with the peak bar the
    /// counted chat (no bots or commands, a chatter at most twice a window).
    pub chart_rate: f64,
}

pub struct VelocityDetector {
    cfg: VelocityConfig,
    window: usize,
    baseline_len: usize,
    /// Per completed second: (all messages, counted messages, new chatters); None = no data (gap).
    bins: VecDeque<Option<(u32, u32, u32)>>,
    sums: (u32, u32, u32),
    gaps_in_window: usize,
    /// Window sums of counted messages, newest last; those older than one window form the baseline.
    recent: VecDeque<Option<u32>>,
    baseline: VecDeque<Option<u32>>,
    base_sum: f64,
    base_sumsq: f64,
    base_n: u32,
    cur: (u32, u32, u32),
    /// Per user: the times (ms) of their last two counted messages.
    users: FxHashMap<u64, [i64; 2]>,
    last_prune: i64,
    status: VelocityStatus,
}

impl VelocityDetector {
    pub fn new(cfg: &VelocityConfig, window_s: u32) -> Self {
        let window = window_s.max(1) as usize;
        VelocityDetector {
            cfg: cfg.clone(),
            window,
            baseline_len: (cfg.baseline_seconds as usize).max(window + 1),
            bins: VecDeque::with_capacity(window + 1),
            sums: (0, 0, 0),
            gaps_in_window: 0,
            recent: VecDeque::with_capacity(window + 1),
            baseline: VecDeque::new(),
            base_sum: 0.0,
            base_sumsq: 0.0,
            base_n: 0,
            cur: (0, 0, 0),
            users: FxHashMap::default(),
            last_prune: 0,
            status: VelocityStatus::default(),
        }
    }

    /// A chat message at `t` (already filtered: no bots, no commands).
    pub fn on_message(&mut self, t: Ts, user: u64) {
        self.cur.0 += 1;
        let window_ms = self.window as i64 * 1000;
        let last = self.users.entry(user).or_insert([i64::MIN / 2; 2]);
        // A chatter counts at most twice per window: one spammer is not a reaction.
        if t.0 - last[0] >= window_ms {
            self.cur.1 += 1;
            if t.0 - last[1] >= window_ms {
                self.cur.2 += 1;
            }
            *last = [last[1], t.0];
        }
        if t.0 - self.last_prune > 60_000 {
            self.users.retain(|_, l| t.0 - l[1] < window_ms);
            self.last_prune = t.0;
        }
    }

    /// Closes one second. `gap`: the source was disconnected, so it says nothing about chat.
    /// Returns a trigger while the window stands out.
    pub fn close_second(&mut self, t: Ts, gap: bool) -> Option<Trigger> {
        let bin = if gap { None } else { Some(self.cur) };
        self.cur = (0, 0, 0);
        self.push_bin(bin);
        let wsum = (self.gaps_in_window == 0).then_some(self.sums.1);
        self.push_window_sum(wsum);
        self.evaluate(t)
    }

    fn push_bin(&mut self, bin: Option<(u32, u32, u32)>) {
        if self.bins.len() == self.window {
            match self.bins.pop_front().flatten() {
                Some(old) => {
                    self.sums.0 -= old.0;
                    self.sums.1 -= old.1;
                    self.sums.2 -= old.2;
                }
                None => self.gaps_in_window -= 1,
            }
        }
        match bin {
            Some(b) => {
                self.sums.0 += b.0;
                self.sums.1 += b.1;
                self.sums.2 += b.2;
            }
            None => self.gaps_in_window += 1,
        }
        self.bins.push_back(bin);
    }

    fn push_window_sum(&mut self, wsum: Option<u32>) {
        self.recent.push_back(wsum);
        if self.recent.len() > self.window {
            let aged = self.recent.pop_front().flatten();
            self.baseline.push_back(aged);
            if let Some(v) = aged {
                self.base_sum += v as f64;
                self.base_sumsq += (v as f64) * (v as f64);
                self.base_n += 1;
            }
            if self.baseline.len() > self.baseline_len - self.window
                && let Some(v) = self.baseline.pop_front().flatten()
            {
                self.base_sum -= v as f64;
                self.base_sumsq -= (v as f64) * (v as f64);
                self.base_n -= 1;
            }
        }
    }

    fn evaluate(&mut self, t: Ts) -> Option<Trigger> {
        let w = self.window as f64;
        let (all, counted, chatters) = self.sums;
        let gap = self.gaps_in_window > 0;
        let n = self.base_n as f64;
        let mean = if n > 0.0 { self.base_sum / n } else { 0.0 };
        let var = if n > 1.0 {
            (self.base_sumsq / n - mean * mean).max(0.0)
        } else {
            0.0
        };
        // Chat is at least as noisy as Poisson; never trust a smaller spread.
        let sd = var.sqrt().max(mean.sqrt()).max(1.0);
        let z = (counted as f64 - mean) / sd;
        let (fires, threshold) = match self.cfg.mode {
            VelocityMode::Fixed => (all as f64 / w > self.cfg.threshold, self.cfg.threshold),
            VelocityMode::Baseline => {
                let need = (mean + self.cfg.z_threshold * sd)
                    .max(mean * self.cfg.min_ratio)
                    .max(self.cfg.floor * w);
                // Needs a real history first: half the baseline period without gaps.
                let ready = self.base_n as usize * 2 >= self.baseline_len - self.window;
                (ready && counted as f64 >= need, need / w)
            }
        };
        self.status = VelocityStatus {
            rate: all as f64 / w,
            baseline: if self.cfg.mode == VelocityMode::Fixed {
                self.cfg.threshold
            } else {
                mean / w
            },
            threshold,
            z,
            chatters,
            peak_bar: false,
            // In the threshold's units: fixed mode fires on all messages, baseline on counted.
            chart_rate: match self.cfg.mode {
                VelocityMode::Fixed => all as f64 / w,
                VelocityMode::Baseline => counted as f64 / w,
            },
        };
        if !fires || gap {
            return None;
        }
        let strength = match self.cfg.mode {
            VelocityMode::Fixed => all as f64 / w / self.cfg.threshold,
            VelocityMode::Baseline => (z / self.cfg.z_threshold).max(1.0),
        };
        Some(Trigger {
            kind: TriggerType::ChatVelocity,
            at: t,
            strength,
            data: TriggerData::Velocity(VelocityData {
                baseline: round2(mean / w),
                chatters,
                rate: round2(all as f64 / w),
                window_s: self.window,
                z: round2(z),
            }),
        })
    }

    pub fn status(&self) -> VelocityStatus {
        self.status
    }

    /// Forget the history (chat mode changed, or a break): the old baseline no longer applies.
    pub fn reset_baseline(&mut self) {
        self.baseline.clear();
        self.recent.clear();
        self.base_sum = 0.0;
        self.base_sumsq = 0.0;
        self.base_n = 0;
    }
}

pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(mode: VelocityMode) -> VelocityConfig {
        VelocityConfig {
            mode,
            ..VelocityConfig::default()
        }
    }

    /// Feeds `per_sec` messages from distinct users for each second in `secs`.
    fn run(
        d: &mut VelocityDetector,
        start: i64,
        secs: i64,
        per_sec: u32,
        user0: u64,
    ) -> Vec<Trigger> {
        let mut out = Vec::new();
        for s in start..start + secs {
            for i in 0..per_sec {
                d.on_message(
                    Ts(s * 1000 + i as i64),
                    user0 + (s as u64 * 1000) + i as u64,
                );
            }
            out.extend(d.close_second(Ts((s + 1) * 1000), false));
        }
        out
    }

    #[test]
    fn fixed_mode_is_the_seed_rule() {
        let mut d = VelocityDetector::new(&cfg(VelocityMode::Fixed), 10);
        assert!(
            run(&mut d, 0, 20, 5, 0).is_empty(),
            "5 msg/s is not above 5"
        );
        let fired = run(&mut d, 20, 10, 7, 0);
        assert!(!fired.is_empty());
        assert!(matches!(&fired[0].data, TriggerData::Velocity(v) if v.rate > 5.0));
    }

    #[test]
    fn baseline_mode_fires_on_a_relative_burst_on_a_small_channel() {
        let mut d = VelocityDetector::new(&cfg(VelocityMode::Baseline), 10);
        // 1 msg every 2 s for 5 minutes, then 2 msg/s: far below the seed's 5 msg/s.
        let mut fired = Vec::new();
        for s in 0..300 {
            if s % 2 == 0 {
                d.on_message(Ts(s * 1000), s as u64 % 7);
            }
            fired.extend(d.close_second(Ts((s + 1) * 1000), false));
        }
        assert!(fired.is_empty(), "steady chat never fires");
        let burst = run(&mut d, 300, 10, 2, 10_000);
        assert!(!burst.is_empty(), "2 msg/s from many chatters stands out");
        assert!(matches!(&burst[0].data, TriggerData::Velocity(v) if v.z >= 3.0));
    }

    #[test]
    fn one_spammer_is_not_a_burst() {
        let mut d = VelocityDetector::new(&cfg(VelocityMode::Baseline), 10);
        run(&mut d, 0, 300, 1, 0);
        let mut fired = Vec::new();
        for s in 300..320 {
            for i in 0..10 {
                d.on_message(Ts(s * 1000 + i * 50), 42);
            }
            fired.extend(d.close_second(Ts((s + 1) * 1000), false));
        }
        assert!(fired.is_empty());
        assert!(d.status().rate > 5.0, "the raw rate still shows the spam");
    }

    #[test]
    fn no_trigger_without_history_or_across_a_gap() {
        let mut d = VelocityDetector::new(&cfg(VelocityMode::Baseline), 10);
        assert!(run(&mut d, 0, 30, 8, 0).is_empty(), "no baseline yet");
        let mut d = VelocityDetector::new(&cfg(VelocityMode::Baseline), 10);
        run(&mut d, 0, 300, 1, 0);
        for s in 300..305 {
            assert!(d.close_second(Ts((s + 1) * 1000), true).is_none());
        }
        // The gap is still inside the window: a burst right after it does not fire yet.
        assert!(run(&mut d, 305, 2, 10, 50_000).is_empty());
    }
}
