//! The Twitch chat source (`TwitchSource`) and the Helix client against the fake Twitch over
//! loopback: the anonymous handshake, every line kind, PING, RECONNECT overlap, a dropped
//! socket, and exactly-once delivery. Every wait is on an observable condition, capped by LIMIT.

mod chat;
mod connections;
mod live_status;

use std::time::Duration;

use kicktui::domain::{Event, MsgId};
use kicktui::fake::twitch::{FakeTwitch, FakeTwitchConfig, TwitchControl};
use kicktui::source::twitch::{SourceExit, TwitchOptions, TwitchSource};
use kicktui::source::{ChatState, SourceMsg};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

struct Client {
    rx: mpsc::Receiver<SourceMsg>,
    state: watch::Receiver<ChatState>,
    cancel: CancellationToken,
    task: JoinHandle<SourceExit>,
    events: Vec<Event>,
    malformed: u32,
    notices: Vec<String>,
}

impl Client {
    fn start(fake: &FakeTwitch) -> Client {
        let mut o = TwitchOptions::new(&fake.irc_url(), fake.channel());
        o.backoff_base = Duration::from_millis(50);
        o.backoff_cap = Duration::from_millis(300);
        o.connect_timeout = Duration::from_secs(2);
        let (tx, rx) = mpsc::channel(10_000);
        let (state_tx, state) = watch::channel(ChatState::Connecting { attempt: 0 });
        let cancel = CancellationToken::new();
        let task = tokio::spawn(TwitchSource::new(o, tx, state_tx).run(cancel.clone()));
        Client {
            rx,
            state,
            cancel,
            task,
            events: Vec::new(),
            malformed: 0,
            notices: Vec::new(),
        }
    }

    /// Reads until a chat message with `id` arrives.
    async fn until_chat(&mut self, id: &str) {
        let want = MsgId::parse(id);
        let found = timeout(LIMIT, async {
            while let Some(m) = self.rx.recv().await {
                match m {
                    SourceMsg::Event { event, .. } => {
                        let hit = matches!(&event, Event::Chat(c) if c.id == Some(want));
                        self.events.push(event);
                        if hit {
                            return true;
                        }
                    }
                    SourceMsg::Malformed { .. } => self.malformed += 1,
                    SourceMsg::Notice { text } => self.notices.push(text),
                    SourceMsg::Frame { .. } => {}
                }
            }
            false
        })
        .await;
        assert_eq!(found, Ok(true), "chat {id} never arrived");
    }

    fn chat_ids(&self) -> Vec<MsgId> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Chat(c) => c.id,
                _ => None,
            })
            .collect()
    }

    fn count(&self, name: &str) -> usize {
        self.events.iter().filter(|e| e.name() == name).count()
    }

    async fn stop(self) {
        self.cancel.cancel();
        assert_eq!(
            timeout(LIMIT, self.task).await.ok().and_then(|r| r.ok()),
            Some(SourceExit::Cancelled)
        );
    }
}

async fn fake(grace_ms: u64) -> (FakeTwitch, TwitchControl) {
    let cfg = FakeTwitchConfig {
        reconnect_grace: Duration::from_millis(grace_ms),
        ..FakeTwitchConfig::default()
    };
    let twitch = FakeTwitch::start(cfg).await.expect("fake twitch starts");
    let control = twitch.control();
    (twitch, control)
}

async fn joined(control: &TwitchControl, n: usize) {
    timeout(LIMIT, control.wait_joined(n))
        .await
        .expect("the client joins");
}
