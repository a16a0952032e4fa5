//! Coming back: after reconnect codes and a TCP drop with every message once, after "over
//! capacity" only after a wait, after an expired Centrifugo token with a new one; and giving
//! up on a socket that never connects.

use std::collections::HashSet;
use std::time::Duration;

use kicktui::fake::FakeConfig;
use kicktui::source::ChatState;
use kicktui::source::pusher::{PusherOptions, SourceExit};
use tokio::time::{Instant, timeout};

use crate::support::resubscribed;
use crate::{LIMIT, Proto, fake, hex_id, start, start_client};

on_both!(back_after_reconnect_codes_and_a_tcp_drop_with_every_message_once);
async fn back_after_reconnect_codes_and_a_tcp_drop_with_every_message_once(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    let mut client = start(proto, &kick, &c);
    let mut conn = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    // A steady stream of chat across all the faults: some of it is sent while no
    // connection is up (never delivered), the rest must arrive exactly once.
    let sender = {
        let c = c.clone();
        tokio::spawn(async move {
            for i in 0..400 {
                c.chat(&format!("viewer{}", i % 17), "hello chat");
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        })
    };
    for fault in proto.faults() {
        tokio::time::sleep(Duration::from_millis(150)).await;
        match fault {
            Some(code) => c.close_all(code),
            None => c.drop_all(),
        }
        conn = resubscribed(&c, conn).await;
    }
    sender.await.unwrap();
    let delivered: Vec<String> = c
        .with_stats(|s| s.delivered_ids("ChatMessageEvent"))
        .iter()
        .map(|id| hex_id(id))
        .collect();
    assert!(
        delivered.len() > 100,
        "too little got through: {}",
        delivered.len()
    );
    let want = delivered.len();
    // The last reconnect's "up" may come after every chat was read (a slow reconnect).
    client
        .read_until(|cl| cl.chats.len() >= want && cl.ups >= 4)
        .await;
    let got: HashSet<&String> = client.chats.iter().collect();
    assert_eq!(got.len(), client.chats.len(), "a message was counted twice");
    assert_eq!(got, delivered.iter().collect::<HashSet<_>>());
    // The first "up" ends the wait before the first connection (a gap the engine opens).
    assert_eq!((client.downs, client.ups), (3, 4), "each gap is marked");
    let stats = c.stats();
    let [a, b, _] = proto.faults().map(|f| f.unwrap_or_default());
    assert_eq!((stats.closes(a), stats.closes(b), stats.drops), (1, 1, 1));
    // The state counts the reconnects, however quick they were.
    let live = client
        .state
        .wait_for(|s| *s == ChatState::Live { reconnects: 3 });
    timeout(LIMIT, live)
        .await
        .expect("the state says live after 3 reconnects")
        .unwrap();
    assert_eq!(client.stop().await, SourceExit::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_capacity_waits_before_reconnecting() {
    let (kick, c) = fake(FakeConfig::default()).await;
    let client = start(Proto::Pusher, &kick, &c);
    let first = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    let closed_at = Instant::now();
    c.close_all(4100);
    let mut state = client.state.clone();
    let reconnecting = timeout(
        LIMIT,
        state.wait_for(|s| matches!(s, ChatState::Reconnecting { .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    assert!(reconnecting.to_string().contains("4100"), "{reconnecting}");
    resubscribed(&c, first).await;
    let waited = closed_at.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "reconnected after {waited:?}"
    );
    client.stop().await;
}

/// An expired token closes the connection (3005): the client comes back with a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn centrifugo_reconnects_with_a_new_token_after_3005() {
    let (kick, c) = fake(FakeConfig::default()).await;
    let mut client = start(Proto::Centrifugo, &kick, &c);
    let first = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.close_all(3005);
    resubscribed(&c, first).await;
    let stats = c.stats();
    assert_eq!((stats.centrifugo_tokens, stats.centrifugo_connects), (2, 2));
    let id = hex_id(&c.chat("a", "back"));
    client.read_until(|cl| !cl.chats.is_empty()).await;
    assert_eq!(client.chats, [id]);
    assert_eq!(
        (client.downs, client.ups),
        (1, 2),
        "the first up, then back"
    );
    client.stop().await;
}

/// A socket that never connects is given up after `give_up_after` tries (for `auto`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_never_connects_is_gone_after_the_limit() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}/app/key?protocol=7", listener.local_addr().unwrap());
    drop(listener);
    let mut opts = PusherOptions::new(&url, vec!["chatrooms.1.v2".into()]);
    opts.backoff_base = Duration::from_millis(10);
    opts.give_up_after = Some(3);
    let client = start_client(opts, None);
    let exit = timeout(LIMIT, client.task).await.unwrap().unwrap();
    let SourceExit::Gone { why } = exit else {
        panic!("expected Gone, got {exit:?}")
    };
    assert!(why.contains("3 times"), "{why}");
}
