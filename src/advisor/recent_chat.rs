//! The last chat lines the advisor may read (only with `[general] store_chat_text` on): the
//! engine writes one for each chat message, the actor reads them at each call. Kept apart
//! from the actor's command channel, so a busy chat never crowds out a key press, and a
//! message costs a push under a short lock, not a channel send.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use crate::domain::ChatMessage;
use crate::terminal_text::clean;

/// Lines kept (the newest).
const KEEP: usize = 20;

#[derive(Clone, Debug, Default)]
pub struct RecentChat(Arc<Mutex<VecDeque<String>>>);

impl RecentChat {
    /// A chat message's text as read (emote tags as names; never who wrote it, nor whom it
    /// names: `@name` becomes `@someone`); `!commands` are left out.
    pub fn push(&self, msg: &ChatMessage) {
        if msg.text.trim_start().starts_with('!') {
            return;
        }
        let line = without_mentions(&msg.readable_text());
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() >= KEEP {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The lines, oldest first, cleaned for the model.
    pub fn lines(&self) -> Vec<String> {
        let lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lines.iter().map(|l| clean(l)).collect()
    }
}

fn without_mentions(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.len() > 1 && w.starts_with('@') {
                "@someone"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Badges;

    fn msg(text: &str) -> ChatMessage {
        ChatMessage {
            id: None,
            user_id: 1,
            username: "viewer1".into(),
            badges: Badges::default(),
            text: text.into(),
            emotes: vec![],
            is_reply: false,
        }
    }

    #[test]
    fn keeps_the_last_lines_as_read_without_commands() {
        let r = RecentChat::default();
        r.push(&msg("!discord"));
        for i in 0..25 {
            r.push(&msg(&format!("line {i} [emote:1:KEKW]")));
        }
        let lines = r.lines();
        assert_eq!(lines.len(), KEEP);
        assert_eq!(lines[0], "line 5 KEKW");
        assert_eq!(lines[KEEP - 1], "line 24 KEKW");
    }

    #[test]
    fn a_line_does_not_name_the_chatter_it_answers() {
        let r = RecentChat::default();
        r.push(&msg("@hyper_cat lmao @ that"));
        assert_eq!(r.lines(), vec!["@someone lmao @ that"]);
    }
}
