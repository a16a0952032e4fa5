//! When calls are made: the hourly budget (calls before a restart count), the interval waiting
//! for the stream to go live, presses during a call answered by it, a slow answer not followed
//! at once, and backing off after a 429, a server error, garbage or a slow reply.

use super::*;

#[tokio::test]
async fn the_budget_is_honoured_and_shown() {
    let (logs, _guard) = capture();
    let mut r = rig(Provider::Anthropic, 2, 5, false).await;
    for _ in 0..2 {
        r.handle.ask_now();
        r.next_advice().await;
    }
    r.handle.ask_now();
    let s = r.status_until(|s| s.refused == 1).await;
    assert_eq!(
        s.line(),
        "advisor: 2/2 calls this hour · no calls left this hour"
    );
    assert_eq!(r.llm.requests().len(), 2);
    assert!(
        logs.text()
            .contains("advisor: 2/2 calls this hour: next call in")
    );
}

/// Calls stored before a restart still count: two of two made 10 minutes ago leave none.
#[tokio::test]
async fn calls_before_a_restart_count_in_the_hour() {
    let mut r = rig_with(Provider::Anthropic, 2, 5, false, |s| {
        let ago = crate::time::wall_now().plus_secs(-600.0);
        s.earlier_calls = vec![ago, ago.plus_secs(1.0), ago.plus_secs(-7200.0)];
    })
    .await;
    r.handle.ask_now();
    let s = r.status_until(|s| s.refused == 1).await;
    assert_eq!(
        s.line(),
        "advisor: 2/2 calls this hour · no calls left this hour"
    );
    assert!(r.llm.requests().is_empty());
    assert!(r.advice.try_recv().is_err());
}

/// No calls on the interval while the stream is offline; the first comes once it is live.
#[tokio::test]
async fn the_interval_waits_for_the_stream_to_go_live() {
    let r = rig_with(Provider::Anthropic, 12, 5, false, |s| {
        s.cfg.interval_seconds = 1;
    })
    .await;
    let s = r
        .status_until(|s| s.note.as_deref() == Some(super::WAITING_FOR_LIVE))
        .await;
    assert_eq!(s.calls, 0);
    assert!(r.llm.requests().is_empty());
    r.view.send_modify(|v| v.snapshot.live = true);
    tokio::time::timeout(Duration::from_secs(10), r.llm.wait_requests(1))
        .await
        .expect("a call once live");
}

/// `A` pressed three times during a slow call: the call answers them all.
#[tokio::test]
async fn presses_during_a_call_are_answered_by_it() {
    let mut r = rig(Provider::Anthropic, 12, 5, false).await;
    r.llm.push(LlmReply::Slow {
        delay: Duration::from_millis(500),
        then: Box::new(LlmReply::tool(
            "suggest_activity",
            json!({"arm": "gameplay", "reason": "x"}),
        )),
    });
    r.handle.ask_now();
    r.status_until(|s| s.calls == 1).await;
    r.handle.ask_now();
    r.handle.ask_now();
    r.next_advice().await;
    // The presses were taken in; a later one is a new call.
    r.status_until(|s| {
        s.note
            .as_deref()
            .is_some_and(|n| n.starts_with("advice at"))
    })
    .await;
    assert_eq!(r.llm.requests().len(), 1);
    r.llm.push(LlmReply::tool(
        "suggest_activity",
        json!({"arm": "talk", "reason": "x"}),
    ));
    r.handle.ask_now();
    r.next_advice().await;
    assert_eq!(r.llm.requests().len(), 2);
}

#[tokio::test]
async fn a_429_backs_off_with_retry_after_and_is_stored() {
    let (logs, _guard) = capture();
    let r = rig(Provider::Anthropic, 12, 5, false).await;
    r.llm.push(LlmReply::Status {
        code: 429,
        retry_after: Some(120),
    });
    r.handle.ask_now();
    let s = r.status_until(|s| s.failures == 1).await;
    assert_eq!(
        s.note.as_deref(),
        Some("waiting 120 s after: rate limited (429), retry after 120s")
    );
    r.handle.ask_now();
    let s = r.status_until(|s| s.refused == 1).await;
    assert!(s.note.is_some_and(|n| n.starts_with("asking in 1")));
    assert_eq!(r.llm.requests().len(), 1, "no call while backing off");
    let log = logs.text();
    assert_eq!(log.matches("advisor call failed").count(), 1, "{log}");
    let store = r.store().await;
    assert_eq!(store.advice_rows(None).unwrap()[0].outcome, "rate_limited");
    assert!(!logs.text().contains("SECRET"));
}

#[tokio::test]
async fn server_errors_garbage_and_slow_replies_fail_quietly() {
    for (reply, outcome) in [
        (
            LlmReply::Status {
                code: 500,
                retry_after: None,
            },
            "server_error",
        ),
        (LlmReply::Garbage, "malformed"),
        (
            LlmReply::Slow {
                delay: Duration::from_secs(3),
                then: Box::new(LlmReply::Garbage),
            },
            "timeout",
        ),
    ] {
        let (logs, _guard) = capture();
        let r = rig(Provider::Openai, 12, 1, false).await;
        r.llm.push(reply);
        r.handle.ask_now();
        let s = r.status_until(|s| s.failures == 1).await;
        assert!(s.note.is_some_and(|n| n.starts_with("waiting 30 s after")));
        let store = r.store().await;
        assert_eq!(store.advice_rows(None).unwrap()[0].outcome, outcome);
        let log = logs.text();
        assert_eq!(log.matches("advisor call failed").count(), 1, "{log}");
        assert!(!log.contains("SECRET"));
    }
}

/// A call slower than the interval: the next waits half an interval after its answer, not
/// none; a quick call keeps the interval from its start.
#[test]
fn a_slow_answer_is_not_followed_at_once_by_the_next_call() {
    use tokio::time::Instant;
    let start = Instant::now();
    let interval = Duration::from_secs(30);
    let due = start + interval;
    let slow = start + Duration::from_secs(40);
    assert_eq!(
        actor::due_after_answer(due, slow, interval),
        slow + Duration::from_secs(15)
    );
    let quick = start + Duration::from_secs(2);
    assert_eq!(actor::due_after_answer(due, quick, interval), due);
}
