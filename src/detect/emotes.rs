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
mod tests {
    use super::*;
    use crate::domain::{Badges, kick_emotes};

    fn msg(user: u64, text: &str) -> ChatMessage {
        ChatMessage {
            id: None,
            user_id: user,
            username: format!("u{user}"),
            badges: Badges::default(),
            text: text.into(),
            emotes: kick_emotes(text),
            is_reply: false,
        }
    }

    #[test]
    fn kick_emote_flood_fires_with_its_name() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..12 {
            d.on_message(
                Ts(u as i64 * 200),
                &msg(u, "[emote:37226:KEKW][emote:37226:KEKW] lol"),
            );
        }
        let t = d.close_second(Ts(3000)).expect("fires");
        let TriggerData::Emote(e) = t.data else {
            panic!("{t:?}")
        };
        assert_eq!(e.emote, "KEKW");
        assert_eq!(e.count, 12, "an emote counts once per message");
    }

    #[test]
    fn plain_text_reactions_count_words_of_short_messages_only() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..10 {
            d.on_message(Ts(u as i64 * 100), &msg(u, "W"));
            d.on_message(Ts(u as i64 * 100 + 1), &msg(100 + u, "w!!"));
        }
        d.on_message(Ts(50), &msg(999, "this is a long message with W in it"));
        let t = d.close_second(Ts(2000)).expect("fires");
        assert!(matches!(
            t.data,
            TriggerData::Emote(EmoteData { count: 20, .. })
        ));
        assert!(d.close_second(Ts(8000)).is_none(), "expired after 5 s");
    }

    #[test]
    fn global_emotes_and_repeated_phrases_are_named_apart() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..12 {
            d.on_message(Ts(u as i64 * 100), &msg(u, "KEKW KEKW"));
        }
        d.close_second(Ts(2000));
        assert_eq!(d.top(), Some(("KEKW", 12)), "an emote, once per message");
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..12 {
            d.on_message(Ts(u as i64 * 100), &msg(u, "NO WAAAAY"));
        }
        d.close_second(Ts(2000));
        assert_eq!(d.top(), Some(("\"no waay\"", 12)), "a phrase, quoted");
    }

    /// Twitch chat: a BTTV `KEKW` typed beside a tagged emote counts; typed and tagged `LUL`
    /// are one emote; `lul` in lower case is a word (a phrase), not an emote.
    #[test]
    fn typed_and_tagged_emotes_are_one_and_lower_case_words_are_not_emotes() {
        let tagged = |user: u64, text: &str, name_end: u32| ChatMessage {
            emotes: vec![crate::domain::EmoteRef {
                id: 425_618,
                name_start: 0,
                name_end,
            }],
            ..msg(user, text)
        };
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..6 {
            d.on_message(Ts(u as i64 * 100), &tagged(u, "LUL KEKW", 3));
            d.on_message(Ts(u as i64 * 100 + 1), &msg(100 + u, "KEKW"));
        }
        d.close_second(Ts(2000));
        assert_eq!(d.top(), Some(("KEKW", 12)), "typed beside a tag, and alone");
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..6 {
            d.on_message(Ts(u as i64 * 100), &tagged(u, "LUL", 3));
            d.on_message(Ts(u as i64 * 100 + 1), &msg(100 + u, "LUL"));
        }
        d.close_second(Ts(2000));
        assert_eq!(d.top(), Some(("LUL", 12)), "tagged and typed: one emote");
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..12 {
            d.on_message(Ts(u as i64 * 100), &msg(u, "lul"));
        }
        d.close_second(Ts(2000));
        assert_eq!(
            d.top(),
            Some(("\"lul\"", 12)),
            "a word many type, not an emote"
        );
    }

    /// What chat typed stays on screen: a phrase's moment trigger has no words unless chat
    /// text may be stored (the pane still shows them).
    #[test]
    fn a_phrase_trigger_carries_its_words_only_with_chat_text_on() {
        for keep in [false, true] {
            let mut d = EmoteDetector::new(&EmotesConfig::default(), false).with_phrase_text(keep);
            for u in 0..12 {
                d.on_message(Ts(u as i64 * 100), &msg(u, "clip that"));
            }
            let t = d.close_second(Ts(2000)).expect("fires");
            let TriggerData::Emote(e) = t.data else {
                panic!("{t:?}")
            };
            let words = if keep { "\"clip that\"" } else { HIDDEN_PHRASE };
            assert_eq!(e.emote, words);
            assert_eq!(d.top(), Some(("\"clip that\"", 12)));
        }
    }

    #[test]
    fn greetings_and_user_names_are_never_shown() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..12 {
            d.on_message(
                Ts(u as i64 * 100),
                &msg(u, ["hi", "hey chat", "hello!"][u as usize % 3]),
            );
        }
        // Everyone names a chatter (u3 has spoken): a name, not a reaction.
        for u in 20..32 {
            d.on_message(Ts(2000 + u as i64 * 10), &msg(u, "u3"));
            d.on_message(Ts(2001 + u as i64 * 10), &msg(u, "@someone"));
        }
        d.close_second(Ts(3000));
        assert_eq!(d.top(), None);
    }

    #[test]
    fn a_phrase_leaves_user_names_out() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        d.on_message(Ts(0), &msg(3, "lol"));
        for u in 10..16 {
            let text = ["u3 no way", "@u3 no way", "NO WAY"][u as usize % 3];
            d.on_message(Ts(100 + u as i64 * 10), &msg(u, text));
        }
        d.close_second(Ts(1000));
        assert_eq!(d.top(), Some(("\"no way\"", 6)));
    }

    #[test]
    fn one_chatter_repeating_counts_once() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for i in 0..20 {
            d.on_message(Ts(i * 10), &msg(7, "W"));
        }
        d.close_second(Ts(1000));
        assert_eq!(d.top(), Some(("\"w\"", 1)));
    }

    #[test]
    fn filler_words_are_not_counted() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for u in 0..12 {
            d.on_message(Ts(u as i64 * 100), &msg(u, "this is it"));
        }
        assert!(d.close_second(Ts(2000)).is_none());
        assert_eq!(d.top(), None);
    }

    #[test]
    fn one_chatter_flooding_is_not_spam() {
        let mut d = EmoteDetector::new(&EmotesConfig::default(), false);
        for i in 0..30 {
            d.on_message(Ts(i * 100), &msg(7, "KEKW"));
        }
        assert!(d.close_second(Ts(3000)).is_none());
    }
}
