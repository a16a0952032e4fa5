//! Joining a Twitch channel that is not there: the fake, as Twitch, welcomes the anonymous login
//! but never answers a JOIN of a channel that does not exist. The reconnecting line (status bar,
//! log) must say to check the name, not only that the JOIN was not confirmed, and the retry
//! warning in kicktui.log must not call a connection that worked lost.

use std::time::Duration;

use kicktui::fake::twitch::{FakeTwitch, FakeTwitchConfig};
use kicktui::source::ChatState;
use kicktui::source::twitch::{TwitchOptions, TwitchSource};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_channel_twitch_does_not_answer_for_is_said_to_check_the_name() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let twitch = FakeTwitch::start(FakeTwitchConfig::default())
        .await
        .expect("fake twitch starts");
    let mut o = TwitchOptions::new(&twitch.irc_url(), "kicktuidemo_typo");
    o.connect_timeout = Duration::from_millis(500);
    o.backoff_base = Duration::from_millis(20);
    let (tx, _rx) = mpsc::channel(1000);
    let (state_tx, mut state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    let reason = timeout(LIMIT, async {
        loop {
            if let ChatState::Reconnecting { reason, .. } = &*state.borrow_and_update() {
                return reason.clone();
            }
            state.changed().await.expect("the source runs");
        }
    })
    .await
    .expect("a reconnect");
    assert!(
        reason.contains("#kicktuidemo_typo") && reason.contains("check the name"),
        "{reason}"
    );
    // Warned before the state changes: the line is in by now.
    let text = logs.text();
    assert!(
        text.contains("twitch chat: Twitch did not answer the JOIN of #kicktuidemo_typo")
            && text.contains("joining again in"),
        "{text}"
    );
    assert!(!text.contains("connection lost"), "{text}");
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}

/// A quiet channel that was joined: the hint to check the name does not claim that IRC joins
/// any name (Twitch does not answer for a channel that does not exist, above).
#[tokio::test]
async fn the_quiet_channel_hint_says_what_joins_and_what_does_not() {
    use kicktui::source::SourceMsg;
    let twitch = FakeTwitch::start(FakeTwitchConfig::default())
        .await
        .expect("fake twitch starts");
    let mut o = TwitchOptions::new(&twitch.irc_url(), twitch.channel());
    o.quiet_hint_after = Duration::from_millis(300);
    let (tx, mut rx) = mpsc::channel(1000);
    let (state_tx, _state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
    let hint = timeout(LIMIT, async {
        while let Some(m) = rx.recv().await {
            if let SourceMsg::Notice { text } = m
                && text.contains("check its name")
            {
                return Some(text);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("the quiet hint");
    assert!(!hint.contains("joins any name"), "{hint}");
    assert!(hint.contains("someone else's channel"), "{hint}");
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}
