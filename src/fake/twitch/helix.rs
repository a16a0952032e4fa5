//! The fake Helix: `POST /oauth2/token` (client credentials) and `GET /helix/streams`, with
//! Twitch's answer shapes (an empty `data` when offline, 401 for a bad token).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::state::Shared;
use crate::fake::ApiFailure;
use crate::fake::api::query_values;
use crate::fake::state::lock;

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    shared.stats.send_modify(|s| s.api_requests += 1);
    let mut world = lock(&shared.world);
    if let Some(r) = failure(world.helix_failure) {
        return r;
    }
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        let body = json!({ "status": 400, "message": "unsupported grant type" });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    if field("client_id") != shared.cfg.client_id {
        let body = json!({ "status": 400, "message": "invalid client" });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    if field("client_secret") != shared.cfg.client_secret {
        let body = json!({ "status": 403, "message": "invalid client secret" });
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    let access = format!("{:015x}{:015x}", shared.random(), shared.random());
    let ttl = shared.cfg.token_ttl;
    world.tokens.insert(access.clone(), Instant::now() + ttl);
    shared.stats.send_modify(|s| s.tokens_issued += 1);
    Json(json!({ "access_token": access, "expires_in": ttl.as_secs(), "token_type": "bearer" }))
        .into_response()
}

pub(crate) async fn streams(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    shared.stats.send_modify(|s| s.api_requests += 1);
    let world = lock(&shared.world);
    if let Some(r) = failure(world.helix_failure) {
        return r;
    }
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
            .unwrap_or("")
    };
    let token = header(header::AUTHORIZATION.as_str())
        .strip_prefix("Bearer ")
        .unwrap_or("");
    let valid = world
        .tokens
        .get(token)
        .is_some_and(|until| Instant::now() < *until);
    if !valid {
        let body =
            json!({ "error": "Unauthorized", "status": 401, "message": "Invalid OAuth token" });
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    if header("client-id") != shared.cfg.client_id {
        let body = json!({ "error": "Unauthorized", "status": 401,
                           "message": "Client ID and OAuth token do not match" });
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    let logins = query_values(query.as_deref().unwrap_or(""), "user_login");
    let cfg = &shared.cfg;
    let ours = logins.iter().any(|l| l.eq_ignore_ascii_case(&cfg.channel));
    let data: Vec<Value> = match (&world.live, ours) {
        (Some(live), true) => vec![json!({
            // One id per broadcast (each start its own), as Helix gives.
            "id": (live.started_at.0 / 1000).to_string(),
            "user_id": cfg.room_id.to_string(),
            "user_login": cfg.channel,
            "user_name": cfg.channel,
            "game_id": "509658",
            "game_name": "Just Chatting",
            "type": "live",
            "title": live.title,
            "tags": ["English"],
            "viewer_count": live.viewers,
            "started_at": live.started_at.to_rfc3339(),
            "language": "en",
            "thumbnail_url": format!("https://static-cdn.jtvnw.net/previews-ttv/live_user_{}-{{width}}x{{height}}.jpg", cfg.channel),
            "tag_ids": [],
            "is_mature": false
        })],
        _ => Vec::new(),
    };
    Json(json!({ "data": data, "pagination": {} })).into_response()
}

fn failure(mode: ApiFailure) -> Option<Response> {
    let body = |status: u16, message: &str| {
        Json(json!({ "error": "Error", "status": status, "message": message }))
    };
    Some(match mode {
        ApiFailure::None => return None,
        ApiFailure::RateLimited { retry_after } => {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                body(429, "Too Many Requests"),
            )
                .into_response();
            if let Some(s) = retry_after
                && let Ok(v) = s.to_string().parse()
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        // Twitch has no Cloudflare wall; every other failure is a server error here.
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            body(500, "Internal Server Error"),
        )
            .into_response(),
    })
}
