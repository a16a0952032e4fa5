//! Chat messages in the fixtures, field by field: ids, senders, replies, badges, Unicode and
//! escapes in the text, emotes, metadata's shapes and the old frame shapes; and a field of an
//! odd type loses only that field.

use super::*;

#[test]
fn chat_message_of_section_2_1() {
    let id = "8f0c1d2e-3a4b-4c5d-9e6f-7a8b9c0d1e2f";
    assert!(
        decode_frame_fast(line(id)).is_some(),
        "common shape takes the fast path"
    );
    let (m, at, key) = chat(id);
    assert_eq!(m.id, Some(MsgId::parse(id)));
    assert_eq!(key, Some(DedupKey::Message(MsgId::parse(id))));
    assert_eq!(at, ts("2026-09-27T16:11:55Z"));
    assert_eq!((m.user_id, m.username.as_str()), (1234567, "SomeViewer"));
    assert_eq!(m.badges, badges(&[Badges::SUBSCRIBER, Badges::MODERATOR]));
    assert_eq!(m.text, "CLIP THAT [emote:37226:KEKW][emote:37226:KEKW]");
    assert_eq!(m.emote_names().collect::<Vec<_>>(), ["KEKW", "KEKW"]);
    assert!(!m.is_reply);
}

#[test]
fn reply_reads_the_sender_not_the_original_sender() {
    let (m, _, _) = chat("4c9cae53");
    assert!(m.is_reply);
    assert_eq!((m.user_id, m.username.as_str()), (101410730, "MARIA_O2"));
    assert_eq!(m.text, "@AlH1nai yes, see https://kick.com/clips/abc");
    assert_eq!(m.badges, Badges::SUBSCRIBER);
}

#[test]
fn unicode_raw_and_escaped() {
    assert_eq!(chat("eb952e8d").0.text, "البكسل بس عندي يا شات");
    assert_eq!(chat("83b350d3").0.text, "ともくんの時代終わったの？ 😀");
    let (m, _, _) = chat("9a8b7c6d");
    assert_eq!(m.text, "café ☕ 😀 Ünïcödé");
    assert_eq!(m.username, "Ünicode_Üser");
    assert_eq!(m.badges, badges(&[Badges::SUBSCRIBER, Badges::SUB_GIFTER]));
}

#[test]
fn quotes_backslashes_and_control_escapes_in_content() {
    let (m, _, _) = chat("0ef03004");
    assert_eq!(
        m.text,
        "he said \"clip it\" \\o/ C:\\temp\nnext line\ttab café"
    );
    assert_eq!(m.badges, Badges::BROADCASTER);
}

#[test]
fn emotes_back_to_back() {
    let (m, _, _) = chat("da2b034a");
    assert_eq!(m.emote_names().collect::<Vec<_>>(), ["PeepoClap"; 3]);
    assert_eq!(m.emotes[0].id, 37232);
    let want = [
        Badges::SUB_GIFTER,
        Badges::SUBSCRIBER,
        Badges::OG,
        Badges::VIP,
    ];
    assert_eq!(m.badges, badges(&want));
    assert_eq!(
        chat("4fa3f3e0").0.emote_names().collect::<Vec<_>>(),
        ["EDMusiC"]
    );
}

#[test]
fn metadata_absent_null_string_or_json_string() {
    let (m, _, _) = chat("c07427f0");
    assert_eq!(m.username, "BotRix");
    assert_eq!(
        m.badges,
        Badges::MODERATOR,
        "unknown badge types add nothing"
    );
    assert_eq!(chat("18f0fb7f").0.text, "metadata is the string null");
    assert_eq!(chat("166c8f48").0.text, "metadata is a JSON string");
}

#[test]
fn old_and_odd_shapes_fall_back_to_the_same_answer() {
    let (m, at, _) = chat("0c6c45ad");
    assert_eq!(at, Some(Ts(1_790_526_318_000)), "unix seconds");
    assert_eq!(m.badges, Badges::SUBSCRIBER);
    assert!(decode_frame_fast(line("0c6c45ad")).is_none());
    let (m, at, _) = chat("ba2da1b9");
    assert_eq!(
        (m.text.as_str(), m.badges),
        ("data sent as an object", Badges::VIP)
    );
    assert_eq!(at, ts("2026-09-27T16:11:55Z"));
    assert!(decode_frame_fast(line("ba2da1b9")).is_none());
}

/// A field of an unexpected type loses that field, not the message or the money.
#[test]
fn odd_types_in_fields_kicktui_barely_needs_keep_the_message() {
    let frame = |data: &str| {
        serde_json::json!({"event": "App\\Events\\ChatMessageEvent", "data": data, "channel": "chatrooms.1.v2"})
            .to_string()
    };
    let msg = |sender: &str, extra: &str| {
        frame(&format!(
            r#"{{"id":"a1","chatroom_id":1,"content":"CLIP IT","type":{extra},"created_at":"2026-09-27T16:12:16Z","sender":{sender}}}"#
        ))
    };
    let decoded = |raw: &str| match decode_frame(raw) {
        Ok(Frame::Event {
            event: Event::Chat(m),
            ..
        }) => m,
        other => panic!("{raw}: {other:?}"),
    };
    let m = decoded(&msg(
        r#"{"id":12,"username":"a","identity":{"badges":["moderator","vip"]}}"#,
        r#""message""#,
    ));
    assert_eq!(m.badges, badges(&[Badges::MODERATOR, Badges::VIP]));
    let m = decoded(&msg(
        r#"{"id":"12","username":"a","identity":{"badges":[{"type":5},{"type":"vip"},7]}}"#,
        "3",
    ));
    assert_eq!(
        (m.user_id, m.badges, m.text.as_str()),
        (12, Badges::VIP, "CLIP IT")
    );
    let m = decoded(&msg(
        r#"{"id":12.0,"username":"a","identity":{"badges":"notalist"}}"#,
        "null",
    ));
    assert_eq!((m.user_id, m.badges), (12, Badges::default()));
    // No number at all: the name stands in, the same for each of its messages.
    let no_id = r#"{"id":null,"username":"named","identity":null}"#;
    let (a, b) = (decoded(&msg(no_id, "1")), decoded(&msg(no_id, "1")));
    assert!(
        a.user_id == b.user_id && a.user_id >= 1 << 63,
        "{}",
        a.user_id
    );
    for amount in [r#""500""#, "500.0"] {
        let raw = serde_json::json!({"event": "KicksGifted", "data": format!(
            r#"{{"gift_transaction_id":"t","sender":{{"username":"D"}},"gift":{{"amount":{amount}}}}}"#
        )})
        .to_string();
        assert!(
            matches!(
                decode_frame(&raw),
                Ok(Frame::Event {
                    event: Event::Kicks { amount: 500, .. },
                    ..
                })
            ),
            "{raw}"
        );
    }
    let raw = r#"{"event":"KicksGifted","data":"{\"sender\":{\"username\":\"D\"},\"gift\":{\"amount\":\"lots\"}}"}"#;
    assert!(decode_frame(raw).is_err());
}
