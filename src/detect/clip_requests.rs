//! Viewers asking for a clip (`!clip`, or `[chat] clip_commands`): each viewer counts once per
//! window; enough different viewers is a trigger. Reported as a `keyword` trigger whose data
//! says `"clip_command"`, so stored moments keep the fixed trigger-type list.

use std::collections::VecDeque;

use crate::config::Chat as ChatConfig;
use crate::domain::{ClipRequestsData, Trigger, TriggerData, TriggerType, Ts};

/// A viewer's request counts this long.
const WINDOW_MS: i64 = 30_000;
/// The usual number of requests a window is learnt over this long…
const HISTORY_MS: i64 = 600_000;
/// …and a burst is more than this many times it: on a busy chat a few viewers ask all the
/// time (a steady trickle fired once, at the start, and never again).
const OVER_USUAL: f64 = 3.0;
/// Until chat has been seen this long the usual is unknown: a burst needs `WARMUP_VIEWERS`
/// (the trickle of a chat just joined is not a burst; hundreds asking still are).
const WARMUP_MS: i64 = 120_000;
const WARMUP_VIEWERS: u32 = 5;
/// A burst begins at the busiest stretch this long of its window.
const DENSEST_MS: i64 = 10_000;
/// Requests remembered for the usual level, at most (a flood of thousands).
const MAX_HISTORY: usize = 20_000;

pub struct ClipRequests {
    commands: Vec<String>,
    min_viewers: u32,
    /// (time, viewer, part of a burst that fired) of counted requests in the window.
    recent: VecDeque<(i64, u64, bool)>,
    /// Times of counted requests that left the window, the last `HISTORY_MS`, bursts left
    /// out (a flood is not the usual level: it would hide the next one for 10 minutes).
    history: VecDeque<i64>,
    /// The first chat message seen.
    started: Option<i64>,
    /// Viewers when the burst under way last fired; `None` once it has died down.
    fired: Option<u32>,
}

impl ClipRequests {
    pub fn new(cfg: &ChatConfig) -> Self {
        ClipRequests {
            commands: cfg
                .clip_commands
                .iter()
                .map(|c| c.trim().to_ascii_lowercase())
                .filter(|c| !c.is_empty())
                .collect(),
            min_viewers: cfg.clip_min_viewers.max(1),
            recent: VecDeque::new(),
            history: VecDeque::new(),
            started: None,
            fired: None,
        }
    }

    /// Whether `text` is one of the clip commands (`!clip`, `!clip that`, not `!clipboard`).
    pub fn is_request(&self, text: &str) -> bool {
        let text = text.trim_start();
        if !text.starts_with('!') {
            return false;
        }
        self.commands.iter().any(|c| {
            text.len() >= c.len()
                && text.is_char_boundary(c.len())
                && text[..c.len()].eq_ignore_ascii_case(c)
                && text[c.len()..]
                    .chars()
                    .next()
                    .is_none_or(|ch| ch.is_whitespace())
        })
    }

    /// A chat message at `t` from `user`: returns a trigger when this request makes a burst,
    /// and again each time the burst doubles (the moment keeps the biggest count).
    pub fn on_message(&mut self, t: Ts, user: u64, text: &str) -> Option<Trigger> {
        let started = *self.started.get_or_insert(t.0);
        if self.commands.is_empty() || !self.is_request(text) {
            return None;
        }
        self.expire(t.0);
        let need = self.need(t.0 - started);
        if self.fired.is_some() && (self.recent.len() as u32) < need.div_ceil(2) {
            self.fired = None;
        }
        if self.recent.iter().any(|&(_, u, _)| u == user) {
            return None;
        }
        self.recent.push_back((t.0, user, self.fired.is_some()));
        let viewers = self.recent.len() as u32;
        let fires = match self.fired {
            Some(last) => viewers >= 2 * last,
            None => viewers >= need,
        };
        if !fires {
            return None;
        }
        self.fired = Some(viewers);
        let first = self.burst_start().map_or(t, Ts);
        for r in &mut self.recent {
            r.2 = true;
        }
        Some(Trigger {
            kind: TriggerType::Keyword,
            at: first,
            strength: 5.0 + viewers as f64 / self.min_viewers as f64,
            data: TriggerData::ClipRequests(ClipRequestsData { viewers }),
        })
    }

    /// Where the burst began: the first request of the busiest `DENSEST_MS` in the window (a
    /// trickle's request 25 s before a flood put its clip before what the viewers asked for).
    fn burst_start(&self) -> Option<i64> {
        let at = |i: usize| self.recent[i].0;
        let (mut best, mut start, mut end) = (0, 0, 0);
        for i in 0..self.recent.len() {
            while end < self.recent.len() && at(end) - at(i) < DENSEST_MS {
                end += 1;
            }
            if end - i > best {
                (best, start) = (end - i, i);
            }
        }
        self.recent.get(start).map(|r| r.0)
    }

    /// Viewers a window needs to be a burst, `seen_ms` after chat was first seen: more than
    /// `OVER_USUAL` times the usual requests a window, or `WARMUP_VIEWERS` while that is too
    /// soon to tell.
    fn need(&self, seen_ms: i64) -> u32 {
        if seen_ms < WARMUP_MS {
            return self.min_viewers.max(WARMUP_VIEWERS);
        }
        let windows = ((seen_ms.min(HISTORY_MS) - WINDOW_MS) as f64 / WINDOW_MS as f64).max(1.0);
        let usual = self.history.len() as f64 / windows;
        self.min_viewers
            .max((OVER_USUAL * usual).floor() as u32 + 1)
    }

    fn expire(&mut self, t: i64) {
        while let Some(&(at, _, burst)) = self.recent.front()
            && t - at >= WINDOW_MS
        {
            self.recent.pop_front();
            if !burst {
                self.history.push_back(at);
            }
        }
        while self
            .history
            .front()
            .is_some_and(|&at| t - at >= HISTORY_MS || self.history.len() > MAX_HISTORY)
        {
            self.history.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det() -> ClipRequests {
        ClipRequests::new(&ChatConfig::default())
    }

    #[test]
    fn distinct_viewers_asking_is_a_trigger_once_per_burst() {
        let mut d = det();
        // Chat seen for a while, without requests: two viewers asking is a burst.
        assert!(d.on_message(Ts(-300_000), 9, "hello").is_none());
        assert!(d.on_message(Ts(1_000), 1, "!clip").is_none(), "one viewer");
        assert!(
            d.on_message(Ts(2_000), 1, "!CLIP").is_none(),
            "same viewer again"
        );
        let t = d
            .on_message(Ts(3_000), 2, "!clip that")
            .expect("two viewers");
        assert_eq!(t.kind, TriggerType::Keyword);
        assert_eq!(t.at, Ts(1_000), "placed at the first request");
        assert_eq!(
            t.data,
            TriggerData::ClipRequests(ClipRequestsData { viewers: 2 })
        );
        assert!(d.on_message(Ts(4_000), 3, "!clip").is_none(), "same burst");
        // The window empties: a new burst fires again.
        assert!(d.on_message(Ts(60_000), 4, "!clip").is_none());
        assert!(d.on_message(Ts(61_000), 5, "!clip").is_some());
    }

    /// Viewers of each trigger over a stream: chat from t = 0, a viewer asking every 10 s
    /// (each a new one), and floods of 40 viewers in 10 s at the given minutes.
    fn triggers_with_trickle(floods_min: &[i64]) -> Vec<(i64, u32)> {
        let mut d = det();
        let mut events: Vec<(i64, u64)> =
            (0..180).map(|i| (i * 10_000, 1_000 + i as u64)).collect();
        for (f, &m) in floods_min.iter().enumerate() {
            for v in 0..40u64 {
                events.push((m * 60_000 + v as i64 * 250, 10_000 * (f as u64 + 1) + v));
            }
        }
        events.sort();
        d.on_message(Ts(0), 1, "hi");
        events
            .into_iter()
            .filter_map(|(t, u)| d.on_message(Ts(t), u, "!clip"))
            .map(|trig| match trig.data {
                TriggerData::ClipRequests(c) => (trig.at.0, c.viewers),
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn a_steady_trickle_is_no_burst_and_floods_over_it_each_are() {
        assert_eq!(
            triggers_with_trickle(&[]),
            vec![],
            "a trickle from the start"
        );
        let fired = triggers_with_trickle(&[12, 22]);
        // Placed where the flood began, not at a trickle's request before it.
        let near =
            |m: i64| move |f: &&(i64, u32)| (m * 60_000..=m * 60_000 + 10_000).contains(&f.0);
        assert!(
            fired.iter().any(|f| near(12)(&f)) && fired.iter().any(|f| near(22)(&f)),
            "both floods fire: {fired:?}"
        );
        assert!(
            fired.iter().all(|f| near(12)(&f) || near(22)(&f)),
            "only they: {fired:?}"
        );
        // The count grows with the flood (the moment keeps the biggest).
        let biggest = fired.iter().map(|&(_, v)| v).max().unwrap_or(0);
        assert!(biggest >= 32, "{fired:?}");
    }

    #[test]
    fn a_huge_flood_does_not_hide_the_next_one() {
        let mut d = det();
        d.on_message(Ts(0), 1, "hi");
        let flood = |d: &mut ClipRequests, at_s: i64, viewers: u64, base: u64| {
            (0..viewers)
                .filter_map(|v| d.on_message(Ts(at_s * 1000 + v as i64 * 10), base + v, "!clip"))
                .count()
        };
        assert!(flood(&mut d, 300, 300, 1_000) > 0);
        assert!(
            flood(&mut d, 480, 40, 5_000) > 0,
            "40 viewers three minutes later"
        );
    }

    #[test]
    fn right_after_joining_a_few_requests_wait_and_many_fire() {
        let mut d = det();
        assert!(d.on_message(Ts(0), 1, "!clip").is_none());
        assert!(
            d.on_message(Ts(1_000), 2, "!clip").is_none(),
            "two, just joined"
        );
        let fired = (3..=5).filter_map(|u| d.on_message(Ts(u as i64 * 1_000), u, "!clip"));
        assert_eq!(fired.count(), 1, "five viewers at once");
    }

    #[test]
    fn other_commands_and_plain_text_are_not_requests() {
        let d = det();
        assert!(!d.is_request("!clipboard"));
        assert!(!d.is_request("!discord"));
        assert!(!d.is_request("clip"));
        assert!(d.is_request("  !Clip please"));
    }
}
