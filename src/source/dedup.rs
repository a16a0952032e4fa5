//! Bounded de-duplication: the same message arrives on several channel aliases and again
//! after a reconnect; only the first sighting counts.

use rustc_hash::FxHashMap;

pub use super::kick::DedupKey;
use crate::domain::MsgId;

/// Remembers the last `capacity` keys let through (oldest forgotten first).
///
/// Each key maps to its place in the order keys were let through; a key is remembered while
/// that place is among the last `capacity`. Forgotten keys are swept out in one pass every
/// `capacity / 8` keys, so a lookup is a single probe (replay checks every message: an
/// eviction queue cost a second, cache-missing probe per message) and the table stays at the
/// size `capacity` needs (it is larger than the caches: its size is most of the cost).
#[derive(Debug)]
pub struct Dedup {
    /// Message ids, nearly every key, apart and as two `u64`s: 24-byte entries.
    messages: FxHashMap<[u64; 2], u64>,
    others: FxHashMap<DedupKey, u64>,
    /// Keys let through so far: the place of the next one.
    next: u64,
    capacity: u64,
    sweep_every: u64,
}

impl Dedup {
    pub const DEFAULT_CAPACITY: usize = 10_000;

    pub fn new(capacity: usize) -> Dedup {
        let capacity = capacity.max(1);
        Dedup {
            messages: FxHashMap::with_capacity_and_hasher(capacity, Default::default()),
            others: FxHashMap::default(),
            next: 0,
            capacity: capacity as u64,
            sweep_every: (capacity as u64 / 8).max(1),
        }
    }

    /// True the first time `key` is seen (within the last `capacity` keys).
    pub fn first_time(&mut self, key: &DedupKey) -> bool {
        let place = match key {
            DedupKey::Message(MsgId(id)) => self
                .messages
                .entry([*id as u64, (*id >> 64) as u64])
                .or_insert(u64::MAX),
            other => self.others.entry(other.clone()).or_insert(u64::MAX),
        };
        // A new key holds u64::MAX, never below `next`.
        if *place < self.next && *place >= self.next.saturating_sub(self.capacity) {
            return false;
        }
        *place = self.next;
        self.next += 1;
        if self.next.is_multiple_of(self.sweep_every) {
            let oldest = self.next.saturating_sub(self.capacity);
            self.messages.retain(|_, p| *p >= oldest);
            self.others.retain(|_, p| *p >= oldest);
        }
        true
    }

    /// Keys remembered.
    pub fn len(&self) -> usize {
        self.next.min(self.capacity) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.next == 0
    }
}

impl Default for Dedup {
    fn default() -> Self {
        Dedup::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_dropped() {
        let mut d = Dedup::default();
        let a = DedupKey::Message(MsgId(1));
        let g = DedupKey::Gift("700002820790407".into());
        assert!(d.first_time(&a));
        assert!(d.first_time(&g));
        assert!(!d.first_time(&a));
        assert!(!d.first_time(&g));
        // Same text, different kind of key: not a duplicate.
        assert!(d.first_time(&DedupKey::Kicks("700002820790407".into())));
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn oldest_keys_are_forgotten_at_capacity() {
        let mut d = Dedup::new(3);
        for i in 0..5u128 {
            assert!(d.first_time(&DedupKey::Message(MsgId(i))));
        }
        assert_eq!(d.len(), 3);
        assert!(d.first_time(&DedupKey::Message(MsgId(0))), "evicted");
        assert!(!d.first_time(&DedupKey::Message(MsgId(4))), "still held");
        assert_eq!(d.len(), 3);
    }

    /// The same answers as the plain definition (a queue of the last `capacity` keys let
    /// through), on a stream with many repeats, evictions and re-admissions of both kinds.
    #[test]
    fn agrees_with_a_queue_of_the_last_keys() {
        for capacity in [1usize, 2, 3, 7, 16] {
            let mut d = Dedup::new(capacity);
            let mut queue = std::collections::VecDeque::new();
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            for _ in 0..5_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let n = x % 24;
                let key = if n.is_multiple_of(3) {
                    DedupKey::Gift(n.to_string())
                } else {
                    DedupKey::Message(MsgId(u128::from(n)))
                };
                let fresh = !queue.contains(&key);
                if fresh {
                    if queue.len() == capacity {
                        queue.pop_front();
                    }
                    queue.push_back(key.clone());
                }
                assert_eq!(d.first_time(&key), fresh, "capacity {capacity}, {key:?}");
                assert_eq!(d.len(), queue.len());
            }
        }
    }

    #[test]
    fn zero_capacity_still_works() {
        let mut d = Dedup::new(0);
        let k = DedupKey::Message(MsgId(7));
        assert!(d.first_time(&k));
        assert!(!d.first_time(&k));
    }
}
