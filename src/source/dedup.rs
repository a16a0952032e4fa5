//! Bounded de-duplication: the same message arrives on several channel aliases and again
//! after a reconnect; only the first sighting counts.

use std::collections::VecDeque;

use rustc_hash::FxHashSet;

pub use super::kick::DedupKey;

/// Remembers the last `capacity` keys (oldest forgotten first).
#[derive(Debug)]
pub struct Dedup {
    seen: FxHashSet<DedupKey>,
    order: VecDeque<DedupKey>,
    capacity: usize,
}

impl Dedup {
    pub const DEFAULT_CAPACITY: usize = 10_000;

    pub fn new(capacity: usize) -> Dedup {
        let capacity = capacity.max(1);
        Dedup {
            seen: FxHashSet::with_capacity_and_hasher(capacity, Default::default()),
            order: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// True the first time `key` is seen (within the last `capacity` keys).
    pub fn first_time(&mut self, key: &DedupKey) -> bool {
        if self.seen.contains(key) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        self.seen.insert(key.clone());
        self.order.push_back(key.clone());
        true
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
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
    use crate::domain::MsgId;

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

    #[test]
    fn zero_capacity_still_works() {
        let mut d = Dedup::new(0);
        let k = DedupKey::Message(MsgId(7));
        assert!(d.first_time(&k));
        assert!(!d.first_time(&k));
    }
}
