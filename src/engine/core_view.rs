//! What the front ends read from the core: offsets, the chat rate and its line, keyword and
//! emote counts, the moment being built.

use super::Core;
use crate::detect::moments::OpenMoment;
use crate::detect::velocity::VelocityStatus;
use crate::domain::Ts;

impl Core {
    /// Seconds from the offset base to `t` (the stream offset, live).
    pub fn offset_of(&self, t: Ts) -> f64 {
        t.secs_since(self.base()).max(0.0)
    }

    /// The chat rate, with the line that matters: in peaks mode the velocity rule fires
    /// nothing, so its threshold would mislead; the peak bar replaces it.
    pub fn velocity(&self) -> VelocityStatus {
        let mut status = self.velocity.status();
        if let Some(peaks) = &self.peaks {
            let bar = peaks.bar();
            status.threshold = bar.map_or(0.0, |b| b.rate);
            status.baseline = bar.map_or(status.baseline, |b| b.usual);
            status.chart_rate = bar.map_or(status.rate, |b| b.now);
            status.peak_bar = true;
        }
        status
    }

    pub fn keyword_counts(&self) -> impl Iterator<Item = (&str, usize)> {
        self.keywords.counts()
    }

    pub fn top_emote(&self) -> Option<(&str, u32)> {
        self.emotes.top()
    }

    /// Whether chat made a trigger within `window_ms` before `now`. A peak's trigger is dated
    /// back to the reaction (18 s and more), so its own time cannot tell.
    pub fn chat_spiking(&self, now: Ts, window_ms: i64) -> bool {
        self.chat_fired.is_some_and(|f| now.0 - f.0 <= window_ms)
    }

    /// The platform's id of the broadcast live now, when known.
    pub fn live_stream_id(&self) -> Option<u64> {
        self.stream_id.filter(|_| self.totals.is_live)
    }

    /// The live broadcast's id when a "stream ended" about `ended` is about another one (a
    /// late frame around a restart): that end is ignored, by the core and by the engine.
    pub fn other_live_broadcast(&self, ended: Option<u64>) -> Option<u64> {
        self.live_stream_id()
            .filter(|live| ended.is_some_and(|e| e != *live))
    }

    pub fn open_moment(&self) -> Option<&OpenMoment> {
        self.moments.open()
    }
}
