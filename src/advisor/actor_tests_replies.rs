//! What a reply gives: suggestions parsed on both provider shapes, invalid and unparseable
//! calls ignored and logged, a flood of calls cut to a few, a suggestion of the activity on
//! dropped; the request's shape, the stored row, and no key in any log line.

use super::*;

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
