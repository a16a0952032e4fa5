//! Time the engine did not run: the computer slept (a laptop's lid closed) or the process was
//! stopped. Measured as idle time between the engine's turns on the boot clock, which runs
//! through a suspend and ignores the wall clock being set; the engine's 1 s tick keeps that
//! idle time near a second otherwise. The time slept is a gap in chat, not a silent chat that
//! would lower the usual rate and score the activity of the moment as dead.

use super::runner::Engine;
use super::update::Update;
use crate::domain::{Event, Ts};
use crate::time::wall_now;

/// Idle far longer than the 1 s tick allows.
const ASLEEP_AFTER_MS: i64 = 15_000;
/// After a sleep the chat counts again at its first sign of life (a dead socket is noticed
/// only after its silence timeout), or after this long without one.
const CHAT_BACK_WITHIN_MS: i64 = 60_000;

#[derive(Debug, Default)]
pub struct WakeWatch {
    idle_since: Option<i64>,
    /// Chat is held down since a sleep, until this time at the latest.
    chat_back_by: Option<Ts>,
}

impl WakeWatch {
    /// The engine waits for its next input from `boot_ms` on.
    pub fn idle(&mut self, boot_ms: Option<i64>) {
        self.idle_since = boot_ms;
    }

    /// The engine runs again at `boot_ms`: how long it slept, if it did.
    pub fn ran(&mut self, boot_ms: Option<i64>) -> Option<i64> {
        let slept = boot_ms? - self.idle_since.take()?;
        (slept > ASLEEP_AFTER_MS).then_some(slept)
    }
}

/// The boot clock in milliseconds (`None` where there is none: no detection then).
#[cfg(any(target_os = "linux", target_os = "android"))]
// `time_t` and `c_long` are 32 bits on 32-bit targets: the conversions are not useless there.
#[allow(clippy::useless_conversion)]
pub fn boot_ms() -> Option<i64> {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_BOOTTIME).ok()?;
    Some(i64::from(t.tv_sec()) * 1000 + i64::from(t.tv_nsec()) / 1_000_000)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn boot_ms() -> Option<i64> {
    None
}

impl Engine {
    /// Before an input reaches the core: a sleep just before it starts a chat gap.
    pub(super) async fn woke(&mut self) {
        let Some(slept_ms) = self.wake.ran(boot_ms()) else {
            return;
        };
        let to = wall_now();
        let slept = crate::time::format_offset_words(slept_ms as f64 / 1000.0);
        let text = format!(
            "kicktui did not run for {slept} (the computer slept, or the process was \
             stopped): that time counts as a gap in chat, not as silence"
        );
        tracing::warn!(target: crate::logging::SHOWN, "{text}");
        self.feed.send(Update::Note(text));
        // Held down until the source shows life; a second sleep within the hold extends it.
        if self.wake.chat_back_by.is_some() {
            self.wake.chat_back_by = Some(to.plus_ms(CHAT_BACK_WITHIN_MS));
        } else if !self.core.source_is_down() {
            let effects = self
                .core
                .on_event(to.plus_ms(-slept_ms), &Event::SourceDown);
            self.apply(effects).await;
            self.wake.chat_back_by = Some(to.plus_ms(CHAT_BACK_WITHIN_MS));
        }
    }

    /// Ends the gap a sleep started: at the source's first event, or when the wait is over.
    /// The source's own down or up ends it too (it says so itself).
    pub(super) async fn chat_back_after_sleep(&mut self, at: Ts, event: Option<&Event>) {
        let Some(by) = self.wake.chat_back_by else {
            return;
        };
        let (ends, up) = match event {
            // The source says its state itself.
            Some(Event::SourceDown | Event::SourceUp) => (true, false),
            Some(_) => (true, true),
            None => (at >= by, at >= by),
        };
        if ends {
            self.wake.chat_back_by = None;
        }
        if up {
            let effects = self.core.on_event(at, &Event::SourceUp);
            self.apply(effects).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idle_time_far_past_the_tick_is_a_sleep() {
        let mut w = WakeWatch::default();
        assert_eq!(w.ran(Some(1_000)), None, "nothing idle yet");
        w.idle(Some(1_000));
        assert_eq!(w.ran(Some(2_000)), None);
        // Busy 40 s in a handler (a store retry): not idle, not a sleep.
        w.idle(Some(42_000));
        assert_eq!(w.ran(Some(43_000)), None);
        w.idle(Some(43_000));
        assert_eq!(w.ran(Some(523_000)), Some(480_000));
        // No boot clock: no detection.
        w.idle(None);
        assert_eq!(w.ran(Some(900_000)), None);
    }
}
