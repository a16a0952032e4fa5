//! Binding, routing and shutdown of the fake; the listener that can refuse connections.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tracing::{debug, warn};

use super::api::{self, query_values};
use super::state::Shared;
use super::{FakeConfig, FakeControl, Refuse, centrifugo, socket};
use crate::config;

/// A running fake Kick. Dropping it stops the server and closes every socket (1001).
pub struct FakeKick {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Option<JoinHandle<()>>,
}

impl FakeKick {
    /// Binds and serves. Fails if the address is taken or `cfg.channels` is empty.
    pub async fn start(cfg: FakeConfig) -> io::Result<FakeKick> {
        if cfg.channels.is_empty() {
            let why = "FakeConfig.channels is empty; the fake needs a channel to serve";
            return Err(io::Error::new(io::ErrorKind::InvalidInput, why));
        }
        let listener = TcpListener::bind(cfg.bind).await?;
        let addr = listener.local_addr()?;
        let shared = Shared::new(cfg);
        let app = router(shared.clone());
        let listener = RefusingListener {
            inner: listener,
            shared: shared.clone(),
        };
        let mut stop = shared.shutdown.subscribe();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            if let Err(e) = serve.await {
                warn!("fake kick server stopped: {e}");
            }
        });
        Ok(FakeKick {
            addr,
            shared,
            server: Some(server),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the base for the channel API, the official API and OAuth.
    pub fn api_base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The Pusher URL with the configured app key, as a client would be given it.
    pub fn pusher_url(&self) -> String {
        self.pusher_url_with_key(&self.shared.cfg.app_key)
    }

    /// The Pusher URL with any app key (a wrong one gets close 4001).
    pub fn pusher_url_with_key(&self, key: &str) -> String {
        format!(
            "ws://{}/app/{key}?protocol=7&client=js&version=8.4.0&flash=false",
            self.addr
        )
    }

    /// A `[kick]` config section pointing every endpoint here, with the first channel's
    /// ids left at 0 (so a client looks them up) and the accepted client credentials.
    pub fn kick_config(&self) -> config::Kick {
        config::Kick {
            api_base: self.api_base(),
            official_api_base: self.api_base(),
            oauth_base: self.api_base(),
            pusher_url: self.pusher_url(),
            channel_id: 0,
            chatroom_id: 0,
            client_id: self.shared.cfg.client_id.clone(),
            client_secret: self.shared.cfg.client_secret.clone().into(),
            transport: config::ChatTransport::Auto,
            centrifugo_url: self.centrifugo_url(),
            centrifugo_token_url: self.centrifugo_token_url(),
        }
    }

    /// The Centrifugo socket (kick-protocol.md §1.6).
    pub fn centrifugo_url(&self) -> String {
        format!("ws://{}/connection/websocket", self.addr)
    }

    /// Where a Centrifugo client gets its anonymous connection token.
    pub fn centrifugo_token_url(&self) -> String {
        format!("http://{}/api/v1/realtime/auth/connection", self.addr)
    }

    /// Drives the first configured channel.
    pub fn control(&self) -> FakeControl {
        FakeControl::new(self.shared.clone(), 0)
    }

    /// Stops the server and waits until it has closed its sockets.
    pub async fn shutdown(mut self) {
        let _ = self.shared.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for FakeKick {
    fn drop(&mut self) {
        let _ = self.shared.shutdown.send_replace(true);
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v2/channels/{slug}", get(api::channel))
        .route("/api/v2/channels/{slug}/livestream", get(api::livestream))
        .route("/oauth/token", post(api::token))
        .route("/public/v1/channels", get(api::official_channels))
        .route("/app/{key}", get(pusher))
        .route("/api/v1/realtime/auth/connection", post(centrifugo::token))
        .route("/connection/websocket", get(centrifugo_upgrade))
        .with_state(shared)
}

/// `GET /app/{key}?protocol=7&…`: the Pusher WebSocket upgrade.
async fn pusher(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
    upgrade: WebSocketUpgrade,
) -> Response {
    if shared.refusing(Refuse::Upgrade) {
        return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
    }
    let protocol = query_values(query.as_deref().unwrap_or(""), "protocol");
    // Pusher accepts the socket, then closes it with the reason (§1.3).
    let reject = if key != shared.cfg.app_key {
        Some(4001)
    } else {
        match protocol.first().map(|p| p.parse::<u32>()) {
            None => Some(4008),
            Some(Ok(v)) if v >= 7 => None,
            Some(_) => Some(4007),
        }
    };
    upgrade.on_upgrade(move |ws| socket::run(ws, shared, reject))
}

/// `GET /connection/websocket`: the Centrifugo WebSocket upgrade.
async fn centrifugo_upgrade(
    State(shared): State<Arc<Shared>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if shared.refusing(Refuse::Upgrade) {
        return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
    }
    upgrade.on_upgrade(move |ws| centrifugo::run(ws, shared))
}

/// A TCP listener that closes new connections at once while refusal is on.
struct RefusingListener {
    inner: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for RefusingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    if self.shared.refusing(Refuse::Tcp) {
                        drop(stream);
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    return (stream, addr);
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    debug!("fake kick accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}
