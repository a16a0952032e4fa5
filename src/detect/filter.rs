//! Which chat messages are reactions: bots and `!commands` are not.

use crate::config::Chat as ChatConfig;
use crate::domain::{Badges, ChatMessage};

pub struct ChatFilter {
    bots: Vec<String>,
    ignore_commands: bool,
}

impl ChatFilter {
    pub fn new(cfg: &ChatConfig) -> Self {
        ChatFilter {
            bots: cfg.bots.iter().map(|b| b.to_ascii_lowercase()).collect(),
            ignore_commands: cfg.ignore_commands,
        }
    }

    pub fn is_bot(&self, msg: &ChatMessage) -> bool {
        msg.badges.contains(Badges::BOT)
            || self
                .bots
                .iter()
                .any(|b| b.len() == msg.username.len() && b.eq_ignore_ascii_case(&msg.username))
    }

    pub fn counts(&self, msg: &ChatMessage) -> bool {
        if self.ignore_commands && msg.text.trim_start().starts_with('!') {
            return false;
        }
        !self.is_bot(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(user: &str, text: &str) -> ChatMessage {
        ChatMessage {
            id: None,
            user_id: 1,
            username: user.into(),
            badges: Badges::default(),
            text: text.into(),
            emotes: vec![],
            is_reply: false,
        }
    }

    #[test]
    fn bots_and_commands_do_not_count() {
        let f = ChatFilter::new(&ChatConfig::default());
        assert!(!f.counts(&msg("Nightbot", "Follow the channel!")));
        assert!(!f.counts(&msg("viewer", "!enter")));
        assert!(!f.counts(&msg("viewer", "  !discord")));
        assert!(f.counts(&msg("viewer", "KEKW !")));
        let mut bot = msg("someone", "hi");
        bot.badges.insert(Badges::BOT);
        assert!(!f.counts(&bot));
    }
}
