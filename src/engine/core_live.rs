//! The stream going live and offline in the core: the session's start (believed only when
//! plausible), the warm-up, and the offsets moments are counted from.

use super::{Core, Effect, OffsetBase};
use crate::domain::{Moment, Ts};

/// The oldest stream start believed: a month (Kick has had month-long streams).
const MAX_STREAM_AGE_MS: i64 = 31 * 86_400_000;
/// Joining a running stream skips its warm-up, but the rule detectors (keywords, emotes) still
/// get this long to learn the chat's usual rates.
const LEARN_MS: i64 = 60_000;

impl Core {
    pub(super) fn on_live(
        &mut self,
        t: Ts,
        title: &Option<String>,
        started_at: Option<Ts>,
        stream_id: Option<u64>,
        out: &mut Vec<Effect>,
    ) {
        // A start from outside is believed only if it is a plausible past: one in the
        // future (a bad clock, a bad field) would put every clip window before it.
        let known = started_at
            .filter(|s| t.0.saturating_sub(s.0) <= MAX_STREAM_AGE_MS)
            .map(|s| s.min(t));
        if self.totals.is_live {
            match (self.stream_id, stream_id) {
                // Another broadcast while one is live (its end was missed: a reconnect, a
                // restart within seconds): the old session ends where the new one starts.
                (Some(now), Some(new)) if now != new => {
                    let ended = known.unwrap_or(t);
                    self.on_offline(t, Some(ended), None, out);
                }
                _ => {
                    self.stream_id = self.stream_id.or(stream_id);
                    self.on_start_known(known, stream_id, out);
                    return;
                }
            }
        }
        self.stream_id = stream_id;
        let start = known.unwrap_or(t);
        // A moment building from before the stream (the waiting room's subs) is the offline
        // session's: closed there, it does not take in the stream's first triggers. Not when
        // the stream was already running as kicktui joined (no start known, never seen
        // offline): that moment is the stream's.
        let before_stream = known.is_some() || self.seen_offline;
        if before_stream
            && self.moments.open().is_some_and(|m| m.first < start)
            && let Some(m) = self.moments.close()
        {
            self.push_moment(m, out);
        }
        self.start_guessed = known.is_none();
        self.totals.is_live = true;
        self.engage.start_session(t);
        // Another stream, another audience: the last one's counts are no baseline
        // (a stream opening with more viewers than the last one had is no spike), and its
        // audience arrives over its first minutes (from its start, or from now when kicktui
        // saw it go live without one; a stream joined while running has arrived).
        let opened = known.or(self.seen_offline.then_some(t));
        self.viewers.start_stream(opened);
        self.stream_start = Some(start);
        // The warm-up is for the greetings of a stream's start: joining a stream
        // that has run longer than that needs none (the peaks still want a
        // minute of history to judge against).
        let warm = start.plus_ms(self.warmup_ms);
        // Live with no start time (the stream probe, while the API is blocked) and never seen
        // offline: a stream already running when kicktui joined, as a start time before
        // joining would say.
        let joined_unknown = started_at.is_none() && !self.seen_offline;
        let learn = |o: Ts| o.plus_ms(LEARN_MS.min(self.warmup_ms));
        self.quiet_until = match self.origin {
            // Still a minute to learn the chat's usual rates from.
            Some(o) if start < o => warm.max(learn(o)),
            Some(o) if joined_unknown => learn(o),
            _ => self.quiet_until.max(warm),
        };
        // The platform's words reach the log file, headless stdout, the report: escape
        // sequences in a title (a screen clear, a clipboard write) must not.
        let title = title
            .as_deref()
            .map(crate::terminal_text::clean)
            .filter(|t| !t.is_empty());
        out.push(Effect::Live {
            at: start,
            title,
            stream_id,
            start_known: known.is_some(),
        });
    }

    /// Live again while live: a real start replaces a guessed one when it is earlier (the API
    /// back after the stream probe said live; the stream ran before kicktui saw it).
    fn on_start_known(&mut self, known: Option<Ts>, stream_id: Option<u64>, out: &mut Vec<Effect>) {
        let (Some(at), Some(guess)) = (known, self.stream_start) else {
            return;
        };
        if !self.start_guessed {
            return;
        }
        self.start_guessed = false;
        // Within a second is the same start (a guess is never earlier than the stream).
        if at.0 + 1_000 > guess.0 {
            return;
        }
        self.stream_start = Some(at);
        out.push(Effect::StartKnown {
            at,
            was: guess,
            stream_id,
        });
    }

    /// The channel was said offline while not live (kicktui started before the stream):
    /// a later "live" without a start time is a fresh start.
    pub fn saw_offline(&mut self) {
        self.seen_offline = true;
    }

    pub(super) fn on_offline(
        &mut self,
        t: Ts,
        ended_at: Option<Ts>,
        stream_id: Option<u64>,
        out: &mut Vec<Effect>,
    ) {
        // A late "stream ended" about an earlier broadcast: the live one goes on.
        if self.other_live_broadcast(stream_id).is_some() {
            return;
        }
        self.stream_id = None;
        self.seen_offline = true;
        if let Some(m) = self.moments.close() {
            self.push_moment(m, out);
        }
        // Counted while live: stored with the live session before it closes.
        self.flush_stats(t, out);
        if std::mem::replace(&mut self.totals.is_live, false) {
            // Never later than now (a bad clock, a bad field).
            let at = ended_at.map_or(t, |e| e.min(t));
            out.push(Effect::Offline { at });
            // The offline session that follows counts its moments from here, not
            // from the ended stream's start (0:08:19 in a 0:05:51 session).
            self.stream_start = Some(t);
        }
    }

    /// An offline session opened for what happened at `at` (the chat, money or moment that
    /// opened it): its moments count from there, not from kicktui's start or the last
    /// stream's end, which can be minutes earlier on a quiet channel.
    pub fn offline_session_opened(&mut self, at: Ts) {
        if !self.totals.is_live {
            self.stream_start = Some(at);
        }
    }

    pub(super) fn base(&self) -> Ts {
        let origin = self.origin.unwrap_or_default();
        match self.offset_base {
            OffsetBase::FirstEvent => origin,
            OffsetBase::StreamStart => self.stream_start.unwrap_or(origin),
        }
    }

    /// Offsets from the stream's start. A moment from before it (a mark just as the stream
    /// went live) is at the start: its clip window then holds it.
    pub(super) fn fill_offsets(&self, m: &mut Moment) {
        let base = self.base();
        m.at = m.at.max(base);
        m.offset_s = m.at.secs_since(base);
        m.clip_start = m.clip_start.max(base);
    }
}
