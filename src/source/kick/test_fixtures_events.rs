//! The other events in the fixtures: subs counted once, gifts new, old and chunked, Kicks,
//! deletes and bans, raids, live and offline, chat modes; and counts sent as text or not to
//! be believed.

use super::*;

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
