//! Builds message texts: everyday chat and the short, similar reaction messages of a burst.

use super::rng::Rng;
use super::vocab::{
    BANTER, COMMANDS, EMOTES, ESPORTS_TALK, FILL, GREETINGS, KEYWORDS, SENTENCES, TEAMS, cap,
};

const FUNNY: &[&str] = &[
    "KEKW", "LMAO", "OMEGALUL", "LUL", "LULW", "ICANT", "HAHAHA", "im dead", "💀", "LMAOOO",
];
#[rustfmt::skip]
const HYPE: &[&str] = &[
    "PogChamp", "Pog", "NO WAY", "LETS GO", "W", "CLIP IT", "HOLY", "INSANE", "POGGERS", "Clap",
    "GIGACHAD", "WHAT A PLAY",
];
const SHOCK: &[&str] = &[
    "WTF", "?????", "WHAT", "monkaS", "monkaW", "OMG", "NO SHOT", "HUH", "bro what", "???",
];
#[rustfmt::skip]
const FAIL: &[&str] = &[
    "L", "Sadge", "F", "PepeHands", "NotLikeThis", "OMEGALUL", "unlucky", "bro threw", "LMAO",
    "ff",
];
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "CLIP IT", "clip that", "CLIP", "?????", "W", "NO WAY", "REPLAY", "clip it mods", "LMAO",
];
#[rustfmt::skip]
const TALK: &[&str] = &[
    "did that just happen", "bro is actually insane", "how did he hit that", "im crying",
    "chat did you see that", "replay it", "no way that just happened", "he did NOT just do that",
    "that was crazy", "actually unreal", "how", "bro", "someone clip that pls", "this guy man",
    "i can't believe it", "what did i just watch",
];

pub const THEMES: [&[&str]; 4] = [FUNNY, HYPE, SHOCK, FAIL];

/// How one burst sounds: a theme, the token most people spam, and optional phrases about
/// its cause (for bursts that are not about the stream).
#[derive(Clone, Copy)]
pub struct Style {
    pub theme: &'static [&'static str],
    pub dominant: &'static str,
    pub context: &'static [&'static str],
}

impl Style {
    pub fn random(r: &mut Rng) -> Style {
        Self::with_context(r, &[])
    }

    pub fn with_context(r: &mut Rng, context: &'static [&'static str]) -> Style {
        let theme = THEMES[r.weighted(&[4.0, 3.0, 2.0, 2.0])];
        Style {
            theme,
            dominant: r.pick(theme),
            context,
        }
    }
}

fn is_emote(token: &str) -> bool {
    EMOTES.contains(&token) || matches!(token, "POGGERS" | "HeyGuys" | "peepoHey")
}

/// A reaction token as people type it: stretched, repeated, shouted or lower-cased.
fn vary(r: &mut Rng, token: &str) -> String {
    let words = token.split(' ').count();
    let last = token.chars().last().unwrap_or(' ');
    let mut s = if is_emote(token) || words > 1 || token.len() < 3 {
        token.to_owned()
    } else if last.is_ascii_alphabetic() && r.chance(0.35) {
        token.to_owned() + &last.to_string().repeat(r.int(1, 6))
    } else if r.chance(0.15) {
        token.to_lowercase()
    } else {
        token.to_owned()
    };
    if r.chance(0.3) && words == 1 {
        let times = r.int(2, 5);
        s = vec![s.as_str(); times].join(" ");
    } else if !is_emote(token) && r.chance(0.12) {
        s.push_str(&"!".repeat(r.int(1, 4)));
    }
    s
}

/// One message of a reaction burst.
pub fn reaction(r: &mut Rng, style: &Style, streamer: &str, esports: bool) -> String {
    let has_context = !style.context.is_empty();
    let w = [
        40.0,
        22.0,
        12.0,
        12.0,
        9.0,
        if has_context { 14.0 } else { 0.0 },
    ];
    match r.weighted(&w) {
        0 => vary(r, style.dominant),
        1 => {
            let t = r.pick(style.theme);
            vary(r, t)
        }
        2 => {
            let t = r.pick(GENERIC);
            vary(r, t)
        }
        3 => {
            let base = r.pick(TALK);
            let emote = if r.chance(0.4) {
                r.pick(style.theme)
            } else {
                ""
            };
            format!("{base} {emote}").trim_end().to_owned()
        }
        4 => everyday(r, streamer, esports, &[]).0,
        _ => {
            let t = r.pick(style.context);
            fill(r, t, streamer)
        }
    }
}

fn fill(r: &mut Rng, template: &str, streamer: &str) -> String {
    template
        .replace("{x}", r.pick(FILL))
        .replace("{t}", r.pick(TEAMS))
        .replace("{s}", streamer)
}

/// Emote-only messages: one to four emotes, often the same one repeated.
pub fn emotes(r: &mut Rng) -> String {
    let first = r.pick(EMOTES);
    let n = r.pick(&[1, 1, 1, 2, 2, 3, 4]);
    let same = r.chance(0.75);
    (0..n)
        .map(|_| if same { first } else { r.pick(EMOTES) })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sentence(r: &mut Rng, streamer: &str, esports: bool) -> String {
    let pool = if esports && r.chance(0.45) {
        ESPORTS_TALK
    } else {
        SENTENCES
    };
    let template = r.pick(pool);
    let mut s = fill(r, template, streamer);
    match r.weighted(&[6.0, 2.0, 1.0, 1.0, 0.4]) {
        1 => s = format!("{s} {}", r.pick(EMOTES)),
        2 => s = cap(&s),
        3 => s.push_str(r.pick(&["?", "!", " lol", " tbh", " ngl", "..."])),
        4 => s = s.to_uppercase(),
        _ => {}
    }
    s
}

/// Everyday chat. Returns the text and the `!command` it is, if any (bots answer those).
/// `mentions` are users the message may address.
pub fn everyday(
    r: &mut Rng,
    streamer: &str,
    esports: bool,
    mentions: &[&str],
) -> (String, Option<&'static str>) {
    let emote_w = if esports { 22.0 } else { 14.0 };
    let w = [emote_w, 20.0, 40.0, 8.0, 3.0, 4.0, 1.5, 3.0];
    let text = match r.weighted(&w) {
        0 => emotes(r),
        1 => (r.pick(BANTER)).to_owned(),
        2 => sentence(r, streamer, esports),
        3 if !mentions.is_empty() => {
            let who = r.pick(mentions);
            let rest = if r.chance(0.5) {
                (r.pick(BANTER)).to_owned()
            } else {
                sentence(r, streamer, esports)
            };
            format!("@{who} {rest}")
        }
        4 => {
            let n = r.int(2, 3);
            let parts: Vec<String> = (0..n).map(|_| sentence(r, streamer, esports)).collect();
            parts.join(if r.chance(0.5) { ". " } else { " and " })
        }
        5 => {
            let t = r.pick(KEYWORDS);
            vary(r, t)
        }
        6 => {
            let cmd = r.pick(COMMANDS);
            return (cmd.to_owned(), Some(cmd));
        }
        _ => {
            let t = r.pick(GREETINGS);
            fill(r, t, streamer)
        }
    };
    (text, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_never_empty_and_commands_are_flagged() {
        let mut r = Rng::new(5);
        let mut commands = 0;
        for _ in 0..5000 {
            let (text, cmd) = everyday(&mut r, "streamer", true, &["bob"]);
            assert!(!text.trim().is_empty());
            if let Some(c) = cmd {
                assert_eq!(text, c);
                commands += 1;
            }
            let style = Style::with_context(&mut r, &["W {s}"]);
            assert!(
                !reaction(&mut r, &style, "streamer", false)
                    .trim()
                    .is_empty()
            );
        }
        assert!(commands > 20 && commands < 200, "{commands}");
    }
}
