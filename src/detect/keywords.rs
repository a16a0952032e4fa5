//! Keyword bursts: case-insensitive phrases on word boundaries, counted per keyword over the
//! window, from several chatters; optionally relative to how often the phrase is normally said.

use std::collections::VecDeque;

use crate::config::Keywords as KeywordsConfig;
use crate::domain::{KeywordData, Trigger, TriggerData, TriggerType, Ts};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

struct KeywordState {
    phrase: String,
    /// (time ms, user) of each hit inside the window.
    hits: VecDeque<(i64, u64)>,
    /// Long-run hits per second (EWMA), for the relative threshold.
    rate: f64,
    seen_this_second: u32,
}

pub struct KeywordDetector {
    cfg: KeywordsConfig,
    relative: bool,
    matcher: Option<AhoCorasick>,
    words: Vec<KeywordState>,
    window_ms: i64,
}

/// EWMA weight per second: a time constant of about 10 minutes.
const RATE_ALPHA: f64 = 1.0 / 600.0;

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl KeywordDetector {
    pub fn new(cfg: &KeywordsConfig, window_s: u32, relative: bool) -> Self {
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&cfg.phrases)
            .ok();
        KeywordDetector {
            cfg: cfg.clone(),
            relative,
            matcher,
            words: cfg
                .phrases
                .iter()
                .map(|p| KeywordState {
                    phrase: p.clone(),
                    hits: VecDeque::new(),
                    rate: 0.0,
                    seen_this_second: 0,
                })
                .collect(),
            window_ms: window_s.max(1) as i64 * 1000,
        }
    }

    /// Which keywords a text contains, as a bit set (each counted once per message).
    pub fn matches(&self, text: &str) -> u64 {
        let Some(m) = &self.matcher else { return 0 };
        let bytes = text.as_bytes();
        let mut found = 0u64;
        for hit in m.find_overlapping_iter(text) {
            let (s, e) = (hit.start(), hit.end());
            if s > 0 && is_word(bytes[s - 1]) {
                continue;
            }
            // "LMAOOO" and "OMGGG" count: skip repeats of the last letter before the boundary.
            let last = bytes[e - 1].to_ascii_lowercase();
            let mut end = e;
            while end < bytes.len() && bytes[end].to_ascii_lowercase() == last {
                end += 1;
            }
            if end < bytes.len() && is_word(bytes[end]) {
                continue;
            }
            let i = hit.pattern().as_usize();
            if i < 64 {
                found |= 1 << i;
            }
        }
        found
    }

    pub fn on_message(&mut self, t: Ts, user: u64, text: &str) -> u64 {
        let found = self.matches(text);
        let mut bits = found;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let w = &mut self.words[i];
            w.hits.push_back((t.0, user));
            w.seen_this_second += 1;
        }
        found
    }

    /// Seed rule: the fixed threshold. Relative: well above this chat's usual count for the
    /// phrase, and never below the chatter minimum (small chats never reach the seed's count).
    fn needed(&self, w: &KeywordState) -> f64 {
        if !self.relative {
            return self.cfg.threshold as f64;
        }
        let expected = w.rate * self.window_ms as f64 / 1000.0;
        (self.cfg.min_chatters as f64).max(expected + 3.0 * expected.sqrt() + 1.0)
    }

    /// Closes one second: expires old hits, updates rates, returns the strongest keyword firing.
    pub fn close_second(&mut self, t: Ts) -> Option<Trigger> {
        let cutoff = t.0 - self.window_ms;
        let mut best: Option<(f64, usize)> = None;
        for i in 0..self.words.len() {
            let needed = self.needed(&self.words[i]);
            let w = &mut self.words[i];
            while w.hits.front().is_some_and(|h| h.0 <= cutoff) {
                w.hits.pop_front();
            }
            w.rate += RATE_ALPHA * (w.seen_this_second as f64 - w.rate);
            w.seen_this_second = 0;
            let count = w.hits.len() as f64;
            if count < needed {
                continue;
            }
            let strength = count / needed;
            if best.is_none_or(|(s, _)| strength > s)
                && distinct_users(&w.hits) >= self.cfg.min_chatters
            {
                best = Some((strength, i));
            }
        }
        let (strength, i) = best?;
        let w = &self.words[i];
        Some(Trigger {
            kind: TriggerType::Keyword,
            at: t,
            strength,
            data: TriggerData::Keyword(KeywordData {
                count: w.hits.len(),
                keyword: w.phrase.clone(),
            }),
        })
    }

    /// Current hits per keyword in the window, for the keyword pane and headless line.
    pub fn counts(&self) -> impl Iterator<Item = (&str, usize)> {
        self.words.iter().map(|w| (w.phrase.as_str(), w.hits.len()))
    }
}

fn distinct_users(hits: &VecDeque<(i64, u64)>) -> u32 {
    let mut users: Vec<u64> = hits.iter().map(|h| h.1).collect();
    users.sort_unstable();
    users.dedup();
    users.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(relative: bool) -> KeywordDetector {
        KeywordDetector::new(&KeywordsConfig::default(), 10, relative)
    }

    fn names(d: &KeywordDetector, text: &str) -> Vec<String> {
        let bits = d.matches(text);
        (0..d.words.len())
            .filter(|i| bits & (1 << i) != 0)
            .map(|i| d.words[i].phrase.clone())
            .collect()
    }

    #[test]
    fn matches_on_word_boundaries_and_case_insensitively() {
        let d = det(false);
        assert_eq!(names(&d, "clip that!!"), vec!["CLIP", "CLIP THAT"]);
        assert_eq!(names(&d, "LMAOOOO"), vec!["LMAO"]);
        assert_eq!(names(&d, "omg omg OMG"), vec!["OMG"]);
        assert!(names(&d, "OMEGALUL eclipse clipped").is_empty());
        assert_eq!(names(&d, "no way bro"), vec!["NO WAY"]);
    }

    #[test]
    fn seed_rule_three_hits_from_three_chatters() {
        let mut d = det(false);
        d.on_message(Ts(0), 1, "CLIP IT");
        d.on_message(Ts(100), 1, "clip");
        d.on_message(Ts(200), 1, "clip!!");
        assert!(
            d.close_second(Ts(1000)).is_none(),
            "one chatter is not a burst"
        );
        d.on_message(Ts(1100), 2, "clip");
        d.on_message(Ts(1200), 3, "clip that");
        let t = d.close_second(Ts(2000)).expect("fires");
        assert_eq!(
            t.data,
            TriggerData::Keyword(KeywordData {
                count: 5,
                keyword: "CLIP".into()
            })
        );
        assert!(
            d.close_second(Ts(12_000)).is_none(),
            "hits expire after the window"
        );
    }

    #[test]
    fn relative_mode_needs_more_where_a_phrase_is_common() {
        let mut d = det(true);
        // LMAO said 1.5 times a second for 20 minutes is this chat's normal.
        for s in 0..1200i64 {
            for k in 0..(1 + s % 2) {
                d.on_message(Ts(s * 1000 + k * 10), (s * 7 + k) as u64, "LMAO");
            }
            d.close_second(Ts((s + 1) * 1000));
        }
        let normal = d.words[3].hits.len() as f64;
        assert!(d.needed(&d.words[3]) > normal + 3.0);
        assert!(d.close_second(Ts(1_201_000)).is_none());
    }
}
