//! Thompson sampling over the activities: each arm's reward rate has a Beta(α, β) posterior,
//! starting from the uniform prior Beta(1, 1). `select` draws one sample per arm and picks the
//! largest; `update` adds a reward in [0, 1] as a fractional success (α += r, β += 1 − r).
//! Pure: the random source is passed in, and the state goes to and from plain maps (the file
//! lives in `engine::bandit_file`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::beta;
use super::rng::Random;

/// One arm as it is saved: `{"alpha", "beta", "pulls"}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmState {
    pub alpha: f64,
    pub beta: f64,
    pub pulls: u64,
}

impl Default for ArmState {
    /// The uniform prior.
    fn default() -> Self {
        ArmState {
            alpha: 1.0,
            beta: 1.0,
            pulls: 0,
        }
    }
}

impl ArmState {
    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// The central 90 % credible interval.
    pub fn interval(&self) -> (f64, f64) {
        (
            beta::quantile(self.alpha, self.beta, 0.05),
            beta::quantile(self.alpha, self.beta, 0.95),
        )
    }

    /// Finite and positive: what a file may hold.
    fn valid(&self) -> bool {
        self.alpha.is_finite() && self.beta.is_finite() && self.alpha > 0.0 && self.beta > 0.0
    }
}

/// One arm's posterior as the panes show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmSummary {
    pub name: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub pulls: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ThompsonBandit {
    names: Vec<String>,
    arms: Vec<ArmState>,
}

impl ThompsonBandit {
    /// Every arm at the uniform prior.
    pub fn new(names: &[String]) -> ThompsonBandit {
        ThompsonBandit {
            names: names.to_vec(),
            arms: vec![ArmState::default(); names.len()],
        }
    }

    /// The arms named in `names`, with what `saved` knows about them (others start fresh;
    /// saved arms no longer configured are ignored here and kept in the file).
    /// An arm with a non-finite or non-positive parameter is an error naming it.
    pub fn from_saved(
        names: &[String],
        saved: &BTreeMap<String, ArmState>,
    ) -> Result<ThompsonBandit, String> {
        let mut b = ThompsonBandit::new(names);
        for (i, name) in names.iter().enumerate() {
            if let Some(s) = saved.get(name) {
                if !s.valid() {
                    return Err(format!(
                        "arm `{name}` has alpha {} and beta {} (both must be positive numbers)",
                        s.alpha, s.beta
                    ));
                }
                b.arms[i] = *s;
            }
        }
        Ok(b)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Samples every arm's posterior once and returns the arm with the largest draw.
    pub fn select(&self, rng: &mut dyn Random) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (i, a) in self.arms.iter().enumerate() {
            let draw = beta::sample(a.alpha, a.beta, rng);
            if best.is_none_or(|(_, d)| draw > d) {
                best = Some((i, draw));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Adds one pull of `arm` with `reward` (clamped to [0, 1]). False for an unknown arm.
    pub fn update(&mut self, arm: &str, reward: f64) -> bool {
        let Some(i) = self.index(arm) else {
            return false;
        };
        let r = if reward.is_finite() {
            reward.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let a = &mut self.arms[i];
        a.alpha += r;
        a.beta += 1.0 - r;
        a.pulls += 1;
        true
    }

    pub fn arm(&self, name: &str) -> Option<ArmState> {
        self.index(name).map(|i| self.arms[i])
    }

    /// Each arm's posterior mean, 90 % interval and pulls, in configured order.
    pub fn state(&self) -> Vec<ArmSummary> {
        self.names
            .iter()
            .zip(&self.arms)
            .map(|(name, a)| {
                let (low, high) = a.interval();
                ArmSummary {
                    name: name.clone(),
                    mean: a.mean(),
                    low,
                    high,
                    pulls: a.pulls,
                }
            })
            .collect()
    }

    /// The arms as saved: `{arm: {alpha, beta, pulls}}`.
    pub fn to_saved(&self) -> BTreeMap<String, ArmState> {
        self.names
            .iter()
            .cloned()
            .zip(self.arms.iter().copied())
            .collect()
    }

    pub fn total_pulls(&self) -> u64 {
        self.arms.iter().map(|a| a.pulls).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engage::rng::SplitMix;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn starts_uniform_and_updates_move_the_mean() {
        let mut b = ThompsonBandit::new(&names(&["talk", "react"]));
        let s = b.state();
        assert_eq!(s[0].mean, 0.5);
        assert!((s[0].low - 0.05).abs() < 1e-4 && (s[0].high - 0.95).abs() < 1e-4);
        assert!(b.update("talk", 1.0));
        assert!(b.update("talk", 0.75));
        assert!(!b.update("nope", 1.0));
        let t = b.arm("talk").unwrap();
        assert_eq!((t.alpha, t.beta, t.pulls), (2.75, 1.25, 2));
        // Rewards outside [0, 1] are clamped, NaN counts as neutral.
        b.update("react", 7.0);
        b.update("react", f64::NAN);
        let r = b.arm("react").unwrap();
        assert_eq!((r.alpha, r.beta), (2.5, 1.5));
    }

    #[test]
    fn saved_state_round_trips_and_bad_values_are_refused() {
        let mut b = ThompsonBandit::new(&names(&["talk", "irl"]));
        b.update("irl", 0.3);
        let saved = b.to_saved();
        let back = ThompsonBandit::from_saved(&names(&["talk", "irl", "new"]), &saved).unwrap();
        assert_eq!(back.arm("irl"), b.arm("irl"));
        assert_eq!(back.arm("new"), Some(ArmState::default()));
        let mut bad = saved.clone();
        bad.insert(
            "talk".into(),
            ArmState {
                alpha: -1.0,
                beta: 1.0,
                pulls: 0,
            },
        );
        let err = ThompsonBandit::from_saved(&names(&["talk"]), &bad).unwrap_err();
        assert!(err.contains("talk"), "{err}");
    }

    /// Share of 300 pulls that went to the best of five simulated Bernoulli arms, per seed.
    fn best_share(rates: [f64; 5], seeds: u64) -> (f64, f64) {
        let arms = names(&["a", "b", "c", "d", "e"]);
        let mut shares = Vec::new();
        for seed in 0..seeds {
            let mut b = ThompsonBandit::new(&arms);
            let mut rng = SplitMix::new(seed);
            let mut world = SplitMix::new(seed ^ 0xdead_beef);
            for _ in 0..300 {
                let i = b.select(&mut rng).unwrap();
                let reward = if world.uniform() < rates[i] { 1.0 } else { 0.0 };
                b.update(&arms[i], reward);
            }
            shares.push(b.arm("e").unwrap().pulls as f64 / 300.0);
        }
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        (mean, shares.iter().copied().fold(1.0, f64::min))
    }

    /// Known rates: after 300 rounds most pulls go to the best arm.
    #[test]
    fn concentrates_on_the_best_arm() {
        let (mean, worst) = best_share([0.2, 0.3, 0.4, 0.5, 0.8], 50);
        eprintln!("best arm 0.8 vs 0.5: {mean:.3} of 300 pulls (worst seed {worst:.3})");
        assert!(mean > 0.8, "mean share {mean}");
        // A close race (0.8 vs 0.65) still leans clearly on the best.
        let (mean, worst) = best_share([0.2, 0.35, 0.5, 0.65, 0.8], 50);
        eprintln!("best arm 0.8 vs 0.65: {mean:.3} of 300 pulls (worst seed {worst:.3})");
        assert!(mean > 0.6, "mean share {mean}");
    }

    /// Fractional rewards (segment engagement) concentrate too.
    #[test]
    fn concentrates_with_fractional_rewards() {
        let means = [0.45, 0.5, 0.62];
        let arms = names(&["x", "y", "z"]);
        let mut b = ThompsonBandit::new(&arms);
        let mut rng = SplitMix::new(3);
        let mut world = SplitMix::new(4);
        for _ in 0..300 {
            let i = b.select(&mut rng).unwrap();
            let noise = (world.uniform() - 0.5) * 0.2;
            b.update(&arms[i], means[i] + noise);
        }
        assert!(b.arm("z").unwrap().pulls > 150, "{:?}", b.state());
    }
}
