//! Connections: the Pusher greeting, pings answered or not, a wrong app key, refused
//! connections, subscriptions acknowledged; how connections end (a close code, a TCP drop,
//! shutdown); Centrifugo's tokens and heartbeats.

use std::time::Duration;

use kicktui::fake::{FakeConfig, FakeKick, Refuse};
use serde_json::json;
use tokio_tungstenite::connect_async;

use crate::client::{Client, centrifugo_token};
use crate::{Got, Proto, connect, data, next, next_frame, send, start};

#[tokio::test]
async fn connection_established_carries_string_data() {
    let kick = start().await;
    let (mut ws, _) = connect_async(kick.pusher_url()).await.unwrap();
    let hello = next_frame(&mut ws).await;
    assert_eq!(hello["event"], "pusher:connection_established");
    let d = data(&hello);
    assert_eq!(d["activity_timeout"], 1);
    let socket_id = d["socket_id"].as_str().unwrap();
    let (a, b) = socket_id.split_once('.').unwrap();
    assert!(
        a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok(),
        "{socket_id}"
    );
}

#[tokio::test]
async fn an_unanswered_server_ping_closes_with_4201() {
    let kick = FakeKick::start(FakeConfig {
        server_ping_after: Some(Duration::from_millis(50)),
        pong_timeout: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&kick.pusher_url()).await;
    let ping = next_frame(&mut ws).await;
    assert_eq!(ping["event"], "pusher:ping");
    let error = next_frame(&mut ws).await;
    assert_eq!(error["event"], "pusher:error");
    assert_eq!(data(&error)["code"], 4201);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4201)));
    let stats = kick.control().stats();
    assert_eq!((stats.pings_sent, stats.closes(4201)), (1, 1));
}

#[tokio::test]
async fn answered_pings_keep_the_connection_open() {
    let kick = FakeKick::start(FakeConfig {
        server_ping_after: Some(Duration::from_millis(20)),
        pong_timeout: Duration::from_secs(3),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    for _ in 0..3 {
        assert_eq!(next_frame(&mut ws).await["event"], "pusher:ping");
        send(&mut ws, json!({"event": "pusher:pong", "data": {}})).await;
    }
    let stats = control.wait_for(|s| s.pongs_received == 3).await;
    assert!(stats.closes_by_code.is_empty());
    // A client ping is answered too.
    send(&mut ws, json!({"event": "pusher:ping", "data": {}})).await;
    loop {
        let f = next_frame(&mut ws).await;
        if f["event"] == "pusher:pong" {
            break;
        }
        assert_eq!(f["event"], "pusher:ping");
        send(&mut ws, json!({"event": "pusher:pong", "data": {}})).await;
    }
}

#[tokio::test]
async fn a_wrong_app_key_is_closed_with_4001() {
    let kick = start().await;
    let (mut ws, _) = connect_async(kick.pusher_url_with_key("eb1d5f283081a78b932c"))
        .await
        .unwrap();
    let error = next_frame(&mut ws).await;
    assert_eq!(error["event"], "pusher:error");
    // This error carries object data, as Pusher sends it for a bad key.
    assert_eq!(error["data"]["code"], 4001);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4001)));
}

#[tokio::test]
async fn refused_connections_fail_to_connect() {
    let kick = start().await;
    let control = kick.control();
    control.refuse_connections(Refuse::Upgrade, Duration::from_secs(60));
    let err = connect_async(kick.pusher_url()).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    control.refuse_connections(Refuse::Tcp, Duration::from_secs(60));
    assert!(connect_async(kick.pusher_url()).await.is_err());
    assert_eq!(control.stats().refused, 2);
    control.accept_connections();
    connect(&kick.pusher_url()).await;
}

on_both!(five_subscriptions_get_five_acks);
async fn five_subscriptions_get_five_acks(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    let channels = control.pusher_channels();
    client.subscribe(&channels).await;
    let conn = control.wait_subscribed().await;
    assert_eq!(control.stats().subscriptions[&conn].len(), 5);
}

on_both!(close_all_sends_the_code);
async fn close_all_sends_the_code(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    let code = match proto {
        Proto::Pusher => 4200,
        Proto::Centrifugo => 3001,
    };
    control.close_all(code);
    if proto == Proto::Pusher {
        // Pusher names the code in a `pusher:error` first.
        let error = client.next_value().await;
        assert_eq!(data(&error)["code"], 4200);
    }
    assert_eq!(client.next().await, Got::Close(Some(code)));
    let stats = control.wait_for(|s| s.open() == 0).await;
    assert_eq!(stats.closes(code), 1);
}

on_both!(a_tcp_drop_ends_without_a_close_frame);
async fn a_tcp_drop_ends_without_a_close_frame(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    control.drop_all();
    assert!(matches!(client.next().await, Got::End(_)));
    assert_eq!(control.wait_for(|s| s.drops == 1).await.open(), 0);
}

on_both!(shutting_down_closes_sockets_with_1001);
async fn shutting_down_closes_sockets_with_1001(proto: Proto) {
    let kick = start().await;
    let mut client = Client::connect(proto, &kick).await;
    kick.shutdown().await;
    assert_eq!(client.next().await, Got::Close(Some(1001)));
}

#[tokio::test]
async fn centrifugo_refuses_an_unknown_token_with_3500() {
    let kick = start().await;
    let mut client = Client::centrifugo_socket(&kick).await;
    client
        .send(json!({ "connect": { "token": "forged", "name": "js" }, "id": 1 }))
        .await;
    assert_eq!(client.next().await, Got::Close(Some(3500)));
}

#[tokio::test]
async fn centrifugo_closes_with_3012_when_a_heartbeat_goes_unanswered() {
    let kick = FakeKick::start(FakeConfig {
        centrifugo_ping: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut client = Client::connect(Proto::Centrifugo, &kick).await;
    assert_eq!(client.next_value().await, json!({}));
    assert_eq!(client.next().await, Got::Close(Some(3012)));
}

/// A token that runs out without a `refresh` ends the connection (3005); connecting again
/// with it is answered "token expired" (109).
#[tokio::test]
async fn centrifugo_tokens_expire() {
    let kick = FakeKick::start(FakeConfig {
        centrifugo_token_ttl: Duration::from_millis(1500),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let token = centrifugo_token(&kick).await;
    let mut client = Client::centrifugo_socket(&kick).await;
    client
        .send(json!({ "connect": { "token": token, "name": "js" }, "id": 1 }))
        .await;
    // Seconds left, rounded up (a stall before connecting could make it 1).
    let ttl = client.next_value().await["connect"]["ttl"].as_u64();
    assert!(matches!(ttl, Some(1 | 2)), "{ttl:?}");
    assert_eq!(client.next().await, Got::Close(Some(3005)));
    let mut again = Client::centrifugo_socket(&kick).await;
    again
        .send(json!({ "connect": { "token": token, "name": "js" }, "id": 1 }))
        .await;
    assert_eq!(again.next_value().await["error"]["code"], 109);
}
