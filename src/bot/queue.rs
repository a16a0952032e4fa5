//! The one outgoing chat queue: moderation-critical before confirmations before advisor
//! lines, never more than `max_per_minute` (a sliding minute), the same text not twice within
//! the dedup window, and a line that waited too long dropped unsent. Pure: time is an argument.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::terminal_text::clean_cut;

/// Kick's limit for one chat message.
pub const MAX_CHARS: usize = 500;
const MINUTE: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// An advisor `chat_message` the streamer approved.
    Advisor,
    /// "clip saved", answers to `!clip`.
    Confirmation,
    /// Must go out first (a warning, a rule reminder).
    Moderation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub priority: Priority,
    pub text: String,
    pub queued_at: Instant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Push {
    Queued,
    /// Queued already, or sent within the dedup window.
    Duplicate,
    /// Nothing left after cleaning.
    Empty,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    Send(Outgoing),
    /// The rate limit allows the next message at this time.
    Wait(Instant),
    Idle,
}

#[derive(Clone, Debug)]
pub struct OutQueue {
    max_per_minute: usize,
    stale: Duration,
    dedup: Duration,
    items: Vec<Outgoing>,
    sent: VecDeque<Instant>,
    recent: VecDeque<(String, Instant)>,
    pub dropped_stale: u64,
    pub dropped_duplicate: u64,
}

impl OutQueue {
    pub fn new(max_per_minute: u32, stale: Duration, dedup: Duration) -> OutQueue {
        OutQueue {
            max_per_minute: max_per_minute.max(1) as usize,
            stale,
            dedup,
            items: Vec::new(),
            sent: VecDeque::new(),
            recent: VecDeque::new(),
            dropped_stale: 0,
            dropped_duplicate: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn push(&mut self, now: Instant, priority: Priority, text: &str) -> Push {
        let text = clean_cut(text, MAX_CHARS);
        if text.is_empty() {
            return Push::Empty;
        }
        self.forget(now);
        let key = text.to_lowercase();
        let dup = self.items.iter().any(|i| i.text.to_lowercase() == key)
            || self.recent.iter().any(|(k, _)| *k == key);
        if dup {
            self.dropped_duplicate += 1;
            return Push::Duplicate;
        }
        self.items.push(Outgoing {
            priority,
            text,
            queued_at: now,
        });
        Push::Queued
    }

    fn forget(&mut self, now: Instant) {
        while self
            .recent
            .front()
            .is_some_and(|(_, t)| now.saturating_duration_since(*t) >= self.dedup)
        {
            self.recent.pop_front();
        }
        while self
            .sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= MINUTE)
        {
            self.sent.pop_front();
        }
    }

    /// The next message to post now, or when to ask again. A returned message counts as sent.
    pub fn next(&mut self, now: Instant) -> Next {
        self.forget(now);
        let before = self.items.len();
        let stale = self.stale;
        self.items
            .retain(|i| now.saturating_duration_since(i.queued_at) < stale);
        self.dropped_stale += (before - self.items.len()) as u64;
        if self.items.is_empty() {
            return Next::Idle;
        }
        if self.sent.len() >= self.max_per_minute {
            return Next::Wait(self.sent.front().map_or(now, |t| *t + MINUTE));
        }
        // Highest priority; the first queued among equals.
        let Some(best) = (0..self.items.len()).max_by(|&a, &b| {
            let (x, y) = (&self.items[a], &self.items[b]);
            x.priority.cmp(&y.priority).then(b.cmp(&a))
        }) else {
            return Next::Idle;
        };
        let item = self.items.remove(best);
        self.sent.push_back(now);
        self.recent.push_back((item.text.to_lowercase(), now));
        Next::Send(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn q(max: u32) -> OutQueue {
        OutQueue::new(max, 120 * S, 300 * S)
    }

    fn sent(n: Next) -> String {
        match n {
            Next::Send(o) => o.text,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[test]
    fn higher_priority_goes_first_then_oldest_first() {
        let t = Instant::now();
        let mut q = q(10);
        q.push(t, Priority::Advisor, "advice");
        q.push(t + S, Priority::Confirmation, "clip saved 1");
        q.push(t + 2 * S, Priority::Confirmation, "clip saved 2");
        q.push(t + 3 * S, Priority::Moderation, "be nice");
        let now = t + 4 * S;
        let order: Vec<String> = (0..4).map(|_| sent(q.next(now))).collect();
        assert_eq!(order, ["be nice", "clip saved 1", "clip saved 2", "advice"]);
        assert_eq!(q.next(now), Next::Idle);
    }

    #[test]
    fn never_more_than_max_per_minute() {
        let t = Instant::now();
        let mut q = q(2);
        for i in 0..4 {
            q.push(t, Priority::Confirmation, &format!("m{i}"));
        }
        assert_eq!(sent(q.next(t)), "m0");
        assert_eq!(sent(q.next(t + 10 * S)), "m1");
        assert_eq!(q.next(t + 20 * S), Next::Wait(t + 60 * S));
        assert_eq!(sent(q.next(t + 60 * S)), "m2");
        assert_eq!(q.next(t + 61 * S), Next::Wait(t + 70 * S));
    }

    #[test]
    fn duplicates_are_dropped_while_queued_and_within_the_window() {
        let t = Instant::now();
        let mut q = q(10);
        assert_eq!(q.push(t, Priority::Advisor, "GG"), Push::Queued);
        assert_eq!(q.push(t, Priority::Advisor, "gg "), Push::Duplicate);
        sent(q.next(t));
        assert_eq!(
            q.push(t + 100 * S, Priority::Advisor, "gg"),
            Push::Duplicate
        );
        assert_eq!(q.push(t + 300 * S, Priority::Advisor, "gg"), Push::Queued);
        assert_eq!(q.push(t, Priority::Advisor, " \n "), Push::Empty);
        assert_eq!(q.dropped_duplicate, 2);
    }

    #[test]
    fn stale_messages_are_dropped_unsent() {
        let t = Instant::now();
        let mut q = q(1);
        q.push(t, Priority::Confirmation, "first");
        q.push(t, Priority::Confirmation, "second");
        assert_eq!(sent(q.next(t)), "first");
        // The rate limit holds "second" past its 120 s.
        assert_eq!(q.next(t + 30 * S), Next::Wait(t + 60 * S));
        assert_eq!(q.next(t + 121 * S), Next::Idle);
        assert_eq!(q.dropped_stale, 1);
    }

    #[test]
    fn long_text_is_cut_to_kicks_limit() {
        let t = Instant::now();
        let mut q = q(1);
        q.push(t, Priority::Advisor, &"a".repeat(900));
        assert_eq!(sent(q.next(t)).len(), MAX_CHARS);
    }
}
