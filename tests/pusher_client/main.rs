//! The chat socket client against the fake Kick over loopback, on both transports (Pusher
//! and Centrifugo): reconnects, resubscription, exactly-once delivery, the close-code
//! policy, heartbeats, malformed frames, Centrifugo's token refresh. Every wait is on an
//! observable condition, capped by `LIMIT`.

#[path = "../support/mod.rs"]
mod support;

use std::time::Duration;

use kicktui::domain::Event;
use kicktui::fake::{FakeConfig, FakeControl, FakeKick};
use kicktui::source::centrifugo::Centrifugo;
use kicktui::source::pusher::{Pusher, PusherOptions, Refresh, SourceExit};
use kicktui::source::socket::{ChatSource, Transport};
use kicktui::source::{ChatState, SourceMsg};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout};
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);

/// The transport a test runs on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Proto {
    Pusher,
    Centrifugo,
}

impl Proto {
    fn url(self, kick: &FakeKick) -> String {
        match self {
            Proto::Pusher => kick.pusher_url(),
            Proto::Centrifugo => kick.centrifugo_url(),
        }
    }

    fn transport(self, kick: &FakeKick) -> Box<dyn Transport> {
        match self {
            Proto::Pusher => Box::new(Pusher),
            Proto::Centrifugo => Box::new(Centrifugo::new(&kick.centrifugo_token_url())),
        }
    }

    /// "Reconnect now", "you missed a heartbeat", and a TCP drop (None).
    fn faults(self) -> [Option<u16>; 3] {
        match self {
            Proto::Pusher => [Some(4200), Some(4201), None],
            Proto::Centrifugo => [Some(3001), Some(3012), None],
        }
    }

    /// The fake pings every 200 ms and wants an answer within 3 s.
    fn fast_heartbeat(self) -> FakeConfig {
        let cfg = FakeConfig {
            pong_timeout: Duration::from_secs(3),
            ..FakeConfig::default()
        };
        match self {
            Proto::Pusher => FakeConfig {
                server_ping_after: Some(Duration::from_millis(200)),
                ..cfg
            },
            Proto::Centrifugo => FakeConfig {
                centrifugo_ping: Duration::from_millis(200),
                ..cfg
            },
        }
    }
}

/// Runs `$name(proto)` as one test per transport: `$name::pusher`, `$name::centrifugo`.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn pusher() {
                super::$name(super::Proto::Pusher).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn centrifugo() {
                super::$name(super::Proto::Centrifugo).await
            }
        }
    };
}

struct Client {
    rx: mpsc::Receiver<SourceMsg>,
    state: watch::Receiver<ChatState>,
    cancel: CancellationToken,
    task: JoinHandle<SourceExit>,
    /// Chat ids received, in order (duplicates would show up twice).
    chats: Vec<String>,
    downs: u32,
    ups: u32,
    malformed: u32,
}

fn options(url: &str, control: &FakeControl) -> PusherOptions {
    let mut o = PusherOptions::new(url, control.pusher_channels().to_vec());
    o.backoff_base = Duration::from_millis(50);
    o.backoff_cap = Duration::from_millis(400);
    o.pong_timeout = Duration::from_secs(3);
    o.connect_timeout = Duration::from_secs(2);
    o
}

fn start_with(
    transport: Box<dyn Transport>,
    opts: PusherOptions,
    refresh: Option<Refresh>,
) -> Client {
    let (tx, rx) = mpsc::channel(10_000);
    let (state_tx, state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let mut source = ChatSource::new(transport, opts, tx, state_tx);
    if let Some(r) = refresh {
        source = source.with_refresh(r);
    }
    let stop = cancel.clone();
    let task = tokio::spawn(async move { source.run(&stop).await });
    Client {
        rx,
        state,
        cancel,
        task,
        chats: Vec::new(),
        downs: 0,
        ups: 0,
        malformed: 0,
    }
}

/// A client on `proto` against the fake, with test timings.
fn start(proto: Proto, kick: &FakeKick, c: &FakeControl) -> Client {
    start_with(proto.transport(kick), options(&proto.url(kick), c), None)
}

fn start_client(opts: PusherOptions, refresh: Option<Refresh>) -> Client {
    start_with(Box::new(Pusher), opts, refresh)
}
impl Client {
    /// Reads messages until `done` holds.
    async fn read_until(&mut self, mut done: impl FnMut(&Client) -> bool) {
        let deadline = Instant::now() + LIMIT;
        while !done(self) {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .expect("timed out waiting for the client")
                .expect("client channel closed");
            match msg {
                SourceMsg::Event {
                    event: Event::Chat(m),
                    ..
                } => self
                    .chats
                    .push(format!("{:032x}", m.id.expect("chat id").0)),
                SourceMsg::Event {
                    event: Event::SourceDown,
                    ..
                } => self.downs += 1,
                SourceMsg::Event {
                    event: Event::SourceUp,
                    ..
                } => self.ups += 1,
                SourceMsg::Malformed { .. } => self.malformed += 1,
                _ => {}
            }
        }
    }

    async fn stop(self) -> SourceExit {
        self.cancel.cancel();
        timeout(LIMIT, self.task).await.unwrap().unwrap()
    }
}

async fn fake(cfg: FakeConfig) -> (FakeKick, FakeControl) {
    let kick = FakeKick::start(cfg).await.unwrap();
    let control = kick.control();
    (kick, control)
}

/// The fake's chat ids as the decoder renders them (hex of the UUID bits).
fn hex_id(uuid: &str) -> String {
    uuid.replace('-', "").to_lowercase()
}

// After `on_both!`, which they use.
mod bad_servers;
mod heartbeats;
mod reconnects;
