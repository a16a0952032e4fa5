//! The chat task chooses the transport (`[kick] transport`): `auto` starts on Pusher and
//! switches to Centrifugo, saying so, when Kick refuses the Pusher app key; `centrifugo` goes
//! there at once; when both refuse, the chat stops with a reason.

mod support;

use std::time::Duration;

use kicktui::config::ChatTransport;
use kicktui::domain::Event;
use kicktui::engine::channel::{ApiRequest, ChatIds};
use kicktui::engine::chat::ChatTask;
use kicktui::fake::{FakeConfig, FakeControl, FakeKick};
use kicktui::source::socket::SourceExit;
use kicktui::source::{ChatState, SourceMsg};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);
const RETIRED_KEY: &str = "eb1d5f283081a78b932c";

struct Chat {
    rx: mpsc::Receiver<SourceMsg>,
    state: watch::Receiver<ChatState>,
    cancel: CancellationToken,
    task: JoinHandle<SourceExit>,
}

/// A chat task with the channel's ids known and every re-lookup answered "no change".
fn start(kick: &FakeKick, c: &FakeControl, transport: ChatTransport, pusher_url: String) -> Chat {
    let info = c.info();
    let (_ids_tx, ids) = watch::channel(Some(ChatIds {
        channel_id: info.channel_id,
        chatroom_id: info.chatroom_id,
    }));
    let (api, mut requests) = mpsc::channel(16);
    tokio::spawn(async move {
        let _keep = _ids_tx;
        while let Some(r) = requests.recv().await {
            if let ApiRequest::Relookup(reply) = r {
                let _ = reply.send(None);
            }
        }
    });
    let (tx, rx) = mpsc::channel(1000);
    let (state_tx, state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let task = ChatTask {
        pusher_url,
        config_path: None,
        capture: false,
        ids,
        api,
        tx,
        state: state_tx,
        transport,
        centrifugo_url: kick.centrifugo_url(),
        centrifugo_token_url: kick.centrifugo_token_url(),
        refused_wait: Duration::from_millis(300),
    };
    let cancel = CancellationToken::new();
    let task = tokio::spawn(task.run(cancel.clone()));
    Chat {
        rx,
        state,
        cancel,
        task,
    }
}

impl Chat {
    /// The next chat message's text (other messages skipped).
    async fn next_chat(&mut self) -> String {
        loop {
            let msg = timeout(LIMIT, self.rx.recv()).await.unwrap().unwrap();
            if let SourceMsg::Event {
                event: Event::Chat(m),
                ..
            } = msg
            {
                return m.text;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_switches_to_centrifugo_when_pusher_refuses_the_key() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut chat = start(
        &kick,
        &c,
        ChatTransport::Auto,
        kick.pusher_url_with_key(RETIRED_KEY),
    );
    let switching = timeout(
        LIMIT,
        chat.state
            .wait_for(|s| matches!(s, ChatState::Reconnecting { reason, .. } if reason.contains("switching to Centrifugo"))),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    assert!(
        switching.to_string().contains("Pusher unavailable"),
        "{switching}"
    );
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    // The client subscribes, then says it is live: wait for the second step too.
    timeout(
        LIMIT,
        chat.state.wait_for(|s| matches!(s, ChatState::Live { .. })),
    )
    .await
    .unwrap()
    .unwrap();
    c.chat("viewer", "over centrifugo");
    assert_eq!(chat.next_chat().await, "over centrifugo");
    let stats = c.stats();
    assert_eq!((stats.closes(4001), stats.centrifugo_connects), (2, 1));
    chat.cancel.cancel();
    assert_eq!(chat.task.await.unwrap(), SourceExit::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn centrifugo_is_used_at_once_when_chosen() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut chat = start(
        &kick,
        &c,
        ChatTransport::Centrifugo,
        kick.pusher_url_with_key(RETIRED_KEY),
    );
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.chat("viewer", "hello");
    assert_eq!(chat.next_chat().await, "hello");
    let stats = c.stats();
    assert_eq!((stats.connections_accepted, stats.closes(4001)), (1, 0));
    chat.cancel.cancel();
}

/// Refused both ways, chat says why and tries again after a wait (it stopped for the rest of
/// the run after a one-second refusal): once Kick takes it again, chat comes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_both_ways_chat_says_why_and_tries_again() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    c.refuse_centrifugo(true);
    let mut chat = start(
        &kick,
        &c,
        ChatTransport::Auto,
        kick.pusher_url_with_key(RETIRED_KEY),
    );
    let mut state = chat.state.clone();
    let said = timeout(
        LIMIT,
        state.wait_for(|s| matches!(s, ChatState::Reconnecting { reason, .. } if reason.starts_with("refused"))),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    let shown = said.to_string();
    assert!(
        shown.contains("Centrifugo") && shown.contains("3500"),
        "{shown}"
    );
    let stats = c.stats();
    assert_eq!((stats.closes(4001), stats.closes(3500)), (2, 2));
    c.refuse_centrifugo(false);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.chat("viewer", "back again");
    assert_eq!(chat.next_chat().await, "back again");
    assert!(!chat.task.is_finished(), "chat goes on");
    chat.cancel.cancel();
}

/// Through the binary: a retired Pusher key, `auto` says it switches and chat is counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_says_it_switches_to_centrifugo_and_counts_chat() {
    let kick = FakeKick::start(FakeConfig::default()).await.unwrap();
    let c = kick.control();
    let mut cfg = support::test_config(kick.kick_config());
    cfg.kick.pusher_url = kick.pusher_url_with_key(RETIRED_KEY);
    let mut run = support::Run::start(&cfg, &["clavicular", "--headless"]);
    run.expect("Pusher unavailable; switching to Centrifugo")
        .await;
    run.expect("Connected to clavicular chat").await;
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    for i in 0..5 {
        c.chat(&format!("viewer{i}"), "hello");
    }
    c.kicks("marker", 1, "");
    run.expect("Kicks: marker sent 1 Kicks").await;
    let (status, lines, _dir) = run.stop("INT").await;
    assert!(status.success(), "{status}");
    assert!(
        !lines.iter().any(|l| l.contains("Chat stopped")),
        "{lines:?}"
    );
    assert_eq!(support::received(&lines), 5);
    assert_eq!(c.stats().centrifugo_connects, 1);
}
