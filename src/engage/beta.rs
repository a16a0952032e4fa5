//! The Beta distribution's pieces the bandit needs: a sample (from two Gamma draws) and
//! quantiles (the regularized incomplete beta, inverted by bisection). Pure functions; the
//! random numbers come from the caller's [`Random`] source.

use super::rng::Random;

/// A Beta(α, β) draw: X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β).
pub fn sample(alpha: f64, beta: f64, rng: &mut dyn Random) -> f64 {
    let x = gamma(alpha, rng);
    let y = gamma(beta, rng);
    if x + y <= 0.0 { 0.5 } else { x / (x + y) }
}

/// Gamma(shape, 1), Marsaglia and Tsang (2000); shapes below 1 use the U^(1/a) boost.
fn gamma(shape: f64, rng: &mut dyn Random) -> f64 {
    if shape < 1.0 {
        let u = rng.uniform().max(f64::MIN_POSITIVE);
        return gamma(shape + 1.0, rng) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let (x, v) = loop {
            let x = normal(rng);
            let v = 1.0 + c * x;
            if v > 0.0 {
                break (x, v * v * v);
            }
        };
        let u = rng.uniform();
        if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut dyn Random) -> f64 {
    let u1 = 1.0 - rng.uniform();
    let u2 = rng.uniform();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = G[1..]
        .iter()
        .enumerate()
        .fold(G[0], |s, (i, g)| s + g / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularized incomplete beta I_x(a, b): the Beta(a, b) CDF at x.
pub fn cdf(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The continued fraction converges fast on this side of the mean; use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * continued_fraction(a, b, x) / a
    } else {
        1.0 - front * continued_fraction(b, a, 1.0 - x) / b
    }
}

/// Lentz's method for the incomplete beta's continued fraction (Numerical Recipes §6.4).
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-12 {
            break;
        }
    }
    h
}

/// The p-quantile of Beta(a, b), by bisection on the CDF (to 1e-6: plenty for a bar).
pub fn quantile(a: f64, b: f64, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if cdf(a, b, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engage::rng::SplitMix;

    #[test]
    fn cdf_and_quantiles_match_known_values() {
        // Beta(1,1) is uniform; Beta(2,1) has CDF x².
        assert!((cdf(1.0, 1.0, 0.3) - 0.3).abs() < 1e-9);
        assert!((cdf(2.0, 1.0, 0.5) - 0.25).abs() < 1e-9);
        assert!((quantile(1.0, 1.0, 0.05) - 0.05).abs() < 1e-5);
        assert!((quantile(2.0, 1.0, 0.25) - 0.5).abs() < 1e-5);
        // Symmetric: the median of Beta(5,5) is 0.5.
        assert!((quantile(5.0, 5.0, 0.5) - 0.5).abs() < 1e-5);
    }

    #[test]
    fn samples_have_the_beta_mean() {
        let mut rng = SplitMix::new(7);
        for (a, b) in [(1.0, 1.0), (2.0, 8.0), (0.5, 0.5), (30.0, 10.0)] {
            let n = 20_000;
            let mean = (0..n).map(|_| sample(a, b, &mut rng)).sum::<f64>() / n as f64;
            assert!(
                (mean - a / (a + b)).abs() < 0.01,
                "Beta({a},{b}) mean {mean}"
            );
        }
    }
}
