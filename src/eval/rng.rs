//! A tiny deterministic PRNG (SplitMix64) with the distributions the generator needs.
//! Not cryptographic; stable across platforms and releases, which a seed-keyed corpus needs.

pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent generator for a sub-task, so adding draws in one part of the
    /// generator does not reshuffle every other part.
    pub fn fork(&mut self, salt: u64) -> Rng {
        Rng::new(self.next_u64() ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Exponential with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.f64()).ln()
    }

    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with mean 1: a multiplicative jitter.
    pub fn jitter(&mut self, sigma: f64) -> f64 {
        self.normal(-sigma * sigma / 2.0, sigma).exp()
    }

    /// Gamma with an integer shape, as a sum of exponentials.
    pub fn gamma_int(&mut self, shape: u32, scale: f64) -> f64 {
        (0..shape).map(|_| self.exp(scale)).sum()
    }

    /// Knuth's method for small means, a rounded normal above (error is negligible there).
    pub fn poisson(&mut self, mean: f64) -> usize {
        // Also catches NaN.
        if mean.is_nan() || mean <= 0.0 {
            return 0;
        }
        if mean > 40.0 {
            return self.normal(mean, mean.sqrt()).round().max(0.0) as usize;
        }
        let limit = (-mean).exp();
        let mut k = 0;
        let mut p = self.f64();
        while p > limit {
            k += 1;
            p *= self.f64();
        }
        k
    }

    /// A uniformly chosen item; the slices passed are fixed, non-empty vocabularies.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A uniformly chosen index into a non-empty slice.
    pub fn index<T>(&mut self, items: &[T]) -> usize {
        self.below(items.len())
    }

    /// An index drawn with probability proportional to `weights`.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Cumulative weights for fast repeated weighted draws over a large population.
pub(crate) struct Cdf {
    cum: Vec<f64>,
}

impl Cdf {
    pub fn new(weights: &[f64]) -> Cdf {
        let mut total = 0.0;
        let cum = weights
            .iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Cdf { cum }
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = rng.f64() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(n: usize, mut f: impl FnMut() -> f64) -> f64 {
        (0..n).map(|_| f()).sum::<f64>() / n as f64
    }

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn distributions_have_the_right_means() {
        let mut r = Rng::new(1);
        assert!((mean_of(20_000, || r.f64()) - 0.5).abs() < 0.02);
        assert!((mean_of(20_000, || r.exp(3.0)) - 3.0).abs() < 0.15);
        assert!((mean_of(20_000, || r.normal(2.0, 1.0)) - 2.0).abs() < 0.05);
        assert!((mean_of(20_000, || r.jitter(0.3)) - 1.0).abs() < 0.03);
        assert!((mean_of(20_000, || r.poisson(0.7) as f64) - 0.7).abs() < 0.05);
        assert!((mean_of(5_000, || r.poisson(120.0) as f64) - 120.0).abs() < 1.0);
        assert!((mean_of(20_000, || r.gamma_int(3, 2.0)) - 6.0).abs() < 0.2);
        assert_eq!(r.poisson(0.0), 0);
    }

    #[test]
    fn weighted_draws_follow_weights() {
        let mut r = Rng::new(3);
        let cdf = Cdf::new(&[1.0, 0.0, 3.0]);
        let mut counts = [0usize; 3];
        for _ in 0..8000 {
            counts[cdf.sample(&mut r)] += 1;
            assert!(r.weighted(&[0.0, 1.0]) == 1);
        }
        assert_eq!(counts[1], 0);
        assert!((counts[2] as f64 / counts[0] as f64 - 3.0).abs() < 0.3);
        assert!((0..1000).all(|_| r.int(2, 4) >= 2 && r.int(2, 4) <= 4));
    }
}
