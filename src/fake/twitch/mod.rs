//! A local fake Twitch for tests and `kicktui demo --platform twitch`: IRC over WebSocket at
//! `/` (anonymous login, tags, several lines per frame, PING, RECONNECT, dropped sockets) and
//! Helix with app tokens, on one loopback port, driven through [`TwitchControl`].
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! use kicktui::fake::twitch::FakeTwitch;
//! let (twitch, control) = FakeTwitch::start_demo().await?;
//! let url = twitch.irc_url(); // give it to the Twitch chat source
//! control.wait_joined(1).await;
//! control.chat("viewer1", "CLIP THAT");
//! # Ok(()) }
//! ```

mod control;
mod helix;
pub mod lines;
mod socket;
mod state;

pub use control::TwitchControl;
pub use state::{ConnId, SentLine, TwitchStats};

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

use super::{Action, Script};
use crate::config;
use state::Shared;

#[derive(Clone, Debug)]
pub struct FakeTwitchConfig {
    /// Port 0 picks a free one.
    pub bind: SocketAddr,
    /// The channel's login; JOINs to it are served.
    pub channel: String,
    /// The broadcaster's id (`room-id`).
    pub room_id: u64,
    /// How long connections told to RECONNECT keep getting lines before the fake closes them.
    pub reconnect_grace: Duration,
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl: Duration,
    /// Seeds message ids and tokens, so runs are repeatable.
    pub seed: u64,
    pub ledger_limit: usize,
}

impl Default for FakeTwitchConfig {
    fn default() -> Self {
        FakeTwitchConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            channel: "kicktuidemo".into(),
            room_id: 141_981_764,
            reconnect_grace: Duration::from_secs(2),
            client_id: "kicktuidemoclientid0000000000".into(),
            client_secret: "demo-secret".into(),
            token_ttl: Duration::from_secs(5_000_000),
            seed: 0x7477_6974,
            ledger_limit: 100_000,
        }
    }
}

/// A running fake Twitch. Dropping it stops the server.
pub struct FakeTwitch {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Option<JoinHandle<()>>,
}

impl FakeTwitch {
    pub async fn start(cfg: FakeTwitchConfig) -> io::Result<FakeTwitch> {
        let listener = tokio::net::TcpListener::bind(cfg.bind).await?;
        let addr = listener.local_addr()?;
        let shared = Shared::new(cfg);
        let app = Router::new()
            .route("/", get(upgrade))
            .route("/oauth2/token", post(helix::token))
            .route("/helix/streams", get(helix::streams))
            .with_state(shared.clone());
        let mut stop = shared.shutdown.subscribe();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            if let Err(e) = serve.await {
                tracing::warn!("fake twitch server stopped: {e}");
            }
        });
        Ok(FakeTwitch {
            addr,
            shared,
            server: Some(server),
        })
    }

    /// The demo's fake: default channel, live now, and its control handle.
    pub async fn start_demo() -> io::Result<(FakeTwitch, TwitchControl)> {
        let twitch = FakeTwitch::start(FakeTwitchConfig::default()).await?;
        let control = twitch.control();
        control.set_live("kicktui demo stream");
        Ok((twitch, control))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://127.0.0.1:PORT/`: `[twitch] irc_url`.
    pub fn irc_url(&self) -> String {
        format!("ws://{}/", self.addr)
    }

    /// `[twitch] api_base` (Helix) and `auth_base` (OAuth).
    pub fn api_base(&self) -> String {
        format!("http://{}/helix", self.addr)
    }

    pub fn auth_base(&self) -> String {
        format!("http://{}/oauth2", self.addr)
    }

    pub fn channel(&self) -> &str {
        &self.shared.cfg.channel
    }

    /// A `[twitch]` section pointing every endpoint here, with accepted credentials.
    pub fn twitch_config(&self) -> config::Twitch {
        config::Twitch {
            irc_url: self.irc_url(),
            client_id: self.shared.cfg.client_id.clone(),
            client_secret: self.shared.cfg.client_secret.clone().into(),
            api_base: self.api_base(),
            auth_base: self.auth_base(),
            ..config::Twitch::default()
        }
    }

    pub fn control(&self) -> TwitchControl {
        TwitchControl::new(self.shared.clone())
    }

    pub async fn shutdown(mut self) {
        let _ = self.shared.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for FakeTwitch {
    fn drop(&mut self) {
        let _ = self.shared.shutdown.send_replace(true);
    }
}

async fn upgrade(State(shared): State<Arc<Shared>>, upgrade: WebSocketUpgrade) -> Response {
    if shared.refusing() {
        return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
    }
    upgrade.on_upgrade(move |ws| socket::run(ws, shared))
}

impl TwitchControl {
    /// Plays a fake-Kick script in Twitch terms, so the demo's simulated stream runs on either
    /// platform: Kicks become cheers (bits), `close_all` a RECONNECT, `drop_all` dropped
    /// sockets, `api_failure` a Helix failure.
    pub async fn run_script(&self, script: &Script) {
        let start = Instant::now();
        let mut bursts = Vec::new();
        for step in &script.steps {
            sleep_until(start + step.at).await;
            match &step.action {
                Action::Burst {
                    messages,
                    users,
                    seconds,
                } => {
                    let (c, m, u) = (self.clone(), *messages, *users);
                    let over = Duration::try_from_secs_f64(*seconds).unwrap_or_default();
                    bursts.push(tokio::spawn(async move { c.burst(m, u, over).await }));
                }
                other => self.apply(other),
            }
        }
        for b in bursts {
            let _ = b.await;
        }
    }

    fn apply(&self, action: &Action) {
        match action {
            Action::Live { title } => self.set_live(title),
            Action::Offline => self.set_offline(),
            Action::Viewers { count } => self.set_viewers(*count),
            Action::Chat { user, text } => {
                self.chat(user, text);
            }
            Action::Burst { .. } => {}
            Action::Sub { user, months } => {
                self.sub(user, *months);
            }
            Action::GiftSubs { gifter, count } => {
                self.gift_subs(gifter, *count);
            }
            Action::Kicks {
                user,
                amount,
                message,
            } => {
                self.cheer(user, *amount, message);
            }
            Action::Raid { host, viewers } => {
                self.raid(host, *viewers);
            }
            Action::Malformed => {
                self.malformed();
            }
            Action::UnknownEvent => {
                self.unknown_notice();
            }
            Action::CloseAll { .. } => self.reconnect(),
            Action::DropAll => self.drop_all(),
            Action::Refuse { seconds, .. } => {
                self.refuse_connections(Duration::try_from_secs_f64(*seconds).unwrap_or_default())
            }
            Action::ApiFailure { mode } => self.set_helix_failure(*mode),
        }
    }
}
