//! The actor against the fake Anthropic- and OpenAI-shaped servers, a real SQLite file and the
//! log output captured: suggestions parsed, invalid calls ignored, the budget honoured, backoff
//! after 429 / 500 / garbage / slow replies, rows stored, and no key in any log line.

use std::time::Duration;

use serde_json::json;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::config::{Advisor, Provider};
use crate::engine::view::{ArmView, View};
use crate::fake::llm::{FakeLlm, LlmReply};
use crate::store::{Store, StoreWriter, db_path};
use crate::test_logs::capture;

const KEY: &str = "sk-test-SECRET-0123456789";

fn view() -> View {
    let mut v = View::default();
    let e = &mut v.snapshot.engage;
    e.activity = Some("talk".into());
    e.suggestion = Some("gameplay".into());
    e.engagement = Some(42.0);
    e.context = Some("Stream state: 42 viewers, chat velocity 12.5 msg/min".into());
    e.arms = ["talk", "gameplay", "q_and_a"]
        .iter()
        .map(|n| ArmView {
            name: (*n).into(),
            mean: 0.5,
            ..ArmView::default()
        })
        .collect();
    v
}

struct Rig {
    llm: FakeLlm,
    handle: AdvisorHandle,
    advice: mpsc::Receiver<Advice>,
    writer: Option<StoreWriter>,
    dir: tempfile::TempDir,
    cancel: CancellationToken,
    view: watch::Sender<View>,
}

async fn rig(provider: Provider, max_calls: u32, timeout: u32, chat_voice: bool) -> Rig {
    rig_with(provider, max_calls, timeout, chat_voice, |_| {}).await
}

async fn rig_with(
    provider: Provider,
    max_calls: u32,
    timeout: u32,
    chat_voice: bool,
    tweak: impl FnOnce(&mut AdvisorSetup),
) -> Rig {
    let llm = FakeLlm::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let writer = StoreWriter::spawn(&db_path(dir.path())).unwrap();
    let cfg = Advisor {
        enabled: true,
        provider,
        api_base: llm.base(),
        model: "test-model".into(),
        interval_seconds: 3600,
        max_calls_per_hour: max_calls,
        timeout_seconds: timeout,
        ..Advisor::default()
    };
    let mut setup = AdvisorSetup {
        cfg,
        key: Some(ApiKey::new(KEY)),
        chat_voice,
        store_chat_text: false,
        earlier_calls: Vec::new(),
    };
    tweak(&mut setup);
    let (view_tx, view_rx) = watch::channel(view());
    let (tx, advice) = mpsc::channel(8);
    let cancel = CancellationToken::new();
    let handle = spawn(setup, view_rx, Some(writer.handle()), tx, cancel.clone()).unwrap();
    Rig {
        llm,
        handle,
        advice,
        writer: Some(writer),
        dir,
        cancel,
        view: view_tx,
    }
}

impl Rig {
    async fn next_advice(&mut self) -> Advice {
        tokio::time::timeout(Duration::from_secs(10), self.advice.recv())
            .await
            .expect("advice in time")
            .expect("the actor is running")
    }

    async fn status_until(&self, f: impl Fn(&AdvisorStatus) -> bool) -> AdvisorStatus {
        let mut rx = self.handle.status();
        tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|s| f(s)))
            .await
            .expect("status in time")
            .expect("the actor is running")
            .clone()
    }

    async fn store(mut self) -> Store {
        self.cancel.cancel();
        if let Some(w) = self.writer.take() {
            w.shutdown_async().await.unwrap();
        }
        Store::open(&db_path(self.dir.path())).unwrap()
    }
}

#[tokio::test]
async fn anthropic_suggestions_are_parsed_invalid_ones_ignored_and_stored_without_the_key() {
    let (logs, _guard) = capture();
    let mut r = rig(Provider::Anthropic, 12, 5, false).await;
    r.llm.push(LlmReply::Tools {
        text: Some("Chat is cooling off.\x1b[2J".into()),
        calls: vec![
            (
                "suggest_activity".into(),
                json!({"arm": "gameplay", "reason": "viewers like it"}),
            ),
            (
                "suggest_activity".into(),
                json!({"arm": "cooking", "reason": "x"}),
            ),
            (
                "talking_point".into(),
                json!({"text": "ask about the boss fight"}),
            ),
            ("chat_message".into(), json!({"text": "gg"})),
            ("mark_moment".into(), json!({})),
        ],
    });
    assert!(r.handle.ask_now());
    let a = r.next_advice().await;
    assert_eq!(a.suggestion(), Some(("gameplay", "viewers like it")));
    assert_eq!(a.calls.len(), 2);
    assert_eq!(a.rejected, 3);
    assert_eq!(a.text.as_deref(), Some("Chat is cooling off."));
    assert!(a.id.is_some());

    let req = &r.llm.requests()[0];
    assert_eq!(req.path, "/v1/messages");
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(req.body["model"], "test-model");
    let tools: Vec<&str> = req.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        !tools.contains(&"chat_message"),
        "no chat voice, no chat tool"
    );
    let user = req.body["messages"][0]["content"].as_str().unwrap();
    assert!(user.contains("chat velocity 12.5 msg/min"));
    assert!(!user.contains("recent_chat"));

    let status = r
        .status_until(|s| {
            s.note
                .as_deref()
                .is_some_and(|n| n.starts_with("advice at"))
        })
        .await;
    assert_eq!(status.budget, "advisor: 1/12 calls this hour");
    let store = r.store().await;
    let rows = store.advice_rows(None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].outcome, "ok");
    assert_eq!(rows[0].rejected_calls, 3);
    assert_eq!(rows[0].suggested_arm.as_deref(), Some("gameplay"));
    assert!(rows[0].tool_calls.contains("boss fight"));
    assert!(!rows[0].input.contains(KEY));
    let log = logs.text();
    assert!(
        log.contains(
            "ignored a `suggest_activity` call: unknown activity \"cooking\" (not one of \
             the arms: talk, gameplay, q_and_a)"
        ),
        "{log}"
    );
    assert!(
        log.contains("ignored a `chat_message` call: tool not offered"),
        "{log}"
    );
    assert!(
        log.contains("ignored a `mark_moment` call: missing field `reason`"),
        "{log}"
    );
    assert!(
        !log.contains("SECRET"),
        "the key leaked into the log:\n{log}"
    );
}

#[tokio::test]
async fn openai_shape_with_chat_voice_and_unparseable_arguments() {
    let (logs, _guard) = capture();
    let mut r = rig(Provider::Openai, 12, 5, true).await;
    r.llm.push(LlmReply::Tools {
        text: None,
        calls: vec![
            ("chat_message".into(), json!({"text": "clip that!"})),
            ("mark_moment".into(), json!({"reason": "huge play"})),
        ],
    });
    r.llm.push(LlmReply::RawArguments {
        name: "talking_point".into(),
        arguments: "{\"text\": ".into(),
    });
    r.handle.ask_now();
    let a = r.next_advice().await;
    assert_eq!(
        a.calls,
        vec![
            ToolCall::ChatMessage {
                text: "clip that!".into()
            },
            ToolCall::MarkMoment {
                reason: "huge play".into()
            }
        ]
    );
    let req = &r.llm.requests()[0];
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body["tools"][0]["type"], "function");
    r.handle.ask_now();
    let b = r.next_advice().await;
    assert!(b.calls.is_empty());
    assert_eq!(b.rejected, 1);
    let log = logs.text();
    assert!(log.contains("ignored a `talking_point` call: arguments are not a JSON object"));
    assert!(!log.contains("SECRET"));
}

#[tokio::test]
async fn a_reply_with_hundreds_of_tool_calls_is_cut_to_a_few_and_logged_once() {
    let (logs, _guard) = capture();
    let mut r = rig(Provider::Anthropic, 12, 5, false).await;
    let calls = (0..300)
        .map(|i| {
            (
                "talking_point".to_string(),
                json!({"text": format!("point {i}")}),
            )
        })
        .collect();
    r.llm.push(LlmReply::Tools { text: None, calls });
    assert!(r.handle.ask_now());
    let a = r.next_advice().await;
    assert_eq!(a.calls.len(), 8);
    assert_eq!(a.rejected, 292);
    let log = logs.text();
    assert_eq!(log.matches("advisor: ").count(), 1, "{log}");
    assert!(log.contains("300 tool calls"), "{log}");
}

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

/// A suggestion of the activity already on is no suggestion: not offered, not stored as one.
#[tokio::test]
async fn a_suggestion_of_the_current_activity_is_not_one() {
    let mut r = rig(Provider::Anthropic, 12, 5, false).await;
    r.llm.push(LlmReply::tool(
        "suggest_activity",
        json!({"arm": "talk", "reason": "keep chatting"}),
    ));
    r.handle.ask_now();
    let a = r.next_advice().await;
    assert_eq!(a.suggestion(), None);
    assert_eq!(a.rejected, 1);
    let store = r.store().await;
    assert_eq!(store.advice_summary(None).unwrap().suggestions, 0);
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

#[test]
fn no_key_and_a_remote_base_keeps_the_advisor_off() {
    let mut c = crate::config::Config::default();
    assert!(matches!(AdvisorSetup::from_config(&c), Ok(None)));
    c.advisor.enabled = true;
    c.advisor.api_key_env = "KICKTUI_TEST_NO_SUCH_KEY_VAR".into();
    let err = AdvisorSetup::from_config(&c).err().unwrap_or_default();
    assert!(
        err.contains("$KICKTUI_TEST_NO_SUCH_KEY_VAR is not set"),
        "{err}"
    );
    c.advisor.provider = Provider::Openai;
    c.advisor.api_base = "http://127.0.0.1:11434".into();
    assert!(matches!(AdvisorSetup::from_config(&c), Ok(Some(s)) if s.key.is_none()));
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
