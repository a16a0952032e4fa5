//! What the demo's stream does on a fake platform: the same beats on the fake Kick or the fake
//! Twitch (a Kicks gift is a cheer of as many bits, the same dollars).

use crate::fake::FakeControl;
use crate::fake::twitch::TwitchControl;

pub trait Stage: Send + 'static {
    fn set_live(&self, title: &str);
    fn set_viewers(&self, viewers: u32);
    fn chat(&self, user: &str, text: &str);
    fn sub(&self, user: &str, months: u32);
    fn gift_subs(&self, gifter: &str, count: u32);
    /// Kicks on Kick, bits on Twitch: `amount` cents either way.
    fn tip(&self, user: &str, amount: u32, message: &str);
    fn raid(&self, host: &str, viewers: u32);
}

impl Stage for FakeControl {
    fn set_live(&self, title: &str) {
        FakeControl::set_live(self, title);
    }
    fn set_viewers(&self, viewers: u32) {
        FakeControl::set_viewers(self, viewers);
    }
    fn chat(&self, user: &str, text: &str) {
        FakeControl::chat(self, user, text);
    }
    fn sub(&self, user: &str, months: u32) {
        FakeControl::sub(self, user, months);
    }
    fn gift_subs(&self, gifter: &str, count: u32) {
        FakeControl::gift_subs(self, gifter, count);
    }
    fn tip(&self, user: &str, amount: u32, message: &str) {
        self.kicks(user, amount, message);
    }
    fn raid(&self, host: &str, viewers: u32) {
        FakeControl::raid(self, host, viewers);
    }
}

impl Stage for TwitchControl {
    fn set_live(&self, title: &str) {
        TwitchControl::set_live(self, title);
    }
    fn set_viewers(&self, viewers: u32) {
        TwitchControl::set_viewers(self, viewers);
    }
    fn chat(&self, user: &str, text: &str) {
        let (text, emotes) = twitch_text(text);
        self.chat_with_emotes(user, &text, &emotes);
    }
    fn sub(&self, user: &str, months: u32) {
        TwitchControl::sub(self, user, months);
    }
    fn gift_subs(&self, gifter: &str, count: u32) {
        TwitchControl::gift_subs(self, gifter, count);
    }
    fn tip(&self, user: &str, amount: u32, message: &str) {
        self.cheer(user, amount, message);
    }
    fn raid(&self, host: &str, viewers: u32) {
        TwitchControl::raid(self, host, viewers);
    }
}

/// Twitch's own global emotes (ids as Twitch has them): only these get an `emotes` tag; the
/// rest of the script's emotes (KEKW, PogU: BTTV/7TV) are typed as text, as on Twitch.
const TWITCH_EMOTES: [(&str, u64); 4] = [
    ("Kappa", 25),
    ("LUL", 425_618),
    ("PogChamp", 305_954_156),
    ("BibleThump", 86),
];

/// The script's Kick emote tags as Twitch chat has them: the name in the text (a space between
/// two in a row), and Twitch's own emotes' places in the `emotes` tag
/// (`id:start-end,start-end/id:…`, in characters).
fn twitch_text(text: &str) -> (String, String) {
    let mut out = String::new();
    let mut places: Vec<(u64, Vec<String>)> = Vec::new();
    let mut from = 0;
    for e in crate::domain::kick_emotes(text) {
        let (name_start, name_end) = (e.name_start as usize, e.name_end as usize);
        let tag_start = text[from..name_start]
            .rfind("[emote:")
            .map_or(from, |i| from + i);
        out.push_str(&text[from..tag_start]);
        if out.ends_with(|c: char| !c.is_whitespace()) {
            out.push(' ');
        }
        let start = out.chars().count();
        let name = &text[name_start..name_end];
        out.push_str(name);
        from = name_end + 1;
        let Some(&(_, id)) = TWITCH_EMOTES.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let span = format!("{start}-{}", out.chars().count() - 1);
        match places.iter_mut().find(|(i, _)| *i == id) {
            Some((_, spans)) => spans.push(span),
            None => places.push((id, vec![span])),
        }
    }
    out.push_str(text.get(from..).unwrap_or_default());
    let tag = places
        .iter()
        .map(|(id, spans)| format!("{id}:{}", spans.join(",")))
        .collect::<Vec<_>>()
        .join("/");
    (out, tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kick_emote_tags_become_twitch_names_and_only_twitchs_own_get_places() {
        assert_eq!(
            twitch_text(
                "LMAO [emote:37226:KEKW][emote:37226:KEKW] and [emote:7:Kappa] [emote:7:Kappa]"
            ),
            (
                "LMAO KEKW KEKW and Kappa Kappa".to_string(),
                "25:19-23,25-29".to_string()
            )
        );
        assert_eq!(
            twitch_text("no emotes"),
            ("no emotes".into(), String::new())
        );
    }
}
