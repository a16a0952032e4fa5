//! The chat socket client against the fake Kick over loopback, on both transports (Pusher
//! and Centrifugo): reconnects, resubscription, exactly-once delivery, the close-code
//! policy, heartbeats, malformed frames, Centrifugo's token refresh. Every wait is on an
//! observable condition, capped by `LIMIT`.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use kicktui::domain::Event;
use kicktui::fake::{FakeConfig, FakeControl, FakeKick};
use kicktui::source::centrifugo::Centrifugo;
use kicktui::source::pusher::{Pusher, PusherOptions, Refresh, SourceExit, Target};
use kicktui::source::socket::{ChatSource, Transport};
use kicktui::source::{ChatState, SourceMsg};
use support::resubscribed;
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

on_both!(back_after_reconnect_codes_and_a_tcp_drop_with_every_message_once);
async fn back_after_reconnect_codes_and_a_tcp_drop_with_every_message_once(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    let mut client = start(proto, &kick, &c);
    let mut conn = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    // A steady stream of chat across all the faults: some of it is sent while no
    // connection is up (never delivered), the rest must arrive exactly once.
    let sender = {
        let c = c.clone();
        tokio::spawn(async move {
            for i in 0..400 {
                c.chat(&format!("viewer{}", i % 17), "hello chat");
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        })
    };
    for fault in proto.faults() {
        tokio::time::sleep(Duration::from_millis(150)).await;
        match fault {
            Some(code) => c.close_all(code),
            None => c.drop_all(),
        }
        conn = resubscribed(&c, conn).await;
    }
    sender.await.unwrap();
    let delivered: Vec<String> = c
        .with_stats(|s| s.delivered_ids("ChatMessageEvent"))
        .iter()
        .map(|id| hex_id(id))
        .collect();
    assert!(
        delivered.len() > 100,
        "too little got through: {}",
        delivered.len()
    );
    let want = delivered.len();
    // The last reconnect's "up" may come after every chat was read (a slow reconnect).
    client
        .read_until(|cl| cl.chats.len() >= want && cl.ups >= 4)
        .await;
    let got: HashSet<&String> = client.chats.iter().collect();
    assert_eq!(got.len(), client.chats.len(), "a message was counted twice");
    assert_eq!(got, delivered.iter().collect::<HashSet<_>>());
    // The first "up" ends the wait before the first connection (a gap the engine opens).
    assert_eq!((client.downs, client.ups), (3, 4), "each gap is marked");
    let stats = c.stats();
    let [a, b, _] = proto.faults().map(|f| f.unwrap_or_default());
    assert_eq!((stats.closes(a), stats.closes(b), stats.drops), (1, 1, 1));
    // The state counts the reconnects, however quick they were.
    let live = client
        .state
        .wait_for(|s| *s == ChatState::Live { reconnects: 3 });
    timeout(LIMIT, live)
        .await
        .expect("the state says live after 3 reconnects")
        .unwrap();
    assert_eq!(client.stop().await, SourceExit::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_capacity_waits_before_reconnecting() {
    let (kick, c) = fake(FakeConfig::default()).await;
    let client = start(Proto::Pusher, &kick, &c);
    let first = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    let closed_at = Instant::now();
    c.close_all(4100);
    let mut state = client.state.clone();
    let reconnecting = timeout(
        LIMIT,
        state.wait_for(|s| matches!(s, ChatState::Reconnecting { .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    assert!(reconnecting.to_string().contains("4100"), "{reconnecting}");
    resubscribed(&c, first).await;
    let waited = closed_at.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "reconnected after {waited:?}"
    );
    client.stop().await;
}

on_both!(refused_stops_after_one_fresh_look_up);
async fn refused_stops_after_one_fresh_look_up(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    let looked_up = Arc::new(AtomicU32::new(0));
    let counter = looked_up.clone();
    let refresh: Refresh = Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { None })
    });
    // Pusher: a retired app key (4001); Centrifugo: tokens it does not accept (3500).
    let (url, code, hint) = match proto {
        Proto::Pusher => (
            kick.pusher_url_with_key("eb1d5f283081a78b932c"),
            4001,
            "pusher_url",
        ),
        Proto::Centrifugo => {
            c.refuse_centrifugo(true);
            (kick.centrifugo_url(), 3500, "centrifugo_url")
        }
    };
    let client = start_with(proto.transport(&kick), options(&url, &c), Some(refresh));
    let exit = timeout(LIMIT, client.task).await.unwrap().unwrap();
    let SourceExit::Refused { why } = exit else {
        panic!("expected a refusal, got {exit:?}")
    };
    assert!(
        why.contains(&code.to_string()) && why.contains(hint),
        "{why}"
    );
    assert_eq!(looked_up.load(Ordering::SeqCst), 1);
    // What comes next (the other transport, or a wait and a new try) is the chat task's to
    // say: the socket never says chat stopped.
    let state = client.state.borrow().clone();
    assert!(!state.to_string().starts_with("stopped"), "{state}");
    let stats = c.stats();
    assert_eq!(stats.closes(code), 2);
    assert_eq!(stats.connections_accepted, 2, "one fresh try, then stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_look_up_with_a_new_key_connects() {
    let (kick, c) = fake(FakeConfig::default()).await;
    let good = Target {
        url: kick.pusher_url(),
        channels: c.pusher_channels().to_vec(),
    };
    let refresh: Refresh = Box::new(move || {
        let good = good.clone();
        Box::pin(async move { Some(good) })
    });
    let bad = kick.pusher_url_with_key("eb1d5f283081a78b932c");
    let client = start_client(options(&bad, &c), Some(refresh));
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    assert_eq!(c.stats().closes(4001), 1);
    client.stop().await;
}

on_both!(malformed_frames_are_counted_and_skipped);
async fn malformed_frames_are_counted_and_skipped(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    let mut client = start(proto, &kick, &c);
    timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.chat("a", "before");
    c.malformed();
    c.send_raw(&c.pusher_channels()[0], "not json at all");
    c.unknown_event();
    c.chat("b", "after");
    client.read_until(|cl| cl.chats.len() == 2).await;
    assert_eq!(
        client.malformed, 2,
        "cut-off JSON and plain text; unknown events are fine"
    );
    assert!(matches!(*client.state.borrow(), ChatState::Live { .. }));
    client.stop().await;
}

// A refused chat subscription is a refusal: looked up once more, then given up (the chat
// task then takes the other transport or waits), on both transports.
on_both!(a_refused_chat_subscription_is_a_refusal);
async fn a_refused_chat_subscription_is_a_refusal(proto: Proto) {
    let (kick, c) = fake(FakeConfig::default()).await;
    c.refuse_subscriptions(true);
    let mut client = start(proto, &kick, &c);
    let shown = support::states_shown(&client.state);
    let exit = timeout(LIMIT, &mut client.task).await.unwrap().unwrap();
    drop(client);
    support::never_live(shown).await;
    let SourceExit::Refused { why } = exit else {
        panic!("expected Refused, got {exit:?}")
    };
    assert!(why.contains("refused the chat's subscription"), "{why}");
    assert_eq!(c.stats().connections_accepted, 2, "{why}");
}

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

/// An expired token closes the connection (3005): the client comes back with a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn centrifugo_reconnects_with_a_new_token_after_3005() {
    let (kick, c) = fake(FakeConfig::default()).await;
    let mut client = start(Proto::Centrifugo, &kick, &c);
    let first = timeout(LIMIT, c.wait_subscribed()).await.unwrap();
    c.close_all(3005);
    resubscribed(&c, first).await;
    let stats = c.stats();
    assert_eq!((stats.centrifugo_tokens, stats.centrifugo_connects), (2, 2));
    let id = hex_id(&c.chat("a", "back"));
    client.read_until(|cl| !cl.chats.is_empty()).await;
    assert_eq!(client.chats, [id]);
    assert_eq!(
        (client.downs, client.ups),
        (1, 2),
        "the first up, then back"
    );
    client.stop().await;
}

/// A socket that never connects is given up after `give_up_after` tries (for `auto`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_never_connects_is_gone_after_the_limit() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}/app/key?protocol=7", listener.local_addr().unwrap());
    drop(listener);
    let mut opts = PusherOptions::new(&url, vec!["chatrooms.1.v2".into()]);
    opts.backoff_base = Duration::from_millis(10);
    opts.give_up_after = Some(3);
    let client = start_client(opts, None);
    let exit = timeout(LIMIT, client.task).await.unwrap().unwrap();
    let SourceExit::Gone { why } = exit else {
        panic!("expected Gone, got {exit:?}")
    };
    assert!(why.contains("3 times"), "{why}");
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
