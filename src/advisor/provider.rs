//! The two wire formats: Anthropic's Messages API and OpenAI-style chat completions (which
//! Ollama, llama.cpp and vLLM speak too). Building a request and reading a reply are pure;
//! [`LlmClient::call`] is the one HTTP call, and its errors never carry the key.

use std::time::Duration;

use serde_json::{Value, json};

use super::key::ApiKey;
use super::tools::ToolSpec;
use crate::config::{Advisor, Provider};
use crate::http_body::BodyError;

/// A model's reply is a few KiB; a bigger one is not read to the end.
const MAX_REPLY: usize = 2 << 20;
/// A refusal's body is read for its message only.
const REFUSAL_BODY: usize = 64 << 10;

/// What one call sends: instructions, the stream's state, the tools.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    pub tools: Vec<ToolSpec>,
}

/// A tool call as the model made it, before validation. `input` is `Null` when its
/// arguments were not JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct RawCall {
    pub name: String,
    pub input: Value,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawReply {
    pub text: Option<String>,
    pub calls: Vec<RawCall>,
}

/// Why a call gave nothing. One log line each; the actor backs off.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("rate limited (429){}", .retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    #[error("server error ({0})")]
    Server(u16),
    #[error("refused ({0}){hint}", hint = refused_hint(*.0, .1.as_deref()))]
    Refused(u16, Option<String>),
    #[error("no answer within the timeout")]
    Timeout,
    #[error("cannot connect: {0}")]
    Network(String),
    #[error("malformed reply: {0}")]
    Malformed(String),
}

fn refused_hint(status: u16, said: Option<&str>) -> String {
    match said {
        _ if status == 401 || status == 403 => ": check the key in api_key_env".into(),
        Some(said) => format!(": {said}"),
        None => String::new(),
    }
}

/// What a refusal's body says (`{"error": {"message": …}}`, both providers), short and
/// printable. Not for 401/403: an auth error may quote the key back.
fn refusal_message(status: u16, body: &[u8]) -> Option<String> {
    if status == 401 || status == 403 {
        return None;
    }
    let v: Value = serde_json::from_slice(body).ok()?;
    let m = v["error"]["message"].as_str().or(v["message"].as_str())?;
    let m = crate::terminal_text::clean_cut(m, 200);
    (!m.is_empty()).then_some(m)
}

/// Whether a server's message quotes the key, or any 8 characters of it in a row (servers
/// that echo a key partly show its start or its end): such a message is not shown.
fn quotes_key(message: &str, key: Option<&str>) -> bool {
    let Some(key) = key.filter(|k| k.len() >= QUOTED_KEY_CHARS) else {
        return false;
    };
    let key = key.as_bytes();
    key.windows(QUOTED_KEY_CHARS)
        .any(|w| std::str::from_utf8(w).is_ok_and(|w| message.contains(w)))
}

/// A run of this many of the key's characters in a message counts as quoting it.
const QUOTED_KEY_CHARS: usize = 8;

impl CallError {
    /// The `advice.outcome` column.
    pub fn outcome(&self) -> &'static str {
        match self {
            CallError::RateLimited { .. } => "rate_limited",
            CallError::Server(_) => "server_error",
            CallError::Refused(..) => "refused",
            CallError::Timeout => "timeout",
            CallError::Network(_) => "network",
            CallError::Malformed(_) => "malformed",
        }
    }
}

pub fn endpoint(provider: Provider, base: &str) -> String {
    match provider {
        Provider::Anthropic => format!("{base}/v1/messages"),
        Provider::Openai => format!("{base}/v1/chat/completions"),
    }
}

pub fn request_body(provider: Provider, model: &str, max_tokens: u32, p: &Prompt) -> Value {
    match provider {
        Provider::Anthropic => {
            let tools: Vec<Value> = p
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.schema}))
                .collect();
            json!({
                "model": model,
                "max_tokens": max_tokens,
                "system": p.system,
                "messages": [{"role": "user", "content": p.user}],
                "tools": tools,
            })
        }
        Provider::Openai => {
            let tools: Vec<Value> = p
                .tools
                .iter()
                .map(|t| {
                    json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.schema}})
                })
                .collect();
            json!({
                "model": model,
                "max_tokens": max_tokens,
                "messages": [
                    {"role": "system", "content": p.system},
                    {"role": "user", "content": p.user},
                ],
                "tools": tools,
            })
        }
    }
}

fn malformed(what: &str) -> CallError {
    CallError::Malformed(what.into())
}

/// Reads a 2xx reply body.
pub fn parse_reply(provider: Provider, body: &Value) -> Result<RawReply, CallError> {
    match provider {
        Provider::Anthropic => {
            let blocks = body
                .get("content")
                .and_then(Value::as_array)
                .ok_or_else(|| malformed("no `content` array"))?;
            let mut reply = RawReply::default();
            let mut text = String::new();
            for b in blocks {
                match b.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        if let Some(t) = b.get("text").and_then(Value::as_str) {
                            text.push_str(t);
                        }
                    }
                    Some("tool_use") => reply.calls.push(RawCall {
                        name: b
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .into(),
                        input: b.get("input").cloned().unwrap_or(Value::Null),
                    }),
                    // thinking and other blocks: not for us
                    _ => {}
                }
            }
            reply.text = (!text.is_empty()).then_some(text);
            Ok(reply)
        }
        Provider::Openai => {
            let msg = body
                .pointer("/choices/0/message")
                .filter(|m| m.is_object())
                .ok_or_else(|| malformed("no `choices[0].message`"))?;
            let calls = msg
                .get("tool_calls")
                .and_then(Value::as_array)
                .map(|calls| {
                    calls
                        .iter()
                        .map(|c| {
                            let f = c.get("function");
                            let name = f.and_then(|f| f.get("name")).and_then(Value::as_str);
                            // `arguments` is a JSON string; some local servers send an object.
                            let input = match f.and_then(|f| f.get("arguments")) {
                                Some(Value::String(s)) => {
                                    serde_json::from_str(s).unwrap_or(Value::Null)
                                }
                                Some(v @ Value::Object(_)) => v.clone(),
                                _ => Value::Null,
                            };
                            RawCall {
                                name: name.unwrap_or_default().into(),
                                input,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            // A string, or (newer servers) a list of parts of which the text ones count.
            let text = match msg.get("content") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(parts)) => parts
                    .iter()
                    .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect(),
                _ => String::new(),
            };
            let text = (!text.is_empty()).then_some(text);
            Ok(RawReply { text, calls })
        }
    }
}

/// `retry-after` in seconds, capped at 1 h (an HTTP date is treated as absent: the default
/// backoff applies).
pub fn retry_after(v: Option<&str>) -> Option<Duration> {
    v.and_then(|s| s.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s.min(3600)))
}

/// One provider, ready to call.
#[derive(Clone, Debug)]
pub struct LlmClient {
    http: reqwest::Client,
    provider: Provider,
    url: String,
    model: String,
    max_tokens: u32,
    key: Option<ApiKey>,
}

impl LlmClient {
    pub fn new(cfg: &Advisor, key: Option<ApiKey>) -> Result<LlmClient, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(cfg.timeout_seconds.into()))
            .connect_timeout(Duration::from_secs(10))
            // The key goes to api_base and nowhere else: reqwest drops `Authorization` on a
            // redirect to another host, but not Anthropic's `x-api-key`.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(LlmClient {
            http,
            provider: cfg.provider,
            url: endpoint(cfg.provider, cfg.api_base()),
            model: cfg.model().to_string(),
            max_tokens: cfg.max_tokens,
            key,
        })
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub async fn call(&self, p: &Prompt) -> Result<RawReply, CallError> {
        let body = request_body(self.provider, &self.model, self.max_tokens, p);
        let mut req = self.http.post(&self.url).json(&body);
        req = match (self.provider, &self.key) {
            (Provider::Anthropic, Some(k)) => req.header("x-api-key", k.expose()),
            (Provider::Openai, Some(k)) => req.bearer_auth(k.expose()),
            (_, None) => req,
        };
        if self.provider == Provider::Anthropic {
            req = req.header("anthropic-version", "2023-06-01");
        }
        let resp = req.send().await.map_err(net_error)?;
        let status = resp.status().as_u16();
        if status == 429 {
            let ra = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok());
            return Err(CallError::RateLimited {
                retry_after: retry_after(ra),
            });
        }
        // Anthropic's 529 "overloaded" is a server error too.
        if status >= 500 {
            return Err(CallError::Server(status));
        }
        if (300..400).contains(&status) {
            let said = "it redirects elsewhere: set api_base to the address it points to";
            return Err(CallError::Refused(status, Some(said.into())));
        }
        if !(200..300).contains(&status) {
            let body = crate::http_body::read_capped(resp, REFUSAL_BODY)
                .await
                .unwrap_or_default();
            // The whole body is looked at: a message cut short may end inside the key.
            let key = self.key.as_ref().map(ApiKey::expose);
            let said = refusal_message(status, &body)
                .filter(|_| !quotes_key(&String::from_utf8_lossy(&body), key));
            return Err(CallError::Refused(status, said));
        }
        let bytes = match crate::http_body::read_capped(resp, MAX_REPLY).await {
            Ok(bytes) => bytes,
            Err(BodyError::Network(e)) => return Err(net_error(e)),
            Err(BodyError::TooBig(mib)) => {
                return Err(CallError::Malformed(format!("the reply is over {mib} MiB")));
            }
        };
        // A gateway that echoes headers would put the key on a screen that may be on stream,
        // in the log and in the database.
        let key = self.key.as_ref().map(ApiKey::expose);
        if quotes_key(&String::from_utf8_lossy(&bytes), key) {
            return Err(CallError::Malformed(
                "it quotes the API key, so it is not shown".into(),
            ));
        }
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| CallError::Malformed(format!("not JSON ({e})")))?;
        parse_reply(self.provider, &v)
    }
}

fn net_error(e: reqwest::Error) -> CallError {
    if e.is_timeout() {
        CallError::Timeout
    } else {
        // Without the URL: short, and nothing but the base could be in it anyway. With the
        // causes: "error sending request" alone does not say "connection refused".
        CallError::Network(crate::http_body::with_causes(&e.without_url()))
    }
}

#[cfg(test)]
#[path = "provider_tests.rs"]
mod tests;
