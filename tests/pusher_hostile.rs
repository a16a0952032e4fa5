//! The Pusher client against servers that misbehave in ways the fake Kick never does: one
//! that sends frames but never greets, one that refuses the chat's subscription, one that
//! greets again and again, and one whose old `pusher:error` is not the reason for a later
//! drop. Each server is a script run on every connection; every wait is capped by `LIMIT`.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kicktui::source::pusher::{Pusher, PusherOptions, SourceExit};
use kicktui::source::socket::ChatSource;
use kicktui::source::{ChatState, SourceMsg};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

const LIMIT: Duration = Duration::from_secs(10);
const CHAT: &str = "chatrooms.1.v2";
const HELLO: &str = r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}"#;

/// What the server saw: per connection, the text frames the client sent.
type Seen = Arc<Mutex<Vec<Vec<String>>>>;

/// A server that sends `script` (frames, with a pause before each) on every connection,
/// then holds it open, recording what the client sends.
async fn server(script: Vec<(u64, String)>) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/app/key?protocol=7", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (script, log) = (script.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                let (mut tx, mut rx) = ws.split();
                let conn = {
                    let mut l = log.lock().unwrap();
                    l.push(Vec::new());
                    l.len() - 1
                };
                tokio::spawn(async move {
                    while let Some(Ok(Message::Text(t))) = rx.next().await {
                        log.lock().unwrap()[conn].push(t.to_string());
                    }
                });
                for (pause_ms, frame) in script {
                    tokio::time::sleep(Duration::from_millis(pause_ms)).await;
                    if tx.send(Message::Text(frame.into())).await.is_err() {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    (url, seen)
}

fn options(url: &str) -> PusherOptions {
    let mut o = PusherOptions::new(url, vec![CHAT.into(), "channel.1".into()]);
    o.backoff_base = Duration::from_millis(50);
    o.backoff_cap = Duration::from_millis(200);
    o.connect_timeout = Duration::from_secs(1);
    o
}

struct Client {
    /// Kept open: a closed channel reads as the engine gone.
    _rx: mpsc::Receiver<SourceMsg>,
    state: watch::Receiver<ChatState>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<SourceExit>,
}

fn start(opts: PusherOptions) -> Client {
    let (tx, rx) = mpsc::channel(1000);
    let (state_tx, state) = watch::channel(ChatState::Connecting { attempt: 0 });
    let cancel = CancellationToken::new();
    let mut source = ChatSource::new(Box::new(Pusher), opts, tx, state_tx);
    let stop = cancel.clone();
    let task = tokio::spawn(async move { source.run(&stop).await });
    Client {
        _rx: rx,
        state,
        cancel,
        task,
    }
}

async fn wait_connections(seen: &Seen, n: usize) {
    timeout(LIMIT, async {
        while seen.lock().unwrap().len() < n {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("fewer than {n} connections: {:?}", seen.lock().unwrap()));
}

fn ping() -> String {
    r#"{"event":"pusher:ping","data":"{}"}"#.into()
}

/// Pings every 200 ms but no greeting: the greeting's time runs out all the same, and a
/// transport that never greets is given up (so `auto` moves to the other one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_pings_but_never_greets_is_given_up() {
    let (url, seen) = server((0..100).map(|_| (200, ping())).collect()).await;
    let mut opts = options(&url);
    opts.give_up_after = Some(2);
    let client = start(opts);
    let exit = timeout(LIMIT, client.task).await.unwrap().unwrap();
    assert!(matches!(exit, SourceExit::Gone { .. }), "{exit:?}");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

/// The chat's own subscription refused, again after a fresh try: a refusal, so the chat task
/// can take the other transport (or wait), not a link retried forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_chat_subscription_is_a_refusal() {
    let refused = format!(
        r#"{{"event":"pusher:subscription_error","channel":"{CHAT}","data":"{{\"type\":\"AuthError\",\"error\":\"denied\",\"status\":401}}"}}"#
    );
    let (url, seen) = server(vec![(0, HELLO.into()), (50, refused)]).await;
    let mut client = start(options(&url));
    // A refused chat never reads as live, not even briefly.
    let shown = support::states_shown(&client.state);
    let exit = timeout(LIMIT, &mut client.task).await.unwrap().unwrap();
    drop(client);
    support::never_live(shown).await;
    let SourceExit::Refused { why } = exit else {
        panic!("expected Refused, got {exit:?}")
    };
    assert!(
        why.contains("refused the chat's subscription (chatrooms.1.v2): denied")
            && why.contains("chatroom id"),
        "{why}"
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        2,
        "refused twice, then given up"
    );
}

/// A greeting repeated on one connection is not a reconnect: the client subscribes once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_greeting_subscribes_once() {
    let mut script: Vec<(u64, String)> = (0..5).map(|_| (30, HELLO.to_string())).collect();
    script.push((
        0,
        format!(r#"{{"event":"pusher_internal:subscription_succeeded","data":"{{}}","channel":"{CHAT}"}}"#),
    ));
    let (url, seen) = server(script).await;
    let client = start(options(&url));
    wait_connections(&seen, 1).await;
    support::wait_live(&client.state).await;
    // The five greetings take 150 ms; then the client's answers have had time to arrive.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let frames = seen.lock().unwrap().clone();
    assert_eq!(frames.len(), 1, "{frames:?}");
    let subscribes = frames[0]
        .iter()
        .filter(|f| f.contains("pusher:subscribe"))
        .count();
    assert_eq!(subscribes, 2, "one per channel: {frames:?}");
    assert_eq!(*client.state.borrow(), ChatState::Live { reconnects: 0 });
    client.cancel.cancel();
}

/// An old `pusher:error` (4001, "refused") followed by ordinary frames and then a dropped
/// socket: the drop is a drop, not Kick refusing the app key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_pusher_error_does_not_explain_a_later_drop() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/app/key?protocol=7", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
                let stale = r#"{"event":"pusher:error","data":{"code":4001,"message":"stale"}}"#;
                for f in [HELLO.to_string(), stale.into(), ping(), ping()] {
                    let _ = ws.send(Message::Text(f.into())).await;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                // Dropped without a close frame.
                drop(ws);
            });
        }
    });
    let client = start(options(&url));
    let reason = support::reconnect_reason(&client.state).await;
    assert!(!reason.contains("4001"), "{reason}");
    client.cancel.cancel();
}
