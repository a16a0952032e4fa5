//! A fake language-model server for tests: Anthropic's `POST /v1/messages` and OpenAI's
//! `POST /v1/chat/completions` on one loopback port, answering from a script (tool calls,
//! 429 with `retry-after`, 500, slow replies, garbage) and recording every request.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One scripted answer.
#[derive(Clone, Debug, PartialEq)]
pub enum LlmReply {
    /// 200 with these tool calls `(name, arguments)` and optional free text.
    Tools {
        text: Option<String>,
        calls: Vec<(String, Value)>,
    },
    /// 200 with OpenAI-style `arguments` given verbatim (e.g. not JSON). Anthropic: as `input`.
    RawArguments { name: String, arguments: String },
    /// An error status, with `retry-after` seconds when given.
    Status { code: u16, retry_after: Option<u64> },
    /// Waits, then answers.
    Slow {
        delay: Duration,
        then: Box<LlmReply>,
    },
    /// 200 with a body that is not JSON.
    Garbage,
}

impl LlmReply {
    pub fn tool(name: &str, args: Value) -> LlmReply {
        LlmReply::Tools {
            text: None,
            calls: vec![(name.into(), args)],
        }
    }
}

/// A request as received.
#[derive(Clone, Debug, PartialEq)]
pub struct LlmRequest {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl LlmRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Inner {
    script: VecDeque<LlmReply>,
    requests: Vec<LlmRequest>,
}

#[derive(Clone, Default)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    got: Arc<Notify>,
}

pub struct FakeLlm {
    addr: SocketAddr,
    shared: Shared,
    server: JoinHandle<()>,
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeLlm {
    pub async fn start() -> io::Result<FakeLlm> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Shared::default();
        let app = Router::new()
            .route("/v1/messages", post(anthropic))
            .route("/v1/chat/completions", post(openai))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!("fake llm stopped: {e}");
            }
        });
        Ok(FakeLlm {
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:PORT` (the `api_base`).
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues the next answer; with nothing queued the fake answers with no tool calls.
    pub fn push(&self, r: LlmReply) {
        self.lock().script.push_back(r);
    }

    pub fn requests(&self) -> Vec<LlmRequest> {
        self.lock().requests.clone()
    }

    /// Waits until at least `n` requests have arrived.
    pub async fn wait_requests(&self, n: usize) {
        loop {
            let notified = self.shared.got.notified();
            if self.lock().requests.len() >= n {
                return;
            }
            notified.await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Anthropic,
    Openai,
}

fn take(s: &Shared, path: &str, headers: &HeaderMap, body: &Bytes) -> LlmReply {
    let mut g = s.inner.lock().unwrap_or_else(|p| p.into_inner());
    g.requests.push(LlmRequest {
        path: path.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect(),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
    });
    let r = g.script.pop_front().unwrap_or(LlmReply::Tools {
        text: Some("Nothing to add.".into()),
        calls: vec![],
    });
    drop(g);
    s.got.notify_waiters();
    r
}

async fn anthropic(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let r = take(&s, "/v1/messages", &headers, &body);
    answer(Shape::Anthropic, r).await
}

async fn openai(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let r = take(&s, "/v1/chat/completions", &headers, &body);
    answer(Shape::Openai, r).await
}

async fn answer(shape: Shape, mut r: LlmReply) -> Response {
    while let LlmReply::Slow { delay, then } = r {
        tokio::time::sleep(delay).await;
        r = *then;
    }
    let (text, calls) = match r {
        LlmReply::Status { code, retry_after } => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = json!({"type": "error", "error": {"type": "fake", "message": "scripted"}});
            let mut resp = (status, axum::Json(body)).into_response();
            if let Some(ra) = retry_after {
                resp.headers_mut().insert(
                    "retry-after",
                    ra.to_string()
                        .parse()
                        .unwrap_or(axum::http::HeaderValue::from_static("1")),
                );
            }
            return resp;
        }
        LlmReply::Garbage => {
            return (
                [("content-type", "application/json")],
                "<html>502 Bad Gateway",
            )
                .into_response();
        }
        LlmReply::RawArguments { name, arguments } => {
            let call = match shape {
                Shape::Anthropic => {
                    json!({"type": "tool_use", "id": "toolu_1", "name": name, "input": arguments})
                }
                Shape::Openai => json!({"id": "call_1", "type": "function",
                    "function": {"name": name, "arguments": arguments}}),
            };
            return ok(shape, None, vec![call]);
        }
        LlmReply::Tools { text, calls } => (text, calls),
        // Unwrapped by the loop above.
        LlmReply::Slow { .. } => (None, Vec::new()),
    };
    let rendered = calls
        .into_iter()
        .enumerate()
        .map(|(i, (name, args))| match shape {
            Shape::Anthropic => {
                json!({"type": "tool_use", "id": format!("toolu_{i}"), "name": name, "input": args})
            }
            Shape::Openai => json!({"id": format!("call_{i}"), "type": "function",
                "function": {"name": name, "arguments": args.to_string()}}),
        })
        .collect();
    ok(shape, text, rendered)
}

fn ok(shape: Shape, text: Option<String>, calls: Vec<Value>) -> Response {
    let body = match shape {
        Shape::Anthropic => {
            let mut content: Vec<Value> = Vec::new();
            if let Some(t) = text {
                content.push(json!({"type": "text", "text": t}));
            }
            content.extend(calls);
            json!({"id": "msg_1", "type": "message", "role": "assistant", "content": content,
                   "stop_reason": "tool_use", "usage": {"input_tokens": 100, "output_tokens": 20}})
        }
        Shape::Openai => {
            let mut msg = json!({"role": "assistant", "content": text});
            if !calls.is_empty() {
                msg["tool_calls"] = Value::Array(calls);
            }
            json!({"id": "chatcmpl-1", "object": "chat.completion",
                   "choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls"}]})
        }
    };
    axum::Json(body).into_response()
}
