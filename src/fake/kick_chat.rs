//! A fake of Kick's OAuth server and official chat endpoint for the chat voice's tests:
//! `GET /oauth/authorize` redirects straight back with a code (the user "approved"),
//! `POST /oauth/token` checks the PKCE verifier and issues / refreshes tokens, and
//! `POST /public/v1/chat` records what was posted with a valid token (401 otherwise).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::bot::oauth::s256;

#[derive(Clone, Debug, PartialEq)]
pub struct Posted {
    pub content: String,
    pub kind: String,
    pub broadcaster_user_id: Option<u64>,
    pub token: String,
}

#[derive(Default)]
struct Inner {
    client_id: String,
    client_secret: String,
    /// code → (challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    access: Option<String>,
    refresh: Option<String>,
    issued: u32,
    refreshes: u32,
    expires_in: i64,
    posts: Vec<Posted>,
    /// The chat refuses every token (the app lost its `chat:write` grant).
    refuse_all: bool,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct FakeKickChat {
    addr: SocketAddr,
    shared: Shared,
    server: JoinHandle<()>,
}

impl Drop for FakeKickChat {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeKickChat {
    /// Accepts these app credentials; tokens live `expires_in` seconds.
    pub async fn start(
        client_id: &str,
        client_secret: &str,
        expires_in: i64,
    ) -> io::Result<FakeKickChat> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Shared::default();
        {
            let mut g = shared.lock();
            g.client_id = client_id.into();
            g.client_secret = client_secret.into();
            g.expires_in = expires_in;
        }
        let app = Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .route("/public/v1/chat", post(chat))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!("fake kick chat stopped: {e}");
            }
        });
        Ok(FakeKickChat {
            addr,
            shared,
            server,
        })
    }

    /// `oauth_base` and `official_api_base` both.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn posts(&self) -> Vec<Posted> {
        self.shared.lock().posts.clone()
    }

    /// Tokens issued by code exchange, and refreshes.
    pub fn issued(&self) -> (u32, u32) {
        let g = self.shared.lock();
        (g.issued, g.refreshes)
    }

    /// The current access token stops working (as if revoked or expired early).
    pub fn revoke_access(&self) {
        self.shared.lock().access = None;
    }

    /// From now on the chat answers 401 to every token, refreshed or not.
    pub fn refuse_every_token(&self) {
        self.shared.lock().refuse_all = true;
    }
}

async fn authorize(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("code_challenge_method") != "S256" || get("client_id") != s.lock().client_id {
        return (StatusCode::BAD_REQUEST, "bad request").into_response();
    }
    let code = format!("code-{}", s.lock().codes.len() + 1);
    let redirect = get("redirect_uri");
    s.lock()
        .codes
        .insert(code.clone(), (get("code_challenge"), redirect.clone()));
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let location = format!("{redirect}{sep}code={code}&state={}", get("state"));
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn tokens(g: &mut Inner) -> Json<Value> {
    g.issued += 1;
    let n = g.issued + g.refreshes;
    let access = format!("AT-{n}");
    let refresh = format!("RT-{n}");
    g.access = Some(access.clone());
    g.refresh = Some(refresh.clone());
    Json(
        json!({"access_token": access, "token_type": "Bearer", "refresh_token": refresh,
                "expires_in": g.expires_in, "scope": "user:read chat:write"}),
    )
}

async fn token(State(s): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut g = s.lock();
    if get("client_id") != g.client_id || get("client_secret") != g.client_secret {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    match get("grant_type").as_str() {
        "authorization_code" => {
            let Some((challenge, redirect)) = g.codes.remove(&get("code")) else {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "invalid_grant"})),
                )
                    .into_response();
            };
            if s256(&get("code_verifier")) != challenge || get("redirect_uri") != redirect {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "invalid_grant"})),
                )
                    .into_response();
            }
            tokens(&mut g).into_response()
        }
        "refresh_token" if g.refresh.as_deref() == Some(get("refresh_token").as_str()) => {
            g.refreshes += 1;
            g.issued -= 1;
            tokens(&mut g).into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response(),
    }
}

async fn chat(State(s): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let mut g = s.lock();
    if g.refuse_all || g.access.as_deref() != Some(bearer.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Unauthorized"})),
        )
            .into_response();
    }
    g.posts.push(Posted {
        content: body["content"].as_str().unwrap_or_default().into(),
        kind: body["type"].as_str().unwrap_or_default().into(),
        broadcaster_user_id: body["broadcaster_user_id"].as_u64(),
        token: bearer,
    });
    let id = g.posts.len();
    Json(json!({"data": {"is_sent": true, "message_id": format!("msg-{id}")}, "message": "OK"}))
        .into_response()
}
