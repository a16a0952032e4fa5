//! The reconnect loop against a transport that greets and then closes, in paused time: what
//! a misbehaving server would make of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::source::reconnect::{ASKED_NOW_MAX, close_action};
use crate::time::Ts;

/// Greets, stays up `lasts`, then closes with `code`; cancels the run after `calls` tries.
struct GreetsThenCloses {
    code: u16,
    handshake: Duration,
    lasts: Duration,
    calls: Arc<AtomicU32>,
    stop_after: u32,
    cancel: CancellationToken,
}

impl Transport for GreetsThenCloses {
    fn name(&self) -> &'static str {
        "Test"
    }
    fn close_action(&self, code: Option<u16>) -> CloseAction {
        close_action(code)
    }
    fn refused_hint(&self) -> &'static str {
        "check nothing"
    }
    fn connect_once<'a>(&'a mut self, _: &'a Target, link: &'a mut Link) -> BoxFuture<'a, Ended> {
        Box::pin(async move {
            // A slow handshake is not time the connection was up.
            tokio::time::sleep(self.handshake).await;
            link.up(Ts(0)).await;
            tokio::time::sleep(self.lasts).await;
            if self.calls.fetch_add(1, Ordering::SeqCst) + 1 >= self.stop_after {
                self.cancel.cancel();
            }
            Ended::new(Some(self.code), "bye", true)
        })
    }
}

/// Runs the source until the transport has been tried `tries` times (or it stops by itself);
/// returns how it ended, the tries and the (paused) time it took.
async fn run(code: u16, lasts: Duration, tries: u32) -> (SourceExit, u32, Duration) {
    run_with(code, Duration::ZERO, lasts, tries).await
}

async fn run_with(
    code: u16,
    handshake: Duration,
    lasts: Duration,
    tries: u32,
) -> (SourceExit, u32, Duration) {
    let cancel = CancellationToken::new();
    let calls = Arc::new(AtomicU32::new(0));
    let transport = GreetsThenCloses {
        code,
        handshake,
        lasts,
        calls: calls.clone(),
        stop_after: tries,
        cancel: cancel.clone(),
    };
    let (tx, _rx) = mpsc::channel(1024);
    let (state, _) = watch::channel(ChatState::Connecting { attempt: 0 });
    let opts = SourceOptions::new("ws://test", vec!["chat".into()]);
    let mut source = ChatSource::new(Box::new(transport), opts, tx, state);
    let start = tokio::time::Instant::now();
    let exit = source.run(&cancel).await;
    (exit, calls.load(Ordering::SeqCst), start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn a_server_that_greets_and_says_reconnect_now_at_once_gets_backoff_not_a_loop() {
    let (_, tries, took) = run(4200, Duration::ZERO, 10).await;
    assert_eq!(tries, 10);
    // 1 s doubling to the 60 s cap, ±20 %: minutes, where taking 4200 at its word is 0 s.
    assert!(took >= Duration::from_secs(60), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn after_a_good_connection_reconnect_now_means_now() {
    let lasts = Duration::from_secs(40);
    let (_, tries, took) = run(4200, lasts, 3).await;
    assert_eq!(tries, 3);
    assert!(took < lasts * 3 + Duration::from_secs(1), "{took:?}");
}

/// A flaky spell grew the backoff; then a connection lasts 13 s and the server asks for a
/// reconnect: seconds, not the grown backoff (it waited 60 s, a minute of chat lost).
#[tokio::test(start_paused = true)]
async fn asked_to_come_back_after_a_short_connection_waits_seconds() {
    let lasts = Duration::from_secs(13);
    let (_, tries, took) = run(4200, lasts, 8).await;
    assert_eq!(tries, 8);
    assert!(took <= (lasts + ASKED_NOW_MAX) * 8, "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn refused_right_after_the_greeting_twice_gives_up() {
    let (exit, tries, _) = run(4001, Duration::ZERO, 50).await;
    assert!(matches!(exit, SourceExit::Refused { .. }), "{exit:?}");
    assert_eq!(tries, 2, "looked up once more, then gave up");
}

#[tokio::test(start_paused = true)]
async fn a_slow_handshake_does_not_count_as_time_up() {
    let (exit, tries, _) = run_with(4001, Duration::from_secs(40), Duration::ZERO, 50).await;
    assert!(matches!(exit, SourceExit::Refused { .. }), "{exit:?}");
    assert_eq!(tries, 2);
}

/// A failed connect names the server by host and port, never the rest of the URL (Kick's
/// holds its app key).
#[test]
fn a_failed_connect_names_the_server_not_its_path() {
    let refused = "Connection refused (os error 111)";
    assert_eq!(
        connect_failure(
            "wss://ws-us2.pusher.com/app/KEY123?protocol=7",
            Some(&refused)
        ),
        "cannot connect to ws-us2.pusher.com: Connection refused (os error 111)"
    );
    assert_eq!(
        connect_failure("ws://127.0.0.1:19510", None),
        "127.0.0.1:19510 did not answer in time"
    );
    assert_eq!(
        connect_failure("not a url", None),
        "the chat server did not answer in time"
    );
}
