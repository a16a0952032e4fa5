//! Keeping a quiet connection: server pings answered, our own ping after the activity
//! timeout, a socket that never pongs replaced, and Centrifugo's token refreshed in place.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use kicktui::fake::FakeConfig;
use kicktui::source::pusher::PusherOptions;
use tokio::time::timeout;

use crate::support;
use crate::{LIMIT, Proto, fake, hex_id, options, start, start_client};

on_both!(server_pings_are_answered);
async fn server_pings_are_answered(proto: Proto) {
    let (kick, c) = fake(proto.fast_heartbeat()).await;
    let client = start(proto, &kick, &c);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    let stats = timeout(LIMIT, c.wait_for(|s| s.pongs_received >= 3))
        .await
        .unwrap();
    assert!(
        stats.closes_by_code.is_empty(),
        "every server ping was answered in time: {:?}",
        stats.closes_by_code
    );
    assert_eq!(stats.connections_accepted, 1);
    client.stop().await;
}

/// Tokens live 2 s: the client refreshes each before it runs out, on the same connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn centrifugo_refreshes_its_token_before_the_ttl() {
    let (kick, c) = fake(FakeConfig {
        centrifugo_token_ttl: Duration::from_secs(2),
        ..FakeConfig::default()
    })
    .await;
    let mut client = start(Proto::Centrifugo, &kick, &c);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    let stats = timeout(LIMIT, c.wait_for(|s| s.centrifugo_refreshes >= 2))
        .await
        .unwrap();
    assert_eq!(stats.connections_accepted, 1, "{:?}", stats.closes_by_code);
    assert_eq!(stats.closes(3005), 0, "the token never ran out");
    assert_eq!(stats.centrifugo_tokens, 3, "one per connect and refresh");
    let id = hex_id(&c.chat("a", "still here"));
    client.read_until(|cl| !cl.chats.is_empty()).await;
    assert_eq!(client.chats, [id]);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_pings_after_activity_timeout_of_silence() {
    let (kick, c) = fake(FakeConfig {
        activity_timeout_secs: 1,
        server_ping_after: None,
        ..FakeConfig::default()
    })
    .await;
    let client = start_client(options(&kick.pusher_url(), &c), None);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    let stats = timeout(LIMIT, c.wait_for(|s| s.client_pings >= 2))
        .await
        .unwrap();
    assert_eq!(stats.connections_accepted, 1, "each ping got its pong");
    client.stop().await;
}

/// A server that greets, then never answers anything: the client's ping goes unanswered.
async fn silent_server() -> (String, Arc<AtomicU32>) {
    use futures_util::SinkExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/app/key?protocol=7", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicU32::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
                let hello = r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":1}"}"#;
                let ack = r#"{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"chatrooms.1.v2"}"#;
                ws.send(hello.into()).await.unwrap();
                ws.send(ack.into()).await.unwrap();
                // Hold the socket open without reading: no pong ever comes.
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    (url, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_never_pongs_is_dropped_and_replaced() {
    let (url, accepted) = silent_server().await;
    let mut opts = PusherOptions::new(&url, vec!["chatrooms.1.v2".into()]);
    opts.pong_timeout = Duration::from_millis(300);
    opts.backoff_base = Duration::from_millis(50);
    let mut client = start_client(opts, None);
    // Greeted, silent 1 s, pinged, no pong within 300 ms: down, then a second connection.
    client.read_until(|cl| cl.downs >= 1 && cl.ups >= 2).await;
    support::wait_live(&client.state).await;
    assert!(accepted.load(Ordering::SeqCst) >= 2);
    client.stop().await;
}
