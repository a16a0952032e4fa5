use super::kick::DedupKey;
use std::collections::{HashSet, VecDeque};
pub struct Dedup {
    set: HashSet<DedupKey>,
    order: VecDeque<DedupKey>,
    cap: usize,
}
impl Dedup {
    pub fn new(cap: usize) -> Self {
        Dedup {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap,
        }
    }
    pub fn first_time(&mut self, key: &DedupKey) -> bool {
        if self.set.contains(key) {
            return false;
        }
        self.set.insert(key.clone());
        self.order.push_back(key.clone());
        if self.order.len() > self.cap
            && let Some(k) = self.order.pop_front()
        {
            self.set.remove(&k);
        }
        true
    }
}
