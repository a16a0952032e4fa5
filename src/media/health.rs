//! Recording health: MB/min over the last minute, the low-growth flag and the stall clock.
//! Pure (times come in as arguments), so the rules are tested without a stream.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Decimal, as the TUI's pane, alerts and file managers count (a MiB here made the log's size
/// 5 % below the pane's for the same file).
const MB: f64 = 1_000_000.0;

/// Size samples of the whole session (all parts), so a new part does not reset the rate.
#[derive(Debug)]
pub struct Growth {
    window: Duration,
    samples: VecDeque<(Instant, u64)>,
    last_growth: Instant,
    last_bytes: u64,
}

impl Growth {
    pub fn new(now: Instant) -> Growth {
        Growth {
            window: Duration::from_secs(60),
            samples: VecDeque::new(),
            last_growth: now,
            last_bytes: 0,
        }
    }

    /// Records the total size at `now`.
    pub fn push(&mut self, now: Instant, bytes: u64) {
        if bytes > self.last_bytes {
            self.last_growth = now;
        }
        self.last_bytes = bytes;
        self.samples.push_back((now, bytes));
        while let Some(&(t, _)) = self.samples.front() {
            if now.duration_since(t) > self.window && self.samples.len() > 2 {
                self.samples.pop_front();
            } else {
                break;
            }
        }
    }

    /// Restarts the stall clock (a new part was just started: give it time to begin).
    pub fn reset_stall_clock(&mut self, now: Instant) {
        self.last_growth = now;
    }

    pub fn since_growth(&self, now: Instant) -> Duration {
        now.duration_since(self.last_growth)
    }

    /// How long the samples cover.
    pub fn span(&self) -> Duration {
        match (self.samples.front(), self.samples.back()) {
            (Some(a), Some(b)) => b.0.duration_since(a.0),
            _ => Duration::ZERO,
        }
    }

    /// MB per minute over the window (0 until two samples 5 s apart exist).
    pub fn mb_per_min(&self) -> f64 {
        let (Some(a), Some(b)) = (self.samples.front(), self.samples.back()) else {
            return 0.0;
        };
        let secs = b.0.duration_since(a.0).as_secs_f64();
        if secs < 5.0 {
            return 0.0;
        }
        b.1.saturating_sub(a.1) as f64 / MB / secs * 60.0
    }

    /// Below the configured minimum, judged only once the window holds 30 s (the first
    /// write is a burst, then whole segments every few seconds).
    pub fn is_low(&self, min_mb_per_min: f64) -> bool {
        self.span() >= Duration::from_secs(30) && self.mb_per_min() < min_mb_per_min
    }
}

/// The stall deadline of media.md §8: no growth for max(floor, 5 × segment length).
pub fn stall_after(floor: Duration, target_duration: f64) -> Duration {
    // The segment length comes from the playlist: an absurd one (inf, 1e20) must not panic.
    let five = (5.0 * target_duration).clamp(0.0, 3600.0);
    floor.max(Duration::try_from_secs_f64(five).unwrap_or(floor))
}

/// `Recording health: 45.2 MB (+12.3 MB/min)`, the seed's headless line.
pub fn health_line(bytes: u64, mb_per_min: f64, low: bool) -> String {
    let flag = if low { " LOW" } else { "" };
    format!(
        "Recording health: {:.1} MB (+{:.1} MB/min){flag}",
        bytes as f64 / MB,
        mb_per_min
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_over_the_window_and_the_stall_clock() {
        let t0 = Instant::now();
        let mut g = Growth::new(t0);
        // 184 KB every 2 s = 5.53 MB/min, like the 600k test stream.
        for i in 0..40u64 {
            g.push(t0 + Duration::from_secs(i * 2), i * 180 * 1024);
        }
        let r = g.mb_per_min();
        assert!((r - 5.53).abs() < 0.05, "{r}");
        assert!(!g.is_low(1.0));
        assert!(g.is_low(10.0));
        let now = t0 + Duration::from_secs(78);
        g.push(now + Duration::from_secs(20), 39 * 180 * 1024);
        assert_eq!(
            g.since_growth(now + Duration::from_secs(20)),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn stall_deadline_and_line() {
        assert_eq!(
            stall_after(Duration::from_secs(20), 2.0),
            Duration::from_secs(20)
        );
        assert_eq!(
            stall_after(Duration::from_secs(20), 6.0),
            Duration::from_secs(30)
        );
        // An absurd playlist never panics.
        for d in [f64::INFINITY, 1e20, f64::NAN, -3.0] {
            assert!(stall_after(Duration::from_secs(20), d) <= Duration::from_secs(3600));
        }
        assert_eq!(
            health_line(45_200_000, 12.3, false),
            "Recording health: 45.2 MB (+12.3 MB/min)"
        );
    }
}
