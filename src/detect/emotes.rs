//! Emote spam: the same emote many times in a few seconds, from several chatters. Kick emotes
//! come tagged (`[emote:ID:NAME]`); in plain-text chat (Twitch logs) well-known global emote
//! names stand in. Apart from emotes, a short message many chatters repeat ("no way", "W") is
//! a repeated phrase, named in quotes; greetings, filler and user names never count.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};

use super::emote_words::{fold_hash, is_global_emote_folded, is_not_a_reaction_folded, trim_word};
use crate::config::Emotes as EmotesConfig;
use crate::domain::{ChatMessage, EmoteData, Trigger, TriggerData, TriggerType, Ts, hash_str};

/// Messages with more words than this are talk, not a reaction.
const MAX_REACTION_WORDS: usize = 4;
/// EWMA weight per second for the usual top count (about 10 minutes).
const TOP_ALPHA: f64 = 1.0 / 600.0;

struct TokenCount {
    name: String,
    count: u32,
}

pub struct EmoteDetector {
    cfg: EmotesConfig,
    relative: bool,
    window_ms: i64,
    entries: VecDeque<(i64, u64, u64)>,
    counts: FxHashMap<u64, TokenCount>,
    usual_top: f64,
    top: Option<(u64, u32)>,
    /// (token, chatter) pairs counted in the window: a chatter counts once per token.
    active: FxHashSet<(u64, u64)>,
    /// Recent chatters' names (folded hashes): a phrase that is a name is not a reaction.
    names: FxHashSet<u64>,
    phrase: String,
    /// Triggers keep a phrase's words (else [`HIDDEN_PHRASE`]).
    phrase_text: bool,
}

/// Whether a token the detector names is a repeated phrase (quoted), not an emote.
pub fn is_phrase(name: &str) -> bool {
    name.starts_with('"')
}

/// A phrase's moment trigger without its words: what chatters typed is chat text, which is
/// not stored, logged or sent out unless `[general] store_chat_text` is on. The emote pane
/// still shows the words, on screen only.
pub const HIDDEN_PHRASE: &str = "\"…\"";

/// Chatter names remembered for the "not a user name" check before the set is renewed.
const MAX_NAMES: usize = 50_000;

impl EmoteDetector {
    pub fn new(cfg: &EmotesConfig, relative: bool) -> Self {
        EmoteDetector {
            cfg: cfg.clone(),
            relative,
            window_ms: cfg.window_seconds.max(1) as i64 * 1000,
            entries: VecDeque::new(),
            counts: FxHashMap::default(),
            usual_top: 0.0,
            top: None,
            active: FxHashSet::default(),
            names: FxHashSet::default(),
            phrase: String::new(),
            phrase_text: false,
        }
    }

    /// Moment triggers carry a repeated phrase's words (`[general] store_chat_text`).
    pub fn with_phrase_text(mut self, keep: bool) -> Self {
        self.phrase_text = keep;
        self
    }

    fn add(&mut self, t: Ts, user: u64, key: u64, name: &str) {
        if !self.active.insert((key, user)) {
            return;
        }
        self.entries.push_back((t.0, key, user));
        self.counts
            .entry(key)
            .or_insert_with(|| TokenCount {
                name: name.to_string(),
                count: 0,
            })
            .count += 1;
    }

    pub fn on_message(&mut self, t: Ts, msg: &ChatMessage) {
        if self.names.len() >= MAX_NAMES {
            self.names.clear();
        }
        self.names.insert(fold_hash(&msg.username));
        if !msg.emotes.is_empty() {
            let mut seen = [0u64; MAX_REACTION_WORDS];
            let mut n = 0;
            // Tagged emotes, and global ones typed beside them (a BTTV/7TV `KEKW` next to
            // Twitch's `Kappa` has no tag).
            let typed = msg.text.split_ascii_whitespace().map(trim_word);
            let typed = typed.filter(|w| is_global_emote_folded(w, fold_hash(w)));
            for name in msg.emote_names().chain(typed) {
                let key = hash_str(name);
                if n < seen.len() && !seen[..n].contains(&key) {
                    seen[n] = key;
                    n += 1;
                    self.add(t, msg.user_id, key, name);
                }
            }
            return;
        }
        // Counted first, without allocating: this runs for every chat message.
        if msg
            .text
            .split_ascii_whitespace()
            .nth(MAX_REACTION_WORDS)
            .is_some()
        {
            return;
        }
        let mut emotes = 0;
        let mut reaction = false;
        let mut words = 0;
        for word in msg.text.split_ascii_whitespace() {
            words += 1;
            let addressed = word.starts_with('@');
            let word = trim_word(word);
            if word.is_empty() {
                continue;
            }
            let folded = fold_hash(word);
            if is_global_emote_folded(word, folded) {
                emotes += 1;
                // Keyed as a tagged emote is: typed and tagged `LUL` are one row.
                self.add(t, msg.user_id, hash_str(word), word);
            } else if !is_not_a_reaction_folded(word, folded)
                && !addressed
                && !self.names.contains(&folded)
            {
                reaction = true;
            }
        }
        // The whole short message as a phrase, unless it is just emotes or says nothing.
        if reaction && emotes < words {
            self.add_phrase(t, msg.user_id, &msg.text);
        }
    }

    /// Lower-case words, punctuation trimmed, letter runs cut to two ("LMAOOO" = "lmaoo");
    /// user names left out ("@sven real" and "sven real" are "real").
    fn add_phrase(&mut self, t: Ts, user: u64, text: &str) {
        let mut phrase = std::mem::take(&mut self.phrase);
        phrase.clear();
        phrase.push('"');
        for word in text.split_ascii_whitespace() {
            let addressed = word.starts_with('@');
            let word = trim_word(word);
            if word.is_empty() || addressed || self.names.contains(&fold_hash(word)) {
                continue;
            }
            if phrase.len() > 1 {
                phrase.push(' ');
            }
            let mut run = (None, 0);
            for c in word.chars().flat_map(char::to_lowercase) {
                run = if run.0 == Some(c) {
                    (run.0, run.1 + 1)
                } else {
                    (Some(c), 1)
                };
                if run.1 <= 2 {
                    phrase.push(c);
                }
            }
        }
        phrase.push('"');
        if phrase.len() > 2 {
            let key = hash_str(&phrase);
            self.add(t, user, key, &phrase);
        }
        self.phrase = phrase;
    }

    fn needed(&self) -> f64 {
        let base = self.cfg.threshold as f64;
        if self.relative {
            base.max(self.usual_top * 2.5 + 2.0)
        } else {
            base
        }
    }

    pub fn close_second(&mut self, t: Ts) -> Option<Trigger> {
        let cutoff = t.0 - self.window_ms;
        while let Some(&(at, key, user)) = self.entries.front() {
            if at > cutoff {
                break;
            }
            self.entries.pop_front();
            self.active.remove(&(key, user));
            if let Some(c) = self.counts.get_mut(&key) {
                c.count -= 1;
                if c.count == 0 {
                    self.counts.remove(&key);
                }
            }
        }
        self.top = self
            .counts
            .iter()
            .map(|(k, c)| (*k, c.count))
            .max_by_key(|&(k, c)| (c, k));
        let needed = self.needed();
        let top_count = self.top.map_or(0, |t| t.1);
        self.usual_top += TOP_ALPHA * (top_count as f64 - self.usual_top);
        let (key, count) = self.top?;
        if (count as f64) < needed {
            return None;
        }
        let mut users: Vec<u64> = self
            .entries
            .iter()
            .filter(|e| e.1 == key)
            .map(|e| e.2)
            .collect();
        users.sort_unstable();
        users.dedup();
        if (users.len() as u32) < self.cfg.min_chatters {
            return None;
        }
        let name = self.counts.get(&key).map_or("", |c| c.name.as_str());
        let name = if is_phrase(name) && !self.phrase_text {
            HIDDEN_PHRASE
        } else {
            name
        };
        Some(Trigger {
            kind: TriggerType::EmoteSpam,
            at: t,
            strength: count as f64 / needed,
            data: TriggerData::Emote(EmoteData {
                chatters: users.len(),
                count,
                emote: name.to_string(),
            }),
        })
    }

    /// The most repeated emote in the window and its count.
    pub fn top(&self) -> Option<(&str, u32)> {
        let (key, count) = self.top?;
        self.counts.get(&key).map(|c| (c.name.as_str(), count))
    }
}

#[cfg(test)]
#[path = "emotes_tests.rs"]
mod tests;
