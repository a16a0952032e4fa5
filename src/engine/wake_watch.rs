//! A jump of the wall clock with nothing run in between: the computer slept (a laptop's lid
//! closed) or the process was stopped. The engine's tick comes every second, so many seconds
//! without a turn mean it did not run; that time is a gap in chat, not a silent chat that
//! would lower the usual rate and score the activity of the moment as dead.

use crate::time::Ts;

/// Longer than any stall of a running engine (a slow disk, a peer's bandit lock: 2 s).
const ASLEEP_AFTER_MS: i64 = 15_000;

#[derive(Debug, Default)]
pub struct WakeWatch {
    last: Option<Ts>,
}

impl WakeWatch {
    /// The engine runs at `now`: the span it slept through just before, if it did.
    pub fn ran_at(&mut self, now: Ts) -> Option<(Ts, Ts)> {
        let last = self.last.map_or(now, |l| l.max(now));
        let before = self.last.replace(last)?;
        (now.0 - before.0 > ASLEEP_AFTER_MS).then_some((before, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_jump_is_a_sleep_and_a_step_back_is_not() {
        let mut w = WakeWatch::default();
        assert_eq!(w.ran_at(Ts(1_000)), None);
        assert_eq!(w.ran_at(Ts(2_000)), None);
        assert_eq!(w.ran_at(Ts(16_000)), None, "14 s: a busy engine");
        assert_eq!(w.ran_at(Ts(500_000)), Some((Ts(16_000), Ts(500_000))));
        // The clock set back: nothing slept, and the next jump counts from the latest time.
        assert_eq!(w.ran_at(Ts(400_000)), None);
        assert_eq!(w.ran_at(Ts(510_000)), None);
    }
}
