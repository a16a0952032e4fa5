//! Events: a script's steps in order, chat only on the chat channel, the ledger of what was
//! delivered, a sub's whole duplicate set, going live in the API and on the socket, and
//! Centrifugo's publications packed into one frame.

use std::time::Duration;

use kicktui::fake::frames::name;
use kicktui::fake::{Action, Script};
use serde_json::{Value, json};

use crate::client::Client;
use crate::{Got, Proto, connect, data, next, next_frame, start, subscribe};

#[tokio::test]
async fn a_script_runs_its_steps_in_order() {
    let kick = start().await;
    let control = kick.control();
    let mut ws = connect(&kick.pusher_url()).await;
    subscribe(&mut ws, &control.pusher_channels()).await;
    let script = Script::new()
        .at(0.02, Action::CloseAll { code: 4100 })
        .at(
            0.0,
            Action::Raid {
                host: "Raider".into(),
                viewers: 250,
            },
        )
        .at(
            0.01,
            Action::Kicks {
                user: "Donor".into(),
                amount: 100,
                message: "GG".into(),
            },
        );
    control.run_script(&script).await;
    let raid = next_frame(&mut ws).await;
    assert_eq!(data(&raid)["number_viewers"], 250);
    assert_eq!(next_frame(&mut ws).await["event"], name::KICKS_GIFTED);
    assert_eq!(next_frame(&mut ws).await["event"], name::KICKS_LEADERBOARD);
    assert_eq!(data(&next_frame(&mut ws).await)["code"], 4100);
    assert_eq!(next(&mut ws).await, Got::Close(Some(4100)));
}

on_both!(chat_reaches_only_the_chat_channel);
async fn chat_reaches_only_the_chat_channel(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let [chat, .., live, _] = control.pusher_channels();
    let mut chatty = Client::connect(proto, &kick).await;
    chatty.subscribe(std::slice::from_ref(&chat)).await;
    let mut quiet = Client::connect(proto, &kick).await;
    quiet.subscribe(std::slice::from_ref(&live)).await;

    let id = control.chat("SomeViewer", "CLIP THAT [emote:37226:KEKW]");
    control.set_live("Ranked grind");

    let f = chatty.next_event().await;
    assert_eq!(f["event"], name::CHAT);
    assert_eq!(f["channel"], chat.as_str());
    let d = data(&f);
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["content"], "CLIP THAT [emote:37226:KEKW]");
    assert_eq!(d["sender"]["username"], "SomeViewer");
    // Frames arrive in order, so the quiet client's first frame shows it never got the chat.
    let f = quiet.next_event().await;
    assert_eq!(f["event"], name::STREAMER_IS_LIVE);
    assert_eq!(f["channel"], live.as_str());

    let stats = control
        .wait_for(|s| s.delivered_count(name::CHAT) == 1)
        .await;
    let entry = stats.ledger.iter().find(|e| e.event == name::CHAT).unwrap();
    assert_eq!((entry.subscribers, entry.written), (1, 1));
    assert_eq!(entry.id.as_deref(), Some(id.as_str()));
}

on_both!(the_ledger_counts_delivered_messages);
async fn the_ledger_counts_delivered_messages(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    // Nobody listens yet: recorded, not delivered.
    let lost = control.chat("early", "anyone?");
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    let ids = control.burst(10, 3, Duration::ZERO).await;
    let mut got = Vec::new();
    for _ in 0..10 {
        let d = data(&client.next_event().await);
        got.push(d["id"].as_str().unwrap().to_string());
    }
    assert_eq!(got, ids);
    let stats = control
        .wait_for(|s| s.delivered_count(name::CHAT) == 10)
        .await;
    assert_eq!(stats.delivered_ids(name::CHAT), ids);
    let first = &stats.ledger[0];
    assert_eq!(first.id.as_deref(), Some(lost.as_str()));
    assert!(!first.delivered());
}

on_both!(a_sub_sends_the_whole_duplicate_set);
async fn a_sub_sends_the_whole_duplicate_set(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    control.sub("NewSub", 13);
    let mut events = Vec::new();
    for _ in 0..5 {
        let f = client.next_event().await;
        events.push(f["event"].as_str().unwrap().to_string());
    }
    assert_eq!(
        events,
        [
            name::SUBSCRIPTION,
            name::CHANNEL_SUBSCRIPTION,
            name::NEW_SUBSCRIBER_UPDATED,
            name::NEW_ACTIVITY_FEED,
            name::CHAT_MESSAGE_SENT
        ]
    );
}

on_both!(going_live_updates_the_api_and_tells_the_socket);
async fn going_live_updates_the_api_and_tells_the_socket(proto: Proto) {
    let kick = start().await;
    let control = kick.control();
    let url = format!("{}/api/v2/channels/clavicular", kick.api_base());
    let before: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert!(before["livestream"].is_null());

    let mut client = Client::connect(proto, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    control.set_live("Ranked grind");
    control.set_viewers(4720);
    let live = data(&client.next_event().await);
    let after: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(after["livestream"]["id"], live["livestream"]["id"]);
    assert_eq!(after["livestream"]["viewer_count"], 4720);
    assert_eq!(after["livestream"]["session_title"], "Ranked grind");

    control.set_offline();
    let stop = client.next_event().await;
    assert_eq!(stop["event"], name::STOP_STREAM);
    assert_eq!(data(&stop)["livestream"]["id"], live["livestream"]["id"]);
    let gone: Value = reqwest::get(format!("{url}/livestream"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gone, json!({"data": null}));
}

/// What is queued at once goes out in one Centrifugo frame, one publication per line.
#[tokio::test]
async fn centrifugo_packs_queued_publications_into_one_frame() {
    let kick = start().await;
    let control = kick.control();
    let mut client = Client::connect(Proto::Centrifugo, &kick).await;
    client.subscribe(&control.pusher_channels()).await;
    let before = client.frames;
    // On this single-threaded runtime the connection task runs only once all ten are queued.
    let ids = control.burst(10, 3, Duration::ZERO).await;
    for id in &ids {
        assert_eq!(&data(&client.next_event().await)["id"], id.as_str());
    }
    assert_eq!(client.frames - before, 1, "ten publications, one frame");
}
