//! Joining a Twitch channel that is not there: the fake, as Twitch, welcomes the anonymous login
//! but never answers a JOIN of a channel that does not exist. The reconnecting line (status bar,
//! log) must say to check the name, not only that the JOIN was not confirmed.

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
    cancel.cancel();
    let _ = timeout(LIMIT, task).await;
}
