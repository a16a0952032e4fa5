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
    // A null message is no answer, not "nothing to suggest".
    let null = json!({"choices": [{"message": null}]});
    assert!(parse_reply(Provider::Openai, &null).is_err());
    // Content as a list of parts: the text parts are the words.
    let parts = json!({"choices": [{"message": {"content": [
        {"type": "text", "text": "keep "}, {"type": "image_url"}, {"type": "text", "text": "going"}
    ]}}]});
    let r = parse_reply(Provider::Openai, &parts).unwrap_or_default();
    assert_eq!(r.text.as_deref(), Some("keep going"));
}

#[test]
fn retry_after_reads_seconds_only() {
    assert_eq!(retry_after(Some("7")), Some(Duration::from_secs(7)));
    assert_eq!(retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
    assert_eq!(retry_after(None), None);
}

/// A one-shot HTTP server answering every request with `response`; counts the requests.
async fn answering(response: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 65536];
            let _ = sock.read(&mut buf).await;
            let _ = sock.write_all(response.as_bytes()).await;
        }
    });
    (base, hits)
}

fn client(provider: Provider, base: &str) -> LlmClient {
    let cfg = Advisor {
        provider,
        api_base: base.to_string(),
        ..Advisor::default()
    };
    LlmClient::new(&cfg, Some(ApiKey::new("sk-SUPERSECRET-KEY-12345"))).unwrap()
}

/// The key is sent to api_base only: a redirect elsewhere is not followed (reqwest would
/// have carried Anthropic's `x-api-key` header along).
#[tokio::test]
async fn a_redirect_is_not_followed_and_says_where_to_point_api_base() {
    let (elsewhere, hits) =
        answering("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".into()).await;
    let redirect = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {elsewhere}/v1/messages\r\ncontent-length: 0\r\n\r\n"
    );
    let (base, _) = answering(redirect).await;
    for provider in [Provider::Anthropic, Provider::Openai] {
        let err = client(provider, &base).call(&prompt()).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "refused (307): it redirects elsewhere: set api_base to the address it points to"
        );
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// A gateway that echoes the request's headers in its answer: the answer is dropped, so the
/// key reaches no screen, log or database.
#[tokio::test]
async fn an_answer_quoting_the_key_is_refused_unshown() {
    let body = r#"{"choices": [{"message": {"content": "your header: Bearer sk-SUPERSECRET-KEY-12345"}}]}"#;
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let (base, _) = answering(ok).await;
    let err = client(Provider::Openai, &base)
        .call(&prompt())
        .await
        .unwrap_err();
    assert_eq!(err.outcome(), "malformed");
    assert!(!err.to_string().contains("SUPERSECRET"), "{err}");
}
