//! Every fixture frame, field by field. Each frame is found by a string unique to it, and
//! both decoders must agree on it.
//! Chat messages are in `test_fixtures_chat.rs`, the other events in `test_fixtures_events.rs`;
//! here the frames that carry no event and the fixture files as a whole.

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

#[path = "test_fixtures_chat.rs"]
mod chat;
#[path = "test_fixtures_events.rs"]
mod events;

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
