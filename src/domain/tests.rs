//! Ids, emote tags and headlines.

use super::*;
use std::borrow::Cow;

#[test]
fn bits_are_a_cheer_kicks_a_donation() {
    let paid = |bits, kicks| Moment {
        at: Ts(0),
        offset_s: 70.0,
        trigger_type: TriggerType::Donation,
        triggers: vec![Trigger {
            kind: TriggerType::Donation,
            at: Ts(0),
            strength: 5.0,
            data: TriggerData::Donation(DonationData {
                amount_usd: 10.0,
                bits,
                kicks,
                username: "v".into(),
            }),
        }],
        score: 50.0,
        source: MomentSource::Auto,
        clip_start: Ts(0),
        clip_end: Ts(0),
    };
    assert_eq!(paid(Some(1000), None).headline(), "CHEER");
    assert_eq!(paid(None, Some(1000)).headline(), "DONATION");
}

#[test]
fn uuid_ids_parse_and_others_hash() {
    let a = MsgId::parse("8f0c1d2e-3a4b-4c5d-9e6f-7a8b9c0d1e2f");
    assert_eq!(a.0, 0x8f0c1d2e3a4b4c5d9e6f7a8b9c0d1e2f);
    assert_ne!(MsgId::parse("abc-xyz"), MsgId::parse("abc-xy"));
}

#[test]
fn emote_tags_back_to_back() {
    let text = "CLIP THAT [emote:37226:KEKW][emote:1:W] [emote:x:bad] [emote:5:]";
    let m = ChatMessage {
        id: None,
        user_id: 1,
        username: "a".into(),
        badges: Badges::default(),
        text: text.into(),
        emotes: kick_emotes(text),
        is_reply: false,
    };
    let names: Vec<&str> = m.emote_names().collect();
    assert_eq!(names, vec!["KEKW", "W"]);
    assert_eq!(m.emotes[0].id, 37226);
}

#[test]
fn readable_text_shows_emote_names_and_leaves_broken_tags_alone() {
    let m = |text: &str| ChatMessage {
        id: None,
        user_id: 1,
        username: "a".into(),
        badges: Badges::default(),
        text: text.into(),
        emotes: vec![],
        is_reply: false,
    };
    let text = "CLIP THAT [emote:37226:KEKW][emote:1:W] [emote:x:bad] [emote:5:]";
    assert_eq!(
        m(text).readable_text(),
        "CLIP THAT KEKWW [emote:x:bad] [emote:5:]"
    );
    assert_eq!(m("[emote:9:Pog] end").readable_text(), "Pog end");
    assert_eq!(m("plain ünïcode").readable_text(), "plain ünïcode");
}

#[test]
fn trigger_type_names_round_trip() {
    for t in TriggerType::ALL {
        assert_eq!(TriggerType::parse(t.as_str()), Some(t));
    }
}

/// Many unclosed tags before one `]` (a hostile line) parse as before: broken tags stay text,
/// the real one after them is found, and none scans to the `]` again for each tag.
#[test]
fn unclosed_emote_tags_before_a_real_one() {
    let text = format!("{}] [emote:37226:KEKW] [emote:1:", "[emote:a:".repeat(1000));
    let tags = kick_emotes(&text);
    assert_eq!(tags.len(), 1);
    assert_eq!(
        &text[tags[0].name_start as usize..tags[0].name_end as usize],
        "KEKW"
    );
    assert_eq!(kick_emotes("[emote:1:a [emote:2:b]").len(), 1);
}

#[test]
fn kick_emote_tags_read_as_their_names_one_word_each() {
    assert_eq!(
        emote_tags_as_words("CLIP THAT [emote:37226:KEKW][emote:37226:KEKW]"),
        "CLIP THAT KEKW KEKW"
    );
    assert_eq!(
        emote_tags_as_words("no way [emote:1:PogU]!"),
        "no way PogU !"
    );
    assert!(matches!(
        emote_tags_as_words("plain talk"),
        Cow::Borrowed(_)
    ));
    // Not a tag: read as typed.
    assert_eq!(emote_tags_as_words("[emote:x:y]"), "[emote:x:y]");
    assert_eq!(emote_tags_as_words("ünï [emote:5:W]"), "ünï W");
}
