//! The engagement collector's sliding windows and its scoring formula (see `metrics`).

use super::Metrics;
use crate::domain::Ts;

/// A bias-corrected exponential average (early values are not pulled toward 0).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Ewma {
    pub(super) value: f64,
    pub(super) weight: f64,
}

impl Ewma {
    pub(super) fn push(&mut self, x: f64, alpha: f64) {
        self.value += alpha * (x - self.value);
        self.weight += alpha * (1.0 - self.weight);
    }

    pub(super) fn get(&self) -> f64 {
        if self.weight > 0.0 {
            self.value / self.weight
        } else {
            0.0
        }
    }
}

impl Metrics {
    /// Drops what has left the chat window (`window` s), the money window (`support_window`
    /// s) and the last hour, as of the second ending at `end`.
    pub(super) fn slide_windows(&mut self, end: Ts, window: i64, support_window: i64) {
        let sec = end.0.div_euclid(1000);
        while let Some(&(s, user)) = self.chat.front() {
            if s > sec - 1 - window {
                break;
            }
            self.chat.pop_front();
            if let Some(n) = self.per_user.get_mut(&user) {
                *n -= 1;
                if *n == 0 {
                    self.per_user.remove(&user);
                }
            }
        }
        while let Some(&(s, usd)) = self.support.front() {
            if s > sec - 1 - support_window {
                break;
            }
            self.support.pop_front();
            self.support_sum -= usd;
            if self.support.is_empty() {
                // Sums and differences of cents leave 1e-17 behind: none is none.
                self.support_sum = 0.0;
            }
        }
        while let Some(&(t, usd)) = self.hour.front() {
            if end.0 - t.0 < 3_600_000 {
                break;
            }
            self.hour.pop_front();
            self.hour_sum -= usd;
        }
    }

    /// The score of signals `x` against the learnt usual levels: 100 × the weighted mean of
    /// r^γ / (1 + r^γ), r = (x + ε) / (b + ε). `None` without weights.
    pub(super) fn score_of(&self, x: [f64; 3], floors: [f64; 3], weights: [f64; 3]) -> Option<f64> {
        let mut num = 0.0;
        let mut den = 0.0;
        for i in 0..3 {
            let b = if i == 2 && self.money_seen.get() < 0.5 {
                0.0
            } else {
                self.base[i].get()
            };
            let eps = 0.1 * b + floors[i];
            let r = (x[i] + eps) / (b + eps);
            // r^s / (1 + r^s), written so that a huge r^s gives 1, not inf / inf.
            num += weights[i] / (1.0 + r.powf(-self.cfg.steepness));
            den += weights[i];
        }
        (den > 0.0).then(|| (100.0 * num / den).clamp(0.0, 100.0))
    }
}
