//! A server that says no or talks nonsense: a refused key, token or subscription gets one
//! fresh look-up and then a refusal (a new key from that look-up connects), and malformed
//! frames are counted and skipped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use kicktui::fake::FakeConfig;
use kicktui::source::ChatState;
use kicktui::source::pusher::{Refresh, SourceExit, Target};
use tokio::time::timeout;

use crate::support;
use crate::{LIMIT, Proto, fake, options, start, start_client, start_with};

on_both!(refused_stops_after_one_fresh_look_up);
async fn refused_stops_after_one_fresh_look_up(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    let looked_up = Arc::new(AtomicU32::new(0));
    let counter = looked_up.clone();
    let refresh: Refresh = Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { None })
    });
    // Pusher: a retired app key (4001); Centrifugo: tokens it does not accept (3500).
    let (url, code, hint) = match proto {
        Proto::Pusher => (
            kick.pusher_url_with_key("eb1d5f283081a78b932c"),
            4001,
            "pusher_url",
        ),
        Proto::Centrifugo => {
            c.refuse_centrifugo(true);
            (kick.centrifugo_url(), 3500, "centrifugo_url")
        }
    };
    let client = start_with(proto.transport(&kick), options(&url, &c), Some(refresh));
    let exit = timeout(LIMIT, client.task).await.unwrap().unwrap();
    let SourceExit::Refused { why } = exit else {
        panic!("expected a refusal, got {exit:?}")
    };
    assert!(
        why.contains(&code.to_string()) && why.contains(hint),
        "{why}"
    );
    assert_eq!(looked_up.load(Ordering::SeqCst), 1);
    // What comes next (the other transport, or a wait and a new try) is the chat task's to
    // say: the socket never says chat stopped.
    let state = client.state.borrow().clone();
    assert!(!state.to_string().starts_with("stopped"), "{state}");
    let stats = c.stats();
    assert_eq!(stats.closes(code), 2);
    assert_eq!(stats.connections_accepted, 2, "one fresh try, then stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_look_up_with_a_new_key_connects() {
    let (kick, c) = fake(FakeConfig::default()).await;
    let good = Target {
        url: kick.pusher_url(),
        channels: c.pusher_channels().to_vec(),
    };
    let refresh: Refresh = Box::new(move || {
        let good = good.clone();
        Box::pin(async move { Some(good) })
    });
    let bad = kick.pusher_url_with_key("eb1d5f283081a78b932c");
    let client = start_client(options(&bad, &c), Some(refresh));
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert_eq!(c.stats().closes(4001), 1);
    client.stop().await;
}

on_both!(malformed_frames_are_counted_and_skipped);
async fn malformed_frames_are_counted_and_skipped(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    let mut client = start(proto, &kick, &c);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.chat("a", "before");
    c.malformed();
    c.send_raw(&c.pusher_channels()[0], "not json at all");
    c.unknown_event();
    c.chat("b", "after");
    client.read_until(|cl| cl.chats.len() == 2).await;
    assert_eq!(
        client.malformed, 2,
        "cut-off JSON and plain text; unknown events are fine"
    );
    assert!(matches!(*client.state.borrow(), ChatState::Live { .. }));
    client.stop().await;
}

// A refused chat subscription is a refusal: looked up once more, then given up (the chat
// task then takes the other transport or waits), on both transports.
on_both!(a_refused_chat_subscription_is_a_refusal);
async fn a_refused_chat_subscription_is_a_refusal(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    c.refuse_subscriptions(true);
    let mut client = start(proto, &kick, &c);
    let shown = support::states_shown(&client.state);
    let exit = timeout(LIMIT, &mut client.task).await.unwrap().unwrap();
    drop(client);
    support::never_live(shown).await;
    let SourceExit::Refused { why } = exit else {
        panic!("expected Refused, got {exit:?}")
    };
    assert!(why.contains("refused the chat's subscription"), "{why}");
    assert_eq!(c.stats().connections_accepted, 2, "{why}");
}
