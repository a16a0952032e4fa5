//! The call budget (`max_calls_per_hour`, a sliding hour) and the backoff after a failed call.
//! Pure: every method takes the time.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

const HOUR: Duration = Duration::from_secs(3600);

#[derive(Clone, Debug)]
pub struct Budget {
    max: u32,
    calls: VecDeque<Instant>,
}

impl Budget {
    pub fn new(max_per_hour: u32) -> Budget {
        Budget {
            max: max_per_hour,
            calls: VecDeque::new(),
        }
    }

    /// Counts the calls made before this run, `ages` ago (stored in the database): a restart
    /// does not start the hour over.
    pub fn count_earlier(&mut self, now: Instant, ages: impl IntoIterator<Item = Duration>) {
        let mut calls: Vec<Instant> = ages
            .into_iter()
            .filter(|&age| age < HOUR)
            .map(|age| now.checked_sub(age).unwrap_or(now))
            .chain(self.calls.drain(..))
            .collect();
        calls.sort();
        self.calls = calls.into();
    }

    fn prune(&mut self, now: Instant) {
        while self
            .calls
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= HOUR)
        {
            self.calls.pop_front();
        }
    }

    /// Calls made in the last hour.
    pub fn used(&mut self, now: Instant) -> u32 {
        self.prune(now);
        self.calls.len() as u32
    }

    /// Counts a call if the budget allows one now.
    pub fn try_take(&mut self, now: Instant) -> bool {
        if self.used(now) >= self.max {
            return false;
        }
        self.calls.push_back(now);
        true
    }

    /// When the next call will be allowed (now if it already is).
    pub fn next_free(&mut self, now: Instant) -> Instant {
        if self.used(now) < self.max {
            return now;
        }
        self.calls.front().map_or(now, |&t| t + HOUR)
    }

    /// `advisor: 3/12 calls this hour`
    pub fn status(&mut self, now: Instant) -> String {
        format!("advisor: {}/{} calls this hour", self.used(now), self.max)
    }
}

/// Doubling backoff after failures (a `retry-after` wins when it is longer), reset by a
/// success.
#[derive(Clone, Debug)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    next: Duration,
    until: Option<Instant>,
}

impl Backoff {
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            first,
            max,
            next: first,
            until: None,
        }
    }

    /// Records a failure; returns how long to wait.
    pub fn failed(&mut self, now: Instant, retry_after: Option<Duration>) -> Duration {
        let wait = self.next.max(retry_after.unwrap_or_default());
        self.next = (self.next * 2).min(self.max);
        self.until = Some(now + wait);
        wait
    }

    pub fn succeeded(&mut self) {
        self.next = self.first;
        self.until = None;
    }

    pub fn ready(&self, now: Instant) -> bool {
        self.until.is_none_or(|u| now >= u)
    }

    pub fn until(&self) -> Option<Instant> {
        self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn the_budget_caps_calls_over_a_sliding_hour() {
        let t0 = Instant::now();
        let mut b = Budget::new(3);
        assert!(b.try_take(t0));
        assert!(b.try_take(t0 + 10 * S));
        assert!(b.try_take(t0 + 20 * S));
        assert!(!b.try_take(t0 + 30 * S));
        assert_eq!(b.status(t0 + 30 * S), "advisor: 3/3 calls this hour");
        assert_eq!(b.next_free(t0 + 30 * S), t0 + HOUR);
        assert!(b.try_take(t0 + HOUR));
        assert_eq!(b.status(t0 + HOUR), "advisor: 3/3 calls this hour");
        assert_eq!(b.status(t0 + HOUR + 25 * S), "advisor: 1/3 calls this hour");
    }

    #[test]
    fn calls_before_a_restart_count_until_their_hour_is_over() {
        let t0 = Instant::now();
        let mut b = Budget::new(3);
        b.count_earlier(t0, [50 * 60 * S, 10 * S, 2 * HOUR]);
        assert_eq!(b.status(t0), "advisor: 2/3 calls this hour");
        assert!(b.try_take(t0));
        assert!(!b.try_take(t0 + S));
        // The 50-minute-old call leaves the hour 10 minutes later.
        assert_eq!(b.next_free(t0 + S), t0 + 10 * 60 * S);
        assert!(b.try_take(t0 + 10 * 60 * S));
    }

    #[test]
    fn backoff_doubles_honours_retry_after_and_resets() {
        let t0 = Instant::now();
        let mut b = Backoff::new(30 * S, 600 * S);
        assert!(b.ready(t0));
        assert_eq!(b.failed(t0, None), 30 * S);
        assert!(!b.ready(t0 + 29 * S));
        assert!(b.ready(t0 + 30 * S));
        assert_eq!(b.failed(t0, None), 60 * S);
        assert_eq!(b.failed(t0, Some(900 * S)), 900 * S);
        assert_eq!(b.failed(t0, Some(S)), 240 * S);
        assert_eq!(b.failed(t0, None), 480 * S);
        assert_eq!(b.failed(t0, None), 600 * S);
        assert_eq!(b.failed(t0, None), 600 * S);
        b.succeeded();
        assert!(b.ready(t0));
        assert_eq!(b.failed(t0, None), 30 * S);
    }
}
