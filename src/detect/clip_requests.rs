//! Viewers asking for a clip (`!clip`, or `[chat] clip_commands`): each viewer counts once per
//! window; enough different viewers is a trigger. Reported as a `keyword` trigger whose data
//! says `"clip_command"`, so stored moments keep the fixed trigger-type list.

use std::collections::VecDeque;

use crate::config::Chat as ChatConfig;
use crate::domain::{ClipRequestsData, Trigger, TriggerData, TriggerType, Ts};

/// A viewer's request counts this long; a new burst needs the window to empty first.
const WINDOW_MS: i64 = 30_000;

pub struct ClipRequests {
    commands: Vec<String>,
    min_viewers: u32,
    /// (time, viewer) of counted requests in the window.
    recent: VecDeque<(i64, u64)>,
    /// Fired for the burst in the window; re-armed when the window empties.
    fired: bool,
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
            fired: false,
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

    /// A chat message at `t` from `user`: returns a trigger when this request completes a burst.
    pub fn on_message(&mut self, t: Ts, user: u64, text: &str) -> Option<Trigger> {
        if self.commands.is_empty() || !self.is_request(text) {
            return None;
        }
        self.expire(t);
        if self.recent.iter().any(|&(_, u)| u == user) {
            return None;
        }
        self.recent.push_back((t.0, user));
        let viewers = self.recent.len() as u32;
        if self.fired || viewers < self.min_viewers {
            return None;
        }
        self.fired = true;
        let first = self.recent.front().map_or(t, |&(at, _)| Ts(at));
        Some(Trigger {
            kind: TriggerType::Keyword,
            at: first,
            strength: 5.0 + viewers as f64 / self.min_viewers as f64,
            data: TriggerData::ClipRequests(ClipRequestsData { viewers }),
        })
    }

    fn expire(&mut self, t: Ts) {
        while self
            .recent
            .front()
            .is_some_and(|&(at, _)| t.0 - at >= WINDOW_MS)
        {
            self.recent.pop_front();
        }
        if self.recent.is_empty() {
            self.fired = false;
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

    #[test]
    fn other_commands_and_plain_text_are_not_requests() {
        let d = det();
        assert!(!d.is_request("!clipboard"));
        assert!(!d.is_request("!discord"));
        assert!(!d.is_request("clip"));
        assert!(d.is_request("  !Clip please"));
    }
}
