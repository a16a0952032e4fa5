//! The Kick chat over Centrifugo, Kick's newer realtime transport (kick-protocol.md §1.6):
//! an anonymous connection token from Kick's token endpoint, `connect`, `subscribe` to the
//! same five channel names as Pusher, `{}` heartbeats answered with `{}`, the token refreshed
//! before its `ttl` runs out. Publications carry the same `{"event", "data"}` pair as Pusher
//! frames, so the Kick decoders are shared. Reconnecting is [`crate::source::socket`]'s.

mod conn;
pub mod proto;

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::json;

use super::reconnect::CloseAction;
use super::socket::{Ended, Link, Target, Transport};
use crate::http_body::with_causes;
use crate::time::wall_now;

/// Kick's endpoints answer plain clients worse than browsers, so look like one.
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

/// The Centrifugo transport: where to get a connection token, and the client id kept for
/// the whole run (Kick's web client does the same).
pub struct Centrifugo {
    token_url: String,
    client_id: String,
    http: reqwest::Client,
}

impl Centrifugo {
    pub fn new(token_url: &str) -> Centrifugo {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|e| {
                tracing::warn!("centrifugo token client: {e}; using defaults");
                reqwest::Client::new()
            });
        Centrifugo {
            token_url: token_url.to_string(),
            client_id: client_id(wall_now().0 as u64 ^ u64::from(std::process::id()) << 32),
            http,
        }
    }

    /// Asks for a fresh connection token (a `'static` future, so it can run while the
    /// connection is read).
    fn mint(&self) -> BoxFuture<'static, Result<String, String>> {
        let req = self
            .http
            .post(&self.token_url)
            .header("Referer", "https://kick.com/")
            .header("x-app-platform", "web")
            .json(&json!({ "client_id": self.client_id }));
        Box::pin(async move {
            let resp = req
                .send()
                .await
                .map_err(|e| format!("token request: {}", with_causes(&e)))?;
            let status = resp.status();
            if !status.is_success() {
                // Every kick.com answer passes Cloudflare (`server: cloudflare`); a challenge
                // says `cf-mitigated`.
                let by = if resp.headers().contains_key("cf-mitigated") {
                    " from Cloudflare (a challenge: Kick's front door blocks this network for now)"
                } else {
                    ""
                };
                return Err(format!("token request: HTTP {}{by}", status.as_u16()));
            }
            let v: serde_json::Value = resp
                .json()
                .await
                .map_err(|e| format!("token answer: {}", with_causes(&e)))?;
            v["data"]["token"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(String::from)
                .ok_or_else(|| "token answer has no data.token".to_string())
        })
    }
}

/// One connect, for `kicktui doctor`: a token, the socket, and Centrifugo's answer to
/// `connect`. `Err` says what failed.
pub async fn probe(url: &str, token_url: &str, wait: Duration) -> Result<(), String> {
    use futures_util::{SinkExt, StreamExt};
    use tokio::time::timeout;
    use tokio_tungstenite::tungstenite::Message;
    let token = timeout(wait, Centrifugo::new(token_url).mint())
        .await
        .map_err(|_| "the token request timed out".to_string())??;
    let (mut ws, _) = timeout(wait, tokio_tungstenite::connect_async(url))
        .await
        .map_err(|_| "no answer".to_string())?
        .map_err(|e| e.to_string())?;
    ws.send(Message::Text(proto::connect_cmd(1, &token).into()))
        .await
        .map_err(|e| e.to_string())?;
    let answer = async {
        while let Some(msg) = ws.next().await {
            let text = match msg.map_err(|e| e.to_string())? {
                Message::Text(t) => t,
                Message::Close(c) => return Err(format!("closed: {c:?}")),
                _ => continue,
            };
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                match proto::parse_line(line)? {
                    proto::Reply::Connected { .. } => return Ok(()),
                    proto::Reply::Error { code, message, .. }
                    | proto::Reply::Disconnect {
                        code,
                        reason: message,
                    } => return Err(format!("refused: {code} {message}")),
                    _ => {}
                }
            }
        }
        Err("closed without an answer".to_string())
    };
    let result = timeout(wait, answer)
        .await
        .map_err(|_| "no answer to connect".to_string())?;
    let _ = ws.close(None).await;
    result
}

/// A random-looking v4 UUID (it names the client, it is not a secret).
fn client_id(seed: u64) -> String {
    let mut s = seed | 1;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let bits = (u128::from(next()) << 64) | u128::from(next());
    let v = (bits & !(0xf << 76)) | (0x4 << 76);
    let v = (v & !(0x3 << 62)) | (0x2 << 62);
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Centrifugo's codes: 3500–3999 are terminal (and so are "unauthorized" and "permission
/// denied" answers to `connect`); 109 "token expired" reconnects at once with a new token;
/// everything else (3000–3499, network errors) reconnects with backoff.
pub fn centrifugo_close_action(code: Option<u16>) -> CloseAction {
    match code {
        Some(3500..=3999 | 101 | 103) => CloseAction::Fatal,
        Some(109) => CloseAction::Immediate,
        _ => CloseAction::Retry,
    }
}

impl Transport for Centrifugo {
    fn name(&self) -> &'static str {
        "Centrifugo"
    }

    fn close_action(&self, code: Option<u16>) -> CloseAction {
        centrifugo_close_action(code)
    }

    fn refused_hint(&self) -> &'static str {
        "check [kick] centrifugo_url and centrifugo_token_url"
    }

    fn connect_once<'a>(
        &'a mut self,
        target: &'a Target,
        link: &'a mut Link,
    ) -> BoxFuture<'a, Ended> {
        Box::pin(conn::connect_once(self, target, link))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_v4_uuids() {
        let id = client_id(42);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(client_id(42), client_id(44));
    }

    #[test]
    fn close_codes() {
        assert_eq!(centrifugo_close_action(Some(3501)), CloseAction::Fatal);
        assert_eq!(centrifugo_close_action(Some(3005)), CloseAction::Retry);
        assert_eq!(centrifugo_close_action(Some(109)), CloseAction::Immediate);
        assert_eq!(centrifugo_close_action(None), CloseAction::Retry);
    }

    /// A token endpoint answering with `answer` (a whole HTTP response) once.
    async fn token_server(answer: &'static str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/auth", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(answer.as_bytes()).await;
        });
        url
    }

    #[tokio::test]
    async fn a_refused_token_request_says_why() {
        // A port nothing listens on: the bare "error sending request" hid the reason.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/auth", listener.local_addr().unwrap());
        drop(listener);
        let e = Centrifugo::new(&url).mint().await.unwrap_err();
        assert!(e.to_lowercase().contains("connection refused"), "{e}");
    }

    #[tokio::test]
    async fn a_cloudflare_block_of_the_token_is_named() {
        let blocked = "HTTP/1.1 403 Forbidden\r\nserver: cloudflare\r\ncf-mitigated: challenge\r\n\
                       content-length: 0\r\nconnection: close\r\n\r\n";
        let url = token_server(blocked).await;
        let e = Centrifugo::new(&url).mint().await.unwrap_err();
        assert!(e.contains("HTTP 403 from Cloudflare"), "{e}");
        let plain = "HTTP/1.1 404 Not Found\r\nserver: cloudflare\r\ncontent-length: 0\r\n\
                     connection: close\r\n\r\n";
        let url = token_server(plain).await;
        let e = Centrifugo::new(&url).mint().await.unwrap_err();
        assert_eq!(
            e, "token request: HTTP 404",
            "passing Cloudflare is no block"
        );
    }
}
