//! Chat as the user reads it: every IRC line kind mapped to an event, capabilities Twitch
//! refuses, and the hint for a channel where nobody speaks.

use std::time::Duration;

use kicktui::domain::{Event, MsgId};
use kicktui::source::twitch::{TwitchOptions, TwitchSource};
use kicktui::source::{ChatState, SourceMsg};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::{Client, LIMIT, fake, joined};

#[tokio::test]
async fn anonymous_login_and_every_line_kind() {
    let (twitch, control) = fake(2000).await;
    let mut client = Client::start(&twitch);
    joined(&control, 1).await;
    let s = control.stats();
    assert_eq!(s.cap_requests, vec!["twitch.tv/tags twitch.tv/commands"]);
    let nick = &s.nicks[0];
    let digits = nick.strip_prefix("justinfan").expect("anonymous nick");
    assert!(
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        "{nick}"
    );

    let first = control.chat_with_emotes("Viewer", "Kappa Keepo Kappa", "25:0-4,12-16/1902:6-10");
    control.chat_frame(&[("a1", "CLIP THAT"), ("a2", "NO WAY"), ("a3", "OMG")]);
    control.cheer("Cheerer", 250, "take my bits");
    control.sub("newbie", 1);
    control.sub("loyal", 14);
    control.gift_subs("BigGifter", 5);
    control.gift_subs("Single", 1);
    control.raid("Raider", 321);
    control.unknown_notice();
    control.delete(&first);
    control.ban("rude", Some(600));
    control.ban("gone", None);
    control.slow_mode(30);
    control.malformed();
    control.binary_frame();
    control.ping();
    let last = control.chat("closer", "the end");
    client.until_chat(&last).await;

    // (The first event is the first connection's SourceUp.)
    let Some(Event::Chat(c)) = client.events.iter().find(|e| matches!(e, Event::Chat(_))) else {
        panic!("{:?}", client.events)
    };
    assert_eq!(
        c.emote_names().collect::<Vec<_>>(),
        vec!["Kappa", "Keepo", "Kappa"]
    );
    // 1 + 3 in one frame + the cheer + 2 around the malformed line + the last.
    assert_eq!(client.count("chat"), 8);
    assert_eq!(client.chat_ids().len(), 8);
    assert!(client.events.contains(&Event::Bits {
        username: "Cheerer".into(),
        amount: 250
    }));
    assert_eq!(
        client.count("subscription"),
        2,
        "the resub's text is not chat"
    );
    let gifted: Vec<u32> = client
        .events
        .iter()
        .filter_map(|e| match e {
            Event::GiftedSubs { count, .. } => Some(*count),
            _ => None,
        })
        .collect();
    assert_eq!(
        gifted,
        vec![5, 1],
        "a mass gift's parts are not counted again"
    );
    assert!(client.events.contains(&Event::Raid {
        from: "Raider".into(),
        viewers: 321
    }));
    assert!(client.events.contains(&Event::MessageDeleted {
        message_id: MsgId::parse(&first)
    }));
    assert_eq!(client.count("ban"), 2);
    assert_eq!(client.count("chat_mode_changed"), 1);
    assert_eq!(client.malformed, 2, "the bad line and the binary frame");
    timeout(LIMIT, control.wait_for(|s| s.pongs_received == 1))
        .await
        .expect("PING answered with PONG :tmi.twitch.tv");
    assert!(matches!(*client.state.borrow(), ChatState::Live { .. }));
    client.stop().await;
}

/// A server that refuses tags and commands (CAP NAK): chat still reads, and the user is told
/// once, not on every reconnect, that subs, gifts and bits cannot be seen.
#[tokio::test]
async fn refused_capabilities_are_said_once_and_chat_goes_on() {
    let (twitch, control) = fake(300).await;
    control.refuse_capabilities(true);
    let mut client = Client::start(&twitch);
    joined(&control, 1).await;
    let first = control.chat("viewer", "hi");
    client.until_chat(&first).await;
    assert_eq!(client.notices.len(), 1, "{:?}", client.notices);
    let said = &client.notices[0];
    for part in [
        "refused",
        "twitch.tv/tags twitch.tv/commands",
        "subs",
        "bits",
        "irc_url",
    ] {
        assert!(said.contains(part), "{part:?} in {said}");
    }

    control.drop_all();
    timeout(
        LIMIT,
        control.wait_for(|s| s.connections_accepted >= 2 && s.joined.len() == 1),
    )
    .await
    .expect("joined again");
    // The NAK comes before the JOIN on each connection: this chat is read after it.
    let second = control.chat("viewer", "back");
    client.until_chat(&second).await;
    assert_eq!(client.notices.len(), 1, "said once: {:?}", client.notices);
    client.stop().await;
}

/// IRC joins any channel name, so a typo waits silently: after a quiet spell in the channel
/// kicktui says to check the name, once; a channel where anyone speaks gets no such hint.
#[tokio::test]
async fn a_channel_where_nobody_speaks_gets_one_hint_to_check_its_name() {
    let notices = async |chat: bool| {
        let (twitch, control) = fake(0).await;
        let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
        o.quiet_hint_after = Duration::from_millis(300);
        let (tx, mut rx) = mpsc::channel(1000);
        let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
        let cancel = CancellationToken::new();
        let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
        joined(&control, 1).await;
        if chat {
            control.chat("viewer1", "hi");
        }
        let mut said = Vec::new();
        // A second quiet spell passes: still one hint.
        let _ = timeout(Duration::from_millis(1200), async {
            while let Some(m) = rx.recv().await {
                if let SourceMsg::Notice { text } = m {
                    said.push(text);
                }
            }
        })
        .await;
        cancel.cancel();
        let _ = task.await;
        said
    };
    let quiet = notices(false).await;
    assert_eq!(quiet.len(), 1, "{quiet:?}");
    assert!(
        quiet[0].contains("no chat in #") && quiet[0].contains("check its name"),
        "{quiet:?}"
    );
    assert!(notices(true).await.is_empty());
}
