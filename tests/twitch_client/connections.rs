//! How the connection lives: RECONNECT overlap and drops that lose and double nothing, growing
//! waits, refused connections, our own PING on a quiet socket, a socket that stops answering,
//! and the reason an unconfirmed JOIN gives.

use std::collections::HashMap;
use std::time::Duration;

use kicktui::domain::{Event, MsgId};
use kicktui::source::twitch::{TwitchOptions, TwitchSource};
use kicktui::source::{ChatState, SourceMsg};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::{Client, LIMIT, fake, joined};

#[tokio::test]
async fn reconnect_and_a_drop_lose_nothing_and_count_nothing_twice() {
    // The new connection must join within the grace; a loaded machine needs more than 300 ms.
    let (twitch, control) = fake(1500).await;
    let mut client = Client::start(&twitch);
    joined(&control, 1).await;
    for i in 0..20 {
        control.chat(&format!("v{i}"), "before");
    }
    control.reconnect();
    // The client joins on a second connection while the first still gets every line.
    joined(&control, 2).await;
    for i in 0..20 {
        control.chat(&format!("v{i}"), "during the overlap");
    }
    timeout(
        LIMIT,
        control.wait_for(|s| s.open.len() == 1 && s.joined.len() == 1),
    )
    .await
    .expect("the old connection goes");
    let mark = control.chat("marker", "after the reconnect");
    client.until_chat(&mark).await;
    assert_eq!(client.count("source_down"), 0, "a RECONNECT is not a gap");

    control.drop_all();
    timeout(LIMIT, control.wait_for(|s| s.drops >= 1))
        .await
        .expect("dropped");
    for i in 0..10 {
        // Some of these fall into the gap and are never delivered.
        control.chat(&format!("w{i}"), "while down");
    }
    timeout(
        LIMIT,
        control.wait_for(|s| s.connections_accepted >= 3 && s.joined.len() == 1),
    )
    .await
    .expect("the client reconnects after the drop");
    let mut last = String::new();
    for i in 0..20 {
        last = control.chat(&format!("x{i}"), "after the drop");
    }
    client.until_chat(&last).await;

    let stats = control.stats();
    let overlap = stats.ledger.iter().filter(|l| l.written == 2).count();
    assert!(overlap >= 20, "lines reached both connections: {overlap}");
    let delivered: Vec<MsgId> = stats
        .delivered_ids("chat")
        .iter()
        .map(|id| MsgId::parse(id))
        .collect();
    let mut seen: HashMap<MsgId, u32> = HashMap::new();
    for id in client.chat_ids() {
        *seen.entry(id).or_default() += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "a message counted twice");
    for id in &delivered {
        assert!(seen.contains_key(id), "a delivered message was lost");
    }
    assert_eq!(seen.len(), delivered.len());
    assert_eq!(client.count("source_down"), 1);
    assert_eq!(
        client.count("source_up"),
        2,
        "the first connection, then back"
    );
    client.stop().await;
}

#[tokio::test]
async fn a_server_that_takes_the_join_and_drops_gets_growing_waits() {
    let (twitch, control) = fake(300).await;
    let mut client = Client::start(&twitch);
    let mut attempts = Vec::new();
    for k in 1..=3u64 {
        timeout(
            LIMIT,
            control.wait_for(|s| s.joined.len() == 1 && s.connections_accepted >= k),
        )
        .await
        .expect("joined");
        // A line after the JOIN: the old rule took any frame as a good connection.
        let id = control.chat(&format!("v{k}"), "hi");
        client.until_chat(&id).await;
        control.drop_all();
        let state = timeout(
            LIMIT,
            client
                .state
                .wait_for(|s| matches!(s, ChatState::Connecting { .. })),
        )
        .await
        .expect("connecting again")
        .expect("state")
        .clone();
        if let ChatState::Connecting { attempt } = state {
            attempts.push(attempt);
        }
    }
    assert_eq!(
        attempts,
        [1, 2, 3],
        "the backoff grows: none stayed up 30 s"
    );
    client.stop().await;
}

#[tokio::test]
async fn refused_connections_back_off_then_join() {
    let (twitch, control) = fake(300).await;
    control.refuse_connections(Duration::from_millis(400));
    let mut client = Client::start(&twitch);
    timeout(
        LIMIT,
        client
            .state
            .wait_for(|s| matches!(s, ChatState::Reconnecting { .. })),
    )
    .await
    .expect("reconnecting")
    .expect("state");
    joined(&control, 1).await;
    assert!(control.stats().refused >= 1);
    let id = control.chat("late", "hi");
    client.until_chat(&id).await;
    client.stop().await;
}

/// The next event matching `pred` (others are skipped).
async fn until(rx: &mut mpsc::Receiver<SourceMsg>, pred: impl Fn(&Event) -> bool) -> Event {
    let found = timeout(LIMIT, async {
        while let Some(m) = rx.recv().await {
            if let SourceMsg::Event { event, .. } = m
                && pred(&event)
            {
                return Some(event);
            }
        }
        None
    })
    .await;
    found.ok().flatten().expect("the event arrives")
}

#[tokio::test]
async fn a_quiet_chat_gets_our_own_ping_and_stays_connected() {
    let (twitch, control) = fake(300).await;
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.idle_ping_after = Duration::from_millis(100);
    // Generous: answered pings return at once, and a stall must not look like a dead socket.
    o.pong_timeout = Duration::from_secs(3);
    o.capture = true;
    let (tx, mut rx) = mpsc::channel(1000);
    let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    timeout(LIMIT, control.wait_for(|s| s.client_pings >= 3))
        .await
        .expect("pings on silence");
    let id = control.chat("after", "still here");
    let mut frames = Vec::new();
    let chat = timeout(LIMIT, async {
        while let Some(m) = rx.recv().await {
            match m {
                SourceMsg::Frame { text, .. } => frames.push(text),
                SourceMsg::Event {
                    event: Event::Chat(c),
                    ..
                } => return c.id,
                _ => {}
            }
        }
        None
    })
    .await;
    assert_eq!(chat, Ok(Some(MsgId::parse(&id))));
    // Captured frames are the IRC text as JSON strings, so capture lines stay JSON.
    let texts: Vec<String> = frames
        .iter()
        .map(|f| serde_json::from_str::<String>(f).expect("a JSON string"))
        .collect();
    assert!(texts.iter().any(|t| t.contains(" JOIN #")), "{texts:?}");
    assert!(texts.last().is_some_and(|t| t.contains("PRIVMSG")));
    assert_eq!(
        control.stats().connections_accepted,
        1,
        "answered pings keep the socket"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

#[tokio::test]
async fn a_socket_that_stops_answering_is_replaced() {
    let (twitch, control) = fake(300).await;
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.idle_ping_after = Duration::from_millis(100);
    o.pong_timeout = Duration::from_millis(200);
    o.backoff_base = Duration::from_millis(20);
    let (tx, mut rx) = mpsc::channel(1000);
    let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    joined(&control, 1).await;
    control.ignore_client_pings(true);
    until(&mut rx, |e| *e == Event::SourceDown).await;
    control.ignore_client_pings(false);
    until(&mut rx, |e| *e == Event::SourceUp).await;
    assert!(control.stats().connections_accepted >= 2);
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

/// A suspended channel never confirms the JOIN: the reconnecting line says Twitch's reason,
/// not only "the JOIN was not confirmed" (the notice scrolled away in the log).
#[tokio::test]
async fn an_unconfirmed_join_says_twitchs_reason() {
    let (twitch, control) = fake(0).await;
    control.suspend_channel(true);
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.connect_timeout = Duration::from_secs(1);
    o.backoff_base = Duration::from_millis(20);
    let (tx, _rx) = mpsc::channel(1000);
    let (state_tx, mut state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    let reason = timeout(LIMIT, async {
        loop {
            // The first unconfirmed JOIN with the notice in (a slow machine may time out a
            // connection first).
            if let ChatState::Reconnecting { reason, .. } = &*state.borrow_and_update()
                && reason.contains("msg_channel_suspended")
            {
                return reason.clone();
            }
            state.changed().await.expect("the source runs");
        }
    })
    .await
    .expect("a reconnect");
    assert!(
        reason.starts_with("the JOIN was not confirmed: msg_channel_suspended"),
        "{reason}"
    );
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}
