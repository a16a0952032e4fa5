//! Time moving on: each closed second runs the detectors, and their triggers become moments.

use super::{ChatStats, Core, Effect};
use crate::domain::{Moment, Trigger, Ts};

/// Seconds closed one by one at most after a jump in time; beyond that every window is empty.
const MAX_CATCH_UP_S: i64 = 900;

/// A keyword or emote burst this recent confirms (and names) a chat peak.
const CONFIRMER_MAX_AGE_MS: i64 = 60_000;

/// What a moment's row shows: its name (the headline: a cheer is not a donation), how many
/// other triggers (`+N`), its time and its score.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Shown {
    headline: &'static str,
    triggers: usize,
    at: Ts,
    score: f64,
}

impl Shown {
    fn of(m: &Moment) -> Shown {
        Shown {
            headline: m.headline(),
            triggers: m.triggers.len(),
            at: m.at,
            score: m.score,
        }
    }
}

impl Core {
    /// The window being collected, cut short at `t` (offline, shutdown): no counted chat
    /// message is left out of `chat_stats`. The next window then counts from `t`.
    pub(super) fn flush_stats(&mut self, t: Ts, out: &mut Vec<Effect>) {
        if self.stats.messages == 0 {
            return;
        }
        let Some(sec) = self.second else { return };
        let w = i64::from(self.stats_window_s);
        let start = self
            .stats_since
            .unwrap_or(sec.div_euclid(w) * w * 1000)
            .min(t.0);
        let window_s = (t.0 - start + 999).div_euclid(1000).max(1);
        let stats = std::mem::take(&mut self.stats);
        self.stats_since = Some(t.0);
        out.push(Effect::ChatStats(ChatStats {
            at: t,
            window_s: u32::try_from(window_s).unwrap_or(self.stats_window_s),
            // The rolling window's chatters: a window cut short has fewer, never more than
            // its messages.
            chatters: self.velocity.status().chatters.min(stats.messages),
            ..stats
        }));
    }

    pub(super) fn advance(&mut self, t: Ts, out: &mut Vec<Effect>) {
        self.origin.get_or_insert_with(|| {
            self.quiet_until = t.plus_ms(self.warmup_ms);
            t
        });
        let now_sec = t.0.div_euclid(1000);
        let Some(mut sec) = self.second else {
            self.second = Some(now_sec);
            return;
        };
        if now_sec - sec > MAX_CATCH_UP_S {
            sec = now_sec - MAX_CATCH_UP_S;
        }
        while sec < now_sec {
            self.close_second(sec, out);
            sec += 1;
        }
        self.second = Some(sec);
    }

    pub(super) fn close_second(&mut self, sec: i64, out: &mut Vec<Effect>) {
        let end = Ts((sec + 1) * 1000);
        let velocity = self.velocity.close_second(end, self.source_down);
        let keyword = self.keywords.close_second(end);
        let emote = self.emotes.close_second(end);
        self.engage.close_second(end);
        let quiet = end < self.quiet_until || end < self.raid_until;
        match &mut self.peaks {
            Some(p) => {
                // Gaps say nothing about chat: nothing is learnt or judged across one.
                let peak = if self.source_down {
                    p.skip_second();
                    None
                } else {
                    p.close_second(end, quiet)
                };
                self.keep_confirmers(end, [keyword, emote]);
                if let Some(trig) = peak {
                    self.chat_fired = Some(end);
                    let at = trig.at;
                    self.trigger(trig, out);
                    for mut c in std::mem::take(&mut self.confirmers) {
                        c.at = at;
                        self.trigger(c, out);
                    }
                }
            }
            None if !quiet => {
                for trig in [velocity, keyword, emote].into_iter().flatten() {
                    self.chat_fired = Some(end);
                    self.trigger(trig, out);
                }
            }
            None => {}
        }
        if let Some(m) = self.moments.advance(end) {
            self.push_moment(m, out);
        }
        if (sec + 1) % self.stats_window_s as i64 == 0 {
            let stats = std::mem::take(&mut self.stats);
            // After a partial flush the window is shorter than configured.
            let window_s = match self.stats_since.take() {
                Some(since) => {
                    ((end.0 - since + 999) / 1000).clamp(1, i64::from(self.stats_window_s))
                }
                None => i64::from(self.stats_window_s),
            };
            out.push(Effect::ChatStats(ChatStats {
                at: end,
                window_s: window_s as u32,
                chatters: self.velocity.status().chatters,
                ..stats
            }));
        }
    }

    pub(super) fn keep_confirmers(&mut self, now: Ts, fresh: [Option<Trigger>; 2]) {
        self.confirmers
            .retain(|c| now.0 - c.at.0 <= CONFIRMER_MAX_AGE_MS);
        for trig in fresh.into_iter().flatten() {
            match self.confirmers.iter_mut().find(|c| c.kind == trig.kind) {
                Some(c) if trig.strength >= c.strength => *c = trig,
                Some(_) => {}
                None => self.confirmers.push(trig),
            }
        }
    }

    /// Announces the open moment as building, and again each time a trigger changes what
    /// its row shows: the last form shown is the one stored, and the one a restart reloads
    /// (shown once, a sub burst stayed `SUB BURST` on screen while its chat reaction, which
    /// outdid it, made it `EMOTE SPAM +3` in the store).
    pub(super) fn trigger(&mut self, trig: Trigger, out: &mut Vec<Effect>) {
        if let Some(m) = self.moments.on_trigger(trig) {
            self.push_moment(m, out);
        }
        if let Some(mut m) = self.moments.preview() {
            let now = Shown::of(&m);
            if self.building_shown.as_ref() != Some(&now) {
                self.building_shown = Some(now);
                self.fill_offsets(&mut m);
                out.push(Effect::MomentBuilding(m));
            }
        }
    }

    pub(super) fn push_moment(&mut self, mut m: Moment, out: &mut Vec<Effect>) {
        self.building_shown = None;
        self.fill_offsets(&mut m);
        self.totals.moments += 1;
        out.push(Effect::Moment(m));
    }
}
