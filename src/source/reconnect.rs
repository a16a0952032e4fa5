//! Reconnect policy for the Pusher socket (kick-protocol.md §1.3, as pusher-js does it):
//! what a close code means, and how long to wait before the next try.

use std::time::Duration;

/// A connection that stayed up this long after the greeting (or, on Twitch, in the channel)
/// was a good one: the backoff starts over. A server that greets and drops at once would
/// otherwise be reconnected in a tight loop.
pub const HEALTHY_AFTER: Duration = Duration::from_secs(30);

/// A connection that lasted this long before the server asked to come back at once is no
/// tight loop: it waits at most [`ASKED_NOW_MAX`], not the backoff an earlier outage grew
/// (that made a 4200 wait 60 s, a minute of chat lost).
pub const ASKED_NOW_AFTER: Duration = Duration::from_secs(5);
pub const ASKED_NOW_MAX: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseAction {
    /// 4000–4099: these parameters will never work (e.g. 4001 app key does not exist). Look
    /// the connection parameters up once more, then give up loudly.
    Fatal,
    /// 4100–4199: over capacity; wait and grow the wait.
    BackOff,
    /// 4200–4299: the server asks for a reconnect now.
    Immediate,
    /// Everything else (1000, 1006, network errors…): back off with jitter.
    Retry,
}

pub fn close_action(code: Option<u16>) -> CloseAction {
    match code {
        Some(4000..=4099) => CloseAction::Fatal,
        Some(4100..=4199) => CloseAction::BackOff,
        Some(4200..=4299) => CloseAction::Immediate,
        _ => CloseAction::Retry,
    }
}

/// Exponential backoff with jitter and a cap. `attempt` counts failures since the last
/// good connection (one that stayed up a while after the greeting).
#[derive(Clone, Debug)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    attempt: u32,
    seed: u64,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration, seed: u64) -> Backoff {
        Backoff {
            base,
            cap,
            attempt: 0,
            seed: seed | 1,
        }
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The next delay: base × 2^attempt, capped, with ±20 % jitter so clients do not stampede.
    pub fn next_delay(&mut self) -> Duration {
        let exp = self.base.saturating_mul(1u32 << self.attempt.min(16));
        let capped = exp.min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        // xorshift: jitter only needs to differ between clients, not to be secure.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let unit = (self.seed % 1000) as f64 / 1000.0;
        capped.mul_f64(0.8 + 0.4 * unit).min(self.cap)
    }

    /// The delay when the server asked to reconnect now, after a connection that lasted
    /// [`ASKED_NOW_AFTER`] but not [`HEALTHY_AFTER`].
    pub fn delay_asked_now(&mut self) -> Duration {
        self.next_delay().min(ASKED_NOW_MAX)
    }

    /// The delay for a close code, or None when the client must not reconnect by itself.
    pub fn delay_for(&mut self, action: CloseAction) -> Option<Duration> {
        match action {
            CloseAction::Immediate => Some(Duration::ZERO),
            CloseAction::BackOff => Some(self.next_delay().max(Duration::from_secs(1))),
            CloseAction::Retry => Some(self.next_delay()),
            CloseAction::Fatal => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_follow_the_pusher_ranges() {
        assert_eq!(close_action(Some(4001)), CloseAction::Fatal);
        assert_eq!(close_action(Some(4099)), CloseAction::Fatal);
        assert_eq!(close_action(Some(4100)), CloseAction::BackOff);
        assert_eq!(close_action(Some(4200)), CloseAction::Immediate);
        assert_eq!(close_action(Some(4201)), CloseAction::Immediate);
        assert_eq!(close_action(Some(1006)), CloseAction::Retry);
        assert_eq!(close_action(None), CloseAction::Retry);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let mut b = Backoff::new(Duration::from_millis(500), Duration::from_secs(30), 42);
        let delays: Vec<Duration> = (0..12).map(|_| b.next_delay()).collect();
        assert!(delays[0] <= Duration::from_millis(600) && delays[0] >= Duration::from_millis(400));
        assert!(delays[3] > delays[1]);
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(30)));
        assert!(delays[11] >= Duration::from_secs(24), "stays near the cap");
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(600));
    }

    #[test]
    fn over_capacity_waits_at_least_a_second_and_4200_not_at_all() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(30), 7);
        assert!(b.delay_for(CloseAction::BackOff).unwrap() >= Duration::from_secs(1));
        assert_eq!(b.delay_for(CloseAction::Immediate), Some(Duration::ZERO));
        assert_eq!(b.delay_for(CloseAction::Fatal), None);
    }

    #[test]
    fn asked_to_come_back_now_waits_seconds_whatever_an_outage_grew() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 7);
        for _ in 0..8 {
            b.next_delay();
        }
        assert!(
            b.next_delay() >= Duration::from_secs(40),
            "grown by the outage"
        );
        assert!(b.delay_asked_now() <= ASKED_NOW_MAX);
    }
}
