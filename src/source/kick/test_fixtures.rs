//! Every fixture frame, field by field. Each frame is found by a string unique to it, and
//! both decoders must agree on it.

use super::*;
use crate::domain::{Badges, ChatMessage};

pub(super) const FRAMES: &str = include_str!("../../../tests/fixtures/kick/frames.jsonl");
pub(super) const MALFORMED: &str = include_str!("../../../tests/fixtures/kick/malformed.jsonl");

fn line(needle: &str) -> &'static str {
    let found: Vec<&str> = FRAMES.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(found.len(), 1, "fixture lines containing {needle:?}");
    found[0]
}

/// Decodes the fixture line holding `needle`; both decoders must give the same frame.
fn decode(needle: &str) -> Frame {
    let raw = line(needle);
    let typed = decode_frame_typed(raw).unwrap();
    assert_eq!(decode_frame(raw).unwrap(), typed, "{raw}");
    typed
}

fn chat(needle: &str) -> (ChatMessage, Option<Ts>, Option<DedupKey>) {
    match decode(needle) {
        Frame::Event {
            event: Event::Chat(m),
            at,
            key,
        } => (m, at, key),
        other => panic!("{needle}: {other:?}"),
    }
}

fn event(needle: &str) -> (Event, Option<Ts>, Option<DedupKey>) {
    match decode(needle) {
        Frame::Event { event, at, key } => (event, at, key),
        other => panic!("{needle}: {other:?}"),
    }
}

fn ts(s: &str) -> Option<Ts> {
    Some(Ts::parse_rfc3339(s).unwrap())
}

fn badges(list: &[Badges]) -> Badges {
    let mut b = Badges::default();
    list.iter().for_each(|x| b.insert(*x));
    b
}

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

#[test]
fn one_sub_counts_once() {
    let names = [
        "SubscriptionEvent",
        "ChannelSubscriptionEvent",
        "NewSubscriberUpdatedEvent",
        "NewActivityFeedEvent",
        "ChatMessageSentEvent",
    ];
    let frames: Vec<Frame> = names
        .iter()
        .map(|n| decode(&format!(r#"Events\\{n}""#)))
        .collect();
    let sub = Event::Subscription {
        username: "NewSub".into(),
        months: 13,
    };
    assert!(matches!(&frames[0], Frame::Event { event, key: None, .. } if *event == sub));
    for (f, n) in frames[1..].iter().zip(&names[1..]) {
        assert_eq!(f, &Frame::Ignored((*n).to_owned()));
    }
}

#[test]
fn gifted_subs_new_old_and_chunked() {
    let gift = |gifter: &str, count| Event::GiftedSubs {
        gifter: gifter.into(),
        count,
    };
    let (e, _, key) = event("700002820790407");
    assert_eq!(e, gift("Gifter", 1));
    assert_eq!(key, Some(DedupKey::Gift("700002820790407".into())));
    let (e, _, key) = event("BigGifter");
    assert_eq!((e, key), (gift("BigGifter", 5), None));
    assert_eq!(
        event("ChunkGifter").0,
        gift("ChunkGifter", 50),
        "gifted_total wins"
    );
    let lucky = decode("LuckyUsersWhoGotGiftSubscriptionsEvent");
    assert_eq!(
        lucky,
        Frame::Ignored("LuckyUsersWhoGotGiftSubscriptionsEvent".into())
    );
    assert_eq!(
        decode("\"GiftsLeaderboardUpdated\""),
        Frame::Ignored("GiftsLeaderboardUpdated".into())
    );
}

#[test]
fn kicks_gifted() {
    let (e, at, key) = event("b922fca5");
    let want = Event::Kicks {
        sender: "Donor".into(),
        amount: 500,
        message: "GG".into(),
    };
    assert_eq!(e, want);
    assert_eq!(at, Some(Ts(1_790_525_536_212)));
    assert_eq!(at, ts("2026-09-27T16:12:16.212Z"));
    let txn = "b922fca5-73b3-45d2-a28e-135553dd8a06";
    assert_eq!(key, Some(DedupKey::Kicks(txn.into())));
    let (e, _, _) = event("QuietDonor");
    assert!(matches!(e, Event::Kicks { amount: 1, ref message, .. } if message.is_empty()));
    assert_eq!(
        decode("KicksLeaderboardUpdated"),
        Frame::Ignored("KicksLeaderboardUpdated".into())
    );
}

#[test]
fn deletes_bans_and_unbans() {
    let deleted = MsgId::parse("7ba14761-bbc7-44a9-a2d7-5c22b1407226");
    let (e, _, _) = event(r"Events\\MessageDeletedEvent");
    assert_eq!(
        e,
        Event::MessageDeleted {
            message_id: deleted
        }
    );
    let ban = |u: &str, permanent, duration_min| Event::Ban {
        username: u.into(),
        permanent,
        duration_min,
    };
    assert_eq!(event("a96e03b14ab1").0, ban("Spammer", false, Some(1)));
    assert_eq!(event("a96e03b14ab2").0, ban("Troll", true, None));
    assert_eq!(
        decode("UserUnbannedEvent"),
        Frame::Ignored("UserUnbannedEvent".into())
    );
}

#[test]
fn raids_new_and_legacy() {
    let raid = |from: &str, viewers| Event::Raid {
        from: from.into(),
        viewers,
    };
    assert_eq!(event("StreamHostEvent").0, raid("Raider", 250));
    assert_eq!(event("StreamHostedEvent").0, raid("OldRaider", 8));
}

#[test]
fn live_offline_and_chat_modes() {
    let (e, _, _) = event("StreamerIsLive");
    let started_at = ts("2026-09-27T18:00:00Z");
    let title = Some("Ranked grind".to_owned());
    assert_eq!(
        e,
        Event::Live {
            title,
            started_at,
            stream_id: Some(129_400_001)
        }
    );
    assert_eq!(
        event("StopStreamBroadcast").0,
        Event::Offline {
            ended_at: None,
            stream_id: Some(129387275),
        }
    );
    assert_eq!(
        event("ChatroomUpdatedEvent"),
        (Event::ChatModeChanged, None, None)
    );
    let settings = event("ChatSettingsChanged");
    assert_eq!(
        settings,
        (Event::ChatModeChanged, ts("2026-09-27T16:20:00Z"), None)
    );
}

#[test]
fn control_frames() {
    let c = |f: Frame| match f {
        Frame::Control(c) => c,
        other => panic!("{other:?}"),
    };
    let est = c(decode("connection_established"));
    let socket_id = "123456.7890123".to_owned();
    let want = Control::ConnectionEstablished {
        socket_id,
        activity_timeout_s: 120,
    };
    assert_eq!(est, want);
    for ch in channel_names(4567890, 668) {
        let needle = format!(r#"subscription_succeeded","data":"{{}}","channel":"{ch}""#);
        assert_eq!(
            c(decode(&needle)),
            Control::SubscriptionSucceeded { channel: ch }
        );
    }
    assert_eq!(c(decode("pusher:ping")), Control::Ping);
    assert_eq!(c(decode("pusher:pong")), Control::Pong);
    let pong_late = "Pong reply not received in time".to_owned();
    assert_eq!(
        c(decode("4201")),
        Control::Error {
            code: Some(4201),
            message: pong_late
        }
    );
    let reconnect = "Generic reconnect immediately".to_owned();
    assert_eq!(
        c(decode("4200")),
        Control::Error {
            code: Some(4200),
            message: reconnect
        }
    );
    let channel = Some("private-livestream.129400001".to_owned());
    let message = "Invalid signature".to_owned();
    assert_eq!(
        c(decode("subscription_error")),
        Control::SubscriptionError { channel, message }
    );
}

#[test]
fn ignored_and_unknown_events() {
    for name in [
        "PinnedMessageCreatedEvent",
        "PinnedMessageDeletedEvent",
        "PollUpdateEvent",
        "PollDeleteEvent",
        "GoalProgressUpdateEvent",
        "ChatroomClearEvent",
        "RewardRedeemedEvent",
        "FollowersUpdated",
        "SomethingKickAddsNextWeek",
        "pusher_internal:member_added",
    ] {
        assert_eq!(
            decode(&format!("{name}\"")),
            Frame::Ignored(name.to_owned())
        );
    }
    let nested = decode("UpdatedLiveStreamEvent");
    assert_eq!(
        nested,
        Frame::Ignored(r"LiveStream\UpdatedLiveStreamEvent".into())
    );
}

#[test]
fn every_fixture_frame_decodes_and_no_malformed_one_does() {
    for raw in FRAMES.lines() {
        assert!(decode_frame(raw).is_ok(), "{raw}");
    }
    for raw in MALFORMED.lines() {
        assert!(decode_frame_fast(raw).is_none(), "fast path took {raw}");
        let err = decode_frame(raw).expect_err(raw);
        assert!(decode_frame_typed(raw).is_err(), "{raw}");
        assert!(!err.to_string().is_empty());
    }
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

/// Counts sent as text are read as numbers (a sub and a raid were dropped whole); a gift of
/// no subs and a sub's age past a century are not believed.
#[test]
fn counts_as_text_and_implausible_counts() {
    let frame = |event: &str, data: &str| {
        let data = serde_json::to_string(data).unwrap();
        let raw = format!(
            r#"{{"event":"App\\Events\\{event}","data":{data},"channel":"chatrooms.1.v2"}}"#
        );
        match decode_frame(&raw) {
            Ok(Frame::Event { event, .. }) => event,
            other => panic!("{other:?}"),
        }
    };
    let sub = frame(
        "SubscriptionEvent",
        r#"{"chatroom_id":1,"username":"ana","months":"13"}"#,
    );
    assert_eq!(
        sub,
        Event::Subscription {
            username: "ana".into(),
            months: 13
        }
    );
    let old = frame(
        "SubscriptionEvent",
        r#"{"username":"ana","months":4294967295}"#,
    );
    assert_eq!(
        old,
        Event::Subscription {
            username: "ana".into(),
            months: 1
        }
    );
    let raid = frame(
        "StreamHostEvent",
        r#"{"chatroom_id":1,"host_username":"big","number_viewers":"250","optional_message":""}"#,
    );
    assert!(matches!(raid, Event::Raid { viewers: 250, .. }), "{raid:?}");
    let none = frame(
        "GiftedSubscriptionsEvent",
        r#"{"gifted_usernames":[],"gifter_username":"x","gifted_total":0}"#,
    );
    assert!(!none.is_plausible(), "{none:?}");
}
