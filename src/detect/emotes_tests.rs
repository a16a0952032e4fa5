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
