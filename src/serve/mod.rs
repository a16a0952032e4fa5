//! The metrics server: `/ws/metrics` (live messages for a web dashboard), `GET /api/state`
//! and the dashboard page at `/`, in the same process as the engine. It follows the engine's
//! feed like any other front end and runs supervised: a panic restarts it, nothing else stops.

mod assets;
mod auth;
mod client;
mod http;
pub mod hub;
mod listener;
pub mod messages;
pub mod recording;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::engine::feed::Feed;
use crate::engine::update::Update;
use crate::supervise::{Restart, spawn_supervised};
use hub::Hub;

pub const TASK: &str = "metrics server";
/// What the dashboard answers without its token (`doctor` knows a running kicktui by it).
pub const TOKEN_REQUIRED: &str = "a token is required\n";

/// How the server runs (tests shorten the tick).
#[derive(Clone, Debug)]
pub struct Options {
    /// `stream_state` and `metrics_update` this often.
    pub tick: Duration,
    /// Messages a client may be behind before it is dropped.
    pub queue: usize,
    /// Connections at once, and how long one may pass without a byte either way.
    pub max_connections: usize,
    pub idle: Duration,
    /// How long a connection may take to send a request's head.
    pub header_read: Duration,
    /// A WebSocket client is pinged this often and dropped after three such periods without
    /// a frame from it.
    pub ping_every: Duration,
    /// Required from clients when set.
    pub token: Option<auth::Token>,
    /// Called by the hub on every update before it is sent (tests use it to make the server
    /// panic and watch it restart).
    #[doc(hidden)]
    pub inspect: Option<fn(&Update)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tick: Duration::from_secs(2),
            queue: 1024,
            max_connections: listener::MAX_CONNECTIONS,
            idle: listener::IDLE,
            header_read: http::HEADER_READ,
            ping_every: client::PING_EVERY,
            token: None,
            inspect: None,
        }
    }
}

impl Options {
    pub fn with_token(mut self, token: &str) -> Options {
        self.token = auth::Token::new(token);
        self
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    clients: watch::Receiver<usize>,
    pub task: JoinHandle<()>,
}

impl Running {
    /// WebSocket clients connected now.
    pub fn clients(&self) -> usize {
        *self.clients.borrow()
    }

    /// Waits until exactly `n` clients are connected.
    pub async fn wait_clients(&self, n: usize) {
        let _ = self.clients.clone().wait_for(|c| *c == n).await;
    }
}

#[derive(Clone)]
struct AppState {
    hub: Arc<Hub>,
    cancel: CancellationToken,
    /// One permit a client, taken before the upgrade: clients arriving at once cannot all
    /// pass a count that only grows once each has joined.
    slots: Arc<tokio::sync::Semaphore>,
    ping_every: Duration,
}

/// Binds once (so a restart keeps the port); the error is the one line the user sees.
pub fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind(addr)?;
    l.set_nonblocking(true)?;
    Ok(l)
}

/// From the live engine: the server when `[server] enabled`. A port in use (or any bind
/// error) is one clear line; everything else keeps working, and a port in use is tried again
/// every 30 s (another run on it may end).
pub fn start(cfg: &Config, feed: &Feed, cancel: CancellationToken) -> Option<Running> {
    start_retrying(cfg, feed, cancel, RETRY_BIND)
}

/// `start`, trying a port in use again every `retry`.
pub fn start_retrying(
    cfg: &Config,
    feed: &Feed,
    cancel: CancellationToken,
    retry: Duration,
) -> Option<Running> {
    let s = &cfg.server;
    if !s.enabled {
        return None;
    }
    let Some(addr) = s.addr() else {
        tracing::error!(
            "dashboard is off: [server] bind {:?} is not an address",
            s.bind
        );
        return None;
    };
    let opts = Options::default().with_token(&s.token);
    let token_set = !s.token.trim().is_empty();
    match bind(addr) {
        Ok(listener) => {
            let running = spawn(listener, feed, opts, cancel);
            if let Some(r) = &running {
                announce(feed, r, token_set, "");
            }
            running
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            tracing::error!(
                "dashboard is off: cannot listen on {addr} ({e}); chat, moments and recording go \
                 on, and the port is tried again every {} s (another kicktui on it? start \
                 this one with --dashboard 127.0.0.1:PORT, or set another [server] bind)",
                retry.as_secs()
            );
            feed.send(Update::DashboardOff(Some(format!(
                "port {} in use, tried every {} s",
                addr.port(),
                retry.as_secs()
            ))));
            let feed = feed.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        () = tokio::time::sleep(retry) => {}
                    }
                    let Ok(listener) = bind(addr) else { continue };
                    if let Some(r) = spawn(listener, &feed, opts, cancel.clone()) {
                        feed.send(Update::DashboardOff(None));
                        announce(&feed, &r, token_set, " (its port is free now)");
                        // Runs until `cancel`, like one started at once.
                        cancel.cancelled().await;
                    }
                    return;
                }
            });
            None
        }
        Err(e) => {
            tracing::error!(
                "dashboard is off: cannot listen on {addr} ({e}); chat, moments and recording go \
                 on (set [server] bind to an address this machine has)"
            );
            feed.send(Update::DashboardOff(Some(format!(
                "cannot listen on {addr}"
            ))));
            None
        }
    }
}

/// A port someone else holds is tried again this often.
const RETRY_BIND: Duration = Duration::from_secs(30);

/// Where the dashboard is: a note, so headless prints it too (and the log keeps it).
fn announce(feed: &Feed, r: &Running, token_set: bool, after: &str) {
    // The token itself is a secret: only where it goes is said.
    let token = if token_set {
        "?token=… (the [server] token)"
    } else {
        ""
    };
    // 0.0.0.0 is where it listens, not an address a browser can open.
    let (host, every) = if r.addr.ip().is_unspecified() {
        (
            format!("THIS-MACHINE:{}", r.addr.port()),
            format!("; listening on every interface, {}", r.addr),
        )
    } else {
        (r.addr.to_string(), String::new())
    };
    feed.send(Update::Note(format!(
        "Dashboard: http://{host}/{token} (live metrics on /ws/metrics{every}){after}"
    )));
}

/// Serves on `listener` until `cancel`, supervised.
pub fn spawn(
    listener: std::net::TcpListener,
    feed: &Feed,
    opts: Options,
    cancel: CancellationToken,
) -> Option<Running> {
    let addr = listener
        .local_addr()
        .map_err(|e| tracing::error!("dashboard is off: {e}"))
        .ok()?;
    let count = Arc::new(watch::Sender::new(0));
    let clients = count.subscribe();
    let (feed, stop) = (feed.clone(), cancel.clone());
    // The first subscription is taken now: nothing published after `spawn` returns is missed.
    // With the view as of that moment: what the subscription brings comes after it.
    let subscribe = move |feed: &Feed| {
        let mut rx = feed.subscribe();
        let view = rx.view();
        (rx, view)
    };
    let mut first = Some(subscribe(&feed));
    let make = move || {
        let listener = listener.try_clone();
        let (rx, view) = first.take().unwrap_or_else(|| subscribe(&feed));
        let hub = Arc::new(Hub::new(view, opts.queue, count.clone()));
        let (opts, cancel) = (opts.clone(), stop.clone());
        async move {
            let listener = match listener.and_then(tokio::net::TcpListener::from_std) {
                Ok(l) => l,
                Err(e) => {
                    tracing::error!("dashboard: cannot reuse its socket: {e}");
                    return cancel.cancelled().await;
                }
            };
            // A run's clients end with the run (a restart starts a fresh hub).
            let run = cancel.child_token();
            let _stop_clients = run.clone().drop_guard();
            let app = router(
                AppState {
                    hub: hub.clone(),
                    cancel: run.clone(),
                    slots: Arc::new(tokio::sync::Semaphore::new(MAX_CLIENTS)),
                    ping_every: opts.ping_every,
                },
                opts.token.clone(),
            );
            let listener = listener::CappedListener::new(listener, opts.max_connections, opts.idle);
            tokio::select! {
                () = http::serve(listener, app, opts.header_read, run.clone()) => {}
                () = hub.run(rx, opts.tick, opts.inspect, run.clone()) => {}
            }
        }
    };
    let task = spawn_supervised(TASK, cancel, Restart::default(), make, |_, _| {});
    Some(Running {
        addr,
        clients,
        task,
    })
}

fn router(state: AppState, token: Option<auth::Token>) -> Router {
    let guarded = Router::new()
        .route("/ws/metrics", get(ws))
        .route("/api/state", get(api_state))
        // On these routes only: an unknown path (a browser's /favicon.ico) is a 404, not a
        // refusal logged as a client with a wrong token.
        .route_layer(axum::middleware::from_fn_with_state(token, auth::require))
        .with_state(state);
    Router::new().merge(assets::routes()).merge(guarded)
}

/// Dashboards open at once: more is a runaway script, not people watching.
const MAX_CLIENTS: usize = 256;
/// Clients only ever send a close: anything bigger than this is not read.
const MAX_CLIENT_MESSAGE: usize = 4096;

async fn ws(State(st): State<AppState>, up: WebSocketUpgrade) -> Response {
    let Ok(slot) = st.slots.clone().try_acquire_owned() else {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("kicktui serves at most {MAX_CLIENTS} metrics clients at once"),
        )
            .into_response();
    };
    up.max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| {
            let client = client::run(socket, st.hub, st.cancel, slot, st.ping_every);
            crate::supervise::scoped(TASK, client)
        })
}

async fn api_state(State(st): State<AppState>) -> impl IntoResponse {
    Json(st.hub.state_json())
}
