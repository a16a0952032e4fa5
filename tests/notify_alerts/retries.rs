//! Retries: Discord's 429 and its `retry_after` honoured without using up an attempt, but not
//! for ever; failures retried with a doubling backoff, then given up in one line; a target that
//! answers too late gets the alert twice at most.

use std::time::Duration;

use kicktui::engine::feed::Feed;
use kicktui::notify::{self, Backoff, Target};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::{Receiver, events, fast, live_alert, live_then_offline, named_and_live};

/// Log lines of this test (the runtime is single-threaded, so every task logs here).
#[tokio::test]
async fn discord_429_retry_after_is_honoured_then_it_is_sent() {
    let mut rx = Receiver::start().await;
    rx.answer(
        "discord",
        &[(
            429,
            r#"{"message": "rate limited", "retry_after": 0.3, "global": false}"#,
        )],
    );
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(Target::Discord(rx.url("discord")), events(&["live"]))];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named_and_live(&feed);
    let (_, first, t0) = rx.next().await;
    let (_, second, t1) = rx.next().await;
    assert_eq!(
        first,
        json!({"content": "clavicular is LIVE: Ranked grind", "allowed_mentions": {"parse": []}})
    );
    assert_eq!(second, first);
    assert!(
        t1 - t0 >= Duration::from_millis(300),
        "waited {:?}",
        t1 - t0
    );
    cancel.cancel();
}

/// A burst of alerts meets Discord's rate limit: the 429s it answers use up no attempt (it
/// said when to come back), so an alert is sent after more 429s than there are attempts.
#[tokio::test]
async fn rate_limits_use_up_no_attempt() {
    let mut rx = Receiver::start().await;
    let limited = (
        429,
        r#"{"message": "rate limited", "retry_after": 0.05, "global": false}"#,
    );
    rx.answer("discord", &[limited, limited, limited, limited]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(Target::Discord(rx.url("discord")), events(&["live"]))];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    named_and_live(&feed);
    // Four 429s, then the fifth request (answered 200): with 3 attempts it gave up at the third.
    for _ in 0..5 {
        rx.next().await;
    }
    assert!(rx.script.answers.lock().unwrap()["discord"].is_empty());
    cancel.cancel();
}

/// A target that answers 429 for ever: the alert is given up once it has been rate limited
/// for `rate_limited_for`, not retried without end.
#[tokio::test]
async fn an_alert_rate_limited_too_long_is_given_up() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    let limited = (429, r#"{"retry_after": 0.5, "global": false}"#);
    rx.answer("discord", &[limited; 20]);
    let http = reqwest::Client::new();
    let alert = live_alert();
    let target = Target::Discord(rx.url("discord"));
    let t0 = std::time::Instant::now();
    assert!(!notify::deliver::deliver(&http, &target, &alert, fast()).await);
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    let text = logs.text();
    assert!(text.contains("rate limited (429) for "), "{text}");
    assert!(text.contains("past the 2 s an alert waits"), "{text}");
    for _ in 0..4 {
        rx.next().await;
    }
}

#[tokio::test]
async fn failures_are_retried_with_backoff_then_given_up_in_one_line() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer("hook", &[(500, ""), (500, ""), (500, "")]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Webhook(rx.url("hook")),
        events(&["live", "offline"]),
    )];
    notify::spawn(targets, &feed, fast(), cancel.clone()).unwrap();
    live_then_offline(&feed);
    let mut times = Vec::new();
    for _ in 0..3 {
        let (_, body, t) = rx.next().await;
        assert_eq!(body["event"], "live");
        times.push(t);
    }
    // 20 ms, then 40 ms: the backoff doubles.
    assert!(times[1] - times[0] >= Duration::from_millis(20));
    assert!(times[2] - times[1] >= Duration::from_millis(40));
    // Given up; the next alert goes out.
    let (_, body, _) = rx.next().await;
    assert_eq!(
        body,
        json!({"event": "offline", "text": "clavicular went offline",
            "data": {"channel": "clavicular", "time": "1970-01-01T00:01:00Z"}})
    );
    cancel.cancel();
    let text = logs.text();
    let given_up: Vec<&str> = text.lines().filter(|l| l.contains("given up")).collect();
    assert_eq!(given_up.len(), 1, "{text}");
    assert!(given_up[0].contains("after 3 attempts: HTTP 500"), "{text}");
    assert!(
        !text.contains("/hooks/hook"),
        "a webhook URL reached the log:\n{text}"
    );
}

/// A target slower than the attempt's time limit has probably got the alert anyway: it is
/// sent once more at most, not once per attempt.
#[tokio::test]
async fn a_target_that_answers_too_late_gets_the_alert_twice_at_most() {
    let (logs, _guard) = kicktui::test_logs::capture();
    let mut rx = Receiver::start().await;
    rx.answer("slow", &[(0, ""), (0, ""), (0, ""), (0, ""), (0, "")]);
    let feed = Feed::new();
    let cancel = CancellationToken::new();
    let targets = vec![(
        Target::Webhook(rx.url("slow")),
        events(&["live", "offline"]),
    )];
    let backoff = Backoff {
        attempts: 5,
        attempt_timeout: Duration::from_millis(200),
        ..fast()
    };
    notify::spawn(targets, &feed, backoff, cancel.clone()).unwrap();
    live_then_offline(&feed);
    let mut events_seen = Vec::new();
    for _ in 0..3 {
        let (_, body, _) = rx.next().await;
        events_seen.push(body["event"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(events_seen, ["live", "live", "offline"]);
    cancel.cancel();
    let text = logs.text();
    assert!(
        text.contains(
            "given up after 2 attempts: no answer within 200ms, 2 times (it may have arrived)"
        ),
        "{text}"
    );
}
