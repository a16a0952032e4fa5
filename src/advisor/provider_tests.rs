use super::*;

/// A refusal says what the server said (a wrong model name), but never an auth error's
/// body (it may quote the key).
#[test]
fn a_refusal_says_the_servers_message_except_for_auth_errors() {
    let body =
        br#"{"error": {"message": "model \"foo\" not found, try pulling it first\u001b[2J"}}"#;
    let e = CallError::Refused(404, refusal_message(404, body));
    assert_eq!(
        e.to_string(),
        "refused (404): model \"foo\" not found, try pulling it first"
    );
    let auth = CallError::Refused(
        401,
        refusal_message(401, br#"{"error": {"message": "key sk-123"}}"#),
    );
    assert_eq!(
        auth.to_string(),
        "refused (401): check the key in api_key_env"
    );
    assert_eq!(refusal_message(400, b"<html>"), None);
    let key = Some("sk-SUPERSECRET-KEY-12345");
    assert!(quotes_key("bad request for key sk-SUPERSECRET-KE...", key));
    assert!(!quotes_key("model \"foo\" not found", key));
    assert!(!quotes_key("anything", None));
    // Its end, as a server that names the key by its last characters does.
    assert!(quotes_key("bad request; key ends with ...KEY-12345", key));
    assert_eq!(CallError::Refused(400, None).to_string(), "refused (400)");
}

fn prompt() -> Prompt {
    Prompt {
        system: "sys".into(),
        user: "state".into(),
        tools: super::super::tools::tool_specs(&["talk".into()], false),
    }
}

#[test]
fn anthropic_request_and_reply_shapes() {
    let b = request_body(Provider::Anthropic, "m", 100, &prompt());
    assert_eq!(b["system"], "sys");
    assert_eq!(b["messages"][0]["role"], "user");
    assert_eq!(b["tools"][0]["name"], "suggest_activity");
    assert!(b["tools"][0]["input_schema"].is_object());
    let reply = json!({"content": [
        {"type": "text", "text": "Chat is quiet."},
        {"type": "tool_use", "id": "t1", "name": "talking_point", "input": {"text": "ask"}}
    ], "stop_reason": "tool_use"});
    let r = parse_reply(Provider::Anthropic, &reply);
    assert_eq!(
        r,
        Ok(RawReply {
            text: Some("Chat is quiet.".into()),
            calls: vec![RawCall {
                name: "talking_point".into(),
                input: json!({"text": "ask"})
            }]
        })
    );
    assert!(parse_reply(Provider::Anthropic, &json!({"error": {}})).is_err());
}

#[test]
fn openai_request_and_reply_shapes() {
    let b = request_body(Provider::Openai, "m", 100, &prompt());
    assert_eq!(b["messages"][0]["role"], "system");
    assert_eq!(b["tools"][0]["type"], "function");
    assert_eq!(b["tools"][0]["function"]["name"], "suggest_activity");
    assert!(b["tools"][0]["function"]["parameters"].is_object());
    let reply = json!({"choices": [{"message": {"role": "assistant", "content": null,
    "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "mark_moment", "arguments": "{\"reason\":\"hype\"}"}},
        {"id": "c2", "type": "function", "function": {"name": "talking_point", "arguments": "{not json"}}
    ]}}]});
    let r = parse_reply(Provider::Openai, &reply).unwrap_or_default();
    assert_eq!(r.text, None);
    assert_eq!(r.calls[0].input, json!({"reason": "hype"}));
    assert_eq!(r.calls[1].input, Value::Null);
    assert!(parse_reply(Provider::Openai, &json!({"choices": []})).is_err());
}

#[test]
fn retry_after_reads_seconds_only() {
    assert_eq!(retry_after(Some("7")), Some(Duration::from_secs(7)));
    assert_eq!(retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
    assert_eq!(retry_after(None), None);
}
