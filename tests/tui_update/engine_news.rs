//! The engine's news reaching the model and the screen: snapshots and the clock, live and API
//! state, a lookup blocked before chat, and a crash recovery's news.

use kicktui::app::{ClipStatus, FLASH_MS, Msg};
use kicktui::engine::update::Update;

use crate::tui_support::*;

#[test]
fn snapshots_feed_history_and_emotes_and_the_clock_expires_flashes() {
    let mut a = app();
    for s in 0..30 {
        a.update(
            Msg::Engine(Update::Snapshot(snapshot(s as f64, s as f64 / 3.0))),
            at(s as f64),
        );
    }
    assert_eq!(a.history.len(), 30);
    assert_eq!(a.stream.live, Some(true));
    assert_eq!(a.emotes.seen[0].name, "KEKW");
    assert_eq!(a.feed_stalled_s(), None);
    a.update(Msg::Tick(at(36.0)), at(36.0));
    assert_eq!(a.feed_stalled_s(), Some(7));

    a.update(key('s'), at(40.0));
    assert!(a.flash.is_some());
    a.update(
        Msg::Tick(at(40.0 + FLASH_MS as f64 / 1000.0 - 0.5)),
        at(44.0),
    );
    assert!(a.flash.is_some());
    a.update(Msg::Tick(at(46.0)), at(46.0));
    assert!(a.flash.is_none());
}

#[test]
fn engine_state_changes_reach_the_model() {
    use kicktui::source::ChatState;
    let mut a = app();
    a.update(Msg::Engine(Update::WaitingForLive), T0);
    assert!(a.stream.waiting_for_live);
    a.update(
        Msg::Engine(Update::ChatState(ChatState::Live { reconnects: 0 })),
        T0,
    );
    a.update(
        Msg::Engine(Update::WentLive {
            at: T0,
            title: Some("hi".into()),
            session: Some(5),
            source: kicktui::kickapi::LiveSource::Api,
            resumed: false,
        }),
        T0,
    );
    assert_eq!((a.stream.live, a.stream.session), (Some(true), Some(5)));
    assert!(!a.stream.waiting_for_live);
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "HTTP 403 (Cloudflare)".into(),
            // `default()`: a number today, an Option on the live branch.
            retry_s: Default::default(),
            waits_for_ids: false,
        }),
        T0,
    );
    assert!(a.stream.api_trouble.is_some());
    a.update(Msg::Engine(Update::ApiOk), T0);
    assert!(a.stream.api_trouble.is_none());
    a.update(Msg::Engine(Update::WentOffline { at: T0 }), T0);
    assert_eq!(a.stream.live, Some(false));
}

/// The lookup blocked before chat could start (no ids yet): the Moments pane says why and
/// the way round it, where it stays (the log line scrolls away), until the API answers.
#[test]
fn a_blocked_lookup_before_chat_says_how_to_give_the_ids() {
    let mut a = app();
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "Cloudflare challenge (403); retrying in 5 min".into(),
            retry_s: Default::default(),
            waits_for_ids: true,
        }),
        T0,
    );
    let s = screen(&a, 120, 40);
    assert!(s.contains("Chat waits for the channel ids"), "{s}");
    assert!(s.contains("--channel-id"), "{s}");
    assert!(s.contains("chat: waits for ids"), "the status bar too: {s}");
    a.update(Msg::Engine(Update::ApiOk), T0);
    assert!(!screen(&a, 120, 40).contains("Chat waits for the channel ids"));
    // Trouble with the ids known (given, cached): chat needs nothing, the pane says nothing.
    a.update(
        Msg::Engine(Update::ApiTrouble {
            message: "Cloudflare challenge (403); retrying in 5 min".into(),
            retry_s: Default::default(),
            waits_for_ids: false,
        }),
        T0,
    );
    let s = screen(&a, 120, 40);
    assert!(!s.contains("Chat waits for the channel ids"), "{s}");
    assert!(!s.contains("chat: waits for ids"), "{s}");
}

/// The start-up log scrolls a crash recovery's news out of the log pane within seconds: it
/// stays in the hint bar for half a minute.
#[test]
fn a_crash_recovery_stays_on_screen_for_half_a_minute() {
    let mut a = app();
    let news = "Recovered after a crash: 1 session closed, 1 recording finished";
    a.update(Msg::Engine(Update::Recovered(news.into())), T0);
    a.update(Msg::Tick(at(20.0)), at(20.0));
    assert!(
        screen(&a, 120, 40).contains("Recovered after a crash"),
        "{}",
        screen(&a, 120, 40)
    );
    a.update(Msg::Tick(at(40.0)), at(40.0));
    assert!(!screen(&a, 120, 40).contains("Recovered after a crash"));
}

/// A flash soon after a recovery (a clip ready, the clipping at the stream's end) shows at
/// once, for its usual seconds; then the recovery's news comes back, for the half minute it
/// would have had on screen. It replaced the news for good within half a second.
#[test]
fn a_flash_after_a_crash_recovery_shows_and_then_the_recovery_comes_back() {
    let mut a = app();
    let news = "Recovered after a crash: 2 clips pending (cut at the stream's end, or now if it \
                has ended); 1 session closed, 1 recording finished";
    a.update(Msg::Engine(Update::Recovered(news.into())), T0);
    let ready = ClipStatus::Done {
        path: "/d/clips/m3.mp4".into(),
        short: false,
        length: None,
    };
    a.update(moment_update(Some(3), spike(100.0, 20.0)), at(0.3));
    a.update(
        Msg::Clip {
            id: 3,
            status: ready,
        },
        at(0.5),
    );
    let s = screen(&a, 120, 40);
    assert!(s.contains("clip #3 ready: /d/clips/m3.mp4"), "{s}");
    a.update(Msg::Tick(at(6.0)), at(6.0));
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("Recovered after a crash: 2 clips pending"),
        "{s}"
    );
    // What needs doing comes first, so 80 columns show it.
    let s = screen(&a, 80, 24);
    assert!(
        s.contains("Recovered after a crash: 2 clips pending"),
        "{s}"
    );
    // 30 s on screen in all: the 5.5 s the flashes covered it are given back.
    a.update(Msg::Tick(at(35.0)), at(35.0));
    assert!(screen(&a, 120, 40).contains("Recovered after a crash"));
    a.update(Msg::Tick(at(36.0)), at(36.0));
    let s = screen(&a, 120, 40);
    assert!(!s.contains("Recovered after a crash"), "{s}");
    assert!(a.flash.is_none() && a.notice.is_none());
}
